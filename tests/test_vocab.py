"""Closed lists and provinces (directory/vocab.py): codes, labels, spellings, hints."""

from __future__ import annotations

import unicodedata

import pytest

from directory import vocab
from directory.text import fold

VOCABULARIES = [v for v in vars(vocab).values() if isinstance(v, vocab.Vocabulary)]


def test_all_closed_lists_are_found():
    names = {v.name for v in VOCABULARIES}
    assert {"kind", "sector", "scheme", "unit", "waste_stream", "material_category", "period",
            "delivery", "model_status", "event_status", "region", "organisation_type", "service",
            "label_family"} <= names


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.name)
def test_every_term_is_found_by_code_and_by_label_with_or_without_diacritics(vocabulary):
    for term in vocabulary:
        assert vocabulary.resolve(term.code) == term.code
        assert vocabulary.resolve(term.vi) == term.code
        assert vocabulary.resolve(fold(term.vi)) == term.code, term.vi
        assert vocabulary.resolve(unicodedata.normalize("NFD", term.vi)) == term.code
        assert vocabulary.resolve(term.vi.upper()) == term.code
        assert vocabulary.resolve(term.en) == term.code
    assert vocabulary.resolve("khong-co-trong-danh-sach") is None


def test_square_and_cubic_metres_are_not_confused():
    # "m²" and "m³" both fold to "m" if superscripts are dropped: they must not.
    assert vocab.UNITS.resolve("m²") == "MTK"
    assert vocab.UNITS.resolve("m2") == "MTK"
    assert vocab.UNITS.resolve("m³") == "MTQ"


def test_a_list_whose_labels_collide_is_refused():
    with pytest.raises(ValueError, match="would also name"):
        vocab.Vocabulary("demo", [("a", "Nhựa", "Plastic"), ("b", "nhua", "Other")])


def test_there_are_34_provinces_each_in_one_region():
    assert len(vocab.PROVINCES) == 34
    assert set(vocab.PROVINCE_REGION) == set(vocab.PROVINCES)
    for name in vocab.PROVINCES.values():
        assert vocab.resolve_province(name) == name
        assert vocab.region_of(name) in vocab.REGIONS


@pytest.mark.parametrize("spelling", [
    "Hà Nội", "ha noi", "Thành phố Hà Nội", "TP Hà Nội", "HA NOI", unicodedata.normalize("NFD", "Hà Nội"),
])
def test_province_spellings(spelling):
    assert vocab.resolve_province(spelling) == "Thành phố Hà Nội"


@pytest.mark.parametrize("spelling", ["TP Hồ Chí Minh", "ho chi minh", "Thành phố Hồ Chí Minh", "HCM", "tp. hcm"])
def test_ho_chi_minh_city_spellings(spelling):
    assert vocab.resolve_province(spelling) == "Thành phố Hồ Chí Minh"


def test_former_provinces_give_the_new_name_and_are_not_current():
    assert vocab.resolve_province("Bình Thuận") is None
    assert vocab.former_province("binh thuan") == ("Bình Thuận", ["Lâm Đồng"])
    assert vocab.former_province("Tỉnh Bà Rịa - Vũng Tàu") == ("Bà Rịa - Vũng Tàu", ["Thành phố Hồ Chí Minh"])
    assert vocab.former_province("Hà Nội") is None
    for old, codes in vocab.FORMER_PROVINCES.items():
        assert vocab.resolve_province(old) is None, old
        assert all(code in vocab.PROVINCES for code in codes)
