"""Screens for the village convention's cycle (NĐ 61/2023) and the commune's dialogue
conference (Local Government Law 2025 Art 43): one form per step, each calling one service
of `conventions` or `dialogue`, which check the role, the rules and the clocks, and write the
audit event. A refused step shows the page again with the form and the reason (422) and has
written nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from danchu.accounts import permissions
from danchu.consultations import conventions, dialogue
from danchu.consultations.models import (
    Convention,
    ConventionReview,
    ConventionVersion,
    DialogueConference,
)
from danchu.core.errors import ValidationError
from danchu.core.views import submit_form
from danchu.people.models import Person
from danchu.units.models import Unit
from danchu.units.services import get_unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MANAGE = "consultations.manage"
RECOGNISE = "decisions.recognise_committee"


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        error_messages={
            "required": _lazy("Hãy nhập ngày."),
            "invalid": _lazy("Ngày không hợp lệ."),
        },
    )


def _text(label, required=True, rows=3, max_length=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={"required": _lazy("Trường này không được để trống.")},
    )


# --- convention forms ---------------------------------------------------------------------


class CreateConventionForm(forms.Form):
    title = forms.ChoiceField(label=_lazy("Tên gọi"), choices=Convention.Title.choices)
    text = _text(_lazy("Toàn văn dự thảo"), rows=12)
    note = _text(_lazy("Ghi chú"), required=False, rows=2)


class LegacyConventionForm(forms.Form):
    title = forms.ChoiceField(label=_lazy("Tên gọi"), choices=Convention.Title.choices)
    text = _text(_lazy("Toàn văn đã được công nhận"), rows=12)
    recognised_on = _date(_lazy("Ngày công nhận (trước 16/8/2023)"))
    decision_number = _text(_lazy("Số quyết định công nhận"), rows=0, max_length=100)
    recognised_by_body = _text(_lazy("Cơ quan công nhận"), required=False, rows=0, max_length=200)


class ChoiceForm(forms.Form):
    decided_on = _date(_lazy("Ngày cộng đồng quyết định"))
    posting_days = forms.IntegerField(
        label=_lazy("Thời gian niêm yết (ngày, ít nhất 30)"), required=False, min_value=1
    )
    review_month = forms.IntegerField(
        label=_lazy("Tháng rà soát hằng năm"), required=False, min_value=1, max_value=12
    )
    review_day = forms.IntegerField(
        label=_lazy("Ngày rà soát hằng năm"), required=False, min_value=1, max_value=31
    )


class AmendForm(forms.Form):
    text = _text(_lazy("Toàn văn mới"), rows=12)
    note = _text(_lazy("Sửa đổi gì, vì sao"), rows=3)


class WithdrawForm(forms.Form):
    reason = _text(_lazy("Lý do rút dự thảo"), rows=2)


class PostForm(forms.Form):
    posted_on = _date(_lazy("Ngày niêm yết"))
    place = _text(_lazy("Nơi niêm yết"), rows=0, max_length=300)
    posting_days = forms.IntegerField(
        label=_lazy("Số ngày niêm yết (để trống: theo cộng đồng đã chọn, ít nhất 30)"),
        required=False,
        min_value=1,
    )


class FinaliseForm(forms.Form):
    text = _text(_lazy("Toàn văn đã hoàn thiện theo ý kiến"), rows=12)
    note = _text(_lazy("Đã tiếp thu gì"), required=False, rows=2)


class VoteForm(forms.Form):
    title = _text(_lazy("Tên nội dung biểu quyết (không bắt buộc)"), False, 0, 300)


class DossierForm(forms.Form):
    request_number = _text(_lazy("Số tờ trình (Mẫu 01)"), False, 0, 50)
    request_dated = _date(_lazy("Ngày tờ trình"))
    request_text = _text(_lazy("Nội dung tờ trình đề nghị công nhận"), rows=4)
    village_head_name = _text(_lazy("Trưởng thôn, Tổ trưởng tổ dân phố ký"), rows=0)
    village_head_on = _date(_lazy("Ngày ký"))
    front_head_name = _text(_lazy("Trưởng ban công tác Mặt trận ký"), rows=0)
    front_head_on = _date(_lazy("Ngày ký"))
    household_1_name = _text(_lazy("Đại diện hộ gia đình thứ nhất ký"), rows=0)
    household_1_on = _date(_lazy("Ngày ký"))
    household_2_name = _text(_lazy("Đại diện hộ gia đình thứ hai ký"), rows=0)
    household_2_on = _date(_lazy("Ngày ký"))
    sent_on = _date(_lazy("Ngày gửi UBND xã"))


class ReceiveForm(forms.Form):
    received_on = _date(_lazy("Ngày nhận đủ hồ sơ"))


class RecognitionForm(forms.Form):
    recognise = forms.TypedChoiceField(
        label=_lazy("Quyết định"),
        choices=[("1", _lazy("Công nhận")), ("0", _lazy("Không công nhận (có lý do)"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    decided_on = _date(_lazy("Ngày quyết định"))
    decision_number = _text(_lazy("Số quyết định công nhận"), False, 0, 100)
    reason = _text(_lazy("Lý do không công nhận"), required=False, rows=3)


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_lazy("Năm rà soát"), min_value=2000, max_value=2100)
    reviewed_on = _date(_lazy("Ngày rà soát"))
    form = forms.ChoiceField(label=_lazy("Hình thức"), choices=ConventionReview.Form.choices)
    chair_name = _text(_lazy("Chủ trì (Trưởng thôn)"), rows=0, max_length=200)
    front_head_name = _text(_lazy("Trưởng ban công tác Mặt trận"), rows=0, max_length=200)
    findings = _text(_lazy("Kết quả rà soát"), rows=3)
    outcome = forms.ChoiceField(label=_lazy("Kết luận"), choices=ConventionReview.Outcome.choices)


@dataclass(frozen=True)
class Step:
    label: str
    form: type[forms.Form]
    call: Callable
    permission: str = MANAGE


def _signatures(d: dict) -> dict:
    sign = conventions.Signature
    return {
        "village_head": sign(d["village_head_name"], d["village_head_on"]),
        "front_head": sign(d["front_head_name"], d["front_head_on"]),
        "household_representatives": [
            sign(d["household_1_name"], d["household_1_on"]),
            sign(d["household_2_name"], d["household_2_on"]),
        ],
    }


def _cycle(convention: Convention | None) -> ConventionVersion:
    version = conventions.current_cycle(convention) if convention else None
    if version is None:
        raise ValidationError(
            _("Hương ước, quy ước không có bản nào đang trong quy trình."), code="no_cycle"
        )
    return version


CONVENTION_STEPS: dict[str, Step] = {
    "create": Step(
        _lazy("Soạn dự thảo đầu tiên"),
        CreateConventionForm,
        lambda a, v, c, d: conventions.create_convention(actor=a, village=v, **d),
    ),
    "legacy": Step(
        _lazy("Nhập hương ước, quy ước đã được công nhận trước 16/8/2023"),
        LegacyConventionForm,
        lambda a, v, c, d: conventions.enter_recognised_convention(actor=a, village=v, **d),
    ),
    "choice": Step(
        _lazy("Cộng đồng chọn thời gian niêm yết, ngày rà soát"),
        ChoiceForm,
        lambda a, v, c, d: conventions.record_community_choice(actor=a, convention=c, **d),
    ),
    "amend": Step(
        _lazy("Sửa đổi, bổ sung (bắt đầu quy trình mới)"),
        AmendForm,
        lambda a, v, c, d: conventions.amend_convention(actor=a, convention=c, **d),
    ),
    "post": Step(
        _lazy("Niêm yết dự thảo lấy ý kiến (ít nhất 30 ngày)"),
        PostForm,
        lambda a, v, c, d: conventions.post_draft(actor=a, version=_cycle(c), **d),
    ),
    "finalise": Step(
        _lazy("Hoàn thiện dự thảo theo ý kiến"),
        FinaliseForm,
        lambda a, v, c, d: conventions.finalise_draft(actor=a, version=_cycle(c), **d),
    ),
    "vote": Step(
        _lazy("Đưa ra cộng đồng biểu quyết"),
        VoteForm,
        lambda a, v, c, d: conventions.put_to_vote(actor=a, version=_cycle(c), **d),
    ),
    "withdraw": Step(
        _lazy("Rút dự thảo"),
        WithdrawForm,
        lambda a, v, c, d: conventions.withdraw_version(actor=a, version=_cycle(c), **d),
    ),
    "dossier": Step(
        _lazy("Gửi hồ sơ đề nghị công nhận lên UBND xã"),
        DossierForm,
        lambda a, v, c, d: conventions.submit_dossier(
            actor=a,
            version=_cycle(c),
            request_number=d["request_number"],
            request_dated=d["request_dated"],
            request_text=d["request_text"],
            sent_on=d["sent_on"],
            **_signatures(d),
        ),
    ),
    "receive": Step(
        _lazy("UBND xã: nhận đủ hồ sơ"),
        ReceiveForm,
        lambda a, v, c, d: conventions.receive_dossier(actor=a, version=_cycle(c), **d),
        RECOGNISE,
    ),
    "recognise": Step(
        _lazy("UBND xã: công nhận hoặc không công nhận"),
        RecognitionForm,
        lambda a, v, c, d: conventions.decide_recognition(actor=a, version=_cycle(c), **d),
        RECOGNISE,
    ),
    "review": Step(
        _lazy("Rà soát hằng năm"),
        ReviewForm,
        lambda a, v, c, d: conventions.record_review(actor=a, convention=c, **d),
    ),
}


def _steps_for(convention: Convention | None) -> list[str]:
    """The steps that make sense now, by the stage of the version in its cycle."""
    if convention is None:
        return ["create", "legacy"]
    cycle = conventions.current_cycle(convention)
    stage = cycle.stage if cycle else None
    by_stage = {
        ConventionVersion.Stage.DRAFT: ["post", "withdraw"],
        ConventionVersion.Stage.POSTED: ["finalise", "vote", "withdraw"],
        ConventionVersion.Stage.VOTING: [],
        ConventionVersion.Stage.ADOPTED: ["dossier"],
        ConventionVersion.Stage.SUBMITTED: ["receive", "recognise"],
    }
    steps = list(by_stage.get(stage, []))
    if cycle is None:
        steps.append("amend")
    if conventions.version_in_force(convention):
        steps.append("review")
    steps.append("choice")
    return steps


def _village_or_404(code: str) -> Unit:
    try:
        unit = get_unit(code)
    except ValidationError:
        raise Http404 from None
    if unit.kind != Unit.Kind.VILLAGE:
        raise Http404(_("Chỉ thôn, tổ dân phố có hương ước, quy ước."))
    return unit


def _may_act(user, village: Unit) -> bool:
    return permissions.can(user, MANAGE, village) or permissions.can(user, RECOGNISE, village)


def _initial(step: str) -> dict:
    today = timezone.localdate()
    return {
        "year": today.year,
        **dict.fromkeys(
            ("decided_on", "posted_on", "sent_on", "received_on", "reviewed_on"), today
        ),
    }


def _convention_page(request, village, bound: tuple[str, forms.Form] | None = None, status=200):
    convention = Convention.objects.filter(village=village).first()
    names = _steps_for(convention)
    if bound is not None and bound[0] not in names:
        names.append(bound[0])
    user = request.user
    steps = []
    for name in names:
        step = CONVENTION_STEPS[name]
        if not permissions.can(user, step.permission, village):
            continue
        form = bound[1] if bound and bound[0] == name else step.form(initial=_initial(name))
        form.auto_id = f"{name}-%s"
        steps.append({"name": name, "label": step.label, "form": form})
    cycle = conventions.current_cycle(convention) if convention else None
    context = {
        "unit": village,
        "convention": convention,
        "cycle": cycle,
        "in_force": conventions.version_in_force(convention) if convention else None,
        "posted_until": conventions.posted_until(cycle) if cycle else None,
        "dossier_due": conventions.dossier_due_on(cycle) if cycle else None,
        "recognition_due": conventions.recognition_due_on(cycle) if cycle else None,
        "review_overdue": conventions.is_review_overdue(convention) if convention else False,
        "steps": steps,
    }
    return render(request, "consultations/convention_manage.html", context, status=status)


@login_required
def convention_manage(request: HttpRequest, code: str) -> HttpResponse:
    """The village head's (and the commune's) page for the convention's cycle."""
    village = _village_or_404(code)
    if not _may_act(request.user, village):
        permissions.require(request.user, MANAGE, village)
    return _convention_page(request, village)


@require_POST
@login_required
def convention_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    village = _village_or_404(code)
    chosen = CONVENTION_STEPS.get(step)
    if chosen is None:
        raise Http404
    permissions.require(request.user, chosen.permission, village)
    convention = Convention.objects.filter(village=village).first()
    form = chosen.form(request.POST)

    def call(d):
        if convention is None and step not in ("create", "legacy"):
            raise ValidationError(
                _("Thôn, tổ dân phố này chưa có hương ước, quy ước trên hệ thống."),
                code="no_convention",
            )
        return chosen.call(request.user, village, convention, d)

    done, result = submit_form(
        request,
        form,
        call,
        _("Đã ghi nhận: %(step)s.") % {"step": chosen.label},
    )
    if done:
        if step == "vote":  # the vote runs in the decisions engine, on the matter's page
            return redirect(result)
        return redirect("consultations:convention_manage", village.code)
    return _convention_page(request, village, bound=(step, form), status=422)


# --- dialogue conference ------------------------------------------------------------------


class VotersForm(forms.Form):
    year = forms.IntegerField(label=_lazy("Năm"), min_value=2000, max_value=2100)
    voters = forms.IntegerField(label=_lazy("Số cử tri của xã"), min_value=1)
    source = _text(_lazy("Nguồn số liệu"), False, 0, 200)


class PaperRequestForm(forms.Form):
    household_code = _text(_lazy("Mã hộ"), rows=0, max_length=32)
    full_name = _text(_lazy("Họ và tên người yêu cầu"), rows=0, max_length=200)
    received_on = _date(_lazy("Ngày nhận đơn"), required=False)


class PlanForm(forms.Form):
    held_on = _date(_lazy("Ngày tổ chức"))
    place = _text(_lazy("Địa điểm"), rows=0, max_length=300)
    reason = forms.ChoiceField(label=_lazy("Lý do"), choices=DialogueConference.Reason.choices)
    content = _text(_lazy("Nội dung đối thoại"), rows=3)
    how_to_attend = _text(_lazy("Cách thức tham dự"), rows=2)
    forms = forms.MultipleChoiceField(
        label=_lazy("Hình thức"),
        choices=DialogueConference.Form.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Chọn ít nhất một hình thức.")},
    )


class ConferenceForm(forms.Form):
    conference = forms.ModelChoiceField(
        label=_lazy("Hội nghị"),
        queryset=DialogueConference.objects.none(),
        error_messages={
            "required": _lazy("Chọn hội nghị."),
            "invalid_choice": _lazy("Chọn hội nghị."),
        },
    )

    def __init__(self, *args, commune: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = DialogueConference.objects.filter(commune=commune)


class AnnounceForm(ConferenceForm):
    announced_on = _date(_lazy("Ngày thông báo (ít nhất 7 ngày trước)"))


class HoldForm(ConferenceForm):
    minutes = _text(_lazy("Biên bản hội nghị"), rows=4)


class ResultsForm(ConferenceForm):
    results = _text(_lazy("Kết quả đối thoại"), rows=4)
    published_on = _date(_lazy("Ngày công bố, niêm yết tại trụ sở"))
    sent_to_village_heads_on = _date(_lazy("Ngày gửi Trưởng thôn, Tổ trưởng"))


def _person_in(commune: Unit, d: dict) -> Person:
    person = (
        Person.objects.filter(
            household__village__path__startswith=commune.path,
            household__code=d["household_code"].strip(),
            full_name__iexact=" ".join(d["full_name"].split()),
        )
        .select_related("household")
        .first()
    )
    if person is None:
        raise ValidationError(
            _("Không tìm thấy người này trong hộ có mã đó ở xã."), code="person_not_found"
        )
    return person


DIALOGUE_STEPS: dict[str, Step] = {
    "voters": Step(
        _lazy("Số cử tri của xã trong năm"),
        VotersForm,
        lambda a, c, d: dialogue.set_voter_count(actor=a, commune=c, **d),
    ),
    "paper": Step(
        _lazy("Nhập yêu cầu đối thoại bằng giấy"),
        PaperRequestForm,
        lambda a, c, d: dialogue.enter_dialogue_request(
            actor=a, commune=c, person=_person_in(c, d), received_on=d["received_on"]
        ),
    ),
    "plan": Step(
        _lazy("Lên kế hoạch hội nghị đối thoại"),
        PlanForm,
        lambda a, c, d: dialogue.plan_dialogue(actor=a, commune=c, **d),
    ),
    "announce": Step(
        _lazy("Thông báo hội nghị"),
        AnnounceForm,
        lambda a, c, d: dialogue.announce_dialogue(
            actor=a, conference=d["conference"], announced_on=d["announced_on"]
        ),
    ),
    "hold": Step(
        _lazy("Đã tổ chức hội nghị"),
        HoldForm,
        lambda a, c, d: dialogue.hold_dialogue(
            actor=a, conference=d["conference"], minutes=d["minutes"]
        ),
    ),
    "results": Step(
        _lazy("Công bố kết quả, gửi Trưởng thôn (trong 10 ngày)"),
        ResultsForm,
        lambda a, c, d: dialogue.publish_dialogue_results(
            actor=a,
            conference=d["conference"],
            results=d["results"],
            published_on=d["published_on"],
            sent_to_village_heads_on=d["sent_to_village_heads_on"],
        ),
    ),
}


def _commune_or_404(code: str) -> Unit:
    try:
        unit = get_unit(code)
    except ValidationError:
        raise Http404 from None
    if unit.kind != Unit.Kind.COMMUNE:
        raise Http404(_("Hội nghị đối thoại do UBND xã, phường tổ chức."))
    return unit


def _dialogue_form(name: str, commune: Unit, data=None) -> forms.Form:
    cls = DIALOGUE_STEPS[name].form
    kwargs = {"commune": commune} if issubclass(cls, ConferenceForm) else {}
    today = timezone.localdate()
    initial = {
        "year": today.year,
        "announced_on": today,
        "published_on": today,
        "sent_to_village_heads_on": today,
    }
    form = cls(data, initial=initial, **kwargs)
    form.auto_id = f"{name}-%s"
    return form


def _dialogue_page(request, commune, bound=None, status=200):
    year = timezone.localdate().year
    can_manage = permissions.can(request.user, MANAGE, commune)
    steps = []
    if can_manage:
        for name, step in DIALOGUE_STEPS.items():
            form = bound[1] if bound and bound[0] == name else _dialogue_form(name, commune)
            steps.append({"name": name, "label": step.label, "form": form})
    conferences = list(DialogueConference.objects.filter(commune=commune).order_by("-held_on"))
    for conference in conferences:
        conference.results_due = dialogue.results_due_on(conference)
        conference.late = dialogue.results_late(conference)
    context = {
        "unit": commune,
        "year": year,
        "tally": dialogue.request_tally(commune, year),
        "owes": dialogue.owes_requested_dialogue(commune, year),
        "conferences": conferences,
        "can_manage": can_manage,
        "steps": steps,
        "request_error": bound[1] if bound and bound[0] == "request" else None,
    }
    return render(request, "consultations/dialogue.html", context, status=status)


def dialogue_page(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's dialogue conferences: public (announcements, results, the count of
    voters' requests); officers plan and record each step here; residents ask for one."""
    return _dialogue_page(request, _commune_or_404(code))


@require_POST
@login_required
def dialogue_request(request: HttpRequest, code: str) -> HttpResponse:
    """A resident asks for a dialogue conference (counted toward 10 % of the voters)."""
    from django.contrib import messages

    commune = _commune_or_404(code)
    try:
        dialogue.request_dialogue(actor=request.user, commune=commune)
    except ValidationError as exc:
        from danchu.core.errors import first_message

        return _dialogue_page(request, commune, bound=("request", first_message(exc)), status=422)
    messages.success(request, _("Đã ghi nhận yêu cầu đối thoại của bạn."))
    return redirect("consultations:dialogue", commune.code)


@require_POST
@login_required
def dialogue_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    commune = _commune_or_404(code)
    chosen = DIALOGUE_STEPS.get(step)
    if chosen is None:
        raise Http404
    permissions.require(request.user, MANAGE, commune)
    form = _dialogue_form(step, commune, request.POST)
    done, _result = submit_form(
        request,
        form,
        lambda d: chosen.call(request.user, commune, d),
        _("Đã ghi nhận: %(step)s.") % {"step": chosen.label},
    )
    if done:
        return redirect(reverse("consultations:dialogue", args=[commune.code]))
    return _dialogue_page(request, commune, bound=(step, form), status=422)


__all__ = ["dt"]
