"""Where things live in the built site: one place for every URL path.

Paths are relative to the site root, end with "/" (mkdocs' directory URLs) and use
Vietnamese ASCII slugs, so links and search results agree.
"""

from __future__ import annotations

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


def listing_path(listing: ListingBase) -> str:
    return f"{KIND_PATHS[listing.kind]}/{listing.id}/"


def kind_index_path(kind: str) -> str:
    return f"{KIND_PATHS[kind]}/"
