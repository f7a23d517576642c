from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.AccessLogView.as_view(), name="access-log"),
    path("export/", views.AccessLogExportView.as_view(), name="access-log-export"),
    path("wijzigingen/", views.ChangeHistoryView.as_view(), name="changes"),
    path("wijzigingen/export/", views.ChangeHistoryExportView.as_view(), name="changes-export"),
]
