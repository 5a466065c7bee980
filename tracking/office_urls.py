from django.urls import path

from tracking import office_views

app_name = "office"

urlpatterns = [
    path("", office_views.my_targets, name="my_targets"),
    path("targets/<int:pk>/report/", office_views.report_progress, name="report"),
    path("records/<int:pk>/edit/", office_views.edit_record, name="edit_record"),
    path("review/", office_views.review_list, name="review_list"),
    path("review/<int:pk>/", office_views.review_record, name="review_record"),
    path("evidence/<int:pk>/", office_views.evidence, name="evidence"),
]
