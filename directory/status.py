"""Certificate status and the build's reference date.

A certificate is `valid`, `expiring` (within 90 days) or `expired` relative to a
reference date. For deterministic output that date never comes from the clock
during a build: it is the date of the last git commit that touched the listings,
or, outside git, the newest `date_added` (see `reference_date`). Validation
warnings may use today's date; rendered pages use the reference date.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from . import vocab
from .models import Certificate, ListingBase

EXPIRING_DAYS = 90
CERT_FIELDS = ("certificates", "permits")  # the fields that hold Certificate lists

STATUS_LABELS = {
    "valid": ("Còn hiệu lực", "Valid"),
    "expiring": ("Sắp hết hạn", "Expiring soon"),
    "expired": ("Đã hết hạn", "Expired"),
    "not_yet": ("Chưa có hiệu lực", "Not yet valid"),
}


def certificate_status(cert: Certificate, on: dt.date) -> str:
    if on < cert.valid_from:
        return "not_yet"
    if on > cert.valid_until:
        return "expired"
    if (cert.valid_until - on).days <= EXPIRING_DAYS:
        return "expiring"
    return "valid"


def has_certificates(listing: ListingBase) -> bool:
    """Whether the listing's kind can carry certificates or permits at all."""
    return any(name in type(listing).model_fields for name in CERT_FIELDS)


def certificates_of(listing: ListingBase) -> list[Certificate]:
    """A listing's certificates, then its permits."""
    return [cert for name in CERT_FIELDS for cert in getattr(listing, name, None) or []]


def scheme_label(cert: Certificate) -> str:
    """The scheme's Vietnamese name, or the author's own name for scheme 'khac'."""
    return cert.scheme_name if cert.scheme == "khac" and cert.scheme_name else vocab.SCHEMES.label(cert.scheme)


def valid_certificates(listing: ListingBase, on: dt.date) -> list[Certificate]:
    """Certificates (and permits) in force on `on`: expiring ones still count."""
    return [c for c in certificates_of(listing) if certificate_status(c, on) in ("valid", "expiring")]


def is_certified(listing: ListingBase, on: dt.date) -> bool:
    return bool(valid_certificates(listing, on))


def reference_date(listings_dir: Path, listings: list[ListingBase]) -> dt.date:
    """The last commit date of `listings_dir`, else the newest date_added, else 2000-01-01."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "."], cwd=listings_dir,
                             capture_output=True, text=True, timeout=30, check=False).stdout.strip()
        if out:
            return dt.date.fromisoformat(out)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        pass
    return max((listing.date_added for listing in listings), default=dt.date(2000, 1, 1))
