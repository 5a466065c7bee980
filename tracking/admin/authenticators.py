"""django-otp's admin for TOTP authenticators (two-factor login, gangmen/accounts.py), in Chinese
and without its 500s.

django-otp marks none of its strings for translation, so no catalogue can put them into Chinese:
the labels, help texts, section titles and columns are given here. The model's own name is set
in gangmen/apps.py.
"""

from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

LABELS = {
    "user": _("用户"),
    "name": _("名称"),
    "confirmed": _("已启用"),
    "key": _("密钥"),
    "step": _("时间步长（秒）"),
    "t0": _("起始时间"),
    "digits": _("验证码位数"),
    "tolerance": _("允许误差（步）"),
    "drift": _("时钟偏差（步）"),
    "throttling_failure_timestamp": _("最近一次验证失败时间"),
    "throttling_failure_count": _("连续失败次数"),
}
HELP_TEXTS = {
    "user": _("使用这个验证器登录的工作人员。"),
    "name": _("便于辨认的名称，如“张三的手机”。"),
    "confirmed": _("启用后，该用户登录时必须输入验证器上的6位验证码。"),
    "key": _("十六进制密钥（最多40字节），一般保留自动生成的值。"),
    "step": _("验证码每隔多少秒更换一次，通常为30。"),
    "t0": _("开始计算时间步的Unix时间，通常为0。"),
    "digits": _("验证码的位数，通常为6。"),
    "tolerance": _("允许手机时钟快或慢的时间步数。"),
    "drift": _("已知手机时钟与服务器相差的时间步数。"),
    "throttling_failure_timestamp": _("最近一次验证失败的时间；验证成功后清空。"),
    "throttling_failure_count": _("连续验证失败的次数。"),
}
SECTIONS = {
    "Identity": _("使用人"),
    "Timestamps": _("时间"),
    "Configuration": _("设置"),
    "State": _("状态"),
    "Throttling": _("失败限制"),
}


# Columns and read-only fields under Chinese names. Times go through display_for_value(), which
# shows them in the local time zone (a read-only callable's value is otherwise printed raw).


@admin.display(description=_("用户"), ordering="user")
def owner(device):
    return device.user


@admin.display(description=_("名称"), ordering="name")
def device_name(device):
    return device.name


@admin.display(description=_("已启用"), boolean=True, ordering="confirmed")
def enabled(device):
    return device.confirmed


@admin.display(description=_("添加时间"), ordering="created_at")
def added(device):
    return display_for_value(device.created_at, "-")


@admin.display(description=_("最近使用时间"), ordering="last_used_at")
def last_used(device):
    return display_for_value(device.last_used_at, "-")


def _titled(filter_class, title):
    """A list filter on a field, under a Chinese title rather than the field's English name."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


class AuthenticatorAdmin(TOTPDeviceAdmin):
    """Its QR code and configuration pages fetch the device with .get(), unchecked: an unknown
    id, or one beyond the column's range, would be a 500 instead of a 404."""

    list_display = [owner, device_name, added, last_used, enabled]
    list_filter = [
        ("created_at", _titled(admin.DateFieldListFilter, _("添加时间"))),
        ("last_used_at", _titled(admin.DateFieldListFilter, _("最近使用时间"))),
        ("confirmed", _titled(admin.BooleanFieldListFilter, _("已启用"))),
    ]
    search_help_text = _("按用户名或电子邮件地址查找")
    readonly_fields = [added, last_used, "qrcode_link"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(
            request, obj, change, labels=LABELS, help_texts=HELP_TEXTS, **kwargs
        )

    def get_fieldsets(self, request, obj=None):
        readonly = {"created_at": added, "last_used_at": last_used}
        return [
            (
                SECTIONS.get(title, title),
                {**options, "fields": [readonly.get(name, name) for name in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=_("二维码"))
    def qrcode_link(self, device):
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', href, _("显示二维码"))

    def config_view(self, request, pk):
        self._require_device(pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._require_device(pk)
        return super().qrcode_view(request, pk)

    def _require_device(self, pk):
        low, high = connection.ops.integer_field_range(TOTPDevice._meta.pk.get_internal_type())
        if not low <= pk <= high or not TOTPDevice.objects.filter(pk=pk).exists():
            raise Http404


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, AuthenticatorAdmin)
