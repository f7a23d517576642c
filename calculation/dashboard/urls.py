"""The dashboard's addresses, in the calculation's namespace (``calculation.urls``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("versies/<int:pk>/raadsbrief/", views.BriefView.as_view(), name="version-brief"),
]
