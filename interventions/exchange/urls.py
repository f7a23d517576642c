"""Bulk import and export of the register."""

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportExportView.as_view(), name="index"),
    path("importeren/", views.ImportUploadView.as_view(), name="upload"),
    path("importeren/<int:pk>/", views.ImportBatchView.as_view(), name="batch"),
    path(
        "importeren/<int:pk>/voortgang/",
        views.ImportBatchProgressView.as_view(),
        name="batch-progress",
    ),
    path("importeren/<int:pk>/doorvoeren/", views.ImportCommitView.as_view(), name="commit"),
    path("importeren/<int:pk>/verwerpen/", views.ImportDiscardView.as_view(), name="discard"),
    path("sjabloon/siex-importsjabloon.xlsx", views.TemplateXlsxView.as_view(), name="template"),
    path("sjabloon/<str:kind>.csv", views.TemplateCsvView.as_view(), name="template-csv"),
    path("exporteren/", views.ExportView.as_view(), name="export"),
]
