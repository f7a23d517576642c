"""The neighbourhood photo's pages: live at a date, kept, compared."""

from django.urls import path

from . import chart_views, views

app_name = "photos"

urlpatterns = [
    path("", views.PhotoListView.as_view(), name="list"),
    path("vergelijk/", views.PhotoCompareView.as_view(), name="compare"),
    path("kaart/", chart_views.DistrictMapView.as_view(), name="map"),
    path(
        "kaart/download.<str:file_format>",
        chart_views.DistrictMapDownloadView.as_view(),
        name="map-download",
    ),
    path("gebied/<str:code>/", views.AreaPhotoView.as_view(), name="area"),
    path("gebied/<str:code>/vastleggen/", views.PhotoTakeView.as_view(), name="take"),
    path(
        "gebied/<str:code>/download.<str:file_format>",
        views.AreaPhotoDownloadView.as_view(),
        name="area-download",
    ),
    path(
        "gebied/<str:code>/grafiek/<str:key>.<str:file_format>",
        chart_views.AreaChartDownloadView.as_view(),
        name="area-chart",
    ),
    path("<int:pk>/", views.PhotoDetailView.as_view(), name="detail"),
    path(
        "<int:pk>/grafiek/<str:key>.<str:file_format>",
        chart_views.KeptPhotoChartDownloadView.as_view(),
        name="chart",
    ),
    path("<int:pk>/verwijderen/", views.PhotoDeleteView.as_view(), name="delete"),
    path(
        "<int:pk>/download.<str:file_format>",
        views.PhotoDownloadView.as_view(),
        name="download",
    ),
]
