# ruff: noqa: E501 (data tables: one entry a line reads better than wrapped strings)
"""Vocabulary of the data generator: Vietnamese (and partners' own) names, places and phrases.

Everything here is plain data, written in NFC with full diacritics. The real names of the
demo (accounts/partners/agreements demo modules and DOMAIN.md) come first elsewhere; these
lists give the rest of a province's (or a country's) worth of agencies, partners and text.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------
# (surname, weight): roughly the frequencies of Vietnamese family names.
SURNAMES: list[tuple[str, int]] = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Phan", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 1),
    ("Ma", 1),
    ("Nông", 1),
    ("Lục", 1),
    ("Hà", 1),
    ("Triệu", 1),
    ("Sùng", 1),
    ("Giàng", 1),
    ("Vàng", 1),
    ("Lò", 1),
    ("Quan", 1),
    ("Đinh", 1),
    ("Tạ", 1),
]
MIDDLE_MALE = ["Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Xuân", "Thanh", "Mạnh", "Ngọc"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Phương"]
GIVEN_MALE = [
    "An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
    "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quang",
    "Quân", "Sơn", "Tài", "Thành", "Thắng", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt",
    "Vinh", "Vũ", "Chiến", "Hưng", "Lực", "Tiến", "Trường",
]  # fmt: skip
GIVEN_FEMALE = [
    "Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ",
    "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh",
    "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Uyên", "Vân", "Yến", "Thúy",
]  # fmt: skip

# Job titles, by the kind of agency (see accounts.models.Agency.Kind).
HEAD_TITLES = {
    "department": "Giám đốc",
    "commune": "Chủ tịch UBND xã",
    "armed_forces": "Chỉ huy trưởng",
    "press": "Tổng Biên tập",
    "organisation": "Chủ tịch",
    "provincial_body": "Chánh Văn phòng",
    "other": "Trưởng ban",
}
STAFF_TITLES = [
    "Chuyên viên Phòng Hợp tác quốc tế",
    "Chuyên viên Văn phòng",
    "Phó Chánh Văn phòng",
    "Chuyên viên Phòng Kế hoạch - Tài chính",
    "Trưởng phòng Tổng hợp",
    "Chuyên viên Phòng Nghiệp vụ",
]
COMMUNE_STAFF_TITLES = ["Công chức Văn phòng - Thống kê", "Phó Chủ tịch UBND xã"]
OFFICIAL_TITLES = [
    "Chuyên viên Phòng Hợp tác quốc tế",
    "Chuyên viên Phòng Lãnh sự - Biên giới",
    "Trưởng phòng Hợp tác quốc tế",
    "Phó Trưởng phòng Lãnh sự - Biên giới",
    "Chuyên viên Văn phòng Sở",
]
LEADER_TITLES = [
    "Chủ tịch UBND tỉnh",
    "Phó Chủ tịch UBND tỉnh",
    "Phó Chủ tịch UBND tỉnh",
    "Chánh Văn phòng UBND tỉnh",
]

# ---------------------------------------------------------------------------------------------
# Provinces and communes
# ---------------------------------------------------------------------------------------------
# The other provinces of a national deployment: (name, ASCII code used in short names).
PROVINCES: list[tuple[str, str]] = [
    ("Lào Cai", "LCI"), ("Cao Bằng", "CBG"), ("Lạng Sơn", "LSN"), ("Điện Biên", "DBN"),
    ("Lai Châu", "LCU"), ("Sơn La", "SLA"), ("Thái Nguyên", "TNN"), ("Phú Thọ", "PTO"),
    ("Bắc Ninh", "BNH"), ("Quảng Ninh", "QNH"), ("Hải Phòng", "HPG"), ("Hưng Yên", "HYN"),
    ("Ninh Bình", "NBH"), ("Thanh Hóa", "THA"), ("Nghệ An", "NAN"), ("Hà Tĩnh", "HTH"),
    ("Quảng Trị", "QTI"), ("Huế", "HUE"), ("Đà Nẵng", "DNG"), ("Quảng Ngãi", "QNI"),
    ("Gia Lai", "GLI"), ("Đắk Lắk", "DLK"), ("Khánh Hòa", "KHA"), ("Lâm Đồng", "LDG"),
    ("Đồng Nai", "DNI"), ("Tây Ninh", "TNH"), ("Đồng Tháp", "DTP"), ("An Giang", "AGG"),
    ("Vĩnh Long", "VLG"), ("Cần Thơ", "CTO"), ("Cà Mau", "CMU"), ("Hà Nội", "HNI"),
    ("Thành phố Hồ Chí Minh", "HCM"), ("Bắc Giang", "BGG"), ("Hòa Bình", "HBH"),
    ("Yên Bái", "YBI"), ("Bắc Kạn", "BKN"), ("Vĩnh Phúc", "VPC"), ("Hải Dương", "HDG"),
    ("Thái Bình", "TBH"), ("Nam Định", "NDH"), ("Hà Nam", "HNM"), ("Quảng Bình", "QBH"),
    ("Quảng Nam", "QNM"), ("Bình Định", "BDH"), ("Phú Yên", "PYN"), ("Ninh Thuận", "NTN"),
    ("Bình Thuận", "BTN"), ("Kon Tum", "KTM"), ("Đắk Nông", "DNO"), ("Bình Phước", "BPC"),
    ("Bình Dương", "BDG"), ("Bà Rịa - Vũng Tàu", "BRV"), ("Long An", "LAN"),
    ("Tiền Giang", "TGG"), ("Bến Tre", "BTE"), ("Trà Vinh", "TVH"), ("Sóc Trăng", "STG"),
    ("Hậu Giang", "HGG"), ("Kiên Giang", "KGG"), ("Bạc Liêu", "BLU"), ("Tuyên Quang", "TQG"),
    ("Hà Giang", "HGI"),
]  # fmt: skip

# Communes and wards of Tuyên Quang (including former Hà Giang): the home province's.
HOME_COMMUNES: list[str] = [
    "phường Minh Xuân", "phường Nông Tiến", "phường An Tường", "phường Mỹ Lâm",
    "phường Bình Thuận", "phường Hà Giang 1", "phường Hà Giang 2", "xã Lũng Cú",
    "xã Đồng Văn", "xã Sà Phìn", "xã Mèo Vạc", "xã Sơn Vĩ", "xã Sủng Máng",
    "xã Pải Lủng", "xã Niêm Sơn", "xã Khâu Vai", "xã Tát Ngà", "xã Yên Minh", "xã Mậu Duệ",
    "xã Du Già", "xã Đường Thượng", "xã Lao Và Chải", "xã Ngọc Long", "xã Quản Bạ",
    "xã Tùng Vài", "xã Cán Tỷ", "xã Lùng Tám", "xã Nghĩa Thuận", "xã Bắc Mê", "xã Minh Ngọc",
    "xã Yên Cường", "xã Đường Hồng", "xã Hoàng Su Phì", "xã Thông Nguyên", "xã Nậm Dịch",
    "xã Hồ Thầu", "xã Pờ Ly Ngài", "xã Bản Máy", "xã Tân Tiến", "xã Pà Vầy Sủ",
    "xã Nấm Dẩn", "xã Quảng Nguyên", "xã Trung Thịnh", "xã Khuôn Lùng", "xã Nà Chì",
    "xã Bắc Quang", "xã Vĩnh Tuy", "xã Việt Quang", "xã Đồng Yên", "xã Hùng An",
    "xã Tân Quang", "xã Liên Hiệp", "xã Bằng Hành", "xã Quang Bình", "xã Yên Thành",
    "xã Xuân Giang", "xã Tiên Yên", "xã Bằng Lang", "xã Vị Xuyên", "xã Minh Tân",
    "xã Thuận Hòa", "xã Tùng Bá", "xã Thượng Sơn", "xã Cao Bồ", "xã Lao Chải",
    "xã Bạch Ngọc", "xã Việt Lâm", "xã Linh Hồ", "xã Phú Linh", "xã Ngọc Đường",
    "xã Na Hang", "xã Côn Lôn", "xã Thượng Nông", "xã Hồng Thái", "xã Yên Hoa",
    "xã Lâm Bình", "xã Thượng Lâm", "xã Bình An", "xã Chiêm Hóa", "xã Kim Bình",
    "xã Hòa An", "xã Tân Mỹ", "xã Trung Hà", "xã Yên Lập", "xã Tân An", "xã Kiên Đài",
    "xã Minh Quang", "xã Hàm Yên", "xã Bạch Xa", "xã Thái Sơn", "xã Thái Hòa",
    "xã Phù Lưu", "xã Yên Phú", "xã Bình Xa", "xã Yên Sơn", "xã Nhữ Khê", "xã Thái Bình",
    "xã Tân Long", "xã Trung Sơn", "xã Kiến Thiết", "xã Xuân Vân", "xã Hùng Lợi",
    "xã Lực Hành", "xã Sơn Dương", "xã Tân Trào", "xã Bình Ca", "xã Hồng Sơn",
    "xã Phú Lương", "xã Trường Sinh", "xã Minh Thanh", "xã Đông Thọ", "xã Tân Thanh",
    "xã Sơn Thủy", "xã Thượng Ấm",
]  # fmt: skip
# Syllables of Vietnamese commune names, for the other provinces' communes.
COMMUNE_SYLLABLES = [
    "An", "Bình", "Phú", "Tân", "Yên", "Minh", "Hòa", "Thịnh", "Hưng", "Lộc", "Thành",
    "Quang", "Trung", "Đông", "Tây", "Nam", "Bắc", "Xuân", "Thượng", "Vĩnh", "Hồng", "Thái",
    "Kim", "Ngọc", "Sơn", "Lâm", "Thủy", "Phúc", "Long", "Hải", "Đức", "Tiến", "Quý",
    "Thuận", "Mỹ", "Lương", "Cẩm", "Gia", "Hiệp", "Lạc", "Nghĩa", "Tường", "Định",
]  # fmt: skip

# Departments, boards and units of a province, after the 2025 reorganisation:
# (short name, name as the home province writes it, kind, parent short name).
# accounts.demo.AGENCIES comes first; these complete a province's ~60 non-commune agencies.
MORE_AGENCIES: list[tuple[str, str, str, str | None]] = [
    ("VPTU", "Văn phòng Tỉnh ủy", "provincial_body", None),
    ("VPĐĐBQH", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "provincial_body", None),
    ("VPUBND", "Văn phòng Ủy ban nhân dân tỉnh", "provincial_body", None),
    ("BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "provincial_body", None),
    ("BTCTU", "Ban Tổ chức Tỉnh ủy", "provincial_body", None),
    ("STP", "Sở Tư pháp", "department", None),
    ("SXD", "Sở Xây dựng", "department", None),
    ("SKHCN", "Sở Khoa học và Công nghệ", "department", None),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "department", None),
    ("TTT", "Thanh tra tỉnh", "department", None),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp tỉnh", "department", None),
    ("TTXT", "Trung tâm Xúc tiến đầu tư, Thương mại và Du lịch", "department", "SCT"),
    ("TTHCC", "Trung tâm Phục vụ hành chính công tỉnh", "department", "VPUBND"),
    ("CCKL", "Chi cục Kiểm lâm", "department", "SNNMT"),
    ("CCTL", "Chi cục Thủy lợi", "department", "SNNMT"),
    ("TTKN", "Trung tâm Khuyến nông", "department", "SNNMT"),
    ("CDC", "Trung tâm Kiểm soát bệnh tật tỉnh", "department", "SYT"),
    ("BVĐK", "Bệnh viện Đa khoa tỉnh", "department", "SYT"),
    ("BTT", "Bảo tàng tỉnh", "department", "SVHTTDL"),
    ("TVT", "Thư viện tỉnh", "department", "SVHTTDL"),
    ("TTTTDL", "Trung tâm Thông tin xúc tiến du lịch", "department", "SVHTTDL"),
    ("TCĐKT", "Trường Cao đẳng Kỹ thuật và Công nghệ", "department", "SGDĐT"),
    ("TCT", "Trường Chính trị tỉnh", "department", None),
    ("ĐHTT", "Trường Đại học Tân Trào", "department", None),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh", "department", None),
    ("QĐTPT", "Quỹ Đầu tư phát triển tỉnh", "department", "STC"),
    ("UBMTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "organisation", None),
    ("TĐTN", "Tỉnh đoàn", "organisation", None),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", "organisation", None),
    ("HND", "Hội Nông dân tỉnh", "organisation", None),
    ("LĐLĐ", "Liên đoàn Lao động tỉnh", "organisation", None),
    ("HCTĐ", "Hội Chữ thập đỏ tỉnh", "organisation", None),
    ("LHHKHKT", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", "organisation", None),
    ("HCCB", "Hội Cựu chiến binh tỉnh", "organisation", None),
    ("HDN", "Hiệp hội Doanh nghiệp tỉnh", "organisation", None),
    ("BQLKDL", "Ban Quản lý Khu du lịch quốc gia Tân Trào", "other", "SVHTTDL"),
    ("ĐKTTV", "Đài Khí tượng thủy văn tỉnh", "other", None),
    ("BHXH", "Bảo hiểm xã hội tỉnh", "other", None),
    ("HQ", "Hải quan cửa khẩu Thanh Thủy", "other", None),
    ("CTHUE", "Thuế tỉnh", "other", None),
    ("NHNN", "Ngân hàng Nhà nước Chi nhánh khu vực", "other", None),
]  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Countries and partners
# ---------------------------------------------------------------------------------------------
COUNTRY_VI = {
    "CN": "Trung Quốc", "LA": "Lào", "KR": "Hàn Quốc", "JP": "Nhật Bản", "DE": "Đức",
    "PH": "Philippines", "FR": "Pháp", "AU": "Australia", "RU": "Liên bang Nga",
    "US": "Hoa Kỳ", "TH": "Thái Lan", "KH": "Campuchia", "CU": "Cuba", "BY": "Belarus",
    "HU": "Hungary", "CZ": "Séc", "PL": "Ba Lan", "IT": "Italia", "NL": "Hà Lan",
    "BE": "Bỉ", "MN": "Mông Cổ", "IN": "Ấn Độ", "NZ": "New Zealand", "CA": "Canada",
    "ID": "Indonesia", "MY": "Malaysia", "SG": "Singapore", "GB": "Vương quốc Anh",
    "CH": "Thụy Sĩ", "LU": "Luxembourg", "IE": "Ireland", "FI": "Phần Lan", "SE": "Thụy Điển",
}  # fmt: skip
# Language of the partner side, for an agreement's "languages".
COUNTRY_LANGUAGE = {
    "CN": "tiếng Trung", "LA": "tiếng Lào", "KR": "tiếng Hàn", "JP": "tiếng Nhật",
    "DE": "tiếng Đức", "FR": "tiếng Pháp", "RU": "tiếng Nga", "TH": "tiếng Thái",
    "KH": "tiếng Khmer", "CU": "tiếng Tây Ban Nha", "MN": "tiếng Mông Cổ",
}  # fmt: skip
# Weight of each country among the partners a northern border province works with.
COUNTRY_WEIGHTS = {
    "CN": 18, "LA": 12, "KR": 16, "JP": 12, "DE": 4, "FR": 4, "AU": 3, "RU": 3, "US": 3,
    "TH": 4, "KH": 2, "CU": 1, "BY": 1, "HU": 1, "CZ": 1, "PL": 1, "IT": 1, "NL": 1,
    "BE": 1, "MN": 1, "IN": 1, "NZ": 1, "CA": 1, "ID": 1, "MY": 1, "SG": 1, "PH": 2,
}  # fmt: skip

# Real foreign localities: (Vietnamese name, native name, kind, country, parent's Vietnamese name).
LOCALITIES: list[tuple[str, str, str, str, str | None]] = [
    ("Thành phố Côn Minh", "昆明市 (Kunming)", "city", "CN", "Tỉnh Vân Nam"),
    ("Châu Hồng Hà", "红河哈尼族彝族自治州 (Honghe)", "prefecture", "CN", "Tỉnh Vân Nam"),
    ("Thành phố Bách Sắc", "百色市 (Baise)", "city", "CN", "Khu tự trị dân tộc Choang Quảng Tây"),
    ("Thành phố Nam Ninh", "南宁市 (Nanning)", "city", "CN", "Khu tự trị dân tộc Choang Quảng Tây"),
    ("Thành phố Sùng Tả", "崇左市 (Chongzuo)", "city", "CN", "Khu tự trị dân tộc Choang Quảng Tây"),
    ("Huyện Ma Lật Pha", "麻栗坡县 (Malipo)", "county_district", "CN", "Châu Văn Sơn"),
    ("Huyện Mã Quan", "马关县 (Maguan)", "county_district", "CN", "Châu Văn Sơn"),
    ("Huyện Phú Ninh", "富宁县 (Funing)", "county_district", "CN", "Châu Văn Sơn"),
    ("Huyện Hà Khẩu", "河口瑶族自治县 (Hekou)", "county_district", "CN", "Châu Hồng Hà"),
    ("Tỉnh Quý Châu", "贵州省 (Guizhou)", "province_state", "CN", None),
    ("Tỉnh Quảng Đông", "广东省 (Guangdong)", "province_state", "CN", None),
    ("Tỉnh Tứ Xuyên", "四川省 (Sichuan)", "province_state", "CN", None),
    ("Tỉnh Luông Pha Băng", "ແຂວງຫຼວງພະບາງ (Luang Prabang)", "province_state", "LA", None),
    ("Tỉnh U-đôm-xay", "ແຂວງອຸດົມໄຊ (Oudomxay)", "province_state", "LA", None),
    ("Tỉnh Hủa Phăn", "ແຂວງຫົວພັນ (Houaphanh)", "province_state", "LA", None),
    ("Tỉnh Luông Nậm Thà", "ແຂວງຫຼວງນ້ຳທາ (Luang Namtha)", "province_state", "LA", None),
    ("Tỉnh Bò Kẹo", "ແຂວງບໍ່ແກ້ວ (Bokeo)", "province_state", "LA", None),
    ("Tỉnh Xay-nha-bu-ly", "ແຂວງໄຊຍະບູລີ (Xayaboury)", "province_state", "LA", None),
    ("Tỉnh Bô-ly-khăm-xay", "ແຂວງບໍລິຄຳໄຊ (Bolikhamxay)", "province_state", "LA", None),
    ("Tỉnh Khăm Muộn", "ແຂວງຄຳມ່ວນ (Khammouane)", "province_state", "LA", None),
    ("Tỉnh Chăm-pa-xắc", "ແຂວງຈຳປາສັກ (Champasak)", "province_state", "LA", None),
    ("Tỉnh Át-tạ-pư", "ແຂວງອັດຕະປື (Attapeu)", "province_state", "LA", None),
    ("Tỉnh Xay-xổm-bun", "ແຂວງໄຊສົມບູນ (Xaisomboun)", "province_state", "LA", None),
    ("Thủ đô Viêng Chăn", "ນະຄອນຫຼວງວຽງຈັນ (Vientiane)", "city", "LA", None),
    ("Thành phố Suwon", "수원시 (Suwon)", "city", "KR", "Tỉnh Gyeonggi"),
    ("Thành phố Yongin", "용인시 (Yongin)", "city", "KR", "Tỉnh Gyeonggi"),
    ("Thành phố Pyeongtaek", "평택시 (Pyeongtaek)", "city", "KR", "Tỉnh Gyeonggi"),
    ("Thành phố Jeonju", "전주시 (Jeonju)", "city", "KR", "Tỉnh Jeonbuk"),
    ("Thành phố Namwon", "남원시 (Namwon)", "city", "KR", "Tỉnh Jeonbuk"),
    ("Thành phố Cheongju", "청주시 (Cheongju)", "city", "KR", "Tỉnh Chungcheongbuk"),
    ("Thành phố Chungju", "충주시 (Chungju)", "city", "KR", "Tỉnh Chungcheongbuk"),
    ("Thành phố Ulsan", "울산광역시 (Ulsan)", "city", "KR", None),
    ("Quận Jung-gu, thành phố Incheon", "인천광역시 중구 (Jung-gu, Incheon)", "county_district", "KR", None),
    ("Tỉnh Gangwon", "강원특별자치도 (Gangwon)", "province_state", "KR", None),
    ("Thành phố Gangneung", "강릉시 (Gangneung)", "city", "KR", "Tỉnh Gangwon"),
    ("Tỉnh Gyeongsangbuk", "경상북도 (Gyeongsangbuk-do)", "province_state", "KR", None),
    ("Thành phố Andong", "안동시 (Andong)", "city", "KR", "Tỉnh Gyeongsangbuk"),
    ("Thành phố Gyeongju", "경주시 (Gyeongju)", "city", "KR", "Tỉnh Gyeongsangbuk"),
    ("Tỉnh Tochigi", "栃木県 (Tochigi)", "prefecture", "JP", None),
    ("Tỉnh Gunma", "群馬県 (Gunma)", "prefecture", "JP", None),
    ("Tỉnh Nagano", "長野県 (Nagano)", "prefecture", "JP", None),
    ("Tỉnh Shizuoka", "静岡県 (Shizuoka)", "prefecture", "JP", None),
    ("Tỉnh Okayama", "岡山県 (Okayama)", "prefecture", "JP", None),
    ("Tỉnh Kumamoto", "熊本県 (Kumamoto)", "prefecture", "JP", None),
    ("Thành phố Tsukuba", "つくば市 (Tsukuba)", "city", "JP", "Tỉnh Ibaraki"),
    ("Thành phố Mito", "水戸市 (Mito)", "city", "JP", "Tỉnh Ibaraki"),
    ("Thành phố Matsumoto", "松本市 (Matsumoto)", "city", "JP", "Tỉnh Nagano"),
    ("Bang Sachsen", "Freistaat Sachsen", "province_state", "DE", None),
    ("Bang Brandenburg", "Land Brandenburg", "province_state", "DE", None),
    ("Thành phố Rostock", "Hansestadt Rostock", "city", "DE", "Bang Mecklenburg-Vorpommern"),
    ("Vùng Auvergne-Rhône-Alpes", "Région Auvergne-Rhône-Alpes", "province_state", "FR", None),
    ("Vùng Normandie", "Région Normandie", "province_state", "FR", None),
    ("Tỉnh Savoie", "Département de la Savoie", "province_state", "FR", "Vùng Auvergne-Rhône-Alpes"),
    ("Vùng Lãnh thổ phía Bắc", "Northern Territory", "province_state", "AU", None),
    ("Bang Queensland", "State of Queensland", "province_state", "AU", None),
    ("Thành phố Saint Petersburg", "Санкт-Петербург (Saint Petersburg)", "city", "RU", None),
    ("Tỉnh Ulyanovsk", "Ульяновская область (Ulyanovsk Oblast)", "province_state", "RU", None),
    ("Bang Oregon", "State of Oregon", "province_state", "US", None),
    ("Tỉnh Nan", "จังหวัดน่าน (Nan)", "province_state", "TH", None),
    ("Tỉnh Chiang Rai", "จังหวัดเชียงราย (Chiang Rai)", "province_state", "TH", None),
    ("Tỉnh Nong Khai", "จังหวัดหนองคาย (Nong Khai)", "province_state", "TH", None),
    ("Tỉnh Udon Thani", "จังหวัดอุดรธานี (Udon Thani)", "province_state", "TH", None),
    ("Tỉnh Xiêm Riệp", "ខេត្តសៀមរាប (Siem Reap)", "province_state", "KH", None),
    ("Tỉnh Ratanakiri", "ខេត្តរតនគិរី (Ratanakiri)", "province_state", "KH", None),
    ("Tỉnh Pinar del Río", "Provincia de Pinar del Río", "province_state", "CU", None),
    ("Tỉnh Mogilev", "Магілёўская вобласць (Mogilev)", "province_state", "BY", None),
    ("Hạt Bács-Kiskun", "Bács-Kiskun vármegye", "province_state", "HU", None),
    ("Vùng Nam Moravia", "Jihomoravský kraj", "province_state", "CZ", None),
    ("Tỉnh Lubelskie", "Województwo lubelskie", "province_state", "PL", None),
    ("Vùng Piemonte", "Regione Piemonte", "province_state", "IT", None),
    ("Tỉnh Gelderland", "Provincie Gelderland", "province_state", "NL", None),
    ("Tỉnh Selenge", "Сэлэнгэ аймаг (Selenge)", "province_state", "MN", None),
    ("Bang Assam", "Assam", "province_state", "IN", None),
    ("Vùng Waikato", "Waikato Region", "province_state", "NZ", None),
    ("Tỉnh Bắc Sumatra", "Provinsi Sumatera Utara", "province_state", "ID", None),
    ("Tỉnh Ifugao", "Province of Ifugao", "province_state", "PH", None),
]  # fmt: skip

# UNESCO Global Geoparks (children of the Network): (Vietnamese, native, country).
GEOPARKS: list[tuple[str, str, str]] = [
    ("Công viên địa chất toàn cầu UNESCO Thạch Lâm", "石林世界地质公园 (Shilin)", "CN"),
    ("Công viên địa chất toàn cầu UNESCO Nhạc Nghiệp - Phụng Sơn", "乐业-凤山世界地质公园 (Leye-Fengshan)", "CN"),
    ("Công viên địa chất toàn cầu UNESCO Đại Lý - Thương Sơn", "大理苍山世界地质公园 (Dali-Cangshan)", "CN"),
    ("Công viên địa chất toàn cầu UNESCO Mudeungsan", "무등산권 세계지질공원 (Mudeungsan)", "KR"),
    ("Công viên địa chất toàn cầu UNESCO sông Hantan", "한탄강 세계지질공원 (Hantangang)", "KR"),
    ("Công viên địa chất toàn cầu UNESCO đảo Jeju", "제주도 세계지질공원 (Jeju Island)", "KR"),
    ("Công viên địa chất toàn cầu UNESCO Itoigawa", "糸魚川ユネスコ世界ジオパーク (Itoigawa)", "JP"),
    ("Công viên địa chất toàn cầu UNESCO San'in Kaigan", "山陰海岸ユネスコ世界ジオパーク (San'in Kaigan)", "JP"),
    ("Công viên địa chất toàn cầu UNESCO Muroto", "室戸ユネスコ世界ジオパーク (Muroto)", "JP"),
    ("Công viên địa chất toàn cầu UNESCO Langkawi", "Langkawi UNESCO Global Geopark", "MY"),
    ("Công viên địa chất toàn cầu UNESCO Satun", "Satun UNESCO Global Geopark", "TH"),
    ("Công viên địa chất toàn cầu UNESCO Khorat", "Khorat UNESCO Global Geopark", "TH"),
    ("Công viên địa chất toàn cầu UNESCO Ciletuh - Palabuhanratu", "Ciletuh-Palabuhanratu UNESCO Global Geopark", "ID"),
    ("Công viên địa chất toàn cầu UNESCO Batur", "Batur UNESCO Global Geopark", "ID"),
    ("Công viên địa chất toàn cầu UNESCO Bohol", "Bohol Island UNESCO Global Geopark", "PH"),
]  # fmt: skip

# Organisations: (Vietnamese, native/English, abbreviation, kind, country).
ORGANISATIONS: list[tuple[str, str, str, str, str]] = [
    ("Quỹ Nhi đồng Liên hợp quốc", "United Nations Children's Fund", "UNICEF", "intl_org", ""),
    ("Tổ chức Lương thực và Nông nghiệp Liên hợp quốc", "Food and Agriculture Organization of the United Nations", "FAO", "intl_org", ""),
    ("Quỹ Dân số Liên hợp quốc", "United Nations Population Fund", "UNFPA", "intl_org", ""),
    ("Quỹ Quốc tế về Phát triển nông nghiệp", "International Fund for Agricultural Development", "IFAD", "intl_org", ""),
    ("Tổ chức Di cư quốc tế", "International Organization for Migration", "IOM", "intl_org", ""),
    ("Liên minh Bảo tồn Thiên nhiên quốc tế", "International Union for Conservation of Nature", "IUCN", "intl_org", ""),
    ("Tổ chức Hợp tác quốc tế Đức", "Deutsche Gesellschaft für Internationale Zusammenarbeit", "GIZ", "gov_agency", "DE"),
    ("Cơ quan Phát triển Pháp", "Agence française de développement", "AFD", "gov_agency", "FR"),
    ("Cơ quan Hợp tác phát triển Thụy Sĩ", "Swiss Agency for Development and Cooperation", "SDC", "gov_agency", "CH"),
    ("Cơ quan Phát triển Bỉ", "Enabel – Belgian Development Agency", "Enabel", "gov_agency", "BE"),
    ("Cơ quan Hợp tác phát triển Luxembourg", "Luxembourg Development Cooperation Agency", "LuxDev", "gov_agency", "LU"),
    ("Tổ chức Xúc tiến Thương mại Nhật Bản", "Japan External Trade Organization", "JETRO", "gov_agency", "JP"),
    ("Cơ quan Xúc tiến Thương mại và Đầu tư Hàn Quốc", "Korea Trade-Investment Promotion Agency", "KOTRA", "gov_agency", "KR"),
    ("Tổng Lãnh sự quán Trung Quốc tại Hà Nội", "中华人民共和国驻河内总领事馆", "", "gov_agency", "CN"),
    ("Đại sứ quán Lào tại Việt Nam", "ສະຖານທູດລາວ ປະຈຳຫວຽດນາມ", "", "gov_agency", "LA"),
    ("Đại sứ quán Nhật Bản tại Việt Nam", "在ベトナム日本国大使館", "", "gov_agency", "JP"),
    ("Đại sứ quán Australia tại Việt Nam", "Australian Embassy in Viet Nam", "", "gov_agency", "AU"),
    ("Tổ chức Tầm nhìn Thế giới", "World Vision International", "WVI", "ngo", "US"),
    ("Tổ chức Cứu trợ trẻ em", "Save the Children", "", "ngo", "GB"),
    ("Tổ chức Plan International", "Plan International", "", "ngo", "GB"),
    ("Tổ chức CARE quốc tế", "CARE International", "CARE", "ngo", "CH"),
    ("Tổ chức Oxfam", "Oxfam", "", "ngo", "GB"),
    ("Tổ chức ActionAid quốc tế", "ActionAid International", "", "ngo", "GB"),
    ("Tổ chức Habitat for Humanity", "Habitat for Humanity International", "", "ngo", "US"),
    ("Quỹ Châu Á", "The Asia Foundation", "TAF", "ngo", "US"),
    ("Tổ chức Hỗ trợ phát triển Hà Lan", "SNV Netherlands Development Organisation", "SNV", "ngo", "NL"),
    ("Quỹ Quốc tế Bảo vệ Thiên nhiên", "World Wide Fund for Nature", "WWF", "ngo", "CH"),
    ("Tổ chức Đông Tây Hội ngộ", "East Meets West Foundation", "", "ngo", "US"),
    ("Tổ chức Hợp tác phát triển và Hỗ trợ kỹ thuật vùng", "Agence d'Aide à la Coopération Technique et au Développement", "ACTED", "ngo", "FR"),
    ("Hội Hữu nghị Nhật - Việt", "日本ベトナム友好協会", "", "association", "JP"),
    ("Hội Doanh nghiệp Hàn Quốc tại Việt Nam", "Korea Chamber of Commerce in Vietnam", "KOCHAM", "association", "KR"),
    ("Phòng Thương mại châu Âu tại Việt Nam", "European Chamber of Commerce in Vietnam", "EuroCham", "association", ""),
    ("Phòng Thương mại Hoa Kỳ tại Hà Nội", "American Chamber of Commerce in Hanoi", "AmCham", "association", "US"),
    ("Hiệp hội Xúc tiến đầu tư Quảng Tây - ASEAN", "广西-东盟投资促进会", "", "association", "CN"),
    ("Mạng lưới Công viên địa chất châu Á - Thái Bình Dương", "Asia Pacific Geoparks Network", "APGN", "network", ""),
    ("Mạng lưới các thành phố sáng tạo UNESCO", "UNESCO Creative Cities Network", "UCCN", "network", ""),
    ("Đại học Quốc gia Seoul", "서울대학교 (Seoul National University)", "SNU", "university", "KR"),
    ("Đại học Kyoto", "京都大学 (Kyoto University)", "", "university", "JP"),
    ("Đại học Vân Nam", "云南大学 (Yunnan University)", "", "university", "CN"),
    ("Đại học Quảng Tây", "广西大学 (Guangxi University)", "", "university", "CN"),
    ("Đại học Quốc gia Lào", "ມະຫາວິທະຍາໄລແຫ່ງຊາດ (National University of Laos)", "NUOL", "university", "LA"),
    ("Đại học Rostock", "Universität Rostock", "", "university", "DE"),
    ("Đại học Tsukuba", "筑波大学 (University of Tsukuba)", "", "university", "JP"),
    ("Đại học Charles Darwin", "Charles Darwin University", "CDU", "university", "AU"),
    ("Tập đoàn Lotte", "롯데그룹 (Lotte Group)", "", "enterprise", "KR"),
    ("Tập đoàn Hyosung", "효성그룹 (Hyosung Group)", "", "enterprise", "KR"),
    ("Tập đoàn Aeon", "イオン株式会社 (AEON Co., Ltd.)", "", "enterprise", "JP"),
    ("Công ty Itochu", "伊藤忠商事 (ITOCHU Corporation)", "", "enterprise", "JP"),
    ("Tập đoàn Đầu tư phát triển Vân Nam", "云南省投资控股集团 (Yunnan Investment Holdings)", "", "enterprise", "CN"),
]  # fmt: skip

# Syllables for the many foreign localities of a national deployment: Chinese (pinyin, hanzi,
# Sino-Vietnamese reading), Korean (romanisation, hangul), Japanese (romaji, kanji).
CN_SYLLABLES: list[tuple[str, str, str]] = [
    ("Long", "龙", "Long"), ("An", "安", "An"), ("Ping", "平", "Bình"), ("Xiang", "祥", "Tường"),
    ("Ning", "宁", "Ninh"), ("Dong", "东", "Đông"), ("Xi", "西", "Tây"), ("Nan", "南", "Nam"),
    ("Bei", "北", "Bắc"), ("Shan", "山", "Sơn"), ("He", "河", "Hà"), ("Jiang", "江", "Giang"),
    ("Fu", "富", "Phú"), ("Hua", "华", "Hoa"), ("Yuan", "元", "Nguyên"), ("Ming", "明", "Minh"),
    ("De", "德", "Đức"), ("Guang", "广", "Quảng"), ("Tian", "天", "Thiên"), ("Kai", "开", "Khai"),
    ("Jing", "景", "Cảnh"), ("Hong", "红", "Hồng"), ("Lin", "林", "Lâm"), ("Yun", "云", "Vân"),
    ("Shui", "水", "Thủy"), ("Chang", "昌", "Xương"), ("Xing", "兴", "Hưng"), ("Tai", "泰", "Thái"),
]  # fmt: skip
KR_SYLLABLES: list[tuple[str, str]] = [
    ("An", "안"), ("Seong", "성"), ("Cheon", "천"), ("Yang", "양"), ("Gwang", "광"), ("Ju", "주"),
    ("Hwa", "화"), ("San", "산"), ("Jin", "진"), ("Nam", "남"), ("Dong", "동"), ("Seo", "서"),
    ("Won", "원"), ("Chang", "창"), ("Gyeong", "경"), ("Mun", "문"), ("Hae", "해"),
    ("Pyeong", "평"), ("Yeong", "영"), ("Gang", "강"), ("Jeong", "정"), ("Bu", "부"),
    ("Sang", "상"), ("Ui", "의"),
]  # fmt: skip
JP_SYLLABLES: list[tuple[str, str]] = [
    ("Yama", "山"), ("Kawa", "川"), ("Ta", "田"), ("Naka", "中"), ("Shima", "島"), ("Hara", "原"),
    ("Mori", "森"), ("Matsu", "松"), ("Oka", "岡"), ("Saki", "崎"), ("Mizu", "水"),
    ("Hashi", "橋"), ("Taka", "高"), ("Fuji", "藤"), ("Kita", "北"), ("Minami", "南"),
    ("Higashi", "東"), ("Nishi", "西"), ("Ishi", "石"), ("Ki", "木"), ("Sawa", "沢"),
    ("No", "野"), ("Ya", "谷"), ("Hon", "本"),
]  # fmt: skip
# (Vietnamese kind word, native suffix, model kind) of generated localities per country.
CN_KINDS = [("Thành phố", "市", "city"), ("Huyện", "县", "county_district")]
KR_KINDS = [("Thành phố", "시", "city"), ("Huyện", "군", "county_district")]
JP_KINDS = [("Thành phố", "市", "city"), ("Thị trấn", "町", "county_district")]

# Foreign people: (family names, given names) per country; Western names for the rest.
FOREIGN_NAMES: dict[str, tuple[list[str], list[str]]] = {
    "CN": (
        ["Vương", "Lý", "Trương", "Lưu", "Trần", "Dương", "Hoàng", "Triệu", "Chu", "Ngô"],
        ["Cường", "Vĩ", "Phương", "Tĩnh", "Lệ", "Quân", "Dũng", "Kiệt", "Mẫn", "Hạo"],
    ),
    "LA": (
        ["Phomvihane", "Sisavath", "Vongsa", "Keomany", "Souvanna", "Inthavong", "Chanthala"],
        ["Khamphoui", "Bounmy", "Somphone", "Thongsavanh", "Vilay", "Phonesavanh", "Souksakhone"],
    ),
    "KR": (
        ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"],
        ["Min-jun", "Seo-yeon", "Ji-hoon", "Ha-eun", "Do-yun", "Su-bin", "Jae-won", "Eun-ji"],
    ),
    "JP": (
        ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"],
        ["Hiroshi", "Yuki", "Kenji", "Akiko", "Takeshi", "Naoko", "Satoshi", "Emi"],
    ),
    "TH": (
        ["Srisuk", "Chaiyaporn", "Boonmee", "Wongsawat", "Rattanakorn"],
        ["Somchai", "Suda", "Anan", "Malee", "Prasert"],
    ),
    "RU": (
        ["Ivanov", "Smirnova", "Petrov", "Volkova", "Sokolov"],
        ["Alexei", "Olga", "Dmitri", "Natalia", "Sergei"],
    ),
    "DE": (
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"],
        ["Thomas", "Anna", "Stefan", "Katrin", "Jürgen", "Sabine"],
    ),
    "FR": (
        ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau"],
        ["Jean", "Claire", "Pierre", "Sophie", "François"],
    ),
}
WESTERN_NAMES = (
    ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Anderson", "Thompson", "García"],
    ["James", "Mary", "David", "Sarah", "Michael", "Emma", "Daniel", "Laura"],
)
# Family name first in these countries.
FAMILY_FIRST = {"CN", "KR", "JP", "LA"}
PARTNER_SIGNER_TITLES = {
    "province_state": ["Tỉnh trưởng", "Phó Tỉnh trưởng", "Chủ tịch Chính quyền", "Thống đốc"],
    "prefecture": ["Thống đốc", "Phó Thống đốc", "Châu trưởng"],
    "city": ["Thị trưởng", "Phó Thị trưởng"],
    "county_district": ["Huyện trưởng", "Quận trưởng", "Phó Huyện trưởng"],
    "other": ["Trưởng Đại diện", "Giám đốc quốc gia", "Chủ tịch", "Tổng Giám đốc", "Hiệu trưởng"],
}

# ---------------------------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------------------------
# kind → (Vietnamese title head, English title head, number abbreviation)
KIND_WORDS: dict[str, tuple[str, str, str]] = {
    "agreement": ("Thỏa thuận hợp tác", "Cooperation agreement", "TTQT"),
    "mou": ("Bản ghi nhớ hợp tác", "Memorandum of understanding", "BGN"),
    "minutes": ("Biên bản thỏa thuận hợp tác", "Minutes of agreement", "BBTT"),
    "exchange_minutes": ("Biên bản trao đổi", "Minutes of exchange", "BBTĐ"),
    "letter_of_intent": ("Ý định thư", "Letter of intent", "YĐT"),
    "statement": ("Tuyên bố chung", "Joint statement", "TBC"),
    "programme": ("Chương trình hợp tác", "Cooperation programme", "CTHT"),
    "plan": ("Kế hoạch hợp tác", "Cooperation plan", "KHHT"),
    "project": ("Dự án", "Project", "DA"),
}
KIND_WEIGHTS = {
    "agreement": 14, "mou": 30, "minutes": 16, "exchange_minutes": 6, "letter_of_intent": 4,
    "statement": 2, "programme": 12, "plan": 8, "project": 8,
}  # fmt: skip


class Theme:
    """A subject of cooperation: its words, its field, the department that usually leads it
    and the outputs agreements on it promise."""

    def __init__(self, vi, en, field, lead, objective, outputs):
        self.vi, self.en, self.field, self.lead = vi, en, field, lead
        self.objective = objective
        self.outputs = outputs  # [(description, unit, low, high)]


THEMES: list[Theme] = [
    Theme(
        "xúc tiến đầu tư và thương mại", "investment and trade promotion",
        "Kinh tế, thương mại, đầu tư", "SCT",
        "Thúc đẩy trao đổi thông tin thị trường, kết nối doanh nghiệp hai bên và tạo thuận lợi "
        "cho hoạt động đầu tư, xuất nhập khẩu.",
        [("Tổ chức hội nghị kết nối doanh nghiệp", "hội nghị", 1, 4),
         ("Tham gia hội chợ, triển lãm quốc tế", "lượt", 1, 6),
         ("Giới thiệu dự án kêu gọi đầu tư", "dự án", 3, 15)],
    ),
    Theme(
        "phát triển du lịch", "tourism development", "Du lịch", "SVHTTDL",
        "Quảng bá hình ảnh, sản phẩm du lịch của tỉnh; xây dựng tour, tuyến du lịch kết nối và "
        "tăng lượng khách quốc tế.",
        [("Tổ chức đoàn khảo sát, famtrip", "đoàn", 1, 5),
         ("Xây dựng tour du lịch kết nối", "tour", 1, 4),
         ("Phát hành ấn phẩm quảng bá song ngữ", "ấn phẩm", 500, 5000)],
    ),
    Theme(
        "giao lưu văn hóa, thể thao", "cultural and sports exchange", "Văn hóa, thể thao",
        "SVHTTDL",
        "Tăng cường hiểu biết lẫn nhau thông qua giao lưu nghệ thuật, thể thao và các lễ hội "
        "truyền thống của hai địa phương.",
        [("Tổ chức chương trình giao lưu nghệ thuật", "chương trình", 1, 4),
         ("Tham gia lễ hội của đối tác", "lượt", 1, 3),
         ("Tổ chức giải thể thao hữu nghị", "giải", 1, 2)],
    ),
    Theme(
        "giáo dục và đào tạo nguồn nhân lực", "education and human resource training",
        "Giáo dục, đào tạo", "SGDĐT",
        "Nâng cao chất lượng nguồn nhân lực thông qua trao đổi giáo viên, học sinh, sinh viên và "
        "các khóa đào tạo ngắn hạn.",
        [("Cấp học bổng cho sinh viên", "suất", 5, 40),
         ("Đào tạo, bồi dưỡng giáo viên", "lượt người", 10, 120),
         ("Trao đổi đoàn học sinh, sinh viên", "đoàn", 1, 4)],
    ),
    Theme(
        "phát triển nông nghiệp công nghệ cao", "high-tech agriculture",
        "Nông nghiệp, lâm nghiệp", "SNNMT",
        "Chuyển giao giống, quy trình canh tác và công nghệ sau thu hoạch; xây dựng mô hình "
        "sản xuất nông nghiệp hàng hóa.",
        [("Xây dựng mô hình trình diễn", "mô hình", 1, 5),
         ("Tập huấn kỹ thuật cho nông dân", "lượt người", 50, 500),
         ("Chuyển giao giống cây trồng mới", "giống", 1, 6)],
    ),
    Theme(
        "bảo vệ và phát triển rừng", "forest protection and development",
        "Nông nghiệp, lâm nghiệp", "SNNMT",
        "Phối hợp bảo vệ rừng đầu nguồn, phòng cháy chữa cháy rừng và phát triển sinh kế bền "
        "vững cho người dân vùng đệm.",
        [("Trồng mới rừng phòng hộ", "ha", 20, 300),
         ("Tập huấn phòng cháy chữa cháy rừng", "lớp", 2, 10)],
    ),
    Theme(
        "y tế và chăm sóc sức khỏe cộng đồng", "health care", "Y tế", "SYT",
        "Nâng cao năng lực y tế cơ sở, phòng chống dịch bệnh truyền nhiễm qua biên giới và chăm "
        "sóc sức khỏe bà mẹ, trẻ em.",
        [("Đào tạo cán bộ y tế cơ sở", "lượt người", 20, 200),
         ("Hỗ trợ trang thiết bị y tế", "trạm y tế", 2, 20),
         ("Khám bệnh nhân đạo", "lượt người", 200, 3000)],
    ),
    Theme(
        "khoa học và chuyển giao công nghệ", "science and technology transfer",
        "Khoa học, công nghệ", "SKHCN",
        "Hợp tác nghiên cứu, ứng dụng và chuyển giao công nghệ phục vụ phát triển kinh tế - xã "
        "hội của tỉnh.",
        [("Thực hiện đề tài nghiên cứu chung", "đề tài", 1, 4),
         ("Tổ chức hội thảo khoa học", "hội thảo", 1, 3)],
    ),
    Theme(
        "đào tạo nghề và hợp tác lao động", "vocational training and labour cooperation",
        "Lao động, dạy nghề", "SNV",
        "Tuyển chọn, đào tạo và đưa người lao động đi làm việc có thời hạn; nâng cao chất lượng "
        "đào tạo nghề theo chuẩn quốc tế.",
        [("Đưa lao động thời vụ đi làm việc", "lượt người", 20, 400),
         ("Đào tạo nghề, ngoại ngữ trước khi xuất cảnh", "lượt người", 20, 300)],
    ),
    Theme(
        "bảo vệ môi trường và ứng phó biến đổi khí hậu",
        "environmental protection and climate change response",
        "Môi trường, biến đổi khí hậu", "SNNMT",
        "Chia sẻ kinh nghiệm quản lý chất thải, quan trắc môi trường và thích ứng với biến đổi "
        "khí hậu ở vùng núi.",
        [("Lắp đặt trạm quan trắc", "trạm", 1, 5),
         ("Tổ chức truyền thông nâng cao nhận thức", "đợt", 2, 12)],
    ),
    Theme(
        "quản lý biên giới và phát triển kinh tế cửa khẩu",
        "border management and border-gate economy", "Quản lý biên giới", "BĐBP",
        "Phối hợp quản lý đường biên, mốc giới; giữ gìn an ninh trật tự và tạo thuận lợi cho "
        "giao thương qua cửa khẩu.",
        [("Tuần tra song phương", "đợt", 4, 24),
         ("Hội đàm, giao ban định kỳ", "cuộc", 2, 8)],
    ),
    Theme(
        "giao lưu nhân dân và quan hệ hữu nghị", "people-to-people exchange and friendship",
        "Giao lưu nhân dân", "LHHN",
        "Củng cố quan hệ hữu nghị truyền thống, tăng cường giao lưu nhân dân, thanh niên và các "
        "tổ chức đoàn thể.",
        [("Tổ chức đoàn giao lưu hữu nghị", "đoàn", 1, 4),
         ("Tổ chức trại hè thanh niên", "trại", 1, 2)],
    ),
    Theme(
        "bảo tồn di sản và công viên địa chất", "heritage and geopark conservation",
        "Di sản, công viên địa chất", "BQLCVĐC",
        "Bảo tồn, phát huy giá trị di sản địa chất, văn hóa; trao đổi kinh nghiệm quản lý và "
        "phát triển du lịch địa chất.",
        [("Trao đổi chuyên gia quản lý công viên địa chất", "lượt người", 2, 20),
         ("Xây dựng điểm diễn giải di sản", "điểm", 2, 12)],
    ),
]  # fmt: skip

PLACES_HOME = ["Trung tâm Hội nghị tỉnh", "Trụ sở UBND tỉnh", "Khách sạn Mường Thanh", "Hà Nội"]
EVALUATION = (
    "Đánh giá định kỳ 6 tháng và hằng năm theo bộ tiêu chí của Sở Ngoại vụ; cơ quan chủ trì "
    "báo cáo kết quả về UBND tỉnh qua Sở Ngoại vụ."
)
ACHIEVEMENTS = [
    "Hai bên đã trao đổi đoàn công tác, thống nhất kế hoạch hoạt động năm.",
    "Đã tổ chức {n} lớp tập huấn cho cán bộ, người dân trên địa bàn.",
    "Triển khai đúng tiến độ các hoạt động đã cam kết; đối tác hỗ trợ kinh phí, chuyên gia.",
    "Duy trì cơ chế trao đổi thông tin định kỳ giữa các cơ quan đầu mối.",
    "Tổ chức thành công hội nghị sơ kết, đánh giá kết quả hợp tác.",
    "Hoàn thành {n} sản phẩm đầu ra theo kế hoạch, chất lượng được đối tác đánh giá cao.",
]
DIFFICULTIES = [
    "Kinh phí đối ứng của tỉnh còn hạn chế.",
    "Thủ tục phê duyệt hoạt động còn kéo dài.",
    "Rào cản ngôn ngữ và thiếu cán bộ có chuyên môn đối ngoại.",
    "Ảnh hưởng của thiên tai làm chậm tiến độ một số hoạt động.",
    "Đối tác thay đổi nhân sự đầu mối nên việc phối hợp bị gián đoạn.",
]
PROPOSALS = [
    "Đề nghị bố trí kinh phí đối ứng kịp thời.",
    "Tiếp tục duy trì cơ chế trao đổi định kỳ giữa hai bên.",
    "Đề nghị Sở Ngoại vụ hỗ trợ kết nối với đối tác.",
    "Xem xét gia hạn thỏa thuận và bổ sung lĩnh vực hợp tác mới.",
]
PROGRESS_NOTES = [
    "Đang triển khai theo kế hoạch.",
    "Đã hoàn thành, có báo cáo kết quả.",
    "Chậm tiến độ do chưa bố trí được kinh phí.",
    "Đối tác đã xác nhận kế hoạch thực hiện.",
]

# ---------------------------------------------------------------------------------------------
# Delegations and conferences
# ---------------------------------------------------------------------------------------------
PURPOSE_WORDS = {
    "cooperation": "trao đổi, triển khai các thỏa thuận hợp tác",
    "investment": "xúc tiến đầu tư",
    "trade": "xúc tiến thương mại, giới thiệu sản phẩm",
    "tourism": "quảng bá, xúc tiến du lịch",
    "culture": "giao lưu văn hóa, nghệ thuật",
    "education": "hợp tác giáo dục, đào tạo",
    "labour": "hợp tác lao động",
    "border": "hội đàm về công tác quản lý biên giới",
    "other": "thăm và làm việc",
}
DELEGATION_RESULTS = [
    "Hai bên đã hội đàm, thống nhất các nội dung hợp tác trọng tâm trong thời gian tới.",
    "Đoàn đã làm việc với chính quyền và doanh nghiệp sở tại, khảo sát mô hình thực tế.",
    "Ký kết biên bản ghi nhớ và thống nhất lịch trao đổi đoàn năm tiếp theo.",
    "Giới thiệu tiềm năng, cơ hội đầu tư của tỉnh tới các nhà đầu tư.",
    "Tham dự lễ hội và biểu diễn nghệ thuật, góp phần quảng bá hình ảnh của tỉnh.",
]
CONFERENCE_TOPICS = [
    ("Hội nghị xúc tiến đầu tư vào tỉnh {p}", "investment"),
    ("Hội thảo quốc tế về phát triển du lịch bền vững vùng núi phía Bắc", "tourism"),
    ("Hội thảo quốc tế về bảo tồn di sản công viên địa chất", "culture"),
    ("Diễn đàn hợp tác thương mại biên giới Việt - Trung", "trade"),
    ("Hội thảo về nông nghiệp công nghệ cao và chuỗi giá trị chè Shan tuyết", "trade"),
    ("Hội nghị gặp gỡ doanh nghiệp Hàn Quốc", "investment"),
    ("Hội thảo quốc tế về giáo dục nghề nghiệp", "education"),
    ("Hội nghị sơ kết hợp tác giữa các tỉnh biên giới Việt Nam - Lào", "cooperation"),
    ("Hội thảo khoa học quốc tế về y tế cộng đồng", "other"),
    ("Tọa đàm hợp tác lao động với các địa phương Hàn Quốc", "labour"),
]
CONFERENCE_PLACES = [
    "Trung tâm Hội nghị tỉnh",
    "Khách sạn Mường Thanh",
    "Hội trường UBND tỉnh",
    "Trường Đại học Tân Trào",
    "Trung tâm Hội nghị Cao nguyên đá Đồng Văn",
]

# ---------------------------------------------------------------------------------------------
# Reports and tasks
# ---------------------------------------------------------------------------------------------
# Sentences of an agency's report, per section key (reports.sections.PERIOD_KEYS).
# {agency} {period} {n} {m} are filled in.
SECTION_SENTENCES: dict[str, list[str]] = {
    "leadership": [
        "{agency} đã ban hành kế hoạch triển khai công tác đối ngoại {period}.",
        "Quán triệt, triển khai kịp thời các văn bản chỉ đạo của Tỉnh ủy, UBND tỉnh về công tác "
        "đối ngoại.",
        "Ban hành {n} văn bản hướng dẫn, đôn đốc các đơn vị trực thuộc thực hiện nhiệm vụ.",
    ],
    "relations": [
        "Ký kết {n} thỏa thuận hợp tác quốc tế; triển khai hiệu quả các thỏa thuận còn hiệu lực.",
        "Duy trì quan hệ với các đối tác truyền thống; chủ động tìm kiếm đối tác mới.",
        "Thực hiện đánh giá định kỳ {m} thỏa thuận theo bộ tiêu chí của Sở Ngoại vụ.",
    ],
    "delegations": [
        "Tổ chức {n} đoàn ra với {m} lượt người; đón {n2} đoàn vào.",
        "Các đoàn ra, đoàn vào thực hiện đúng kế hoạch, quy trình được phê duyệt.",
        "Báo cáo kết quả chuyến công tác được gửi đúng thời hạn quy định.",
    ],
    "conferences": [
        "Phối hợp tổ chức {n} hội nghị, hội thảo quốc tế, bảo đảm đúng quy định.",
        "Không tổ chức hội nghị, hội thảo quốc tế trong kỳ.",
    ],
    "economic": [
        "Tham gia các hoạt động xúc tiến đầu tư, thương mại, du lịch do tỉnh tổ chức.",
        "Hỗ trợ doanh nghiệp tìm kiếm thị trường xuất khẩu cho các sản phẩm chủ lực.",
        "Thu hút {n} dự án đầu tư nước ngoài với tổng vốn đăng ký khoảng {m} tỷ đồng.",
    ],
    "cultural": [
        "Đẩy mạnh thông tin đối ngoại, quảng bá hình ảnh địa phương trên các nền tảng số.",
        "Tổ chức các hoạt động giao lưu văn hóa nhân dịp lễ hội truyền thống.",
    ],
    "ngo_aid": [
        "Tiếp nhận {n} khoản viện trợ phi chính phủ nước ngoài với tổng giá trị cam kết khoảng "
        "{m} tỷ đồng.",
        "Quản lý, sử dụng các khoản viện trợ đúng mục đích, đúng quy định.",
    ],
    "consular": [
        "Phối hợp giải quyết các vụ việc lãnh sự liên quan đến công dân trên địa bàn.",
        "Không phát sinh vụ việc lãnh sự phức tạp trong kỳ.",
    ],
    "border": [
        "Phối hợp tuần tra song phương, giữ vững chủ quyền an ninh biên giới.",
        "Duy trì giao ban định kỳ với lực lượng chức năng phía bạn.",
    ],
    "achievements": [
        "Công tác đối ngoại được triển khai đồng bộ, đúng kế hoạch.",
        "Quan hệ với các đối tác được củng cố, mở rộng, mang lại kết quả thiết thực.",
    ],
    "shortcomings": [
        "Nguồn lực cho hoạt động đối ngoại còn hạn chế.",
        "Đội ngũ cán bộ làm công tác đối ngoại còn mỏng, trình độ ngoại ngữ chưa đồng đều.",
        "Một số thỏa thuận chưa được triển khai hiệu quả do thiếu kinh phí đối ứng.",
    ],
    "next_tasks": [
        "Tiếp tục triển khai các thỏa thuận hợp tác đã ký kết; chuẩn bị kế hoạch đoàn ra, đoàn "
        "vào năm tới.",
        "Tăng cường đánh giá định kỳ việc thực hiện các thỏa thuận quốc tế.",
    ],
    "proposals": [
        "Đề nghị UBND tỉnh quan tâm bố trí kinh phí cho các hoạt động đối ngoại.",
        "Đề nghị Sở Ngoại vụ tổ chức tập huấn nghiệp vụ đối ngoại cho cán bộ.",
    ],
}
RETURN_REASONS = [
    "Đề nghị bổ sung số liệu đoàn ra, đoàn vào và kết quả thực hiện các thỏa thuận.",
    "Báo cáo chưa đánh giá tồn tại, hạn chế; đề nghị hoàn thiện và gửi lại.",
    "Đề nghị bổ sung phụ lục danh mục thỏa thuận quốc tế còn hiệu lực.",
]
ACCEPT_NOTES = ["", "", "Báo cáo đầy đủ, đúng thời hạn.", "Đã tiếp nhận, tổng hợp."]
TASK_TEXTS = [
    "Xây dựng và ban hành kế hoạch triển khai công tác đối ngoại năm {y} của đơn vị",
    "Rà soát, đánh giá hiệu quả các thỏa thuận quốc tế do đơn vị chủ trì",
    "Đề xuất kế hoạch đoàn ra, đoàn vào năm {y1}",
    "Tổ chức ít nhất 01 hoạt động xúc tiến, quảng bá tại thị trường trọng điểm",
    "Báo cáo kết quả thực hiện công tác đối ngoại 6 tháng và năm {y}",
    "Cập nhật thông tin đối ngoại trên Cổng Thông tin điện tử của đơn vị",
    "Phối hợp tổ chức Lễ hội Thành Tuyên và đón các đoàn khách quốc tế",
    "Cử cán bộ tham gia các lớp bồi dưỡng kiến thức hội nhập quốc tế",
]
MEASUREMENT_EVIDENCE = [
    "Số liệu báo cáo của cơ quan chủ trì.",
    "Theo báo cáo tổng hợp của các sở, ngành.",
    "Số liệu thống kê chính thức của Cục Thống kê tỉnh.",
]
