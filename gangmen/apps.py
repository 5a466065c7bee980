"""Chinese names for the admin sections of the login guard and the authenticators, which their
packages leave as "Axes" and "Otp_Totp"."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class LoginGuardConfig(AxesConfig):
    verbose_name = _("登录防护")


class AuthenticatorConfig(TOTPConfig):
    verbose_name = _("身份验证器")

    def ready(self):
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # django-otp's model is named "TOTP device", unmarked for translation. A model's
        # verbose name set here is not part of its migration state (Meta.original_attrs is).
        TOTPDevice._meta.verbose_name = _("身份验证器")
        TOTPDevice._meta.verbose_name_plural = _("身份验证器")
