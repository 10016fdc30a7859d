from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from danchu.accounts import permissions, services


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _next_url(request: HttpRequest, default: str = "accounts:me") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def login_view(request: HttpRequest) -> HttpResponse:
    from danchu.accounts.forms import LoginForm

    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip().lower()
        ip = _client_ip(request)
        if not services.login_allowed(username, ip):
            form.add_error(None, _("Đăng nhập sai quá nhiều lần. Xin thử lại sau ít phút."))
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                services.record_login_failure(username, ip)
                form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
                status = 422
            else:
                services.clear_login_failures(username)
                login(request, user)
                return _after_password(request, user)
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _next_url(request, "")},
        status=status,
    )


def _after_password(request: HttpRequest, user) -> HttpResponse:
    next_url = _next_url(request)
    if services.has_confirmed_device(user):
        response = redirect("accounts:verify")
        request.session["after_verify"] = next_url
        return response
    if permissions.needs_second_factor(user):
        messages.info(request, _("Tài khoản cán bộ cần bật xác thực hai lớp trước khi thao tác."))
        return redirect("accounts:setup_2fa")
    return redirect(next_url)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    from danchu.accounts.forms import TokenForm

    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            token = form.cleaned_data["token"].replace(" ", "")
            for device in devices_for_user(request.user, confirmed=True):
                if device.verify_token(token):
                    otp_login(request, device)
                    return redirect(request.session.pop("after_verify", "accounts:me"))
            form.add_error(
                "token",
                _(
                    "Mã xác thực không đúng hoặc đã hết hạn. Nếu vừa nhập sai, "
                    "hãy đợi vài giây rồi nhập mã mới."
                ),
            )
    return render(request, "accounts/verify.html", {"form": form}, status=status)


@login_required
def setup_2fa(request: HttpRequest) -> HttpResponse:
    from danchu.accounts.forms import TokenForm

    device = services.start_totp_setup(request.user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and services.confirm_totp(
            user=request.user, device=device, token=form.cleaned_data["token"]
        ):
            otp_login(request, device)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect("accounts:me")
        if form.is_valid():
            form.add_error("token", _("Mã không đúng. Kiểm tra giờ trên điện thoại rồi thử lại."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/setup_2fa.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/me.html",
        {
            "grants": [
                (grant, permissions.can_open_manage_page(request.user, grant.unit))
                for grant in permissions.grants_of(request.user).select_related("unit")
            ],
            "needs_2fa": permissions.needs_second_factor(request.user),
            "has_device": services.has_confirmed_device(request.user),
        },
    )
