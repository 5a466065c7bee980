"""The site's URLs plus /bench/trivial/, the cheapest Django response: the framework floor."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("", include("gangmen.urls")),
]
