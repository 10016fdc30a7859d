"""A consultation that drew many opinions: the officer's board lists them a page at a time,
and the published synthesis (page and PDF) quotes the first opinions of each group, counts
the rest and links to the group's own page, where every public opinion can be read."""

import datetime as dt
import io
import re
import unicodedata

import pytest
import time_machine
from pypdf import PdfReader

from danchu.accounts.permissions import SYSTEM
from danchu.consultations import services
from danchu.consultations.models import Opinion
from danchu.consultations.printing import synthesis_groups, synthesis_pdf
from tests.conftest import client_for
from tests.consultations.conftest import make_consultation

AFTER_CLOSE = dt.datetime(2026, 12, 12, 9, tzinfo=dt.UTC)


def _url(consultation, tail=""):
    return f"/u/{consultation.unit.code}/consultations/{consultation.pk}/{tail}"


def _many(consultation, n, *, start=0, is_public=True, hidden=False):
    Opinion.objects.bulk_create(
        Opinion(
            consultation=consultation,
            channel="box",
            text=f"Ý kiến số {start + k:03d}.",
            original_text=f"Ý kiến số {start + k:03d}.",
            is_public=is_public,
            hidden=hidden,
            moderation_note="Trùng lặp" if hidden else "",
        )
        for k in range(n)
    )
    return list(consultation.opinions.order_by("-pk")[:n])[::-1]


@pytest.fixture
def consultation(commune):
    return make_consultation(commune)


def _picked(html: str) -> int:
    return html.count('name="opinions"')


def test_the_board_lists_ungrouped_opinions_a_page_at_a_time(consultation, officer):
    _many(consultation, 60)
    client = client_for(officer)
    first = client.get(_url(consultation, "synthesis/")).content.decode()
    assert "Ý kiến chưa xếp nhóm (60)" in first
    assert _picked(first) == 50 and "Ý kiến số 000." in first and "Ý kiến số 050." not in first
    assert "?page=2#list" in first
    second = client.get(_url(consultation, "synthesis/?page=2")).content.decode()
    assert _picked(second) == 10 and "Ý kiến số 059." in second
    beyond = client.get(_url(consultation, "synthesis/?page=99")).content.decode()
    assert _picked(beyond) == 10  # past the end: the last page
    junk = client.get(_url(consultation, "synthesis/?page=abc&group=xyz"))
    assert junk.status_code == 200 and _picked(junk.content.decode()) == 50


def test_a_group_shows_its_first_opinions_and_lists_all_of_them_on_request(consultation, officer):
    opinions = _many(consultation, 55)
    group = services.create_group(
        actor=SYSTEM,
        consultation=consultation,
        title="Chợ",
        opinion_ids=[o.pk for o in opinions[:53]],
    )
    client = client_for(officer)
    board = client.get(_url(consultation, "synthesis/")).content.decode()
    assert "Ý kiến chưa xếp nhóm (2)" in board
    assert "Xem và kiểm duyệt cả 53 ý kiến của nhóm" in board
    assert f"?group={group.pk}#list" in board
    assert board.count('<div class="board-opinion"') == 2 + 3  # two ungrouped, three previews
    focused = client.get(_url(consultation, f"synthesis/?group={group.pk}")).content.decode()
    assert "Ý kiến trong nhóm “Chợ” (53)" in focused
    assert _picked(focused) == 50 + 3  # a page of the group, and the group's previews
    assert f"?group={group.pk}&amp;page=2#list" in focused


def test_hidden_opinions_have_their_own_list(consultation, officer):
    _many(consultation, 7, hidden=True)
    client = client_for(officer)
    board = client.get(_url(consultation, "synthesis/")).content.decode()
    assert "Xem và kiểm duyệt 7 ý kiến đã ẩn" in board and "Ý kiến chưa xếp nhóm (0)" in board
    hidden = client.get(_url(consultation, "synthesis/?hidden=1")).content.decode()
    assert "Ý kiến đã ẩn (7)" in hidden and "Ý kiến số 006." in hidden


def test_a_failed_moderation_is_shown_even_when_the_opinion_is_on_another_page(
    consultation, officer
):
    opinions = _many(consultation, 60)
    last = opinions[-1]
    response = client_for(officer).post(
        _url(consultation, f"opinions/{last.pk}/moderate/"), {"hidden": "on", "note": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Hãy ghi lý do kiểm duyệt." in html and "Ý kiến số 059." in html


@pytest.fixture
def published(consultation, settings):
    settings.CONSULTATION_SYNTHESIS_QUOTES = 4
    public = _many(consultation, 9)
    private = _many(consultation, 2, start=100, is_public=False)
    group = services.create_group(
        actor=SYSTEM,
        consultation=consultation,
        title="Niêm yết thêm tại chợ",
        opinion_ids=[o.pk for o in public + private],
    )
    services.answer_group(actor=SYSTEM, group=group, answer="accepted", reason="Bổ sung Điều 3.")
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services.publish_synthesis(actor=SYSTEM, consultation=consultation)
    return consultation, group


def test_the_synthesis_quotes_the_first_public_opinions_and_counts_the_rest(published):
    consultation, group = published
    (quoted,) = synthesis_groups(consultation)["accepted"]
    assert (quoted.count, quoted.more_public, quoted.private_count) == (11, 5, 2)
    assert [o.text for o in quoted.public_opinions] == [f"Ý kiến số {k:03d}." for k in range(4)]
    html = client_for(None).get(_url(consultation)).content.decode()
    page = re.search(r'<section class="card" id="synthesis">.*?</section>', html, re.S).group(0)
    assert "Ý kiến số 003." in page and "Ý kiến số 004." not in page
    assert "Xem thêm 5 ý kiến công khai của nhóm" in page
    assert _url(consultation, f"groups/{group.pk}/") in page


def test_the_groups_page_lists_every_public_opinion_and_never_a_private_one(published):
    consultation, group = published
    html = client_for(None).get(_url(consultation, f"groups/{group.pk}/")).content.decode()
    assert all(f"Ý kiến số {k:03d}." in html for k in range(9))
    assert "Ý kiến số 100." not in html and "Ý kiến số 101." not in html
    assert "và 2 ý kiến không công khai" in html
    assert client_for(None).get(_url(consultation, "groups/999999/")).status_code == 404


def test_a_groups_page_before_publication_is_not_found(consultation, officer):
    opinions = _many(consultation, 2)
    group = services.create_group(
        actor=SYSTEM, consultation=consultation, title="Chợ", opinion_ids=[o.pk for o in opinions]
    )
    assert client_for(None).get(_url(consultation, f"groups/{group.pk}/")).status_code == 404
    assert client_for(officer).get(_url(consultation, f"groups/{group.pk}/")).status_code == 404


def test_the_pdf_quotes_the_first_opinions_and_says_how_many_more(published):
    consultation, _group = published
    pages = PdfReader(io.BytesIO(synthesis_pdf(consultation))).pages
    text = " ".join(unicodedata.normalize("NFC", p.extract_text()) for p in pages)
    text = " ".join(text.split())
    assert "Ý kiến số 003." in text and "Ý kiến số 004." not in text
    assert "Và 5 ý kiến công khai khác cùng nội dung" in text
    assert "Và 2 ý kiến người góp ý đề nghị không công khai nội dung" in text


def test_a_section_shows_its_newest_opinions_and_links_to_all_of_them(consultation):
    section = consultation.sections.get(number=2)
    Opinion.objects.bulk_create(
        Opinion(
            consultation=consultation,
            section=section,
            channel="portal",
            text=f"Góp ý mục 2 số {k:02d}.",
            original_text=f"Góp ý mục 2 số {k:02d}.",
            is_public=k != 3,  # one kept private
        )
        for k in range(26)
    )
    page = client_for(None).get(_url(consultation)).content.decode()
    part = re.search(r'<section id="s2".*?</section>', page, re.S).group(0)
    assert "25 ý kiến công khai" in part and "Xem cả 25 ý kiến" in part
    assert "Góp ý mục 2 số 25." in part and "Góp ý mục 2 số 05." not in part
    assert part.count('class="meta"') == 20
    everything = client_for(None).get(_url(consultation, "comments/?section=2")).content.decode()
    assert all(f"Góp ý mục 2 số {k:02d}." in everything for k in range(26) if k != 3)
    assert "Góp ý mục 2 số 03." not in everything
    assert client_for(None).get(_url(consultation, "comments/?section=x")).status_code == 404
    assert client_for(None).get(_url(consultation, "comments/?section=999")).status_code == 404
