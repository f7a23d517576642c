"""The dashboard (also the council member's start page, ``start_page``) and the council brief of a
fixed version. Thin: ``presentation`` reads."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from .. import selectors as calculation_selectors
from ..models import ScenarioVersion
from ..views import RESULTS, VIEW
from . import presentation, selectors

#: The query parameter of the project lead's choice of a version.
PICK = "versie"


def _picked(request) -> ScenarioVersion | None:
    """The version the project lead chose to see (drafts too); nobody else chooses."""
    if not request.user.has_perm(VIEW):
        return None
    try:
        pk = int(request.GET.get(PICK, ""))
    except ValueError:
        return None
    picked = selectors.version_for_dashboard(pk)
    if picked is None:
        raise Http404
    return picked


class DashboardView(TemplateView):
    """Per scenario the newest fixed version with its key figures and charts; the project lead
    may pick any version, drafts included."""

    template_name = "calculation/dashboard/dashboard.html"
    permission_required = RESULTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        picked = _picked(self.request)
        context.update(presentation.dashboard(self.request.user, picked))
        context["picked"] = picked
        if self.request.user.has_perm(VIEW):
            context["versions_to_pick"] = selectors.versions_to_pick()
        return context


class BriefView(TemplateView):
    """The council brief (raadsbrief) of a fixed version, printable on A4. A draft has none: it
    is not found, for everyone."""

    template_name = "calculation/dashboard/brief.html"
    permission_required = RESULTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = get_object_or_404(
            ScenarioVersion.objects.select_related("scenario", "fixed_by"), pk=self.kwargs["pk"]
        )
        if not version.is_fixed:
            raise Http404
        run = calculation_selectors.latest_result(version)
        context.update(version=version, run=run)
        if run is not None:
            context["brief"] = presentation.brief(version, run, self.request.user)
        return context
