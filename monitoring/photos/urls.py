"""The neighbourhood photo's pages: live at a date, kept, compared."""

from django.urls import path

from . import views

app_name = "photos"

urlpatterns = [
    path("", views.PhotoListView.as_view(), name="list"),
    path("vergelijk/", views.PhotoCompareView.as_view(), name="compare"),
    path("gebied/<str:code>/", views.AreaPhotoView.as_view(), name="area"),
    path("gebied/<str:code>/vastleggen/", views.PhotoTakeView.as_view(), name="take"),
    path(
        "gebied/<str:code>/download.<str:file_format>",
        views.AreaPhotoDownloadView.as_view(),
        name="area-download",
    ),
    path("<int:pk>/", views.PhotoDetailView.as_view(), name="detail"),
    path("<int:pk>/verwijderen/", views.PhotoDeleteView.as_view(), name="delete"),
    path(
        "<int:pk>/download.<str:file_format>",
        views.PhotoDownloadView.as_view(),
        name="download",
    ),
]
