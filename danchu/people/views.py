from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts import permissions
from danchu.core.errors import ValidationError, first_message
from danchu.people import services
from danchu.people.forms import ImportForm
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
