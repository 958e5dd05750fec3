from django.urls import path

from contacts import import_views, views

app_name = "contacts"

# A contact number is a code that may contain "/" (2024/1), hence <number:no>; the
# card's own route comes last so "<no>/edit/" is not read as the card of "<no>/edit".
# Numbers are upper-case, so they never clash with the lower-case action names.
urlpatterns = [
    path("", views.contact_list_view, name="list"),
    path("new/", views.contact_create_view, name="create"),
    path("import/", import_views.contact_import_view, name="import"),
    path("export/", views.contact_export_view, name="export"),
    path("bulk/", views.contact_bulk_view, name="bulk"),
    path("lookup/", views.contact_lookup_view, name="lookup"),
    path("<number:no>/edit/", views.contact_edit_view, name="edit"),
    path("<number:no>/persons/new/", views.person_create_view, name="create_person"),
    path("<number:no>/follow/", views.person_follow_view, name="follow"),
    path("<number:no>/company/", views.person_change_company_view, name="change_company"),
    path("<number:no>/type/", views.contact_change_type_view, name="change_type"),
    path("<number:no>/delete/", views.contact_delete_view, name="delete"),
    path("<number:no>/vcard/", views.contact_vcard_view, name="vcard"),
    path("<number:no>/privacy/export/", views.contact_privacy_export_view, name="privacy_export"),
    path("<number:no>/privacy/anonymise/", views.person_anonymise_view, name="anonymise"),
    path("<number:no>/", views.contact_detail_view, name="detail"),
]
