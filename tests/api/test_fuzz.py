"""Property-based fuzzing of the whole JSON API from its own OpenAPI document.

Schemathesis reads /api/v1/openapi.json from the app in-process (WSGI) and generates
requests for every operation, both ones that fit the schema and ones that don't. Each
request runs against a small world (a commune, a village with households, a published
and a draft notice with a posting and a forwarding, open ballot and meeting matters, a
closed matter, a vote conflict), as an admin, a resident or anonymous, with path and body
values sometimes swapped for ids and codes that exist so the handlers go past their 404s.

The promise checked: no bad input is a server error, and every error is JSON with a
readable `detail`. Each request runs in a savepoint that is rolled back, so examples do not
depend on one another.

By default the examples are derandomized, so the suite gives the same answer on every run;
DANCHU_FUZZ_EXAMPLES=300 (say) runs that many random examples per operation for a longer
search, e.g. `DANCHU_FUZZ_EXAMPLES=300 pytest tests/api/test_fuzz.py -p no:logging`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback

import pytest
import schemathesis
import time_machine
from django.core.cache import cache
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import create_token
from danchu.api.pagination import MAX_PAGE
from danchu.core.errors import ValidationError
from danchu.decisions import services as decisions
from danchu.decisions.models import VoteConflict
from danchu.disclosures import services as disclosures
from danchu.disclosures.models import Art11Item
from danchu.people.models import Household
from tests.conftest import make_user
from tests.decisions.conftest import TODAY, add_households, codes_of, open_matter

MAX_EXAMPLES = int(os.environ.get("DANCHU_FUZZ_EXAMPLES", "20"))
DERANDOMIZE = "DANCHU_FUZZ_EXAMPLES" not in os.environ
MAX_BIGINT = 2**63 - 1

APP = get_wsgi_application()
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}

# What the fuzzer once found, pinned below so that it stays fixed.
# A limit or offset past 2**63-1 reached the SQL LIMIT/OFFSET: a 500 (danchu.api.pagination).
PAGINATED = [
    "GET /api/v1/me/opinions",
    "GET /api/v1/units",
    "GET /api/v1/units/{code}/consultations",
    "GET /api/v1/units/{code}/households",
    "GET /api/v1/units/{code}/matters",
    "GET /api/v1/units/{code}/notices",
]
# A malformed multipart body was Django's English HTML 400 page, not JSON.
UPLOADS = [
    "POST /api/v1/units/{code}/households/import",
    "POST /api/v1/notices/{notice_id}/attachments",
]
# An airing time in year 1 overflowed when converted to local time or to UTC (a 500).
AIRINGS = "POST /api/v1/notices/{notice_id}/airings"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def in_process():
    """Call the WSGI app in the test's own transaction (as django.test.Client does): keep
    Django from closing the connection at the end of each request, and record the traceback
    of every unhandled exception."""
    errors: list[str] = []

    def on_error(sender, request=None, **kwargs):
        errors.append("".join(traceback.format_exception(*sys.exc_info())))

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(on_error)
    try:
        yield errors
    finally:
        got_request_exception.disconnect(on_error)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(commune, village, other_village, admin_user):
    """Something behind every path parameter, and tokens for three kinds of caller."""
    resident = make_user("cu_dan", Role.RESIDENT, village)
    tokens = {
        "admin": create_token(user=admin_user),
        "resident": create_token(user=resident),
        "anonymous": None,
    }

    item = Art11Item.objects.get(number=3)
    published = disclosures.create_notice(
        actor=SYSTEM,
        unit=commune,
        item=item,
        title="Phương án bồi thường đường liên thôn",
        body="Ủy ban nhân dân xã công khai phương án bồi thường.",
        document_number="125/QĐ-UBND",
        responsible_name="Nguyễn Văn Hùng",
    )
    published = disclosures.publish_notice(actor=SYSTEM, notice=published)
    draft = disclosures.create_notice(
        actor=SYSTEM, unit=commune, item=item, title="Dự thảo", body="Chưa công bố."
    )
    posting = disclosures.record_posting(
        actor=SYSTEM, notice=published, place_name="Nhà văn hóa thôn", started_on=TODAY
    )
    forwarding = disclosures.forward_to_village(
        actor=SYSTEM, notice=published, village=village, forwarded_on=TODAY
    )

    ballot = open_matter(village, form="ballot", agreed=True, households=6)
    codes = codes_of(ballot)
    option_ids = list(ballot.options.values_list("pk", flat=True))
    first_household = min(codes)
    decisions.cast_with_code(code=codes[first_household], option_id=option_ids[0], channel="online")
    # The same household again, on paper: refused and kept as a conflict.
    with pytest.raises(ValidationError):
        decisions.cast_with_code(
            code=codes[first_household], option_id=option_ids[1], channel="paper", actor=SYSTEM
        )
    conflict = VoteConflict.objects.get(matter=ballot)

    meeting = open_matter(village, form="meeting", households=0)
    session = decisions.start_session(
        actor=SYSTEM, matter=meeting, name="", held_on=TODAY, chair_name="Trần Văn Nam"
    )
    add_households(other_village, 3, start=Household.objects.count() + 1)
    closed = open_matter(other_village, item=3, households=0)
    closed_ids = list(closed.roll.values_list("household_id", flat=True))
    closed_session = decisions.start_session(
        actor=SYSTEM, matter=closed, name="Họp thôn", held_on=TODAY, chair_name="Trần Văn Nam"
    )
    decisions.record_attendance(actor=SYSTEM, session=closed_session, household_ids=closed_ids)
    decisions.record_procedural_vote(
        actor=SYSTEM, session=closed_session, question="method", in_favour=len(closed_ids)
    )
    decisions.set_session_details(actor=SYSTEM, session=closed_session, method="hands")
    decisions.record_session_counts(
        actor=SYSTEM,
        session=closed_session,
        counts={closed.options.first().pk: len(closed_ids)},
    )
    decisions.close_matter(actor=SYSTEM, matter=closed)
    draft_matter = decisions.create_matter(
        actor=SYSTEM, unit=village, item=6, title="Sửa nhà văn hóa", kind="decision"
    )

    household_codes = list(Household.objects.values_list("code", flat=True))
    meeting_options = list(meeting.options.values_list("pk", flat=True))
    return {
        "tokens": tokens,
        "path": {
            "code": [commune.code, village.code, "01", "VN"],
            "notice_id": [published.pk, draft.pk],
            "posting_id": [posting.pk],
            "forwarding_id": [forwarding.pk],
            "matter_id": [ballot.pk, meeting.pk, closed.pk, draft_matter.pk],
            "session_id": [session.pk, closed_session.pk],
            "conflict_id": [conflict.pk],
        },
        "body": {
            "code": list(codes.values()),
            "option_id": option_ids + meeting_options,
            "village": [village.code, other_village.code, commune.code],
            "household_codes": [household_codes[:3], household_codes],
            "counts": [{str(meeting_options[0]): 0}, {str(pk): 1 for pk in meeting_options}],
            "item": [3, 6],
            "file": [
                "ma_ho,chu_ho\nH9001,Lê Văn Tám\n".encode(),
                b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            ],
        },
    }


def _cases(operation) -> st.SearchStrategy:
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            strategies.append(operation.as_strategy(generation_mode=mode))
        except Exception:  # noqa: S112 - no negative data for an operation without inputs
            continue
    return st.one_of(strategies)


def _steer(case, data, world) -> None:
    """Sometimes swap generated values for ones that name something in the world."""
    for name in list(case.path_parameters or {}):
        known = world["path"].get(name)
        if known and data.draw(st.booleans(), label=f"known {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
    if isinstance(case.body, dict):
        for name in list(case.body):
            known = world["body"].get(name)
            if known and data.draw(st.booleans(), label=f"known body.{name}"):
                case.body[name] = data.draw(st.sampled_from(known), label=f"body.{name}")
    who = data.draw(
        st.sampled_from(["admin", "admin", "admin", "resident", "anonymous"]), label="caller"
    )
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    token = world["tokens"][who]
    if token:
        headers["Authorization"] = f"Bearer {token}"
    case.headers = headers


def _curl(case) -> str:
    try:
        return case.as_curl_command()
    except Exception:
        return f"{case.method} {case.formatted_path} {case.body!r}"


def _check(case, response, errors: list[str]) -> None:
    reproduce = _curl(case)
    if response.status_code >= 500:
        pytest.fail(
            f"{response.status_code} from {case.method} {case.formatted_path}\n"
            f"Reproduce with:\n    {reproduce}\n\n" + ("\n".join(errors) or "(no traceback)")
        )
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/json"), (
            f"{response.status_code} is not JSON ({content_type}):\n    {reproduce}\n"
            f"{response.content[:300]!r}"
        )
        body = response.json()
        assert isinstance(body, dict), f"error body is not an object:\n    {reproduce}"
        assert isinstance(body.get("detail"), str), f"no detail:\n    {reproduce}\n{body}"
        assert body["detail"].strip(), f"empty detail:\n    {reproduce}"


@pytest.mark.slow
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_input_is_a_server_error(label, world, in_process):
    operation = OPERATIONS[label]

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation), data=st.data())
    def fuzz(case, data):
        _steer(case, data, world)
        cache.clear()  # ballot-code throttling counts in the cache
        in_process.clear()
        with transaction.atomic():
            response = case.call()
            transaction.set_rollback(True)
        _check(case, response, in_process)

    fuzz()


# --- the bugs the fuzzer found, pinned ----------------------------------------------------


def _admin_client(world):
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world['tokens']['admin']}"
    return client


def _url(label: str, world) -> str:
    return (
        label.split(" ", 1)[1]
        .replace("{code}", world["path"]["code"][1] if "households" in label else "10402")
        .replace("{notice_id}", str(world["path"]["notice_id"][0]))
    )


def _json_error(response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    # In the request's language: Vietnamese unless the client asks for English.
    assert detail.strip(), detail
    return detail


@pytest.mark.parametrize(
    "param,value",
    [
        ("limit", MAX_BIGINT + 1),
        ("limit", 10**30),
        ("offset", MAX_BIGINT + 1),
        ("offset", MAX_BIGINT),
        ("offset", 10**30),
    ],
)
@pytest.mark.parametrize("label", PAGINATED)
def test_page_bounds_beyond_bigint_are_refused(label, param, value, world):
    response = _admin_client(world).get(_url(label, world), {param: str(value)})
    detail = _json_error(response, 422)
    assert detail.startswith("Dữ liệu không hợp lệ")
    assert f"{param}: " in detail


@pytest.mark.parametrize("label", PAGINATED)
def test_the_last_page_a_database_can_slice_is_empty(label, world):
    response = _admin_client(world).get(
        _url(label, world), {"limit": MAX_PAGE, "offset": MAX_BIGINT - MAX_PAGE}
    )
    assert response.status_code == 200, response.content[:300]
    assert response.json()["items"] == []
    assert response.json()["count"] >= 0


@pytest.mark.parametrize(
    "body,content_type",
    [
        (b"--b\r\n" + b"x" * 2000, "multipart/form-data; boundary=b"),
        (b"x", "multipart/form-data"),
        (b"x", "multipart/form-data; boundary=" + "b" * 250),
    ],
    ids=["part-headers-too-long", "no-boundary", "boundary-too-long"],
)
@pytest.mark.parametrize("label", UPLOADS)
def test_malformed_upload_is_a_json_error(label, body, content_type, world):
    response = _admin_client(world).generic(
        "POST", _url(label, world), body, content_type=content_type
    )
    detail = _json_error(response, 400)
    assert detail.startswith("Dữ liệu gửi lên (multipart/form-data) bị hỏng")


@pytest.mark.parametrize(
    "aired_at",
    [
        "0001-01-01T00:00:00+00:01",
        "0001-01-01T07:00:00",
        "0001-01-01T00:00:00-23:59",
        "1999-12-31T23:59:59+07:00",
    ],
    ids=["aware", "naive", "far-west", "eve-of-2000"],
)
def test_airing_before_2000_is_refused(aired_at, world):
    notice_id = world["path"]["notice_id"][0]
    response = _admin_client(world).post(
        f"/api/v1/notices/{notice_id}/airings",
        {"aired_at": aired_at},
        content_type="application/json",
    )
    detail = _json_error(response, 422)
    assert detail.startswith("Thời điểm phát không được trước năm 2000")
    assert response.json()["code"] == "date_too_early"


@pytest.mark.parametrize(
    "aired_at", ["9999-12-31T23:59:59", "9999-12-31T23:59:59+14:00", "9999-12-31T23:59:59-23:59"]
)
def test_airing_at_the_end_of_time_is_refused(aired_at, world):
    notice_id = world["path"]["notice_id"][0]
    response = _admin_client(world).post(
        f"/api/v1/notices/{notice_id}/airings",
        {"aired_at": aired_at},
        content_type="application/json",
    )
    detail = _json_error(response, 422)
    assert detail.startswith("Thời điểm phát không được sau hiện tại")
    assert response.json()["code"] == "date_in_future"
