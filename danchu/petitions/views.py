"""Web pages of "Dân kiểm tra": file from a phone, follow by tracking code, answer as an officer.

Public pages never show who filed; a denunciation has no public page at all (only its filer,
proving the secret, and those who handle it see it). Every change goes through `services`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts import permissions
from danchu.core import throttle
from danchu.core.errors import ValidationError, first_message
from danchu.core.views import form_errors, perform
from danchu.petitions import forms, services
from danchu.petitions.models import (
    OPEN_STATUSES,
    Petition,
    PetitionFile,
    ReceptionBooking,
    ReceptionDay,
)
from danchu.units.models import Unit
from danchu.units.services import get_unit
from danchu.workdays.services import working_days_between

MANAGE = "petitions.manage"
PAGE_SIZE = 20
# Failed secret attempts per address before the page stops checking (a brake on guessing).
SECRET_ATTEMPTS = 10
# Online filings per address per window: enough for a family, not for a script.
FILINGS_PER_WINDOW = 20
SESSION_KEY = "petition_secrets"


def _unit_or_404(code: str) -> Unit:
    try:
        return get_unit(code)
    except ValidationError:
        raise Http404 from None


def _address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _year_window(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=364), today


# --- what the public may see ---------------------------------------------------------------


def public_petitions():
    """What anyone may list: never a denunciation."""
    return Petition.objects.exclude(kind=Petition.Kind.DENUNCIATION)


def unlocked_codes(request: HttpRequest) -> set[str]:
    return set(request.session.get(SESSION_KEY, {}))


def _remember(request: HttpRequest, code: str, secret: str) -> None:
    """The server-side session keeps the secret the filer proved, for the next steps."""
    secrets_ = dict(request.session.get(SESSION_KEY, {}))
    secrets_[code] = secret
    request.session[SESSION_KEY] = secrets_


def viewer_of(request: HttpRequest, petition: Petition) -> dict:
    """What this visitor may see of the petition: as its handler, as its filer, or as public."""
    manager = permissions.can(request.user, MANAGE, petition.commune)
    filer = petition.code in unlocked_codes(request) or services.is_filer(petition, request.user)
    return {"manager": manager, "filer": filer}


def _petition_or_404(request: HttpRequest, tracking: str) -> tuple[Petition, dict]:
    petition = (
        Petition.objects.select_related("category", "unit", "commune")
        .filter(code=tracking.upper().strip())
        .first()
    )
    if petition is None:
        raise Http404(_("Không tìm thấy mã theo dõi này."))
    viewer = viewer_of(request, petition)
    if petition.kind == Petition.Kind.DENUNCIATION and not (viewer["manager"] or viewer["filer"]):
        # A denunciation is never public: its code alone shows nothing (Luật Tố cáo Art 47).
        raise Http404(_("Không tìm thấy mã theo dõi này."))
    return petition, viewer


# --- unit page section and public list ----------------------------------------------------


def unit_section(request: HttpRequest, unit: Unit) -> dict:
    if unit.kind not in (Unit.Kind.COMMUNE, Unit.Kind.VILLAGE, Unit.Kind.PROVINCE):
        return {"petitions_enabled": False}
    today = timezone.localdate()
    start, end = _year_window(today)
    recent = (
        public_petitions()
        .filter(pk__in=services.in_subtree(unit).values("pk"))
        .select_related("category", "unit")
        .only("code", "title", "status", "received_on", "is_public", "category__name", "unit__name")
        .order_by("-received_on", "-id")[:5]
    )
    return {
        "petitions_enabled": True,
        "petition_recent": recent,
        # Headline figures only: the breakdowns and rising categories are on the list page.
        "petition_stats": services.statistics(unit, start, end, today, breakdown=False),
        "petition_can_manage": permissions.can(request.user, MANAGE, unit),
        "petition_can_file": services.accepts_filings(unit),
    }


def unit_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    today = timezone.localdate()
    start, end = _year_window(today)
    rows = (
        public_petitions()
        .filter(pk__in=services.in_subtree(unit).values("pk"))
        .select_related("category", "unit")
        .order_by("-received_on", "-id")
    )
    status = request.GET.get("status", "")
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status in Petition.Status.values:
        rows = rows.filter(status=status)
    category = request.GET.get("category", "")
    if category:
        rows = rows.filter(category__code=category)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for petition in page.object_list:
        petition.state = services.state_against_due(petition, today)
    context = {
        "unit": unit,
        "page": page,
        "status": status,
        "category": category,
        "categories": forms.Category.objects.filter(active=True),
        "stats": services.statistics(unit, start, end, today),
        "by_commune": services.statistics_by_commune(unit, start, end, today)
        if unit.kind in (Unit.Kind.PROVINCE, Unit.Kind.NATION)
        else [],
        "rising": services.rising_categories(unit, today),
        "can_manage": permissions.can(request.user, MANAGE, unit),
        "can_file": services.accepts_filings(unit),
        "state_labels": services.STATE_LABELS,
    }
    return render(request, "petitions/list.html", context)


# --- filing -------------------------------------------------------------------------------


def file_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    if not services.accepts_filings(unit):
        raise Http404(_("Chỉ gửi phản ánh cho xã, phường hoặc thôn, tổ dân phố."))
    form = forms.FileForm(request.POST or None, request.FILES or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        address = _address(request)
        if not request.user.is_authenticated and throttle.blocked(
            "petition-file", address, FILINGS_PER_WINDOW
        ):
            form.add_error(
                None,
                _("Bạn đã gửi quá nhiều lần, vui lòng thử lại sau 15 phút."),
            )
        else:
            data = form.cleaned_data
            try:
                filed = services.file_petition(
                    actor=request.user if request.user.is_authenticated else None,
                    kind=data["kind"],
                    category=data["category"],
                    unit=unit,
                    title=data["title"],
                    text=data["text"],
                    filer_name=data["filer_name"],
                    filer_phone=data["filer_phone"],
                    filer_address=data["filer_address"],
                    is_public=data["is_public"],
                    address=data["address"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    files=forms.read_files(data["photos"]),
                )
            except ValidationError as exc:
                form.add_error(None, first_message(exc))
            else:
                if not request.user.is_authenticated:
                    throttle.count_failure("petition-file", address)
                _remember(request, filed.petition.code, filed.secret)
                request.session["petition_secret"] = {
                    "code": filed.petition.code,
                    "secret": filed.secret,
                }
                return redirect("tracking:receipt", filed.petition.code)
    status = 422 if request.method == "POST" else 200
    return render(request, "petitions/file.html", {"unit": unit, "form": form}, status=status)


def receipt(request: HttpRequest, tracking: str) -> HttpResponse:
    """Shown once after filing: the tracking code and the secret the filer must keep."""
    shown = request.session.pop("petition_secret", None)
    if not shown or shown.get("code") != tracking:
        return redirect("tracking:status", tracking)
    petition = get_object_or_404(Petition, code=tracking)
    return render(
        request, "petitions/receipt.html", {"petition": petition, "secret": shown["secret"]}
    )


def lookup(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        if Petition.objects.filter(code=code).exclude(kind=Petition.Kind.DENUNCIATION).exists() or (
            code in unlocked_codes(request)
        ):
            return redirect("tracking:status", code)
        messages.error(request, _("Không tìm thấy mã theo dõi “%(code)s”.") % {"code": code[:30]})
    elif "code" in request.GET:
        messages.error(request, _("Hãy nhập mã theo dõi in trên giấy biên nhận, dạng PAKN-…"))
    return render(request, "petitions/lookup.html", {"code": code})


# --- the public status page and the filer's steps -----------------------------------------


def status_page(request: HttpRequest, tracking: str) -> HttpResponse:
    petition, viewer = _petition_or_404(request, tracking)
    steps = services.visible_steps(petition, officer=viewer["manager"], filer=viewer["filer"])
    context = {
        "petition": petition,
        "viewer": viewer,
        "steps": steps,
        "state": services.state_against_due(petition),
        "state_labels": services.STATE_LABELS,
        "show_text": petition.is_public or viewer["manager"] or viewer["filer"],
        "show_answer": petition.status == Petition.Status.ANSWERED
        and (petition.answer_public or viewer["manager"] or viewer["filer"]),
        "files": petition.files.filter(purpose=PetitionFile.Purpose.ANSWER)
        if (petition.answer_public or viewer["manager"] or viewer["filer"])
        else [],
        "filing_files": petition.files.filter(purpose=PetitionFile.Purpose.FILING)
        if (viewer["manager"] or viewer["filer"])
        else [],
        "can_reopen": viewer["filer"] and services.can_reopen(petition),
        "followup_open": viewer["filer"]
        and petition.status == Petition.Status.ANSWERED
        and petition.followup_due_on is not None
        and petition.followup_due_on <= timezone.localdate()
        and petition.followup_fixed is None,
        "secret_form": forms.SecretForm(),
        "rate_form": forms.RateForm(),
        "reason_form": forms.ReasonForm(),
        "followup_form": forms.FollowupForm(),
    }
    return render(request, "petitions/status.html", context)


@require_POST
def unlock(request: HttpRequest, tracking: str) -> HttpResponse:
    """The filer proves the secret once; the session remembers it."""
    petition = Petition.objects.filter(code=tracking.upper()).first()
    address = _address(request)
    target = reverse("tracking:status", args=[tracking]) if petition else reverse("tracking:lookup")
    if throttle.blocked("petition-secret", address, SECRET_ATTEMPTS):
        messages.error(request, _("Nhập sai quá nhiều lần, vui lòng thử lại sau 15 phút."))
        return redirect(target, permanent=False)
    form = forms.SecretForm(request.POST)
    if (
        petition is None
        or not form.is_valid()
        or not services.check_secret(petition, form.cleaned_data["secret"])
    ):
        throttle.count_failure("petition-secret", address)
        messages.error(request, _("Mã bí mật không đúng."))
        response = redirect(target)
        response.status_code = 303
        return response
    _remember(request, petition.code, form.cleaned_data["secret"])
    messages.success(request, _("Đã xác nhận bạn là người gửi."))
    return redirect(target)


def _filer_step(request: HttpRequest, tracking: str, form_class, action, success: str):
    petition = Petition.objects.filter(code=tracking.upper()).first()
    if petition is None or not (
        petition.code in unlocked_codes(request) or services.is_filer(petition, request.user)
    ):
        raise Http404(_("Không tìm thấy mã theo dõi này."))
    target = reverse("tracking:status", args=[petition.code])
    form = form_class(request.POST)
    if not form.is_valid():
        return form_errors(request, target, form)
    user = request.user if request.user.is_authenticated else None
    secret = request.session.get(SESSION_KEY, {}).get(petition.code, "")
    # The service checks the filer again: the account, or the secret kept in the session.
    return perform(
        request, target, lambda: action(petition, form.cleaned_data, user, secret), success
    )


@require_POST
def rate(request: HttpRequest, tracking: str) -> HttpResponse:
    return _filer_step(
        request,
        tracking,
        forms.RateForm,
        lambda p, data, user, secret: services.rate(
            petition=p,
            rating=data["rating"],
            fixed=data["fixed"] == "yes",
            user=user,
            secret=secret,
        ),
        _("Cảm ơn bạn đã đánh giá."),
    )


@require_POST
def withdraw(request: HttpRequest, tracking: str) -> HttpResponse:
    return _filer_step(
        request,
        tracking,
        forms.ReasonForm,
        lambda p, data, user, secret: services.withdraw(
            petition=p, reason=data["reason"], user=user, secret=secret
        ),
        _("Đã rút đơn."),
    )


@require_POST
def reopen(request: HttpRequest, tracking: str) -> HttpResponse:
    return _filer_step(
        request,
        tracking,
        forms.ReasonForm,
        lambda p, data, user, secret: services.reopen(
            petition=p, reason=data["reason"], user=user, secret=secret
        ),
        _("Đã mở lại; xã sẽ giải quyết lại và trả lời bạn."),
    )


@require_POST
def followup(request: HttpRequest, tracking: str) -> HttpResponse:
    return _filer_step(
        request,
        tracking,
        forms.FollowupForm,
        lambda p, data, user, secret: services.answer_followup(
            petition=p, fixed=data["fixed"] == "yes", user=user, secret=secret
        ),
        _("Cảm ơn bạn đã cho biết."),
    )


def petition_file(request: HttpRequest, tracking: str, file_id: int) -> FileResponse:
    petition, viewer = _petition_or_404(request, tracking)
    stored = get_object_or_404(PetitionFile, pk=file_id, petition=petition)
    allowed = viewer["manager"] or viewer["filer"]
    if stored.purpose == PetitionFile.Purpose.ANSWER and petition.answer_public:
        allowed = True
    if not allowed:
        raise Http404
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = f'inline; filename="{stored.pk}"'
    return response


# --- officer workspace --------------------------------------------------------------------


def inbox(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    permissions.require(request.user, MANAGE, unit)
    today = timezone.localdate()
    rows = services.in_subtree(unit).select_related("category", "unit", "commune", "assignee")
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.filter(status__in=OPEN_STATUSES).order_by("due_on", "received_on", "id")
    elif show == "mine":
        rows = rows.filter(status__in=OPEN_STATUSES, assignee=request.user).order_by("due_on")
    else:
        show = "all"
        rows = rows.order_by("-received_on", "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for petition in page.object_list:
        petition.state = services.state_against_due(petition, today)
    counts = services.in_subtree(unit).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        due_soon=Count(
            "pk",
            filter=Q(
                status__in=OPEN_STATUSES,
                due_on__gte=today,
                due_on__lte=today + dt.timedelta(days=3),
            ),
        ),
    )
    return render(
        request,
        "petitions/inbox.html",
        {
            "unit": unit,
            "page": page,
            "show": show,
            "counts": counts,
            "state_labels": services.STATE_LABELS,
            "can_enter": True,
        },
    )


def enter(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    permissions.require(request.user, "petitions.enter", unit)
    form = forms.StaffEntryForm(
        request.POST or None,
        request.FILES or None,
        unit=unit,
        initial={"received_on": timezone.localdate(), "is_public": False},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.find_booking(services.commune_of(unit), data["booking"])
            filed = services.file_petition(
                actor=request.user,
                reception=booking,
                kind=data["kind"],
                category=data["category"],
                unit=unit,
                title=data["title"],
                text=data["text"],
                channel=data["channel"],
                received_on=data["received_on"],
                filer_name=data["filer_name"],
                filer_phone=data["filer_phone"],
                filer_email=data["filer_email"],
                filer_address=data["filer_address"],
                is_public=data["is_public"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                complaint_round=data["complaint_round"],
                files=forms.read_files(data["photos"]),
            )
        except ValidationError as exc:
            form.add_error(None, first_message(exc))
        else:
            messages.success(
                request,
                _("Đã vào sổ %(code)s. Mã bí mật để người gửi tự theo dõi: %(secret)s")
                % {"code": filed.petition.code, "secret": filed.secret},
            )
            if permissions.can(request.user, MANAGE, filed.petition.commune):
                return redirect("petitions:detail", filed.petition.commune.code, filed.petition.pk)
            # A village head or the Front enters items but does not handle them: to the status
            # page, where the item's progress can be followed.
            return redirect("tracking:status", filed.petition.code)
    status = 422 if request.method == "POST" else 200
    return render(request, "petitions/enter.html", {"unit": unit, "form": form}, status=status)


def _managed(request: HttpRequest, code: str, pk: int) -> Petition:
    petition = (
        Petition.objects.select_related("category", "unit", "commune", "assignee")
        .filter(pk=pk, commune__code=code)
        .first()
    )
    if petition is None:
        raise Http404(_("Không tìm thấy đơn."))
    if not permissions.can(request.user, MANAGE, petition.commune):
        if request.user.is_authenticated:
            permissions.require(request.user, MANAGE, petition.commune)
        raise Http404(_("Không tìm thấy đơn."))
    return petition


def detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    petition = _managed(request, code, pk)
    services.record_identity_viewed(actor=request.user, petition=petition)
    context = {
        "petition": petition,
        "steps": petition.steps.select_related("actor"),
        "files": petition.files.all(),
        "state": services.state_against_due(petition),
        "state_labels": services.STATE_LABELS,
        # Rendered under several steps each: no ids, so none repeats; each box sits in its label.
        "note_form": forms.NoteForm(auto_id=False),
        "reason_form": forms.ReasonForm(auto_id=False),
        "forward_form": forms.ForwardForm(),
        "answer_form": forms.AnswerForm(initial={"public": petition.is_public}),
        "is_open": petition.status in OPEN_STATUSES,
    }
    return render(request, "petitions/detail.html", context)


def _officer_step(request, code, pk, form_class, action, success):
    petition = _managed(request, code, pk)
    target = reverse("petitions:detail", args=[petition.commune.code, petition.pk])
    form = form_class(request.POST, request.FILES or None)
    if not form.is_valid():
        return form_errors(request, target, form)
    response = perform(request, target, lambda: action(petition, form.cleaned_data), success)
    petition.refresh_from_db(fields=["commune"])
    if response.status_code == 302 and petition.commune.code != code:
        # Forwarded to another commune: this officer may no longer open it.
        return redirect("petitions:inbox", code)
    return response


@require_POST
def accept(request, code, pk):
    return _officer_step(
        request,
        code,
        pk,
        forms.NoteForm,
        lambda p, d: services.accept(
            actor=request.user, petition=p, note=d["note"], is_complex=d["is_complex"], on=d["on"]
        ),
        _("Đã thụ lý."),
    )


@require_POST
def verify(request, code, pk):
    return _officer_step(
        request,
        code,
        pk,
        forms.NoteForm,
        lambda p, d: services.mark_verifying(actor=request.user, petition=p, note=d["note"]),
        _("Đã thông báo cần thêm thời gian xác minh."),
    )


@require_POST
def refuse(request, code, pk):
    return _officer_step(
        request,
        code,
        pk,
        forms.ReasonForm,
        lambda p, d: services.refuse(actor=request.user, petition=p, reason=d["reason"]),
        _("Đã thông báo không thụ lý, có nêu lý do."),
    )


def _forward(request, petition, data):
    target = None
    if data["to_commune"]:
        try:
            target = get_unit(data["to_commune"].strip())
        except ValidationError:
            raise ValidationError(
                _("Không có xã, phường mã “%(code)s”."),
                code="forward_target",
                params={"code": data["to_commune"][:20]},
            ) from None
    return services.forward(
        actor=request.user,
        petition=petition,
        reason=data["reason"],
        to_body=data["to_body"],
        to_commune=target,
    )


@require_POST
def forward(request, code, pk):
    return _officer_step(
        request,
        code,
        pk,
        forms.ForwardForm,
        lambda p, d: _forward(request, p, d),
        _("Đã chuyển đơn."),
    )


@require_POST
def extend(request, code, pk):
    return _officer_step(
        request,
        code,
        pk,
        forms.ReasonForm,
        lambda p, d: services.extend(actor=request.user, petition=p, reason=d["reason"]),
        _("Đã gia hạn giải quyết."),
    )


@require_POST
def mark_complex(request, code, pk):
    return _officer_step(
        request,
        code,
        pk,
        forms.ReasonForm,
        lambda p, d: services.mark_complex(actor=request.user, petition=p, reason=d["reason"]),
        _("Đã áp dụng thời hạn cho vụ việc phức tạp."),
    )


@require_POST
def answer(request, code, pk):
    return _officer_step(
        request,
        code,
        pk,
        forms.AnswerForm,
        lambda p, d: services.answer(
            actor=request.user,
            petition=p,
            text=d["text"],
            public=d["public"],
            on=d["on"],
            files=forms.read_files(d["files"]),
        ),
        _("Đã trả lời; người gửi được báo qua tin nhắn."),
    )


@require_POST
def record_withdrawal(request, code, pk):
    return _officer_step(
        request,
        code,
        pk,
        forms.ReasonForm,
        lambda p, d: services.withdraw(petition=p, reason=d["reason"], actor=request.user),
        _("Đã ghi nhận đơn xin rút."),
    )


def overdue(request: HttpRequest, code: str) -> HttpResponse:
    """Items escalated to this unit's level: for the commune chair and the steering committee."""
    unit = _unit_or_404(code)
    permissions.require(request.user, "petitions.oversee", unit)
    today = timezone.localdate()
    level = 3 if unit.kind in (Unit.Kind.PROVINCE, Unit.Kind.NATION) else 2
    rows = (
        services.in_subtree(unit)
        .filter(status__in=OPEN_STATUSES, due_on__lt=today, escalation_level__gte=level)
        .select_related("category", "commune")
        .order_by("due_on")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for petition in page.object_list:
        petition.days_late = working_days_between(petition.due_on, today)
    return render(request, "petitions/overdue.html", {"unit": unit, "page": page, "level": level})


# --- citizen reception --------------------------------------------------------------------


def reception(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    commune = services.commune_of(unit) if unit.kind == Unit.Kind.VILLAGE else unit
    if commune.kind != Unit.Kind.COMMUNE:
        raise Http404
    today = timezone.localdate()
    days = list(ReceptionDay.objects.filter(commune=commune, active=True))
    schedule = []
    for day in days:
        dates = services.reception_dates(day, today, count=4)
        taken = dict(
            day.bookings.filter(on__in=dates, cancelled=False)
            .values_list("on")
            .annotate(n=Count("pk"))
        )
        schedule.append(
            {
                "day": day,
                "dates": [(d, max(0, day.capacity - taken.get(d, 0))) for d in dates],
            }
        )
    can_manage = permissions.can(request.user, MANAGE, commune)
    booking_form = forms.BookingForm(request.POST or None)
    choices = [
        (f"{item['day'].pk}:{d.isoformat()}", f"{d:%d/%m/%Y} — {item['day'].starts_at:%H:%M}")
        for item in schedule
        for d, free in item["dates"]
        if free
    ]
    booking_form.fields["on"] = forms.forms.ChoiceField(label=_("Ngày"), choices=choices)
    status = 200
    if request.method == "POST":
        if booking_form.is_valid():
            day_id, _sep, on = booking_form.cleaned_data["on"].partition(":")
            day = ReceptionDay.objects.filter(pk=day_id, commune=commune).first()
            try:
                if day is None:
                    raise ValidationError(_("Lịch tiếp không hợp lệ."), code="bad_day")
                booking = services.book_reception(
                    day=day,
                    on=dt.date.fromisoformat(on),
                    name=booking_form.cleaned_data["name"],
                    phone=booking_form.cleaned_data["phone"],
                    topic=booking_form.cleaned_data["topic"],
                    user=request.user if request.user.is_authenticated else None,
                )
            except ValidationError as exc:
                booking_form.add_error(None, first_message(exc))
            else:
                messages.success(
                    request,
                    _("Đã đăng ký ngày %(day)s. Mã đăng ký: %(code)s")
                    % {"day": booking.on.strftime("%d/%m/%Y"), "code": booking.code},
                )
                return redirect("petitions:reception", commune.code)
        status = 422
    bookings = []
    if can_manage:
        bookings = (
            ReceptionBooking.objects.filter(day__commune=commune, on__gte=today, cancelled=False)
            .select_related("day")
            .order_by("on", "id")[:200]
        )
    return render(
        request,
        "petitions/reception.html",
        {
            "unit": commune,
            "schedule": schedule,
            "booking_form": booking_form,
            "day_form": forms.ReceptionDayForm() if can_manage else None,
            "can_manage": can_manage,
            "bookings": bookings,
        },
        status=status,
    )


@require_POST
def set_reception_day(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    if not request.user.is_authenticated:
        raise PermissionDenied
    form = forms.ReceptionDayForm(request.POST)
    target = reverse("petitions:reception", args=[unit.code])
    if not form.is_valid():
        return form_errors(request, target, form)
    data = form.cleaned_data
    return perform(
        request,
        target,
        lambda: services.set_reception_day(actor=request.user, commune=unit, **data),
        _("Đã lưu lịch tiếp công dân."),
    )
