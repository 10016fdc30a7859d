"""Benchmark: a consultation with 200 sections and 100,000 opinions — the synthesis board and
the printed synthesis, against raw SQL.

For each database (PostgreSQL by default) it builds a commune and a consultation on the draft
of its "Quy chế thực hiện dân chủ ở xã" (Art 25 item 7) with `--sections` articles
(default 200), created and opened through `services.create_consultation` and
`open_consultation`, with every Art 26 form. Then `--opinions` opinions (default 100,000)
go in with `bulk_create`: Vietnamese texts built from phrases about the article they
comment on, 92 % on one article (a few articles draw most of them) and 8 % on the whole
draft; by channel 40 % portal, 20 % community meetings, 12 % Front committee, 10 % comment
box, 8 % household ballots, 5 % social-network groups, 3 % dialogue conference and 2 %
dialogue with those affected; 85 % public, a third of the public portal opinions with their
author's name shown; 1 % hidden by moderation and 0.5 % shortened, each with a note. About
two or three **groups** per article and a few on the whole draft hold 80 % of the opinions;
nine groups in ten are answered — accepted, or not accepted with a reason — the rest wait.
The period has ended (the closing day is set to yesterday), so the synthesis is being done.
A second consultation of the same shape with 1 % of the opinions is built beside it to show
that the board's query count does not grow with the opinions.

Then it prints, median of `--repeat` runs after one warm-up:

1. the officer's synthesis board — `GET /u/<commune>/consultations/<pk>/synthesis/` in
   process (middleware, the view, the whole page rendered) by a commune officer — its query
   count on both consultations, and the view's work before the template (the same request
   with the template not rendered); beside it, raw SQL of the counts the board shows:
   `SELECT section_id, count(*) … GROUP BY section_id`, opinions by channel, unanswered,
   ungrouped, hidden, and each group's members; it checks both agree;
2. the remaining opinions grouped and every group answered (plain UPDATEs, not timed), then
   `services.publish_synthesis` and `printing.synthesis_pdf` — the "BÁO CÁO TỔNG HỢP Ý
   KIẾN" PDF, split into the template (HTML) and WeasyPrint — once each, with their query
   counts and the PDF's pages, beside raw SQL of the same figures (opinions by section and
   by channel, each group's opinions and how many are public), and the board once more
   after publication. The small consultation is published and printed first: its print is
   the probe from which the large one's is estimated, and the large one is printed only if
   the estimate fits in `--pdf-budget` seconds (skipped with the estimate otherwise).

A step slower than 10 s is timed once, not `--repeat` times.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth, user postgres):

    .venv/bin/python bench/consultations.py
    .venv/bin/python bench/consultations.py --opinions 20000 --databases sqlite,postgres

Options: `--opinions` (default 100000), `--sections` (default 200), `--repeat` (default 3),
`--pdf-budget` (seconds, default 900), `--databases` (postgres, sqlite or both; default
postgres), `--timeout` (seconds per database before the child is stopped, default 3600),
`--postgres-url`, `--keep` (leave the PostgreSQL database behind). PostgreSQL runs in
`danchu_bench_consultations`, created (dropped first if left over) and dropped at the end;
SQLite in a temporary DANCHU_DATA_DIR, removed at the end. Each database runs in a child
process (settings are read once per process). Progress goes to stderr, figures to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _common
from _common import log

BENCH_DATABASE = "danchu_bench_consultations"
SEED = 2026
BATCH = 5_000
SMALL_SHARE = 0.01  # the second consultation, for the query count
SLOW = 10.0  # seconds: a step slower than this is timed once

CHANNELS = (
    ("portal", 0.40),
    ("meeting", 0.20),
    ("front", 0.12),
    ("box", 0.10),
    ("ballot", 0.08),
    ("group", 0.05),
    ("dialogue", 0.03),
    ("affected", 0.02),
)
TOPICS = (
    "Phạm vi điều chỉnh",
    "Đối tượng áp dụng",
    "Nguyên tắc thực hiện dân chủ ở cơ sở",
    "Những nội dung công khai",
    "Hình thức công khai thông tin",
    "Thời điểm, thời hạn công khai",
    "Trách nhiệm công khai thông tin",
    "Những nội dung Nhân dân bàn và quyết định",
    "Hình thức Nhân dân bàn và quyết định",
    "Tổ chức cuộc họp cộng đồng dân cư",
    "Phát phiếu lấy ý kiến hộ gia đình",
    "Hiệu lực của quyết định của cộng đồng dân cư",
    "Những nội dung Nhân dân tham gia ý kiến",
    "Hình thức Nhân dân tham gia ý kiến",
    "Tổng hợp, tiếp thu, giải trình ý kiến của Nhân dân",
    "Những nội dung Nhân dân giám sát",
    "Ban Thanh tra nhân dân",
    "Ban Giám sát đầu tư của cộng đồng",
    "Hội nghị đối thoại với Nhân dân",
    "Tiếp nhận, xử lý kiến nghị, phản ánh",
    "Đóng góp xây dựng công trình công cộng",
    "Quản lý, sử dụng các khoản đóng góp",
    "Thu, chi quỹ của cộng đồng dân cư",
    "Hương ước, quy ước của thôn, tổ dân phố",
    "Bầu, cho thôi làm Trưởng thôn",
    "Trách nhiệm của Ủy ban nhân dân xã",
    "Trách nhiệm của Ủy ban Mặt trận Tổ quốc xã",
    "Trách nhiệm của Trưởng thôn, Tổ trưởng tổ dân phố",
    "Khen thưởng và xử lý vi phạm",
    "Điều khoản thi hành",
)
ASKS = (
    "Đề nghị bổ sung quy định rõ thời hạn niêm yết tại nhà văn hóa thôn",
    "Đề nghị ghi rõ trách nhiệm của cán bộ phụ trách khi chậm trả lời",
    "Nên công khai thêm trên nhóm Zalo của thôn để bà con đi làm xa cũng biết",
    "Đề nghị giữ nguyên như dự thảo, nội dung đã phù hợp với thực tế địa phương",
    "Đề nghị bỏ quy định này vì trùng với quy định của Luật",
    "Cần quy định mức đóng góp tối đa để tránh gây khó khăn cho hộ nghèo, cận nghèo",
    "Đề nghị kéo dài thời gian lấy ý kiến vì đang vào vụ thu hoạch",
    "Đề nghị thay cụm từ cho dễ hiểu với người cao tuổi",
    "Cần bổ sung việc thông báo qua loa truyền thanh của xã vào buổi sáng và buổi chiều",
    "Đề nghị làm rõ ai chủ trì cuộc họp khi Trưởng thôn vắng mặt",
    "Đề nghị quy định việc công khai kết quả sau khi tổng hợp trong 10 ngày",
    "Nên cho phép hộ gia đình góp ý bằng phiếu gửi qua Chi hội Phụ nữ",
)
REASONS = (
    "Tiếp thu, đã sửa dự thảo theo ý kiến của Nhân dân.",
    "Tiếp thu một phần, bổ sung vào khoản 2 của điều này.",
    "Tiếp thu, giao Văn phòng HĐND và UBND xã hoàn thiện câu chữ.",
)
NOT_REASONS = (
    "Không tiếp thu: nội dung này đã được Luật Thực hiện dân chủ ở cơ sở quy định, quy chế "
    "của xã không được quy định khác.",
    "Không tiếp thu: thời hạn theo dự thảo đã là thời hạn tối thiểu theo quy định.",
    "Không tiếp thu: việc này thuộc thẩm quyền của cộng đồng dân cư từng thôn quyết định.",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Ngọc", "Quang", "Thu", "Hữu")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hòa", "Lan", "Nam", "Phương", "Thảo", "Tuấn")

RAW_BY_SECTION = (
    "SELECT section_id, count(*) FROM consultations_opinion WHERE consultation_id = %s "
    "GROUP BY section_id"
)
RAW_BY_CHANNEL = (
    "SELECT channel, count(*) FROM consultations_opinion WHERE consultation_id = %s "
    "AND NOT hidden GROUP BY channel"
)
RAW_BOARD_COUNTS = """
SELECT count(*) FILTER (WHERE NOT o.hidden AND (g.answer IS NULL OR g.answer = '')),
       count(*) FILTER (WHERE NOT o.hidden AND o.group_id IS NULL),
       count(*) FILTER (WHERE o.hidden)
FROM consultations_opinion o LEFT JOIN consultations_opiniongroup g ON g.id = o.group_id
WHERE o.consultation_id = %s
"""
RAW_BY_GROUP = (
    "SELECT group_id, count(*), count(*) FILTER (WHERE is_public) FROM consultations_opinion "
    "WHERE consultation_id = %s AND NOT hidden AND group_id IS NOT NULL GROUP BY group_id"
)
RAW_BOARD = (RAW_BY_SECTION, RAW_BY_CHANNEL, RAW_BOARD_COUNTS, RAW_BY_GROUP)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opinions", type=int, default=100_000)
    parser.add_argument("--sections", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--databases", default="postgres")
    parser.add_argument("--pdf-budget", type=float, default=900.0, help="seconds")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per database")
    parser.add_argument("--postgres-url", default=_common.DEFAULT_POSTGRES_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sections < 2 or args.opinions < 100 or args.repeat < 1:
        parser.error("--sections at least 2, --opinions at least 100, --repeat at least 1")
    _common.exit_on_sigterm()
    if args.child:
        return run_child(args)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if not databases or set(databases) - {"postgres", "sqlite"}:
        parser.error("--databases takes postgres, sqlite or both")
    status = 0
    for database in databases:
        status |= run_database(database, args)
    return status


def run_database(database: str, args) -> int:
    """One child process per database; the parent creates and drops the PostgreSQL database."""
    tmp = Path(tempfile.mkdtemp(prefix=f"danchu-bench-consultations-{database}-"))
    server_url = args.postgres_url.rstrip("/")
    database_url = None
    try:
        if database == "postgres":
            database_url = _common.recreate_database(server_url, BENCH_DATABASE)
        env = _common.django_env(database_url=database_url, data_dir=tmp)
        env["DANCHU_OFFICER_2FA"] = "false"  # the officer signs in without a device here
        _common.collect_static(env)  # the board's page needs the manifest
        command = [sys.executable, str(Path(__file__).resolve()), "--child", database]
        for option in ("opinions", "sections", "repeat", "pdf_budget"):
            command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
        return _common.run_in_child(command, env, args.timeout, database)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if database == "postgres" and not args.keep:
            _common.drop_database(server_url, BENCH_DATABASE)


# --- child: one database ----------------------------------------------------------------------


def run_child(args) -> int:
    started = time.monotonic()
    _common.setup_django(dict(os.environ))
    from django.db import connection

    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    commune, officer = make_commune()
    big = make_consultation(commune, args.sections, args.opinions, seed=SEED)
    small_n = max(100, int(args.opinions * SMALL_SHARE))
    small = make_consultation(commune, args.sections, small_n, seed=SEED + 1)
    analyse()
    print(
        f"\ndanchu consultations benchmark — {label} {database_version()}, "
        f"{os.cpu_count()} CPUs: a consultation of {args.sections} articles and "
        f"{args.opinions:,} opinions (and one of {small_n:,} beside it); "
        f"built in {time.monotonic() - started:.0f} s"
    )
    sys.stdout.flush()
    ok = time_board(commune, officer, big, small, args.repeat)
    ok &= time_publish(officer, big, small, args.repeat, args.pdf_budget)
    _common.close_connections()
    return 0 if ok else 1


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0].split(" ")[0]


def analyse() -> None:
    from django.db import connection

    log("analysing the tables")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("consultations_opinion", "consultations_opiniongroup"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


# --- data ----------------------------------------------------------------------------------------


def make_commune():
    from danchu.accounts.models import Role, RoleGrant, User
    from danchu.units.models import Unit

    log("creating a commune and its officer")

    def unit(kind, code, name, parent=None, division_type=""):
        u = Unit(kind=kind, code=code, name=name, parent=parent, division_type=division_type)
        u.save()
        return u

    nation = unit(Unit.Kind.NATION, "VN", "Việt Nam")
    province = unit(Unit.Kind.PROVINCE, "01", "Thành phố Hà Nội", nation, "Thành phố")
    commune = unit(Unit.Kind.COMMUNE, "10402", "Xã Ứng Hòa", province, "Xã")
    officer = User.objects.create_user(
        username="can_bo_xa",
        password="mat-khau-bench-2026",  # noqa: S106 - a throwaway database
        full_name="Nguyễn Thị Hạnh",
    )
    RoleGrant.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    return commune, officer


def draft_text(sections: int, rng: random.Random) -> str:
    """A regulation draft: `sections` articles ("Điều N. …"), each of a few clauses."""
    lines = []
    for n in range(1, sections + 1):
        topic = TOPICS[(n - 1) % len(TOPICS)]
        part = (n - 1) // len(TOPICS)
        heading = topic if part == 0 else f"{topic} (tiếp theo, phần {part + 1})"
        lines.append(f"Điều {n}. {heading}")
        for k in range(1, rng.randint(2, 4) + 1):
            lines.append(
                f"{k}. Ủy ban nhân dân xã Ứng Hòa thực hiện việc {topic.lower()} theo quy định "
                f"của Luật Thực hiện dân chủ ở cơ sở và hướng dẫn của Ủy ban nhân dân Thành "
                f"phố; Trưởng thôn, Tổ trưởng tổ dân phố phối hợp tổ chức thực hiện."
            )
        lines.append("")
    return "\n".join(lines)


def make_consultation(commune, sections: int, n: int, *, seed: int):
    """The consultation (through the services), its opinions and groups in bulk; the period
    ended yesterday."""
    from django.utils import timezone

    from danchu.accounts.permissions import SYSTEM
    from danchu.consultations import services
    from danchu.consultations.models import (
        Art25Item,
        Consultation,
        Opinion,
        OpinionGroup,
    )

    rng = random.Random(seed)
    today = timezone.localdate()
    log(f"creating a consultation of {sections} articles")
    consultation = services.create_consultation(
        actor=SYSTEM,
        unit=commune,
        item=Art25Item.objects.get(number=7),
        title="Dự thảo Quy chế thực hiện dân chủ ở xã Ứng Hòa",
        summary="Lấy ý kiến Nhân dân về dự thảo Quy chế trước khi UBND xã ban hành.",
        draft_text=draft_text(sections, rng),
        opens_on=today - dt.timedelta(days=30),
        closes_on=today,
        forms=[value for value, _share in CHANNELS],
    )
    services.open_consultation(actor=SYSTEM, consultation=consultation)
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_on=today - dt.timedelta(days=1)  # the period has ended: the synthesis is due
    )
    consultation.refresh_from_db()
    section_list = list(consultation.sections.order_by("number"))
    if len(section_list) != sections:
        raise RuntimeError(f"the draft split into {len(section_list)} sections, not {sections}")

    # Groups: two or three per article, five on the whole draft; 9 in 10 answered.
    log("creating the groups")
    groups_of: dict[int | None, list[OpinionGroup]] = {}
    rows = []
    for target in [*section_list, None]:
        count = 5 if target is None else rng.choice((2, 2, 3))
        for _ in range(count):
            ask = rng.choice(ASKS)
            where = f"Điều {target.number}" if target else "toàn bộ dự thảo"
            answer, reason = "", ""
            roll = rng.random()
            if roll < 0.55:
                answer, reason = "accepted", rng.choice(REASONS)
            elif roll < 0.9:
                answer, reason = "not_accepted", rng.choice(NOT_REASONS)
            group = OpinionGroup(
                consultation=consultation,
                title=f"{ask} ({where})"[:300],
                answer=answer,
                reason=reason,
                position=len(rows),
            )
            rows.append(group)
            groups_of.setdefault(target.pk if target else None, []).append(group)
    OpinionGroup.objects.bulk_create(rows, batch_size=BATCH)

    log(f"inserting {n:,} opinions")
    start = time.perf_counter()
    # A few articles draw most opinions: weights 1/rank, shuffled over the articles.
    weights = [1 / (rank + 1) for rank in range(sections)]
    rng.shuffle(weights)
    channels = [c for c, _w in CHANNELS]
    channel_weights = [w for _c, w in CHANNELS]
    inserted = 0
    batch = []
    for _ in range(n):
        section = None if rng.random() < 0.08 else rng.choices(section_list, weights)[0]
        channel = rng.choices(channels, channel_weights)[0]
        topic = section.heading.split(". ", 1)[-1].lower() if section else "dự thảo quy chế"
        text = (
            f"{rng.choice(ASKS)} ({topic}). "
            f"{rng.choice(ASKS)}; gia đình tôi và nhiều hộ trong xóm cùng ý kiến này."
        )
        if rng.random() < 0.3:
            text += " " + rng.choice(ASKS) + "."
        portal = channel == "portal"
        is_public = rng.random() < 0.85
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        roll = rng.random()
        hidden = roll < 0.01
        shortened = 0.01 <= roll < 0.015
        group = None
        if not hidden and rng.random() < 0.8:
            group = rng.choice(groups_of[section.pk if section else None])
        batch.append(
            Opinion(
                consultation=consultation,
                section=section,
                channel=channel,
                text=text[:120] + "…" if shortened else text,
                original_text=text,
                author_name=name if portal or rng.random() < 0.5 else "",
                is_public=is_public,
                show_name=portal and is_public and rng.random() < 1 / 3,
                hidden=hidden,
                moderation_note=(
                    "Có lời lẽ xúc phạm cá nhân."
                    if hidden
                    else "Rút gọn phần trùng lặp."
                    if shortened
                    else ""
                ),
                group=group,
            )
        )
        if len(batch) == BATCH:
            inserted += len(Opinion.objects.bulk_create(batch))
            batch = []
            if inserted % 20_000 == 0:
                log(f"  {inserted:,}")
    inserted += len(Opinion.objects.bulk_create(batch))
    log(f"opinions in {time.perf_counter() - start:.1f} s")
    return consultation


# --- measuring -----------------------------------------------------------------------------------


class Board:
    """The officer's board through the web: GET synthesis/ with the test client (middleware,
    view, template), and the same request with the template not rendered (the view's work)."""

    def __init__(self, officer, consultation):
        from django.test import Client

        self.url = f"/u/{consultation.unit.code}/consultations/{consultation.pk}/synthesis/"
        self.client = Client()
        self.client.force_login(officer)
        self.context = None

    def page(self):
        response = self.client.get(self.url)
        if response.status_code != 200:
            raise RuntimeError(f"{self.url}: {response.status_code}")
        return response

    def view_only(self):
        """The request with `render` replaced by one that keeps the context and renders
        nothing: what the view costs before the template."""
        from django.http import HttpResponse

        from danchu.consultations import views

        real = views.render

        def keep(request, template, context, status=200):
            self.context = context
            return HttpResponse(b"", status=status)

        views.render = keep
        try:
            return self.page()
        finally:
            views.render = real


def median_time(function, repeat: int):
    """Median of `repeat` runs after a warm-up; a first run over SLOW seconds is the figure
    itself (one run: the caches matter little beside it)."""
    start = time.perf_counter()
    result = function()
    first = time.perf_counter() - start
    if first > SLOW:
        return first, result
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def queries_of(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = function()
    return len(queries.captured_queries), result


def raw_board(consultation_id: int) -> dict:
    """The board's figures in raw SQL (FILTER is PostgreSQL's and SQLite's both)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_BY_SECTION, [consultation_id])
        by_section = dict(cursor.fetchall())
        cursor.execute(RAW_BY_CHANNEL, [consultation_id])
        by_channel = dict(cursor.fetchall())
        cursor.execute(RAW_BOARD_COUNTS, [consultation_id])
        unanswered, ungrouped, hidden = cursor.fetchone()
        cursor.execute(RAW_BY_GROUP, [consultation_id])
        by_group = {g: (n, public) for g, n, public in cursor.fetchall()}
    return {
        "by_section": by_section,
        "by_channel": by_channel,
        "unanswered": unanswered,
        "ungrouped": ungrouped,
        "hidden": hidden,
        "by_group": by_group,
    }


def board_figures(context) -> dict:
    """The same figures, read from the board's context."""
    from danchu.consultations.models import Channel

    labels = {str(label): value for value, label in Channel.choices}
    groups = [*context["waiting_groups"], *context["answered_groups"]]
    return {
        "by_channel": {labels[str(label)]: n for label, n in context["by_channel"]},
        "unanswered": context["unanswered_count"],
        "ungrouped": context["page"].paginator.count,  # the board lists ungrouped by default
        "hidden": context["hidden_count"],
        "by_group": {g.pk: g.count for g in groups if g.count},
    }


def row(name: str, seconds: float, note: str = "") -> None:
    print(f"   {name:<46} {seconds:>9.3f} s   {note}".rstrip())


def time_board(commune, officer, big, small, repeat: int) -> bool:
    log("timing the synthesis board")
    board = Board(officer, big)
    page_s, (big_queries, response) = median_time(lambda: queries_of(board.page), repeat)
    size = len(response.content)
    view_s, _r = median_time(board.view_only, repeat)
    context = board.context
    raw_s, raw = median_time(lambda: raw_board(big.pk), repeat)
    section_s, _r = median_time(lambda: raw_section_count(big.pk), repeat)
    mine = board_figures(context)
    raw_groups = {g: n for g, (n, _p) in raw["by_group"].items()}
    same = (
        mine["by_channel"] == raw["by_channel"]
        and (mine["unanswered"], mine["ungrouped"], mine["hidden"])
        == (raw["unanswered"], raw["ungrouped"], raw["hidden"])
        and mine["by_group"] == raw_groups
    )
    small_board = Board(officer, small)
    small_board.page()
    small_queries, _r = queries_of(small_board.page)
    small_s, _r = median_time(small_board.page, repeat)
    total = sum(raw["by_section"].values())
    print(
        f"\n1. The synthesis board, before publication ({total:,} opinions: "
        f"{raw['ungrouped']:,} not grouped, {raw['unanswered']:,} unanswered, "
        f"{raw['hidden']:,} hidden; {len(context['waiting_groups'])} groups waiting, "
        f"{len(context['answered_groups'])} answered; median of {repeat})"
    )
    row("GET synthesis/ (whole page)", page_s, f"{size / 1e6:.1f} MB of HTML")
    row("  of which the view, template not rendered", view_s)
    row("  of which the template (page − view)", page_s - view_s)
    row("raw SQL: count by section (GROUP BY)", section_s, f"{len(raw['by_section'])} rows")
    row(
        "raw SQL: every count the board shows",
        raw_s,
        "by section, by channel, unanswered, ungrouped, hidden, by group",
    )
    print(f"   board ÷ raw SQL (all counts)                  {page_s / raw_s:>9.0f} ×")
    print(f"   view ÷ raw SQL (all counts)                   {view_s / raw_s:>9.0f} ×")
    print(
        f"   queries per board: {big_queries} with {total:,} opinions, "
        f"{small_queries} with {small.opinions.count():,} "
        f"({'constant' if big_queries == small_queries else 'GROWS WITH THE OPINIONS'}); "
        f"the small board takes {small_s:.3f} s"
    )
    print(f"   {'ok  ' if same else 'FAIL'} the board's counts and raw SQL agree")
    sys.stdout.flush()
    return same


def raw_section_count(consultation_id: int):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_BY_SECTION, [consultation_id])
        return cursor.fetchall()


def finish_synthesis(consultation) -> tuple[int, int]:
    """Every opinion not yet grouped goes to a group of its article, and every group is
    answered: what the officers do on the board, in plain UPDATEs (not timed)."""
    from django.db.models import Q

    from danchu.consultations.models import Opinion, OpinionGroup

    log("grouping the remaining opinions and answering every group")
    moved = 0
    groups = list(OpinionGroup.objects.filter(consultation=consultation))
    first = {}
    for group in groups:
        match = re.search(r"\(Điều (\d+)\)$", group.title)
        first.setdefault(int(match.group(1)) if match else None, group)
    sections = dict(consultation.sections.values_list("number", "pk"))
    for number, group in first.items():
        where = Q(section_id=sections[number]) if number else Q(section__isnull=True)
        moved += Opinion.objects.filter(
            where, consultation=consultation, group__isnull=True, hidden=False
        ).update(group=group)
    answered = OpinionGroup.objects.filter(consultation=consultation, answer="").update(
        answer="accepted", reason=REASONS[0]
    )
    return moved, answered


def publish_and_print(officer, consultation, repeat: int, *, budget: float | None = None):
    """Finish the synthesis, publish it and print it; the figures, or None for the print
    when the probe's estimate (`budget`: (seconds, estimate)) does not fit."""
    from pypdf import PdfReader

    from danchu.consultations import printing, services
    from danchu.consultations.models import Channel, Consultation
    from danchu.core import pdf

    moved, answered = finish_synthesis(consultation)
    analyse()
    log(f"publishing the synthesis of {consultation.opinions.count():,} opinions")
    consultation = Consultation.objects.select_related("unit", "item").get(pk=consultation.pk)
    publish_queries, (publish_s, consultation) = queries_of(
        lambda: timed(
            lambda: services.publish_synthesis(
                actor=officer, consultation=consultation, reported_to="Hội đồng nhân dân xã"
            )
        )
    )
    raw_s, raw = median_time(lambda: raw_board(consultation.pk), repeat)
    section_s, _r = median_time(lambda: raw_section_count(consultation.pk), repeat)
    figures = {
        "moved": moved,
        "answered": answered,
        "publish_s": publish_s,
        "publish_queries": publish_queries,
        "raw_s": raw_s,
        "section_s": section_s,
        "opinions": sum(n for n, _p in raw["by_group"].values()),
        "public": sum(p for _n, p in raw["by_group"].values()),
        "quoted": quoted_of(raw),
        "groups": len(raw["by_group"]),
        "pdf_s": None,
        "same": True,
    }
    if budget is not None and budget[1] > budget[0]:
        log(f"not printing: about {budget[1]:.0f} s estimated, over {budget[0]:.0f} s")
        return figures
    log("printing the synthesis (PDF)")
    consultation = Consultation.objects.select_related("unit", "item").get(pk=consultation.pk)
    spent = {}
    real = pdf.html_to_pdf

    def timed_html_to_pdf(page):
        spent["html"] = len(page)
        start = time.perf_counter()
        try:
            return real(page)
        finally:
            spent["weasyprint"] = time.perf_counter() - start

    pdf.html_to_pdf = timed_html_to_pdf
    try:
        pdf_queries, (pdf_s, document) = queries_of(
            lambda: timed(lambda: printing.synthesis_pdf(consultation))
        )
    finally:
        pdf.html_to_pdf = real
    groups = printing.synthesis_groups(consultation)
    printed = {
        g.pk: (g.count, len(g.public_opinions) + g.more_public)
        for key in groups
        for g in groups[key]
        if g.count
    }
    labels = {str(label): value for value, label in Channel.choices}
    by_channel = {labels[str(k)]: v for k, v in printing.opinions_by_channel(consultation)}
    figures.update(
        pdf_s=pdf_s,
        pdf_queries=pdf_queries,
        weasyprint_s=spent["weasyprint"],
        html_bytes=spent["html"],
        pdf_bytes=len(document),
        pages=len(PdfReader(io.BytesIO(document)).pages),
        same=printed == raw["by_group"] and by_channel == raw["by_channel"],
    )
    return figures


def quoted_of(raw: dict) -> int:
    """How many opinions the printed synthesis quotes: the first public ones of each group."""
    from django.conf import settings

    limit = settings.CONSULTATION_SYNTHESIS_QUOTES
    return sum(min(public, limit) for _n, public in raw["by_group"].values())


def time_publish(officer, big, small, repeat: int, pdf_budget: float) -> bool:
    """The small consultation first: its print is the probe from which the big one's time
    is estimated; the big one is printed if the estimate fits in `pdf_budget` seconds."""
    probe = publish_and_print(officer, small, repeat)
    # The printed synthesis grows with the groups and the opinions it quotes (a few per
    # group), not with every opinion: the estimate scales the probe by what would be quoted.
    from danchu.consultations.printing import synthesis_groups

    prepared = finish_synthesis(big)
    groups = synthesis_groups(big)
    big_quoted = sum(len(g.public_opinions) for key in groups for g in groups[key])
    big_groups = sum(len(groups[key]) for key in groups)
    estimate = probe["pdf_s"] * max(
        big_quoted / max(probe["quoted"], 1), big_groups / max(probe["groups"], 1)
    )
    full = publish_and_print(officer, big, repeat, budget=(pdf_budget, estimate))
    full["moved"], full["answered"] = prepared  # done above, before the estimate
    board = Board(officer, big)
    after_s, (after_queries, response) = median_time(lambda: queries_of(board.page), repeat)
    print(
        f"\n2. Publishing and printing the synthesis (first the {full['moved']:,} opinions "
        f"not grouped go to a group of their article and the {full['answered']} groups "
        f"waiting are answered, in plain UPDATEs)"
    )
    print(
        f"   {'opinions in groups (public, quoted)':<36} {'publish':>9} {'PDF':>9} "
        f"{'template':>9} {'WeasyPrint':>10} {'raw SQL':>9} {'PDF ÷ raw':>10}  PDF"
    )
    for figures in (probe, full):
        who = f"{figures['opinions']:,} ({figures['public']:,}, {figures['quoted']:,})"
        head = f"   {who:<36} {figures['publish_s']:>8.3f}s"
        if figures["pdf_s"] is None:
            print(
                f"{head} {'skipped':>9}   about {estimate:,.0f} s estimated from the "
                f"{probe['opinions']:,} opinions' print, over --pdf-budget {pdf_budget:.0f} s"
            )
            continue
        print(
            f"{head} {figures['pdf_s']:>8.2f}s "
            f"{figures['pdf_s'] - figures['weasyprint_s']:>8.2f}s "
            f"{figures['weasyprint_s']:>9.2f}s {figures['raw_s']:>8.4f}s "
            f"{figures['pdf_s'] / figures['raw_s']:>9.0f}×  "
            f"{figures['pages']:,} pages, {figures['pdf_bytes'] / 1e6:.1f} MB "
            f"(HTML {figures['html_bytes'] / 1e6:.1f} MB)"
        )
    print(
        f"   queries: publish_synthesis {full['publish_queries']}, synthesis_pdf "
        f"{probe['pdf_queries']} (small)"
        + (f" and {full['pdf_queries']} (large)" if full["pdf_s"] is not None else "")
        + f"; raw SQL count by section {full['section_s']:.4f} s"
    )
    if full["pdf_s"] is None:
        print(f"   estimated PDF for {full['opinions']:,} opinions: about {estimate:,.0f} s")
    row(
        "GET synthesis/ after publication",
        after_s,
        f"{after_queries} queries, {len(response.content) / 1e6:.1f} MB of HTML",
    )
    same = probe["same"] and full["same"]
    print(f"   {'ok  ' if same else 'FAIL'} the printed synthesis's counts and raw SQL agree")
    sys.stdout.flush()
    return same


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


if __name__ == "__main__":
    sys.exit(main())
