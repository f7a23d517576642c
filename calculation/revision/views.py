"""The project lead's pages of the revision and the closing, and plan versus actual (which a
council member reads for fixed versions). Thin: ``services`` write, ``selectors`` read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from siex.core.forms import apply_errors

from .. import presentation
from ..services import CalculationServiceUnavailable
from ..views import CHANGE, VIEW, OpenScenarioMixin, VersionMixin, version_url
from . import downloads, selectors, services
from .forms import CloseForm, RevisionForm
from .tables import ex_post_table, plan_actual_tables

PLAN_ACTUAL = "calculation.view_plan_actual"


class _FixedOpenVersionMixin(OpenScenarioMixin):
    """Pages that start from a fixed version of an exploitation that is still open."""

    def dispatch(self, request, *args, **kwargs):
        version = self.get_version()
        if not version.is_fixed and not version.scenario.is_closed:
            messages.error(
                request,
                _(
                    "Only a fixed (vastgesteld) version can be revised or closed; fix this one "
                    "first."
                ),
            )
            return redirect(version_url(version))
        return super().dispatch(request, *args, **kwargs)


class VersionReviseView(_FixedOpenVersionMixin, FormView):
    """Make the yearly revision (herziening) of a fixed version."""

    template_name = "calculation/version_revise.html"
    form_class = RevisionForm
    permission_required = CHANGE

    def form_valid(self, form):
        try:
            revision = services.scenario_version_revise(
                version=self.get_version(), user=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Revision version %(number)s was made: the years up to %(year)s carry the "
                "actual volumes and costs."
            )
            % {"number": revision.number, "year": revision.actuals_until},
        )
        return redirect(version_url(revision))


class ScenarioCloseView(_FixedOpenVersionMixin, FormView):
    """Close (afsluiten) the exploitation from a fixed version, after a confirmation."""

    template_name = "calculation/scenario_close.html"
    form_class = CloseForm
    permission_required = CHANGE

    def form_valid(self, form):
        try:
            final = services.scenario_close(
                version=self.get_version(), user=self.request.user, **form.cleaned_data
            )
        except CalculationServiceUnavailable:
            newest = self.get_version().scenario.versions.order_by("-number").first()
            messages.warning(
                self.request,
                _(
                    "The exploitation is closed, but the calculation service could not be "
                    "reached: start the calculations again in a few minutes."
                ),
            )
            return redirect(version_url(newest or self.get_version()))
        except ValidationError as error:
            for message in presentation.service_messages(error):
                messages.error(self.request, message)
            return redirect(version_url(self.get_version()))
        messages.success(
            self.request,
            _(
                "The exploitation is closed with final version %(number)s. Its calculation has "
                "started; it can no longer change."
            )
            % {"number": final.number},
        )
        return redirect(version_url(final))


class PlanActualView(VersionMixin, TemplateView):
    """Plan versus actual per intervention type and year, the cost variance split into volume,
    price and timing; with ?format=csv or xlsx a download of the same tables."""

    template_name = "calculation/plan_actual.html"
    permission_required = PLAN_ACTUAL

    def get(self, request, *args, **kwargs):
        version = self.get_version()
        lead = request.user.has_perm(VIEW)
        if not version.is_fixed and not lead:
            # A council member reads what the council decided on: fixed versions only.
            raise PermissionDenied
        # ... and aggregates with small cells hidden (DESIGN §6).
        document = selectors.plan_actual(version, suppress=not lead)
        tables = plan_actual_tables(document)
        requested = request.GET.get("format")
        if requested in downloads.FORMATS:
            return downloads.response(version, tables, requested)
        context = self.get_context_data(document=document, tables=tables)
        result = selectors.ex_post(version)
        if result is not None:
            context["ex_post"] = ex_post_table(result)
        return self.render_to_response(context)
