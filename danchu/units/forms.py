from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from danchu.units.models import Unit
from danchu.units.services import VILLAGE_DIVISION_TYPES


class VillageForm(forms.Form):
    name = forms.CharField(
        label=_("Tên thôn, tổ dân phố"),
        max_length=200,
        error_messages={"required": _("Hãy nhập tên.")},
    )
    division_type = forms.ChoiceField(
        label=_("Loại"), initial="Thôn", choices=[(t, t) for t in VILLAGE_DIVISION_TYPES]
    )
    code = forms.CharField(label=_("Mã (để trống để tự sinh)"), max_length=32, required=False)


class RenameForm(forms.Form):
    name = forms.CharField(
        label=_("Tên mới"), max_length=200, error_messages={"required": _("Hãy nhập tên mới.")}
    )
    decision = forms.CharField(label=_("Số nghị quyết, quyết định"), max_length=120, required=False)


class MergeForm(forms.Form):
    sources = forms.ModelMultipleChoiceField(
        label=_("Các thôn, tổ dân phố sáp nhập"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một thôn để sáp nhập.")},
    )
    into = forms.ModelChoiceField(
        label=_("Sáp nhập vào (thôn có sẵn)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— thành lập thôn mới —"),
    )
    new_name = forms.CharField(
        label=_("Tên thôn mới (nếu thành lập mới)"), max_length=200, required=False
    )
    effective = forms.DateField(
        label=_("Có hiệu lực từ ngày"),
        initial=dt.date.today,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    decision = forms.CharField(label=_("Số nghị quyết của HĐND xã"), max_length=120, required=False)

    def __init__(self, *args, commune: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Unit.objects.current().filter(parent=commune, kind=Unit.Kind.VILLAGE)
        self.fields["sources"].queryset = villages
        self.fields["into"].queryset = villages

    def clean(self):
        data = super().clean()
        if not data.get("into") and not (data.get("new_name") or "").strip():
            raise forms.ValidationError(
                _("Chọn thôn nhận, hoặc nhập tên thôn mới."), code="no_target"
            )
        return data
