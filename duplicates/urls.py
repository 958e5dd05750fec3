from django.urls import path

from duplicates import views

app_name = "duplicates"

urlpatterns = [
    path("", views.duplicate_list_view, name="list"),
    path("rebuild/", views.duplicate_rebuild_view, name="rebuild"),
    path("find/", views.duplicate_find_all_view, name="find_all"),
    path("estimate/", views.duplicate_estimate_view, name="estimate"),
    path("review/", views.duplicate_review_view, name="review"),
    path("review/<int:pk>/", views.duplicate_review_answer_view, name="review_answer"),
    path("<int:pk>/separate/", views.duplicate_separate_view, name="separate"),
    path("<int:pk>/compare/", views.duplicate_compare_view, name="compare"),
    path("<int:pk>/merge/", views.duplicate_merge_view, name="merge"),
    path("merges/<int:pk>/", views.merge_record_view, name="merge_record"),
    path("merges/<int:pk>/undo/", views.merge_undo_view, name="merge_undo"),
    path("merge-with/<number:no>/", views.contact_merge_with_view, name="merge_with"),
]
