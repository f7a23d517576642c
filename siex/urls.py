"""URL configuration. Every page names the permission it needs (deny by default)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from calculation import api as calculation_api
from calculation.realised import api as realised_api
from interventions.catalogue import api as catalogue_api
from interventions.followup import api as followup_api
from interventions.register import api as register_api
from monitoring import api as monitoring_api
from monitoring.photos import api as photos_api
from siex.core import views as core_views

router = SimpleRouter()
router.register("areas", monitoring_api.AreaViewSet, basename="area")
router.register("indicators", monitoring_api.IndicatorViewSet, basename="indicator")
router.register(
    "indicator-values", monitoring_api.IndicatorValueViewSet, basename="indicator-value"
)
router.register("context-notes", monitoring_api.ContextNoteViewSet, basename="context-note")
router.register("area-photos", photos_api.AreaPhotoViewSet, basename="area-photo")
router.register("photos", photos_api.PhotoSnapshotViewSet, basename="photo")
router.register("life-domains", catalogue_api.LifeDomainViewSet, basename="life-domain")
router.register("actors", catalogue_api.ActorViewSet, basename="actor")
router.register(
    "intervention-types", catalogue_api.InterventionTypeViewSet, basename="intervention-type"
)
router.register("outcomes", catalogue_api.OutcomeViewSet, basename="outcome")
router.register("households", register_api.HouseholdViewSet, basename="household")
router.register("interventions", register_api.InterventionViewSet, basename="intervention")
router.register("assessments", followup_api.AssessmentViewSet, basename="assessment")
router.register("surveys", followup_api.SurveyViewSet, basename="survey")
router.register("outcome-events", followup_api.OutcomeEventViewSet, basename="outcome-event")
router.register("scenarios", calculation_api.ScenarioViewSet, basename="scenario")
router.register(
    "scenario-versions", calculation_api.ScenarioVersionViewSet, basename="scenario-version"
)
router.register("transitions", realised_api.TransitionViewSet, basename="transition")
router.register(
    "calculation-runs", calculation_api.CalculationRunViewSet, basename="calculation-run"
)

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("health/", core_views.health, name="health"),
    path("account/", include("siex.accounts.urls")),
    path("account/tweestapsverificatie/", include("siex.accounts.two_factor_urls")),
    path("beheer/", include("siex.core.urls")),
    path("huishoudens/", include("interventions.register.urls")),
    path("huishoudens/", include("interventions.followup.urls")),
    path("import-export/", include("interventions.exchange.urls")),
    path("catalogus/", include("interventions.catalogue.urls")),
    path("audit/", include("siex.audit.urls")),
    path("scenarios/", include("calculation.urls")),
    path("wijkfoto/importeren/", include("monitoring.exchange.urls")),
    path("wijkfoto/fotos/", include("monitoring.photos.urls")),
    path("wijkfoto/", include("monitoring.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", include(router.urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/",
        core_views.ApiDocsView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    # The admin (superusers only) under SIEX_ADMIN_PATH.
    path(settings.SIEX_ADMIN_PATH, admin.site.urls),
]

# Error answers: JSON under /api/, the HTML pages elsewhere.
handler400 = core_views.bad_request
handler404 = core_views.page_not_found
# A database that does not answer is 503 "try again" (JSON on the API), anything else 500.
handler500 = core_views.server_error
