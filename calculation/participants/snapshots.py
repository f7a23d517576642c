"""The participant returns of a run as snapshots of the register, so that the council's page never
waits for the register while officers enter all day.

Reading what a run expects of every household means reading every registered intervention (a few
tenths of a second at municipality scale), and each officer's entry changes the register. A page
therefore shows the newest *snapshot*: the participant returns computed from the register as it
stood at a moment the page names (``taken_at``), kept in the cache under the register's stamp
(``selectors.register_stamp``, read before the register itself, so a change made while the
snapshot is computed counts as a change after it).

- The register has not changed since the newest snapshot: it is current, the page shows it.
- It has changed, and the snapshot is at most ``SIEX_PARTICIPANTS_MAX_STALE_SECONDS`` old: the
  page shows it, says that the register changed since and that the figures are being brought up
  to date, and a job (``tasks.refresh_participants``, one at a time per run and reference date)
  computes a new snapshot once the shown one is ``RENEW_EVERY_SECONDS`` old, so that a minute of
  data entry costs two snapshots, not one per entry.
- There is none, or it is older: it is computed while the reader waits, so a page never shows
  figures more than that many seconds behind the register.

Where tasks run in the web process (the embedded default) a snapshot is always computed at once:
there is no one else to compute it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError

from .. import jobs
from ..models import CalculationRun, ScenarioVersion
from .selectors import ParticipantReturns, participant_returns, register_stamp

logger = logging.getLogger(__name__)

#: How long a snapshot is kept (seconds); a newer one takes its place long before.
CACHE_SECONDS = 60 * 60
#: How long one job may hold the refresh of a run's snapshot before another may be sent.
REFRESH_LOCK_SECONDS = 180
#: A new snapshot is taken at most this often (seconds): the changes of half a minute of data
#: entry are taken together (the job waits until the snapshot is this old).
RENEW_EVERY_SECONDS = 30


@dataclass(frozen=True)
class Snapshot:
    """Which participant returns a page shows: computed from the register with ``stamp``, as it
    stood at ``taken_at``; ``current`` when the register has not changed since."""

    version: ScenarioVersion
    run: CalculationRun
    reference: date
    stamp: str
    taken_at: datetime
    current: bool


def _key(kind: str, version_pk: int, run_pk: int, reference: date, *more: str) -> str:
    return ":".join(
        ["siex:participant-returns", kind, str(version_pk), str(run_pk), reference.isoformat()]
        + list(more)
    )


def _newest_key(version, run, reference) -> str:
    return _key("newest", version.pk, run.pk, reference)


def _frames_key(version, run, reference, stamp: str) -> str:
    return _key("frames", version.pk, run.pk, reference, stamp)


def _refresh_key(version, run, reference) -> str:
    return _key("refresh", version.pk, run.pk, reference)


def take(version, run, *, reference: date) -> tuple[Snapshot, ParticipantReturns]:
    """Compute the participant returns from the register as it stands now and keep them as the
    run's newest snapshot (unless a newer one was kept meanwhile)."""
    stamp = register_stamp()  # first: a change while reading makes the snapshot older, not newer
    taken_at = timezone.now()
    returns = participant_returns(version, run, reference=reference)
    cache.set(
        _frames_key(version, run, reference, stamp),
        (returns.households, returns.pairs),
        CACHE_SECONDS,
    )
    newest = cache.get(_newest_key(version, run, reference))
    if newest is None or newest["taken_at"] <= taken_at:
        cache.set(
            _newest_key(version, run, reference),
            {"stamp": stamp, "taken_at": taken_at},
            CACHE_SECONDS,
        )
    return Snapshot(version, run, reference, stamp, taken_at, current=True), returns


def newest(version, run, *, reference: date) -> tuple[Snapshot, ParticipantReturns | None]:
    """The snapshot a page shows now (see the module), with its returns when they were computed
    for this request (None: read them with ``returns_of`` when needed)."""
    kept = cache.get(_newest_key(version, run, reference))
    if kept is not None:
        stamp = register_stamp()
        if kept["stamp"] == stamp:
            return Snapshot(version, run, reference, stamp, kept["taken_at"], current=True), None
        age = (timezone.now() - kept["taken_at"]).total_seconds()
        if age <= settings.SIEX_PARTICIPANTS_MAX_STALE_SECONDS and _refresh_sent(
            version, run, reference, after=max(0.0, RENEW_EVERY_SECONDS - age)
        ):
            snapshot = Snapshot(
                version, run, reference, kept["stamp"], kept["taken_at"], current=False
            )
            return snapshot, None
    return take(version, run, reference=reference)


def returns_of(snapshot: Snapshot) -> tuple[Snapshot, ParticipantReturns]:
    """The participant returns of ``snapshot``; when the cache no longer holds them, a new
    snapshot taken now (and returned in its place)."""
    frames = cache.get(
        _frames_key(snapshot.version, snapshot.run, snapshot.reference, snapshot.stamp)
    )
    if frames is None:
        return take(snapshot.version, snapshot.run, reference=snapshot.reference)
    households, pairs = frames
    return snapshot, ParticipantReturns(
        snapshot.version, snapshot.run, snapshot.reference, households, pairs
    )


def _refresh_sent(version, run, reference: date, *, after: float) -> bool:
    """Whether a job is (now, or already) on its way to take a new snapshot of the run, ``after``
    seconds from now. Never where tasks run in the web process: the reader's request would
    compute it anyway."""
    if current_app.conf.task_always_eager:
        return False
    if not cache.add(_refresh_key(version, run, reference), 1, REFRESH_LOCK_SECONDS):
        return True  # another request sent it already
    try:
        jobs.send(
            jobs.REFRESH_PARTICIPANTS, version.pk, run.pk, reference.toordinal(), countdown=after
        )
    except OperationalError as error:
        logger.warning("The participant returns of run %s are computed at once: %s", run.pk, error)
        cache.delete(_refresh_key(version, run, reference))
        return False
    return True


def refresh(
    *, version_id: int, run_id: int, reference: date
) -> tuple[Snapshot, ParticipantReturns] | None:
    """The job's work: a new snapshot of the run's participant returns, with them (nothing when
    the version or run is gone, or the register did not change since the newest snapshot)."""
    version = ScenarioVersion.objects.filter(pk=version_id).first()
    run = CalculationRun.objects.filter(pk=run_id, scenario_version_id=version_id).first()
    try:
        if version is None or run is None:
            return None
        kept = cache.get(_newest_key(version, run, reference))
        if kept is not None and kept["stamp"] == register_stamp():
            return None
        return take(version, run, reference=reference)
    finally:
        cache.delete(_key("refresh", version_id, run_id, reference))
