from django.urls import path

from tracking import report_views, views

app_name = "tracking"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:jurisdiction>/<int:year>/", views.plan_detail, name="plan"),
    path(
        "<slug:jurisdiction>/<int:year>/report.xlsx", report_views.plan_report, name="plan_report"
    ),
    path(
        "<slug:jurisdiction>/<int:year>/areas/<int:position>/report.xlsx",
        report_views.area_report,
        name="area_report",
    ),
    path(
        "<slug:jurisdiction>/<int:year>/targets/<str:code>/",
        views.target_detail,
        name="target",
    ),
]
