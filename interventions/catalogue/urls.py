"""The catalogue of interventions and outcomes: the assumptions register and its maintenance."""

from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("nieuwe-interventie/", views.InterventionTypeCreateView.as_view(), name="type-new"),
    path("interventies/<slug:code>/", views.InterventionTypeDetailView.as_view(), name="type"),
    path(
        "interventies/<slug:code>/bewerken/",
        views.InterventionTypeEditView.as_view(),
        name="type-edit",
    ),
    path(
        "interventies/<slug:code>/in-gebruik/",
        views.InterventionTypeActiveView.as_view(),
        name="type-active",
    ),
    path("nieuw-effect/", views.OutcomeCreateView.as_view(), name="outcome-new"),
    path("effecten/<slug:code>/", views.OutcomeDetailView.as_view(), name="outcome"),
    path("effecten/<slug:code>/bewerken/", views.OutcomeEditView.as_view(), name="outcome-edit"),
    path("uploaden/", views.CatalogueUploadView.as_view(), name="upload"),
    path("download/aannameregister.xlsx", views.RegisterXlsxView.as_view(), name="download-xlsx"),
    path("download/catalogus.json", views.CatalogueFileView.as_view(), name="download-json"),
    path("download/<slug:table>.csv", views.TableCsvView.as_view(), name="download-csv"),
]
