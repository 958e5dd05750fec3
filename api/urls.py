"""Routes of the API: /api/v1/… plus the schema and its documentation page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers
from rest_framework.permissions import IsAuthenticated

from api import (
    base,
    contacts,
    duplicates,
    interactions,
    jobs,
    opportunities,
    relations,
    setup,
    tokens,
    webhook_views,
)


class Router(routers.SimpleRouter):
    """Detail actions (`<no>/persons/`) are routed before the detail (`<no>/`): a
    number may contain "/", so the detail's pattern would also match them."""

    routes = [
        routers.SimpleRouter.routes[0],  # list
        routers.SimpleRouter.routes[1],  # list actions
        routers.SimpleRouter.routes[3],  # detail actions
        routers.SimpleRouter.routes[2],  # detail
    ]


router = Router()
router.register("contacts", contacts.ContactViewSet, basename="contact")
router.register("customers", relations.CustomerViewSet, basename="customer")
router.register("vendors", relations.VendorViewSet, basename="vendor")
router.register("bank-accounts", relations.BankAccountViewSet, basename="bank-account")
router.register("interactions", interactions.InteractionViewSet, basename="interaction")
router.register(
    "interaction-templates",
    interactions.InteractionTemplateViewSet,
    basename="interaction-template",
)
router.register(
    "interaction-groups", interactions.InteractionGroupViewSet, basename="interaction-group"
)
router.register("opportunities", opportunities.OpportunityViewSet, basename="opportunity")
router.register("duplicates", duplicates.DuplicateViewSet, basename="duplicate")
router.register("number-series", setup.NoSeriesViewSet, basename="number-series")
router.register("jobs", jobs.JobViewSet, basename="job")

_relations = relations.ContactRelationsViewSet
_setup = setup.MarketingSetupViewSet
# Before the router: the contact detail route (<no>/, a number may hold "/") would
# match these too.
v1_patterns = [
    path(
        "interactions/documents/",
        interactions.DocumentLogView.as_view(),
        name="document-log",
    ),
    path(
        "contacts/<number:no>/business-relations/",
        _relations.as_view({"get": "list", "post": "create"}),
        name="contact-business-relations",
    ),
    path(
        "contacts/<number:no>/business-relations/<str:code>/",
        _relations.as_view({"delete": "destroy"}),
        name="contact-business-relation",
    ),
    path(
        "contacts/<number:no>/create-entity/",
        _relations.as_view({"post": "create_entity"}),
        name="contact-create-entity",
    ),
    path(
        "contacts/<number:no>/link-entity/",
        _relations.as_view({"post": "link_entity"}),
        name="contact-link-entity",
    ),
    path(
        "setup/",
        _setup.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"}),
        name="setup",
    ),
    *router.urls,
]


class SchemaView(base.ApiMixin, SpectacularAPIView):
    permission_classes = (IsAuthenticated,)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our static files (no CDN). A page: the login redirect applies."""


app_name = "api"

urlpatterns = [
    path("v1/", include(v1_patterns)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", login_required(DocsView.as_view(url_name="api:schema")), name="docs"),
    path("tokens/", tokens.token_list_view, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    path("webhooks/", webhook_views.webhook_list_view, name="webhooks"),
    path("webhooks/<int:pk>/", webhook_views.webhook_detail_view, name="webhook"),
    path(
        "webhooks/<int:pk>/secret/",
        webhook_views.webhook_new_secret_view,
        name="webhook_new_secret",
    ),
    path("webhooks/<int:pk>/delete/", webhook_views.webhook_delete_view, name="webhook_delete"),
    path(
        "webhooks/<int:pk>/deliveries/<uuid:delivery_id>/again/",
        webhook_views.delivery_send_again_view,
        name="webhook_delivery_again",
    ),
    re_path(r"^(?P<rest>[\s\S]*)$", base.NotFoundView.as_view(), name="not-found"),
]
