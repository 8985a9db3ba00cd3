"""Synthetic listings for benchmarks and tests: valid, varied, Vietnamese, reproducible.

    python -m directory.synthetic --count 10000 --out /tmp/bench [--seed 1] [--today 2025-09-01]
                                  [--shape even|skewed]

writes `/tmp/bench/listings/<kind>/<id>.yaml`. About 15% of the listings are
organisations; every other listing belongs to (or is organised by) one of them, so
every reference resolves. Names come from Vietnamese word lists (with diacritics),
ids are their ASCII slugs, tax codes carry a correct check digit, certificates are
mostly valid with some expired or expiring, demands ask for what offers offer, and
exhibitions spread over the two years either side of `today`. Every listing says
`sample: true`: none of these firms is real, and web addresses use example.com.

Two shapes: `even` spreads listings over every organisation, province and material
category alike; `skewed` has the shape of a real directory, drawn from Zipf-like
distributions: a handful of organisations own most listings (the first, a state agency,
owns every model), two or three provinces (Hà Nội, Hồ Chí Minh City first) hold most
listings, a few material categories hold most offers and demands, and descriptions are
a mix of none, short and long.

The same seed, `today` and shape give the same bytes. This module writes data; it
does not validate it (`validate.py` does, see tests/test_synthetic.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from pathlib import Path

import yaml
from stdnum.vn import mst

from . import vocab
from .text import slugify

PROVINCE_NAMES = list(vocab.PROVINCES.values())
# The skewed shape ranks provinces by how many listings they get: the two big cities first.
BIG_CITIES = ("Thành phố Hà Nội", "Thành phố Hồ Chí Minh", "Thành phố Hải Phòng", "Thành phố Đà Nẵng")
RANKED_PROVINCES = [p for p in BIG_CITIES if p in PROVINCE_NAMES] + [p for p in PROVINCE_NAMES if p not in BIG_CITIES]
SHAPES = ("even", "skewed")
ZIPF = {"org": 1.3, "province": 1.6, "material": 1.4}  # exponents of the skewed shape: larger = steeper
# Share of each kind, in percent; organisations first so that others can point at them.
KIND_SHARES = {"organisation": 15, "product": 22, "recycler": 10, "model": 8, "distributor": 8,
               "exhibition": 5, "offer": 16, "demand": 16}

BRAND_WORDS = ("Phúc An Thịnh Hưng Phát Minh Tâm Việt Hòa Bình Đức Thành Sơn Hải Xanh Tân Đại Quang "
               "Trường Hoàng Kim Ngọc Bảo Thiên Gia Khang Lộc Tài Đông Nguyên Vạn Hợp Lâm Trí Tín Nghĩa "
               "Phong Thái Hồng Mai Sen Đồng Tiến Thuận Lợi Toàn Cầu Hà Châu Anh Dương").split()
STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
           "Nguyễn Trãi", "Phan Chu Trinh", "Điện Biên Phủ", "Võ Văn Kiệt", "Hùng Vương", "Lê Duẩn",
           "Trần Phú", "Ngô Quyền", "Bà Triệu", "Phạm Văn Đồng", "Nguyễn Văn Linh", "Tôn Đức Thắng")
COMPANY_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân")
ORG_TYPES = ["doanh_nghiep"] * 14 + ["hop_tac_xa"] * 2 + ["lang_nghe", "hiep_hoi", "vien_truong",
                                                           "co_quan_nha_nuoc"]
# Many tax codes start with 0 (Hà Nội 01, Hải Phòng 02, TP.HCM 03...): the YAML trap.
TAX_PREFIXES = ["01", "01", "03", "03", "02", "04", "06", "08", "09", "10", "23", "27", "31", "36",
                "40", "42", "56", "58", "60", "64", "70", "80", "95"]

# (sector, product name) pairs; claims and schemes are drawn separately.
PRODUCTS = [
    ("bao_bi", "Hộp giấy đựng thực phẩm"), ("bao_bi", "Túi giấy kraft"), ("bao_bi", "Khay bã mía"),
    ("nhua", "Túi phân hủy sinh học"), ("nhua", "Pallet nhựa tái chế"), ("nhua", "Hạt nhựa rPET"),
    ("det_may", "Áo thun sợi tái chế"), ("det_may", "Vải sợi tre"), ("det_may", "Khăn bông hữu cơ"),
    ("gom_su", "Bộ chén đĩa gốm men không chì"), ("gom_su", "Hũ gốm đựng thực phẩm"),
    ("thiet_bi_gia_dung", "Tủ lạnh inverter"), ("thiet_bi_gia_dung", "Nồi cơm điện tiết kiệm điện"),
    ("dien_tu", "Đèn LED tiết kiệm năng lượng"), ("dien_tu", "Bộ sạc năng lượng mặt trời"),
    ("che", "Chè xanh hữu cơ"), ("che", "Trà ô long"), ("che_bien_go", "Bàn ghế gỗ rừng trồng"),
    ("che_bien_go", "Ván ép từ mùn cưa"), ("thu_cong_my_nghe", "Giỏ mây tre đan"),
    ("thu_cong_my_nghe", "Thảm lục bình"), ("da_giay", "Lót giày từ bào da"),
    ("da_giay", "Giày vải tái chế"), ("giay", "Giấy vệ sinh tái chế"), ("giay", "Giấy in tái chế"),
    ("xi_mang", "Xi măng dùng tro xỉ"), ("xi_mang", "Gạch không nung"),
    ("do_uong", "Nước khoáng chai thủy tinh"), ("hoa_chat", "Chất tẩy rửa sinh học"),
    ("thuc_pham", "Ống hút gạo"), ("che_bien_thuy_hai_san", "Bột cá từ phụ phẩm"),
    ("thep", "Thép xây dựng từ phế liệu"),
]
CLAIMS = ("30% nhựa tái chế", "Phân hủy sinh học trong 180 ngày", "Tiết kiệm 40% điện năng",
          "Không chứa chì và cadimi", "Bao bì tái chế được 100%", "Nguyên liệu từ rừng trồng",
          "Giảm 25% phát thải cacbon", "Không dùng nhựa dùng một lần", "Sản xuất bằng điện mặt trời")
PRODUCT_SCHEMES = ["nhan_xanh_viet_nam"] * 4 + ["eu_ecolabel", "singapore_green_label", "korea_eco_label",
                                                "nhan_nang_luong_viet_nam", "energy_star", "nhan_cacbon",
                                                "nhan_tai_che", "cradle_to_cradle", "khac"]
# scheme -> (issuer, term in days, number prefix)
SCHEME_FACTS = {
    "nhan_xanh_viet_nam": ("Bộ Nông nghiệp và Môi trường", 1095, "NXVN"),
    "eu_ecolabel": ("Ủy ban châu Âu (European Commission)", 1095, "EU-ECO"),
    "singapore_green_label": ("Hội đồng Môi trường Singapore", 365, "SGLS"),
    "korea_eco_label": ("Viện Công nghiệp Môi trường Hàn Quốc (KEITI)", 730, "KEL"),
    "nhan_nang_luong_viet_nam": ("Bộ Công Thương", 1095, "NNL"),
    "energy_star": ("Cơ quan Bảo vệ Môi trường Hoa Kỳ (US EPA)", 1095, "ES"),
    "nhan_cacbon": ("Trung tâm Chứng nhận Cacbon mẫu", 730, "CO2"),
    "nhan_tai_che": ("Hiệp hội Tái chế mẫu", 730, "TC"),
    "cradle_to_cradle": ("Cradle to Cradle Products Innovation Institute", 730, "C2C"),
    "khac": ("Trung tâm Chứng nhận VietGAP mẫu", 730, "VG"),
    "phan_phoi_ben_vung": ("Bộ Công Thương", 1095, "PPBV"),
    "iso_14001": ("Tổ chức chứng nhận ISO mẫu", 1095, "ISO"),
    "giay_phep_moi_truong": ("Ủy ban nhân dân cấp tỉnh", 3650, "GPMT"),
}
# (material category, what it is, usual unit) for offers and demands.
MATERIALS = [
    ("da", "Bào da crôm từ công đoạn bào", "TNE"), ("go", "Mùn cưa gỗ keo", "TNE"),
    ("nhua", "Vỏ chai PET đã phân loại", "TNE"), ("det_may", "Vải vụn cotton", "KGM"),
    ("tro_xi", "Tro bay nhiệt điện", "TNE"), ("phu_pham_nong_nghiep", "Bã mía sau ép", "TNE"),
    ("phu_pham_nong_nghiep", "Vỏ trấu", "TNE"), ("phu_pham_thuy_san", "Vỏ và đầu tôm", "TNE"),
    ("giay", "Bìa carton cũ", "TNE"), ("dau_thai", "Dầu nhớt thải", "LTR"), ("lop_xe", "Lốp xe cũ", "H87"),
    ("pin_lithium", "Pin lithium từ xe điện", "KGM"), ("rac_dien_tu", "Bo mạch điện tử hỏng", "KGM"),
    ("kim_loai", "Phế liệu nhôm", "TNE"), ("thuy_tinh", "Thủy tinh vụn", "TNE"),
    ("nguyen_lieu_tai_che", "Hạt nhựa HDPE tái chế", "TNE"), ("san_pham_xanh", "Túi giấy kraft", "H87"),
    ("huu_co", "Rác hữu cơ từ chợ đầu mối", "TNE"), ("xay_dung", "Bê tông vụn", "MTQ"),
]
PROGRAMMES = [("889/QĐ-TTg", "I.2.1", "Chương trình hành động quốc gia về SXTDBV 2021-2030"),
              ("889/QĐ-TTg", "II.4", "Chương trình hành động quốc gia về SXTDBV 2021-2030"),
              ("2323/QĐ-BCT", "III.1", "Kế hoạch thực hiện Chương trình SXTDBV năm 2022"),
              ("2323/QĐ-BCT", "III.3", "Kế hoạch thực hiện Chương trình SXTDBV năm 2022"),
              ("2323/QĐ-BCT", "III.4", "Kế hoạch thực hiện Chương trình SXTDBV năm 2022")]
MODEL_TOPICS = ("Sản xuất sạch hơn trong", "Kinh tế tuần hoàn trong", "Tiết kiệm năng lượng trong",
                "Giảm chất thải nhựa trong", "Tận dụng phụ phẩm trong")
RESULTS = ("Giảm 20% lượng nước sử dụng", "Giảm 15% điện năng tiêu thụ", "Tái sử dụng 60% phụ phẩm",
           "Giảm 30% chất thải rắn", "Tạo việc làm cho 40 lao động", "Được 5 doanh nghiệp khác áp dụng")
SENTENCES = (
    "Đơn vị cam kết minh bạch thông tin về nguồn gốc nguyên liệu và quy trình sản xuất.",
    "Sản phẩm đã được nhiều nhà bán lẻ và bếp ăn tập thể tin dùng.",
    "Quy trình được kiểm soát theo hệ thống quản lý môi trường nội bộ.",
    "Đơn vị sẵn sàng hợp tác với các doanh nghiệp trong chuỗi cung ứng xanh.",
    "Thông tin chi tiết về kỹ thuật được cung cấp khi có yêu cầu.",
    "Hoạt động góp phần thực hiện Chương trình hành động quốc gia về sản xuất và tiêu dùng bền vững.",
    "Phế phẩm phát sinh được phân loại tại nguồn và chuyển cho đơn vị tái chế.",
)


class _Generator:
    def __init__(self, seed: int, today: dt.date, shape: str = "even"):
        self.rng = random.Random(seed)
        self.today = today
        self.skewed = shape == "skewed"
        self._weights: dict[tuple, list[float]] = {}
        self.ids: set[str] = set()
        self.tax_ids: set[str] = set()
        self.orgs: list[dict] = []
        self.org_sector: dict[str, str] = {}
        self.offers: list[dict] = []

    # --- small pieces ---------------------------------------------------------

    def pick(self, seq):
        return self.rng.choice(seq)

    def ranked(self, seq: list, what: str):
        """An item of `seq`: evenly, or (skewed shape) the r-th with weight 1/r^s (Zipf)."""
        if not self.skewed:
            return self.rng.choice(seq)
        key = (what, len(seq))
        if key not in self._weights:
            self._weights[key] = [1 / rank ** ZIPF[what] for rank in range(1, len(seq) + 1)]
        return self.rng.choices(seq, weights=self._weights[key])[0]

    def owner(self) -> dict:
        return self.ranked(self.orgs, "org")

    def brand(self) -> str:
        return " ".join(self.rng.sample(BRAND_WORDS, 2))

    def unique_id(self, name: str) -> str:
        base = slugify(name)
        slug, n = base, 2
        while slug in self.ids:
            slug = f"{base[:72].rstrip('-')}-{n}"
            n += 1
        self.ids.add(slug)
        return slug

    def day(self, lo: int, hi: int) -> dt.date:
        return self.today + dt.timedelta(days=self.rng.randint(lo, hi))

    def province(self) -> str:
        return self.ranked(RANKED_PROVINCES, "province") if self.skewed else self.pick(PROVINCE_NAMES)

    def tax_id(self) -> str:
        while True:
            body = self.pick(TAX_PREFIXES) + "".join(str(self.rng.randint(0, 9)) for _ in range(7))
            check = mst.calc_check_digit(body)
            code = body + check + (f"-{self.rng.randint(1, 20):03d}" if self.rng.random() < 0.05 else "")
            if len(check) == 1 and body[2:9] != "0000000" and code not in self.tax_ids:
                self.tax_ids.add(code)
                return code

    def phone(self) -> str:
        if self.rng.random() < 0.6:
            return f"09{self.rng.randint(0, 9)}{self.rng.randint(1, 9)} {self.rng.randint(100, 999)} " \
                   f"{self.rng.randint(100, 999)}"
        area = self.pick(("24", "28", "236", "251", "292"))  # 024 and 028 have 8-digit numbers
        return f"0{area} {self.rng.randint(3000, 3999) if len(area) == 2 else self.rng.randint(300, 399)} " \
               f"{self.rng.randint(1000, 9999)}"

    def street(self) -> str:
        if self.rng.random() < 0.3:
            return f"Lô {self.pick('ABCDEFGHK')}{self.rng.randint(1, 30)}, Khu công nghiệp {self.brand()}"
        return f"Số {self.rng.randint(1, 399)} đường {self.pick(STREETS)}, phường {self.brand()}"

    def certificate(self, scheme: str, province: str | None = None) -> dict:
        issuer, term, prefix = SCHEME_FACTS[scheme]
        roll = self.rng.random()  # 75% valid, 12% expiring within 90 days, 13% expired
        until = self.rng.randint(120, 900) if roll < 0.75 else \
            self.rng.randint(1, 85) if roll < 0.87 else -self.rng.randint(10, 700)
        valid_until = self.today + dt.timedelta(days=until)
        cert = {"scheme": scheme}
        if scheme == "khac":
            cert["scheme_name"] = "Thực hành nông nghiệp tốt VietGAP"
        if scheme == "giay_phep_moi_truong" and province:
            issuer = f"Ủy ban nhân dân {province}"
        number = f"{prefix}-{valid_until.year - term // 365}-{self.rng.randint(1, 9999):04d}"
        cert.update(issuer=issuer, number=number,
                    valid_from=valid_until - dt.timedelta(days=term - 1), valid_until=valid_until)
        if self.rng.random() < 0.7:
            cert["url"] = f"https://example.com/chung-nhan/{slugify(number)}"
        return cert

    def contact(self, brand: str) -> dict:
        domain = slugify(brand).replace("-", "") + ".example.com"
        contact = {}
        if self.rng.random() < 0.9:
            contact["email"] = f"{self.pick(('lienhe', 'info', 'kinhdoanh'))}@{domain}"
        if self.rng.random() < 0.8 or not contact:
            contact["phone"] = self.phone()
        if self.rng.random() < 0.6:
            contact["website"] = f"https://www.{domain}"
        return contact

    def describe(self, first: str) -> str:
        if self.skewed and self.rng.random() < 0.15:  # some firms write pages, most a line or two
            return " ".join([first, *(self.pick(SENTENCES) for _ in range(self.rng.randint(15, 40)))])
        return " ".join([first, *self.rng.sample(SENTENCES, self.rng.randint(1, 3))])

    def base(self, kind: str, name: str, summary: str, description: str) -> dict:
        return {"id": self.unique_id(name), "kind": kind, "name": name, "summary": summary,
                "description": description, "date_added": self.day(-900, 0), "sample": True}

    def owned(self, kind: str, name: str, summary: str, description: str, org: dict) -> dict:
        listing = self.base(kind, name, summary, description)
        listing["organisation"] = org["id"]
        return listing

    # --- the eight kinds ------------------------------------------------------

    def organisation(self) -> dict:
        org_type, brand = self.pick(ORG_TYPES), self.brand()
        if self.skewed and not self.orgs:
            org_type = "co_quan_nha_nuoc"
        province = self.province()
        sector_code = self.pick(vocab.SECTORS.codes())
        sector = vocab.SECTORS.label(sector_code)
        name = {"doanh_nghiep": f"{self.pick(COMPANY_FORMS)} {sector} {brand}",
                "hop_tac_xa": f"Hợp tác xã {sector} {brand}",
                "lang_nghe": f"Làng nghề {sector.lower()} {brand}",
                "hiep_hoi": f"Hiệp hội {sector} {province}",
                "vien_truong": f"Viện Nghiên cứu {sector} {brand}",
                "co_quan_nha_nuoc": f"Trung tâm Khuyến công và Tư vấn phát triển {brand}"}[org_type]
        listing = self.base("organisation", name, f"{name} hoạt động trong lĩnh vực {sector.lower()}.",
                            self.describe(f"{name} có trụ sở tại {province}."))
        listing["organisation_type"] = org_type
        if org_type in ("doanh_nghiep", "hop_tac_xa") or self.rng.random() < 0.5:
            listing["tax_id"] = self.tax_id()
        listing["address"] = {"street": self.street(), "province": province}
        listing["contact"] = self.contact(brand)
        login = slugify(brand)[:30] + self.pick(("", "-it", "-admin", "-green"))
        listing["maintainers"] = [login]
        self.orgs.append(listing)
        self.org_sector[listing["id"]] = sector_code
        return listing

    def product(self) -> dict:
        org = self.owner()
        own = [p for p in PRODUCTS if p[0] == self.org_sector[org["id"]]]
        sector, noun = self.pick(own if own and self.rng.random() < 0.8 else PRODUCTS)
        name = f"{noun} {self.brand()}"
        listing = self.owned("product", name, f"{noun} thân thiện môi trường.",
                             self.describe(f"{name} do {org['name']} sản xuất."), org)
        listing["sectors"] = [sector] + ([self.pick(("bao_bi", "thuc_pham"))] if self.rng.random() < 0.2 else [])
        listing["sectors"] = list(dict.fromkeys(listing["sectors"]))
        if self.rng.random() < 0.5:
            body = "893" + "".join(str(self.rng.randint(0, 9)) for _ in range(9))
            total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
            listing["gtin"] = body + str(-total % 10)
        listing["environmental_claims"] = self.rng.sample(CLAIMS, self.rng.randint(0, 3))
        listing["certificates"] = [self.certificate(s) for s in
                                   self.rng.sample(PRODUCT_SCHEMES, self.rng.randint(0, 2))]
        if not (listing["certificates"] or listing["environmental_claims"]):
            listing["environmental_claims"] = [self.pick(CLAIMS)]
        for key in ("environmental_claims", "certificates"):
            if not listing[key]:
                del listing[key]
        return listing

    def recycler(self) -> dict:
        org, province = self.owner(), self.province()
        streams = self.rng.sample(vocab.WASTE_STREAMS.codes(), self.rng.randint(1, 3))
        services = sorted(self.rng.sample(vocab.RECYCLER_SERVICES.codes(), self.rng.randint(1, 3)),
                          key=vocab.RECYCLER_SERVICES.codes().index)
        labels = [vocab.RECYCLER_SERVICES.label(s).lower() for s in services]
        what = " và ".join(filter(None, [", ".join(labels[:-1]), labels[-1]]))
        waste = vocab.WASTE_STREAMS.label(streams[0]).lower()
        name = f"Cơ sở {what} {waste} {self.brand()}"
        listing = self.owned("recycler", name, f"Nhận {waste} tại {province}.",
                             self.describe(f"{name} thuộc {org['name']}."), org)
        listing.update(waste_streams=streams, services=services,
                       capacity={"amount": self.rng.choice((50, 120, 500, 1200, 3000)), "unit": "TNE",
                                 "per": self.pick(("thang", "nam"))},
                       address={"street": self.street(), "province": province})
        if self.rng.random() < 0.2:
            listing["nationwide"] = True
        else:
            others = self.rng.sample(PROVINCE_NAMES, self.rng.randint(0, 3))
            listing["service_area"] = list(dict.fromkeys([province, *others]))
        if self.rng.random() < 0.8:
            listing["permits"] = [self.certificate("giay_phep_moi_truong", province)]
        if self.rng.random() < 0.2:
            listing["contact"] = self.contact(self.brand())
        return listing

    def model(self) -> dict:
        org = self.orgs[0] if self.skewed else self.pick(self.orgs)  # skewed: the ministry hosts every model
        sector = self.org_sector[org["id"]] if self.rng.random() < 0.7 else self.pick(vocab.SECTORS.codes())
        label = vocab.SECTORS.label(sector).lower()
        name = f"{self.pick(MODEL_TOPICS)} {label} tại {org['name']}"
        document, task, title = self.pick(PROGRAMMES)
        listing = self.owned("model", name, f"Mô hình SXTDBV ngành {label}.",
                             self.describe(f"Mô hình được xây dựng theo nhiệm vụ {task} của {document}."), org)
        listing.update(sectors=[sector], programme={"document": document, "task": task, "title": title},
                       year=self.rng.randint(2021, 2026), status=self.pick(vocab.MODEL_STATUSES.codes()),
                       province=self.province(), results=self.rng.sample(RESULTS, self.rng.randint(1, 3)))
        if self.rng.random() < 0.5:
            listing["documents"] = [{"title": f"Báo cáo kết quả {name}"[:300],
                                     "url": f"https://example.com/tai-lieu/{listing['id']}.pdf"}]
        return listing

    def distributor(self) -> dict:
        org, province, brand = self.owner(), self.province(), self.brand()
        name = f"{self.pick(('Siêu thị xanh', 'Chuỗi cửa hàng thực phẩm sạch', 'Trung tâm phân phối'))} {brand}"
        listing = self.owned("distributor", name, f"Cơ sở phân phối bền vững tại {province}.",
                             self.describe(f"{name} ưu tiên bày bán sản phẩm có nhãn sinh thái."), org)
        sectors = ["phan_phoi_ban_le", *self.rng.sample(("thuc_pham", "do_uong", "bao_bi", "thiet_bi_gia_dung"),
                                                        self.rng.randint(1, 2))]
        certs = [self.certificate("phan_phoi_ben_vung")]
        if self.rng.random() < 0.3:
            certs.append(self.certificate("iso_14001"))
        listing.update(sectors=sectors, address={"street": self.street(), "province": province},
                       outlets=self.rng.randint(1, 60), certificates=certs)
        return listing

    def exhibition(self) -> dict:
        hosts = [o for o in self.orgs if o["organisation_type"] in ("co_quan_nha_nuoc", "hiep_hoi")]
        org, province = self.pick(hosts or self.orgs), self.province()
        region = vocab.region_of(province)
        start = self.today + dt.timedelta(days=self.rng.randint(-730, 730))
        sector = self.pick(vocab.SECTORS.codes())
        name = (f"Hội chợ kết nối cung cầu {vocab.SECTORS.label(sector).lower()} "
                f"{vocab.REGIONS.label(region)} {start.year}")
        listing = self.base("exhibition", name, f"Triển lãm sản phẩm thân thiện môi trường tại {province}.",
                            self.describe(f"{name} do {org['name']} tổ chức."))
        listing["organizer"] = org["id"]
        if self.rng.random() < 0.9:
            listing["start_date"] = start
            listing["end_date"] = start + dt.timedelta(days=self.rng.randint(0, 4))
        else:
            listing["year"] = start.year
        listing.update(venue=f"Trung tâm Hội chợ Triển lãm {self.brand()}", province=province, region=region,
                       sectors=[sector, "phan_phoi_ban_le"] if sector != "phan_phoi_ban_le" else [sector],
                       booths=self.rng.randint(3, 30) * 10,
                       status=self.pick(["du_kien"] * 8 + ["hoan", "huy"]),
                       website=f"https://example.com/hoi-cho/{listing['id']}")
        return listing

    def exchange(self, kind: str) -> dict:
        org = self.owner()
        if kind == "demand" and self.offers and self.rng.random() < 0.8:
            match = self.pick(self.offers)  # ask for what someone offers, often nearby
            category, material, unit = match["material_category"], match["material"], match["quantity"]["unit"]
            province = match["province"] if self.rng.random() < 0.5 else self.province()
        else:
            (category, material, unit), province = self.ranked(MATERIALS, "material"), self.province()
        verb = "Chào bán" if kind == "offer" else "Cần mua"
        short = province.removeprefix("Thành phố ")
        name = f"{verb} {material[0].lower()}{material[1:]} tại {short}"
        listing = self.owned(kind, name, f"{verb} {material.lower()}.",
                             self.describe(f"{org['name']} {verb.lower()} {material.lower()}."), org)
        recurring = self.rng.random() < 0.5
        listing.update(material_category=category, material=material,
                       quantity={"amount": self.rng.choice((0.5, 2, 5, 10, 25, 100, 400)), "unit": unit},
                       recurrence={"recurring": recurring, **({"interval": self.pick(("tuan", "thang", "quy"))}
                                                              if recurring else {})},
                       province=province,
                       delivery=self.rng.sample(vocab.DELIVERY_TERMS.codes(), self.rng.randint(1, 2)),
                       valid_from=self.day(-120, 0),
                       valid_until=self.day(30, 365) if self.rng.random() < 0.9 else self.day(-100, -1))
        listing["valid_from"] = min(listing["valid_from"], listing["valid_until"] - dt.timedelta(days=30))
        if self.rng.random() < 0.2:
            listing["contact"] = self.contact(self.brand())
        if kind == "offer":
            self.offers.append(listing)
        return listing


def _counts(count: int) -> dict[str, int]:
    """Listings per kind: the shares, at least one organisation, every kind once if there is room."""
    counts = {kind: count * share // 100 for kind, share in KIND_SHARES.items()}
    order = sorted(KIND_SHARES, key=lambda k: (-(count * KIND_SHARES[k] % 100), list(KIND_SHARES).index(k)))
    for kind in order[: count - sum(counts.values())]:
        counts[kind] += 1
    for kind in KIND_SHARES:  # small counts: take from the largest kind for any missing one
        if counts[kind] == 0 and count >= len(KIND_SHARES):
            counts[max(counts, key=counts.get)] -= 1
            counts[kind] = 1
    if count and not counts["organisation"]:
        counts[max(counts, key=counts.get)] -= 1
        counts["organisation"] = 1
    return counts


def generate(count: int, seed: int = 0, today: dt.date | None = None, shape: str = "even") -> list[dict]:
    """`count` listings as plain dicts, in the order they were made (organisations first)."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}")
    gen = _Generator(seed, today or dt.date.today(), shape)
    listings = []
    for kind, n in _counts(count).items():
        for _ in range(n):
            listings.append(gen.exchange(kind) if kind in ("offer", "demand") else getattr(gen, kind)())
    return listings


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """SafeDumper that also quotes digit strings YAML 1.1 would leave plain (`0324158685`, phones)."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "'" if _NUMERIC.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_NUMERIC = re.compile(r"\+?[0-9][0-9 .\-()]*")
_Dumper.add_representer(str, _represent_str)


def dump(listing: dict) -> str:
    """One listing as YAML text: digit strings quoted, dates plain, Vietnamese unescaped."""
    header = "# Dữ liệu tổng hợp để đo hiệu năng / Synthetic data for benchmarks\n"
    return header + yaml.dump(listing, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write_tree(listings: list[dict], out: Path) -> list[Path]:
    """Write `out/listings/<kind>/<id>.yaml`; refuses a non-empty `out/listings`."""
    root = Path(out) / "listings"
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} không trống / is not empty")
    paths = []
    for listing in listings:
        path = root / listing["kind"] / f"{listing['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(listing), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m directory.synthetic",
                                     description="Sinh dữ liệu tổng hợp / Generate synthetic listings")
    parser.add_argument("--count", type=int, required=True, help="số tin / number of listings")
    parser.add_argument("--out", type=Path, required=True, help="thư mục đích / output directory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="ngày gốc cho hạn chứng nhận, YYYY-MM-DD / reference date (default: today)")
    parser.add_argument("--shape", choices=SHAPES, default="even",
                        help="even: đều; skewed: lệch như danh bạ thật / evenly spread, or skewed like a real directory")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count phải ≥ 1 / must be at least 1")
    try:
        paths = write_tree(generate(args.count, args.seed, args.today, args.shape), args.out)
    except FileExistsError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"Đã ghi {len(paths)} tin vào / wrote {len(paths)} listings to {args.out / 'listings'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
