"""The listing format: pydantic models, the single source of truth.

One model per kind of listing, all sharing `ListingBase`, joined in `Listing` (a
union discriminated by `kind`). The JSON Schema (`build.py schema`), the field
reference and the templates of the contributor guide are generated from these
models; nothing else describes the format.

Field names follow schema.org / GS1 where one fits (`valid_from`, `valid_until`,
`start_date`, `organizer`...). Each field's `title` is its Vietnamese label and its
`description` says what to write, Vietnamese first then English.

Text fields refuse what no reader can see or no output format can carry (controls,
line breaks in one-line fields, noncharacters, bidi controls); web and e-mail
addresses refuse every space and invisible character; dates lie in 1990-2100 and
numbers and lists are bounded. So every accepted listing renders and exports.

Checks that need more than one listing (references, unique tax codes, id equal to
the file name) live in `validate.py`, not here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError
from stdnum.vn import mst

from . import messages, schema, vocab
from .text import fold

# --- Field types ---------------------------------------------------------------


def _vocabulary(v: vocab.Vocabulary):
    def resolve(value):
        if value.__class__ is str and value in v.terms:  # fast path: already a code
            return value
        if isinstance(value, str) and (code := v.resolve(value)):
            return code
        raise _error("not_in_list", allowed=", ".join(v.codes()), list=v.name)

    # the codes, named: the editor schema (schema.py) makes it a $defs entry accepting every spelling
    return Annotated[str, BeforeValidator(resolve), WithJsonSchema(schema.vocabulary_schema(v)), v]


Sector = _vocabulary(vocab.SECTORS)
Scheme = _vocabulary(vocab.SCHEMES)
WasteStream = _vocabulary(vocab.WASTE_STREAMS)
MaterialCategory = _vocabulary(vocab.MATERIAL_CATEGORIES)
RecyclerService = _vocabulary(vocab.RECYCLER_SERVICES)
Unit = _vocabulary(vocab.UNITS)
Period = _vocabulary(vocab.PERIODS)
DeliveryTerm = _vocabulary(vocab.DELIVERY_TERMS)
ModelStatus = _vocabulary(vocab.MODEL_STATUSES)
EventStatus = _vocabulary(vocab.EVENT_STATUSES)
Region = _vocabulary(vocab.REGIONS)
OrganisationType = _vocabulary(vocab.ORGANISATION_TYPES)


_PROVINCE_NAMES = frozenset(vocab.PROVINCES.values())


def _province(value):
    if not isinstance(value, str):
        raise _error("string_type")
    if value in _PROVINCE_NAMES:  # fast path: already the official name
        return value
    if name := vocab.resolve_province(value):
        return name
    if former := vocab.former_province(value):
        old, new = former
        raise _error("former_province", old=old, new=" hoặc ".join(new))
    raise _error("unknown_province")


Province = Annotated[str, BeforeValidator(_province), WithJsonSchema(schema.province_schema())]


def _error(code: str, **context) -> PydanticCustomError:
    """A validation error whose text is the English half of messages.MESSAGES[code]: one copy of
    every message (the validator shows both halves; pydantic's own str() shows this one)."""
    return PydanticCustomError(code, messages.MESSAGES[code][1], context)


def _check_pattern(pattern: str, error: str):
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise _error(error)
        return value

    return AfterValidator(check)


# Characters no listing text may hold, as regex character sets. All are invisible or break
# an output format: C0/C1 controls and DEL (XML and YAML refuse most of them), noncharacters
# (U+FDD0..U+FDEF and the last two code points of every plane), bidi embeddings, overrides
# and isolates (they reorder what a reader sees). Lone surrogates never get this far: libyaml
# refuses "\uD800" and pydantic every string holding one (string_unicode).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # all but tab and newline
_LINE_BREAKS = "\n\r\u2028\u2029"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF)
                                           for plane in range(0, 0x110000, 0x10000))
_BIDI = "\u202a-\u202e\u2066-\u2069"
_FORMAT = "\u00ad\u061c\u180e\u200b-\u200f\u2060-\u206f\ufeff"  # soft hyphen, zero-width, BOM...

# (message code, characters): the first class that holds the character names it
_MULTI_LINE = [("control_character", _CONTROLS + "\u2028\u2029"), ("noncharacter", _NONCHARACTERS),
               ("bidi_control", _BIDI)]
_SINGLE_LINE = [("line_break", _LINE_BREAKS), ("control_character", "\t")] + _MULTI_LINE
_ADDRESS = [("address_character", r"\s" + _CONTROLS + _FORMAT + _BIDI + _NONCHARACTERS)]


def _refuse(classes: list[tuple[str, str]]):
    """A validator refusing the characters of `classes`, naming the first one found: its class
    (the message code), its position in the value (1-based) and its code point, e.g. U+202E."""
    anywhere = re.compile("[" + "".join(chars for _, chars in classes) + "]")
    each = [(code, re.compile(f"[{chars}]")) for code, chars in classes]
    printable_allowed = not anywhere.search(" ")  # then only non-printable characters are refused

    def check(value: str) -> str:
        if printable_allowed and value.isprintable():  # the usual case, checked at C speed
            return value
        if found := anywhere.search(value):
            ch = found.group()
            code = next(code for code, regex in each if regex.match(ch))
            raise _error(code, char=f"U+{ord(ch):04X}", position=found.start() + 1)
        return value

    return AfterValidator(check)


def _text_pattern(refused: list[tuple[str, str]]) -> str:
    """Editors: no refused character but in the spaces trimmed around, and not blank."""
    chars = schema.expand("".join(chars for _, chars in refused))
    visible = schema.char_class(chars | schema.WHITESPACE, negate=True)
    return f"^{schema.WS}*{visible}(?:{schema.char_class(chars, negate=True)}*{visible})?{schema.WS}*$"


def _text(name: str, max_length: int, refused: list[tuple[str, str]] = _SINGLE_LINE):
    return Annotated[str, Field(min_length=1, max_length=max_length,
                                json_schema_extra=schema.named_type(name, _text_pattern(refused))), _refuse(refused)]


Text = _text("Text", 300)
LongText = _text("LongText", 5000, _MULTI_LINE)

Slug = Annotated[str, Field(max_length=80, json_schema_extra=schema.named_type(
                     "Slug", f"^{schema.WS}*[a-z0-9]+(?:-[a-z0-9]+)*{schema.WS}*$")),
                 _check_pattern(r"[a-z0-9]+(-[a-z0-9]+)*", "slug")]

# Web and e-mail addresses: no space of any kind (\s is Unicode-aware) nor invisible character.
# Editors: the same patterns with explicit classes (ECMAScript's \w and \s are not Python's);
# a host label is ASCII letters, digits, "_", "-" or any other visible non-ASCII character.
_ADDRESS_REFUSED = schema.WHITESPACE | schema.expand(_CONTROLS + _FORMAT + _BIDI + _NONCHARACTERS)
_HOST = schema.char_class(_ADDRESS_REFUSED | schema.expand("\x00-,./:-@[-^`{-\x7f"), negate=True) + "+"
_URL_REST = schema.char_class(_ADDRESS_REFUSED | schema.expand('<>"\\'), negate=True)
URL_PATTERN = (f"^{schema.WS}*https?://(?:{_HOST}\\.)+{_HOST}(?::[0-9]{{1,5}})?(?:[/?#]{_URL_REST}*)?"
               f"{schema.WS}*$")
EMAIL_PATTERN = f"^{schema.WS}*[A-Za-z0-9._%+\\-]+@(?:{_HOST}\\.)+[A-Za-z]{{2,}}{schema.WS}*$"
PHONE_PATTERN = f"^{schema.WS}*\\+?[0-9][0-9 .\\-()]{{7,18}}[0-9]{schema.WS}*$"
GITHUB_LOGIN_PATTERN = f"^{schema.WS}*[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){{0,38}}{schema.WS}*$"
# Tax codes: mst.compact drops spaces, dots and dashes (and look-alikes) anywhere, reads full-width digits.
_TAX_SEPARATORS = "[ \\-.\\u00a0\\u00b7\\u1680\\u2000-\\u200a\\u2010-\\u2015\\u2022\\u202f\\u205f\\u2212\\u3000\\uff0d\\uff0e]*"
_TAX_DIGIT = f"[0-9\\uff10-\\uff19]{_TAX_SEPARATORS}"
TAX_CODE_PATTERN = f"^{schema.PY_WS}*{_TAX_SEPARATORS}(?:{_TAX_DIGIT}){{10}}(?:(?:{_TAX_DIGIT}){{3}})?{schema.PY_WS}*$"
GTIN_PATTERN = f"^{schema.WS}*(?:[0-9]{{8}}|[0-9]{{12,14}}){schema.WS}*$"

Url = Annotated[str, Field(max_length=500, json_schema_extra=schema.named_type("Url", URL_PATTERN)),
                _refuse(_ADDRESS),
                _check_pattern(r"https?://(?:[\w-]+\.)+[\w-]+(?::[0-9]{1,5})?(?:[/?#][^<>\"\\]*)?", "url_scheme")]

Email = Annotated[str, Field(max_length=254, json_schema_extra=schema.named_type("Email", EMAIL_PATTERN)),
                  _refuse(_ADDRESS),
                  _check_pattern(r"[A-Za-z0-9._%+-]+@(?:[\w-]+\.)+[a-zA-Z]{2,}", "email")]

Phone = Annotated[str, Field(max_length=30, json_schema_extra=schema.named_type("Phone", PHONE_PATTERN)),
                  _check_pattern(r"\+?[0-9][0-9 .\-()]{7,18}[0-9]", "phone")]

GitHubLogin = Annotated[str, Field(json_schema_extra=schema.named_type("GitHubLogin", GITHUB_LOGIN_PATTERN)),
                        _check_pattern(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}",
                                       "github_login")]


def _tax_code(value: str) -> str:
    try:
        mst.validate(value)
    except Exception:
        raise _error("tax_code") from None
    return mst.format(value)  # one spelling, so that duplicates are found: 0100109106-001


TaxCode = Annotated[str, Field(json_schema_extra=schema.named_type("TaxCode", TAX_CODE_PATTERN)),
                    AfterValidator(_tax_code)]


def _date(value):
    """Accept ISO dates and the Vietnamese day/month/year form 31/12/2025."""
    if isinstance(value, str) and (m := re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", value.strip())):
        day, month, year = map(int, m.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise _error("date_invalid") from None
    return value


FIRST_DATE, LAST_DATE = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


def _date_in_range(value: dt.date) -> dt.date:
    """Dates far from today are typing mistakes, and 9999-12-31 + 1 day cannot be computed."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise _error("date_range", first=FIRST_DATE.year, last=LAST_DATE.year)
    return value


Date = Annotated[dt.date, BeforeValidator(_date), AfterValidator(_date_in_range)]


def _schema_hook(*rules, patterns: dict[str, str] | None = None):
    """A model's json_schema_extra: `rules` between its fields for editors (JSON Schema `if`/`then`,
    `anyOf`; a callable is called when the schema is made) and `patterns` of fields typed inline."""
    def extra(model_schema: dict) -> None:
        model_schema.setdefault("allOf", []).extend(rule() if callable(rule) else rule for rule in rules)
        for name, pattern in (patterns or {}).items():
            prop = model_schema["properties"][name]
            for option in prop.get("anyOf", [prop]):
                if option.get("type") == "string":
                    option["pattern"] = pattern

    return extra


# The model validators' rules, for editors (see the models' own checks below).
_INTERVAL_WHEN_RECURRING = {"if": {"required": ["recurring"], "properties": {"recurring": schema.TRUE}},
                            "then": schema.not_null("interval")}
_AT_LEAST_ONE_CONTACT = {"anyOf": [schema.not_null("email"), schema.not_null("phone"), schema.not_null("website")]}


def _when_in(field: str, v: vocab.Vocabulary, codes: tuple[str, ...], then: dict):
    return lambda: {"if": {"required": [field],
                           "properties": {field: {"type": "string", "pattern": schema.spelling_pattern(v, codes)}}},
                    "then": then}


_SCHEME_NAME_FOR_OTHER = _when_in("scheme", vocab.SCHEMES, ("khac",), schema.not_null("scheme_name"))
_TAX_ID_FOR_FIRMS = _when_in("organisation_type", vocab.ORGANISATION_TYPES, ("doanh_nghiep", "hop_tac_xa"),
                             schema.not_null("tax_id"))
_DATES_OR_YEAR = {"anyOf": [schema.not_null("start_date", "end_date"),
                            {"required": ["year"], "properties": {"start_date": {"type": "null"},
                                                                  "end_date": {"type": "null"},
                                                                  "year": {"not": {"type": "null"}}}}]}
_PRODUCT_EVIDENCE = {"anyOf": [schema.not_empty("certificates"), schema.not_empty("environmental_claims")]}
_AREA_OR_NATIONWIDE = {"anyOf": [schema.not_empty("service_area"),
                                 {"required": ["nationwide"], "properties": {"nationwide": schema.TRUE}}]}


MAX_ITEMS = 50  # items in any list: more than the 34 provinces, and a bound on the work of a hostile file


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


@dataclass(frozen=True)
class Show:
    """What a field is beyond its value, declared once next to it. The listing page's facts,
    JSON-LD, the search index and the issue form loop over these, so a new field is one edit.

    - `fact`: a row of the facts table on the listing page, in declaration order; `order`
      moves it (-1 before the kind's own fields, 1 after them, 2 last);
    - `text`: the name of a model method giving the fact's text instead of the value;
    - `search`: the search-index field its text feeds (`search.FIELDS`);
    - `ld`: the schema.org property, dotted for a nested object ("itemOffered.name");
    - `form`: asked in the "Đăng ký thông tin" issue form (`intake.py`), `required` there.
    """
    fact: bool = False
    order: int = 0
    text: str = ""
    search: str = ""
    ld: str = ""
    form: bool = False
    required: bool = False


def _f(title: str, description: str, show: Show | None = None, **kwargs):
    info = Field(title=title, description=description, **kwargs)
    if show is not None:
        info.metadata.append(show)  # pydantic keeps unknown metadata and ignores it when validating
    return info


def _items(title: str, description: str, show: Show | None = None, **kwargs):
    """A list field: at most MAX_ITEMS items."""
    return _f(title, description, show, max_length=MAX_ITEMS, **kwargs)


# --- Shared parts ----------------------------------------------------------------


class Source(Strict):
    """Where a fact comes from: a decision and its task, for listings from public documents."""
    document: Text = _f("Văn bản", "Số hiệu văn bản, ví dụ 2323/QĐ-BCT / Document number")
    task: Text | None = _f("Nhiệm vụ", "Số nhiệm vụ hoặc mục, ví dụ III.1 / Task or item number", default=None)
    title: Text | None = _f("Trích yếu", "Tên văn bản hoặc nhiệm vụ / Title", default=None)
    url: Url | None = _f("Đường dẫn", "Địa chỉ web của văn bản / Web address", default=None)


class Certificate(Strict):
    """A certificate, eco-label or permit (schema.org Certification, GS1 CertificationDetails)."""
    model_config = ConfigDict(json_schema_extra=_schema_hook(_SCHEME_NAME_FOR_OTHER))
    scheme: Scheme = _f("Chương trình chứng nhận", "Mã chương trình, xem danh sách / Certification scheme")
    scheme_name: Text | None = _f("Tên chương trình", "Bắt buộc khi scheme là 'khac' / Required when scheme is 'khac'",
                                  default=None)
    issuer: Text = _f("Cơ quan cấp", "Tổ chức cấp chứng nhận / Issuing body")
    number: Text = _f("Số chứng nhận", "Số hiệu trên giấy chứng nhận / Certificate number", Show(search="ids"))
    valid_from: Date = _f("Có hiệu lực từ", "Ngày cấp, dạng 2025-01-31 / Valid from")
    valid_until: Date = _f("Có hiệu lực đến", "Ngày hết hạn, dạng 2028-01-30 / Valid until")
    url: Url | None = _f("Minh chứng", "Đường dẫn tới bản chứng nhận / Evidence URL", default=None)

    @model_validator(mode="after")
    def _dates_and_name(self):
        if self.valid_until < self.valid_from:
            raise _error("date_order", field="valid_until", start="valid_from")
        if self.scheme == "khac" and not self.scheme_name:
            raise _error("scheme_name_missing", field="scheme")
        return self

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until


class Address(Strict):
    street: Text | None = _f("Địa chỉ", "Số nhà, đường, phường/xã / Street, ward", default=None)
    province: Province = _f("Tỉnh/thành phố", "Một trong 34 tỉnh, thành phố hiện hành / Province or city")


class Contact(Strict):
    model_config = ConfigDict(json_schema_extra=_schema_hook(_AT_LEAST_ONE_CONTACT))
    email: Email | None = _f("Thư điện tử", "Địa chỉ e-mail / E-mail", default=None)
    phone: Phone | None = _f("Điện thoại", "Viết trong dấu nháy: '0912 345 678' / Phone, quoted", default=None)
    website: Url | None = _f("Trang web", "Bắt đầu bằng https:// / Website", default=None)

    @model_validator(mode="after")
    def _at_least_one(self):
        if not (self.email or self.phone or self.website):
            raise _error("contact_empty")
        return self


class Quantity(Strict):
    amount: float = _f("Số lượng", "Số dương / A positive number", gt=0, le=1_000_000_000, allow_inf_nan=False)
    unit: Unit = _f("Đơn vị", "Mã UN/CEFACT: TNE (tấn), KGM (kg), LTR (lít), H87 (cái)... / Unit code")
    per: Period | None = _f("Mỗi", "Nếu là công suất hoặc định kỳ: ngay, thang, nam... / Per period", default=None)


class Document(Strict):
    title: Text = _f("Tên tài liệu", "Tên tài liệu / Title")
    url: Url = _f("Đường dẫn", "Địa chỉ web / Web address")


class Recurrence(Strict):
    model_config = ConfigDict(json_schema_extra=_schema_hook(_INTERVAL_WHEN_RECURRING))
    recurring: bool = _f("Định kỳ", "true nếu lặp lại, false nếu một lần / Recurring or one-off")
    interval: Period | None = _f("Chu kỳ", "Bắt buộc nếu định kỳ: tuan, thang, quy, nam / Interval", default=None)

    @model_validator(mode="after")
    def _interval_when_recurring(self):
        if self.recurring and not self.interval:
            raise _error("interval_missing", field="recurring")
        return self


# --- Listings --------------------------------------------------------------------

SECTORS_SHOWN = Show(fact=True, search="sectors", ld="keywords")
CERTIFICATES_SHOWN = Show(search="scheme", ld="hasCertification")



class ListingBase(Strict):
    id: Slug = _f("Mã định danh", "Trùng tên tệp, chữ thường không dấu, nối bằng '-' / Same as the file name")
    name: Text = _f("Tên", "Tên đầy đủ bằng tiếng Việt / Name in Vietnamese",
                    Show(search="name", ld="name", form=True, required=True))
    name_en: Text | None = _f("Tên tiếng Anh", "Tên tiếng Anh, nếu có / English name",
                              Show(fact=True, order=-1, search="summary", ld="alternateName", form=True), default=None)
    summary: Text | None = _f("Tóm tắt", "Một câu giới thiệu ngắn / One-sentence summary",
                              Show(search="summary", ld="description", form=True), default=None)
    description: LongText | None = _f("Mô tả", "Mô tả chi tiết, cho phép Markdown đơn giản / Description",
                                      Show(ld="description", form=True), default=None)
    date_added: Date = _f("Ngày đăng", "Ngày đưa thông tin lên danh bạ / Date listed", Show(fact=True, order=2))
    sample: bool = _f("Dữ liệu mẫu", "true nếu là ví dụ minh họa, không phải đơn vị thật / Sample data", default=False)
    sources: list[Source] = _items("Nguồn", "Văn bản làm căn cứ / Source documents", default_factory=list)

    # schema.org: the type of a listing of this kind, the properties that name its organisation,
    # and properties with a fixed value (fields add theirs through Show.ld).
    schema_type: ClassVar[str | tuple[str, ...]] = "Thing"
    owner_properties: ClassVar[tuple[str, ...]] = ()
    schema_constants: ClassVar[dict[str, str]] = {}
    schema_copies: ClassVar[dict[str, str]] = {}  # property -> the property whose value it repeats

    def references(self) -> dict[str, str]:
        """Field name -> id of the organisation listing it must point to."""
        return {}

    def owner_id(self) -> str | None:
        """The id of the organisation behind this listing (None for an organisation)."""
        return next(iter(self.references().values()), None)

    def schema_note(self) -> str | None:
        """A fact JSON-LD can only state in words (added to its description)."""
        return None


class Organisation(ListingBase):
    """Doanh nghiệp, tổ chức — an enterprise, cooperative, craft village or agency."""
    model_config = ConfigDict(json_schema_extra=_schema_hook(_TAX_ID_FOR_FIRMS))
    kind: Literal["organisation"]
    schema_type = "Organization"
    schema_copies = {"legalName": "name"}
    organisation_type: OrganisationType = _f("Loại hình", "doanh_nghiep, hop_tac_xa, lang_nghe... / Type",
                                             Show(fact=True, form=True, required=True))
    tax_id: TaxCode | None = _f("Mã số thuế", "10 chữ số, chi nhánh thêm -001; viết trong dấu nháy / Tax code, quoted",
                               Show(fact=True, search="ids", ld="taxID", form=True), default=None)
    address: Address = _f("Địa chỉ", "Địa chỉ trụ sở / Head office address",
                          Show(fact=True, order=1, ld="address", form=True, required=True))
    contact: Contact = _f("Liên hệ", "Ít nhất một cách liên hệ / At least one contact", Show(ld="contact", form=True))
    maintainers: list[GitHubLogin] = _items("Người cập nhật", "Tài khoản GitHub được sửa thông tin / GitHub logins",
                                            Show(form=True), min_length=1)

    @model_validator(mode="after")
    def _tax_id_for_firms(self):
        if self.tax_id is None and self.organisation_type in ("doanh_nghiep", "hop_tac_xa"):
            raise _error("tax_id_missing", field="organisation_type")
        return self


class OwnedListing(ListingBase):
    organisation: Slug = _f("Đơn vị", "Mã định danh của doanh nghiệp/tổ chức / Id of the organisation listing",
                            Show(search="organisation"))

    def references(self) -> dict[str, str]:
        return {"organisation": self.organisation}


class Product(OwnedListing):
    """Sản phẩm thân thiện môi trường, sản phẩm được dán nhãn sinh thái."""
    model_config = ConfigDict(json_schema_extra=_schema_hook(_PRODUCT_EVIDENCE, patterns={"gtin": GTIN_PATTERN}))
    kind: Literal["product"]
    schema_type = "Product"
    owner_properties = ("manufacturer",)
    sectors: list[Sector] = _items("Ngành", "Một hoặc nhiều ngành / Sectors",
                                   Show(fact=True, search="sectors", ld="category"), min_length=1)
    gtin: Annotated[str, _check_pattern(r"[0-9]{8}|[0-9]{12,14}", "gtin")] | None = \
        _f("Mã vạch GTIN", "Mã vạch sản phẩm, viết trong dấu nháy / Barcode, quoted", Show(fact=True, ld="gtin"),
           default=None)
    environmental_claims: list[Text] = _items("Đặc tính môi trường", "Ví dụ: 30% nhựa tái chế / Environmental claims",
                                              Show(fact=True, search="summary", ld="additionalProperty"),
                                              default_factory=list)
    certificates: list[Certificate] = _items("Chứng nhận, nhãn", "Nhãn sinh thái, nhãn năng lượng... / Certificates",
                                             CERTIFICATES_SHOWN, default_factory=list)
    website: Url | None = _f("Trang sản phẩm", "Địa chỉ web / Product page", Show(fact=True, ld="sameAs"), default=None)

    @model_validator(mode="after")
    def _has_evidence(self):
        if not (self.certificates or self.environmental_claims):
            raise _error("product_evidence")
        return self


class Recycler(OwnedListing):
    """Cơ sở thu gom, thu hồi, tái chế."""
    model_config = ConfigDict(json_schema_extra=_schema_hook(_AREA_OR_NATIONWIDE))
    kind: Literal["recycler"]
    schema_type = "LocalBusiness"
    owner_properties = ("parentOrganization",)
    waste_streams: list[WasteStream] = _items("Loại chất thải nhận",
                                              "Danh sách loại chất thải / Accepted waste streams",
                                              Show(fact=True, search="materials", ld="keywords"), min_length=1)
    services: list[RecyclerService] = _items("Dịch vụ", "thu_gom, thu_hoi, tai_che, xu_ly / Services",
                                             Show(fact=True, search="sectors", ld="keywords"), min_length=1)
    capacity: Quantity | None = _f("Công suất", "Ví dụ 500 TNE mỗi nam / Capacity", Show(fact=True), default=None)
    address: Address = _f("Địa điểm cơ sở", "Nơi đặt cơ sở / Facility address", Show(fact=True, order=1, ld="address"))
    service_area: list[Province] = _items("Phạm vi phục vụ",
                                          "Các tỉnh phục vụ; để trống nếu toàn quốc / Provinces served",
                                          Show(fact=True, ld="areaServed"), default_factory=list)
    nationwide: bool = _f("Toàn quốc", "true nếu phục vụ toàn quốc / Serves the whole country",
                          Show(fact=True, ld="areaServed"), default=False)
    permits: list[Certificate] = _items("Giấy phép", "Giấy phép môi trường... / Permits", CERTIFICATES_SHOWN,
                                        default_factory=list)
    contact: Contact | None = _f("Liên hệ", "Nếu khác với đơn vị / If not the organisation's", Show(ld="contact"),
                                 default=None)

    @model_validator(mode="after")
    def _area(self):
        if not self.service_area and not self.nationwide:
            raise _error("service_area_missing")
        return self


class Model(OwnedListing):
    """Mô hình sản xuất và tiêu dùng bền vững (thí điểm, trình diễn)."""
    kind: Literal["model"]
    schema_type = ("CreativeWork", "Project")
    owner_properties = ("creator",)
    sectors: list[Sector] = _items("Ngành", "Một hoặc nhiều ngành / Sectors", SECTORS_SHOWN, min_length=1)
    programme: Source = _f("Căn cứ chương trình", "Quyết định và nhiệm vụ sinh ra mô hình / Programme decision and task",
                           Show(fact=True, ld="isBasedOn"))
    year: int = _f("Năm", "Năm thực hiện / Year", Show(fact=True, ld="dateCreated"), ge=2000, le=2100)
    status: ModelStatus = _f("Tình trạng", "thi_diem, ap_dung, nhan_rong / Pilot, applied, replicated",
                             Show(fact=True, ld="creativeWorkStatus"))
    province: Province | None = _f("Tỉnh/thành phố", "Nơi thực hiện, nếu biết / Where",
                                   Show(fact=True, order=1, ld="spatialCoverage.address"), default=None)
    results: list[Text] = _items("Kết quả", "Các kết quả chính / Results", Show(fact=True), default_factory=list)
    documents: list[Document] = _items("Tài liệu", "Tài liệu hướng dẫn, báo cáo / Documents", Show(fact=True),
                                       default_factory=list)


class Distributor(OwnedListing):
    """Cơ sở phân phối bền vững được chứng nhận."""
    kind: Literal["distributor"]
    schema_type = "LocalBusiness"
    owner_properties = ("parentOrganization",)
    sectors: list[Sector] = _items("Ngành hàng", "Ngành hàng phân phối / Sectors", SECTORS_SHOWN, min_length=1)
    address: Address = _f("Địa chỉ", "Địa chỉ cửa hàng/trung tâm / Address", Show(fact=True, order=1, ld="address"))
    outlets: int | None = _f("Số điểm bán", "Số cửa hàng / Number of outlets", Show(fact=True), default=None,
                             ge=1, le=100_000)
    certificates: list[Certificate] = _items("Chứng nhận", "Chứng nhận phân phối bền vững / Certificates",
                                             CERTIFICATES_SHOWN, min_length=1)
    contact: Contact | None = _f("Liên hệ", "Nếu khác với đơn vị / If not the organisation's", Show(ld="contact"),
                                 default=None)


class Exhibition(ListingBase):
    """Triển lãm, hội chợ kết nối cung cầu (schema.org ExhibitionEvent)."""
    model_config = ConfigDict(json_schema_extra=_schema_hook(_DATES_OR_YEAR))
    kind: Literal["exhibition"]
    schema_type = "ExhibitionEvent"
    owner_properties = ("organizer",)
    schema_constants = {"eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode"}
    organizer: Slug = _f("Đơn vị tổ chức", "Mã định danh của đơn vị tổ chức / Id of the organiser",
                         Show(search="organisation"))
    start_date: Date | None = _f("Ngày bắt đầu", "Dạng 2025-10-01 / Start date",
                                 Show(fact=True, text="when_label", ld="startDate"), default=None)
    end_date: Date | None = _f("Ngày kết thúc", "Không trước ngày bắt đầu / End date", Show(ld="endDate"), default=None)
    year: int | None = _f("Năm", "Chỉ ghi khi chưa công bố ngày / Only when dates are not announced",
                          default=None, ge=2000, le=2100)
    venue: Text | None = _f("Địa điểm", "Tên và địa chỉ nơi tổ chức / Venue", Show(fact=True, ld="location.name"),
                            default=None)
    province: Province | None = _f("Tỉnh/thành phố", "Nơi tổ chức / Province",
                                   Show(fact=True, order=1, ld="location.address"), default=None)
    region: Region = _f("Miền", "bac, trung, nam / Region", Show(fact=True))
    sectors: list[Sector] = _items("Ngành", "Ngành hàng trưng bày / Sectors", SECTORS_SHOWN, default_factory=list)
    booths: int | None = _f("Số gian hàng", "Số gian hàng dự kiến / Number of booths", Show(fact=True), default=None,
                            ge=1, le=100_000)
    status: EventStatus = _f("Tình trạng", "du_kien, hoan, huy / Status", Show(fact=True, ld="eventStatus"),
                             default="du_kien")
    website: Url | None = _f("Trang web", "Địa chỉ web / Website", Show(fact=True, ld="sameAs"), default=None)

    def references(self) -> dict[str, str]:
        return {"organizer": self.organizer}

    def first_day(self) -> dt.date:
        """The start date, or 1 January of the year when dates are not announced."""
        return self.start_date or dt.date(self.year, 1, 1)

    def last_day(self) -> dt.date:
        """The end date, or 31 December of the year when dates are not announced."""
        return self.end_date or dt.date(self.year, 12, 31)

    def is_upcoming(self, on: dt.date) -> bool:
        """Not over on `on` (a year-only exhibition counts until the year ends)."""
        return self.last_day() >= on

    def schema_note(self) -> str | None:
        # schema.org dates must be full dates: a year-only exhibition says its year in words.
        return None if self.start_date else self.when_label()

    def when_label(self) -> str:
        if self.start_date:
            return f"{self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y}"
        return f"Năm {self.year} (chưa công bố ngày)"

    @model_validator(mode="after")
    def _dates_and_region(self):
        if (self.start_date is None) != (self.end_date is None) or (self.start_date is None and not self.year):
            raise _error("event_dates", field="start_date")
        if self.start_date and self.end_date < self.start_date:
            raise _error("date_order", field="end_date", start="start_date")
        expected = self.province and vocab.region_of(self.province)
        if expected and self.region != expected:
            raise _error("region_mismatch", province=self.province, expected=expected, field="region")
        return self


class Exchange(OwnedListing):
    """What offers and demands share (schema.org Offer / Demand)."""
    material_category: MaterialCategory = _f("Nhóm vật liệu", "Xem danh sách / Material category",
                                             Show(fact=True, search="materials", ld="itemOffered.category"))
    material: Text = _f("Mô tả vật liệu", "Tên, quy cách, chất lượng / Material, specification",
                        Show(fact=True, search="materials", ld="itemOffered.name"))
    quantity: Quantity = _f("Khối lượng", "Số lượng và đơn vị / Quantity and unit", Show(fact=True, ld="eligibleQuantity"))
    recurrence: Recurrence = _f("Tần suất", "Một lần hay định kỳ / One-off or recurring", Show(fact=True))
    province: Province = _f("Tỉnh/thành phố", "Nơi giao nhận / Location",
                            Show(fact=True, order=1, ld="availableAtOrFrom.address"))
    delivery: list[DeliveryTerm] = _items("Giao nhận", "tu_den_lay, giao_tan_noi, thoa_thuan / Pickup or delivery",
                                          Show(fact=True), min_length=1)
    valid_from: Date | None = _f("Từ ngày", "Ngày bắt đầu / Valid from", Show(fact=True, ld="validFrom"), default=None)
    valid_until: Date = _f("Đến ngày", "Hạn của tin / Valid until", Show(fact=True, ld="validThrough"))
    contact: Contact | None = _f("Liên hệ", "Nếu khác với đơn vị / If not the organisation's", Show(ld="contact"),
                                 default=None)

    @model_validator(mode="after")
    def _date_order(self):
        if self.valid_from and self.valid_until < self.valid_from:
            raise _error("date_order", field="valid_until", start="valid_from")
        return self


class Offer(Exchange):
    """Chào bán: phụ phẩm, nguyên liệu thứ cấp hoặc sản phẩm xanh."""
    kind: Literal["offer"]
    schema_type = "Offer"
    owner_properties = ("seller", "offeredBy")
    schema_constants = {"businessFunction": "http://purl.org/goodrelations/v1#Sell"}
    minimum_order: Quantity | None = _f("Đơn hàng tối thiểu", "Khối lượng nhỏ nhất mỗi lần mua, nếu có / Minimum order",
                                        Show(fact=True), default=None)


class Demand(Exchange):
    """Nhu cầu mua: phụ phẩm, nguyên liệu thứ cấp hoặc sản phẩm xanh."""
    kind: Literal["demand"]
    schema_type = "Demand"
    owner_properties = ("@reverse.seeks",)
    schema_constants = {"businessFunction": "http://purl.org/goodrelations/v1#Buy"}


def file_order(listing: ListingBase) -> tuple:
    """The order of listings in data files and the search table: by kind (as vocab.KINDS), then id."""
    return _KIND_ORDER[listing.kind], listing.id


def name_order(listing: ListingBase) -> tuple:
    """The order people read lists in: by name without diacritics, then as written, then id."""
    return fold(listing.name), listing.name, listing.id


def province_of(listing: ListingBase, organisations: dict[str, Organisation]) -> str | None:
    """Where a listing is: its address, its own province, else its organisation's address.
    An exhibition's organiser is not where the exhibition is, so it gives no province."""
    address = getattr(listing, "address", None)
    if address is not None:
        return address.province
    if province := getattr(listing, "province", None):
        return province
    org = organisations.get(getattr(listing, "organisation", None) or "")
    return org.address.province if org else None


def nested_model(annotation) -> tuple[type | None, bool]:
    """(the pydantic model inside `annotation` or None, whether it is a list)."""
    is_list = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return None, is_list
            annotation = args[0]
        elif origin is list:
            is_list, annotation = True, typing.get_args(annotation)[0]
        else:
            break
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, is_list
    return None, is_list


def _annotated_metadata(annotation) -> list:
    """Every Annotated metadata item inside `annotation` (through lists, unions, Optional)."""
    found = []
    if typing.get_origin(annotation) is typing.Annotated:
        for item in annotation.__metadata__:  # a Field(...) inside Annotated keeps its constraints in .metadata
            found.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    for arg in typing.get_args(annotation):
        found.extend(_annotated_metadata(arg))
    return found


# Fields are fixed once the models are defined, so what is read from them is read once: a build
# asks these for every field of every listing.
@functools.cache
def metadata_of(info) -> tuple:
    return (*info.metadata, *_annotated_metadata(info.annotation))


def show_of(info) -> Show | None:
    return next((m for m in info.metadata if isinstance(m, Show)), None)


@functools.cache
def shown_fields(model: type[BaseModel]) -> tuple[tuple[str, object, Show], ...]:
    """(name, FieldInfo, Show) of every field of `model` that declares a Show, in declaration order."""
    return tuple((name, info, show) for name, info in model.model_fields.items() if (show := show_of(info)))


@functools.cache
def vocabulary_of(info) -> vocab.Vocabulary | None:
    """The closed list a field's values come from, if any."""
    return next((m for m in metadata_of(info) if isinstance(m, vocab.Vocabulary)), None)


@functools.cache
def is_province(info) -> bool:
    return any(getattr(m, "func", None) is _province for m in metadata_of(info))


MODELS: dict[str, type[ListingBase]] = {
    "organisation": Organisation, "product": Product, "recycler": Recycler, "model": Model,
    "distributor": Distributor, "exhibition": Exhibition, "offer": Offer, "demand": Demand,
}
assert list(MODELS) == vocab.KINDS.codes()
_KIND_ORDER = {kind: i for i, kind in enumerate(MODELS)}

Listing = Annotated[Union[tuple(MODELS.values())], Field(discriminator="kind")]
