"""Writes for scenarios and calculation runs.

Every change to a scenario version is checked by reading the whole version as a scenario file
(``calculation.scenario.parse_scenario``), so the forms, the file import and the API refuse the
same things with the same messages. A fixed (vastgesteld) version is never changed.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from interventions.catalogue.file import catalogue_dump
from interventions.register.generation import REGISTER
from siex.core.cached import cached, cached_forever
from siex.core.text import validate_no_control_characters
from siex.core.versioning import ConflictError, save_versioned

from . import jobs
from .engine import MODEL_VERSION
from .models import (
    ACTIVE_STATUSES,
    CalculationRun,
    RunStatus,
    Scenario,
    ScenarioVersion,
    VersionKind,
    VersionStatus,
)
from .scenario import (
    FORMAT,
    LIST_FIELDS,
    PARAMETER_FIELDS,
    ScenarioError,
    calculate_document,
    inputs_hash,
    parse_scenario,
)
from .selectors import registered_for, scenario_document

logger = logging.getLogger(__name__)

#: What a change to a draft version may name: its parameters and lists, the catalogue snapshot,
#: the stated assumptions and the note.
VERSION_FIELDS = frozenset({*PARAMETER_FIELDS, *LIST_FIELDS, "catalogue", "assumptions", "note"})

#: A job redelivered after its worker died is tried at most this many times in all.
MAX_ATTEMPTS = 3


class FixedVersionError(ValidationError):
    pass


class ScenarioClosedError(ValidationError):
    """The exploitation is closed (afgesloten): no new versions, changes or revisions."""


def refuse_closed(scenario: Scenario) -> None:
    """Refuse any change to a closed exploitation, with the reason in the reader's words."""
    if scenario.is_closed:
        raise ScenarioClosedError(
            _(
                "The exploitation “%(name)s” is closed: its versions can no longer be changed, "
                "and no new version or revision can be made."
            )
            % {"name": scenario.name}
        )


def _check(document: dict) -> None:
    """Refuse a document the engine cannot calculate, naming each field."""
    try:
        parse_scenario(document, registered=[])
    except ScenarioError as error:
        raise ValidationError(error.messages) from error


def _version_fields(document: dict) -> dict[str, Any]:
    parameters = document.get("parameters") or {}
    fields: dict[str, Any] = {
        name: parameters[name] for name in PARAMETER_FIELDS if name in parameters
    }
    for name in LIST_FIELDS:
        fields[name] = document.get(name, None if name == "budget" else [])
    fields["assumptions"] = [str(line) for line in document.get("assumptions") or []]
    fields["note"] = str(document.get("note") or "")
    return fields


def _full_document(version: ScenarioVersion, changes: dict[str, Any]) -> dict:
    document = scenario_document(version, include_registered=False)
    for name, value in changes.items():
        if name in PARAMETER_FIELDS:
            document["parameters"][name] = value
        elif name in VERSION_FIELDS:
            document[name] = value
    if document.get("budget") is None:
        document.pop("budget", None)
    return document


def scenario_create(
    *,
    code: str,
    name: str,
    description: str = "",
    user=None,
    document: dict | None = None,
    is_reference: bool = False,
) -> ScenarioVersion:
    """A new scenario with a first draft version: from a scenario file's content, or with default
    parameters and a snapshot of the current catalogue."""
    if document is None:
        document = {
            "format": FORMAT,
            "version": 1,
            "parameters": {"start_year": timezone.localdate().year},
            "catalogue": catalogue_dump(),
        }
    elif "catalogue" not in document:
        document = {**document, "catalogue": catalogue_dump()}
    _check(document)
    with transaction.atomic():
        scenario = Scenario(
            code=code,
            name=name,
            description=description,
            created_by=user,
            is_reference=is_reference,
        )
        scenario.full_clean()
        scenario.save()
        version = ScenarioVersion(
            scenario=scenario,
            number=1,
            catalogue=document["catalogue"],
            created_by=user,
            updated_by=user,
            **_version_fields(document),
        )
        version.full_clean()
        version.save()
    return version


def scenario_import(*, document: Any, user=None, code: str | None = None) -> ScenarioVersion:
    """Import a scenario file: a new scenario, or a new draft version of the scenario with the
    file's code when it exists. All or nothing."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(_("This is not a SIEX scenario file (format “siex-scenario”)."))
    code = code or document.get("code")
    if not code:
        raise ValidationError(_("The file has no scenario code (“code”)."))
    # Checked before the code is looked up: the database cannot compare every value with it.
    if not isinstance(code, str):
        raise ValidationError({"code": _("Expected text.")})
    try:
        validate_no_control_characters(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    existing = Scenario.objects.filter(code=code).first()
    if existing is None:
        return scenario_create(
            code=code,
            name=str(document.get("name") or code),
            description=str(document.get("description") or ""),
            user=user,
            document=document,
        )
    _check({**document, "catalogue": document.get("catalogue") or catalogue_dump()})
    return _new_version(existing, document, user=user)


def _new_version(
    scenario: Scenario,
    document: dict,
    *,
    user,
    copied_from: ScenarioVersion | None = None,
    **extra: Any,
) -> ScenarioVersion:
    """The scenario's next version from a document; ``extra`` sets further fields (the lifecycle
    fields of a revision). Refused when the exploitation is closed."""
    with transaction.atomic():
        locked = Scenario.objects.select_for_update().filter(pk=scenario.pk).first()
        refuse_closed(locked or scenario)
        number = (scenario.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ScenarioVersion(
            scenario=scenario,
            number=number,
            catalogue=document.get("catalogue") or catalogue_dump(),
            copied_from=copied_from,
            created_by=user,
            updated_by=user,
            **_version_fields(document),
            **extra,
        )
        version.full_clean()
        version.save()
    return version


def scenario_version_new(*, version: ScenarioVersion, user=None, note: str = "") -> ScenarioVersion:
    """A new draft version of the same scenario, starting as a copy of ``version`` (for the
    yearly revision, herziening, of a fixed version)."""
    document = scenario_document(version, include_registered=False)
    document["note"] = note or _("Copy of version %(number)s.") % {"number": version.number}
    extra: dict[str, Any] = {}
    if version.kind == VersionKind.REVISION:
        # A copy of a revision is the same revision: its actuals stay frozen as they were.
        extra = {
            "kind": version.kind,
            "revises": version.revises,
            "revision_date": version.revision_date,
            "registered_intake": version.registered_intake,
            "realised_outcomes": version.realised_outcomes,
        }
    return _new_version(version.scenario, document, user=user, copied_from=version, **extra)


def scenario_copy(*, version: ScenarioVersion, code: str, name: str, user=None) -> ScenarioVersion:
    """A new scenario whose first version is a copy of ``version``."""
    document = scenario_document(version, include_registered=False)
    document["note"] = _("Copied from %(version)s.") % {"version": version}
    new = scenario_create(
        code=code,
        name=name,
        description=version.scenario.description,
        user=user,
        document=document,
    )
    ScenarioVersion.objects.filter(pk=new.pk).update(copied_from=version)
    new.copied_from = version
    return new


def scenario_version_update(
    *, version: ScenarioVersion, expected_version: int, user=None, **changes: Any
) -> ScenarioVersion:
    """Change a draft version (optimistic locking as on the register); a fixed version is
    refused. ``changes`` are version fields (parameters, lists, catalogue, assumptions, note)."""
    unknown = set(changes) - VERSION_FIELDS
    if unknown:
        raise ValueError(f"Not a scenario version field: {', '.join(sorted(unknown))}")

    def refuse(stored: ScenarioVersion) -> None:
        refuse_closed(stored.scenario)
        if stored.is_fixed:
            raise FixedVersionError(
                _(
                    "Version %(number)s is fixed (vastgesteld) and cannot be changed; make a new "
                    "version to revise it."
                )
                % {"number": stored.number}
            )
        if stored.kind != VersionKind.PLAN and changes.get("count_registered") is False:
            # Its past years are the registered interventions: without them they would be empty.
            raise ValidationError(
                {
                    "count_registered": _(
                        "A revision counts the registered interventions: they are the actuals "
                        "of its past years."
                    )
                }
            )

    return save_versioned(
        version,
        expected_version=expected_version,
        changes={**changes, "updated_by": user},
        refuse=refuse,
        check_changes=lambda stored: _check(_full_document(stored, changes)),
    )


def scenario_version_check(
    *, version: ScenarioVersion, changes: dict[str, Any]
) -> ScenarioError | None:
    """What saving ``changes`` to a draft version would refuse, without saving anything: every
    problem with its place (and the ranges that leave out their value), or None. Lets the edit
    page show all problems at once, also while some of its fields cannot be read yet."""
    try:
        parse_scenario(_full_document(version, changes), registered=[])
    except ScenarioError as error:
        return error
    return None


def scenario_version_refresh_catalogue(
    *, version: ScenarioVersion, expected_version: int, user=None
) -> ScenarioVersion:
    """Take the current catalogue into a draft version (its overrides stay)."""
    return scenario_version_update(
        version=version, expected_version=expected_version, user=user, catalogue=catalogue_dump()
    )


def scenario_version_fix(
    *, version: ScenarioVersion, expected_version: int, user=None
) -> ScenarioVersion:
    """Fix (vaststellen) a version: from now on it never changes. Registered interventions it
    counts are frozen into it, so that re-running it reproduces its results exactly."""
    with transaction.atomic():
        current = (
            ScenarioVersion.objects.select_for_update()
            .select_related("scenario")
            .get(pk=version.pk)
        )
        refuse_closed(current.scenario)
        if current.is_fixed:
            raise FixedVersionError(_("This version is already fixed."))
        if current.version != expected_version:
            raise ConflictError(current)
        if current.count_registered:
            current.registered_intake = registered_for(current)
        current.status = VersionStatus.FIXED
        current.fixed_at = timezone.now()
        current.fixed_by = user
        current.version += 1
        current.save()
    return current


# --- runs ----------------------------------------------------------------------------------------


class CalculationServiceUnavailable(Exception):
    """The broker (the calculation service) did not take the job: nothing was started."""

    #: Seconds after which asking again makes sense (the Retry-After of a 503 answer).
    retry_after = 120


class _RunTakenOver(Exception):
    """This execution no longer owns its run: the sweep gave the run to a new attempt."""


def _run_dispatch(run_id: int) -> None:
    """Send the job of run ``run_id`` to the broker (called on commit).

    A broker that cannot be reached must not leave the run queued without a message (its version
    could then never be recalculated): the run is marked failed with the reason, and
    CalculationServiceUnavailable tells the caller. How long a dead broker can hold this up is
    bounded by the broker timeouts in the settings (a few seconds).
    """
    try:
        jobs.send(jobs.RUN, run_id)
    except OperationalError as error:
        logger.warning("Calculation run %s could not be sent to the broker: %s", run_id, error)
        CalculationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED,
            error=_(
                "The calculation service could not be reached, so the calculation was not "
                "started. Start it again in a few minutes; if this keeps happening, ask the "
                "administrator."
            ),
            finished_at=timezone.now(),
        )
        raise CalculationServiceUnavailable(str(error)) from error


def run_start(*, version: ScenarioVersion, user=None) -> CalculationRun:
    """Queue a recalculation of ``version``; the job is sent once the transaction commits.

    There is at most one active run per version: asking again while one is queued or running
    returns that run instead of starting a second, unless that run has shown no sign of life for
    too long (its worker died): then it is taken over or failed first (``run_recover``), so a lost
    job never blocks its version. Raises CalculationServiceUnavailable (after the commit) when
    the broker cannot be reached; the run is then failed, nothing is left queued.
    """
    active = version.runs.filter(status__in=ACTIVE_STATUSES).first()
    if active is not None and run_recover(run_id=active.pk) != RECOVER_FAILED:
        # Still alive, or sent again just now: that is the run.
        active.refresh_from_db()
        return active
    try:
        with transaction.atomic():
            run = CalculationRun.objects.create(
                scenario_version=version,
                started_by=user,
                dispatches=1,
                dispatched_at=timezone.now(),
            )
    except IntegrityError:
        # Someone else started one at the same moment: theirs is the run.
        return version.runs.get(status__in=ACTIVE_STATUSES)
    transaction.on_commit(lambda: _run_dispatch(run.pk))
    return run


def _is_alive(run: CalculationRun, now) -> bool:
    """Whether an active run has shown a sign of life recently enough to leave it alone."""
    if run.status == RunStatus.RUNNING:
        limit = now - timedelta(seconds=settings.SIEX_RUN_STALE_SECONDS)
        return run.heartbeat_at is not None and run.heartbeat_at >= limit
    limit = now - timedelta(seconds=settings.SIEX_RUN_QUEUED_SECONDS)
    return (run.dispatched_at or run.created_at) >= limit


RECOVER_ALIVE = "alive"
RECOVER_REDISPATCHED = "redispatched"
RECOVER_FAILED = "failed"


def run_recover(*, run_id: int) -> str:
    """Take care of one active run that may have been lost; returns what was done.

    A running run whose worker wrote no progress for SIEX_RUN_STALE_SECONDS, or a queued run no
    worker picked up within SIEX_RUN_QUEUED_SECONDS, is sent again (a new attempt; whatever the
    old execution still writes is ignored) until it has been sent MAX_ATTEMPTS times; then it
    fails with a reason the project lead can read. A run that is alive, finished or locked by its
    worker right now is left alone.
    """
    now = timezone.now()
    with transaction.atomic():
        run = (
            CalculationRun.objects.select_for_update(skip_locked=True)
            .defer("results")
            .filter(pk=run_id, status__in=ACTIVE_STATUSES)
            .first()
        )
        if run is None or _is_alive(run, now):
            return RECOVER_ALIVE
        if run.dispatches >= MAX_ATTEMPTS or run.attempts >= MAX_ATTEMPTS:
            if run.status == RunStatus.RUNNING or run.attempts:
                run.error = _(
                    "The calculation stopped %(n)s times before it could finish (was the worker "
                    "restarted or out of memory?). Start it again, or ask the administrator."
                ) % {"n": max(run.attempts, 1)}
            else:
                run.error = _(
                    "No calculation worker took up this calculation, although it was sent "
                    "%(n)s times. Ask the administrator to check that the workers are running, "
                    "then start it again."
                ) % {"n": run.dispatches}
            run.status = RunStatus.FAILED
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
            logger.warning("Calculation run %s failed: no sign of life", run.pk)
            return RECOVER_FAILED
        logger.warning(
            "Calculation run %s (%s) showed no sign of life; sending it again", run.pk, run.status
        )
        run.status = RunStatus.QUEUED
        run.progress = 0
        run.step = ""
        run.heartbeat_at = None
        run.dispatches += 1
        run.dispatched_at = now
        run.save(
            update_fields=[
                "status",
                "progress",
                "step",
                "heartbeat_at",
                "dispatches",
                "dispatched_at",
            ]
        )
        transaction.on_commit(lambda: _run_dispatch(run.pk))
    return RECOVER_REDISPATCHED


def run_sweep() -> dict[str, int]:
    """The periodic check of every active run (Celery beat, ``calculation.sweep_runs``): each run
    that has shown no sign of life for too long is sent again or failed (``run_recover``).

    Returns how many runs were sent again and how many failed.
    """
    now = timezone.now()
    lost = CalculationRun.objects.filter(
        Q(
            status=RunStatus.RUNNING,
            heartbeat_at__lt=now - timedelta(seconds=settings.SIEX_RUN_STALE_SECONDS),
        )
        | Q(status=RunStatus.RUNNING, heartbeat_at__isnull=True)
        | Q(
            status=RunStatus.QUEUED,
            dispatched_at__lt=now - timedelta(seconds=settings.SIEX_RUN_QUEUED_SECONDS),
        )
        | Q(
            status=RunStatus.QUEUED,
            dispatched_at__isnull=True,
            created_at__lt=now - timedelta(seconds=settings.SIEX_RUN_QUEUED_SECONDS),
        )
    )
    done = {RECOVER_REDISPATCHED: 0, RECOVER_FAILED: 0}
    for run_id in lost.values_list("pk", flat=True):
        try:
            outcome = run_recover(run_id=run_id)
        except CalculationServiceUnavailable:
            outcome = RECOVER_FAILED  # the run is failed with that reason; the broker is down
        if outcome in done:
            done[outcome] += 1
    return done


def run_execute(*, run_id: int) -> str:
    """The body of the calculation job: idempotent, safe to receive twice.

    A run that already finished is left alone, and so is a run another worker is calculating
    (it wrote progress within SIEX_RUN_STALE_SECONDS); a run redelivered after its worker died is
    tried again until MAX_ATTEMPTS. The execution owns the run through its attempt number: it
    stops as soon as the run was given to another attempt, and writes its outcome (status,
    results and timings) in one transaction, only when everything succeeded.
    """
    with transaction.atomic():
        run = (
            CalculationRun.objects.select_for_update()
            .select_related("scenario_version__scenario")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return run.status if run else "missing"
        now = timezone.now()
        if run.status == RunStatus.RUNNING and _is_alive(run, now):
            return run.status  # a second delivery while a worker calculates it: not twice
        if run.attempts >= MAX_ATTEMPTS:
            run.status = RunStatus.FAILED
            run.error = _(
                "The calculation stopped %(n)s times before it could finish (was the worker "
                "restarted or out of memory?). Start it again, or ask the administrator."
            ) % {"n": run.attempts}
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
            return run.status
        run.attempts += 1
        run.status = RunStatus.RUNNING
        run.started_at = now
        run.heartbeat_at = now
        run.progress = 0
        run.step = "reading"
        run.save(
            update_fields=["attempts", "status", "started_at", "heartbeat_at", "progress", "step"]
        )
    mine = CalculationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, attempts=run.attempts)

    timings: dict[str, float] = {}
    began = time.perf_counter()
    last_write = [0.0]

    def progress(fraction: float, step: str) -> None:
        now = time.perf_counter()
        if now - last_write[0] < settings.SIEX_RUN_PROGRESS_INTERVAL and fraction < 1:
            return
        last_write[0] = now
        written = mine.update(
            progress=min(99, 5 + int(fraction * 90)), step=step, heartbeat_at=timezone.now()
        )
        if not written:
            raise _RunTakenOver

    version = run.scenario_version
    try:
        document = scenario_document(version, include_registered=False)
        registered = registered_for(version)
        timings["read"] = time.perf_counter() - began
        computed = time.perf_counter()
        results = calculate_document(document, registered=registered, progress=progress)
        timings["calculate"] = time.perf_counter() - computed
    except _RunTakenOver:
        logger.warning("Calculation run %s was taken over by another attempt", run_id)
        return CalculationRun.objects.values_list("status", flat=True).get(pk=run_id)
    except ScenarioError as error:
        _run_failed(mine, "\n".join(error.messages), timings, began)
        return RunStatus.FAILED
    except Exception as error:  # the job must record every failure, not only the expected ones
        logger.exception("Calculation run %s failed", run_id)
        _run_failed(mine, _("The calculation failed: %(error)s") % {"error": error}, timings, began)
        return RunStatus.FAILED

    stored = time.perf_counter()
    # The whole outcome in one transaction: a reader never sees a finished run without its
    # timings (or results).
    with transaction.atomic():
        current = mine.select_for_update().first()
        if current is None:
            return CalculationRun.objects.values_list("status", flat=True).get(pk=run_id)
        current.results = results
        current.inputs_hash = results["meta"]["inputs_hash"]
        current.seed = results["meta"]["seed"]
        current.model_version = MODEL_VERSION
        current.status = RunStatus.SUCCEEDED
        current.progress = 100
        current.step = "done"
        current.error = ""
        current.finished_at = timezone.now()
        current.heartbeat_at = current.finished_at
        current.save()
        # "store" is writing the results; the commit that follows is not counted.
        timings["store"] = time.perf_counter() - stored
        timings["total"] = time.perf_counter() - began
        current.timings = {key: round(value, 4) for key, value in timings.items()}
        current.save(update_fields=["timings"])
    return RunStatus.SUCCEEDED


def _run_failed(mine, message: str, timings: dict, began: float) -> None:
    """Record the failure of the execution that still owns the run (``mine``)."""
    timings["total"] = time.perf_counter() - began
    mine.update(
        status=RunStatus.FAILED,
        error=message,
        results=None,
        finished_at=timezone.now(),
        timings={key: round(value, 4) for key, value in timings.items()},
    )


def version_inputs_hash(version: ScenarioVersion) -> str:
    """The hash a run of ``version`` would record now (to tell whether results are current).

    Cached: hashing the version's document (its catalogue snapshot is most of it) costs more than
    the rest of its page. The key names the version as stored (every change raises ``version``
    and ``updated_at``) and the engine's version; a version that counts the live register is
    cached under the register's generation, so a change to the register makes it hash again.
    """

    def compute() -> str:
        return inputs_hash(
            scenario_document(version, include_registered=False), registered_for(version)
        )

    stamp = version.updated_at.isoformat() if version.updated_at else ""
    key = f"inputs-hash:{version.pk}:{version.version}:{stamp}:{MODEL_VERSION}"
    if version.count_registered and version.registered_intake is None:
        return cached(REGISTER, key, compute)
    return cached_forever(key, compute)


def scenario_load_file(
    *,
    document: dict,
    user=None,
    is_reference: bool = False,
    calculate: bool = True,
    fix: bool = False,
) -> tuple[ScenarioVersion, bool]:
    """Load a scenario file shipped with SIEX (the reference analysis, the demo scenario).

    Idempotent: when the scenario's newest version already holds exactly the file's content
    nothing is written; otherwise a new version is added. With ``calculate`` the version is
    recalculated unless it already has a finished run; with ``fix`` it is then fixed
    (vastgesteld) unless it already is, so that council members read it (the demo). Returns
    (version, whether it changed).
    """
    if "catalogue" not in document:
        document = {**document, "catalogue": catalogue_dump()}
    scenario = Scenario.objects.filter(code=document.get("code")).first()
    changed = True
    if scenario is None:
        version = scenario_create(
            code=document["code"],
            name=document.get("name") or document["code"],
            description=document.get("description", ""),
            user=user,
            document=document,
            is_reference=is_reference,
        )
    else:
        newest = scenario.versions.order_by("-number").first()
        wanted = {**_version_fields(document), "catalogue": document["catalogue"]}
        if newest is not None and all(
            getattr(newest, name) == value for name, value in wanted.items()
        ):
            version, changed = newest, False
        else:
            _check(document)
            version = _new_version(scenario, document, user=user)
    if calculate and not version.runs.filter(status=RunStatus.SUCCEEDED).exists():
        run_start(version=version, user=user)
    if fix and not version.is_fixed:
        version.refresh_from_db()
        version = scenario_version_fix(version=version, expected_version=version.version, user=user)
    return version, changed
