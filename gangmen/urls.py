from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from gangmen.accounts import TwoFactorLoginForm

admin.site.site_header = _("港门镇政府工作报告目标跟踪")
admin.site.site_title = _("目标跟踪管理")
admin.site.index_title = _("管理首页")
# The one login of the site (the officials' pages send there too), with the authenticator code.
admin.site.login_form = TwoFactorLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("office/", include("tracking.office.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The language switch on every page. The public pages are cached and the same for every
    # visitor, so they cannot carry a visitor's CSRF token; choosing the display language
    # changes nothing but a cookie, which a forged request could only set to the other language.
    path("language/", csrf_exempt(set_language), name="switch_language"),
    path("api/v1/", include("tracking.opendata.urls")),
    path("", include("tracking.public.urls")),
]
