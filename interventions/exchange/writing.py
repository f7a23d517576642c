"""Writing a checked import in one go: the new and changed households and interventions, and
their change history (``auditlog_bulk``), inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from interventions.register.generation import register_changed
from interventions.register.models import Household, Intervention
from interventions.register.services import HOUSEHOLD_EDITABLE_FIELDS

from .auditlog_bulk import change_entries, log_entries_write, log_entry_common
from .bulk import BATCH_SIZE, bulk_insert, bulk_update
from .models import ImportBatch
from .planning import INTERVENTION_COMPARED, Plan

HOUSEHOLD_WRITTEN = (*sorted(HOUSEHOLD_EDITABLE_FIELDS), "version", "updated_at")
INTERVENTION_WRITTEN = (*INTERVENTION_COMPARED, "version", "updated_by", "updated_at")


def plan_write(plan: Plan, *, batch: ImportBatch, user, now: datetime) -> None:
    register_changed()  # bulk writes send no signals
    households = plan.new_households
    for household in households:
        household.pk = None
    Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
    if any(household.pk is None for household in households):  # pragma: no cover - old SQLite
        by_pseudonym = dict(
            Household.objects.filter(pseudonym__in=[h.pseudonym for h in households]).values_list(
                "pseudonym", "id"
            )
        )
        for household in households:
            household.pk = by_pseudonym[household.pseudonym]
    for household in plan.changed_households:
        household.version += 1
        household.updated_at = now
    bulk_update(Household, plan.changed_households, list(HOUSEHOLD_WRITTEN))
    for intervention in plan.new_interventions:
        # Re-attach: the household may have had a provisional id while it was checked.
        intervention.household = intervention.household
    bulk_insert(Intervention, plan.new_interventions, now)
    for intervention in plan.changed_interventions:
        intervention.updated_at = now
    bulk_update(Intervention, plan.changed_interventions, list(INTERVENTION_WRITTEN))
    change_history_write(plan, batch=batch, user=user, now=now)


def _change_history(plan: Plan) -> Iterator[dict]:
    """django-auditlog's entries for what the import wrote: a "create" for every new household and
    intervention, an "update" with the changed fields for every changed one (unchanged rows were
    not written, so they get none), each as auditlog writes it for the same save through a form.
    """
    yield from change_entries(
        Household,
        created=plan.new_households,
        updated=(
            (plan.households_before[household.pk], household)
            for household in plan.changed_households
        ),
        written=HOUSEHOLD_WRITTEN,
    )
    yield from change_entries(
        Intervention,
        created=plan.new_interventions,
        updated=(
            (_as_read(intervention, plan.interventions_before[intervention.pk]), intervention)
            for intervention in plan.changed_interventions
        ),
        written=INTERVENTION_WRITTEN,
    )


def _as_read(intervention: Intervention, values: dict) -> Intervention:
    """A changed intervention as it was read from the register (only its compared fields were)."""
    before = Intervention.__new__(Intervention)  # a copy, quicker than copy.copy
    before.__dict__.update(intervention.__dict__)
    before.__dict__.update(values)
    return before


def change_history_write(plan: Plan, *, batch: ImportBatch, user, now: datetime) -> None:
    """Write the change history of the import, in its transaction: the officer as the actor, the
    time of the commit, the batch (id and file name) in each entry's additional data."""
    common = log_entry_common(
        actor=user,
        timestamp=now,
        additional_data={"import_batch": {"id": batch.pk, "file_name": batch.file_name}},
    )
    log_entries_write(_change_history(plan), common)
