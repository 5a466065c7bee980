"""Logging in: throttling by user name and address, and two-factor login (TOTP) for staff.

- LoginThrottle (django-axes handler): a user name and address pair is locked after
  AXES_FAILURE_LIMIT failures, as before; a user name alone, from any addresses, after the
  higher AXES_USERNAME_FAILURE_LIMIT, which stops password spraying over many addresses
  without letting one address lock an official out.
- TwoFactorLoginForm: a staff member who has a TOTP authenticator (django-otp) must give its
  code at login; leaders and administrators must have one when REQUIRE_2FA=1.
- TwoFactorRequiredMiddleware: with REQUIRE_2FA=1, a leader's or administrator's session that
  was not verified by an authenticator is ended.
"""

import django_otp
from axes.handlers.database import AxesDatabaseHandler
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracking import roles


class LoginThrottle(AxesDatabaseHandler):
    """Two limits on one attempt log, per settings.AXES_LOCKOUT_PARAMETERS: the pair
    [username, ip_address] at AXES_FAILURE_LIMIT, the username alone at the higher
    AXES_USERNAME_FAILURE_LIMIT. Axes compares one count with one limit, so the name's count is
    reported as reaching the limit once it reaches its own."""

    def get_failures(self, request, credentials=None):
        by_pair, by_name = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_name >= settings.AXES_USERNAME_FAILURE_LIMIT:
            return max(by_pair, settings.AXES_FAILURE_LIMIT)
        return by_pair

    def reset_user_attempts(self, request, credentials=None):
        """A successful login clears its own address's failures only: the owner of a name
        under attack logging in must not wipe the attacker's count for that name."""
        by_pair = self.filter_user_attempts(request, credentials)[0]
        count, _ = by_pair.delete()
        return count


def needs_two_factor(user):
    """Leaders and administrators, when REQUIRE_2FA is on."""
    return settings.REQUIRE_2FA and (
        roles.is_administrator(user) or roles.LEADER in roles.held_by(user)
    )


class TwoFactorLoginForm(AdminAuthenticationForm):
    """The admin's login (also the officials' pages' login) with an authenticator code."""

    otp_token = forms.CharField(
        label=_("动态验证码"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("设置了两步验证的账号，请填写验证器应用上显示的6位数字；其他账号留空。"),
    )

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned_data
        if django_otp.user_has_device(user):
            token = cleaned_data.get("otp_token", "").strip()
            device = django_otp.match_token(user, token) if token else None
            if device is None:
                raise ValidationError(
                    _(
                        "动态验证码不正确或已过期。请打开验证器应用，填写当前显示的6位数字；"
                        "手机丢失时请联系系统管理员重置验证器。"
                    ),
                    code="invalid_token",
                )
            user.otp_device = device  # django-otp marks the session verified at login
        elif needs_two_factor(user):
            raise ValidationError(
                _(
                    "审核领导和系统管理员必须使用两步验证登录，但您的账号还没有验证器。"
                    "请联系系统管理员在后台“身份验证器”中为您添加，并用手机验证器应用扫描二维码。"
                ),
                code="two_factor_required",
            )
        return cleaned_data


class TwoFactorRequiredMiddleware:
    """After django-otp's OTPMiddleware: ends an unverified session of someone who needs two
    factors (e.g. one that began before REQUIRE_2FA was switched on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.REQUIRE_2FA:
            # request.user stays unread (lazy): an outage then reaches the view, whose error
            # DatabaseOutageMiddleware turns into its 503 page.
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and needs_two_factor(user) and not user.is_verified():
            logout(request)
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return self.get_response(request)
