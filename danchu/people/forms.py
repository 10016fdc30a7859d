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
