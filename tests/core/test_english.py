"""English is the second language: pages switch to it, Vietnamese stays the default.

The catalog checks read the committed danchu/locale/en/LC_MESSAGES/django.po, so a
refreshed catalog (makemessages) with a new string left without English fails here,
naming the msgid.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# Text from danchu's own templates and forms, in each language.
HOME_VI = "Dân chủ ở cơ sở, minh bạch đến từng thôn"
HOME_EN = "Grassroots democracy, transparent down to every village"
LOGIN_EN = ("Log in", "Username", "Password")
REQUIRED_EN = ("Please enter your username.", "Please enter your password.")
REQUIRED_VI = ("Hãy nhập tên đăng nhập.", "Hãy nhập mật khẩu.")


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware leaves the last request's language active in the thread."""
    previous = translation.get_language()
    yield
    translation.activate(previous) if previous else translation.deactivate()


def _text(response) -> str:
    return response.content.decode()


def test_vietnamese_is_the_default_without_any_header(db):
    page = _text(Client().get("/"))
    assert '<html lang="vi">' in page
    assert HOME_VI in page
    assert HOME_EN not in page


@pytest.mark.parametrize("header", ["en", "en-US,en;q=0.9,vi;q=0.5"])
def test_a_browser_set_to_english_still_gets_vietnamese_pages(db, header):
    page = _text(Client().get("/", HTTP_ACCEPT_LANGUAGE=header))
    assert '<html lang="vi">' in page
    assert HOME_VI in page


def test_api_clients_may_ask_for_english(db):
    response = Client().get("/api/v1/units/khong-co", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Language"] == "en"


def test_setlang_switches_to_english_and_back(db):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"

    home = _text(client.get("/"))
    assert HOME_EN in home
    assert HOME_VI not in home
    login = _text(client.get("/accounts/login/"))
    assert all(text in login for text in LOGIN_EN), login
    assert "Đăng nhập" not in login

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert HOME_VI in _text(client.get("/"))


def test_login_page_and_its_form_errors_in_english(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = _text(client.get("/accounts/login/"))
    assert all(text in page for text in LOGIN_EN), page

    response = client.post("/accounts/login/", {"username": "", "password": ""})
    assert response.status_code == 422
    page = _text(response)
    assert all(text in page for text in REQUIRED_EN), page
    assert not any(text in page for text in REQUIRED_VI)


def test_login_form_errors_stay_vietnamese_by_default(db):
    response = Client().post("/accounts/login/", {"username": "", "password": ""})
    page = _text(response)
    assert all(text in page for text in REQUIRED_VI), page


# --- the committed catalog ---------------------------------------------------------------


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def msgstrs(self) -> list[str]:
        return [v for k, v in sorted(self.fields.items()) if k.startswith("msgstr")]

    @property
    def plural(self) -> bool:
        return "msgid_plural" in self.fields


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), token.strip()[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (header and obsolete #~ entries left out)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            entry, key = None, None
            continue
        if line.startswith("#"):
            if entry is None or "msgid" in entry.fields:
                entry, key = Entry(line=number), None
                entries.append(entry)
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        match = _KEYWORD.match(line)
        if match:
            if entry is None or (
                match.group(1) in ("msgid", "msgctxt") and "msgid" in entry.fields
            ):
                entry = Entry(line=number)
                entries.append(entry)
            key = match.group(1)
            entry.fields[key] = _unquote(match.group(2))
            if key == "msgid":
                entry.line = number
        elif line.startswith('"') and entry is not None and key is not None:
            entry.fields[key] += _unquote(line)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot parse {raw!r}")
    return [e for e in entries if e.msgid]


ENTRIES = parse_po(PO_FILE)


def test_catalog_parses_and_is_not_empty():
    assert len(ENTRIES) > 100
    assert all("msgstr" in e.fields or "msgstr[0]" in e.fields for e in ENTRIES)


def test_every_entry_has_an_english_translation():
    untranslated = [
        f"{PO_FILE.name}:{e.line}: {e.msgid!r}"
        for e in ENTRIES
        if "fuzzy" in e.flags or not e.msgstrs or not all(s.strip() for s in e.msgstrs)
    ]
    assert not untranslated, (
        f"{len(untranslated)} entries without English (fuzzy or empty):\n" + "\n".join(untranslated)
    )


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def test_translations_keep_the_placeholders():
    wrong = []
    for e in ENTRIES:
        if "python-format" not in e.flags:
            continue
        expected = set(_PLACEHOLDER.findall(e.msgid))
        for text in e.msgstrs:
            if text and set(_PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{PO_FILE.name}:{e.line}: {e.msgid!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_compiled_catalog_matches_the_po():
    """django.mo is what Django reads: it must be recompiled whenever django.po changes."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in ENTRIES:
        if "fuzzy" in e.flags or not all(e.msgstrs):
            continue
        context = e.fields.get("msgctxt")
        if e.plural:
            plural = e.fields["msgid_plural"]
            got = [
                compiled.npgettext(context, e.msgid, plural, n)
                if context is not None
                else compiled.ngettext(e.msgid, plural, n)
                for n in (1, 2)
            ]
        else:
            got = [
                compiled.pgettext(context, e.msgid)
                if context is not None
                else compiled.gettext(e.msgid)
            ]
        if got != e.msgstrs:
            stale.append(f"{e.msgid!r}: .po {e.msgstrs!r}, .mo {got!r}")
    assert not stale, "run `manage.py compilemessages`:\n" + "\n".join(stale)
