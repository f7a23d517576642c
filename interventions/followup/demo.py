"""Demo follow-up: plausible, fictitious assessments, survey waves and outcome events for the
demo population (``interventions.register.demo``).

Deterministic for a seed: the same seed and demo population give the same follow-up, and a second
run writes nothing. A ZRM and a Participatieladder assessment at the start of participation and
about every six months after it, improving for some households; survey waves at T0, T+6, T+12
months and yearly, answered by most; outcome events drawn with the catalogue's success
probabilities of each intervention's outcomes, dated after the intervention started and the
outcome's lag. Only demo rows (source "demo") are replaced; nothing entered by hand is touched.
The figures are invented; no real household is described.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from auditlog.context import disable_auditlog
from django.db import connection, transaction
from django.utils import timezone

from interventions.catalogue.models import InterventionOutcome
from interventions.register.demo import DEMO_REFERENCE_DATE
from interventions.register.models import (
    DebtSituation,
    Household,
    IncomeSource,
    Intervention,
    InterventionStatus,
    Source,
)
from siex.core.statistics import tables_analyse

from .models import (
    SURVEY_ITEMS,
    Assessment,
    EvidenceSource,
    Instrument,
    OutcomeEvent,
    SurveyResponse,
)

#: Days between two assessments of a household (about a year).
ASSESSMENT_INTERVAL_DAYS = 365
#: Share of households whose situation improves over time (the others stay about level).
IMPROVING_SHARE = 0.6
#: Rows per INSERT statement of the demo follow-up.
INSERT_CHUNK = 500
#: Chance that a household answers a survey wave (lower in later waves).
RESPONSE_T0 = 0.9
RESPONSE_LATER = 0.7
EVIDENCE = [
    (EvidenceSource.REGISTRATION, 0.5),
    (EvidenceSource.DOCUMENT, 0.2),
    (EvidenceSource.OWN_REPORT, 0.15),
    (EvidenceSource.OBSERVATION, 0.15),
]


@dataclass
class FollowUpDemoResult:
    assessments: int
    surveys: int
    events: int
    changed: bool = True


def _zrm_start(household: Household, codes: list[str], rng: np.random.Generator) -> dict:
    base = {code: rng.normal(3.2, 0.7) for code in codes}
    if "financien" in base:
        base["financien"] = rng.normal(
            1.6 if household.debt_situation == DebtSituation.PROBLEMATIC else 2.4, 0.5
        )
    if "werk_opleiding" in base and household.income_source == IncomeSource.SOCIAL_ASSISTANCE:
        base["werk_opleiding"] = rng.normal(2.0, 0.6)
    if "justitie" in base:
        base["justitie"] = rng.normal(4.4, 0.6)
    return base


def _ladder_start(household: Household, rng: np.random.Generator) -> float:
    centre = {
        IncomeSource.SOCIAL_ASSISTANCE: 2.4,
        IncomeSource.WORK: 5.6,
        IncomeSource.OTHER_BENEFIT: 2.8,
        IncomeSource.STATE_PENSION: 3.0,
    }[household.income_source]
    return rng.normal(centre, 0.5)


def _follow_up(seed: int):
    """The demo follow-up rows for the demo population stored, as tuples of their columns
    (``ASSESSMENT_COLUMNS``, ``SURVEY_COLUMNS``, ``EVENT_COLUMNS``)."""
    rng = np.random.default_rng([seed, 11])
    last_day = min(DEMO_REFERENCE_DATE, timezone.localdate())
    instruments = {i.code: i for i in Instrument.objects.prefetch_related("domains")}
    zrm = instruments.get("zrm")
    ladder = instruments.get("participatieladder")
    zrm_codes = [d.code for d in zrm.domains.all()] if zrm else []
    households = list(
        Household.objects.filter(source=Source.DEMO)
        .only(
            "id",
            "participation_start",
            "participation_end",
            "children",
            "income_source",
            "debt_situation",
        )
        .order_by("pseudonym")
    )
    interventions: dict[int, list[Intervention]] = defaultdict(list)
    for intervention in (
        Intervention.objects.filter(household__source=Source.DEMO)
        .only("id", "household_id", "intervention_type_id", "start_date", "status")
        .order_by("household_id", "start_date", "intervention_type__code", "id")
    ):
        interventions[intervention.household_id].append(intervention)
    chances: dict[int, list[tuple]] = defaultdict(list)
    for link in InterventionOutcome.objects.select_related("outcome").order_by(
        "intervention_type_id", "outcome__code"
    ):
        chances[link.intervention_type_id].append((link.outcome, float(link.success_probability)))
    evidence_values = [value for value, _share in EVIDENCE]
    evidence_shares = np.array([share for _value, share in EVIDENCE])

    assessments: list[tuple] = []
    surveys: list[tuple] = []
    events: list[tuple] = []
    waves = np.array([0, 6, 12, *range(24, 121, 12)])
    for household in households:
        start = household.participation_start
        end = min(household.participation_end or last_day, last_day)
        if start > end:
            continue
        # One draw of each kind per household (vectors, not a draw per value): fast and still
        # the same for the same seed.
        improving = rng.random() < IMPROVING_SHARE
        drift = rng.uniform(0.25, 0.6) if improving else rng.uniform(-0.1, 0.1)
        count = (end - start).days // ASSESSMENT_INTERVAL_DAYS + 1
        offsets = np.arange(count) * ASSESSMENT_INTERVAL_DAYS + rng.integers(0, 30, size=count)
        dates = [start + timedelta(days=int(d)) for d in offsets if d <= (end - start).days]
        steps = np.arange(len(dates))[:, None]
        if zrm and dates:
            base = _zrm_start(household, zrm_codes, rng)
            scored = [code for code in zrm_codes if rng.random() >= 0.08] or zrm_codes[:1]
            start_scores = np.array([base[code] for code in scored])
            noise = rng.normal(0, 0.3, size=(len(dates), len(scored)))
            grid = np.clip(np.rint(start_scores + drift * steps + noise), 1, 5).astype(int)
            for when, row in zip(dates, grid.tolist(), strict=True):
                assessments.append(
                    (household.pk, zrm.pk, when, dict(zip(scored, row, strict=True)))
                )
        if ladder and dates:
            noise = rng.normal(0, 0.2, size=len(dates))
            ladder_steps = np.clip(
                np.rint(_ladder_start(household, rng) + drift * 0.7 * steps[:, 0] + noise), 1, 6
            ).astype(int)
            for when, step in zip(dates, ladder_steps.tolist(), strict=True):
                assessments.append((household.pk, ladder.pk, when, {"trede": step}))
        wave_dates = [
            start + timedelta(days=int(months * 30.44) + int(extra))
            for months, extra in zip(waves, rng.integers(0, 21, size=len(waves)), strict=True)
        ]
        answered = rng.random(len(waves)) < np.where(waves == 0, RESPONSE_T0, RESPONSE_LATER)
        wellbeing = rng.normal(4.5, 1.2, size=len(SURVEY_ITEMS))
        grid = np.clip(
            np.rint(
                wellbeing
                + drift * 2 * (waves / 12)[:, None]
                + rng.normal(0, 0.8, size=(len(waves), len(SURVEY_ITEMS)))
            ),
            1,
            10,
        ).astype(int)
        skipped = rng.random((len(waves), len(SURVEY_ITEMS))) < 0.05
        picks = rng.random(len(waves))
        received_all = interventions[household.pk]
        for index, (wave, when) in enumerate(zip(waves.tolist(), wave_dates, strict=True)):
            if when > last_day:
                break
            if not answered[index]:
                continue
            answers = {
                item: None if skipped[index, column] else int(grid[index, column])
                for column, item in enumerate(SURVEY_ITEMS)
            }
            if not household.children:
                answers["good_parent"] = None
            received = [i for i in received_all if i.start_date <= when]
            surveys.append(
                (
                    household.pk,
                    wave,
                    when,
                    *(answers[item] for item in SURVEY_ITEMS),
                    received[int(picks[index] * len(received))].pk if wave and received else None,
                )
            )
        pairs = [
            (intervention, outcome, probability)
            for intervention in received_all
            if intervention.status != InterventionStatus.PLANNED
            for outcome, probability in chances[intervention.intervention_type_id]
        ]
        if not pairs:
            continue
        draws = rng.random(len(pairs))
        delays = rng.integers(60, 365, size=len(pairs))
        sources = rng.choice(len(evidence_values), size=len(pairs), p=evidence_shares)
        for k, (intervention, outcome, probability) in enumerate(pairs):
            weight = 0.3 if intervention.status == InterventionStatus.STOPPED else 1.0
            if draws[k] >= probability * weight:
                continue
            when = intervention.start_date + timedelta(
                days=365 * outcome.lag_years + int(delays[k])
            )
            if when > last_day:
                continue
            events.append(
                (
                    household.pk,
                    outcome.pk,
                    intervention.pk,
                    when,
                    str(evidence_values[int(sources[k])]),
                )
            )
    return assessments, surveys, events


ASSESSMENT_COLUMNS = ("household_id", "instrument_id", "date", "scores")
SURVEY_COLUMNS = ("household_id", "wave", "date", *SURVEY_ITEMS, "most_valuable_help_id")
EVENT_COLUMNS = ("household_id", "outcome_id", "intervention_id", "date", "evidence")


def _comparable(model, rows) -> Counter:
    if model is Assessment:  # a dict cannot be counted: the scores as sorted pairs
        return Counter((*row[:-1], tuple(sorted(row[-1].items()))) for row in rows)
    return Counter(rows)


def _stored(model, columns) -> Counter:
    return _comparable(model, model.objects.filter(source=Source.DEMO).values_list(*columns))


def _insert(model, columns: tuple[str, ...], rows: list[tuple], extra: dict) -> None:
    """Insert generated rows in multi-row statements: a bulk_create of model instances spends
    most of its time building and preparing tens of thousands of objects."""
    names = [*columns, *extra]
    quote = connection.ops.quote_name
    # Only the model's own table and column names go into the text; the values are parameters.
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, names))}) VALUES "  # noqa: S608 - see above
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    json_at = [i for i, name in enumerate(columns) if name == "scores"]
    fixed = tuple(extra.values())
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[offset : offset + INSERT_CHUNK]
            params: list = []
            for row in chunk:
                values = list(row)
                for i in json_at:
                    values[i] = json.dumps(values[i])
                params.extend(values)
                params.extend(fixed)
            cursor.execute(head + ", ".join([one] * len(chunk)), params)


def follow_up_demo_replace(*, seed: int) -> FollowUpDemoResult:
    """Replace the demo follow-up of the demo population by the one for ``seed``.

    All or nothing, in one transaction, outside the change history (demo rows are generated,
    not edited). When the demo follow-up stored is already this one, nothing is written."""
    with transaction.atomic(), disable_auditlog():
        assessments, surveys, events = _follow_up(seed)
        result = FollowUpDemoResult(
            assessments=len(assessments), surveys=len(surveys), events=len(events)
        )
        plan = [
            (Assessment, ASSESSMENT_COLUMNS, assessments),
            (SurveyResponse, SURVEY_COLUMNS, surveys),
            (OutcomeEvent, EVENT_COLUMNS, events),
        ]
        if all(
            _stored(model, columns) == _comparable(model, rows) for model, columns, rows in plan
        ):
            result.changed = False
            return result
        now = timezone.now()
        common = {
            "source": Source.DEMO.value,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "created_by_id": None,
            "updated_by_id": None,
        }
        for model, columns, rows in plan:
            # Generated rows have no history to record: deleted without loading them (the
            # change history's signals would make Django fetch every row first).
            demo_rows = model.objects.filter(source=Source.DEMO)
            demo_rows._raw_delete(demo_rows.db)
            _insert(
                model, columns, rows, {**common, "note": ""} if model is OutcomeEvent else common
            )
        tables_analyse(*(model for model, _columns, _rows in plan))
        return result
