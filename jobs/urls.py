from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list_view, name="list"),
    path("<int:pk>/", views.job_detail_view, name="detail"),
    path("<int:pk>/cancel/", views.job_cancel_view, name="cancel"),
]
