from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from danchu.decisions.models import (
    Candidacy,
    Dismissal,
    Form,
    Item,
    MeetingSession,
    Office,
    ProceduralVote,
)

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
        label=_("Ghi nhận việc"),
        choices=[
            ("head", _("Trưởng thôn đồng ý")),
            ("front", _("Trưởng ban công tác Mặt trận đồng ý")),
            ("community", _("Cộng đồng thống nhất chọn trực tuyến")),
            ("commune_report", _("Đã báo cáo UBND, UBMTTQ xã")),
        ],
        error_messages={
            "required": _("Hãy chọn việc cần ghi nhận."),
            "invalid_choice": _("Loại thỏa thuận không hợp lệ."),
        },
    )
    on = forms.DateField(
        label=_("Ngày"),
        initial=dt.date.today,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )

    def __init__(self, *args, who: list[str] | None = None, **kwargs):
        """`who`: only the agreements this user may record (the Front's head records the
        Front's, the village head the others)."""
        super().__init__(*args, **kwargs)
        if who is not None:
            field = self.fields["who"]
            field.choices = [(k, v) for k, v in field.choices if k in who]


class SessionForm(forms.Form):
    name = forms.CharField(label=_("Cuộc họp"), max_length=120, required=False)
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
    households = forms.MultipleChoiceField(
        label=_("Hoặc đánh dấu hộ có mặt"), required=False, widget=forms.CheckboxSelectMultiple
    )


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


# --- village heads and board members (NĐ 59 Art 6–9) ------------------------------------------


def _date(label, required=True, initial=None):
    return forms.DateField(
        label=label,
        required=required,
        initial=initial,
        widget=DATE,
        error_messages={"invalid": _("Ngày không hợp lệ."), "required": _("Hãy nhập ngày.")},
    )


class VillagePersonField(forms.ModelChoiceField):
    """A person of the village's households, shown with year of birth and household code."""

    def label_from_instance(self, obj):
        year = f" ({obj.birth_year})" if obj.birth_year else ""
        household = f" — {_('hộ')} {obj.household.code}" if obj.household_id else ""
        return f"{obj.full_name}{year}{household}"


def village_people(village):
    from danchu.people.models import Person

    return Person.objects.filter(household__village=village).select_related("household")


class ElectionForm(forms.Form):
    item = forms.TypedChoiceField(
        label=_("Bầu"),
        coerce=int,
        choices=[
            (Item.VILLAGE_HEAD, _("Trưởng thôn, Tổ trưởng tổ dân phố (khoản 4 Điều 15)")),
            (Item.BOARD_MEMBERS, _("Thành viên Ban (khoản 5 Điều 15)")),
        ],
    )
    meeting_on = _date(_("Ngày họp bầu"))
    decided_on = _date(
        _("Ngày quyết định tổ chức bầu và kế hoạch (ít nhất 20 ngày trước ngày bầu)"),
        initial=dt.date.today,
    )
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)
    office = forms.ChoiceField(
        label=_("Ban (khi bầu thành viên Ban, khoản 5)"),
        required=False,
        choices=[
            ("inspection_board", _("Ban Thanh tra nhân dân")),
            ("investment_board", _("Ban Giám sát đầu tư của cộng đồng (theo dự án)")),
        ],
    )
    project = forms.CharField(
        label=_("Chương trình, dự án (Ban Giám sát đầu tư)"), max_length=300, required=False
    )
    project_ends_on = _date(_("Dự án dự kiến hoàn thành"), required=False)
    title = forms.CharField(label=_("Tiêu đề (để trống: tự đặt)"), max_length=300, required=False)
    secret = forms.BooleanField(label=_("Bỏ phiếu kín"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("item") != Item.BOARD_MEMBERS:
            data["office"] = ""
        return data

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].choices = [c for c in self.fields["item"].choices if c[0] in items]


class RescheduleForm(forms.Form):
    meeting_on = _date(_("Ngày họp bầu mới"))


class TeamForm(forms.Form):
    decided_on = _date(
        _("Ngày quyết định thành lập Tổ bầu cử (ít nhất 10 ngày trước ngày bầu)"),
        initial=dt.date.today,
    )
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)
    leader_name = forms.CharField(
        label=_("Tổ trưởng (đại diện Ban công tác Mặt trận)"), max_length=200
    )
    members = forms.CharField(
        label=_("Thành viên (mỗi dòng: họ và tên — đại diện cho)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_members(self):
        rows = []
        for line in self.cleaned_data["members"].splitlines():
            name, _sep, representing = line.replace("–", "—").partition("—")
            if name.strip():
                rows.append((name.strip()[:200], representing.strip()[:200]))
        return rows


class TeamMemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    representing = forms.CharField(label=_("Đại diện cho"), max_length=200, required=False)


class AnnouncementForm(forms.Form):
    announced_on = _date(_("Ngày công bố (ít nhất 07 ngày trước ngày bầu)"), initial=dt.date.today)
    how = forms.CharField(
        label=_("Hình thức công bố"),
        max_length=300,
        initial=_("Niêm yết tại nhà văn hóa thôn, thông báo trên loa truyền thanh"),
    )


class CandidateListForm(forms.Form):
    met_on = _date(_("Ngày họp lập danh sách"), initial=dt.date.today)
    minutes = forms.CharField(
        label=_("Biên bản (Mẫu 05)"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CandidateForm(forms.Form):
    person = VillagePersonField(
        label=_("Người ứng cử"),
        queryset=None,
        error_messages={
            "required": _("Hãy chọn người ứng cử."),
            "invalid_choice": _("Người này không thuộc hộ nào của thôn."),
        },
    )
    source = forms.ChoiceField(label=_("Giới thiệu"), choices=Candidacy.Source.choices)

    def __init__(self, *args, village, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = village_people(village)


class ExtensionForm(forms.Form):
    decision_ref = forms.CharField(label=_("Số quyết định kéo dài"), max_length=100)
    decided_on = _date(_("Ngày quyết định"), initial=dt.date.today)
    new_end_on = _date(_("Hết nhiệm kỳ mới"))


class DismissalForm(forms.Form):
    grounds = forms.ChoiceField(label=_("Căn cứ"), choices=Dismissal.Grounds.choices)
    submitted_on = _date(_("Ngày gửi đơn, đề nghị"), initial=dt.date.today)
    submitted_by_name = forms.CharField(label=_("Người gửi"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("Lý do"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, grounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if grounds is not None:
            self.fields["grounds"].choices = [
                c for c in self.fields["grounds"].choices if c[0] in grounds
            ]


class ActingHeadForm(forms.Form):
    person = VillagePersonField(
        label=_("Người được chỉ định"),
        queryset=None,
        error_messages={
            "required": _("Hãy chọn người được chỉ định."),
            "invalid_choice": _("Người này không thuộc hộ nào của thôn."),
        },
    )
    front_agreed_on = _date(_("Ngày UBMTTQ xã thống nhất"))
    appointed_on = _date(_("Ngày chỉ định"), initial=dt.date.today)
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, village, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = village_people(village)


class TermLengthForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Nhiệm kỳ Trưởng thôn, Tổ trưởng tổ dân phố"),
        coerce=int,
        choices=[(30, _("2 năm 6 tháng (30 tháng)")), (60, _("5 năm (60 tháng)"))],
    )
    basis = forms.CharField(label=_("Căn cứ (văn bản của tỉnh)"), max_length=300, required=False)


class ExistingTermForm(forms.Form):
    office = forms.ChoiceField(label=_("Chức danh"), choices=Office.choices)
    person = VillagePersonField(
        label=_("Người đang giữ chức"),
        queryset=None,
        error_messages={
            "required": _("Hãy chọn người đang giữ chức."),
            "invalid_choice": _("Người này không thuộc hộ nào của thôn."),
        },
    )
    started_on = _date(_("Bắt đầu nhiệm kỳ (ngày công nhận)"))
    ends_on = _date(_("Hết nhiệm kỳ"))
    basis = forms.CharField(
        label=_("Quyết định công nhận (số, ngày)"),
        max_length=300,
        help_text=_("Ví dụ: Quyết định số 112/QĐ-UBND ngày 15/6/2024 của UBND xã."),
    )

    def __init__(self, *args, village, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = village_people(village)
        if offices is not None:
            self.fields["office"].choices = [
                c for c in self.fields["office"].choices if c[0] in offices
            ]
