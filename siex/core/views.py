"""Start page per role, system status and the health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularSwaggerSplitView

from interventions.catalogue import selectors as catalogue_selectors
from interventions.register import selectors as register
from siex.accounts.roles import Role
from siex.accounts.selectors import user_roles

from . import selectors


class HomeView(TemplateView):
    """One start page; each section is shown to the roles it is for."""

    template_name = "core/home.html"
    permission_required = "siex.view_start"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roles = set(user_roles(self.request.user))
        context["roles"] = roles
        if Role.POLICY_OFFICER in roles or Role.PROJECT_LEAD in roles:
            context["register"] = register.register_summary()
        if Role.POLICY_OFFICER in roles:
            context["tasks"] = register.officer_tasks()
            context["follow_up_days"] = register.FOLLOW_UP_DAYS
        if Role.COUNCIL_MEMBER in roles:
            context["districts"] = register.participating_per_district(
                threshold=settings.SIEX_SMALL_CELL_THRESHOLD
            )
        if Role.PROJECT_LEAD in roles or Role.COUNCIL_MEMBER in roles:
            context["catalogue"] = catalogue_selectors.catalogue_summary()
        if Role.ADMINISTRATOR in roles:
            context["users_per_role"] = selectors.users_per_role()
        return context


class SystemStatusView(TemplateView):
    template_name = "core/status.html"
    permission_required = "siex.view_system_status"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checks"] = [selectors.database_check(), selectors.broker_check()]
        return context


class WorkerStatusView(TemplateView):
    """Loaded into the status page by htmx, so a silent worker does not hold the page up."""

    template_name = "core/partials/worker_status.html"
    permission_required = "siex.view_system_status"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["check"] = selectors.worker_check()
        return context


@login_not_required
@never_cache
@require_GET
def health(request):
    """Liveness for load balancers and docker health checks: the database answers. No details."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


class ApiDocsView(SpectacularSwaggerSplitView):
    """The API documentation page (Swagger UI). It is a page people open in a browser: signed out,
    they are sent to sign in (and back), as on every other page, instead of getting a 401."""

    sign_in_in_browser = True
