"""Where things live in the built site: one place for every URL path.

Paths are relative to the site root, end with "/" (mkdocs' directory URLs) and use
Vietnamese ASCII slugs, so links and search results agree.
"""

from __future__ import annotations

from . import vocab
from .models import ListingBase

KIND_PATHS = {
    "organisation": "doanh-nghiep",
    "product": "san-pham",
    "recycler": "tai-che",
    "model": "mo-hinh",
    "distributor": "phan-phoi",
    "exhibition": "trien-lam",
    "offer": "chao-ban",
    "demand": "nhu-cau",
}
SEARCH = "tim-kiem/"
OPEN_DATA = "du-lieu/"
GUIDE = "huong-dan/"
BOARD = "cung-cau/"
SECTORS = "nganh/"
PROVINCES = "tinh-thanh/"


def site_base(site_url: str) -> str:
    """The site URL with exactly one trailing slash, so that site_base(url) + a path from here is a URL."""
    return site_url.rstrip("/") + "/"


def listing_path(listing: ListingBase) -> str:
    return f"{KIND_PATHS[listing.kind]}/{listing.id}/"


def event_calendar_path(exhibition: ListingBase) -> str:
    """The iCalendar file of one dated exhibition (its "Thêm vào lịch" link); a file, not a folder."""
    return f"{OPEN_DATA}{KIND_PATHS['exhibition']}/{exhibition.id}.ics"


def kind_index_path(kind: str) -> str:
    return f"{KIND_PATHS[kind]}/"


def province_path(name: str) -> str:
    return f"{PROVINCES}{vocab.province_code(name).replace('_', '-')}/"


def sector_path(code: str) -> str:
    return f"{SECTORS}{code.replace('_', '-')}/"


def board_path(material_category: str) -> str:
    return f"{BOARD}{material_category.replace('_', '-')}/"
