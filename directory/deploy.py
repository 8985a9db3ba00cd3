"""The HTTP security headers the published site is served with (one place, no copies).

`CONTENT_SECURITY_POLICY` and `SECURITY_HEADERS` are what docs/deploy.md tells the
scp.gov.vn webmaster to put in nginx, and what the browser tests
(tests/test_csp_browser.py) serve the built site with; a test checks that the nginx
block in docs/deploy.md carries exactly these values. The policy allows no inline
script or style: mkdocs-material's inline scripts are replaced by files
(site_templates/overrides/partials/javascripts/). `data:` images are for the icons
material's stylesheet embeds. This module only holds the values; it serves nothing.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; worker-src 'self'"
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
