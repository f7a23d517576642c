"""Writes of the participant follow-up: assessments, survey waves and outcome events.

Every write validates the whole record (``full_clean``) before it reaches the database, so bad
input becomes a ValidationError with a message per field. Updates and deletions use optimistic
locking: the caller passes the version it read; if someone else saved in between, the change is
refused with a ConflictError. The change history (django-auditlog) records every write.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from interventions.catalogue.models import Outcome
from interventions.register.models import Household, Intervention, Source
from interventions.register.services import household_refuse_if_frozen
from siex.core.templatetags.siex import short_date
from siex.core.versioning import ConflictError, VersionedModel, save_versioned

from .models import (
    Assessment,
    Instrument,
    OutcomeEvent,
    SurveyResponse,
    wave_label,
)

#: What can change of each record (not its household; not an assessment's instrument): the
#: forms, the API and the demo use these lists.
ASSESSMENT_EDITABLE_FIELDS = ("date", "scores")
SURVEY_EDITABLE_FIELDS = ("wave", "date", *SurveyResponse.ITEMS, "most_valuable_help")
EVENT_EDITABLE_FIELDS = ("outcome", "intervention", "date", "evidence", "note")


def _scores_cleaned(scores: dict[str, Any]) -> dict[str, int]:
    """Leave out the domains left unscored (an empty or absent score)."""
    return {code: score for code, score in (scores or {}).items() if score not in (None, "")}


def _refuse_unknown(changes: dict, editable: tuple[str, ...]) -> None:
    unknown = set(changes).difference(editable)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")


def _lock_household(household: Household) -> None:
    """Hold the household's row until the transaction ends: two officers entering follow-up for
    one household at once are checked one after the other."""
    Household.objects.select_for_update().filter(pk=household.pk).values_list("pk").first()


def _delete_versioned(record: VersionedModel, *, expected_version: int) -> None:
    model = type(record)
    with transaction.atomic():
        current = model._default_manager.select_for_update().filter(pk=record.pk).first()
        if current is None:
            return  # deleted by someone else already: the outcome asked for
        if current.version != expected_version:
            raise ConflictError(current)
        current.delete()


# --- Assessments ----------------------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *,
    household: Household,
    instrument: Instrument,
    date: date,
    scores: dict[str, Any],
    source: str = Source.MANUAL,
    created_by=None,
) -> Assessment:
    household_refuse_if_frozen(household)
    assessment = Assessment(
        household=household,
        instrument=instrument,
        date=date,
        scores=_scores_cleaned(scores),
        source=source,
        created_by=created_by,
        updated_by=created_by,
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def assessment_update(
    *, assessment: Assessment, expected_version: int, updated_by=None, **changes
) -> Assessment:
    _refuse_unknown(changes, ASSESSMENT_EDITABLE_FIELDS)
    household_refuse_if_frozen(assessment.household)
    if "scores" in changes:
        changes["scores"] = _scores_cleaned(changes["scores"])
    changes["updated_by"] = updated_by
    return save_versioned(assessment, expected_version=expected_version, changes=changes)


def assessment_delete(*, assessment: Assessment, expected_version: int) -> None:
    household_refuse_if_frozen(assessment.household)
    _delete_versioned(assessment, expected_version=expected_version)


# --- Survey waves ---------------------------------------------------------------------------------


def _waves_in_order(survey: SurveyResponse) -> None:
    """A later wave is dated after every earlier wave of the household, and before every later
    one; one answer per wave."""
    others = SurveyResponse.objects.filter(household_id=survey.household_id).exclude(pk=survey.pk)
    if others.filter(wave=survey.wave).exists():
        raise ValidationError(
            {
                "wave": _("This household already has an answer for wave %(wave)s.")
                % {"wave": wave_label(survey.wave)}
            }
        )
    earlier = others.filter(wave__lt=survey.wave, date__gte=survey.date).order_by("-date").first()
    if earlier is not None:
        raise ValidationError(
            {
                "date": _(
                    "Wave %(wave)s must be dated after wave %(other)s (%(date)s): the waves follow "
                    "each other in time."
                )
                % {
                    "wave": wave_label(survey.wave),
                    "other": earlier.wave_label,
                    "date": short_date(earlier.date),
                }
            }
        )
    later = others.filter(wave__gt=survey.wave, date__lte=survey.date).order_by("date").first()
    if later is not None:
        raise ValidationError(
            {
                "date": _(
                    "Wave %(wave)s must be dated before wave %(other)s (%(date)s): the waves "
                    "follow each other in time."
                )
                % {
                    "wave": wave_label(survey.wave),
                    "other": later.wave_label,
                    "date": short_date(later.date),
                }
            }
        )


@transaction.atomic
def survey_create(
    *,
    household: Household,
    wave: int,
    date: date,
    most_valuable_help: Intervention | None = None,
    source: str = Source.MANUAL,
    created_by=None,
    **answers: int | None,
) -> SurveyResponse:
    _refuse_unknown(answers, SurveyResponse.ITEMS)
    household_refuse_if_frozen(household)
    survey = SurveyResponse(
        household=household,
        wave=wave,
        date=date,
        most_valuable_help=most_valuable_help,
        source=source,
        created_by=created_by,
        updated_by=created_by,
        **answers,
    )
    survey.full_clean(validate_constraints=False)
    _lock_household(household)
    _waves_in_order(survey)
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError as error:
        raise ValidationError(
            {"wave": _("This household already has an answer for this wave.")}
        ) from error
    return survey


def survey_update(
    *, survey: SurveyResponse, expected_version: int, updated_by=None, **changes
) -> SurveyResponse:
    _refuse_unknown(changes, SURVEY_EDITABLE_FIELDS)
    household_refuse_if_frozen(survey.household)
    changes["updated_by"] = updated_by

    def waves_checked(current: SurveyResponse) -> None:
        # Before the record's own validation, so that a wave taken already is told on the wave.
        proposed = copy.copy(current)
        for name, value in changes.items():
            setattr(proposed, name, value)
        _waves_in_order(proposed)

    with transaction.atomic():
        _lock_household(survey.household)
        return save_versioned(
            survey, expected_version=expected_version, changes=changes, check_changes=waves_checked
        )


def survey_delete(*, survey: SurveyResponse, expected_version: int) -> None:
    household_refuse_if_frozen(survey.household)
    _delete_versioned(survey, expected_version=expected_version)


# --- Outcome events -------------------------------------------------------------------------------


@transaction.atomic
def outcome_event_create(
    *,
    household: Household,
    outcome: Outcome,
    date: date,
    evidence: str,
    intervention: Intervention | None = None,
    note: str = "",
    source: str = Source.MANUAL,
    created_by=None,
) -> OutcomeEvent:
    household_refuse_if_frozen(household)
    event = OutcomeEvent(
        household=household,
        outcome=outcome,
        intervention=intervention,
        date=date,
        evidence=evidence,
        note=note,
        source=source,
        created_by=created_by,
        updated_by=created_by,
    )
    event.full_clean()
    event.save()
    return event


def outcome_event_update(
    *, event: OutcomeEvent, expected_version: int, updated_by=None, **changes
) -> OutcomeEvent:
    _refuse_unknown(changes, EVENT_EDITABLE_FIELDS)
    household_refuse_if_frozen(event.household)
    changes["updated_by"] = updated_by
    return save_versioned(event, expected_version=expected_version, changes=changes)


def outcome_event_delete(*, event: OutcomeEvent, expected_version: int) -> None:
    household_refuse_if_frozen(event.household)
    _delete_versioned(event, expected_version=expected_version)
