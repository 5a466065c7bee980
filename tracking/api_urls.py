from django.urls import path

from tracking import api, converters  # noqa: F401 - converters: <year:…>

app_name = "api"

PLAN = "plans/<slug:jurisdiction>/<year:year>/"

urlpatterns = [
    path("plans", api.plans, name="plans"),
    path(f"{PLAN}targets", api.targets, name="targets"),
    path(f"{PLAN}results", api.results, name="results"),
    path("openapi.json", api.openapi_document, name="openapi"),
]
