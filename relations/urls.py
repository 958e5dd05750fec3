from django.urls import path

from relations import views

app_name = "relations"

urlpatterns = [
    path("", views.relation_list, name="list"),
    path(
        "contacts/<number:contact_no>/create/<str:link_to>/",
        views.create_from_contact,
        name="create_from_contact",
    ),
    path(
        "contacts/<number:contact_no>/link/<str:link_to>/",
        views.link_from_contact,
        name="link_from_contact",
    ),
    path("lookup/<str:link_to>/", views.entity_lookup, name="lookup"),
    path(
        "contacts/<number:contact_no>/business-relations/add/",
        views.business_relation_add,
        name="business_relation_add",
    ),
    path("create-contacts/<str:link_to>/", views.create_contacts_view, name="create_contacts"),
    path(
        "business-relations/<int:pk>/delete/",
        views.business_relation_delete,
        name="business_relation_delete",
    ),
]

for _kind, _prefix in (
    ("customers", "customer"),
    ("vendors", "vendor"),
    ("bank-accounts", "bank_account"),
):
    urlpatterns += [
        path(f"{_kind}/new/", views.entity_create, {"kind": _kind}, name=f"{_prefix}_create"),
        path(
            f"{_kind}/<number:no>/", views.entity_detail, {"kind": _kind}, name=f"{_prefix}_detail"
        ),
        path(
            f"{_kind}/<number:no>/edit/", views.entity_edit, {"kind": _kind}, name=f"{_prefix}_edit"
        ),
        path(
            f"{_kind}/<number:no>/delete/",
            views.entity_delete,
            {"kind": _kind},
            name=f"{_prefix}_delete",
        ),
    ]
