"""The site's URLs plus the trivial view of benchmarks/http.py."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), path("", include("crm_site.urls"))]
