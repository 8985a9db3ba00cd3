"""Certificate status and the build's reference date.

A certificate is `valid`, `expiring` (within 90 days) or `expired` relative to a
reference date: the day the site is served, not the day the data last changed.
`reference_date` takes it from `build --date`, else SOURCE_DATE_EPOCH (the
reproducible-builds convention), else today in Vietnam; the publish workflow
rebuilds every morning so statuses flip on their day. The same date gives
byte-identical output. Pages also carry each status's dates in their markup, and
`status.js` re-judges them in the visitor's browser when a page is older than its
statuses (see site_templates/assets/javascripts/status.js).
"""

from __future__ import annotations

import datetime as dt
import os
import re

from . import vocab
from .models import FIRST_DATE, LAST_DATE, Certificate, ListingBase

EXPIRING_DAYS = 90
# Vietnam keeps UTC+7 all year (no daylight saving since 1975): a fixed offset needs no tz database.
VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
CERT_FIELDS = ("certificates", "permits")  # the fields that hold Certificate lists

STATUS_LABELS = {
    "valid": ("Còn hiệu lực", "Valid"),
    "expiring": ("Sắp hết hạn", "Expiring soon"),
    "expired": ("Đã hết hạn", "Expired"),
    "not_yet": ("Chưa có hiệu lực", "Not yet valid"),
}


# What a dated badge says in each status, per kind of badge. status.js receives this table
# (through the page footer) and applies `dated_status` again in the visitor's browser.
DATED_LABELS = {
    "certificate": {code: vi for code, (vi, _) in STATUS_LABELS.items()},
    "certified": {"valid": "Có chứng nhận còn hiệu lực", "expiring": "Có chứng nhận còn hiệu lực",
                  "expired": "Chứng nhận đã hết hạn", "not_yet": "Chứng nhận chưa có hiệu lực"},
    "exchange": {"valid": "Còn hạn", "expiring": "Còn hạn", "expired": "Đã hết hạn", "not_yet": "Chưa bắt đầu"},
    "event": {"valid": "Sắp diễn ra", "expiring": "Sắp diễn ra", "expired": "Đã diễn ra", "not_yet": "Sắp diễn ra"},
}


def dated_status(valid_from: dt.date | None, valid_until: dt.date, on: dt.date) -> str:
    """`not_yet`, `expired`, `expiring` (within EXPIRING_DAYS) or `valid` on the day `on`."""
    if valid_from is not None and on < valid_from:
        return "not_yet"
    if on > valid_until:
        return "expired"
    if (valid_until - on).days <= EXPIRING_DAYS:
        return "expiring"
    return "valid"


def badge_status(kind: str, valid_from: dt.date | None, valid_until: dt.date, on: dt.date) -> str:
    """The status a badge of `kind` (a DATED_LABELS key) shows; only certificates warn of expiry."""
    state = dated_status(valid_from, valid_until, on)
    return "valid" if state == "expiring" and kind != "certificate" else state


def certificate_status(cert: Certificate, on: dt.date) -> str:
    return dated_status(cert.valid_from, cert.valid_until, on)


def certified_until(listing: ListingBase, on: dt.date) -> dt.date | None:
    """The last day the listing stays certified with the certificates in force on `on`."""
    return max((c.valid_until for c in valid_certificates(listing, on)), default=None)


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


class DateError(ValueError):
    """A reference date that cannot be used; the message is for people (Vietnamese / English)."""


def today_in_vietnam(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(VIETNAM).date()


def reference_date(given: str | None = None, environ=os.environ) -> dt.date:
    """The day statuses are judged on: `given` (YYYY-MM-DD), else SOURCE_DATE_EPOCH
    (seconds since 1970, read as a day in Vietnam), else today in Vietnam."""
    if given is not None:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", given.strip()):
                raise ValueError(given)
            day = dt.date.fromisoformat(given.strip())
        except ValueError:
            raise DateError(f"--date '{given}' không phải ngày dạng YYYY-MM-DD / is not a YYYY-MM-DD date") from None
    elif (epoch := environ.get("SOURCE_DATE_EPOCH", "").strip()):
        try:
            day = dt.datetime.fromtimestamp(int(epoch), VIETNAM).date()
        except (ValueError, OverflowError, OSError):
            raise DateError(f"SOURCE_DATE_EPOCH '{epoch}' không phải số giây / is not a number of seconds") from None
    else:
        day = today_in_vietnam()
    if not FIRST_DATE <= day <= LAST_DATE:
        span = f"{FIRST_DATE.year}–{LAST_DATE.year}"
        raise DateError(f"ngày tham chiếu {day.isoformat()} phải trong khoảng {span} / "
                        f"the reference date must be within {span}")
    return day
