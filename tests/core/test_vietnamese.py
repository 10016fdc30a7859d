from hypothesis import given
from hypothesis import strategies as st

from danchu.core.vietnamese import collation_key, fold, person_sort_key


def test_fold_strips_every_diacritic_and_d_stroke():
    assert fold("Xã Ứng Hòa") == "xa ung hoa"
    assert fold("  ĐẶNG   Thị  Ánh ") == "dang thi anh"
    assert fold("Ung-Hoa") == fold("Ứng Hòa") == "ung hoa"
    assert fold("Số 123/QĐ-UBND, ngày 5.3") == "so 123 qd ubnd ngay 5 3"


def test_vietnamese_alphabet_order_not_code_point_order():
    words = ["Zen", "Đông", "Dương", "Bình", "Ấn", "Ăn", "Anh", "An Bình", "An", "Ạ", "Á", "A"]
    assert sorted(words, key=collation_key) == [
        "A",
        "Á",
        "Ạ",
        "An",
        "An Bình",
        "Anh",
        "Ăn",
        "Ấn",
        "Bình",
        "Dương",
        "Đông",
        "Zen",
    ]
    # Code-point order would put Đ after Z.
    assert sorted(["Đông", "Zen"]) == ["Zen", "Đông"]


def test_tones_only_break_ties_in_dictionary_order():
    assert sorted(["má", "mạ", "mà", "ma", "mã", "mả"], key=collation_key) == [
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
    ]


def test_people_sort_by_given_name_then_full_name():
    people = ["Trần Thị Bình", "Nguyễn Văn An", "Lê Đức Anh", "Lê An", "Đỗ Văn Đông"]
    assert sorted(people, key=person_sort_key) == [
        "Lê An",
        "Nguyễn Văn An",
        "Lê Đức Anh",
        "Trần Thị Bình",
        "Đỗ Văn Đông",
    ]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạ ", max_size=12))
def test_key_is_ascii_and_case_insensitive(text):
    key = collation_key(text)
    assert key.isascii()
    assert collation_key(text.upper()) == key
