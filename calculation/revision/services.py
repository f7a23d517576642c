"""Writes of the lifecycle of an exploitation: the yearly revision (herziening) and the closing
(afsluiting). See ``docs/revision.md``.

A revision is the scenario's next version, a draft, made from a fixed version as of a revision
date: the years before that date carry the actuals (registered volumes and paid costs, frozen
into the version), the years from it on keep the plan. Closing makes the final version, whose
years are all actuals, fixes it, starts its calculation and locks the exploitation.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import RunStatus, Scenario, ScenarioVersion, VersionKind, VersionStatus
from ..selectors import registered_for, scenario_document
from ..services import ScenarioClosedError, _new_version, refuse_closed, run_start
from .actuals import realised_outcomes, registered_actuals
from .selectors import comparison_versions


def default_revision_date() -> date:
    """1 January of the current year: the past years are the finished ones."""
    return date(timezone.localdate().year, 1, 1)


def _revised_document(version: ScenarioVersion, last_actual_year: int) -> tuple[dict, list]:
    """``version``'s document with the years up to ``last_actual_year`` made actuals: the
    planned intake of those years dropped and the registered interventions of those years taken
    from the register; the later years keep the plan (planned intake and the registrations the
    plan counted). Returns the document and its registered rows."""
    document = scenario_document(version, include_registered=False)
    document["intake"] = [
        row for row in document.get("intake") or [] if row.get("year", 0) > last_actual_year
    ]
    planned_registered = [
        row for row in registered_for(version) or [] if row.get("year", 0) > last_actual_year
    ]
    actual = registered_actuals(start_year=version.start_year, last_year=last_actual_year)
    document["parameters"]["count_registered"] = True
    return document, actual + planned_registered


def _fixed_origin(version: ScenarioVersion) -> ScenarioVersion:
    current = ScenarioVersion.objects.select_related("scenario").get(pk=version.pk)
    refuse_closed(current.scenario)
    if not current.is_fixed:
        raise ValidationError(
            _("Only a fixed (vastgesteld) version can be revised or closed; fix this one first.")
        )
    return current


def scenario_version_revise(
    *, version: ScenarioVersion, user=None, revision_date: date | None = None, note: str = ""
) -> ScenarioVersion:
    """The yearly revision (herziening) of a fixed version: a new draft version of the same
    scenario in which the years before ``revision_date`` (default 1 January of this year) carry
    the actual volumes and costs and the later years keep the plan."""
    origin = _fixed_origin(version)
    revision_date = revision_date or default_revision_date()
    if revision_date.year <= origin.start_year:
        raise ValidationError(
            {
                "revision_date": _(
                    "The revision date must fall after the first year of the exploitation "
                    "(%(year)s): only finished years can carry actuals."
                )
                % {"year": origin.start_year}
            }
        )
    if revision_date > timezone.localdate():
        raise ValidationError({"revision_date": _("The revision date cannot lie in the future.")})
    last_actual_year = min(revision_date.year - 1, origin.end_year)
    document, registered = _revised_document(origin, last_actual_year)
    document["note"] = note or _("Revision of version %(number)s as of %(date)s.") % {
        "number": origin.number,
        "date": revision_date.strftime("%d-%m-%Y"),
    }
    return _new_version(
        origin.scenario,
        document,
        user=user,
        copied_from=origin,
        kind=VersionKind.REVISION,
        revises=origin,
        revision_date=revision_date,
        registered_intake=registered,
        realised_outcomes=realised_outcomes(
            start_year=origin.start_year, last_year=last_actual_year
        ),
    )


def scenario_close(*, version: ScenarioVersion, user=None, note: str = "") -> ScenarioVersion:
    """Close (afsluiten) the exploitation from its fixed ``version``: a final version whose years
    are all actuals is made and fixed, its calculation is started (and that of the original plan
    and the last revision where they have none), and the scenario is locked. Closing twice is
    refused."""
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=version.scenario_id)
        if scenario.is_closed:
            raise ScenarioClosedError(
                _("The exploitation “%(name)s” is already closed.") % {"name": scenario.name}
            )
        origin = _fixed_origin(version)
        document, registered = _revised_document(origin, origin.end_year)
        document["note"] = note or _("Final version (afsluiting) from version %(number)s.") % {
            "number": origin.number
        }
        final = _new_version(
            scenario,
            document,
            user=user,
            copied_from=origin,
            kind=VersionKind.FINAL,
            revises=origin,
            revision_date=date(origin.end_year + 1, 1, 1),
            registered_intake=registered,
            realised_outcomes=realised_outcomes(
                start_year=origin.start_year, last_year=origin.end_year
            ),
        )
        now = timezone.now()
        final.status = VersionStatus.FIXED
        final.fixed_at = now
        final.fixed_by = user
        final.version += 1
        final.save(update_fields=["status", "fixed_at", "fixed_by", "version"])
        scenario.closed_at = now
        scenario.closed_by = user
        scenario.save(update_fields=["closed_at", "closed_by"])
        for compared in {*comparison_versions(final), final}:
            if not compared.runs.filter(status=RunStatus.SUCCEEDED).exists():
                run_start(version=compared, user=user)
    return final
