"""Start page per role, system status, the health check and the answer to a server error."""

import sys

from django import db
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import selectors
from .start_page import start_sections_for


class HomeView(TemplateView):
    """One start page; each section is shown to the users it is for (``start_page``)."""

    template_name = "core/home.html"
    permission_required = "siex.view_start"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = start_sections_for(self.request.user)
        for section in sections:
            context.update(section.context(self.request))
        context["start_sections"] = [section.template for section in sections]
        return context


class SystemStatusView(TemplateView):
    template_name = "core/status.html"
    permission_required = "siex.view_system_status"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checks"] = [
            selectors.database_check(),
            selectors.static_files_check(),
            selectors.broker_check(),
        ]
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
    """Health for load balancers and docker health checks: the database answers and the pages
    can link their static files (without collectstatic every page fails under the production
    storage). Unhealthy answers 503 with the reason; never a detail of the database's error."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001
        return JsonResponse(
            {"status": "unavailable", "reason": _("the database does not answer")}, status=503
        )
    static = selectors.static_files_check()
    if not static.ok:
        return JsonResponse({"status": "unavailable", "reason": static.detail}, status=503)
    return JsonResponse({"status": "ok"})


class ApiDocsView(SpectacularSwaggerSplitView):
    """The API documentation page (Swagger UI). It is a page people open in a browser: signed out,
    they are sent to sign in (and back), as on every other page, instead of getting a 401."""

    sign_in_in_browser = True


# --- error pages ----------------------------------------------------------------------------------
# The API answers in JSON, also for an address no route matches (/api/v1/areas/0.5/), a request
# Django refuses before any view (too many fields) and a server error: a client reading the API
# never gets an HTML page. Every other address keeps the HTML pages (templates/404.html, ...).


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("There is nothing at this address.")}, status=404)
    return defaults.page_not_found(request, exception)


#: Seconds after which asking again makes sense while the database is down (Retry-After).
DATABASE_RETRY_AFTER = 30


def server_error(request):
    """The answer to an error no view handled (``handler500``). A database that does not answer
    (restarting, unreachable) is not a fault of the request: the answer is 503 "try again" with
    Retry-After (JSON on the API), not 500; anything else is the usual 500 page. Rendered
    without the request's context: that would need the database too."""
    error = sys.exc_info()[1]
    if not isinstance(error, (db.OperationalError, db.InterfaceError)):
        if _is_api(request):
            return JsonResponse(
                {"detail": _("Something went wrong on our side. Please try again later.")},
                status=500,
            )
        return HttpResponseServerError(loader.get_template("500.html").render())
    if _is_api(request):
        response = JsonResponse(
            {
                "detail": _(
                    "The database does not answer; nothing was saved. Try again in a minute."
                ),
                "code": "service_unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponseServerError(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response
