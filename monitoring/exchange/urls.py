"""The upload of indicator files (under the neighbourhood photo)."""

from django.urls import path

from . import views

app_name = "indicator_imports"

urlpatterns = [
    path("", views.IndicatorImportView.as_view(), name="index"),
    path("uploaden/", views.IndicatorUploadView.as_view(), name="new"),
    path("<int:pk>/", views.IndicatorUploadDetailView.as_view(), name="upload"),
    path("<int:pk>/voortgang/", views.IndicatorUploadProgressView.as_view(), name="progress"),
    path("<int:pk>/vastleggen/", views.IndicatorUploadCommitView.as_view(), name="commit"),
    path("<int:pk>/verwerpen/", views.IndicatorUploadDiscardView.as_view(), name="discard"),
    path("sjabloon/siex-indicatoren.xlsx", views.TemplateXlsxView.as_view(), name="template"),
    path("sjabloon/<str:shape>.csv", views.TemplateCsvView.as_view(), name="template-csv"),
]
