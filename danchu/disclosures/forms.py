from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from danchu.disclosures.models import Art11Item, Forwarding
from danchu.units.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoticeForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Nội dung công khai (Điều 11)"),
        queryset=Art11Item.objects.filter(active=True),
        error_messages={
            "required": _("Chọn nội dung công khai."),
            "invalid_choice": _("Nội dung công khai (Điều 11) không tồn tại."),
        },
    )
    title = forms.CharField(
        label=_("Tiêu đề"), max_length=300, error_messages={"required": _("Hãy nhập tiêu đề.")}
    )
    body = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Hãy nhập nội dung.")},
    )
    document_number = forms.CharField(label=_("Số văn bản"), max_length=80, required=False)
    signed_on = forms.DateField(
        label=_("Ngày ký, ngày thông qua"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    period = forms.CharField(
        label=_("Kỳ báo cáo (nội dung định kỳ)"),
        max_length=7,
        required=False,
        help_text=_("Ví dụ: 2026-Q3, 2026-H1, 2026."),
    )
    responsible_name = forms.CharField(
        label=_("Người chịu trách nhiệm"), max_length=200, required=False
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp đính kèm (PDF, JPG, PNG)"),
        error_messages={"required": _("Hãy chọn tệp."), "empty": _("Tệp trống.")},
    )


class PostingForm(forms.Form):
    place_name = forms.CharField(
        label=_("Nơi niêm yết"),
        max_length=200,
        error_messages={"required": _("Hãy ghi nơi niêm yết.")},
    )
    started_on = forms.DateField(
        label=_("Ngày niêm yết"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={
            "required": _("Hãy nhập ngày niêm yết."),
            "invalid": _("Ngày không hợp lệ."),
        },
    )
    photo = forms.FileField(label=_("Ảnh chụp bảng tin (không bắt buộc)"), required=False)


class TakeDownForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Ngày gỡ"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={"required": _("Hãy nhập ngày gỡ."), "invalid": _("Ngày không hợp lệ.")},
    )
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=2000)


class RepostForm(forms.Form):
    started_on = forms.DateField(
        label=_("Ngày niêm yết lại"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={"required": _("Hãy nhập ngày."), "invalid": _("Ngày không hợp lệ.")},
    )


class AiringForm(forms.Form):
    aired_at = forms.DateTimeField(
        label=_("Thời điểm phát"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": _("Hãy nhập thời điểm phát."),
            "invalid": _("Thời điểm không hợp lệ."),
        },
    )
    station = forms.CharField(label=_("Đài, cụm loa"), max_length=200, required=False)
    photo = forms.FileField(label=_("Ảnh minh chứng (không bắt buộc)"), required=False)


class ForwardingForm(forms.Form):
    villages = forms.ModelMultipleChoiceField(
        label=_("Gửi trưởng thôn, tổ trưởng"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một thôn.")},
    )
    forwarded_on = forms.DateField(
        label=_("Ngày gửi"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = Unit.objects.current().filter(
            path__startswith=unit.path, kind=Unit.Kind.VILLAGE
        )


class RelayForm(forms.Form):
    method = forms.ChoiceField(label=_("Hình thức truyền đạt"), choices=Forwarding.Method.choices)
    relayed_on = forms.DateField(
        label=_("Ngày truyền đạt"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class NoticeSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    item = forms.ModelChoiceField(
        queryset=Art11Item.objects.filter(active=True),
        required=False,
        error_messages={"invalid_choice": _("Nội dung công khai (Điều 11) này không có.")},
    )
