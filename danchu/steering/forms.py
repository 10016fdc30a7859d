"""Forms for setting up a steering committee and its inspections.

The forms only read and shape the input; every rule (the role a member must hold, the plan's
dates, the committee's area) is checked by steering.services, so the web and the API refuse
the same things with the same words.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from danchu.steering import services
from danchu.steering.models import Checklist, CommitteeMember, InspectionPlan, InspectionTeam
from danchu.units.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Ngày không hợp lệ (năm-tháng-ngày).")}
NOT_A_MEMBER = _("Người được chọn chưa có vai trò thành viên Ban Chỉ đạo tại đơn vị.")


class CommitteeForm(forms.Form):
    name = forms.CharField(
        label=_("Tên Ban Chỉ đạo"),
        max_length=300,
        error_messages={"required": _("Cần nhập tên Ban Chỉ đạo.")},
    )
    decision_ref = forms.CharField(
        label=_("Số quyết định thành lập"), max_length=120, required=False
    )
    established_on = forms.DateField(
        label=_("Ngày thành lập"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Thành viên"),
        queryset=get_user_model().objects.none(),
        error_messages={
            "required": _("Cần chọn người."),
            "invalid_choice": NOT_A_MEMBER,
        },
    )
    position = forms.ChoiceField(
        label=_("Chức danh"),
        choices=CommitteeMember.Position.choices,
        initial=CommitteeMember.Position.MEMBER,
        error_messages={"invalid_choice": _("Chức danh không hợp lệ.")},
    )
    title = forms.CharField(label=_("Chức vụ chính"), max_length=200, required=False)
    since = forms.DateField(
        label=_("Từ ngày"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = services.eligible_members(unit)
        self.fields["user"].help_text = _(
            "Người có vai trò thành viên Ban Chỉ đạo tại đơn vị hoặc cấp trên."
        )


class PlanForm(forms.Form):
    title = forms.CharField(
        label=_("Tên kế hoạch"),
        max_length=300,
        error_messages={"required": _("Cần nhập tên kế hoạch.")},
    )
    period = forms.CharField(
        label=_("Kỳ"),
        max_length=10,
        help_text=_("2026-05 (tháng), 2026Q2 (quý), 2026H1 (6 tháng), 2026 (năm)"),
        error_messages={"required": _("Cần nhập kỳ.")},
    )
    starts_on = forms.DateField(
        label=_("Từ ngày"),
        widget=DATE,
        error_messages={
            **DATE_ERRORS,
            "required": _("Cần nhập ngày bắt đầu."),
        },
    )
    ends_on = forms.DateField(
        label=_("Đến ngày"),
        widget=DATE,
        error_messages={
            **DATE_ERRORS,
            "required": _("Cần nhập ngày kết thúc."),
        },
    )
    checklist = forms.ModelChoiceField(
        label=_("Bộ tiêu chí kiểm tra"),
        queryset=Checklist.objects.filter(active=True),
        empty_label=None,
        error_messages={
            "required": _("Cần chọn bộ tiêu chí."),
            "invalid_choice": _("Bộ tiêu chí không hợp lệ."),
        },
    )


class TeamForm(forms.Form):
    name = forms.CharField(
        label=_("Tên đoàn"),
        max_length=120,
        error_messages={"required": _("Cần nhập tên đoàn.")},
    )
    leader = forms.ModelChoiceField(
        label=_("Trưởng đoàn"),
        queryset=get_user_model().objects.none(),
        error_messages={
            "required": _("Cần chọn trưởng đoàn."),
            "invalid_choice": NOT_A_MEMBER,
        },
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Thành viên đoàn"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_A_MEMBER, "invalid_pk_value": NOT_A_MEMBER},
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        people = services.eligible_members(unit)
        self.fields["leader"].queryset = people
        self.fields["members"].queryset = people


class VisitForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Đoàn kiểm tra"),
        queryset=InspectionTeam.objects.none(),
        error_messages={
            "required": _("Cần chọn đoàn."),
            "invalid_choice": _("Đoàn không thuộc kế hoạch này."),
        },
    )
    unit = forms.CharField(
        label=_("Mã đơn vị được kiểm tra"),
        max_length=32,
        widget=forms.TextInput(attrs={"list": "unit-choices", "autocomplete": "off"}),
        help_text=_("Gõ tên hoặc mã; đơn vị phải thuộc địa bàn của Ban Chỉ đạo."),
        error_messages={"required": _("Cần nhập đơn vị.")},
    )
    planned_on = forms.DateField(
        label=_("Ngày dự kiến"),
        widget=DATE,
        error_messages={
            **DATE_ERRORS,
            "required": _("Cần nhập ngày dự kiến."),
        },
    )

    def __init__(self, *args, plan: InspectionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = plan.teams.all()

    def clean_unit(self) -> Unit:
        code = self.cleaned_data["unit"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(
                _("Không tìm thấy đơn vị có mã %(code)s."),
                code="unknown_unit",
                params={"code": code},
            )
        return unit
