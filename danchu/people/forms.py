from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách hộ (.csv hoặc .xlsx)"),
        help_text=_("Các cột: ma_ho, chu_ho, dia_chi, so_dien_thoai, so_thanh_vien."),
        error_messages={"required": _("Hãy chọn tệp."), "empty": _("Tệp trống.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(mb)d MB)."),
                code="too_large",
                params={"mb": settings.IMPORT_MAX_UPLOAD_MB},
            )
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."), code="bad_type")
        return upload


class DataRequestForm(forms.Form):
    """A resident asks for their data to be corrected, deleted or no longer used."""

    kind = forms.ChoiceField(
        label=_("Tôi muốn"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn loại yêu cầu."),
            "invalid_choice": _("Loại yêu cầu không hợp lệ."),
        },
    )
    details = forms.CharField(
        label=_("Nội dung"),
        help_text=_("Dữ liệu nào, sai thế nào hoặc vì sao cần xóa, ngừng xử lý."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": _("Hãy ghi rõ dữ liệu nào cần sửa, xóa hoặc ngừng xử lý, và vì sao."),
            "max_length": _("Nội dung yêu cầu dài quá %(limit_value)d ký tự."),
        },
    )

    def __init__(self, *args, **kwargs):
        from danchu.people.models import DataRequest

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DataRequest.Kind.choices


class DataAnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Kết quả"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn kết quả."),
            "invalid_choice": _("Kết quả trả lời không hợp lệ."),
        },
    )
    answer = forms.CharField(
        label=_("Trả lời"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("Hãy ghi nội dung trả lời: đã làm gì, hoặc lý do từ chối."),
            "max_length": _("Nội dung trả lời dài quá %(limit_value)d ký tự."),
        },
    )

    def __init__(self, *args, **kwargs):
        from danchu.people.models import DataRequest

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (DataRequest.Status.DONE, DataRequest.Status.DONE.label),
            (DataRequest.Status.REFUSED, DataRequest.Status.REFUSED.label),
        ]
