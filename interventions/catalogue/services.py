"""Writes for the catalogue (the project lead's assumptions register): intervention types with
their outcome links, outcomes with their values per actor, (de)activation, and loading a catalogue
file.

As for the register, every write validates the whole record with ``full_clean`` and raises a
ValidationError with a message per field; updates use optimistic locking (``save_versioned``), so
two people editing the same record never overwrite each other unseen. The nested rows of a record
(outcome links, values) belong to it: changing them raises the record's version too, and they are
saved row by row so the change history (django-auditlog) shows each change.

Scenario versions keep their own copy of the catalogue (``calculation``): nothing here changes a
scenario version, let alone a fixed (vastgesteld) one.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from siex.core.versioning import save_versioned

from .file import ImportReport, catalogue_load
from .models import (
    COST_PHASING_FIELDS,
    Actor,
    BudgetLine,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    Outcome,
    OutcomeValue,
)

__all__ = [
    "INTERVENTION_TYPE_EDITABLE_FIELDS",
    "OUTCOME_EDITABLE_FIELDS",
    "catalogue_upload",
    "intervention_type_create",
    "intervention_type_set_active",
    "intervention_type_update",
    "outcome_create",
    "outcome_update",
]

#: Fields of an intervention type the edit page may change. The code is its identity in catalogue
#: files and scenario snapshots and stays as it was created; ``is_active`` has its own action.
INTERVENTION_TYPE_EDITABLE_FIELDS = (
    "name_nl",
    "name_en",
    "provider",
    "life_domain",
    "description",
    "unit_cost",
    *COST_PHASING_FIELDS,
    "paying_actor",
    "paying_budget_line",
    "typical_duration_months",
    "cost_source",
    "cost_confidence_grade",
)

#: Fields of an outcome the edit page may change (its code stays as it was created). The forms and
#: the API use these lists, in this order.
OUTCOME_EDITABLE_FIELDS = (
    "name_nl",
    "name_en",
    "life_domain",
    "description",
    "lag_years",
    "duration_years",
    "drop_off_pct",
    "deadweight_pct",
    "attribution_pct",
    "displacement_pct",
    "ramp_up",
    "confidence_grade",
    "source",
)

#: Key of the nested lists in a ValidationError; a row's message is keyed "<list>[<index>].<field>"
#: (index counted from 0 in the list passed in), the way the catalogue file reports its errors.
LINKS = "outcome_links"
VALUES = "values"


def _merge(*errors: ValidationError | None) -> ValidationError:
    combined: dict[str, list] = {}
    for error in errors:
        if error is not None:
            error.update_error_dict(combined)
    return ValidationError(combined)


def _row_errors(errors: dict, list_name: str, index: int, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        key = f"{list_name}[{index}]"
        if field != NON_FIELD_ERRORS:
            key = f"{key}.{field}"
        errors.setdefault(key, []).extend(messages)


def _unknown(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes).difference(allowed)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")


# --- Intervention types ---------------------------------------------------------------------------


def _checked_links(
    intervention_type: InterventionType, links: Sequence[dict[str, Any]]
) -> list[InterventionOutcome]:
    """The outcome links as rows, each validated; every problem with its row in one error."""
    errors: dict[str, list] = {}
    rows: list[InterventionOutcome] = []
    seen: dict[int, int] = {}
    for index, link in enumerate(links):
        row = InterventionOutcome(
            intervention_type=intervention_type if intervention_type.pk else None,
            outcome=link.get("outcome"),
            # A missing probability is refused by the validation below, with its row; the stubs
            # allow no None before validation.
            success_probability=link.get("success_probability"),  # type: ignore[misc]
            note=link.get("note") or "",
        )
        try:
            row.full_clean(
                exclude=["intervention_type"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            _row_errors(errors, LINKS, index, error)
        if row.outcome_id is not None:
            if row.outcome_id in seen:
                errors.setdefault(f"{LINKS}[{index}].outcome", []).append(
                    _("This outcome is already linked in row %(n)s.") % {"n": seen[row.outcome_id]}
                )
            seen.setdefault(row.outcome_id, index + 1)
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    return rows


def _apply_links(intervention_type: InterventionType, rows: list[InterventionOutcome]) -> None:
    """Make the stored links equal to ``rows``: change, add and remove only what differs, one row
    at a time, so each change is in the change history."""
    stored = {link.outcome_id: link for link in intervention_type.outcome_links.all()}
    for row in rows:
        current = stored.pop(row.outcome_id, None)
        if current is None:
            row.intervention_type = intervention_type
            row.save()
        elif (current.success_probability, current.note) != (row.success_probability, row.note):
            current.success_probability = row.success_probability
            current.note = row.note
            current.save()
    for link in stored.values():
        link.delete()


@transaction.atomic
def intervention_type_create(
    *,
    code: str,
    name_nl: str,
    name_en: str,
    life_domain: LifeDomain,
    unit_cost: Decimal,
    paying_actor: Actor,
    cost_source: str,
    cost_confidence_grade: int,
    provider: str = "",
    description: str = "",
    cost_share_year_1: Decimal = Decimal("1"),
    cost_share_year_2: Decimal = Decimal("0"),
    cost_share_year_3: Decimal = Decimal("0"),
    cost_share_year_4: Decimal = Decimal("0"),
    cost_share_year_5: Decimal = Decimal("0"),
    paying_budget_line: BudgetLine | None = None,
    typical_duration_months: int = 12,
    is_active: bool = True,
    outcome_links: Sequence[dict[str, Any]] = (),
) -> InterventionType:
    """A new intervention type with its outcome links (``outcome``, ``success_probability``,
    ``note`` per link)."""
    intervention_type = InterventionType(
        code=code,
        name_nl=name_nl,
        name_en=name_en,
        provider=provider,
        life_domain=life_domain,
        description=description,
        unit_cost=unit_cost,
        cost_share_year_1=cost_share_year_1,
        cost_share_year_2=cost_share_year_2,
        cost_share_year_3=cost_share_year_3,
        cost_share_year_4=cost_share_year_4,
        cost_share_year_5=cost_share_year_5,
        paying_actor=paying_actor,
        paying_budget_line=paying_budget_line,
        typical_duration_months=typical_duration_months,
        cost_source=cost_source,
        cost_confidence_grade=cost_confidence_grade,
        is_active=is_active,
    )
    record_error = link_error = None
    try:
        intervention_type.full_clean()
    except ValidationError as error:
        record_error = error
    try:
        rows = _checked_links(intervention_type, outcome_links)
    except ValidationError as error:
        link_error = error
    if record_error or link_error:
        raise _merge(record_error, link_error)
    intervention_type.save()
    _apply_links(intervention_type, rows)
    return intervention_type


def intervention_type_update(
    *,
    intervention_type: InterventionType,
    expected_version: int,
    outcome_links: Sequence[dict[str, Any]] | None = None,
    **changes: Any,
) -> InterventionType:
    """Change an intervention type and, when ``outcome_links`` is given, replace its outcome links
    by those. Raises ConflictError when the stored version is no longer ``expected_version``."""
    _unknown(changes, INTERVENTION_TYPE_EDITABLE_FIELDS)
    rows: list[InterventionOutcome] | None = None
    link_error: ValidationError | None = None
    if outcome_links is not None:
        try:
            rows = _checked_links(intervention_type, outcome_links)
        except ValidationError as error:
            link_error = error

    def refuse_bad_links(current: InterventionType) -> None:
        if link_error is not None:
            raise link_error

    with transaction.atomic():
        try:
            current = save_versioned(
                intervention_type,
                expected_version=expected_version,
                changes=changes,
                check=refuse_bad_links,
            )
        except ValidationError as error:
            if link_error is not None and error is not link_error:
                raise _merge(error, link_error) from error
            raise
        if rows is not None:
            _apply_links(current, rows)
    return current


def intervention_type_set_active(
    *, intervention_type: InterventionType, expected_version: int, is_active: bool
) -> InterventionType:
    """Take an intervention type out of use (or back into use). An inactive type cannot be chosen
    for new registrations; registrations and scenarios that use it keep it. Types are never
    deleted here: registered interventions refer to them."""
    return save_versioned(
        intervention_type, expected_version=expected_version, changes={"is_active": is_active}
    )


# --- Outcomes -------------------------------------------------------------------------------------


def _checked_values(outcome: Outcome, values: Sequence[dict[str, Any]]) -> list[OutcomeValue]:
    errors: dict[str, list] = {}
    rows: list[OutcomeValue] = []
    seen: dict[tuple, int] = {}
    for index, value in enumerate(values):
        row = OutcomeValue(
            outcome=outcome if outcome.pk else None,
            actor=value.get("actor"),
            budget_line=value.get("budget_line"),
            value_type=value.get("value_type") or "",
            is_transfer=bool(value.get("is_transfer")),
            # A missing amount is refused by the validation below (as for the probability).
            annual_amount=value.get("annual_amount"),  # type: ignore[misc]
            note=value.get("note") or "",
        )
        try:
            row.full_clean(exclude=["outcome"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            _row_errors(errors, VALUES, index, error)
        key = (row.actor_id, row.value_type, row.budget_line_id)
        if row.actor_id is not None and row.value_type:
            if key in seen:
                errors.setdefault(f"{VALUES}[{index}]", []).append(
                    _(
                        "Row %(n)s already values this outcome for the same actor, value type "
                        "and budget line; put the amounts together in one row."
                    )
                    % {"n": seen[key]}
                )
            seen.setdefault(key, index + 1)
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    return rows


def _apply_values(outcome: Outcome, rows: list[OutcomeValue]) -> None:
    stored = {
        (value.actor_id, value.value_type, value.budget_line_id): value
        for value in outcome.values.all()
    }
    for row in rows:
        current = stored.pop((row.actor_id, row.value_type, row.budget_line_id), None)
        if current is None:
            row.outcome = outcome
            row.save()
        elif (current.is_transfer, current.annual_amount, current.note) != (
            row.is_transfer,
            row.annual_amount,
            row.note,
        ):
            current.is_transfer = row.is_transfer
            current.annual_amount = row.annual_amount
            current.note = row.note
            current.save()
    for value in stored.values():
        value.delete()


@transaction.atomic
def outcome_create(
    *,
    code: str,
    name_nl: str,
    name_en: str,
    life_domain: LifeDomain,
    confidence_grade: int,
    source: str,
    description: str = "",
    lag_years: int = 0,
    duration_years: int = 1,
    drop_off_pct: Decimal = Decimal("0"),
    deadweight_pct: Decimal = Decimal("0"),
    attribution_pct: Decimal = Decimal("0"),
    displacement_pct: Decimal = Decimal("0"),
    ramp_up: list[float] | None = None,
    values: Sequence[dict[str, Any]] = (),
) -> Outcome:
    """A new outcome with its values per actor (``actor``, ``budget_line``, ``value_type``,
    ``is_transfer``, ``annual_amount``, ``note`` per value)."""
    outcome = Outcome(
        code=code,
        name_nl=name_nl,
        name_en=name_en,
        life_domain=life_domain,
        description=description,
        lag_years=lag_years,
        duration_years=duration_years,
        drop_off_pct=drop_off_pct,
        deadweight_pct=deadweight_pct,
        attribution_pct=attribution_pct,
        displacement_pct=displacement_pct,
        ramp_up=list(ramp_up or []),
        confidence_grade=confidence_grade,
        source=source,
    )
    record_error = value_error = None
    try:
        outcome.full_clean()
    except ValidationError as error:
        record_error = error
    try:
        rows = _checked_values(outcome, values)
    except ValidationError as error:
        value_error = error
    if record_error or value_error:
        raise _merge(record_error, value_error)
    outcome.save()
    _apply_values(outcome, rows)
    return outcome


def outcome_update(
    *,
    outcome: Outcome,
    expected_version: int,
    values: Sequence[dict[str, Any]] | None = None,
    **changes: Any,
) -> Outcome:
    """Change an outcome and, when ``values`` is given, replace its values per actor by those.
    Raises ConflictError when the stored version is no longer ``expected_version``."""
    _unknown(changes, OUTCOME_EDITABLE_FIELDS)
    rows: list[OutcomeValue] | None = None
    value_error: ValidationError | None = None
    if values is not None:
        try:
            rows = _checked_values(outcome, values)
        except ValidationError as error:
            value_error = error

    def refuse_bad_values(current: Outcome) -> None:
        if value_error is not None:
            raise value_error

    with transaction.atomic():
        try:
            current = save_versioned(
                outcome, expected_version=expected_version, changes=changes, check=refuse_bad_values
            )
        except ValidationError as error:
            if value_error is not None and error is not value_error:
                raise _merge(error, value_error) from error
            raise
        if rows is not None:
            _apply_values(current, rows)
    return current


# --- Catalogue file -------------------------------------------------------------------------------


def catalogue_upload(*, document: Any) -> ImportReport:
    """Load a catalogue file's parsed content: every row or none (see ``catalogue_load``).

    Rows are matched on their code and get the values in the file; their version goes up, so an
    edit page opened before the upload reports a conflict instead of undoing the upload.
    """
    return catalogue_load(document)
