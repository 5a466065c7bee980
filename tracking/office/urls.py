from django.urls import path

from tracking.office import views

app_name = "office"

urlpatterns = [
    path("", views.my_targets, name="my_targets"),
    path("targets/<int:pk>/report/", views.report_progress, name="report"),
    path("records/<int:pk>/edit/", views.edit_record, name="edit_record"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_record, name="review_record"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
