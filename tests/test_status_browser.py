"""A page served long after its build does not lie: status.js re-judges dated badges.

The fixture site is built with `--date 2025-10-01` and served under the published CSP.
Chromium's clock is then set to the build day (nothing changes), to a day after the
certificates, the demand and the exhibitions have passed (every badge flips, and the
footer says so), and JavaScript is switched off (the build-time status stands).
"""

from __future__ import annotations

import datetime as dt

import pytest
from browser import ROOT, SKIP_REASON, Watch, serve

from directory import site
from directory.deploy import SECURITY_HEADERS

pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")

BUILT_ON = dt.date(2025, 10, 1)
VIETNAM = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("status") / "site"
    site.build(ROOT / "tests" / "fixtures" / "site", out, on=BUILT_ON)
    with serve(out, SECURITY_HEADERS) as base:
        yield base


def _open(browser, base: str, path: str, day: dt.datetime | None, javascript: bool = True):
    context = browser.new_context(java_script_enabled=javascript)
    if day is not None:
        context.clock.install(time=day)
    tab = context.new_page()
    watch = Watch(tab)
    tab.goto(base + path)
    tab.wait_for_load_state("load")
    return context, tab, watch


def _badges(tab, kind: str) -> list[str]:
    return tab.locator(f'[data-scp-status="{kind}"]:not([hidden])').all_inner_texts()


def test_a_fresh_page_keeps_its_statuses(browser, served):
    context, tab, watch = _open(browser, served, "san-pham/tui-giay/", dt.datetime(2025, 10, 1, 20, tzinfo=VIETNAM))
    assert _badges(tab, "certificate") == ["Còn hiệu lực", "Sắp hết hạn", "Đã hết hạn"]
    assert tab.locator(".scp-rejudged").count() == 0
    assert watch.errors == [] and watch.csp == []
    context.close()


def test_a_stale_page_is_judged_on_the_visitors_day(browser, served):
    later = dt.datetime(2027, 1, 10, 9, tzinfo=VIETNAM)
    context, tab, watch = _open(browser, served, "san-pham/tui-giay/", later)
    tab.wait_for_selector(".scp-rejudged")
    assert _badges(tab, "certificate") == ["Đã hết hạn", "Đã hết hạn", "Đã hết hạn"]
    assert tab.locator('[data-scp-status="certificate"].scp-badge--valid').count() == 0
    assert "10/01/2027" in tab.locator(".scp-rejudged").inner_text()
    assert watch.errors == [] and watch.csp == []

    tab.goto(served + "nhu-cau/mua-giay-vun/")
    tab.wait_for_selector(".scp-rejudged")
    assert _badges(tab, "exchange")[0] == "Đã hết hạn"

    tab.goto(served + "cung-cau/giay/")  # quiet badges in the board speak up once expired
    tab.wait_for_selector(".scp-rejudged")
    assert "Đã hết hạn" in _badges(tab, "exchange")
    context.close()


def test_the_certified_card_badge_expires_with_its_last_certificate(browser, served):
    build_day = dt.datetime(2025, 10, 1, 9, tzinfo=VIETNAM)
    context, tab, _ = _open(browser, served, "doanh-nghiep/xanh-ha-noi/", build_day)
    fresh = _badges(tab, "certified")
    context.close()
    assert fresh and set(fresh) == {"Có chứng nhận còn hiệu lực"}
    context, tab, _ = _open(browser, served, "doanh-nghiep/xanh-ha-noi/", dt.datetime(2099, 1, 1, tzinfo=VIETNAM))
    tab.wait_for_selector(".scp-rejudged")
    assert set(_badges(tab, "certified")) == {"Chứng nhận đã hết hạn"}
    context.close()


def test_without_javascript_the_build_time_status_stands_with_its_date(browser, served):
    context, tab, _ = _open(browser, served, "san-pham/tui-giay/", None, javascript=False)
    assert _badges(tab, "certificate") == ["Còn hiệu lực", "Sắp hết hạn", "Đã hết hạn"]
    assert "tính đến ngày 01/10/2025" in tab.locator(".scp-reference-date").inner_text()
    context.close()
