from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from danchu.decisions.models import Form, Item, MeetingSession, ProceduralVote

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MatterForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Nội dung (Điều 15)"), choices=Item.choices, coerce=int)
    title = forms.CharField(
        label=_("Tiêu đề"), max_length=300, error_messages={"required": _("Hãy nhập tiêu đề.")}
    )
    description = forms.CharField(
        label=_("Nội dung chi tiết"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    options = forms.CharField(
        label=_("Các phương án (mỗi dòng một phương án; để trống: Đồng ý / Không đồng ý)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    secret = forms.BooleanField(label=_("Bỏ phiếu kín"), required=False)
    scattered_dwellings = forms.BooleanField(
        label=_("Dân cư không tập trung: được họp theo cụm dù dưới 200 hộ (Điều 18 khoản 3)"),
        required=False,
    )

    def clean_options(self):
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines()]
        return [line for line in lines if line] or None


class OpenForm(forms.Form):
    form = forms.ChoiceField(label=_("Hình thức"), choices=Form.choices)
    collection_ends_on = forms.DateField(
        label=_("Hạn thu phiếu (phát phiếu, trực tuyến)"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )


class AgreementForm(forms.Form):
    who = forms.ChoiceField(
        choices=[
            ("head", _("Trưởng thôn đồng ý")),
            ("front", _("Trưởng ban công tác Mặt trận đồng ý")),
            ("community", _("Cộng đồng thống nhất chọn trực tuyến")),
            ("commune_report", _("Đã báo cáo UBND, UBMTTQ xã")),
        ]
    )
    on = forms.DateField(
        label=_("Ngày"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )


class SessionForm(forms.Form):
    name = forms.CharField(label=_("Cuộc họp / cụm"), max_length=120, required=False)
    held_on = forms.DateField(
        label=_("Ngày họp"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    chair_name = forms.CharField(
        label=_("Người chủ trì"),
        max_length=200,
        error_messages={"required": _("Hãy ghi người chủ trì.")},
    )


class AttendanceForm(forms.Form):
    codes = forms.CharField(
        label=_("Mã hộ có mặt (cách nhau bởi dấu phẩy, dấu cách hoặc xuống dòng)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    households = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)


class ProceduralForm(forms.Form):
    question = forms.ChoiceField(label=_("Biểu quyết về"), choices=ProceduralVote.Question.choices)
    in_favour = forms.IntegerField(
        label=_("Số hộ tán thành"),
        min_value=0,
        error_messages={"invalid": _("Nhập một số nguyên.")},
    )


class DetailsForm(forms.Form):
    secretary_name = forms.CharField(label=_("Thư ký"), max_length=200, required=False)
    method = forms.ChoiceField(
        label=_("Cách biểu quyết"),
        required=False,
        choices=[("", "—"), *MeetingSession.Method.choices],
    )
    counting_board = forms.CharField(
        label=_("Ban kiểm phiếu (mỗi dòng một người, 3–5 người)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.CharField(
        label=_("Tóm tắt thảo luận"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_counting_board(self):
        lines = [x.strip() for x in self.cleaned_data["counting_board"].splitlines() if x.strip()]
        return lines or None


class ConferencePlanForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2023, max_value=2100)
    held_on = forms.DateField(
        label=_("Ngày tổ chức"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=300)
    plan = forms.CharField(
        label=_("Kế hoạch (thời gian, địa điểm, nội dung, cách tổ chức)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ConferenceAgreementForm(forms.Form):
    body = forms.ChoiceField(
        label=_("Cơ quan thống nhất"),
        choices=[
            ("committee", _("UBND xã")),
            ("front", _("UBMTTQ xã")),
            ("inspection_board", _("Ban Thanh tra nhân dân")),
        ],
    )
    agreed_on = forms.DateField(
        label=_("Ngày thống nhất"), widget=forms.DateInput(attrs={"type": "date"})
    )


class SummonsForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Ngày gửi giấy triệu tập"), widget=forms.DateInput(attrs={"type": "date"})
    )
    channels = forms.MultipleChoiceField(
        label=_("Hình thức triệu tập"),
        choices=[
            ("written", _("Văn bản")),
            ("radio", _("Hệ thống truyền thanh của thôn")),
            ("social_group", _("Nhóm mạng xã hội của thôn")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )


class HoldConferenceForm(forms.Form):
    secretary_name = forms.CharField(label=_("Thư ký"), max_length=200)
    head_report = forms.CharField(
        label=_("Báo cáo của Trưởng thôn"), max_length=50000, widget=forms.Textarea
    )
    front_report = forms.CharField(
        label=_("Báo cáo của Ban công tác Mặt trận"), max_length=50000, widget=forms.Textarea
    )
    inspection_report = forms.CharField(
        label=_("Báo cáo của thành viên Ban Thanh tra nhân dân"),
        max_length=50000,
        widget=forms.Textarea,
    )
    minutes = forms.CharField(label=_("Biên bản"), max_length=50000, widget=forms.Textarea)


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Tên tài liệu"),
        max_length=200,
        help_text=_("Ví dụ: Dự toán kinh phí làm đường, bản đồ tuyến đường."),
    )
    file = forms.FileField(label=_("Tệp (PDF, JPG, PNG)"))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã in trên phiếu"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("Hãy nhập mã in trên phiếu.")},
    )


class FallbackForm(forms.Form):
    collection_ends_on = forms.DateField(
        label=_("Hạn thu phiếu"),
        widget=DATE,
        error_messages={
            "required": _("Hãy đặt hạn thu phiếu."),
            "invalid": _("Ngày không hợp lệ."),
        },
    )


class DateForm(forms.Form):
    on = forms.DateField(
        label=_("Ngày"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ."), "required": _("Hãy nhập ngày.")},
    )


class RecognitionForm(forms.Form):
    recognise = forms.TypedChoiceField(
        label=_("Quyết định"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Công nhận")), ("no", _("Không công nhận (nêu lý do)"))],
    )
    decided_on = forms.DateField(
        label=_("Ngày quyết định"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    decision_number = forms.CharField(
        label=_("Số quyết định (bắt buộc khi công nhận hương ước, quy ước)"),
        required=False,
        max_length=50,
    )
    reason = forms.CharField(
        label=_("Lý do (bắt buộc khi không công nhận)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
