from django.urls import path

from marketing_setup import views

app_name = "marketing_setup"

urlpatterns = [
    path("marketing/", views.setup_edit, name="setup"),
    path("reference-data/", views.reference_data, name="reference_data"),
    path("users/", views.user_setup, name="user_setup"),
]
