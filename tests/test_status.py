"""The reference date is the serving day, and dated statuses follow one rule (status.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from directory import status
from directory.status import DateError, badge_status, dated_status, reference_date, today_in_vietnam

D = dt.date


def test_date_option_wins_over_source_date_epoch():
    assert reference_date("2026-03-04", {"SOURCE_DATE_EPOCH": "0"}) == D(2026, 3, 4)


def test_source_date_epoch_is_read_as_a_day_in_vietnam():
    # 2026-11-22 17:30 UTC is already 00:30 on the 23rd in Hà Nội.
    epoch = int(dt.datetime(2026, 11, 22, 17, 30, tzinfo=dt.timezone.utc).timestamp())
    assert reference_date(None, {"SOURCE_DATE_EPOCH": str(epoch)}) == D(2026, 11, 23)


def test_without_date_or_epoch_it_is_today_in_vietnam():
    assert reference_date(None, {}) == today_in_vietnam()
    late_evening_utc = dt.datetime(2026, 12, 31, 18, 0, tzinfo=dt.timezone.utc)
    assert today_in_vietnam(late_evening_utc) == D(2027, 1, 1)


@pytest.mark.parametrize("given", ["23/11/2026", "2026-13-01", "20261123", "2026-W48-1", "", "tomorrow",
                                   "2026-11-23\n2027-01-01", "1989-12-31", "2101-01-01"])
def test_bad_dates_are_refused_with_a_message(given):
    with pytest.raises(DateError) as caught:
        reference_date(given, {})
    message = str(caught.value)
    assert " / " in message and ("YYYY-MM-DD" in message or "1990–2100" in message)


@pytest.mark.parametrize("epoch", ["soon", "1e9", "-99999999999999", "99999999999999999999"])
def test_bad_source_date_epoch_is_refused(epoch):
    with pytest.raises(DateError, match="SOURCE_DATE_EPOCH|1990"):
        reference_date(None, {"SOURCE_DATE_EPOCH": epoch})


def test_dated_status_boundaries():
    start, end = D(2025, 1, 1), D(2025, 12, 31)
    assert dated_status(start, end, D(2024, 12, 31)) == "not_yet"
    assert dated_status(start, end, start) == "valid"
    assert dated_status(start, end, end - dt.timedelta(days=status.EXPIRING_DAYS + 1)) == "valid"
    assert dated_status(start, end, end - dt.timedelta(days=status.EXPIRING_DAYS)) == "expiring"
    assert dated_status(start, end, end) == "expiring"  # the last day still counts
    assert dated_status(start, end, end + dt.timedelta(days=1)) == "expired"
    assert dated_status(None, end, D(1990, 1, 1)) == "valid"


def test_only_certificates_warn_of_expiry():
    soon = D(2025, 2, 1)
    assert badge_status("certificate", None, soon, D(2025, 1, 1)) == "expiring"
    for kind in ("certified", "exchange", "event"):
        assert badge_status(kind, None, soon, D(2025, 1, 1)) == "valid"


def test_every_badge_kind_has_a_label_for_every_status():
    for kind, labels in status.DATED_LABELS.items():
        assert set(labels) == set(status.STATUS_LABELS), kind
        assert all(labels.values()), kind
