from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from api.interactions import LegacyDocumentLogView
from crm_site import health, views

# The admin names the product, not Django.
admin.site.site_header = _("CRM administration")
admin.site.site_title = _("CRM administration")
admin.site.index_title = _("Administration")

# Error pages inside the layout, translated (crm_site/errors.py; 400: Django's handler
# with templates/400.html, also drawn by crm_site.middleware).
handler403 = "crm_site.errors.permission_denied"
handler404 = "crm_site.errors.page_not_found"
handler500 = "crm_site.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    # Answered by crm_site.health.HealthCheckMiddleware; the route documents the URL.
    path("health/", health.health_view, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switcher also works on the login page.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("setup/", include("marketing_setup.urls")),
    path("numbering/", include("numbering.urls")),
    path("contacts/", include("contacts.urls")),
    path("duplicates/", include("duplicates.urls")),
    path("relations/", include("relations.urls")),
    # The document-logging endpoint's first URL (now /api/v1/interactions/documents/).
    path("interactions/api/documents/", LegacyDocumentLogView.as_view(), name="api_documents"),
    path("interactions/", include("interactions.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("history/", include("history.urls")),
    path("jobs/", include("jobs.urls")),
    path("api/", include("api.urls")),
]
