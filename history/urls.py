from django.urls import path

from history import views

app_name = "history"

urlpatterns = [
    path("events/<int:pk>/", views.event_view, name="event"),
    path("<str:model>/<path:object_id>/", views.object_history_view, name="object"),
]
