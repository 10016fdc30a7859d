from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts import permissions
from danchu.core.errors import ValidationError, first_message
from danchu.core.views import form_errors, perform, submit_form
from danchu.decisions import elections, forms, services
from danchu.decisions.models import (
    Conference,
    Dismissal,
    Election,
    Form,
    Item,
    Matter,
    MatterDocument,
    MeetingSession,
    VoteConflict,
)
from danchu.people.models import Household
from danchu.units.models import Unit
from danchu.units.services import get_unit


def _unit_or_404(code: str) -> Unit:
    try:
        return get_unit(code)
    except ValidationError:
        raise Http404 from None


def get_matter_for(user, code: str, pk: int) -> Matter:
    """The matter if the user may see it: opened ones for everyone, drafts for those who
    manage it and for the Front committee, whose agreement comes before (NĐ 59 Art 4–5)."""
    matter = (
        Matter.objects.select_related("unit__parent", "winner")
        .filter(pk=pk, unit__code=code)
        .first()
    )
    if matter is None or (
        matter.status == Matter.Status.DRAFT
        and not permissions.can(user, "decisions.manage", matter.unit)
        and not permissions.can(user, "decisions.front_agree", matter.unit)
    ):
        raise Http404(_("Không tìm thấy vấn đề."))
    return matter


def unit_section(request: HttpRequest, unit: Unit) -> dict:
    """The "Biểu quyết" block of /u/<code>/: open and recent matters of the unit and below."""
    matters = (
        Matter.objects.filter(unit__path__startswith=unit.path)
        .exclude(status=Matter.Status.DRAFT)
        .select_related("unit")
        .order_by("-opened_at", "-pk")
    )
    awaiting_front = []
    if permissions.can(request.user, "decisions.front_agree", unit):
        awaiting_front = list(
            Matter.objects.filter(
                unit__path__startswith=unit.path,
                status=Matter.Status.DRAFT,
                front_agreed_on__isnull=True,
            )
            .select_related("unit")
            .order_by("-pk")[:20]
        )
    return {
        "awaiting_front": awaiting_front,
        "open_matters": list(matters.filter(status=Matter.Status.OPEN)[:20]),
        "closed_matters": list(matters.filter(status=Matter.Status.CLOSED)[:10]),
        "can_manage_matters": permissions.can(request.user, "decisions.manage", unit)
        and unit.kind in (Unit.Kind.VILLAGE, Unit.Kind.COMMUNE),
    }


def matter_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    matter = get_matter_for(request.user, code, pk)
    can_manage = permissions.can(request.user, "decisions.manage", matter.unit)
    context = {
        "matter": matter,
        "unit": matter.unit,
        "options": list(matter.options.all()),
        "can_manage": can_manage,
        "result": matter.result or None,
    }
    if matter.item in (Item.VILLAGE_HEAD, Item.BOARD_MEMBERS):
        # NĐ 59 Art 6–9: the election or dismissal this matter decides, with its own steps.
        context["election"] = Election.objects.filter(matter=matter).first()
        context["dismissal"] = Dismissal.objects.filter(matter=matter).first()
    if matter.is_open:
        context["participated"] = matter.participations.count()
        context["my_household"] = _my_household(request.user, matter)
        context["online_refusal"] = services.online_casting_refusal(matter)
    if matter.status == Matter.Status.CLOSED:
        context |= _recognition_context(request.user, matter)
    if can_manage:
        context |= _manager_context(matter)
    if matter.status == Matter.Status.DRAFT:
        # NĐ 59 Art 4(1)(c), Art 5: each agreement is recorded by whoever gives it.
        who = ["head", "community", "commune_report"] if can_manage else []
        if permissions.can(request.user, "decisions.front_agree", matter.unit):
            who.append("front")
        if who:
            context["agreement_form"] = forms.AgreementForm(who=who)
    context["documents"] = documents(request.user, matter, context.get("sessions"))
    context["attachments"] = list(matter.attachments.all())
    if can_manage and matter.status != Matter.Status.CLOSED:
        context["document_form"] = forms.DocumentForm()
    # An item-3 matter may be the vote on a village convention (NĐ 61 Art 10).
    context["convention_version"] = getattr(matter, "convention_version", None)
    return render(request, "decisions/matter.html", context)


def _my_household(user, matter: Matter):
    if not user.is_authenticated or matter.form == "meeting" and not matter.ballot_fallback:
        return None
    try:
        household = services.representative_household(user, matter)
    except ValidationError:
        return None
    household.has_voted = matter.participations.filter(household=household).exists()
    return household


def _recognition_context(user, matter: Matter) -> dict:
    who = services.recogniser(matter)
    can_recognise = False
    if who and matter.adopted:
        permission = (
            "decisions.recognise_front" if who == "front" else "decisions.recognise_committee"
        )
        can_recognise = permissions.can(user, permission, services._recognising_unit(matter))
    return {
        "recogniser": who,
        "recognition_due_on": services.recognition_due_on(matter),
        "send_due_on": services.send_due_on(matter),
        "send_late": services.send_late(matter),
        "effective": services.is_effective(matter),
        "can_recognise": can_recognise,
        "recognition_form": forms.RecognitionForm(),
        "date_form": forms.DateForm(),
    }


def _manager_context(matter: Matter) -> dict:
    sessions = list(matter.sessions.prefetch_related("counts", "procedural_votes"))
    for session in sessions:
        session.present = session.attendance.count()
    live = services.tally(matter) if matter.is_open else None
    return {
        "sessions": sessions,
        "live": live.as_dict() if live else None,
        "conflicts": matter.conflicts.select_related("household").filter(reviewed_at=None),
        "open_form": forms.OpenForm(),
        "session_form": forms.SessionForm(),
        "procedural_form": forms.ProceduralForm(),
        "details_form": forms.DetailsForm(),
        "attendance_form": forms.AttendanceForm(),
        "code_form": forms.CodeForm(),
        "fallback_form": forms.FallbackForm(),
        "can_fall_back": matter.is_open
        and matter.form == "meeting"
        and not matter.ballot_fallback
        and bool(sessions)
        and not services.meeting_reached_rate(matter),
    }


# --- residents: vote ----------------------------------------------------------------


@require_POST
@login_required
def vote(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The household representative's vote: open page, tap an option, confirm."""
    matter = get_matter_for(request.user, code, pk)
    option_id = _int(request.POST.get("option"))
    return perform(
        request,
        matter,
        lambda: services.cast_as_representative(
            user=request.user, matter=matter, option_id=option_id
        ),
        _("Đã ghi nhận biểu quyết của hộ. Cảm ơn bà con!"),
    )


def vote_by_code(request: HttpRequest) -> HttpResponse:
    """/b/: vote with the one-time code printed on the household's ballot, no account needed.

    The QR code on a ballot opens /b/?code=…; the code is moved into the session and the
    address cleaned at once, so it does not stay in the browser's history or be shared.
    """
    if request.method == "GET" and "code" in request.GET:
        request.session["ballot_code"] = request.GET["code"][:20]
        return redirect("vote_by_code")
    initial = request.session.pop("ballot_code", None) if request.method == "GET" else None
    form = forms.CodeForm(request.POST or ({"code": initial} if initial else None))
    context = {"form": form}
    status = 200
    if form.is_bound and form.is_valid():
        address = request.META.get("REMOTE_ADDR")
        if request.method == "POST" and "option" in request.POST:
            # Casting comes first: it finds the code itself, so a vote costs no reads for the
            # page it replaces; the page is built only when the vote is refused.
            try:
                result = services.cast_with_code(
                    address=address,
                    code=form.cleaned_data["code"],
                    option_id=_int(request.POST["option"]),
                    channel="online",
                )
            except ValidationError as exc:
                if exc.code in ("bad_code", "too_many_attempts"):
                    form.add_error("code", first_message(exc))
                    status = 429 if exc.code == "too_many_attempts" else 422
                    return render(request, "decisions/vote_by_code.html", context, status=status)
                context["error"] = first_message(exc)
                status = 422
            else:
                return render(request, "decisions/voted.html", {"result": result})
        try:
            entry = services.find_entry(form.cleaned_data["code"], address)
        except ValidationError as exc:
            form.add_error("code", first_message(exc))
            return render(request, "decisions/vote_by_code.html", context, status=429)
        if entry is None:
            form.add_error("code", _("Mã phiếu không đúng. Kiểm tra lại mã in trên phiếu."))
            status = 422
        else:
            context |= {
                "matter": entry.matter,
                "options": list(entry.matter.options.all()),
                "code": services.normalize_code(form.cleaned_data["code"]),
                "has_voted": entry.matter.participations.filter(
                    household_id=entry.household_id
                ).exists(),
                "refusal": services.online_casting_refusal(entry.matter),
            }
    elif form.is_bound:
        status = 422
    return render(request, "decisions/vote_by_code.html", context, status=status)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# --- officers ---------------------------------------------------------------------------


@login_required
def create(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    permissions.require(request.user, "decisions.manage", unit)
    form = forms.MatterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matter = services.create_matter(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, first_message(exc))
        else:
            return redirect(matter)
    status = 422 if request.method == "POST" else 200
    return render(request, "decisions/create.html", {"unit": unit, "form": form}, status=status)


def _step(name, form_class, call, success):
    """A POST view for one officer step on a matter: validate the form, call the service."""

    @require_POST
    @login_required
    def view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
        matter = get_matter_for(request.user, code, pk)
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            return form_errors(request, matter, form)
        data = form.cleaned_data if form is not None else {}
        return perform(request, matter, lambda: call(request, matter, data), success)

    view.__name__ = name
    return view


open_matter = _step(
    "open_matter",
    forms.OpenForm,
    lambda r, m, d: services.open_matter(actor=r.user, matter=m, **d),
    _("Đã mở lấy ý kiến; danh sách hộ đã được chốt."),
)
agreement = _step(
    "agreement",
    forms.AgreementForm,
    lambda r, m, d: services.record_agreement(actor=r.user, matter=m, **d),
    _("Đã ghi nhận."),
)
start_session = _step(
    "start_session",
    forms.SessionForm,
    lambda r, m, d: services.start_session(actor=r.user, matter=m, **d),
    _("Đã bắt đầu cuộc họp."),
)
fall_back = _step(
    "fall_back",
    forms.FallbackForm,
    lambda r, m, d: services.fall_back_to_ballot(actor=r.user, matter=m, **d),
    _("Đã chuyển sang phát phiếu cho các hộ vắng mặt."),
)
close = _step(
    "close",
    None,
    lambda r, m, d: services.close_matter(actor=r.user, matter=m),
    _("Đã kiểm phiếu và chốt kết quả."),
)
send = _step(
    "send",
    forms.DateForm,
    lambda r, m, d: services.send_to_commune(actor=r.user, matter=m, sent_on=d["on"]),
    _("Đã ghi nhận gửi UBND và UBMTTQ xã."),
)
receive = _step(
    "receive",
    forms.DateForm,
    lambda r, m, d: services.receive_for_recognition(actor=r.user, matter=m, received_on=d["on"]),
    _("Đã ghi nhận ngày nhận hồ sơ."),
)
recognise = _step(
    "recognise",
    forms.RecognitionForm,
    lambda r, m, d: services.decide_recognition(actor=r.user, matter=m, **d),
    _("Đã ghi nhận quyết định."),
)


def _paper(request, matter, data):
    code = data["code"]
    return services.cast_with_code(
        code=code, option_id=_int(request.POST.get("option")), channel="paper", actor=request.user
    )


paper_ballot = _step("paper_ballot", forms.CodeForm, _paper, _("Đã nhập phiếu."))


@require_POST
@login_required
def attach(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Attach a document to the matter (a plan, an estimate, a map); the service decides."""
    matter = get_matter_for(request.user, code, pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return form_errors(request, matter, form)
    upload = form.cleaned_data["file"]
    return perform(
        request,
        matter,
        lambda: services.attach_document(
            actor=request.user,
            matter=matter,
            title=form.cleaned_data["title"],
            name=upload.name,
            data=upload.read(),
        ),
        _("Đã đính kèm tài liệu."),
    )


def attachment(request: HttpRequest, code: str, pk: int, document_id: int) -> FileResponse:
    """A matter's document: public once the matter is open, like the matter itself."""
    matter = get_matter_for(request.user, code, pk)
    document = get_object_or_404(MatterDocument, pk=document_id, matter=matter)
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        filename=document.original_name,
        as_attachment=False,
    )


def _session_for(request, code: str, session_id: int) -> MeetingSession:
    session = get_object_or_404(
        MeetingSession.objects.select_related("matter__unit"),
        pk=session_id,
        matter__unit__code=code,
    )
    get_matter_for(request.user, code, session.matter_id)
    return session


def _session_step(name, form_class, call, success):
    @require_POST
    @login_required
    def view(request: HttpRequest, code: str, session_id: int) -> HttpResponse:
        session = _session_for(request, code, session_id)
        form = form_class(request.POST)
        if not form.is_valid():
            return form_errors(request, session.matter, form)
        return perform(
            request, session.matter, lambda: call(request, session, form.cleaned_data), success
        )

    view.__name__ = name
    return view


def _attendance(request, session, data):
    codes = [c for c in re.split(r"[\s,;]+", data["codes"] or "") if c]
    ids = [int(pk) for pk in data["households"] if str(pk).isdigit()]
    if codes:
        # Typed on a phone: "dl-0001" is DL-0001.
        wanted = set(codes) | {c.upper() for c in codes}
        found = {
            code.upper(): pk
            for code, pk in Household.objects.filter(
                code__in=wanted, pk__in=session.matter.roll.values("household_id")
            ).values_list("code", "pk")
        }
        unknown = [c for c in codes if c.upper() not in found]
        if unknown:
            raise ValidationError(
                _(
                    "Chưa ghi nhận hộ nào: các mã sau không có trong danh sách hộ của vấn đề "
                    "này: %(codes)s. Sửa lại rồi nhập lại cả lượt."
                ),
                code="unknown_codes",
                params={"codes": ", ".join(unknown[:20])},
            )
        ids += list(found.values())
    return services.record_attendance(actor=request.user, session=session, household_ids=ids)


attendance = _session_step(
    "attendance", forms.AttendanceForm, _attendance, _("Đã ghi nhận hộ có mặt.")
)
procedural = _session_step(
    "procedural",
    forms.ProceduralForm,
    lambda r, s, d: services.record_procedural_vote(actor=r.user, session=s, **d),
    _("Đã ghi nhận biểu quyết thủ tục."),
)
details = _session_step(
    "details",
    forms.DetailsForm,
    lambda r, s, d: services.set_session_details(actor=r.user, session=s, **d),
    _("Đã lưu."),
)


def _counts(request, session, data):
    counts = {}
    for key, value in request.POST.items():
        if key.startswith("option_") and value.strip():
            counts[_int(key[7:])] = _int(value)
    return services.record_session_counts(actor=request.user, session=session, counts=counts)


counts = _session_step("counts", forms.forms.Form, _counts, _("Đã ghi kết quả biểu quyết."))


@require_POST
@login_required
def review_conflict(request: HttpRequest, code: str, conflict_id: int) -> HttpResponse:
    conflict = get_object_or_404(
        VoteConflict.objects.select_related("matter__unit"), pk=conflict_id, matter__unit__code=code
    )
    matter = get_matter_for(request.user, code, conflict.matter_id)
    return perform(
        request,
        matter,
        lambda: services.review_conflict(
            actor=request.user, conflict=conflict, note=request.POST.get("note", "")
        ),
        _("Đã ghi kết quả xem xét."),
    )


@login_required
def overview(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's view of every village's matters, results and recognition clocks."""
    unit = _unit_or_404(code)
    permissions.require(request.user, "decisions.manage", unit)
    today = timezone.localdate()
    matters = list(
        Matter.objects.filter(unit__path__startswith=unit.path)
        .select_related("unit")
        .order_by("unit__sort_key", "-created_at")[:500]
    )
    for matter in matters:
        matter.recognition_due = services.recognition_due_on(matter)
        matter.overdue = bool(
            matter.recognition_due
            and not matter.recognised_on
            and not matter.refused_on
            and matter.recognition_due < today
        )
        matter.send_due = services.send_due_on(matter)
        matter.send_late = services.send_late(matter, today)
    return render(
        request,
        "decisions/overview.html",
        {
            "unit": unit,
            "matters": matters,
            "overdue": [m for m in matters if m.overdue],
            "send_late": [m for m in matters if m.send_late and not m.sent_to_commune_on],
            "create_url": reverse("decisions:create", args=[unit.code]),
        },
    )


# --- printed forms (NĐ 59/2023 Mẫu 01–05) and household ballots ----------------------------
#
# Who may print what: the invitation (Mẫu 01), the candidate list (Mẫu 05) and, once the count
# is closed, the decision (Mẫu 03) and the ballot tally (Mẫu 04) are public like the matter's
# page. Before the count closes, Mẫu 03 and 04 show a running tally: those who manage the
# matter only, as on the meeting console. The minutes (Mẫu 02) list the households present
# with their representatives' names: those who manage the matter and the recognising body.
# The household ballots carry one-time codes: those who manage the matter, each download
# recorded in the audit log.


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _require_manager(user, matter: Matter) -> None:
    permissions.require(user, "decisions.manage", matter.unit)


def _require_records(user, matter: Matter) -> None:
    """Those who manage the matter, or the body that recognises it (Art 21(2))."""
    if not services.may_recognise(user, matter):
        _require_manager(user, matter)


def _has_ballots(matter: Matter) -> bool:
    return matter.form in (Form.BALLOT, Form.ONLINE) or matter.ballot_fallback


def _require_result_reader(user, matter: Matter) -> None:
    """A closed count is public; a running one is for those who manage the matter."""
    if matter.status == Matter.Status.DRAFT:
        raise Http404(_("Vấn đề chưa mở lấy ý kiến."))
    if matter.status != Matter.Status.CLOSED:
        _require_manager(user, matter)


def invitation_pdf(request: HttpRequest, code: str, session_id: int) -> HttpResponse:
    """Mẫu 01: the invitation to a meeting (or a cluster meeting)."""
    from danchu.decisions import printing

    session = _session_for(request, code, session_id)
    pdf = printing.invitation_pdf(session.matter, session)
    return _pdf_response(pdf, f"giay-moi-{session.matter_id}-{session.pk}.pdf")


def minutes_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Mẫu 02: the minutes of the meeting and of the count, with the households present."""
    from danchu.decisions import printing

    matter = get_matter_for(request.user, code, pk)
    _require_records(request.user, matter)
    if not matter.sessions.exists():
        raise Http404(_("Vấn đề này chưa có cuộc họp nào."))
    return _pdf_response(printing.minutes_pdf(matter), f"bien-ban-{matter.pk}.pdf")


def decision_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Mẫu 03: the community's decision, as a resolution unless ?document= names another
    form of Law Art 20(1) (minutes, memorandum, agreement)."""
    from danchu.decisions import printing

    matter = get_matter_for(request.user, code, pk)
    document = request.GET.get("document", "resolution")
    if document not in printing.DOCUMENT_TITLES:
        raise Http404(_("Hình thức văn bản không hợp lệ (Điều 20 khoản 1 Luật 10/2022)."))
    _require_result_reader(request.user, matter)
    pdf = printing.decision_pdf(matter, document=document)
    return _pdf_response(pdf, f"quyet-dinh-{matter.pk}.pdf")


def tally_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Mẫu 04: the minutes of the household ballot count."""
    from danchu.decisions import printing

    matter = get_matter_for(request.user, code, pk)
    if not _has_ballots(matter):
        raise Http404(_("Vấn đề này không lấy ý kiến bằng phiếu."))
    _require_result_reader(request.user, matter)
    return _pdf_response(printing.ballot_tally_pdf(matter), f"kiem-phieu-{matter.pk}.pdf")


def candidates_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Mẫu 05: the candidate list of an election, announced to the community."""
    from danchu.decisions import printing

    election = (
        Election.objects.select_related("matter__unit__parent")
        .filter(matter_id=pk, matter__unit__code=code)
        .first()
    )
    # Public with the election: from its announcement (NĐ 59 Art 6) or once its meeting opens.
    if election is None or not elections.may_see(request.user, election):
        raise Http404(_("Vấn đề này không phải bầu cử."))
    matter = election.matter
    return _pdf_response(printing.candidates_pdf(matter), f"danh-sach-ung-cu-{matter.pk}.pdf")


@login_required
def ballots(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The household ballots: GET shows where the file stands ("đang tạo…" refreshes itself
    until it is ready); POST asks the worker to build it (nothing is rebuilt when the file is
    ready and the roll and codes have not changed)."""
    matter = get_matter_for(request.user, code, pk)
    _require_manager(request.user, matter)
    if not _has_ballots(matter):
        raise Http404(_("Vấn đề này không lấy ý kiến bằng phiếu."))
    if request.method == "POST":
        return perform(
            request,
            reverse("decisions:ballots", args=[code, pk]),
            lambda: services.request_ballots(actor=request.user, matter=matter),
            _("Đã yêu cầu tạo phiếu; trang tự tải lại khi tạo xong."),
        )
    built = services.ballot_print(matter)
    context = {
        "matter": matter,
        "unit": matter.unit,
        "built": built,
        "ballots": services.ballots_with_code(matter),
        "refresh": bool(built and built.in_progress and not built.lost),
    }
    response = render(request, "decisions/ballots.html", context)
    if context["refresh"]:
        response["Refresh"] = "5"  # "đang tạo…": the browser asks again until it is ready
    return response


@login_required
def ballots_download(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The built ballots PDF, for those who manage the matter; each download is audited."""
    matter = get_matter_for(request.user, code, pk)
    _require_manager(request.user, matter)
    try:
        built = services.download_ballots(actor=request.user, matter=matter)
    except ValidationError as exc:
        messages.error(request, first_message(exc))
        response = redirect("decisions:ballots", code, pk)
        response.status_code = 303
        return response
    response = FileResponse(
        built.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"phieu-lay-y-kien-{matter.pk}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def documents(user, matter: Matter, sessions=None) -> list[tuple[str, str]]:
    """The printed forms this user may open for this matter, as (label, address)."""
    if matter.status == Matter.Status.DRAFT:
        return []
    can_manage = permissions.can(user, "decisions.manage", matter.unit)
    closed = matter.status == Matter.Status.CLOSED
    code, pk = matter.unit.code, matter.pk
    links = []
    if sessions is None:
        sessions = list(matter.sessions.all())
    for session in sessions:
        links.append(
            (
                _("Mẫu 01 — Giấy mời họp (%(name)s)") % {"name": session.name},
                reverse("decisions:invitation_pdf", args=[code, session.pk]),
            )
        )
    if sessions and (can_manage or services.may_recognise(user, matter)):
        links.append(
            (_("Mẫu 02 — Biên bản họp"), reverse("decisions:minutes_pdf", args=[code, pk]))
        )
    if closed or can_manage:
        links.append(
            (
                _("Mẫu 03 — Văn bản quyết định") if closed else _("Mẫu 03 — Dự thảo quyết định"),
                reverse("decisions:decision_pdf", args=[code, pk]),
            )
        )
        if _has_ballots(matter):
            links.append(
                (
                    _("Mẫu 04 — Biên bản kiểm phiếu"),
                    reverse("decisions:tally_pdf", args=[code, pk]),
                )
            )
    if matter.kind == Matter.Kind.ELECTION:
        links.append(
            (
                _("Mẫu 05 — Danh sách người ứng cử"),
                reverse("decisions:candidates_pdf", args=[code, pk]),
            )
        )
    if can_manage and _has_ballots(matter):
        links.append(
            (_("Phiếu lấy ý kiến hộ gia đình"), reverse("decisions:ballots", args=[code, pk]))
        )
    return links


# --- the annual community conference (Law Art 33; NĐ 59 Art 10–11) ----------------------------


def _village_or_404(code: str) -> Unit:
    unit = get_unit(code)
    if unit is None or unit.kind != Unit.Kind.VILLAGE:
        raise Http404(_("Hội nghị định kỳ là của thôn, tổ dân phố."))
    return unit


def conferences(request: HttpRequest, code: str) -> HttpResponse:
    """A village's yearly conferences: public; the village head plans the next one here."""
    village = _village_or_404(code)
    can_manage = permissions.can(request.user, "decisions.manage", village)
    form = forms.ConferencePlanForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Bạn không có quyền lập kế hoạch hội nghị tại thôn này."))
        done, conference = submit_form(
            request,
            form,
            lambda d: elections.plan_conference(actor=request.user, village=village, **d),
            _("Đã lập kế hoạch hội nghị."),
        )
        if done:
            return redirect("decisions:conference", village.code, conference.year)
        status = 422
    return render(
        request,
        "decisions/conferences.html",
        {
            "unit": village,
            "conferences": Conference.objects.filter(village=village),
            "form": form,
        },
        status=status,
    )


def _conference_or_404(code: str, year: int) -> Conference:
    if not 2000 <= year <= 2100:  # the column is a small integer
        raise Http404(_("Không tìm thấy hội nghị."))
    return get_object_or_404(
        Conference.objects.select_related("village__parent"), village__code=code, year=year
    )


def conference(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """One conference: its plan, the three agreements, the summons, then reports and minutes."""
    item = _conference_or_404(code, year)
    village = item.village
    can_manage = permissions.can(request.user, "decisions.manage", village)
    commune = village.commune()
    may_agree = can_manage or any(
        permissions.can(request.user, permission, commune if on_commune else village)
        for _field, permission, on_commune in elections.AGREEING_BODIES.values()
    )
    context = {"unit": village, "conference": item, "can_manage": can_manage}
    if not item.held:
        if can_manage:
            context |= {
                "plan_form": forms.DateForm(),
                "summons_form": forms.SummonsForm(),
                "hold_form": forms.HoldConferenceForm(),
            }
        if may_agree:
            context["agreement_form"] = forms.ConferenceAgreementForm()
    return render(request, "decisions/conference.html", context)


def _conference_step(name, form_class, call, success):
    @require_POST
    @login_required
    def view(request: HttpRequest, code: str, year: int) -> HttpResponse:
        item = _conference_or_404(code, year)
        target = reverse("decisions:conference", args=[code, year])
        form = form_class(request.POST)
        if not form.is_valid():
            return form_errors(request, target, form)
        return perform(request, target, lambda: call(request, item, form.cleaned_data), success)

    view.__name__ = name
    return view


send_conference_plan = _conference_step(
    "send_conference_plan",
    forms.DateForm,
    lambda r, c, d: elections.send_conference_plan(actor=r.user, conference=c, sent_on=d["on"]),
    _("Đã ghi nhận gửi kế hoạch cho UBND, UBMTTQ xã và Ban TTND."),
)
conference_agreement = _conference_step(
    "conference_agreement",
    forms.ConferenceAgreementForm,
    lambda r, c, d: elections.record_conference_agreement(actor=r.user, conference=c, **d),
    _("Đã ghi nhận sự thống nhất."),
)
conference_summons = _conference_step(
    "conference_summons",
    forms.SummonsForm,
    lambda r, c, d: elections.send_summons(actor=r.user, conference=c, **d),
    _("Đã ghi nhận giấy triệu tập."),
)
hold_conference = _conference_step(
    "hold_conference",
    forms.HoldConferenceForm,
    lambda r, c, d: elections.hold_conference(actor=r.user, conference=c, **d),
    _("Đã ghi biên bản hội nghị."),
)


def conference_minutes_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The conference's minutes with the three reports, on A4: public once it is held."""
    from danchu.decisions import printing

    item = _conference_or_404(code, year)
    if not item.held:
        raise Http404(_("Hội nghị chưa tổ chức."))
    return _pdf_response(printing.conference_minutes_pdf(item), f"hoi-nghi-{item.year}.pdf")
