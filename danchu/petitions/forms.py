"""Forms of the petitions pages: they only shape input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from danchu.petitions.models import Category, Petition, ReceptionDay

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
STAFF_CHANNELS = [
    (value, label)
    for value, label in Petition.Channel.choices
    if value not in (Petition.Channel.ONLINE, Petition.Channel.OPEN311)
]
RATINGS = [
    (5, _("5 — Rất hài lòng")),
    (4, _("4 — Hài lòng")),
    (3, _("3 — Tạm được")),
    (2, _("2 — Chưa hài lòng")),
    (1, _("1 — Không hài lòng")),
]
YES_NO = [("yes", _("Đã khắc phục")), ("no", _("Chưa khắc phục"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


class FileForm(forms.Form):
    """A resident files from a phone: what, where, and how to be told — nothing more."""

    kind = forms.ChoiceField(
        label=_("Bạn muốn gửi"),
        choices=Petition.Kind.choices,
        initial=Petition.Kind.FEEDBACK,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn: phản ánh, kiến nghị, khiếu nại hay tố cáo."),
            "invalid_choice": _("Loại đơn không hợp lệ."),
        },
    )
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Category.objects.filter(active=True),
        empty_label=_("— chọn lĩnh vực —"),
        to_field_name="code",
        error_messages={
            "required": _("Hãy chọn lĩnh vực của sự việc."),
            "invalid_choice": _("Lĩnh vực không hợp lệ."),
        },
    )
    title = forms.CharField(
        label=_("Tóm tắt (một dòng)"),
        max_length=200,
        error_messages={
            "required": _("Hãy viết một dòng tóm tắt sự việc."),
            "max_length": _("Tóm tắt dài quá %(limit_value)d ký tự."),
        },
    )
    text = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={
            "required": _("Hãy kể rõ sự việc: ở đâu, từ khi nào, ảnh hưởng thế nào."),
            "max_length": _("Nội dung dài quá %(limit_value)d ký tự."),
        },
    )
    address = forms.CharField(
        label=_("Địa điểm cụ thể"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: trước nhà văn hóa thôn, cạnh cầu Cao Xá"),
    )
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    photos = PhotosField(
        label=_("Ảnh, tài liệu (không bắt buộc)"),
        required=False,
        help_text=_("Ảnh JPG/PNG hoặc PDF, tối đa 5 tệp."),
    )
    filer_name = forms.CharField(label=_("Họ và tên"), max_length=200, required=False)
    filer_phone = forms.CharField(
        label=_("Số điện thoại nhận tin"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    filer_address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=300, required=False)
    is_public = forms.BooleanField(
        label=_("Cho phép công khai nội dung (không công khai tên của bạn)"),
        required=False,
        # Consent is explicit: never ticked in advance (PDP Law Art 9; LAW.md R46).
        initial=False,
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["maxlength"] = settings.PETITION_TEXT_MAX_CHARS


class StaffEntryForm(FileForm):
    """An item received in person, by phone, by letter or at the reception day."""

    channel = forms.ChoiceField(label=_("Kênh tiếp nhận"), choices=STAFF_CHANNELS)
    received_on = forms.DateField(label=_("Ngày tiếp nhận"), widget=DATE)
    filer_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    complaint_round = forms.TypedChoiceField(
        label=_("Lần khiếu nại"),
        choices=[(1, _("Lần đầu")), (2, _("Lần hai"))],
        coerce=int,
        initial=1,
    )
    booking = forms.CharField(
        label=_("Mã đăng ký tiếp công dân (nếu có)"), max_length=24, required=False
    )
    field_order = ["channel", "received_on", "booking", "kind", "complaint_round"]


class SecretForm(forms.Form):
    secret = forms.CharField(label=_("Mã bí mật"), max_length=20)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Bạn đánh giá câu trả lời"), choices=RATINGS, coerce=int, widget=forms.RadioSelect
    )
    fixed = forms.ChoiceField(label=_("Vấn đề"), choices=YES_NO, widget=forms.RadioSelect)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )


class FollowupForm(forms.Form):
    fixed = forms.ChoiceField(label=_("Vấn đề"), choices=YES_NO, widget=forms.RadioSelect)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )
    is_complex = forms.BooleanField(label=_("Vụ việc phức tạp"), required=False)
    on = forms.DateField(label=_("Ngày"), widget=DATE, required=False)


class ForwardForm(forms.Form):
    to_commune = forms.CharField(label=_("Mã xã, phường nhận (nếu trong hệ thống)"), required=False)
    to_body = forms.CharField(label=_("Hoặc tên cơ quan nhận"), max_length=200, required=False)
    reason = forms.CharField(label=_("Lý do chuyển"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 5}))
    public = forms.BooleanField(label=_("Công khai câu trả lời"), required=False)
    on = forms.DateField(label=_("Ngày trả lời"), widget=DATE, required=False)
    files = PhotosField(label=_("Văn bản trả lời (PDF, ảnh)"), required=False)


class ReceptionDayForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Thứ"), coerce=int, choices=ReceptionDay.Weekday.choices
    )
    starts_at = forms.TimeField(label=_("Từ"), widget=TIME)
    ends_at = forms.TimeField(label=_("Đến"), widget=TIME)
    place = forms.CharField(label=_("Địa điểm"), max_length=200)
    host = forms.CharField(label=_("Người tiếp"), max_length=200)


class BookingForm(forms.Form):
    on = forms.DateField(label=_("Ngày"), widget=forms.Select)
    name = forms.CharField(label=_("Họ và tên"), max_length=200)
    phone = forms.CharField(
        label=_("Số điện thoại"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    topic = forms.CharField(
        label=_("Nội dung cần trình bày"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


def read_files(files) -> list[tuple[str, bytes]]:
    """Uploaded files as (name, bytes), refusing huge ones before they are read whole."""
    limit = settings.PETITION_ATTACHMENT_MAX_MB * 1024 * 1024
    # One byte past the limit is enough for the service to refuse it with its message.
    return [(upload.name, upload.read(limit + 1)) for upload in files or []]
