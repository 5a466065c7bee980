from django.urls import path

from tracking.office import supervision_views
from tracking.public import converters, report_views, views  # noqa: F401 - converters

app_name = "tracking"

PLAN = "<slug:jurisdiction>/<year:year>/"

urlpatterns = [
    path("", views.home, name="home"),
    path(PLAN, views.plan_detail, name="plan"),
    path(f"{PLAN}print/", views.plan_print, name="plan_print"),
    path(f"{PLAN}review/", views.previous_year, name="previous_year"),
    path(f"{PLAN}report.xlsx", report_views.plan_report, name="plan_report"),
    path(f"{PLAN}areas/<position:position>/", views.area_detail, name="area"),
    path(
        f"{PLAN}areas/<position:position>/report.xlsx",
        report_views.area_report,
        name="area_report",
    ),
    path(f"{PLAN}targets/<str:code>/", views.target_detail, name="target"),
    # Staff only (issue 16): the supervision report, as a page, ?format=docx or ?format=xlsx.
    path(f"{PLAN}supervision/", supervision_views.supervision_report, name="supervision"),
]
