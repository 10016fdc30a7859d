from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts import permissions
from danchu.core.errors import ValidationError, first_message
from danchu.core.sections import unit_sections
from danchu.people import privacy
from danchu.people.models import Household
from danchu.units import services
from danchu.units.forms import MergeForm, RenameForm, VillageForm
from danchu.units.models import Unit


def _unit_or_404(code: str) -> Unit:
    try:
        return services.get_unit(code)
    except ValidationError:
        raise Http404(_("Không tìm thấy đơn vị.")) from None


def home(request: HttpRequest) -> HttpResponse:
    provinces = Unit.objects.filter(kind=Unit.Kind.PROVINCE).annotate(
        communes=Count("children", filter=Q(children__kind=Unit.Kind.COMMUNE))
    )
    return render(request, "units/home.html", {"provinces": provinces})


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    results = Unit.objects.none()
    if q:
        results = (
            Unit.objects.search(q)
            .exclude(kind=Unit.Kind.NATION)
            .select_related("parent")
            .order_by("depth", "sort_key")
        )
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    return render(request, "units/search.html", {"q": q, "page": page})


# Stands in for the visitor's CSRF token in a cached page; each response gets its own.
_CSRF_PLACEHOLDER = "csrf-token-placeholder-7d1e0b9c"


def detail(request: HttpRequest, code: str) -> HttpResponse:
    cache_key = _public_page_cache_key(request)
    if cache_key and (html := cache.get(cache_key)) is not None:
        return HttpResponse(html.replace(_CSRF_PLACEHOLDER, get_token(request)))
    unit = _unit_or_404(code)
    children = unit.children.all()
    workplaces = (Unit.Kind.AGENCY, Unit.Kind.ENTERPRISE)
    current_children = [c for c in children if c.is_current() and c.kind not in workplaces]
    agencies = [c for c in children if c.is_current() and c.kind in workplaces]
    former_children = [c for c in children if not c.is_current()]
    totals = Household.objects.current().in_subtree(unit).totals()
    context = {
        "unit": unit,
        "ancestors": unit.ancestors().exclude(pk=unit.pk),
        "children": current_children,
        "agencies": agencies,
        "former_children": former_children,
        "totals": totals,
        "predecessors": unit.predecessors.all(),
        "can_manage": permissions.can_open_manage_page(request.user, unit),
        "sections": unit_sections(request, unit),
    }
    if not cache_key:
        return render(request, "units/detail.html", context)
    context["csrf_token"] = _CSRF_PLACEHOLDER
    response = render(request, "units/detail.html", context)
    html = response.content.decode()
    cache.set(cache_key, html, settings.UNIT_PAGE_CACHE_SECONDS)
    response.content = html.replace(_CSRF_PLACEHOLDER, get_token(request))
    return response


def _public_page_cache_key(request: HttpRequest) -> str | None:
    """Where an anonymous GET of a unit page is cached, by full path and language.

    None (render afresh) for signed-in users and for visitors with a message waiting."""
    if (
        not settings.UNIT_PAGE_CACHE_SECONDS
        or request.method != "GET"
        or request.user.is_authenticated
        or messages.get_messages(request)
    ):
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"units:detail:{get_language()}:{path}"


@login_required
def manage(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    if unit.kind == Unit.Kind.VILLAGE:
        return redirect("people:roll", code=unit.code)
    permissions.require(request.user, "units.manage", unit)
    if unit.kind != Unit.Kind.COMMUNE:
        raise Http404(_("Chỉ quản lý thôn, tổ dân phố ở cấp xã."))
    return _render_manage(request, unit)


def _render_manage(request, commune, *, village_form=None, merge_form=None, status=200):
    villages = Unit.objects.filter(parent=commune, kind=Unit.Kind.VILLAGE).annotate(
        household_count=Count("households", filter=Q(households__dissolved_on__isnull=True))
    )
    return render(
        request,
        "units/manage.html",
        {
            "unit": commune,
            "villages": [v for v in villages if v.is_current()],
            "former": [v for v in villages if not v.is_current()],
            "village_form": village_form or VillageForm(),
            "merge_form": merge_form or MergeForm(commune=commune),
            "rename_form": RenameForm(),
            "data_requests": privacy.waiting(commune),
        },
        status=status,
    )


@require_POST
@login_required
def create_village(request: HttpRequest, code: str) -> HttpResponse:
    commune = _unit_or_404(code)
    permissions.require(request.user, "units.manage", commune)
    form = VillageForm(request.POST)
    if form.is_valid():
        try:
            village = services.create_village(
                actor=request.user, commune=commune, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, first_message(exc))
        else:
            messages.success(request, _("Đã tạo %(name)s.") % {"name": village.name})
            return redirect("units:manage", code=commune.code)
    return _render_manage(request, commune, village_form=form, status=422)


@require_POST
@login_required
def rename(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    if unit.parent is None:
        raise PermissionDenied
    permissions.require(request.user, "units.manage", unit.parent)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.rename_unit(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("Đã đổi tên thành %(name)s.") % {"name": unit.name})
    else:
        messages.error(request, _("Hãy nhập tên mới."))
    return redirect("units:manage", code=unit.parent.code)


@require_POST
@login_required
def merge(request: HttpRequest, code: str) -> HttpResponse:
    commune = _unit_or_404(code)
    permissions.require(request.user, "units.manage", commune)
    form = MergeForm(request.POST, commune=commune)
    if form.is_valid():
        data = form.cleaned_data
        try:
            target = services.merge_units(
                actor=request.user,
                sources=list(data["sources"]),
                into=data["into"],
                new_name=data["new_name"],
                effective=data["effective"],
                decision=data["decision"],
            )
        except ValidationError as exc:
            form.add_error(None, first_message(exc))
        else:
            messages.success(request, _("Đã sáp nhập vào %(name)s.") % {"name": target.name})
            return redirect("units:manage", code=commune.code)
    return _render_manage(request, commune, merge_form=form, status=422)
