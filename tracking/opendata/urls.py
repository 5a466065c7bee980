from django.urls import path, re_path

from tracking.opendata import api
from tracking.public import converters  # noqa: F401 - converters: <year:…>

app_name = "api"

PLAN = "plans/<slug:jurisdiction>/<year:year>/"

urlpatterns = [
    path("plans", api.plans, name="plans"),
    path(f"{PLAN}targets", api.targets, name="targets"),
    path(f"{PLAN}results", api.results, name="results"),
    path("openapi.json", api.openapi_document, name="openapi"),
    # Any other address under the API answers in JSON too, not with the HTML 404 page.
    re_path(r"^(?P<unknown>.*)$", api.not_found),
]
