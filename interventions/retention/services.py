"""Retention (bewaartermijn) of participation data: anonymise or delete the households whose
participation ended more than SIEX_RETENTION_YEARS years ago, or that withdrew their consent.

Anonymising keeps what the aggregates need — the district, the years of participation, each
intervention's type, year, status and actual cost — and removes what identifies or describes the
person: the pseudonym becomes a random token that links to nothing, composition, income, income
source and debt situation are cleared, and every date becomes 1 January of its year. The change
history of those records is redacted: who changed which record when stays, the values go. In delete
mode the households, their rows and their change history are removed. The access log is never
changed (it is append-only): it keeps who read which record, and the record now shows its token.

Writes bypass the change history on purpose (bulk updates, ``disable_auditlog``): the history
would otherwise keep the removed values in its "before" column.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Substr, TruncYear
from django.utils import timezone

from interventions.register.generation import register_changed
from interventions.register.models import Household, Intervention
from siex.audit.masks import MASK

from .models import AnonymisedHousehold, RetentionMode, RetentionRun, RetentionTrigger
from .registry import HistoryRecords, retention_handlers
from .selectors import households_due, retention_cutoff

logger = logging.getLogger("siex.retention")

#: Households handled per transaction: a long run commits as it goes and locks little at a time.
BATCH_SIZE = 500


@dataclass
class RetentionReport:
    """What a run did (or, in a dry run, would do)."""

    mode: str
    years: int
    cutoff: date
    dry_run: bool
    term_expired: int = 0
    consent_withdrawn: int = 0
    anonymised: int = 0
    deleted: int = 0
    run_id: int | None = None

    @property
    def households(self) -> int:
        return self.term_expired + self.consent_withdrawn

    def as_text(self) -> str:
        """One line for the server log and the command; counts only, never a pseudonym."""
        verb = "would" if self.dry_run else "did"
        action = "delete" if self.mode == RetentionMode.DELETE else "anonymise"
        return (
            f"retention {verb} {action} {self.households} households "
            f"(term of {self.years} years expired, participation ended before "
            f"{self.cutoff.isoformat()}: {self.term_expired}; consent withdrawn: "
            f"{self.consent_withdrawn})" + ("" if self.run_id is None else f", run {self.run_id}")
        )


def retention_apply(
    *,
    trigger: str = RetentionTrigger.COMMAND,
    dry_run: bool = False,
    today: date | None = None,
    years: int | None = None,
    mode: str | None = None,
) -> RetentionReport:
    """Apply the retention rules once; running it again at once changes nothing.

    Every run that is not a dry run is recorded as a ``RetentionRun`` and a log line.
    """
    today = today or timezone.localdate()
    years = settings.SIEX_RETENTION_YEARS if years is None else years
    mode = mode or settings.SIEX_RETENTION_MODE
    if mode not in RetentionMode.values:
        raise ValueError(f"Unknown retention mode: {mode}")
    due = households_due(today=today, years=years)
    report = RetentionReport(
        mode=mode,
        years=years,
        cutoff=retention_cutoff(today=today, years=years),
        dry_run=dry_run,
        term_expired=len(due["term_expired"]),
        consent_withdrawn=len(due["consent_withdrawn"]),
    )
    if dry_run:
        logger.info("%s", report.as_text())
        return report

    run = RetentionRun.objects.create(
        trigger=trigger,
        mode=mode,
        retention_years=years,
        cutoff=report.cutoff,
        term_expired=report.term_expired,
        consent_withdrawn=report.consent_withdrawn,
    )
    report.run_id = run.pk
    ids = sorted({*due["term_expired"], *due["consent_withdrawn"]})
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        with transaction.atomic():
            if mode == RetentionMode.DELETE:
                report.deleted += households_delete(household_ids=batch)
            else:
                report.anonymised += households_anonymise(household_ids=batch, run=run)
            RetentionRun.objects.filter(pk=run.pk).update(
                anonymised=report.anonymised, deleted=report.deleted
            )
    RetentionRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    logger.info("%s", report.as_text())
    return report


# --- Anonymising ----------------------------------------------------------------------------------


def households_anonymise(*, household_ids: list[int], run: RetentionRun) -> int:
    """Anonymise these households (those not anonymised yet) and their rows; returns how many.

    Runs inside the caller's transaction. Set-based updates: a batch costs a few statements,
    not one per row.
    """
    locked = list(
        Household.objects.select_for_update()
        .filter(pk__in=household_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Asked again once the rows are locked, in a statement of its own: a run that held them
    # before (two runs at once) has committed by now, and its markers are seen.
    ids = list(
        Household.objects.filter(pk__in=locked)
        .exclude(pk__in=AnonymisedHousehold.objects.values("household_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    history = _handlers_call(ids, delete=False)
    now = timezone.now()
    register_changed()  # set-based updates send no signals

    interventions = Intervention.objects.filter(household_id__in=ids)
    intervention_ids = list(interventions.select_for_update().values_list("pk", flat=True))
    interventions.update(
        start_date=TruncYear("start_date"),
        end_date=TruncYear("end_date"),
        notes="",
        cost_deviation_reason="",
        created_at=TruncYear("created_at"),
        updated_at=now,
        version=F("version") + 1,
    )
    Household.objects.filter(pk__in=ids).update(
        # The composition is not kept: the smallest household the register allows stands in.
        adults=1,
        children=0,
        income_pct_social_minimum=None,
        income_source="",
        debt_situation="",
        participation_start=TruncYear("participation_start"),
        participation_end=TruncYear("participation_end"),
        consent_withdrawn_on=TruncYear("consent_withdrawn_on"),
        created_at=TruncYear("created_at"),
        updated_at=now,
        version=F("version") + 1,
    )
    Household.objects.bulk_update(
        [Household(pk=pk, pseudonym=secrets.token_hex(32)) for pk in ids],
        ["pseudonym"],
        batch_size=BATCH_SIZE,
    )
    AnonymisedHousehold.objects.bulk_create(
        [AnonymisedHousehold(household_id=pk, run=run) for pk in ids]
    )

    history[Household].update(ids)
    history[Intervention].update(intervention_ids)
    history[Intervention].update(_deleted_interventions_of(ids))
    change_history_redact(records=history)
    return len(ids)


def change_history_redact(*, records: HistoryRecords) -> int:
    """Replace every value in the change history of these records by the mask; who changed which
    fields of which record, when and from where stays. A household's entries are labelled with
    its token, other records' with the mask. Returns how many entries were redacted."""
    redacted = 0
    for model, pks in records.items():
        pks = list(pks)
        if not pks:
            continue
        entries = _entries_of(model, pks)
        # A reference to another record becomes empty, not the mask: the change history page looks
        # the referenced record up by its key.
        relations = {field.name for field in model._meta.fields if field.is_relation}
        # Entries that changed the same fields get the same redacted value: one statement each.
        by_fields: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
        for entry_pk, changes in entries.values_list("pk", "changes"):
            by_fields[tuple(sorted(_changes_as_dict(changes)))].append(entry_pk)
        for names, entry_pks in by_fields.items():
            redacted_changes: dict[str, list[str | None]] = {
                name: [None, None] if name in relations else [MASK, MASK] for name in names
            }
            for start in range(0, len(entry_pks), BATCH_SIZE):
                LogEntry.objects.filter(pk__in=entry_pks[start : start + BATCH_SIZE]).update(
                    changes=redacted_changes,
                    changes_text="",
                    serialized_data=None,
                    additional_data=None,
                )
            redacted += len(entry_pks)
        entries.update(object_repr=_label(model))
    return redacted


def _label(model: type[models.Model]):
    """What a redacted entry is called: a household by the start of its token (as on screen)."""
    if model is Household:
        return Subquery(
            Household.objects.filter(pk=OuterRef("object_id")).values(
                label=Substr("pseudonym", 1, 10)
            )[:1]
        )
    return Value(MASK)


def _changes_as_dict(changes) -> dict:
    if isinstance(changes, str):  # entries written by an older django-auditlog
        try:
            changes = json.loads(changes)
        except ValueError:
            return {}
    return changes if isinstance(changes, dict) else {}


# --- Deleting -------------------------------------------------------------------------------------


def households_delete(*, household_ids: list[int]) -> int:
    """Delete these households, their rows and the change history of all of them; returns how
    many households were deleted. Runs inside the caller's transaction."""
    ids = list(
        Household.objects.select_for_update()
        .filter(pk__in=household_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    history = _handlers_call(ids, delete=True)
    history[Household].update(ids)
    history[Intervention].update(
        Intervention.objects.filter(household_id__in=ids).values_list("pk", flat=True)
    )
    history[Intervention].update(_deleted_interventions_of(ids))
    change_history_delete(records=history)
    # Without the change history's own "deleted" entry, which would list every removed value.
    with disable_auditlog():
        Household.objects.filter(pk__in=ids).delete()
    register_changed()
    return len(ids)


def change_history_delete(*, records: HistoryRecords) -> int:
    deleted = 0
    for model, pks in records.items():
        pks = list(pks)
        if pks:
            deleted += _entries_of(model, pks).delete()[0]
    return deleted


# --- Shared ---------------------------------------------------------------------------------------


def _handlers_call(
    household_ids: list[int], *, delete: bool
) -> defaultdict[type[models.Model], set]:
    history: defaultdict[type[models.Model], set] = defaultdict(set)
    for handler in retention_handlers():
        touched = (handler.delete if delete else handler.anonymise)(household_ids) or {}
        for model, pks in touched.items():
            history[model].update(pks)
    return history


def _entries_of(model: type[models.Model], pks: Iterable) -> models.QuerySet[LogEntry]:
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    return LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in pks])


def _deleted_interventions_of(household_ids: list[int]) -> set[int]:
    """Interventions of these households that were deleted before: only their change history
    still says whose they were (the household before the deletion, as text)."""
    content_type = ContentType.objects.get_for_model(Intervention)
    return {
        int(pk)
        for pk in LogEntry.objects.filter(
            content_type=content_type,
            action=LogEntry.Action.DELETE,
            changes__household__0__in=[str(pk) for pk in household_ids],
        ).values_list("object_pk", flat=True)
    }
