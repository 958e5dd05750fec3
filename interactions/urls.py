from django.urls import path

from interactions import views

app_name = "interactions"

urlpatterns = [
    path("", views.entry_list_view, name="list"),
    path("<int:pk>/", views.entry_detail_view, name="detail"),
    path("export/", views.entry_export_view, name="export"),
    path("contact/<number:no>/phone-call/", views.phone_call_log_view, name="log_phone_call"),
    path("contact/<number:no>/email/", views.email_log_view, name="log_email"),
    path("contact/<number:no>/cover-sheet/", views.cover_sheet_view, name="cover_sheet"),
    path("setup/", views.template_setup_view, name="template_setup"),
]
