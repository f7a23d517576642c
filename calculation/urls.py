from django.urls import path

from . import chart_views, views
from .comparison import views as comparison_views
from .dashboard import urls as dashboard_urls
from .participants import views as participant_views
from .realised import views as realised_views
from .revision import views as revision_views

app_name = "calculation"

urlpatterns = [
    path("", views.ScenarioListView.as_view(), name="scenarios"),
    path("nieuw/", views.ScenarioCreateView.as_view(), name="scenario-new"),
    path("uploaden/", views.ScenarioUploadView.as_view(), name="scenario-upload"),
    path("vergelijken/", comparison_views.CompareView.as_view(), name="compare"),
    path(
        "vergelijken/grafieken/<slug:key>.<str:file_format>",
        comparison_views.CompareChartDownloadView.as_view(),
        name="compare-chart",
    ),
    path("versies/<int:pk>/", views.VersionDetailView.as_view(), name="version"),
    path("versies/<int:pk>/bewerken/", views.VersionEditView.as_view(), name="version-edit"),
    path("versies/<int:pk>/vaststellen/", views.VersionFixView.as_view(), name="version-fix"),
    path("versies/<int:pk>/nieuwe-versie/", views.VersionNewView.as_view(), name="version-new"),
    path("versies/<int:pk>/kopieren/", views.VersionCopyView.as_view(), name="version-copy"),
    path(
        "versies/<int:pk>/download/",
        views.VersionDownloadView.as_view(),
        name="version-download",
    ),
    path(
        "versies/<int:pk>/herziening/",
        revision_views.VersionReviseView.as_view(),
        name="version-revise",
    ),
    path(
        "versies/<int:pk>/plan-en-werkelijkheid/",
        revision_views.PlanActualView.as_view(),
        name="version-plan-actual",
    ),
    path(
        "versies/<int:pk>/gerealiseerd/",
        realised_views.RealisedView.as_view(),
        name="version-realised",
    ),
    path(
        "versies/<int:pk>/deelnemers/",
        participant_views.ParticipantsView.as_view(),
        name="version-participants",
    ),
    path(
        "versies/<int:pk>/deelnemers/grafieken/<slug:key>.<str:file_format>",
        participant_views.ParticipantsChartDownloadView.as_view(),
        name="version-participants-chart",
    ),
    path(
        "versies/<int:pk>/afsluiten/",
        revision_views.ScenarioCloseView.as_view(),
        name="scenario-close",
    ),
    path("versies/<int:pk>/berekenen/", views.VersionRunView.as_view(), name="version-run"),
    path("berekeningen/<int:pk>/", views.RunDetailView.as_view(), name="run"),
    path(
        "berekeningen/<int:pk>/voortgang/",
        views.RunProgressView.as_view(),
        name="run-progress",
    ),
    path("berekeningen/<int:pk>/download/", views.RunDownloadView.as_view(), name="run-download"),
    path(
        "berekeningen/<int:pk>/grafieken/<slug:key>.<str:file_format>",
        chart_views.RunChartDownloadView.as_view(),
        name="run-chart",
    ),
    path("berekeningen/<int:pk>/excel/", views.RunWorkbookView.as_view(), name="run-workbook"),
    *dashboard_urls.urlpatterns,
]
