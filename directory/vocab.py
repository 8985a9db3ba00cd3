"""Closed lists (enumerations) of the listing format, each defined once, here.

Every list maps a stable ASCII code (what the JSON export and the schema carry) to
a Vietnamese label and an English label. Listing authors may write either the code
or the Vietnamese label, with or without diacritics: `dệt may`, `det may` and
`det_may` all mean the code `det_may`.

Provinces are the 34 province-level units in force since 1 July 2025 (Resolution
202/2025/QH15), taken from the `vietnam-provinces` package. The package does not
ship the old-to-new table at province level, so `FORMER_PROVINCES` keeps it here:
it is used for hints only, never to rewrite a listing silently.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import vietnam_provinces

from .text import fold_key


@dataclass(frozen=True)
class Term:
    code: str
    vi: str
    en: str


def _key(text: str) -> str:
    """Lookup key of a spelling; NFKC first, so that "m²" and "m2" both give "m2", not "m"."""
    return fold_key(unicodedata.normalize("NFKC", text))


class Vocabulary:
    """An ordered closed list of terms, looked up by code or (folded) label."""

    def __init__(self, name: str, terms: list[tuple[str, str, str]]):
        self.name = name
        self.terms = {code: Term(code, vi, en) for code, vi, en in terms}
        self._lookup: dict[str, str] = {}
        for term in self.terms.values():
            for spelling in (term.code, term.vi, term.en):
                key = _key(spelling)
                if self._lookup.setdefault(key, term.code) != term.code:
                    raise ValueError(f"{name}: '{spelling}' would also name {self._lookup[key]}")

    def __iter__(self):
        return iter(self.terms.values())

    def __contains__(self, code: object) -> bool:
        return code in self.terms

    def codes(self) -> list[str]:
        return list(self.terms)

    def resolve(self, value: str) -> str | None:
        """The code that `value` names, or None."""
        return self._lookup.get(_key(value))

    def label(self, code: str) -> str:
        return self.terms[code].vi


KINDS = Vocabulary("kind", [
    ("organisation", "Doanh nghiệp, tổ chức", "Organisation"),
    ("product", "Sản phẩm xanh", "Green product"),
    ("recycler", "Cơ sở thu gom, tái chế", "Recycler / collection service"),
    ("model", "Mô hình SXTDBV", "SCP model"),
    ("distributor", "Cơ sở phân phối bền vững", "Certified distributor"),
    ("exhibition", "Triển lãm, hội chợ", "Exhibition / fair"),
    ("offer", "Chào bán", "Supply offer"),
    ("demand", "Nhu cầu mua", "Demand request"),
])

ORGANISATION_TYPES = Vocabulary("organisation_type", [
    ("doanh_nghiep", "Doanh nghiệp", "Enterprise"),
    ("hop_tac_xa", "Hợp tác xã", "Cooperative"),
    ("lang_nghe", "Làng nghề", "Craft village"),
    ("co_quan_nha_nuoc", "Cơ quan nhà nước", "Government agency"),
    ("hiep_hoi", "Hiệp hội", "Association"),
    ("vien_truong", "Viện, trường", "Research or training institute"),
    ("to_chuc_khac", "Tổ chức khác", "Other organisation"),
])

SECTORS = Vocabulary("sector", [
    ("det_may", "Dệt may", "Textiles and garments"),
    ("do_uong", "Đồ uống", "Beverages"),
    ("ruou_bia_nuoc_giai_khat", "Rượu bia nước giải khát", "Beer, wine and soft drinks"),
    ("thep", "Thép", "Steel"),
    ("nhua", "Nhựa", "Plastics"),
    ("hoa_chat", "Hóa chất", "Chemicals"),
    ("xi_mang", "Xi măng", "Cement"),
    ("giay", "Giấy", "Paper"),
    ("che_bien_thuy_hai_san", "Chế biến thủy hải sản", "Seafood processing"),
    ("dien_tu", "Điện tử", "Electronics"),
    ("da_giay", "Da giày", "Leather and footwear"),
    ("gom_su", "Gốm sứ", "Ceramics"),
    ("che", "Chè", "Tea"),
    ("che_bien_go", "Chế biến gỗ", "Wood processing"),
    ("thu_cong_my_nghe", "Thủ công mỹ nghệ", "Handicrafts"),
    ("thiet_bi_gia_dung", "Thiết bị gia dụng", "Household appliances"),
    ("bao_bi", "Bao bì", "Packaging"),
    ("thuc_pham", "Thực phẩm", "Food"),
    ("nong_nghiep", "Nông nghiệp", "Agriculture"),
    ("phan_phoi_ban_le", "Phân phối, bán lẻ", "Distribution and retail"),
    ("tai_che_moi_truong", "Tái chế, dịch vụ môi trường", "Recycling and environmental services"),
    ("nang_luong", "Năng lượng", "Energy"),
    ("du_lich", "Du lịch, khách sạn", "Tourism and hotels"),
])

LABEL_FAMILIES = Vocabulary("label_family", [
    ("nhan_xanh", "Nhãn xanh (nhãn sinh thái)", "Green label (eco-label)"),
    ("nhan_nang_luong", "Nhãn năng lượng", "Energy label"),
    ("nhan_cacbon", "Nhãn cacbon", "Carbon label"),
    ("nhan_tai_che", "Nhãn tái chế", "Recycling label"),
    ("chung_nhan_phan_phoi", "Chứng nhận phân phối bền vững", "Sustainable distribution certificate"),
    ("giay_phep_moi_truong", "Giấy phép môi trường", "Environmental permit"),
    ("he_thong_quan_ly", "Hệ thống quản lý", "Management system"),
])

# scheme code, Vietnamese, English, label family
_SCHEMES = [
    ("nhan_xanh_viet_nam", "Nhãn Xanh Việt Nam", "Vietnam Green Label", "nhan_xanh"),
    ("eu_ecolabel", "Nhãn sinh thái EU (EU Ecolabel)", "EU Ecolabel", "nhan_xanh"),
    ("singapore_green_label", "Nhãn xanh Singapore", "Singapore Green Label", "nhan_xanh"),
    ("thai_green_label", "Nhãn xanh Thái Lan", "Thai Green Label", "nhan_xanh"),
    ("korea_eco_label", "Nhãn sinh thái Hàn Quốc", "Korea Eco-label", "nhan_xanh"),
    ("nhan_xanh_du_lich", "Nhãn Du lịch bền vững Bông sen xanh", "Green Lotus tourism label", "nhan_xanh"),
    ("cradle_to_cradle", "Cradle to Cradle", "Cradle to Cradle Certified", "nhan_xanh"),
    ("nhan_nang_luong_viet_nam", "Nhãn năng lượng Việt Nam", "Vietnam Energy Label", "nhan_nang_luong"),
    ("energy_star", "ENERGY STAR", "ENERGY STAR", "nhan_nang_luong"),
    ("epeat", "EPEAT", "EPEAT", "nhan_nang_luong"),
    ("nhan_cacbon", "Nhãn cacbon", "Carbon label", "nhan_cacbon"),
    ("nhan_tai_che", "Nhãn tái chế", "Recycling label", "nhan_tai_che"),
    ("phan_phoi_ben_vung", "Chứng nhận cơ sở phân phối bền vững", "Sustainable distribution certificate", "chung_nhan_phan_phoi"),
    ("giay_phep_moi_truong", "Giấy phép môi trường", "Environmental permit", "giay_phep_moi_truong"),
    ("iso_14001", "ISO 14001", "ISO 14001 environmental management", "he_thong_quan_ly"),
    ("khac", "Chương trình khác", "Other scheme", "nhan_xanh"),
]
SCHEMES = Vocabulary("scheme", [(c, vi, en) for c, vi, en, _ in _SCHEMES])
SCHEME_FAMILY = {c: family for c, _, _, family in _SCHEMES}

WASTE_STREAMS = Vocabulary("waste_stream", [
    ("pin_lithium", "Pin lithium đã qua sử dụng", "Spent lithium batteries"),
    ("pin_ac_quy", "Pin, ắc quy khác", "Other batteries"),
    ("rac_dien_tu", "Chất thải điện tử", "Electronic waste"),
    ("nhua", "Nhựa phế liệu", "Plastic scrap"),
    ("giay", "Giấy, bìa phế liệu", "Paper and cardboard"),
    ("kim_loai", "Kim loại phế liệu", "Scrap metal"),
    ("thuy_tinh", "Thủy tinh", "Glass"),
    ("det_may", "Vải vụn, hàng dệt may", "Textile waste"),
    ("da", "Da vụn, bào da", "Leather scraps and shavings"),
    ("go", "Gỗ, mùn cưa", "Wood waste and sawdust"),
    ("huu_co", "Chất thải hữu cơ", "Organic waste"),
    ("phu_pham_nong_nghiep", "Phụ phẩm nông nghiệp", "Agricultural by-products"),
    ("phu_pham_thuy_san", "Phụ phẩm thủy sản", "Seafood by-products"),
    ("tro_xi", "Tro, xỉ", "Ash and slag"),
    ("dau_thai", "Dầu thải", "Used oil"),
    ("lop_xe", "Lốp xe", "Tyres"),
    ("xay_dung", "Chất thải xây dựng", "Construction waste"),
    ("hoa_chat", "Hóa chất thải", "Chemical waste"),
])

# Offers and demands use the waste streams plus finished green products.
MATERIAL_CATEGORIES = Vocabulary("material_category", [
    *((t.code, t.vi, t.en) for t in WASTE_STREAMS),
    ("san_pham_xanh", "Sản phẩm xanh", "Green product"),
    ("nguyen_lieu_tai_che", "Nguyên liệu tái chế", "Recycled raw material"),
])

RECYCLER_SERVICES = Vocabulary("service", [
    ("thu_gom", "Thu gom", "Collection"),
    ("thu_hoi", "Thu hồi", "Take-back / recovery"),
    ("tai_che", "Tái chế", "Recycling"),
    ("xu_ly", "Xử lý", "Treatment / disposal"),
])

# UN/CEFACT Recommendation 20 unit codes.
UNITS = Vocabulary("unit", [
    ("TNE", "tấn", "tonne"),
    ("KGM", "kg", "kilogram"),
    ("LTR", "lít", "litre"),
    ("MTQ", "m³", "cubic metre"),
    ("MTK", "m²", "square metre"),
    ("MTR", "mét", "metre"),
    ("H87", "cái, chiếc", "piece"),
    ("SET", "bộ", "set"),
])

PERIODS = Vocabulary("period", [
    ("ngay", "ngày", "day"),
    ("tuan", "tuần", "week"),
    ("thang", "tháng", "month"),
    ("quy", "quý", "quarter"),
    ("nam", "năm", "year"),
])

DELIVERY_TERMS = Vocabulary("delivery", [
    ("tu_den_lay", "Bên mua tự đến lấy", "Pickup by the buyer"),
    ("giao_tan_noi", "Giao tận nơi", "Delivered"),
    ("thoa_thuan", "Thỏa thuận", "By agreement"),
])

MODEL_STATUSES = Vocabulary("model_status", [
    ("thi_diem", "Thí điểm", "Pilot"),
    ("ap_dung", "Đã áp dụng", "Applied"),
    ("nhan_rong", "Đã nhân rộng", "Replicated"),
])

EVENT_STATUSES = Vocabulary("event_status", [
    ("du_kien", "Dự kiến", "Scheduled"),
    ("hoan", "Tạm hoãn", "Postponed"),
    ("huy", "Đã hủy", "Cancelled"),
])

REGIONS = Vocabulary("region", [
    ("bac", "Miền Bắc", "North"),
    ("trung", "Miền Trung", "Centre"),
    ("nam", "Miền Nam", "South"),
])


# --- Provinces ---------------------------------------------------------------

PROVINCES: dict[str, str] = {p.codename: p.name for p in vietnam_provinces.Province.iter_all()}

_REGION_OF = {
    "bac": "ha_noi cao_bang tuyen_quang dien_bien lai_chau son_la lao_cai thai_nguyen "
           "lang_son quang_ninh bac_ninh phu_tho hai_phong hung_yen ninh_binh",
    "trung": "thanh_hoa nghe_an ha_tinh quang_tri hue da_nang quang_ngai gia_lai khanh_hoa "
             "dak_lak lam_dong",
    "nam": "dong_nai ho_chi_minh tay_ninh dong_thap vinh_long an_giang can_tho ca_mau",
}
PROVINCE_REGION = {code: region for region, codes in _REGION_OF.items() for code in codes.split()}

# Former province (before 1 July 2025) -> current unit(s) it became part of.
FORMER_PROVINCES: dict[str, list[str]] = {
    "Hà Giang": ["tuyen_quang"], "Yên Bái": ["lao_cai"], "Bắc Kạn": ["thai_nguyen"],
    "Vĩnh Phúc": ["phu_tho"], "Hòa Bình": ["phu_tho"], "Bắc Giang": ["bac_ninh"],
    "Thái Bình": ["hung_yen"], "Hải Dương": ["hai_phong"], "Hà Nam": ["ninh_binh"],
    "Nam Định": ["ninh_binh"], "Quảng Bình": ["quang_tri"], "Quảng Nam": ["da_nang"],
    "Kon Tum": ["quang_ngai"], "Bình Định": ["gia_lai"], "Ninh Thuận": ["khanh_hoa"],
    "Đắk Nông": ["lam_dong"], "Bình Thuận": ["lam_dong"], "Phú Yên": ["dak_lak"],
    "Bình Phước": ["dong_nai"], "Bình Dương": ["ho_chi_minh"],
    "Bà Rịa - Vũng Tàu": ["ho_chi_minh"], "Long An": ["tay_ninh"],
    "Sóc Trăng": ["can_tho"], "Hậu Giang": ["can_tho"], "Bến Tre": ["vinh_long"],
    "Trà Vinh": ["vinh_long"], "Tiền Giang": ["dong_thap"], "Bạc Liêu": ["ca_mau"],
    "Kiên Giang": ["an_giang"],
}

_UNIT_PREFIXES = ("thanh_pho_", "tp_", "tinh_")


def _province_key(text: str) -> str:
    key = fold_key(text)
    for prefix in _UNIT_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


_PROVINCE_LOOKUP = {}
for _code, _name in PROVINCES.items():
    _PROVINCE_LOOKUP[_code] = _code
    _PROVINCE_LOOKUP[_province_key(_name)] = _code
_PROVINCE_LOOKUP["hcm"] = _PROVINCE_LOOKUP["sai_gon"] = "ho_chi_minh"
_FORMER_LOOKUP = {_province_key(name): name for name in FORMER_PROVINCES}


def resolve_province(text: str) -> str | None:
    """The official name of the current province `text` names, or None."""
    code = _PROVINCE_LOOKUP.get(_province_key(text))
    return PROVINCES[code] if code else None


def former_province(text: str) -> tuple[str, list[str]] | None:
    """(former name, [current official names]) when `text` names a pre-2025 province."""
    name = _FORMER_LOOKUP.get(_province_key(text))
    if name is None:
        return None
    return name, [PROVINCES[code] for code in FORMER_PROVINCES[name]]


@lru_cache(maxsize=1024)  # folding is slow and renders ask for the same few names again and again
def province_code(name: str) -> str:
    """The ASCII code (e.g. `ha_noi`) of an official province name."""
    return _PROVINCE_LOOKUP[_province_key(name)]


def region_of(province_name: str) -> str:
    return PROVINCE_REGION[province_code(province_name)]
