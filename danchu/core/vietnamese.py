"""Vietnamese text: accent folding for search, and alphabetical collation.

Vietnamese alphabetical order is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t
u ư v x y; tone marks only break ties (no tone, huyền, hỏi, ngã, sắc, nặng).
Code-point order puts "Đ" after "Z" and "Ă" after "Z" too, so lists are ordered by
a stored key built here, which the database can index and sort.
"""

from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Letters outside the Vietnamese alphabet (f, j, w, z) sort after the letter they
# follow in the Latin alphabet.
_EXTRA = {"f": "e~", "j": "i~", "w": "v~", "z": "y~"}
# Tone marks by combining character, in the traditional dictionary order.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_BASE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def _letter_codes() -> dict[str, str]:
    codes = {}
    for index, letter in enumerate(_ALPHABET):
        codes[letter] = f"{index + 10:02d}"
    return codes


_CODES = _letter_codes()


def fold(text: str) -> str:
    """Lower-case, strip every diacritic, map đ to d and punctuation to spaces.

    "Ứng Hòa" -> "ung hoa"; "Ung-Hoa" and "Ia H'Drai" fold as "ung hoa" and "ia h drai", so a
    search typed with or without the hyphen or apostrophe finds the same names. Stored search
    columns are folded with this same function.
    """
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(
        ch if ch.isalnum() or ch.isspace() else " "
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
    return " ".join(stripped.replace("đ", "d").split())


def _split_letter(char: str) -> tuple[str, str]:
    """Return (base letter with its vowel marks, tone digit) for one character."""
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    marks = list(decomposed[1:])
    tone = "0"
    kept = []
    for mark in marks:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in _BASE_MARKS:
            kept.append(mark)
    letter = unicodedata.normalize("NFC", base + "".join(kept))
    return letter, tone


def collation_key(text: str) -> str:
    """An ASCII key whose plain byte order is Vietnamese alphabetical order."""
    primary = []
    tones = []
    for char in " ".join(text.lower().split()):
        letter, tone = _split_letter(char)
        if letter in _CODES:
            primary.append(_CODES[letter])
            tones.append(tone)
        elif letter in _EXTRA:
            base, _tilde = _EXTRA[letter]
            primary.append(_CODES[base] + "~")
            tones.append(tone)
        elif letter == " ":
            primary.append("#")  # a space sorts before every letter: "An" < "An Bình" < "Anh"
        elif letter.isdigit():
            primary.append("0" + letter)
        else:
            primary.append("$")
    # "!" ends the letters, so a name sorts before every longer name it starts.
    return "".join(primary) + "!" + "".join(tones)


def person_sort_key(full_name: str) -> str:
    """Vietnamese lists of people sort by given name, then the whole name.

    "Nguyễn Văn An" sorts under "An", before "Trần Thị Bình".
    """
    parts = full_name.split()
    given = parts[-1] if parts else ""
    return collation_key(given) + "/" + collation_key(full_name)
