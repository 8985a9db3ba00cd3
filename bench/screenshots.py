"""Screenshots of every page type at phone and desktop width, to look at before shipping.

    python bench/screenshots.py SITE_DIR OUT_DIR [--widths 390,1280]

Serves a built site on 127.0.0.1 and saves a full-page PNG of each page type at each
width (`OUT_DIR/<name>-<width>.png`), and prints any page that scrolls sideways. It
drives Debian's chromium through the tests' helper (tests/browser.py); it judges
nothing else: people look at the pictures.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import chromium, serve  # noqa: E402

# name -> a path of the site built from listings/ (the shipped data)
PAGES = {
    "home": "",
    "listing-product": "san-pham/de-trong-giay-tai-che-ecostep-mau/",
    "listing-offer": "chao-ban/chao-ban-pin-lithium-loi-kinh-bac-mau/",
    "listing-organisation": "doanh-nghiep/bo-cong-thuong/",
    "listing-model": "mo-hinh/mo-hinh-thi-diem-tai-che-pin-lithium-2022/",
    "kind-index": "san-pham/",
    "models": "mo-hinh/",
    "exhibitions": "trien-lam/",
    "board": "cung-cau/",
    "board-category": "cung-cau/pin-lithium/",
    "offers": "chao-ban/",
    "sectors": "nganh/",
    "province": "tinh-thanh/ha-noi/",
    "search": "tim-kiem/?q=tai+che+pin",
    "open-data": "du-lieu/",
    "guide": "huong-dan/",
    "dashboard": "thong-ke/",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--widths", default="390,1280")
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = [n for n in args.only.split(",") if n] or list(PAGES)
    with serve(args.site) as base, chromium() as browser:
        for width in (int(w) for w in args.widths.split(",")):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            for name in wanted:
                response = page.goto(base + PAGES[name])
                if response is None or not response.ok:
                    print(f"{name}: {response.status if response else 'no response'}")
                    continue
                page.wait_for_load_state("load")
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    print(f"{name} @ {width}px: scrolls sideways by {overflow}px")
                page.screenshot(path=str(args.out / f"{name}-{width}.png"), full_page=True)
            context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
