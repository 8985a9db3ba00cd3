"""The search index built in Python: folding, fields, queries, facets data and the page files."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
import re
import unicodedata
from pathlib import Path

import pytest

from directory import query, search, urls, vocab
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
    docs, table = search.records(report.listings, ON)
    built = search.load(json.loads(json.dumps(search.serialise(search.build_index(docs)))))
    return docs, table, built


def ids(table, results):
    return [table[int(ref)]["u"].split("/")[1] for ref, _score in results]


def find(corpus, text):
    _docs, table, built = corpus
    return ids(table, query.search(built, text))


def test_tokens_fold_and_split():
    assert query.tokens("Đắk Lắk, 2323/QĐ-BCT  tái chế") == ["dak", "lak", "2323", "qd", "bct", "tai", "che"]
    assert query.tokens(unicodedata.normalize("NFD", "Tái chế ĐỒ")) == ["tai", "che", "do"]
    assert query.tokens("  ,;  ") == []


def test_only_an_unfinished_last_word_is_a_prefix():
    def kinds(text):
        return [(slot.words[0], slot.kind) for slot in query.analyse(text)[1]]
    assert kinds("tai che pi") == [("tai", "word"), ("che", "word"), ("pi", "prefix")]
    assert kinds("tai che p") == [("tai", "word"), ("che", "word"), ("p", "prefix")]
    assert kinds("tai che ") == [("tai", "word"), ("che", "word")]
    assert kinds("tai che,") == [("tai", "word"), ("che", "word")]
    assert kinds("") == []


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


@pytest.mark.parametrize("text", ["tái chế pin", "siêu thị xanh", "Đồng Nai", "triển lãm hà nội", "nhựa"])
def test_with_without_and_decomposed_diacritics_are_identical(corpus, text):
    """Decomposed or upper case: the same answer. Without diacritics: the same listings (typed
    with diacritics, the words as typed also count: see the homograph queries)."""
    _docs, _table, built = corpus
    expected = query.search(built, text)
    assert expected
    assert {r for r, _ in query.search(built, fold(text))} == {r for r, _ in expected}
    assert query.search(built, unicodedata.normalize("NFD", text)) == expected
    assert query.search(built, text.upper()) == expected


def test_name_ranks_above_other_fields(corpus):
    # The organisation's own name beats the listings that name it as their owner.
    assert find(corpus, "cong ty phuc hung")[0] == "cong-ty-phuc-hung"
    assert "cong-ty-phuc-hung" in find(corpus, "phuc hung")


def test_every_word_is_required_before_the_most_words(corpus):
    _docs, table, built = corpus
    strict = query.query(built, "dong nai")
    assert not strict.fallback and set(ids(table, strict.results)) >= {"cua-hang-dong-thuan", "hop-tac-xa-dong-thuan"}
    loose = query.query(built, "pin dong nai")      # no listing has all three words
    assert loose.fallback and loose.notes[-1] == query.MESSAGES["most"]
    assert ids(table, loose.results)[0] == "thu-gom-pin-lithium-phuc-hung"
    nothing = query.query(built, "xyzzy")
    assert nothing.results == [] and nothing.suggestions     # no dead end


def test_prefix_on_the_last_word_only(corpus):
    _docs, _table, built = corpus
    assert find(corpus, "sieu th")[:1] == ["sieu-thi-xanh-phuc-hung"]
    assert query.query(built, "sieu th ").fallback          # "th" finished: no word "th"
    assert query.query(built, "si thi").fallback            # only the last word is a prefix
    assert find(corpus, "si")[:1] == ["sieu-thi-xanh-phuc-hung"]


def test_one_letter_filters_the_results_of_the_other_words(corpus):
    _docs, _table, built = corpus
    assert find(corpus, "nhua p") == ["can-mua-nhua-pet-dong-thuan"]
    assert find(corpus, "pin l") == ["thu-gom-pin-lithium-phuc-hung"]
    assert query.query(built, "pin z").fallback           # no word of that listing starts with z
    assert query.query(built, "x").results == []          # alone, one letter is a word, not a prefix


def test_records_certificates_and_exhibitions(corpus):
    _docs, table, _built = corpus
    by_id = {r["u"].split("/")[1]: r for r in table}
    valid = by_id["sieu-thi-xanh-phuc-hung"]
    assert (valid["k"], valid["p"], valid["r"], valid["st"]) == ("distributor", "ho_chi_minh", "nam", "valid")
    assert valid["v"] == valid["c"] == ["phan_phoi_ben_vung"]
    expired = by_id["cua-hang-dong-thuan"]
    assert expired["st"] == "expired" and "v" not in expired and expired["c"] == ["phan_phoi_ben_vung"]
    assert by_id["thu-gom-pin-lithium-phuc-hung"]["v"] == ["giay_phep_moi_truong"]   # permits count
    assert by_id["trien-lam-tai-che-ha-noi-2099"]["e"] == search.UPCOMING
    assert by_id["hoi-cho-ket-noi-cung-cau-dong-nai-2022"]["e"] == search.PAST
    assert by_id["trien-lam-tai-che-ha-noi-2099"]["o"] == "Sở Công Thương Hà Nội"
    assert "e" not in valid and "st" not in by_id["cong-ty-phuc-hung"]
    # an offer is where it says it is, not where its organisation is
    assert by_id["chao-ban-vai-vun-phuc-hung"]["p"] == "ho_chi_minh"
    for record in table:
        assert record["u"].endswith("/") and record["u"].split("/")[0] in urls.KIND_PATHS.values()


def test_status_and_upcoming_follow_the_reference_date_not_the_clock():
    listings = validate_tree(FIXTURES).listings
    _docs, later = search.records(listings, dt.date(2100, 1, 1))
    by_id = {r["u"].split("/")[1]: r for r in later}
    assert by_id["trien-lam-tai-che-ha-noi-2099"]["e"] == search.PAST
    assert by_id["sieu-thi-xanh-phuc-hung"]["st"] == "expired"
    _docs, earlier = search.records(listings, dt.date(2021, 6, 1))
    assert {r["u"].split("/")[1]: r for r in earlier}["cua-hang-dong-thuan"]["st"] == "valid"


def test_index_is_lean(corpus):
    docs, _table, built = corpus
    data = search.serialise(built)
    text = json.dumps(data)
    assert data["pipeline"] == ["vnFold"]
    assert data["version"] == "2.3.9"
    assert '"position"' not in text and "stemmer" not in text and "stopWordFilter" not in text
    assert all(vector for _ref, vector in data["fieldVectors"])
    assert data["fields"] == [name for name, _boost in query.FIELDS]
    # every term of the folded fields is ASCII; "exact" holds lower-case words with diacritics
    for term, posting in data["invertedIndex"]:
        folded = any(posting[f] for f in query.FOLDED)
        assert re.fullmatch(r"[a-z0-9]+", term) if folded else (term == unicodedata.normalize("NFC", term).lower()
                                                               and not term.isascii()), term
    # terms are numbered in sorted order, so that each shard numbers its own
    assert [posting["_index"] for _term, posting in data["invertedIndex"]] == list(range(len(data["invertedIndex"])))


def test_the_fast_builder_builds_what_lunr_builds():
    """search.build_index's builder gives the index lunr.py's own Builder gives with the vnFold
    pipeline (skipped on "exact"), once both number their terms in sorted order."""
    from lunr.builder import Builder

    listings = validate_tree(ROOT / "tests" / "fixtures" / "search_quality" / "listings").listings
    docs, _table = search.records(listings, ON)
    builder = Builder()
    builder.pipeline.add(query.vn_fold)
    builder.pipeline.skip(query.vn_fold, [query.EXACT])
    builder.b(search.LENGTH_NORMALISATION)
    builder.ref("ref")
    for name, boost in query.FIELDS:
        builder.field(name, boost=boost)
    for doc in docs:
        builder.add(doc)
    theirs = builder.build().serialize()
    order = {posting["_index"]: i for i, (_term, posting) in enumerate(theirs["invertedIndex"])}
    for _term, posting in theirs["invertedIndex"]:
        posting["_index"] = order[posting["_index"]]
    vectors = {ref: sorted((order[v[j]], v[j + 1]) for j in range(0, len(v), 2)) for ref, v in theirs["fieldVectors"]}
    ours = search.build_index(docs).serialize()
    assert json.loads(json.dumps(ours["invertedIndex"])) == json.loads(json.dumps(theirs["invertedIndex"]))
    assert {ref: [tuple(v[j:j + 2]) for j in range(0, len(v), 2)] for ref, v in ours["fieldVectors"]} == vectors


def test_combining_class_matches_unicodedata():
    cls = search.combining_class()
    pattern = re.compile(re.sub(r"\\u\{([0-9a-f]+)\}", lambda m: re.escape(chr(int(m.group(1), 16))), cls))
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        assert bool(pattern.fullmatch(chr(cp))) == bool(unicodedata.combining(chr(cp))), hex(cp)


def test_write_search_files(tmp_path):
    listings = validate_tree(FIXTURES).listings
    search.write_search(listings, tmp_path, ON)
    out = tmp_path / "tim-kiem"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.md", search.INDEX_FILE, search.SHARD_DIR, search.TABLE_FILE, search.CORE_FILE, search.SCRIPT_FILE,
         search.STYLE_FILE, search.LUNR_FILE])
    manifest = json.loads((out / search.INDEX_FILE).read_text(encoding="utf-8"))
    assert manifest["on"] == "2025-10-01" and manifest["n"] == len(listings)
    assert manifest["labels"]["k"]["distributor"] == "Cơ sở phân phối bền vững"
    assert list(manifest["labels"]["p"]) == sorted(manifest["labels"]["p"], key=list(manifest["labels"]["p"]).index)
    assert manifest["facets"] == search.FACETS and manifest["messages"] == query.MESSAGES
    table = json.loads((out / search.TABLE_FILE).read_text(encoding="utf-8"))
    assert table["build"] == manifest["build"] and len(table["columns"]["k"]) == len(listings)
    shards = sorted(p.name for p in (out / search.SHARD_DIR).iterdir())
    assert "tu.json" in shards and "t0.json" in shards and "d0.json" in shards and "p-t.json" in shards
    assert (out / search.LUNR_FILE).read_bytes() == search.LUNR_JS.read_bytes()
    assert b"2.3.9" in (out / search.LUNR_FILE).read_bytes()[:200]
    core = (out / search.CORE_FILE).read_text(encoding="utf-8")
    assert "__COMBINING_MARKS__" not in core and "root.SCPSearch = create(" in core
    for name in (search.CORE_FILE, search.SCRIPT_FILE):
        script = (out / name).read_text(encoding="utf-8")
        assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|eval\(", script), name


def _unshard(out: Path) -> dict:
    """The lunr index as it was, rebuilt from the term shards (what core.js rebuilds in part)."""
    manifest = json.loads((out / search.INDEX_FILE).read_text(encoding="utf-8"))
    inverted, vectors = [], {}
    for i, start in enumerate(manifest["terms"]["start"]):
        shard = json.loads((out / search.SHARD_DIR / f"t{i}.json").read_text(encoding="utf-8"))["t"]
        assert shard[0][0] == manifest["terms"]["first"][i]
        for k, entry in enumerate(shard):
            posting = {"_index": start + k, **{f: {} for f in manifest["fields"]}}
            j = 1
            while j < len(entry):
                field, n = manifest["fields"][entry[j]], entry[j + 1]
                ref = 0
                for delta, weight in zip(entry[j + 2:j + 2 + n], entry[j + 2 + n:j + 2 + 2 * n]):
                    ref += delta
                    posting[field][str(ref)] = {}
                    vectors.setdefault(f"{field}/{ref}", []).append((start + k, weight / 1000))
                j += 2 + 2 * n
            inverted.append([entry[0], posting])
    return {"invertedIndex": inverted,
            "fieldVectors": {ref: [x for pair in sorted(pairs) for x in pair] for ref, pairs in vectors.items()}}


def test_shards_hold_the_whole_index(tmp_path):
    """Every term, posting and field-vector weight of the unsharded index is in the shards, and
    the record shards, prefix sets and dictionary say what the index says."""
    listings = validate_tree(ROOT / "tests" / "fixtures" / "search_quality" / "listings").listings
    docs, table = search.records(listings, ON)
    built = search.build_index(docs)
    out = tmp_path / "tim-kiem"
    out.mkdir()
    manifest = search.write_index(built, table, out, ON, shard_bytes=2000, record_shard=7)
    assert len(manifest["terms"]["first"]) > 5 and manifest["records"]["count"] == -(-len(table) // 7)
    data = search.serialise(built)
    rebuilt = _unshard(out)
    assert json.loads(json.dumps(rebuilt["invertedIndex"])) == json.loads(json.dumps(data["invertedIndex"]))
    assert rebuilt["fieldVectors"] == {ref: vector for ref, vector in data["fieldVectors"]}
    records = [r for i in range(manifest["records"]["count"])
               for r in json.loads((out / search.SHARD_DIR / f"d{i}.json").read_text(encoding="utf-8"))]
    assert records == table
    know = query.Knowledge(built)
    for prefix in manifest["docsets"]:
        ds = json.loads((out / search.SHARD_DIR / f"p-{prefix}.json").read_text(encoding="utf-8"))
        assert (list(itertools.accumulate(ds["n"])), list(itertools.accumulate(ds["o"]))) == know.docset(prefix)
    words = json.loads((out / search.SHARD_DIR / "tu.json").read_text(encoding="utf-8"))
    assert words["w"].split() == know.dictionary and not set(words["w"].split()) & set(query.synthetic_tokens())


def test_page_markdown_is_csp_friendly():
    page = search.page_markdown(ON)
    front = page.split("---\n")[1]
    assert "search:\n  exclude: true" in front and "  - navigation\n  - toc" in front
    assert "01/10/2025" in page and "{{" not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert [attrs for attrs, _ in scripts] == [f' src="{search.LUNR_FILE}"', f' src="{search.CORE_FILE}"',
                                               f' src="{search.SCRIPT_FILE}"']
    assert all(body == "" for _attrs, body in scripts)
    assert not re.search(r"\son[a-z]+=", page) and "style=" not in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    for needed in ('<label class="tk-label" for="tk-q">', 'id="tk-q"', 'aria-live="polite"', 'role="status"',
                   'id="tk-notes"', 'id="tk-suggest"'):
        assert needed in page


def test_npm_packages_are_pinned():
    """lunr for the site; MiniSearch and Pagefind's binary only for `make bench` (pinned too)."""
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert package["dependencies"] == {"lunr": "2.3.9"}
    assert package["devDependencies"]["minisearch"] == "7.2.0"
    assert package["optionalDependencies"] == {"@pagefind/linux-x64": "1.6.0"}
    for name, version in [("lunr", "2.3.9"), ("minisearch", "7.2.0"), ("@pagefind/linux-x64", "1.6.0")]:
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert json.loads((ROOT / "node_modules/lunr/package.json").read_text())["version"] == "2.3.9"


def test_shipped_listings_are_found_by_their_name_without_diacritics():
    report = validate_tree(ROOT / "listings")
    assert report.ok, report.format()
    docs, table = search.records(report.listings, ON)
    built = search.load(search.serialise(search.build_index(docs)))
    assert table
    for ref, record in enumerate(table):
        results = query.search(built, fold(record["n"]))
        assert str(ref) in [r for r, _score in results[:3]], record["n"]



def test_a_label_family_finds_every_scheme_of_it():
    """"nhãn xanh" finds a bag certified only by the EU Ecolabel, a scheme of the green-label family
    whose own name says nothing of "nhãn xanh"."""
    listings = validate_tree(ROOT / "tests" / "fixtures" / "valid").listings
    bag = next(x for x in listings if x.id == "tui-giay-mau")
    assert [c.scheme for c in certificates_of(bag)] == ["eu_ecolabel"]
    assert vocab.SCHEME_FAMILY["eu_ecolabel"] == "nhan_xanh"
    docs, table = search.records(listings, ON)
    assert "tui-giay-mau" in ids(table, query.search(search.build_index(docs), "nhan xanh"))


# --- The quality query set (tests/fixtures/search_quality): every expectation holds ----------

sys.path.insert(0, str(ROOT / "bench"))
import search_quality  # noqa: E402

QUALITY_DATE, QUALITY = search_quality.load_queries()


@pytest.fixture(scope="module")
def quality():
    listings = search_quality.load_listings()
    _docs, table, know = search_quality.our_corpus(listings, QUALITY_DATE)
    return search_quality.Judge(listings, QUALITY_DATE), table, know


def test_quality_set_is_big_enough():
    assert len(QUALITY) >= 80 and len(search_quality.load_listings()) >= 40
    assert {q["class"] for q in QUALITY} == set(search_quality.CLASSES)
    assert len({q["q"] for q in QUALITY}) == len(QUALITY)


@pytest.mark.parametrize("case", QUALITY, ids=[q["q"] for q in QUALITY])
def test_quality_query(quality, case):
    """Every relevant listing (or ten of them) in the top 10, a best one first; never a dead end."""
    judge, table, know = quality
    answer = query.query(know, case["q"])
    assert answer.results or answer.suggestions, "dead end"
    if case.get("follow"):
        assert answer.suggestions
        answer = query.query(know, answer.suggestions[0])
    if case["relevant"] is None:
        return
    ranked = [table[int(ref)]["u"].split("/")[1] for ref, _score in answer.results]
    relevant, best = judge.relevant(case), judge.best(case)
    assert relevant, "the rule picks no listing"
    recall, _rr = search_quality.metrics(ranked, relevant)
    assert recall == 1.0, (sorted(relevant - set(ranked[:10])), ranked[:10])
    assert ranked[0] in best, ranked[:10]


def test_quality_notes_say_what_was_understood(quality):
    _judge, _table, know = quality
    assert query.query(know, "nhuaw pet").notes[0] == "Không thấy “nhuaw” trong danh bạ; đang tìm “nhua”."
    assert query.query(know, "binh thuan").notes == [
        "Bình Thuận đã nhập vào Lâm Đồng từ 1/7/2025; kết quả gồm cả tin ở Lâm Đồng."]
    assert query.query(know, "nhua hcm").notes == ["Hiểu “hcm” là Thành phố Hồ Chí Minh."]
    dn = query.query(know, "dn")
    assert dn.suggestions[:2] == ["da nang", "dong nai"] and "Đà Nẵng" in dn.notes[0]
    sentence = query.query(know, "noi nao thu mua lop xe cu o binh duong")
    assert any(note.startswith("Không có tin khớp mọi từ; đã bỏ qua các từ phụ") for note in sentence.notes)
    most = query.query(know, "pin lithium da nang")
    assert most.fallback and most.notes[-1] == "Không có tin khớp mọi từ; đang hiện tin khớp nhiều từ nhất."


def test_telex_and_edits():
    assert query.telex("taif") == ["tai"] and query.telex("nhuaw") == ["nhua"]
    assert "duoc" in query.telex("dduowcj") and "viet" in query.telex("vieejt")
    assert "che" in query.telex("chee") and "mun" in query.telex("mufn")
    assert query.telex("pin") == []
    assert "lithium" in query.edits1("lihtium") and "pin" in query.edits1("pinn")
    assert query._osa("lihtium", "lithium") == 1 and query._osa("abc", "abcdef") == 3
