from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list_view, name="list"),
    path("new/", views.contact_create_view, name="create"),
    path("import/", views.contact_import_view, name="import"),
    path("export/", views.contact_export_view, name="export"),
    path("<str:no>/", views.contact_detail_view, name="detail"),
    path("<str:no>/edit/", views.contact_edit_view, name="edit"),
    path("<str:no>/persons/new/", views.person_create_view, name="create_person"),
    path("<str:no>/follow/", views.person_follow_view, name="follow"),
    path("<str:no>/company/", views.person_change_company_view, name="change_company"),
    path("<str:no>/type/", views.contact_change_type_view, name="change_type"),
    path("<str:no>/delete/", views.contact_delete_view, name="delete"),
]
