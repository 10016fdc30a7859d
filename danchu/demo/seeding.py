"""The demo commune: Xã Ứng Hòa (Hà Nội, 10402), its villages, households and accounts.

Every change goes through the services, so the audit log tells the story of the demo
the way it would tell a real commune's. Every step looks its object up by code or user
name first, so running the demo again changes nothing.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from danchu.accounts.models import Role, User
from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import add_user
from danchu.audit.services import record
from danchu.core.vietnamese import fold
from danchu.demo.management.commands.gen_synthetic import write_households_csv
from danchu.people.models import Household
from danchu.people.services import import_households
from danchu.units.models import Unit
from danchu.units.services import NATION_CODE, create_village, get_unit, merge_units

SEED = 2026
COMMUNE_CODE = "10402"
PROVINCE_CODE = "01"
# One shared password for every demo account; it passes Django's password validators.
PASSWORD = "dan-chu-co-so-2026"  # noqa: S105 - published on purpose: it is the demo
BACKUP_CODES = 5
MERGE_EFFECTIVE = dt.date(2025, 7, 1)
MERGE_DECISION = "Nghị quyết của HĐND Thành phố Hà Nội về sáp nhập thôn (dữ liệu minh họa)"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class VillageSpec:
    code: str
    name: str
    household_prefix: str
    households: int
    division_type: str = "Thôn"


VILLAGES = [
    VillageSpec("10402-01", "Thôn Đông Lỗ", "DL", 231),
    VillageSpec("10402-02", "Thôn Hòa Xá", "HX", 204),
    VillageSpec("10402-03", "Thôn Cao Xá", "CX", 187),
    VillageSpec("10402-04", "Thôn Vân Đình", "VD", 246),
    VillageSpec("10402-05", "Thôn Phú Lương", "PL", 168),
    VillageSpec("10402-06", "Thôn Thái Bình", "TB", 159),
    VillageSpec("10402-07", "Thôn Đình Tổ", "DT", 176),
    VillageSpec("10402-08", "Tổ dân phố Thao Chính", "TC", 88, "Tổ dân phố"),
]
# A small village merged into Thôn Vân Đình when the two-tier government began.
MERGED_VILLAGE = VillageSpec("10402-09", "Thôn Vĩnh Thịnh", "VT", 41)
MERGED_INTO = "10402-04"
AGENCY_CODE = "10402-TH01"
AGENCY_NAME = "Trường Tiểu học Ứng Hòa"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    full_name: str
    role: str
    unit_code: str


ACCOUNTS = [
    AccountSpec("cudan", "Nguyễn Thị Lan", Role.RESIDENT, "10402-01"),
    AccountSpec("truongthon", "Trần Văn Hùng", Role.VILLAGE_HEAD, "10402-01"),
    AccountSpec("canbo", "Lê Thị Thu Hương", Role.COMMUNE_OFFICER, COMMUNE_CODE),
    AccountSpec("chutich", "Phạm Quang Minh", Role.COMMUNE_CHAIR, COMMUNE_CODE),
    AccountSpec("mattran", "Đỗ Thị Hạnh", Role.FRONT_COMMITTEE, COMMUNE_CODE),
    AccountSpec("thanhtra", "Nguyễn Văn Bình", Role.INSPECTION_BOARD, COMMUNE_CODE),
    AccountSpec("giamsat", "Vũ Đức Thắng", Role.SUPERVISION_BOARD, COMMUNE_CODE),
    AccountSpec("chidao", "Hoàng Minh Tuấn", Role.STEERING_MEMBER, PROVINCE_CODE),
    AccountSpec("hieutruong", "Ngô Thị Phương", Role.AGENCY_HEAD, AGENCY_CODE),
    AccountSpec("congdoan", "Đặng Văn Long", Role.UNION_REP, AGENCY_CODE),
    AccountSpec("quantri", "Bùi Thị Ngọc Anh", Role.ADMIN, NATION_CODE),
]


@dataclass(frozen=True)
class AccountCard:
    """What a visitor needs to sign in as one demo account."""

    username: str
    full_name: str
    role: str
    unit: str
    password: str
    backup_code: str = ""
    totp_secret: str = ""


@dataclass(frozen=True)
class DemoSummary:
    commune: Unit
    villages: int
    households: int
    accounts: list[AccountCard]


from danchu.demo import offices as offices_demo  # noqa: E402
from danchu.demo.consultations import seed_consultations  # noqa: E402
from danchu.demo.engines import seed_matters, seed_notices  # noqa: E402
from danchu.petitions import demo as petitions_demo  # noqa: E402
from danchu.steering import demo as steering_demo  # noqa: E402


def seed_demo(*, progress: Progress = lambda line: None) -> DemoSummary:
    """Seed the demo commune. Needs the official units (`seed_units`) loaded first."""
    commune = get_unit(COMMUNE_CODE)
    progress(f"Thôn, tổ dân phố và hộ gia đình của {commune.name}:")
    for spec in VILLAGES:
        seed_village(commune, spec, progress)
    progress("Lịch sử sáp nhập:")
    seed_merge_history(commune, progress)
    progress("Cơ quan trên địa bàn:")
    seed_agency(commune, progress)
    progress("Tài khoản minh họa, mỗi vai trò một tài khoản…")
    accounts = [seed_account(spec) for spec in ACCOUNTS]
    progress("Dữ liệu cá nhân — hộ của tài khoản người dân và yêu cầu về dữ liệu:")
    seed_personal_data(progress)
    progress("Dân biết — thông báo công khai:")
    seed_notices(commune, progress)
    progress("Dân bàn — vấn đề cộng đồng quyết định:")
    seed_matters(commune, progress)
    progress("Trưởng thôn, bầu cử và nhiệm kỳ:")
    offices_demo.seed(commune, progress)
    progress("Dân tham gia ý kiến — dự thảo lấy ý kiến Nhân dân:")
    seed_consultations(commune, progress)
    progress("Dân kiểm tra — phản ánh, kiến nghị, khiếu nại:")
    petitions_demo.seed(commune, progress)
    progress("Ban Chỉ đạo — chỉ số, kiểm tra, điểm nóng:")
    steering_demo.seed(commune, progress)
    return DemoSummary(
        commune=commune,
        villages=Unit.objects.current().filter(parent=commune, kind=Unit.Kind.VILLAGE).count(),
        households=Household.objects.current().in_subtree(commune).count(),
        accounts=accounts,
    )


# --- villages and households ------------------------------------------------------------


def households_csv(spec: VillageSpec) -> bytes:
    """The village's household file, the same bytes on every run."""
    rng = random.Random(f"{SEED}:{spec.code}")
    generated = io.StringIO()
    write_households_csv(generated, spec.households, rng, spec.name)
    rows = list(csv.reader(io.StringIO(generated.getvalue())))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for code, *rest in rows[1:]:
        # "H0001" -> "DL-0001": codes tell villages apart after a merge moves households.
        writer.writerow([f"{spec.household_prefix}-{code[1:]}", *rest])
    return out.getvalue().encode("utf-8")


def _find_village(commune: Unit, spec: VillageSpec) -> Unit | None:
    by_code = Unit.objects.filter(code=spec.code).first()
    if by_code is not None:
        return by_code
    return (
        Unit.objects.current()
        .filter(parent=commune, kind=Unit.Kind.VILLAGE, name_folded=fold(spec.name))
        .first()
    )


@transaction.atomic
def seed_village(commune: Unit, spec: VillageSpec, progress: Progress) -> Unit:
    village = _find_village(commune, spec)
    if village is None:
        village = create_village(
            actor=SYSTEM,
            commune=commune,
            name=spec.name,
            division_type=spec.division_type,
            code=spec.code,
        )
    if not Household.objects.filter(village=village).exists():
        import_households(
            actor=SYSTEM,
            village=village,
            data=households_csv(spec),
            filename=f"ho-gia-dinh-{spec.code}.csv",
        )
    count = Household.objects.current().filter(village=village).count()
    progress(f"  {village.name}: {count} hộ")
    return village


@transaction.atomic
def seed_merge_history(commune: Unit, progress: Progress) -> Unit:
    """One village created, given households, then merged: its page shows the history."""
    old = Unit.objects.filter(code=MERGED_VILLAGE.code).first()
    if old is None:
        old = create_village(
            actor=SYSTEM, commune=commune, name=MERGED_VILLAGE.name, code=MERGED_VILLAGE.code
        )
        import_households(
            actor=SYSTEM,
            village=old,
            data=households_csv(MERGED_VILLAGE),
            filename=f"ho-gia-dinh-{MERGED_VILLAGE.code}.csv",
        )
    if old.successor_id is None:
        merge_units(
            actor=SYSTEM,
            sources=[old],
            into=get_unit(MERGED_INTO),
            effective=MERGE_EFFECTIVE,
            decision=MERGE_DECISION,
        )
        old.refresh_from_db()
    progress(f"  {old.name}: đã sáp nhập vào {old.successor.name} từ {MERGE_EFFECTIVE:%d/%m/%Y}")
    return old


@transaction.atomic
def seed_agency(commune: Unit, progress: Progress) -> Unit:
    """An agency under the commune, for the workplace roles (Law 10/2022 Chapter III)."""
    agency = Unit.objects.filter(code=AGENCY_CODE).first()
    if agency is None:
        agency = Unit(
            kind=Unit.Kind.AGENCY,
            division_type="Trường tiểu học",
            code=AGENCY_CODE,
            name=AGENCY_NAME,
            parent=commune,
        )
        agency.full_clean(exclude=["path"])
        agency.save()
        record(
            actor=SYSTEM,
            action="unit.created",
            obj=agency,
            unit=agency,
            payload={"name": agency.name},
        )
    progress(f"  {agency.name}")
    return agency


# --- accounts and second factors --------------------------------------------------------


@transaction.atomic
def seed_account(spec: AccountSpec) -> AccountCard:
    unit = get_unit(spec.unit_code)
    user, _created = add_user(
        actor=SYSTEM,
        username=spec.username,
        password=PASSWORD,
        role=spec.role,
        unit=unit,
        full_name=spec.full_name,
    )
    backup_code = totp_secret = ""
    if spec.role != Role.RESIDENT:
        totp_secret = ensure_totp(user, unit)
        backup_code = ensure_backup_codes(user, unit)
    return AccountCard(
        username=user.username,
        full_name=user.full_name,
        role=str(Role(spec.role).label),
        unit=unit.name,
        password=PASSWORD,
        backup_code=backup_code,
        totp_secret=totp_secret,
    )


def seed_personal_data(progress: Progress) -> None:
    """The resident account is the representative of a household of Thôn Đông Lỗ (so it votes
    in three taps and sees its household's data), with one request answered and one waiting."""
    from django.utils import timezone

    from danchu.people import privacy
    from danchu.people.models import DataRequest

    resident = User.objects.get(username="cudan")
    if getattr(resident, "person", None) is None:
        village = get_unit("10402-01")
        household = (
            Household.objects.current().filter(village=village).select_related("representative")
        ).order_by("code")[0]
        person = household.representative
        person.full_name, person.user = resident.full_name, resident
        person.save()
        resident.refresh_from_db()
    if DataRequest.objects.filter(user=resident).exists():
        return
    today = timezone.localdate()
    answered = privacy.file_request(
        user=resident,
        kind=DataRequest.Kind.CORRECTION,
        details="Số điện thoại của tôi đã đổi sang 0983 214 576, xin sửa lại trong danh sách hộ.",
        today=today - dt.timedelta(days=12),
    )
    privacy.answer_request(
        actor=SYSTEM,
        request=answered,
        outcome=DataRequest.Status.DONE,
        answer="Đã cập nhật số điện thoại trong danh sách hộ của thôn Đông Lỗ.",
        today=today - dt.timedelta(days=11),
    )
    privacy.file_request(
        user=resident,
        kind=DataRequest.Kind.RESTRICTION,
        details="Tôi không muốn nhận tin nhắn SMS về các cuộc họp, chỉ nhận qua loa truyền thanh.",
        today=today,
    )
    progress(f"  {resident.full_name}: hộ {resident.person.household.code}, 2 yêu cầu")


def ensure_totp(user: User, unit: Unit) -> str:
    """A confirmed TOTP device for the officer; returns its secret in base32."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="danchu", confirmed=True)
        record(
            actor=SYSTEM,
            action="accounts.2fa_confirmed",
            obj=user,
            unit=unit,
            payload={"device": "totp"},
        )
    return base64.b32encode(device.bin_key).decode()


def ensure_backup_codes(user: User, unit: Unit) -> str:
    """Top the officer's backup codes up to BACKUP_CODES; returns the first unused one."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    missing = BACKUP_CODES - device.token_set.count()
    if missing > 0:
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=StaticToken.random_token()) for _ in range(missing)
        )
        record(
            actor=SYSTEM,
            action="accounts.backup_codes_issued",
            obj=user,
            unit=unit,
            payload={"count": missing},
        )
    return device.token_set.order_by("pk").values_list("token", flat=True).first()
