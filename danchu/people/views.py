from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts import permissions
from danchu.core.errors import ValidationError, first_message
from danchu.people import privacy, services
from danchu.people.forms import DataAnswerForm, DataRequestForm, ImportForm
from danchu.people.models import DataRequest
from danchu.units.models import Unit
from danchu.units.services import get_unit


def _village_or_404(code: str) -> Unit:
    try:
        unit = get_unit(code)
    except ValidationError:
        raise Http404 from None
    if unit.kind != Unit.Kind.VILLAGE:
        raise Http404
    return unit


@login_required
def roll(request: HttpRequest, code: str) -> HttpResponse:
    village = _village_or_404(code)
    permissions.require(request.user, "people.view_roll", village)
    page = Paginator(services.roll(village), 100).get_page(request.GET.get("page"))
    services.record_roll_viewed(actor=request.user, village=village)
    return _render_roll(request, village, page=page)


def _render_roll(request, village, *, page=None, form=None, row_errors=None, status=200):
    if page is None:
        page = Paginator(services.roll(village), 100).get_page(1)
    return render(
        request,
        "people/roll.html",
        {
            "unit": village,
            "page": page,
            "form": form or ImportForm(),
            "row_errors": row_errors or [],
            "can_import": permissions.can(request.user, "people.manage", village),
        },
        status=status,
    )


@require_POST
@login_required
def import_file(request: HttpRequest, code: str) -> HttpResponse:
    village = _village_or_404(code)
    permissions.require(request.user, "people.manage", village)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_roll(request, village, form=form, status=422)
    upload = form.cleaned_data["file"]
    try:
        report = services.import_households(
            actor=request.user, village=village, data=upload.read(), filename=upload.name
        )
    except services.ImportRejected as exc:
        form.add_error(
            None,
            _("Tệp có %(n)d lỗi; chưa hộ nào được nhập. Sửa các dòng dưới đây rồi tải lại.")
            % {"n": len(exc.row_errors)},
        )
        return _render_roll(request, village, form=form, row_errors=exc.row_errors, status=422)
    except ValidationError as exc:
        form.add_error(None, first_message(exc))
        return _render_roll(request, village, form=form, status=422)
    messages.success(request, report.summary())
    return redirect("people:roll", code=village.code)


@login_required
def export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    village = _village_or_404(code)
    data = services.export_roll_xlsx(actor=request.user, village=village)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="danh-sach-ho-{village.code}.xlsx"'
    return response


# --- personal data (DESIGN: personal data; Law 91/2025/QH15; NĐ 356/2025) ----------------------


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What danchu holds about the signed-in user, and their requests about it."""
    form = DataRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                data_request = privacy.file_request(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    details=form.cleaned_data["details"],
                )
            except ValidationError as exc:
                form.add_error(None, first_message(exc))
            else:
                messages.success(
                    request,
                    _("Đã gửi yêu cầu. UBND xã trả lời chậm nhất ngày %(due)s.")
                    % {"due": data_request.due_on.strftime("%d/%m/%Y")},
                )
                return redirect("my_data")
        status = 422
    context = privacy.gather(request.user)
    today = timezone.localdate()
    for data_request in context["requests"]:
        data_request.overdue = data_request.is_overdue(today)
    context.update(
        form=form,
        can_request=privacy.answering_unit(request.user) is not None,
    )
    return render(request, "people/my_data.html", context, status=status)


@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(privacy.export(request.user), content_type="application/json")
    name = f"danchu-du-lieu-cua-toi-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def data_requests(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's list of residents' data requests, open ones first with their clocks."""
    try:
        unit = get_unit(code)
    except ValidationError:
        raise Http404 from None
    permissions.require(request.user, "people.manage", unit)
    page = Paginator(privacy.requests_under(unit), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for data_request in page:
        data_request.overdue = data_request.is_overdue(today)
    return render(
        request,
        "people/data_requests.html",
        {"unit": unit, "page": page, "form": DataAnswerForm()},
    )


@login_required
@require_POST
def answer_data_request(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    try:
        unit = get_unit(code)
    except ValidationError:
        raise Http404 from None
    data_request = get_object_or_404(
        DataRequest.objects.select_related("unit"), pk=pk, unit__path__startswith=unit.path
    )
    permissions.require(request.user, "people.manage", data_request.unit)
    form = DataAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
    else:
        try:
            privacy.answer_request(
                actor=request.user,
                request=data_request,
                outcome=form.cleaned_data["outcome"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("Đã trả lời yêu cầu."))
    return redirect("people:data_requests", code)
