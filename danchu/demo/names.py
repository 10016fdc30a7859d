"""Realistic Vietnamese names and addresses for the demo and synthetic data."""

from __future__ import annotations

import random

# Family names weighted roughly by frequency (Nguyễn ≈ 38 %).
FAMILY = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Đỗ", 3),
    ("Bùi", 3),
    ("Đặng", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Đinh", 2),
    ("Phan", 2),
    ("Lý", 1),
    ("Trịnh", 1),
    ("Đào", 1),
    ("Tạ", 1),
    ("Lưu", 1),
    ("Mai", 1),
    ("Cao", 1),
    ("Hà", 1),
    ("Lại", 1),
    ("Kiều", 1),
    ("Quách", 1),
]
MIDDLE_MALE = [
    "Văn",
    "Văn",
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Xuân",
    "Ngọc",
    "Thế",
    "Trọng",
    "Công",
    "Mạnh",
    "Đình",
    "Tiến",
]
MIDDLE_FEMALE = [
    "Thị",
    "Thị",
    "Thị",
    "Thu",
    "Ngọc",
    "Thanh",
    "Minh",
    "Phương",
    "Hồng",
    "Kim",
    "Diệu",
    "Bích",
]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Đông",
    "Giang",
    "Hải",
    "Hiếu",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Lâm",
    "Long",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thành",
    "Tiến",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Vượng",
    "Hòa",
    "Lợi",
    "Thịnh",
    "Chiến",
    "Đức",
]
GIVEN_FEMALE = [
    "Anh",
    "Bích",
    "Châu",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Hương",
    "Huyền",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phượng",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thơm",
    "Thủy",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
    "Xuân",
    "Lụa",
    "Nụ",
    "Huệ",
]
ROADS = ["Đường làng", "Ngõ", "Xóm", "Đường trục thôn", "Ngách"]

_FAMILY_NAMES = [name for name, _weight in FAMILY]
_FAMILY_WEIGHTS = [weight for _name, weight in FAMILY]


def full_name(rng: random.Random) -> str:
    family = rng.choices(_FAMILY_NAMES, _FAMILY_WEIGHTS)[0]
    if rng.random() < 0.62:  # household heads are more often men in rural registers
        return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


def phone(rng: random.Random) -> str:
    prefix = rng.choice(
        [
            "091",
            "094",
            "088",
            "096",
            "097",
            "098",
            "086",
            "032",
            "033",
            "035",
            "036",
            "037",
            "038",
            "039",
            "070",
            "076",
            "077",
            "078",
            "079",
            "081",
            "083",
            "084",
            "085",
        ]
    )
    return prefix + "".join(rng.choice("0123456789") for _ in range(7))


def address(rng: random.Random, village_name: str) -> str:
    number = rng.randint(1, 180)
    kind = rng.choice(ROADS)
    if kind in ("Xóm",):
        return f"Xóm {rng.randint(1, 9)}, {village_name}"
    if kind in ("Ngõ", "Ngách"):
        return f"Số {number}, {kind} {rng.randint(1, 40)}, {village_name}"
    return f"Số {number}, {kind}, {village_name}"


def members(rng: random.Random) -> int:
    return rng.choices([1, 2, 3, 4, 5, 6, 7, 8], [6, 14, 22, 28, 16, 8, 4, 2])[0]
