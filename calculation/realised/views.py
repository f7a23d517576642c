"""The realised-returns page of a scenario version: realised so far, the realisation degree,
the comparison group and the transitions, shaped per role as the API (``api``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from interventions.followup.models import Instrument
from monitoring.models import Area
from siex.core.forms import DateField

from ..views import VersionMixin
from . import selectors
from .api import (
    AGGREGATES,
    LEAD,
    SEE_HOUSEHOLDS,
    VIEW_REALISED,
    council_realisation,
    realised_document,
)

CAPTIONS = {
    "actor": _("Per actor (its own view, transfers included)"),
    "domain": _("Per life domain"),
    "outcome": _("Per outcome"),
    "intervention_type": _("Per intervention type"),
    "area": _("Per area"),
    "household": _("Per household"),
}


def _names(version) -> dict[str, dict[str, str]]:
    """The names to show for the codes of each breakdown: actors, life domains, outcomes and
    intervention types from the version's frozen catalogue, areas from the register's areas."""
    english = (get_language() or "nl").startswith("en")
    name = "name_en" if english else "name_nl"
    catalogue = version.catalogue or {}
    names = {
        by: {item["code"]: item.get(name) or item["code"] for item in catalogue.get(section, [])}
        for by, section in (
            ("actor", "actors"),
            ("domain", "life_domains"),
            ("outcome", "outcomes"),
            ("intervention_type", "intervention_types"),
        )
    }
    names["area"] = {
        code: f"{area_name} ({code})"
        for code, area_name in Area.objects.order_by("year").values_list("code", "name")
    }
    return names


class ReferenceForm(forms.Form):
    """The reference date, typed as on every page (31-03-2026)."""

    reference_date = DateField(label=_("Reference date"), required=False)


class RealisedView(VersionMixin, TemplateView):
    """Realised against forecast for the project lead; a policy officer reads the totals of the
    households, a council member the aggregates of fixed versions with small cells hidden."""

    template_name = "calculation/realised.html"
    permission_required = VIEW_REALISED

    def get(self, request, *args, **kwargs):
        version = self.get_version()
        user = request.user
        households = user.has_perm(SEE_HOUSEHOLDS)
        lead = user.has_perm(LEAD)
        if not households and not version.is_fixed:
            raise PermissionDenied
        form = ReferenceForm(
            request.GET or None, initial={"reference_date": selectors.default_reference()}
        )
        reference = (
            form.cleaned_data.get("reference_date") if form.is_valid() else None
        ) or selectors.default_reference()
        realised = realised_document(
            selectors.realised_returns(version, reference=reference),
            households=households,
            suppress=not households,
        )
        names = _names(version)
        tables = [
            (
                caption,
                [
                    {**row, "label": names.get(by, {}).get(row[by]) or row[by] or _("not known")}
                    for row in realised[f"by_{by}"]
                ],
            )
            for by, caption in CAPTIONS.items()
            if f"by_{by}" in realised
        ]
        context = self.get_context_data(
            realised=realised, tables=tables, reference=reference, lead=lead, form=form
        )
        if user.has_perm(AGGREGATES):
            degree: dict[str, Any] | None = selectors.realisation_degree(
                version, reference=reference
            )
            if not lead and degree:
                degree = council_realisation(degree)
                degree = degree if degree["households"] is not None else None
            context["degree"] = degree and {
                **degree,
                "percent": _percent(degree["degree"]),
                "outcomes": [
                    {
                        **row,
                        "percent": _percent(row["degree"]),
                        "name": names["outcome"].get(row["outcome"], row["outcome"]),
                    }
                    for row in degree["outcomes"]
                ],
            }
        if lead:
            context["comparison"] = [
                {
                    **row,
                    **{
                        f"{key}_percent": _percent(row[key])
                        for key in (
                            "participant_rate",
                            "non_participant_rate",
                            "observed_deadweight",
                            "assumed_deadweight",
                        )
                    },
                }
                for row in selectors.comparison_group(version)
            ]
            context["transitions"] = [
                (instrument, selectors.transition_matrices(instrument=instrument))
                for instrument in Instrument.objects.all()
            ]
        return self.render_to_response(context)


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else fraction * 100.0
