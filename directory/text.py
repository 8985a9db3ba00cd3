"""Vietnamese text helpers: NFC normalisation, diacritic folding and ASCII slugs.

Folding is what lets "tái chế", "tai che" and a decomposed (NFD) "tái chế" compare
equal. The same algorithm exists in JavaScript for the search page; both must stay
identical (see tests/test_text.py and the parity test of the search index).
This module does not know about listings.
"""

from __future__ import annotations

import re
import unicodedata

from slugify import slugify as _slugify

# đ/Đ have no Unicode decomposition, so NFD alone leaves them in place.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC (precomposed) form."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics: "Đắk Lắk" -> "dak lak"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower()


def fold_key(text: str) -> str:
    """A lookup key: folded, with runs of anything but letters and digits as one "_"."""
    return re.sub(r"[^0-9a-z]+", "_", fold(text)).strip("_")


def slugify(text: str) -> str:
    """An ASCII slug for file names and URLs: "Tái chế pin Đồng Nai" -> "tai-che-pin-dong-nai"."""
    return _slugify(text.translate(_D_MAP), max_length=80, word_boundary=True)
