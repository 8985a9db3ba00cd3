"""Shared helpers of the browser tests: build a site, serve it on 127.0.0.1, drive chromium.

- `build_site(listings, out)` runs `build.py build` as a user would and fails with its output.
- `serve(root, headers)` serves a directory with a threaded http.server on 127.0.0.1 (a free
  port), adding `headers` to every response; it yields the base URL.
- `serve_nginx(root, work)` serves a directory with the nginx server block of docs/deploy.md (gzip,
  cache, MIME types, security headers, 404), on 127.0.0.1 without TLS; it yields the base URL.
- `chromium()` launches Debian's /usr/bin/chromium through Playwright (never `playwright
  install`); `SKIP_REASON` says why a test cannot run (no playwright, no chromium), or is None.
- `Watch(page)` collects console errors, CSP violations, page errors and dialogs of one tab.
These are plain functions; each test module wraps them in its own fixtures.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

if importlib.util.find_spec("playwright") is None:
    SKIP_REASON: str | None = "cài gói playwright / pip install playwright"
elif not CHROMIUM.exists():
    SKIP_REASON = "chạy `make browser` / run `make browser` (root)"
else:
    SKIP_REASON = None


def build_site(listings: Path, out: Path) -> None:
    done = subprocess.run([sys.executable, "build.py", "build", "--listings", str(listings), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


@contextmanager
def serve(root: Path, headers: dict[str, str] | None = None):
    """Serve `root` on 127.0.0.1; yields "http://127.0.0.1:PORT/"."""
    extra = dict(headers or {})

    class Handler(QuietHandler):
        def end_headers(self):
            for name, value in extra.items():
                self.send_header(name, value)
            super().end_headers()

    with serving(root, Handler) as base:
        yield base


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that logs nothing (tests and benchmarks read no access log)."""

    def log_message(self, *args):
        pass


@contextmanager
def serving(root: Path, handler: type[http.server.SimpleHTTPRequestHandler]):
    """Serve `root` with `handler` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


NGINX_MISSING = None if shutil.which("nginx") else "nginx chưa cài / nginx not installed (apt-get install nginx-light)"


@contextmanager
def serve_nginx(root: Path, work: Path):
    """docs/deploy.md's nginx configuration serving `root` on 127.0.0.1, its files in `work`
    (TLS and IPv6 listeners dropped: the rest, headers, types, gzip, cache and 404, is as
    documented); yields "http://127.0.0.1:PORT/". Raises RuntimeError with nginx's own
    message when it does not start."""
    block = re.findall(r"```nginx\n(.*?)```", (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8"), re.S)[0]
    port = _free_port()
    block = block.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    block = block.replace("listen 80;", f"listen 127.0.0.1:{_free_port()};")
    block = re.sub(r"\n\s*(listen \[::\]|ssl_)[^;]*;", "", block)
    assert block.count("root  /srv/scp-danh-ba/current;") == 1
    block = block.replace("/srv/scp-danh-ba/current", str(root))
    work.mkdir(parents=True, exist_ok=True)
    temp = " ".join(f"{name}_temp_path {work};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(
        f"daemon off; master_process off; pid {work}/nginx.pid; error_log stderr;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; default_type application/octet-stream; access_log off; {temp}\n"
        f"{block}\n}}\n", encoding="utf-8")
    usage = subprocess.run(["nginx", "-h"], capture_output=True, text=True).stderr
    early_log = ["-e", "stderr"] if "-e filename" in usage else []     # nginx >= 1.19.5
    process = subprocess.Popen(["nginx", *early_log, "-p", str(work), "-c", str(work / "nginx.conf")],
                               stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read()) from None
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Watch:
    """What went wrong in one tab: console errors (`errors`), CSP reports (`csp`), dialogs.

    Chromium logs every Content-Security-Policy violation as a console error starting
    "Refused to ..." and quoting the policy; nothing is injected into the page to see it.
    Dialogs (alert, confirm, prompt) are recorded and dismissed, so a page cannot block.
    """

    def __init__(self, page):
        self.errors: list[str] = []
        self.csp: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("dialog", self._dialog)

    def _console(self, msg) -> None:
        text = msg.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.csp.append(text)
        if msg.type == "error":
            self.errors.append(text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def header_search(tab, text: str) -> list[str]:
    """Type `text` into the header search box (the directory's type-ahead) and return the
    suggestions' text, once they are shown."""
    box = tab.locator("input.md-search__input")
    box.click()
    box.type(text)
    # the final state, not the first suggestion: those of a half-typed query can come first
    tab.wait_for_function("text => document.getElementById('scp-ta-list').dataset.query === text", arg=text)
    return tab.locator(".md-search-result__item").all_inner_texts()
