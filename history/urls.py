from django.urls import path

from history import views

app_name = "history"

urlpatterns = [
    path("events/<int:pk>/", views.event_view, name="event"),
    path("deleted/", views.deleted_view, name="deleted"),
    path("deleted/<int:pk>/restore/", views.restore_view, name="restore"),
    path("<str:model>/<path:object_id>/", views.object_history_view, name="object"),
]
