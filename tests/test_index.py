"""The search index built in Python: folding, fields, queries, facets data and the page files."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import pytest

from directory import index, urls, vocab
from directory.status import certificates_of
from directory.text import fold
from directory.validate import validate_tree

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "search"
ON = dt.date(2025, 10, 1)


@pytest.fixture(scope="module")
def corpus():
    report = validate_tree(FIXTURES)
    assert report.ok, report.format()
    docs, table = index.records(report.listings, ON)
    built = index.load(json.loads(json.dumps(index.serialise(index.build_index(docs)))))
    return docs, table, built


def ids(table, results):
    return [table[int(ref)]["u"].split("/")[1] for ref, _score in results]


def find(corpus, query):
    _docs, table, built = corpus
    return ids(table, index.search(built, query))


def test_tokens_fold_and_split():
    assert index.tokens("Đắk Lắk, 2323/QĐ-BCT  tái chế") == ["dak", "lak", "2323", "qd", "bct", "tai", "che"]
    assert index.tokens(unicodedata.normalize("NFD", "Tái chế ĐỒ")) == ["tai", "che", "do"]
    assert index.tokens("  ,;  ") == []


def test_query_terms_prefix_only_on_an_unfinished_last_word():
    assert index.query_terms("tai che pi") == [("tai", False), ("che", False), ("pi", True)]
    assert index.query_terms("tai che p") == [("tai", False), ("che", False), ("p", False)]  # too short
    assert index.query_terms("tai che ") == [("tai", False), ("che", False)]
    assert index.query_terms("tai che,") == [("tai", False), ("che", False)]
    assert index.query_terms("") == []


@pytest.mark.parametrize("query, expected", [
    ("Siêu thị Xanh Phúc Hưng", "sieu-thi-xanh-phuc-hung"),
    ("sieu thi xanh", "sieu-thi-xanh-phuc-hung"),
    ("pin lithium", "thu-gom-pin-lithium-phuc-hung"),
    ("tai che pin", "thu-gom-pin-lithium-phuc-hung"),          # a service and a waste stream
    ("trien lam ha noi", "trien-lam-tai-che-ha-noi-2099"),
    ("nhua pet", "can-mua-nhua-pet-dong-thuan"),
    ("vai vun", "chao-ban-vai-vun-phuc-hung"),
    ("nhan xanh viet nam", "gach-khong-nung-dong-thuan"),      # certificate scheme
    ("tro xi", "gach-khong-nung-dong-thuan"),
    ("da vun", "mo-hinh-de-giay-tu-da-vun"),
    ("phan phoi ben vung dong nai", "cua-hang-dong-thuan"),    # scheme + province
])
def test_queries_find_the_listing_first(corpus, query, expected):
    assert find(corpus, query)[:1] == [expected]


@pytest.mark.parametrize("query", ["tái chế pin", "siêu thị xanh", "Đồng Nai", "triển lãm hà nội", "nhựa"])
def test_with_without_and_decomposed_diacritics_are_identical(corpus, query):
    _docs, _table, built = corpus
    expected = index.search(built, query)
    assert expected
    assert index.search(built, fold(query)) == expected
    assert index.search(built, unicodedata.normalize("NFD", query)) == expected
    assert index.search(built, query.upper()) == expected


def test_name_ranks_above_other_fields(corpus):
    # The organisation's own name beats the listings that name it as their owner.
    assert find(corpus, "cong ty phuc hung")[0] == "cong-ty-phuc-hung"
    assert "cong-ty-phuc-hung" in find(corpus, "phuc hung")


def test_every_word_is_required(corpus):
    assert find(corpus, "pin dong nai") == []
    assert find(corpus, "xyzzy") == []
    assert set(find(corpus, "dong nai")) >= {"cua-hang-dong-thuan", "hop-tac-xa-dong-thuan"}


def test_prefix_on_the_last_word_only(corpus):
    assert find(corpus, "sieu th")[:1] == ["sieu-thi-xanh-phuc-hung"]
    assert find(corpus, "sieu th ") == []       # "th" finished: no word "th"
    assert find(corpus, "si thi") == []         # only the last word is a prefix


def test_records_certificates_and_exhibitions(corpus):
    _docs, table, _built = corpus
    by_id = {r["u"].split("/")[1]: r for r in table}
    valid = by_id["sieu-thi-xanh-phuc-hung"]
    assert (valid["k"], valid["p"], valid["r"], valid["st"]) == ("distributor", "ho_chi_minh", "nam", "valid")
    assert valid["v"] == valid["c"] == ["phan_phoi_ben_vung"]
    expired = by_id["cua-hang-dong-thuan"]
    assert expired["st"] == "expired" and "v" not in expired and expired["c"] == ["phan_phoi_ben_vung"]
    assert by_id["thu-gom-pin-lithium-phuc-hung"]["v"] == ["giay_phep_moi_truong"]   # permits count
    assert by_id["trien-lam-tai-che-ha-noi-2099"]["e"] == index.UPCOMING
    assert by_id["hoi-cho-ket-noi-cung-cau-dong-nai-2022"]["e"] == index.PAST
    assert by_id["trien-lam-tai-che-ha-noi-2099"]["o"] == "Sở Công Thương Hà Nội"
    assert "e" not in valid and "st" not in by_id["cong-ty-phuc-hung"]
    # an offer is where it says it is, not where its organisation is
    assert by_id["chao-ban-vai-vun-phuc-hung"]["p"] == "ho_chi_minh"
    for record in table:
        assert record["u"].endswith("/") and record["u"].split("/")[0] in urls.KIND_PATHS.values()


def test_status_and_upcoming_follow_the_reference_date_not_the_clock():
    listings = validate_tree(FIXTURES).listings
    _docs, later = index.records(listings, dt.date(2100, 1, 1))
    by_id = {r["u"].split("/")[1]: r for r in later}
    assert by_id["trien-lam-tai-che-ha-noi-2099"]["e"] == index.PAST
    assert by_id["sieu-thi-xanh-phuc-hung"]["st"] == "expired"
    _docs, earlier = index.records(listings, dt.date(2021, 6, 1))
    assert {r["u"].split("/")[1]: r for r in earlier}["cua-hang-dong-thuan"]["st"] == "valid"


def test_index_is_lean(corpus):
    docs, _table, built = corpus
    data = index.serialise(built)
    text = json.dumps(data)
    assert data["pipeline"] == ["vnFold"]
    assert data["version"] == "2.3.9"
    assert '"position"' not in text and "stemmer" not in text and "stopWordFilter" not in text
    assert all(vector for _ref, vector in data["fieldVectors"])
    assert data["fields"] == [name for name, _boost in index.FIELDS]
    # every term is folded ASCII
    assert all(re.fullmatch(r"[a-z0-9]+", term) for term, _posting in data["invertedIndex"])


def test_combining_class_matches_unicodedata():
    cls = index.combining_class()
    pattern = re.compile(re.sub(r"\\u\{([0-9a-f]+)\}", lambda m: re.escape(chr(int(m.group(1), 16))), cls))
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        assert bool(pattern.fullmatch(chr(cp))) == bool(unicodedata.combining(chr(cp))), hex(cp)


def test_write_search_files(tmp_path):
    listings = validate_tree(FIXTURES).listings
    index.write_search(listings, tmp_path, ON)
    out = tmp_path / "tim-kiem"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.md", index.INDEX_FILE, index.TABLE_FILE, index.SCRIPT_FILE, index.STYLE_FILE, index.LUNR_FILE])
    table = json.loads((out / index.TABLE_FILE).read_text(encoding="utf-8"))
    assert table["on"] == "2025-10-01" and len(table["items"]) == len(listings)
    assert table["labels"]["k"]["distributor"] == "Cơ sở phân phối bền vững"
    assert list(table["labels"]["p"]) == sorted(table["labels"]["p"], key=list(table["labels"]["p"]).index)
    lunr = json.loads((out / index.INDEX_FILE).read_text(encoding="utf-8"))
    assert len({ref.split("/")[1] for ref, _v in lunr["fieldVectors"]}) == len(listings)
    assert (out / index.LUNR_FILE).read_bytes() == index.LUNR_JS.read_bytes()
    assert b"2.3.9" in (out / index.LUNR_FILE).read_bytes()[:200]
    script = (out / index.SCRIPT_FILE).read_text(encoding="utf-8")
    assert "__COMBINING_MARKS__" not in script
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|eval\(", script)


def test_page_markdown_is_csp_friendly():
    page = index.page_markdown(ON)
    front = page.split("---\n")[1]
    assert "search:\n  exclude: true" in front and "  - navigation\n  - toc" in front
    assert "01/10/2025" in page and "{{" not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert [attrs for attrs, _ in scripts] == [f' src="{index.LUNR_FILE}"', f' src="{index.SCRIPT_FILE}"']
    assert all(body == "" for _attrs, body in scripts)
    assert not re.search(r"\son[a-z]+=", page) and "style=" not in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    for needed in ('<label class="tk-label" for="tk-q">', 'id="tk-q"', 'aria-live="polite"', 'role="status"'):
        assert needed in page


def test_lunr_is_pinned():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert package["dependencies"] == {"lunr": "2.3.9"}
    assert lock["packages"]["node_modules/lunr"]["version"] == "2.3.9"
    assert json.loads((ROOT / "node_modules/lunr/package.json").read_text())["version"] == "2.3.9"


def test_shipped_listings_are_found_by_their_name_without_diacritics():
    report = validate_tree(ROOT / "listings")
    assert report.ok, report.format()
    docs, table = index.records(report.listings, ON)
    built = index.load(index.serialise(index.build_index(docs)))
    assert table
    for ref, record in enumerate(table):
        results = index.search(built, fold(record["n"]))
        assert str(ref) in [r for r, _score in results[:3]], record["n"]



def test_a_label_family_finds_every_scheme_of_it():
    """"nhãn xanh" finds a bag certified only by the EU Ecolabel, a scheme of the green-label family
    whose own name says nothing of "nhãn xanh"."""
    listings = validate_tree(ROOT / "tests" / "fixtures" / "valid").listings
    bag = next(x for x in listings if x.id == "tui-giay-mau")
    assert [c.scheme for c in certificates_of(bag)] == ["eu_ecolabel"]
    assert vocab.SCHEME_FAMILY["eu_ecolabel"] == "nhan_xanh"
    docs, table = index.records(listings, ON)
    assert "tui-giay-mau" in ids(table, index.search(index.build_index(docs), "nhan xanh"))
