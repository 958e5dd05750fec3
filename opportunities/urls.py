from django.urls import path

from opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("new/", views.opportunity_create, name="create"),
    path("export/", views.opportunity_export, name="export"),
    path("<number:no>/", views.opportunity_detail, name="detail"),
    path("<number:no>/edit/", views.opportunity_edit, name="edit"),
    path("<number:no>/close/", views.opportunity_close, name="close"),
]
