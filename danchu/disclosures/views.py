from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts import permissions
from danchu.core.errors import ValidationError, first_message
from danchu.core.views import form_errors, perform
from danchu.disclosures import forms, services
from danchu.disclosures.models import Attachment, Forwarding, Notice, Posting
from danchu.units.models import Unit
from danchu.units.services import get_unit

PAGE_SIZE = 15


def _unit_or_404(code: str) -> Unit:
    try:
        return get_unit(code)
    except ValidationError:
        raise Http404 from None


def get_notice_for(user, code: str, pk: int) -> Notice:
    """The notice, if the user may see it: published ones for everyone, drafts for managers.

    The same 404 for "no such notice" and "not yours" (STYLE.md §7)."""
    notice = (
        Notice.objects.select_related("unit", "item", "published_by")
        .filter(pk=pk, unit__code=code)
        .first()
    )
    if notice is None:
        raise Http404(_("Không tìm thấy thông báo."))
    if not notice.is_published and not permissions.can(user, "disclosures.manage", notice.unit):
        raise Http404(_("Không tìm thấy thông báo."))
    return notice


# --- public ---------------------------------------------------------------------------


def unit_section(request: HttpRequest, unit: Unit) -> dict:
    """The notices block of /u/<code>/: the unit's and its ancestors' notices, searchable."""
    form = forms.NoticeSearchForm(request.GET or None)
    notices = Notice.objects.for_unit_page(unit)
    q = item = None
    if form.is_bound:
        # Each filter that is valid applies; a bad one is named on the page, not silently
        # dropped together with the others.
        form.is_valid()
        q, item = form.cleaned_data.get("q"), form.cleaned_data.get("item")
        if q:
            notices = notices.search(q)
        if item:
            notices = notices.filter(item=item)
    notices = notices.only(
        "pk",
        "title",
        "published_at",
        "document_number",
        "unit__code",
        "unit__name",
        "item__number",
        "item__title",
    )
    paginator = Paginator(notices, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    if paginator.count:
        # The page's rows read through each unit's index; a plain slice sorts every notice.
        start = page.start_index() - 1
        page.object_list = notices.unit_page_slice(unit, start, page.end_index())
    return {
        "notice_page": page,
        "notice_form": form,
        "notice_q": q or "",
        "notice_item": item,
        "notice_item_unknown": "item" in form.errors,
        "items": forms.Art11Item.objects.filter(active=True),
        "can_manage_notices": permissions.can(request.user, "disclosures.manage", unit),
    }


def notice_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    can_manage = permissions.can(request.user, "disclosures.manage", notice.unit)
    context = {
        "notice": notice,
        "unit": notice.unit,
        "documents": notice.attachments.filter(posting__isnull=True, airing__isnull=True),
        "can_manage": can_manage,
        "acknowledged": request.user.is_authenticated
        and notice.acknowledgments.filter(user=request.user).exists(),
        "acknowledgment_count": notice.acknowledgments.count(),
    }
    if can_manage or _relay_villages(request.user, notice):
        context |= _officer_context(request, notice)
    return render(request, "disclosures/notice.html", context)


def _relay_villages(user, notice: Notice) -> list[Forwarding]:
    if not user.is_authenticated or not notice.is_published:
        return []
    return [
        f
        for f in notice.forwardings.select_related("village")
        if permissions.can(user, "disclosures.relay", f.village)
    ]


def _officer_context(request, notice: Notice) -> dict:
    postings = notice.postings.select_related("place").prefetch_related("photos")
    return {
        "flags": services.compliance(notice),
        "status_labels": services.STATUS_LABELS,
        "postings": postings,
        "airings": notice.airings.prefetch_related("photos"),
        "forwardings": notice.forwardings.select_related("village"),
        "relayable": _relay_villages(request.user, notice),
        "by_village": services.acknowledgments_by_village(notice),
        "posting_form": forms.PostingForm(),
        "airing_form": forms.AiringForm(),
        "forwarding_form": forms.ForwardingForm(unit=notice.unit),
        "take_down_form": forms.TakeDownForm(),
        "repost_form": forms.RepostForm(),
        "relay_form": forms.RelayForm(),
        "attachment_form": forms.AttachmentForm(),
        "min_days": services.settings.DISCLOSURE_POSTING_MIN_DAYS,
    }


def attachment(request: HttpRequest, code: str, pk: int, attachment_id: int):
    notice = get_notice_for(request.user, code, pk)
    file = get_object_or_404(Attachment, pk=attachment_id, notice=notice)
    return FileResponse(
        file.file.open("rb"),
        content_type=file.content_type,
        filename=file.original_name,
        as_attachment=False,
    )


@require_POST
def acknowledge(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={notice.get_absolute_url()}")
    _ack, created = services.acknowledge(user=request.user, notice=notice)
    if created:
        messages.success(request, _("Cảm ơn bạn đã xác nhận đã đọc."))
    return redirect(notice)


def notice_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    from danchu.disclosures.printing import notice_pdf as render_pdf

    notice = get_notice_for(request.user, code, pk)
    response = HttpResponse(render_pdf(notice, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="thong-bao-{notice.pk}.pdf"'
    return response


def notice_loudspeaker(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The script read over the village loudspeaker, large enough to read from a phone."""
    from danchu.disclosures.printing import loudspeaker_text

    notice = get_notice_for(request.user, code, pk)
    return render(
        request,
        "disclosures/loudspeaker.html",
        {"notice": notice, "unit": notice.unit, "script": loudspeaker_text(notice)},
    )


def notice_loudspeaker_text(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    from danchu.disclosures.printing import loudspeaker_text

    notice = get_notice_for(request.user, code, pk)
    return HttpResponse(loudspeaker_text(notice), content_type="text/plain; charset=utf-8")


# --- officer workspace -------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    permissions.require(request.user, "disclosures.manage", unit)
    today = timezone.localdate()
    notices = (
        Notice.objects.filter(unit__path__startswith=unit.path)
        .with_compliance(today)
        .select_related("unit", "item")
    )
    non_compliant = list(notices.non_compliant(today).order_by("-created_at")[:200])
    counts = notices.aggregate(
        total=Count("pk"),
        drafts=Count("pk", filter=_q(status="draft")),
        late=Count("pk", filter=_q(is_late=True)),
        period_late=Count("pk", filter=_q(is_period_late=True)),
        taken_down_early=Count("pk", filter=_q(is_taken_down_early=True)),
        radio_incomplete=Count("pk", filter=_q(is_radio_incomplete=True)),
    )
    for notice in non_compliant:
        notice.flags = services.compliance(notice, today)
    return render(
        request,
        "disclosures/dashboard.html",
        {
            "unit": unit,
            "counts": counts,
            "non_compliant": non_compliant,
            "drafts": Notice.objects.filter(
                unit__path__startswith=unit.path, status="draft"
            ).select_related("unit", "item")[:100],
            "missing": _missing_in_words(services.missing_periods(unit, today))
            if unit.kind == Unit.Kind.COMMUNE
            else [],
            "status_labels": services.STATUS_LABELS,
        },
    )


def _q(**kwargs):
    from django.db.models import Q

    return Q(**kwargs)


@login_required
def create(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    permissions.require(request.user, "disclosures.manage", unit)
    form = forms.NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.create_notice(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, first_message(exc))
        else:
            messages.success(request, _("Đã lưu bản nháp. Thông báo chưa công khai."))
            return redirect(notice)
    status = 422 if request.method == "POST" else 200
    return render(request, "disclosures/edit.html", {"unit": unit, "form": form}, status=status)


@login_required
def edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    permissions.require(request.user, "disclosures.manage", notice.unit)
    initial = {f: getattr(notice, f) for f in services.EDITABLE_FIELDS}
    form = forms.NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(actor=request.user, notice=notice, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, first_message(exc))
        else:
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect(notice)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "disclosures/edit.html",
        {"unit": notice.unit, "form": form, "notice": notice},
        status=status,
    )


def _upload(form, field="photo"):
    upload = form.cleaned_data.get(field)
    return (upload.name, upload.read()) if upload else None


@require_POST
@login_required
def publish(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    return perform(
        request,
        notice,
        lambda: services.publish_notice(actor=request.user, notice=notice),
        _("Đã công khai thông báo."),
    )


@require_POST
@login_required
def attach(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp."))
        return redirect(notice)
    upload = form.cleaned_data["file"]
    return perform(
        request,
        notice,
        lambda: services.attach_document(
            actor=request.user, notice=notice, name=upload.name, data=upload.read()
        ),
        _("Đã đính kèm %(name)s.") % {"name": upload.name},
    )


@require_POST
@login_required
def add_posting(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    form = forms.PostingForm(request.POST, request.FILES)
    if not form.is_valid():
        return form_errors(request, notice, form)
    data = form.cleaned_data
    return perform(
        request,
        notice,
        lambda: services.record_posting(
            actor=request.user,
            notice=notice,
            place_name=data["place_name"],
            started_on=data["started_on"],
            photo=_upload(form),
        ),
        _("Đã ghi nhận niêm yết tại %(place)s.") % {"place": data["place_name"]},
    )


def _posting_for(request, code: str, posting_id: int) -> Posting:
    posting = get_object_or_404(
        Posting.objects.select_related("notice__unit", "place"),
        pk=posting_id,
        notice__unit__code=code,
    )
    get_notice_for(request.user, code, posting.notice_id)
    return posting


@require_POST
@login_required
def take_down(request: HttpRequest, code: str, posting_id: int) -> HttpResponse:
    posting = _posting_for(request, code, posting_id)
    form = forms.TakeDownForm(request.POST)
    if not form.is_valid():
        return form_errors(request, posting.notice, form)
    return perform(
        request,
        posting.notice,
        lambda: services.take_down(actor=request.user, posting=posting, **form.cleaned_data),
        _("Đã ghi nhận gỡ thông báo khỏi %(place)s.") % {"place": posting.place.name},
    )


@require_POST
@login_required
def repost(request: HttpRequest, code: str, posting_id: int) -> HttpResponse:
    posting = _posting_for(request, code, posting_id)
    form = forms.RepostForm(request.POST)
    if not form.is_valid():
        return form_errors(request, posting.notice, form)
    return perform(
        request,
        posting.notice,
        lambda: services.repost(
            actor=request.user, posting=posting, started_on=form.cleaned_data["started_on"]
        ),
        _("Đã niêm yết lại tại %(place)s.") % {"place": posting.place.name},
    )


@require_POST
@login_required
def add_airing(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    form = forms.AiringForm(request.POST, request.FILES)
    if not form.is_valid():
        return form_errors(request, notice, form)
    data = form.cleaned_data
    return perform(
        request,
        notice,
        lambda: services.record_airing(
            actor=request.user,
            notice=notice,
            aired_at=data["aired_at"],
            station=data["station"],
            photo=_upload(form),
        ),
        _("Đã ghi nhận lần phát thanh."),
    )


@require_POST
@login_required
def add_forwarding(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    form = forms.ForwardingForm(request.POST, unit=notice.unit)
    if not form.is_valid():
        return form_errors(request, notice, form)

    def forward_all():
        from django.db import transaction

        with transaction.atomic():
            for village in form.cleaned_data["villages"]:
                services.forward_to_village(
                    actor=request.user,
                    notice=notice,
                    village=village,
                    forwarded_on=form.cleaned_data["forwarded_on"],
                )

    return perform(request, notice, forward_all, _("Đã ghi nhận gửi thông báo cho trưởng thôn."))


@require_POST
@login_required
def relay(request: HttpRequest, code: str, forwarding_id: int) -> HttpResponse:
    forwarding = get_object_or_404(
        Forwarding.objects.select_related("notice__unit", "village"),
        pk=forwarding_id,
        notice__unit__code=code,
    )
    notice = get_notice_for(request.user, code, forwarding.notice_id)
    form = forms.RelayForm(request.POST)
    if not form.is_valid():
        return form_errors(request, notice, form)
    data = form.cleaned_data
    return perform(
        request,
        notice,
        lambda: services.record_relay(
            actor=request.user,
            forwarding=forwarding,
            method=data["method"],
            relayed_on=data["relayed_on"],
            note=data["note"],
        ),
        _("Đã ghi nhận việc truyền đạt ở %(v)s.") % {"v": forwarding.village.name},
    )


def _missing_in_words(missing: list[str]) -> list[str]:
    """ "2:2026-Q3" (the API's form) as an officer reads it: "Khoản 2 — quý III năm 2026"."""
    from danchu.disclosures.printing import period_label

    words = []
    for entry in missing:
        number, _sep, period = entry.partition(":")
        words.append(
            _("Khoản %(n)s Điều 11 — %(period)s") % {"n": number, "period": period_label(period)}
        )
    return words
