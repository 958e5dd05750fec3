from django.urls import path

from opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("new/", views.opportunity_create, name="create"),
    path("<str:no>/", views.opportunity_detail, name="detail"),
    path("<str:no>/edit/", views.opportunity_edit, name="edit"),
    path("<str:no>/close/", views.opportunity_close, name="close"),
]
