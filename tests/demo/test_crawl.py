"""Every page the demo links to answers, for every demo account: no 500 anywhere, no link on
one of danchu's own pages that leads to a missing page, and no form that breaks on bad input.

Each account (and an anonymous visitor) starts from the home page, the commune's page and its
personal page, and follows the links of every page it is shown (same site, GET only) up to a
budget of pages. A link that answers 5xx or 404 is a defect; so is a page that links the
visitor to something it refuses them (403), since a page should only offer what its reader
may do. Then every POST form met on the way is sent empty and with nonsense (over-long text,
markup, a number past any column, 31 February): it must be refused, never answer 5xx.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model

from danchu.demo import seeding
from danchu.units.models import Unit
from tests.conftest import client_for

pytestmark = pytest.mark.slow

# Pages of one shape (see _shape: every petition of every village is one shape) fetched per
# account: the walk covers every kind of page of every kind of unit, not every record.
PER_SHAPE = 1
# A safety stop per account, well above what the demo needs.
BUDGET = 600
SHAPE_RE = re.compile(r"/[^/]*\d[^/]*(?=/|$)")
# Not followed: signing out, the language switch, media, and Django's own admin beyond its index.
SKIP_RE = re.compile(r"^/(accounts/logout|i18n/|static/|media/|admin/.)")


class _Links(HTMLParser):
    """The links of a page, and its POST forms with their named fields."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._form: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = []
            self.forms.append((attrs.get("action") or "", self._form))
        elif (
            tag in ("input", "textarea", "select") and self._form is not None and attrs.get("name")
        ):
            kind = attrs.get("type", tag).lower()
            self._form.append((attrs["name"], kind, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _local(base: str, href: str) -> str | None:
    url, _fragment = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if path.startswith("/") and not SKIP_RE.match(path) else None


def _parse(base: str, html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _shape(path: str, kinds: dict[str, str]) -> str:
    """ "/u/10402-03/petitions/12/?x=1" -> "/u/village/petitions/N/": a unit stands for its kind
    (a merged unit for a kind of its own), and every path segment holding a number is N."""
    path = path.split("?")[0]
    unit = re.match(r"/u/([^/]+)", path)
    head = f"/u/{kinds.get(unit.group(1), 'other')}" if unit else ""
    rest = path[unit.end() :] if unit else path
    return head + SHAPE_RE.sub("/N", rest)


def crawl(client, starts: list[str], forms: dict | None = None) -> tuple[int, list[str]]:
    """(pages fetched, problems) from a breadth-first walk of the links; each POST form seen
    is kept in `forms` (action -> (page, fields))."""
    kinds = {
        unit.code: unit.kind + ("" if unit.valid_to is None else "-merged")
        for unit in Unit.objects.only("code", "kind", "valid_to")
    }
    seen = set(starts)
    queue = deque((start, "(start)") for start in starts)
    problems: list[str] = []
    pages = 0
    shapes: dict[str, int] = {}
    while queue and pages < BUDGET:
        path, found_on = queue.popleft()
        shape = _shape(path, kinds)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        pages += 1
        response = client.get(path)
        status = response.status_code
        if status >= 500 or status in (403, 404):
            problems.append(f"{status} {path} (linked from {found_on})")
            continue
        if status in (301, 302, 303):
            location = response.headers.get("Location", "")
            target = urlsplit(urljoin(path, location))
            next_path = target.path + (f"?{target.query}" if target.query else "")
            if target.netloc in ("", "testserver") and next_path not in seen:
                seen.add(next_path)
                queue.append((next_path, path))
            continue
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        parsed = _parse(path, response.content.decode("utf-8", "replace"))
        if forms is not None:
            for action, fields in parsed.forms:
                target = _local(path, action or path)
                if target and target not in forms:
                    forms[target] = (path, fields)
        for link in (p for href in parsed.links if (p := _local(path, href))):
            if link not in seen:
                seen.add(link)
                queue.append((link, path))
    return pages, problems


# One account per kind of reach (the inspection and supervision boards and the union
# representative see what the Front committee and the agency head see).
ACCOUNTS = [None, "cudan", "truongthon", "canbo", "chutich", "mattran", "chidao", "hieutruong"]
ACCOUNTS += ["quantri"]


# What a careless or hostile visitor types: nothing, words where numbers go, numbers out of
# range, over-long text, dates that do not exist.
GARBAGE = [
    {"text": "", "number": "", "date": ""},
    {"text": "<b>Ư</b>' OR 1=1 --" * 300, "number": "99999999999999999999", "date": "31/02/2026"},
]


def _garbage(fields, values: dict) -> dict:
    data = {}
    for name, kind, value in fields:
        if name == "csrfmiddlewaretoken" or kind == "file":
            continue
        if kind in ("hidden", "submit", "checkbox", "radio", "select"):
            data[name] = value
        elif kind == "number":
            data[name] = values["number"]
        elif kind == "date":
            data[name] = values["date"]
        else:
            data[name] = values["text"]
    return data


def test_every_linked_page_and_every_form_answers_for_every_account(commune):
    """One seeding, then for each account a walk of the links, then every POST form the walk
    met, sent with bad input. The walks are GET only; the forms come after each walk."""
    seeding.seed_demo()
    problems, reached, statuses = [], {}, {}
    # The commune officer walks once more in English: a translation that breaks a
    # placeholder would fail only there.
    for username, language in [(name, "vi") for name in ACCOUNTS] + [("canbo", "en")]:
        user = get_user_model().objects.get(username=username) if username else None
        client = client_for(user)
        if language != "vi":
            client.post("/i18n/setlang/", {"language": language, "next": "/"})
        starts = ["/", f"/u/{commune.code}/"] + (["/accounts/"] if user else [])
        forms: dict = {}
        pages, found = crawl(client, starts, forms)
        who = f"{username or 'anonymous'} ({language})"
        reached[who] = pages
        problems += [f"{who}: {problem}" for problem in found]
        for action, (page, fields) in sorted(forms.items()):
            if action.startswith(("/accounts/logout", "/i18n/")):
                continue
            for values in GARBAGE:
                response = client.post(action, _garbage(fields, values))
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    problems.append(
                        f"{who}: {response.status_code} POST {action} (form on {page}) "
                        f"with {str(values)[:60]}"
                    )
    assert min(reached.values()) > 20, reached
    # Bad input is refused with the form and its reasons (422), not silently accepted.
    assert statuses.get(422, 0) > 100, statuses
    assert not problems, "\n".join(problems)
