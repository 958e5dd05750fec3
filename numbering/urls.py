from django.urls import path

from numbering import views

app_name = "numbering"

urlpatterns = [
    path("", views.noseries_list, name="list"),
]
