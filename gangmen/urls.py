from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("港门镇政府工作报告目标跟踪")
admin.site.site_title = _("目标跟踪管理")
admin.site.index_title = _("管理首页")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("office/", include("tracking.office_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("tracking.urls")),
]
