"""Folding, NFC and slugs of Vietnamese text (directory/text.py)."""

from __future__ import annotations

import unicodedata

import pytest

from directory.text import fold, fold_key, nfc, slugify


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize("text, folded", [
    ("Đắk Lắk", "dak lak"),
    ("tái chế pin", "tai che pin"),
    ("ĐỒNG NAI", "dong nai"),
    ("Hợp tác xã Quỳnh Lưu", "hop tac xa quynh luu"),
    ("already plain", "already plain"),
])
def test_fold_strips_diacritics_and_maps_d(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("text", ["Đắk Lắk", "Thừa Thiên Huế", "tái chế nhựa", "Nhãn Xanh Việt Nam"])
def test_fold_treats_nfd_like_nfc(text):
    decomposed = nfd(text)
    assert decomposed != text  # the input really is decomposed
    assert fold(decomposed) == fold(text)
    assert nfc(decomposed) == text


def test_fold_key_joins_words_with_underscores():
    assert fold_key("  Chế biến  thủy-hải sản ") == "che_bien_thuy_hai_san"
    assert fold_key(nfd("Đồ uống")) == "do_uong"


@pytest.mark.parametrize("text, slug", [
    ("Tái chế pin Đồng Nai", "tai-che-pin-dong-nai"),
    ("đường Đà Nẵng", "duong-da-nang"),
    ("Công ty TNHH Mẫu Xanh (chi nhánh)", "cong-ty-tnhh-mau-xanh-chi-nhanh"),
])
def test_slugify_is_ascii_and_maps_d(text, slug):
    assert slugify(text) == slug
    assert slugify(nfd(text)) == slug
    assert slugify(text).isascii()


def test_slugify_is_bounded():
    assert len(slugify("rất dài " * 40)) <= 80
