"""The site's URLs plus a view that fails, for the 500 page's tests."""

from django.urls import path

from crm_site.urls import handler403, handler404, handler500  # noqa: F401
from crm_site.urls import urlpatterns as site_urls


def boom(request):
    raise RuntimeError("boom: a secret detail")


urlpatterns = [path("boom/", boom), *site_urls]
