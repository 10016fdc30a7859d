from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from danchu.consultations.models import Art25Item, Channel, Consultation, OpinionGroup

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The letter of each form of giving opinions in Law Art 26.
ART26_LETTERS = {
    Channel.DIALOGUE: "a",
    Channel.MEETING: "b",
    Channel.BALLOT: "c",
    Channel.BOX: "d",
    Channel.FRONT: "đ",
    Channel.PORTAL: "e",
    Channel.GROUP: "g",
    Channel.AFFECTED: "h",
}
# Opinions received outside danchu, which an officer enters by hand.
ENTERED_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.PORTAL]
WHOLE_DRAFT = ""


def _opinion_max_chars() -> int:
    return settings.CONSULTATION_OPINION_MAX_CHARS


def _in_days(days: int):
    return lambda: timezone.localdate() + dt.timedelta(days=days)


def _check_length(text: str) -> str:
    limit = _opinion_max_chars()
    if len(text) > limit:
        raise forms.ValidationError(
            _("Ý kiến dài quá %(n)d ký tự."), code="opinion_too_long", params={"n": limit}
        )
    return text


class ConsultationForm(forms.Form):
    field_order = [
        "item",
        "title",
        "summary",
        "draft_file",
        "draft_text",
        "forms",
        "opens_on",
        "closes_on",
    ]

    item = forms.ModelChoiceField(
        label=_("Nội dung lấy ý kiến (Điều 25)"),
        queryset=Art25Item.objects.filter(active=True),
        error_messages={
            "required": _("Chọn nội dung lấy ý kiến."),
            "invalid_choice": _("Nội dung lấy ý kiến (Điều 25) không tồn tại."),
        },
    )
    title = forms.CharField(
        label=_("Tiêu đề"), max_length=300, error_messages={"required": _("Hãy nhập tiêu đề.")}
    )
    summary = forms.CharField(
        label=_("Giới thiệu, thuyết minh dự thảo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    draft_file = forms.FileField(
        label=_("Hoặc tải lên tệp dự thảo (.docx, .pdf)"),
        required=False,
        help_text=_("Tệp được đọc thành văn bản ở ô dưới; kiểm tra cách chia mục rồi mới lưu."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf"}),
    )
    draft_text = forms.CharField(
        label=_("Toàn văn dự thảo"),
        help_text=_(
            "Dán toàn văn. Dự thảo được chia mục theo các dòng “Điều 1.”, “Mục 2”, “Chương III”…; "
            "không có các dòng đó thì theo các đoạn đánh số “1.”, “2.”…, hoặc theo đoạn."
        ),
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": _("Hãy dán toàn văn dự thảo.")},
    )
    opens_on = forms.DateField(
        label=_("Ngày bắt đầu"),
        initial=timezone.localdate,
        widget=DATE,
        error_messages={
            "required": _("Hãy nhập ngày bắt đầu."),
            "invalid": _("Ngày không hợp lệ."),
        },
    )
    closes_on = forms.DateField(
        label=_("Ngày kết thúc (hết ngày)"),
        initial=_in_days(30),
        widget=DATE,
        error_messages={
            "required": _("Hãy nhập ngày kết thúc."),
            "invalid": _("Ngày không hợp lệ."),
        },
    )
    # Last in the class body: the name `forms` shadows the module from here on.
    forms = forms.MultipleChoiceField(
        label=_("Hình thức lấy ý kiến (Điều 26)"),
        choices=[
            (value, format_lazy("{}) {}", ART26_LETTERS[value], label))
            for value, label in Channel.choices
        ],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        initial=[Channel.PORTAL],
        error_messages={
            "required": _("Chọn ít nhất một hình thức lấy ý kiến của Điều 26."),
            "invalid_choice": _("Hình thức lấy ý kiến không hợp lệ."),
        },
    )


class CommentForm(forms.Form):
    """A signed-in resident's opinion on one section (`section`) or on the whole draft."""

    section = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Mục của dự thảo không hợp lệ."),
            "min_value": _("Mục của dự thảo không hợp lệ."),
        },
    )
    text = forms.CharField(
        label=_("Ý kiến của bạn"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Ý kiến không được để trống.")},
    )
    # Consent is explicit: never ticked in advance (PDP Law Art 9; LAW.md R46).
    is_public = forms.BooleanField(label=_("Công khai ý kiến"), required=False, initial=False)
    show_name = forms.BooleanField(label=_("Hiện tên tôi"), required=False, initial=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["maxlength"] = _opinion_max_chars()

    def clean_text(self) -> str:
        return _check_length(self.cleaned_data["text"])


class EnterOpinionForm(forms.Form):
    """An opinion received on paper, at a meeting, through the Front committee…"""

    channel = forms.ChoiceField(
        label=_("Nhận qua"),
        choices=ENTERED_CHANNELS,
        error_messages={
            "required": _("Chọn kênh tiếp nhận ý kiến."),
            "invalid_choice": _("Kênh tiếp nhận ý kiến không hợp lệ."),
        },
    )
    section = forms.TypedChoiceField(
        label=_("Góp ý cho"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Mục của dự thảo không hợp lệ.")},
    )
    author_name = forms.CharField(
        label=_("Người góp ý (không công khai)"), max_length=200, required=False
    )
    text = forms.CharField(
        label=_("Nội dung ý kiến"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Ý kiến không được để trống.")},
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(WHOLE_DRAFT, _("Toàn bộ dự thảo"))] + [
            (s.number, str(s)[:80]) for s in consultation.sections.all()
        ]

    def clean_text(self) -> str:
        return _check_length(self.cleaned_data["text"])


class ModerateForm(forms.Form):
    hidden = forms.BooleanField(label=_("Ẩn khỏi trang công khai"), required=False)
    text = forms.CharField(
        label=_("Nội dung rút gọn (để trống: giữ nguyên)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("Lý do kiểm duyệt"),
        max_length=300,
        error_messages={
            "required": _("Hãy ghi lý do kiểm duyệt."),
            "max_length": _("Lý do kiểm duyệt tối đa 300 ký tự."),
        },
    )


class GroupForm(forms.Form):
    """Put the chosen opinions into a new group (`title`) or an existing one (`group`)."""

    opinions = forms.ModelMultipleChoiceField(
        label=_("Ý kiến"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Chọn ít nhất một ý kiến."),
            "invalid_choice": _("Có ý kiến không thuộc đợt lấy ý kiến này."),
            "invalid_pk_value": _("Có ý kiến không thuộc đợt lấy ý kiến này."),
        },
    )
    title = forms.CharField(
        label=_("Nhóm mới"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Nội dung chung")}),
    )
    group = forms.ModelChoiceField(
        label=_("Hoặc thêm vào nhóm"),
        queryset=None,
        required=False,
        empty_label=_("— Nhóm mới —"),
        error_messages={"invalid_choice": _("Nhóm ý kiến không tồn tại.")},
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinions"].queryset = consultation.opinions.all()
        self.fields["group"].queryset = consultation.groups.all()

    def clean(self):
        data = super().clean()
        if not data.get("group") and not (data.get("title") or "").strip():
            raise forms.ValidationError(
                _("Hãy tóm tắt nội dung nhóm mới, hoặc chọn một nhóm có sẵn."), code="no_group"
            )
        return data


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Trả lời"),
        choices=OpinionGroup.Answer.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={
            "required": _("Chọn tiếp thu hoặc không tiếp thu."),
            "invalid_choice": _("Chọn tiếp thu hoặc không tiếp thu."),
        },
    )
    reason = forms.CharField(
        label=_("Tiếp thu thế nào, hoặc lý do không tiếp thu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(forms.Form):
    reported_to = forms.CharField(
        label=_("Đã báo cáo cơ quan có thẩm quyền (không bắt buộc)"),
        max_length=300,
        required=False,
    )


class HouseholdCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã góp ý của hộ"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("Mã 10 ký tự in trên phiếu thôn phát cho hộ, ví dụ 7KQ2M-X9D4R."),
        error_messages={"required": _("Hãy nhập mã in trên phiếu.")},
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=_("Tên tài liệu"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("Tờ trình, bản thuyết minh…")}),
        error_messages={"required": _("Hãy ghi tên tài liệu.")},
    )
    file = forms.FileField(
        label=_("Tệp (.pdf, .docx, .jpg, .png)"),
        error_messages={"required": _("Hãy chọn tệp."), "empty": _("Tệp trống.")},
    )
