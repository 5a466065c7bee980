from django.urls import path

from tracking import views

app_name = "tracking"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:jurisdiction>/<int:year>/", views.plan_detail, name="plan"),
    path(
        "<slug:jurisdiction>/<int:year>/targets/<str:code>/",
        views.target_detail,
        name="target",
    ),
]
