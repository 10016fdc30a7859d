"""Web pages of "Dân tham gia ý kiến" (Law 10/2022 Art 25–29).

Residents read a draft section by section and comment under each one; officers prepare the
consultation, enter opinions received outside danchu, moderate, group and answer every
opinion, and publish the synthesis. Every change goes through `services`.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from danchu.accounts import permissions
from danchu.consultations import forms, services
from danchu.consultations.models import Consultation, Opinion, OpinionGroup
from danchu.consultations.printing import (
    first_of_each_group,
    opinions_by_channel,
    synthesis_groups,
)
from danchu.core.errors import ValidationError, first_message
from danchu.core.views import perform, submit_form
from danchu.units.models import Unit
from danchu.units.services import get_unit

MANAGE = "consultations.manage"
WHOLE = "whole"


def _unit_or_404(code: str) -> Unit:
    try:
        return get_unit(code)
    except ValidationError:
        raise Http404 from None


def get_consultation_for(user, code: str, pk: int) -> Consultation:
    """The consultation if the user may see it: opened ones for everyone, drafts for managers.

    The same 404 for "no such consultation" and "not yours" (STYLE.md §7)."""
    consultation = (
        Consultation.objects.select_related("unit", "item").filter(pk=pk, unit__code=code).first()
    )
    if consultation is None or (
        consultation.status == Consultation.Status.DRAFT
        and not permissions.can(user, MANAGE, consultation.unit)
    ):
        raise Http404(_("Không tìm thấy đợt lấy ý kiến."))
    return consultation


def _managed_consultation(request: HttpRequest, code: str, pk: int) -> Consultation:
    consultation = get_consultation_for(request.user, code, pk)
    permissions.require(request.user, MANAGE, consultation.unit)
    return consultation


def _path_ids(unit: Unit) -> list[int]:
    return [int(p) for p in unit.path.strip("/").split("/") if p]


# --- unit page --------------------------------------------------------------------------


def unit_section(request: HttpRequest, unit: Unit) -> dict:
    """The "Lấy ý kiến Nhân dân" block of /u/<code>/: open consultations of the unit and the
    units above it, and their recently published syntheses."""
    today = timezone.localdate()
    above = Consultation.objects.filter(unit_id__in=_path_ids(unit)).select_related("unit")
    can_manage = permissions.can(request.user, MANAGE, unit) and unit.kind in (
        Unit.Kind.COMMUNE,
        Unit.Kind.VILLAGE,
    )
    context = {
        "open_consultations": list(above.running(today).order_by("closes_on", "pk")[:20]),
        "syntheses": list(
            above.filter(status=Consultation.Status.ANSWERED).order_by(
                "-synthesis_published_at", "-pk"
            )[:10]
        ),
        "can_manage_consultations": can_manage,
        "today": today,
        "convention": _convention_of(unit),
    }
    if can_manage:
        # The unit's own consultations that wait for an officer: drafts, and closed ones
        # whose synthesis is not yet published.
        own = Consultation.objects.filter(unit=unit)
        context["pending_consultations"] = list(
            (own.filter(status=Consultation.Status.DRAFT) | own.closed(today))
            .select_related("unit")
            .order_by("-created_at")[:20]
        )
    return context


def _convention_of(unit: Unit):
    from danchu.consultations.models import Convention

    if unit.kind != Unit.Kind.VILLAGE:
        return None
    return Convention.objects.filter(village=unit).first()


# --- residents: read and comment --------------------------------------------------------


@vary_on_headers("HX-Request")
def consultation_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    consultation = get_consultation_for(request.user, code, pk)
    return _render_detail(request, consultation)


def _render_detail(
    request: HttpRequest, consultation: Consultation, *, bound=None, status: int = 200
) -> HttpResponse:
    """The draft page; `bound` is a comment form that failed, shown again where it was."""
    context = _detail_context(request, consultation)
    part = _place_form(context["parts"], bound)
    if request.htmx and part is not None:
        context["part"] = part
        return render(request, "consultations/detail.html#part", context, status=status)
    return render(request, "consultations/detail.html", context, status=status)


def _detail_context(request: HttpRequest, consultation: Consultation) -> dict:
    can_manage = permissions.can(request.user, MANAGE, consultation.unit)
    context = {
        "consultation": consultation,
        "unit": consultation.unit,
        "accepting": services.is_accepting(consultation),
        "status": consultation.current_status,
        "published": consultation.status == Consultation.Status.ANSWERED,
        "can_manage": can_manage,
        "forms_used": _forms_used(consultation),
        "parts": _parts(consultation),
        "max_chars": settings.CONSULTATION_OPINION_MAX_CHARS,
        "attachments": list(consultation.attachments.all()),
    }
    if can_manage:
        context["codes_issued"] = consultation.household_codes.count()
        # One sheet per village: the village head hands out its slips, and a commune's
        # thousand-odd slips would take minutes to lay out in one request.
        context["code_villages"] = Unit.objects.filter(
            pk__in=consultation.household_codes.values("household__village_id")
        ).order_by("sort_key")
        context["attach_form"] = forms.AttachmentForm()
    if context["published"]:
        context["groups"] = synthesis_groups(consultation)
    if request.user.is_authenticated:
        context["my_opinions"] = list(
            consultation.opinions.filter(author=request.user).select_related("section", "group")
        )
    return context


def _forms_used(consultation: Consultation) -> list[str]:
    labels = dict(forms.Channel.choices)
    return [
        f"{forms.ART26_LETTERS[value]}) {labels[value]}"
        for value in consultation.forms
        if value in labels
    ]


PART_OPINIONS = 20  # public opinions shown under each section; the rest on its own pages


def _parts(consultation: Consultation) -> list[dict]:
    """Each section of the draft with its newest public opinions, their count and a comment
    form, then the whole draft. Hidden opinions, and opinions their authors kept private,
    are left out. Three queries, whatever the number of opinions."""
    public = consultation.opinions.filter(is_public=True, hidden=False)
    counts = dict(public.values_list("section_id").annotate(n=Count("pk")).order_by())
    ranked = public.annotate(
        rank=Window(RowNumber(), partition_by=[F("section_id")], order_by=F("pk").desc())
    )
    newest = defaultdict(list)
    for opinion in ranked.filter(rank__lte=PART_OPINIONS).order_by("pk"):
        newest[opinion.section_id].append(opinion)

    def part(anchor: str, section, form) -> dict:
        key = section.pk if section else None
        return {
            "anchor": anchor,
            "section": section,
            "opinions": newest[key],
            "count": counts.get(key, 0),
            "more": counts.get(key, 0) - len(newest[key]),
            "form": form,
        }

    parts = [
        part(
            f"s{section.number}",
            section,
            forms.CommentForm(initial={"section": section.number}, auto_id=f"s{section.number}-%s"),
        )
        for section in consultation.sections.all()
    ]
    parts.append(part(WHOLE, None, forms.CommentForm(auto_id=f"{WHOLE}-%s")))
    return parts


def section_opinions(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Every public opinion on one section (`?section=N`, none: the whole draft), a page at a
    time, oldest first."""
    consultation = get_consultation_for(request.user, code, pk)
    raw = request.GET.get("section", "")
    section = None
    if raw:
        if not raw.isdigit():
            raise Http404(_("Dự thảo không có mục này."))
        section = get_object_or_404(consultation.sections, number=int(raw))
    public = consultation.opinions.filter(is_public=True, hidden=False, section=section)
    page = Paginator(public.order_by("pk"), BOARD_PAGE).get_page(request.GET.get("page"))
    context = {
        "consultation": consultation,
        "unit": consultation.unit,
        "section": section,
        "page": page,
        "extra": f"section={section.number}" if section else "",
    }
    return render(request, "consultations/section_opinions.html", context)


def _part_for(parts: list[dict], section_number) -> dict:
    anchor = f"s{section_number}" if section_number else WHOLE
    return next((p for p in parts if p["anchor"] == anchor), parts[-1])


def _place_form(parts: list[dict], bound) -> dict | None:
    if bound is None:
        return None
    part = _part_for(parts, bound.data.get("section"))
    bound.auto_id = f"{part['anchor']}-%s"
    part["form"] = bound
    return part


@require_POST
@login_required
def comment(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A signed-in resident's opinion on one section or on the whole draft (Art 26(e))."""
    consultation = get_consultation_for(request.user, code, pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            opinion = services.submit_opinion(
                user=request.user,
                consultation=consultation,
                text=data["text"],
                section_number=data["section"],
                is_public=data["is_public"],
                show_name=data["show_name"],
            )
        except ValidationError as exc:
            form.add_error(None, first_message(exc))
        else:
            return _commented(request, consultation, opinion)
    return _render_detail(request, consultation, bound=form, status=422)


def _commented(request: HttpRequest, consultation: Consultation, opinion: Opinion):
    thanks = _("Đã ghi nhận ý kiến của bạn. Cảm ơn bạn đã góp ý!")
    if not opinion.is_public:
        thanks += " " + _("Ý kiến không công khai: chỉ cơ quan lấy ý kiến đọc được.")
    number = opinion.section.number if opinion.section else None
    if request.htmx:
        context = _detail_context(request, consultation)
        context["part"] = _part_for(context["parts"], number)
        context["part"]["thanks"] = thanks
        return render(request, "consultations/detail.html#part", context)
    messages.success(request, thanks)
    anchor = f"s{number}" if number else WHOLE
    return redirect(f"{consultation.get_absolute_url()}#{anchor}")


def synthesis_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The published synthesis as an A4 PDF; nothing to print before it is published."""
    from danchu.consultations.printing import synthesis_pdf as render_pdf

    consultation = get_consultation_for(request.user, code, pk)
    if consultation.status != Consultation.Status.ANSWERED:
        raise Http404(_("Tổng hợp ý kiến chưa được công bố."))
    response = HttpResponse(render_pdf(consultation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tong-hop-y-kien-{consultation.pk}.pdf"'
    return response


# --- officers: prepare and open ---------------------------------------------------------


@login_required
def create(request: HttpRequest, code: str) -> HttpResponse:
    """Prepare a consultation: paste the draft or upload it (DOCX, PDF). An uploaded file is
    read into the text box and its split into sections is shown; nothing is saved until the
    officer has checked it and presses "Lưu"."""
    from danchu.consultations import drafts

    unit = _unit_or_404(code)
    permissions.require(request.user, MANAGE, unit)
    if request.method != "POST":
        form = forms.ConsultationForm()
        return render(request, "consultations/create.html", {"unit": unit, "form": form})
    data = request.POST.copy()
    upload = request.FILES.get("draft_file")
    file_error = None
    if upload is not None:
        try:
            data["draft_text"] = drafts.read_draft(upload.name, upload.read())
        except ValidationError as exc:
            file_error = first_message(exc)
    form = forms.ConsultationForm(data)
    valid = form.is_valid()
    if file_error:
        form.add_error("draft_file", file_error)
    preview = upload is not None or "preview" in request.POST
    context = {"unit": unit, "form": form}
    if form.data.get("draft_text"):
        context["preview"] = drafts.preview_sections(form.data["draft_text"])
    if preview or file_error or not valid:
        status = 422 if file_error or (not valid and not preview) else 200
        if preview and not file_error:
            context["reviewing"] = True
        return render(request, "consultations/create.html", context, status=status)
    fields = {k: v for k, v in form.cleaned_data.items() if k != "draft_file"}
    try:
        consultation = services.create_consultation(actor=request.user, unit=unit, **fields)
    except ValidationError as exc:
        form.add_error(None, first_message(exc))
        return render(request, "consultations/create.html", context, status=422)
    messages.success(request, _("Đã lưu. Kiểm tra các mục của dự thảo rồi bấm “Mở lấy ý kiến”."))
    return redirect(consultation)


@require_POST
@login_required
def open_consultation(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    consultation = _managed_consultation(request, code, pk)
    return perform(
        request,
        consultation,
        lambda: services.open_consultation(actor=request.user, consultation=consultation),
        _("Đã mở lấy ý kiến. Người dân đã đọc được dự thảo và góp ý."),
    )


# --- officers: the synthesis board ------------------------------------------------------


@login_required
def synthesis(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    consultation = _managed_consultation(request, code, pk)
    return _render_board(request, consultation)


BOARD_PAGE = 50  # opinions listed at a time on the board and on a group's public page
BOARD_PREVIEW = 3  # opinions shown under each group and in the hidden box of the board


def _board_listing(request: HttpRequest, consultation: Consultation) -> tuple[str, object, dict]:
    """Which opinions the board lists (ungrouped by default, one group's, or the hidden ones),
    as (kind, group or None, querystring part for the pager)."""
    raw_group = request.GET.get("group", "")
    if raw_group.isdigit():
        group = consultation.groups.filter(pk=int(raw_group)).first()
        if group is not None:
            return "group", group, {"extra": f"group={group.pk}"}
    if request.GET.get("hidden") == "1":
        return "hidden", None, {"extra": "hidden=1"}
    return "ungrouped", None, {"extra": ""}


def _render_board(
    request: HttpRequest, consultation: Consultation, status: int = 200, **bound
) -> HttpResponse:
    """The officers' board; `bound` holds a form that failed, shown again with its errors:
    enter_form, group_form, publish_form, or answer=(group_id, form) / moderate=(id, form).

    The board lists one page of opinions at a time — ungrouped ones by default, or those of
    one group (`?group=`), or the hidden ones (`?hidden=1`) — and shows each group with its
    count and first opinions, so its size and its queries stay the same whether a consultation
    drew ten opinions or a hundred thousand."""
    moderate_id, moderate_form = bound.pop("moderate", None) or (None, None)
    answer_id, answer_form = bound.pop("answer", None) or (None, None)
    kind, focus, pager = _board_listing(request, consultation)
    base = consultation.opinions.select_related("section", "group")
    listed = {
        "ungrouped": base.filter(group__isnull=True, hidden=False),
        "group": base.filter(group=focus, hidden=False),
        "hidden": base.filter(hidden=True),
    }[kind].order_by("pk")
    page = Paginator(listed, BOARD_PAGE).get_page(request.GET.get("page"))
    opinions = list(page.object_list)
    if moderate_id is not None and all(o.pk != moderate_id for o in opinions):
        # The opinion whose moderation failed is shown first, wherever it belongs.
        opinions.insert(0, base.get(pk=moderate_id))
    for opinion in opinions:
        opinion.moderate_form = (
            moderate_form
            if opinion.pk == moderate_id
            else forms.ModerateForm(
                initial={"hidden": opinion.hidden, "note": opinion.moderation_note},
                auto_id=f"o{opinion.pk}-%s",
            )
        )
    groups = list(
        consultation.groups.annotate(count=Count("opinions", filter=Q(opinions__hidden=False)))
    )
    previews = first_of_each_group(
        consultation.opinions.filter(hidden=False).select_related("section"), BOARD_PREVIEW
    )
    for group in groups:
        group.members = previews.get(group.pk, [])
        group.answer_form = (
            answer_form
            if group.pk == answer_id
            else forms.AnswerForm(
                initial={"answer": group.answer, "reason": group.reason},
                auto_id=f"g{group.pk}-%s",
            )
        )
    hidden = consultation.opinions.filter(hidden=True).select_related("section").order_by("pk")
    context = {
        "consultation": consultation,
        "unit": consultation.unit,
        "accepting": services.is_accepting(consultation),
        "status": consultation.current_status,
        "published": consultation.status == Consultation.Status.ANSWERED,
        "editable": consultation.status != Consultation.Status.ANSWERED,
        "listing": kind,
        "focus": focus,
        "page": page,
        "pager": pager,
        "opinions": opinions,
        "waiting_groups": [g for g in groups if not g.answer],
        "answered_groups": [g for g in groups if g.answer],
        "hidden_preview": list(hidden[:BOARD_PREVIEW]),
        "hidden_count": hidden.count(),
        "unanswered_count": services.unanswered(consultation).count(),
        "by_channel": opinions_by_channel(consultation),
        "enter_form": forms.EnterOpinionForm(consultation=consultation),
        "group_form": forms.GroupForm(consultation=consultation),
        "publish_form": forms.PublishForm(),
    }
    context.update(bound)
    return render(request, "consultations/synthesis.html", context, status=status)


def synthesis_group(request: HttpRequest, code: str, pk: int, group_id: int) -> HttpResponse:
    """Every public opinion of one group of the published synthesis, a page at a time."""
    consultation = get_consultation_for(request.user, code, pk)
    if consultation.status != Consultation.Status.ANSWERED:
        raise Http404(_("Tổng hợp ý kiến chưa được công bố."))
    group = get_object_or_404(consultation.groups, pk=group_id)
    visible = group.opinions.filter(hidden=False)
    public = visible.filter(is_public=True).select_related("section").order_by("pk")
    page = Paginator(public, BOARD_PAGE).get_page(request.GET.get("page"))
    context = {
        "consultation": consultation,
        "unit": consultation.unit,
        "group": group,
        "page": page,
        "private_count": visible.filter(is_public=False).count(),
    }
    return render(request, "consultations/synthesis_group.html", context)


def _board_post(request, consultation: Consultation, form, call, success: str, target: str, bound):
    """Run one officer step from a POSTed form and go to `target`. Anything refused shows the
    board again with the form and its errors (422); the service has changed nothing."""
    done, _result = submit_form(request, form, call, success)
    if done:
        return redirect(target)
    return _render_board(request, consultation, status=422, **bound)


def _board_url(consultation: Consultation, anchor: str) -> str:
    url = reverse("consultations:synthesis", args=[consultation.unit.code, consultation.pk])
    return f"{url}#{anchor}"


@require_POST
@login_required
def enter_opinion(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An opinion received on paper, at a meeting or through the Front, with its channel."""
    consultation = _managed_consultation(request, code, pk)
    form = forms.EnterOpinionForm(request.POST, consultation=consultation)
    return _board_post(
        request,
        consultation,
        form,
        lambda d: services.enter_opinion(
            actor=request.user,
            consultation=consultation,
            text=d["text"],
            channel=d["channel"],
            author_name=d["author_name"],
            section_number=d["section"],
        ),
        _("Đã nhập ý kiến."),
        _board_url(consultation, "enter"),
        {"enter_form": form},
    )


@require_POST
@login_required
def moderate(request: HttpRequest, code: str, pk: int, opinion_id: int) -> HttpResponse:
    """Hide an opinion from public pages or shorten it, with a note; the original is kept."""
    consultation = _managed_consultation(request, code, pk)
    opinion = get_object_or_404(Opinion, pk=opinion_id, consultation=consultation)
    form = forms.ModerateForm(request.POST, auto_id=f"o{opinion.pk}-%s")
    return _board_post(
        request,
        consultation,
        form,
        lambda d: services.moderate_opinion(
            actor=request.user, opinion=opinion, hidden=d["hidden"], note=d["note"], text=d["text"]
        ),
        _("Đã kiểm duyệt ý kiến; nội dung gốc vẫn được lưu."),
        _board_url(consultation, f"o{opinion.pk}"),
        {"moderate": (opinion.pk, form)},
    )


@require_POST
@login_required
def group_opinions(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Put the selected opinions into a new group, or into an existing one."""
    consultation = _managed_consultation(request, code, pk)
    form = forms.GroupForm(request.POST, consultation=consultation)
    return _board_post(
        request,
        consultation,
        form,
        lambda d: _group(request, consultation, d),
        _("Đã xếp ý kiến vào nhóm."),
        _board_url(consultation, "ungrouped"),
        {"group_form": form},
    )


def _group(request: HttpRequest, consultation: Consultation, data: dict):
    ids = [o.pk for o in data["opinions"]]
    if data["group"]:
        return services.assign(actor=request.user, group=data["group"], opinion_ids=ids)
    return services.create_group(
        actor=request.user, consultation=consultation, title=data["title"], opinion_ids=ids
    )


@require_POST
@login_required
def answer(request: HttpRequest, code: str, pk: int, group_id: int) -> HttpResponse:
    """Accept a group of opinions, or say why not (Art 27–29)."""
    consultation = _managed_consultation(request, code, pk)
    group = get_object_or_404(OpinionGroup, pk=group_id, consultation=consultation)
    form = forms.AnswerForm(request.POST, auto_id=f"g{group.pk}-%s")
    return _board_post(
        request,
        consultation,
        form,
        lambda d: services.answer_group(
            actor=request.user, group=group, answer=d["answer"], reason=d["reason"]
        ),
        _("Đã trả lời nhóm ý kiến."),
        _board_url(consultation, f"g{group.pk}"),
        {"answer": (group.pk, form)},
    )


@require_POST
@login_required
def publish(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Publish the synthesis; the services refuse while any opinion is unanswered."""
    consultation = _managed_consultation(request, code, pk)
    form = forms.PublishForm(request.POST)
    return _board_post(
        request,
        consultation,
        form,
        lambda d: services.publish_synthesis(
            actor=request.user, consultation=consultation, reported_to=d["reported_to"]
        ),
        _("Đã công bố kết quả tổng hợp ý kiến."),
        f"{consultation.get_absolute_url()}#synthesis",
        {"publish_form": form},
    )


# --- the village convention (NĐ 61/2023) ------------------------------------------------


# Stages a resident sees: from the posting of the draft on (a draft not yet posted, or one
# withdrawn before posting, stays with those who prepare it).
PUBLIC_STAGES = {
    "posted",
    "revised",
    "voting",
    "adopted",
    "not_adopted",
    "submitted",
    "recognised",
    "refused",
}


def convention_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The village's hương ước or quy ước: the recognised text in force (published from the
    recognition record), the version going through its cycle and what it changes, and the
    history of versions."""
    from danchu.consultations import conventions
    from danchu.consultations.models import Convention

    unit = _unit_or_404(code)
    convention = Convention.objects.filter(village=unit).select_related("village").first()
    if convention is None:
        raise Http404(_("Thôn, tổ dân phố này chưa có hương ước, quy ước trên hệ thống."))
    can_manage = permissions.can(request.user, MANAGE, unit)
    versions = list(
        convention.versions.select_related("matter", "consultation").order_by("-number")
    )
    if not can_manage:
        versions = [v for v in versions if v.stage in PUBLIC_STAGES or v.legacy]
    in_force = conventions.version_in_force(convention)
    cycle = conventions.current_cycle(convention)
    if cycle is not None and not can_manage and cycle.stage not in PUBLIC_STAGES:
        cycle = None
    context = {
        "unit": unit,
        "convention": convention,
        "in_force": in_force,
        "recognised_on": in_force.recognised_on or in_force.matter.recognised_on
        if in_force
        else None,
        "cycle": cycle,
        "posted_until": conventions.posted_until(cycle) if cycle else None,
        "changes": conventions.diff_versions(in_force, cycle) if cycle and in_force else None,
        "versions": versions,
        "can_manage": can_manage,
        "can_act": can_manage
        or permissions.can(request.user, "decisions.recognise_committee", unit),
    }
    return render(request, "consultations/convention.html", context)


# --- households with a printed code, no account -----------------------------------------

CODES_SESSION = "consultation_codes"  # {consultation pk: the household's code}


def _session_code(request: HttpRequest, consultation: Consultation) -> str | None:
    return (request.session.get(CODES_SESSION) or {}).get(str(consultation.pk))


def _address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def household(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A household types the code printed for it, then reads the draft section by section and
    comments under each one; it also reads the answers to what it sent."""
    from danchu.consultations import codes

    consultation = get_consultation_for(request.user, code, pk)
    if consultation.status == Consultation.Status.DRAFT:
        raise Http404(_("Không tìm thấy đợt lấy ý kiến."))
    if request.method == "POST":
        form = forms.HouseholdCodeForm(request.POST)
        if form.is_valid():
            try:
                codes.find_household(consultation, form.cleaned_data["code"], _address(request))
            except ValidationError as exc:
                form.add_error("code", first_message(exc))
                status = 429 if exc.code == "too_many_attempts" else 422
                return _render_code_entry(request, consultation, form, status)
            stored = request.session.get(CODES_SESSION) or {}
            stored[str(consultation.pk)] = codes.normalize_code(form.cleaned_data["code"])
            request.session[CODES_SESSION] = stored
            return redirect("consultations:household", consultation.unit.code, consultation.pk)
        return _render_code_entry(request, consultation, form, 422)
    return _render_household(request, consultation)


def _render_code_entry(request, consultation, form, status=200) -> HttpResponse:
    context = {"consultation": consultation, "unit": consultation.unit, "code_form": form}
    return render(request, "consultations/household.html", context, status=status)


def _household_of_session(request: HttpRequest, consultation: Consultation):
    """The household whose code this browser entered, or None (a code that no longer works —
    a household dissolved — is forgotten)."""
    from danchu.consultations import codes

    stored = _session_code(request, consultation)
    if not stored:
        return None
    try:
        return codes.find_household(consultation, stored, _address(request))
    except ValidationError as exc:
        if exc.code == "bad_code":
            request.session.get(CODES_SESSION, {}).pop(str(consultation.pk), None)
            request.session.modified = True
        return None


def _render_household(request, consultation, *, bound=None, status=200, thanks=None):
    from danchu.consultations import codes

    household = _household_of_session(request, consultation)
    if household is None:
        return _render_code_entry(request, consultation, forms.HouseholdCodeForm(), status)
    parts = _parts(consultation)
    part = _place_form(parts, bound)
    if part is not None and thanks:
        part["thanks"] = thanks
    context = {
        "consultation": consultation,
        "unit": consultation.unit,
        "household": household,
        "parts": parts,
        "accepting": services.is_accepting(consultation),
        "published": consultation.status == Consultation.Status.ANSWERED,
        "max_chars": settings.CONSULTATION_OPINION_MAX_CHARS,
        "my_opinions": list(codes.household_opinions(consultation, household)),
    }
    return render(request, "consultations/household.html", context, status=status)


@require_POST
def household_comment(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An opinion sent with the household's code (channel "online with household code")."""
    from danchu.consultations import codes

    consultation = get_consultation_for(request.user, code, pk)
    stored = _session_code(request, consultation)
    if not stored:
        return redirect("consultations:household", consultation.unit.code, consultation.pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            opinion = codes.submit_with_code(
                consultation=consultation,
                code=stored,
                text=data["text"],
                section_number=data["section"],
                is_public=data["is_public"],
                show_name=data["show_name"],
                address=_address(request),
            )
        except ValidationError as exc:
            form.add_error(None, first_message(exc))
        else:
            thanks = _("Đã ghi nhận ý kiến của hộ. Cảm ơn bà con đã góp ý!")
            if not opinion.is_public:
                thanks += " " + _("Ý kiến không công khai: chỉ cơ quan lấy ý kiến đọc được.")
            messages.success(request, thanks)
            number = opinion.section.number if opinion.section else None
            anchor = f"s{number}" if number else WHOLE
            url = reverse("consultations:household", args=[consultation.unit.code, consultation.pk])
            return redirect(f"{url}#{anchor}")
    return _render_household(request, consultation, bound=form, status=422)


@require_POST
def household_leave(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Forget the code on this browser (a phone lent by a neighbour, a shared computer)."""
    consultation = get_consultation_for(request.user, code, pk)
    stored = request.session.get(CODES_SESSION) or {}
    stored.pop(str(consultation.pk), None)
    request.session[CODES_SESSION] = stored
    messages.success(request, _("Đã thoát mã hộ trên máy này."))
    return redirect(consultation)


@require_POST
@login_required
def issue_codes(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Give every household of the unit a code, then print the sheet."""
    from danchu.consultations import codes

    consultation = _managed_consultation(request, code, pk)
    return perform(
        request,
        consultation,
        lambda: codes.issue_codes(actor=request.user, consultation=consultation),
        _("Đã cấp mã góp ý cho các hộ. Tải phiếu in mã để phát cho từng hộ."),
    )


@login_required
def codes_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The printed sheet of household codes: secrets, so only for those who prepare it."""
    from danchu.consultations.printing import household_codes_pdf

    consultation = _managed_consultation(request, code, pk)
    village = None
    if request.GET.get("village"):
        village = Unit.objects.filter(
            code=request.GET["village"][:40],
            kind=Unit.Kind.VILLAGE,
            path__startswith=consultation.unit.path,
        ).first()
        if village is None:
            raise Http404(_("Không có thôn này trong phạm vi lấy ý kiến."))
    elif consultation.unit.kind != Unit.Kind.VILLAGE:
        # A commune's sheets are printed village by village (see the consultation's page).
        raise Http404(_("Hãy chọn thôn để in phiếu mã."))
    pdf = household_codes_pdf(consultation, village=village)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = f"-{village.code}" if village else ""
    response["Content-Disposition"] = (
        f'attachment; filename="ma-gop-y-{consultation.pk}{suffix}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- explanatory documents ----------------------------------------------------------------


@require_POST
@login_required
def attach(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Attach an explanatory document to the consultation."""
    from danchu.consultations import drafts

    consultation = _managed_consultation(request, code, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            drafts.attach_document(
                actor=request.user,
                consultation=consultation,
                title=form.cleaned_data["title"],
                name=upload.name,
                data=upload.read(),
            )
        except ValidationError as exc:
            form.add_error("file", first_message(exc))
        else:
            messages.success(request, _("Đã đính kèm tài liệu."))
            return redirect(f"{consultation.get_absolute_url()}#manage")
    context = _detail_context(request, consultation)
    context["attach_form"] = form
    return render(request, "consultations/detail.html", context, status=422)


def attachment(request: HttpRequest, code: str, pk: int, attachment_id: int):
    """An explanatory document, for whoever may read the consultation."""
    from django.http import FileResponse

    consultation = get_consultation_for(request.user, code, pk)
    stored = get_object_or_404(consultation.attachments, pk=attachment_id)
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    extension = stored.file.name.rsplit(".", 1)[-1] if "." in stored.file.name else "bin"
    response["Content-Disposition"] = f'inline; filename="tai-lieu-{stored.pk}.{extension}"'
    return response
