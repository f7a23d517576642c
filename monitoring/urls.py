"""The neighbourhood photo (wijkfoto) pages."""

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="index"),
    path("gebied/<str:code>/", views.AreaValuesView.as_view(), name="area"),
]
