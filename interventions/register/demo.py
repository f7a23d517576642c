"""Demo population: plausible, fictitious households and their interventions.

Deterministic for a given seed (numpy's PCG64), spread over the current wijken in proportion to
their inhabitants, and safe to run twice: the demo population is replaced as a whole, matched on
pseudonyms derived from fixed demo references, and nothing entered by hand is touched. When the
population stored is already the one asked for, nothing is written.
The figures are invented for demonstration; no real household is described.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from interventions.catalogue.models import InterventionType
from monitoring.selectors import current_districts
from siex.core.statistics import tables_analyse

from .generation import register_changed
from .models import (
    DebtSituation,
    Household,
    IncomeSource,
    Intervention,
    InterventionStatus,
    LegalBasis,
    Source,
)
from .pseudonyms import pseudonymise
from .services import HOUSEHOLD_EDITABLE_FIELDS

# The demo world is fixed in time so that the same seed gives the same data on any day.
DEMO_FIRST_START = date(2021, 1, 1)
DEMO_REFERENCE_DATE = date(2026, 6, 30)
MAX_HOUSEHOLDS = 100_000

# Shares loosely following the Groningen programme population described in DESIGN §1 and
# REFERENCE A (about 40% of people in poverty on bijstand); they are demo assumptions.
COMPOSITIONS = np.array([0.46, 0.21, 0.14, 0.19])  # single, single parent, couple, couple + kids
INCOME_SOURCES = [
    (IncomeSource.SOCIAL_ASSISTANCE, 0.42),
    (IncomeSource.WORK, 0.30),
    (IncomeSource.OTHER_BENEFIT, 0.16),
    (IncomeSource.STATE_PENSION, 0.12),
]
DEBT_SITUATIONS = [
    (DebtSituation.NONE, 0.40),
    (DebtSituation.PROBLEMATIC, 0.42),
    (DebtSituation.GKB_ARRANGEMENT, 0.18),
]
INTERVENTIONS_PER_HOUSEHOLD = np.array([0.08, 0.25, 0.27, 0.20, 0.11, 0.06, 0.03])  # 0..6


@dataclass
class DemoResult:
    households: int
    interventions: int
    removed_households: int
    changed: bool = True


def demo_reference(seed: int, number: int) -> str:
    return f"DEMO-{seed}-{number:06d}"


def _proportional_counts(weights: np.ndarray, total: int) -> np.ndarray:
    """Largest-remainder allocation: integer counts that sum to ``total``, proportional to the
    weights."""
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    remainder = total - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts


def _type_weights(
    types: list[InterventionType], debt: np.ndarray, source: np.ndarray, children: np.ndarray
) -> np.ndarray:
    """How likely each household gets each intervention type: by the type's life domain, so the
    weights follow the catalogue's data rather than its codes."""
    domain = np.array([t.life_domain.code for t in types])
    weights = np.ones((len(debt), len(types)))
    has_debt = (debt != DebtSituation.NONE)[:, None]
    on_assistance = (source == IncomeSource.SOCIAL_ASSISTANCE)[:, None]
    pensioner = (source == IncomeSource.STATE_PENSION)[:, None]
    has_children = (children > 0)[:, None]
    money = domain == "rondkomen"
    work = domain == "meedoen"
    youth = domain == "opgroeien"
    weights = np.where(money & has_debt, weights * 4.0, weights)
    weights = np.where(work & on_assistance, weights * 3.0, weights)
    weights = np.where(work & pensioner, weights * 0.2, weights)
    weights = np.where(youth & has_children, weights * 3.0, weights)
    weights = np.where(youth & ~has_children, weights * 0.02, weights)
    return weights


def _choice(rng: np.random.Generator, options: list[tuple[str, float]], size: int) -> np.ndarray:
    values = np.array([value for value, _ in options], dtype=object)
    shares = np.array([share for _, share in options])
    return values[rng.choice(len(options), size=size, p=shares / shares.sum())]


def demo_population_replace(*, households: int, seed: int) -> DemoResult:
    """Replace the demo population by ``households`` fictitious households for ``seed``.

    All or nothing, in one transaction. Demo rows are generated, not edited, so they stay out of
    the change history.
    """
    with transaction.atomic(), disable_auditlog():
        result = _replace(households=households, seed=seed)
        if result.changed:
            # Bulk writes send no signals; the planner needs the new rows' statistics.
            register_changed()
            tables_analyse(Household, Intervention)
        return result


def _replace(*, households: int, seed: int) -> DemoResult:
    if not 0 <= households <= MAX_HOUSEHOLDS:
        raise ValidationError(
            _("The number of demo households must lie between 0 and %(max)s.")
            % {"max": MAX_HOUSEHOLDS}
        )
    districts = list(current_districts())
    if not districts:
        raise ValidationError(_("Load the areas first (manage.py load_areas)."))
    types = list(
        InterventionType.objects.filter(is_active=True)
        .select_related("life_domain")
        .order_by("code")
    )
    if not types:
        raise ValidationError(_("Load the catalogue first (manage.py load_catalogue)."))

    rng = np.random.default_rng(seed)
    n = households

    # Where: exactly proportional to the CBS inhabitants, in random order.
    inhabitants = np.array([d.inhabitants or 0 for d in districts], dtype=float)
    area_index = rng.permutation(
        np.repeat(np.arange(len(districts)), _proportional_counts(inhabitants, n))
    )

    # Who: composition, income and debts.
    composition = rng.choice(4, size=n, p=COMPOSITIONS)
    adults = np.where(composition >= 2, 2, 1)
    kids = np.minimum(rng.geometric(0.5, size=n), 6)
    children = np.where((composition == 1) | (composition == 3), kids, 0)
    source = _choice(rng, INCOME_SOURCES, n)
    # Pensioners rarely have young children at home.
    children = np.where(source == IncomeSource.STATE_PENSION, 0, children)
    centre = {
        IncomeSource.SOCIAL_ASSISTANCE: (100.0, 3.0),
        IncomeSource.WORK: (112.0, 9.0),
        IncomeSource.OTHER_BENEFIT: (104.0, 6.0),
        IncomeSource.STATE_PENSION: (106.0, 5.0),
    }
    mean = np.array([centre[s][0] for s in source])
    spread = np.array([centre[s][1] for s in source])
    income = np.clip(np.round(rng.normal(mean, spread), 1), 85.0, 140.0)
    debt = _choice(rng, DEBT_SITUATIONS, n)
    legal = np.where(rng.random(n) < 0.7, LegalBasis.PUBLIC_TASK, LegalBasis.CONSENT)

    # When: participation started between 2021 and the reference date; about a third has ended.
    span = (DEMO_REFERENCE_DATE - DEMO_FIRST_START).days
    start_day = rng.integers(0, span + 1, size=n)
    ended = (rng.random(n) < 0.35) & (start_day < span - 365)
    length = rng.integers(365, 3 * 365, size=n)
    end_day = np.where(ended, np.minimum(start_day + length, span), -1)

    # What: 0-6 interventions each, drawn without replacement, weighted by the household's
    # situation (Gumbel top-k sampling, vectorised over all households).
    counts = rng.choice(len(INTERVENTIONS_PER_HOUSEHOLD), size=n, p=INTERVENTIONS_PER_HOUSEHOLD)
    counts = np.minimum(counts, len(types))
    weights = _type_weights(types, debt, source, children)
    keys = np.log(weights) + rng.gumbel(size=weights.shape)
    ranked = np.argsort(-keys, axis=1, kind="stable")

    references = [demo_reference(seed, i) for i in range(n)]
    pseudonyms = [pseudonymise(ref) for ref in references]
    new = [
        Household(
            pseudonym=pseudonyms[i],
            area=districts[area_index[i]],
            adults=int(adults[i]),
            children=int(children[i]),
            income_pct_social_minimum=Decimal(str(income[i])),
            income_source=str(source[i]),
            debt_situation=str(debt[i]),
            participation_start=DEMO_FIRST_START + timedelta(days=int(start_day[i])),
            participation_end=(
                DEMO_FIRST_START + timedelta(days=int(end_day[i])) if end_day[i] >= 0 else None
            ),
            legal_basis=str(legal[i]),
            source=Source.DEMO,
        )
        for i in range(n)
    ]

    # Interventions: start within 18 months of the start of participation (and before its end),
    # last about their typical duration; completed or stopped when they ended before the
    # reference date, active otherwise.
    total = int(counts.sum())
    owner = np.repeat(np.arange(n), counts)
    rank = np.concatenate([np.arange(c) for c in counts]) if total else np.zeros(0, dtype=int)
    type_index = ranked[owner, rank]
    last_day = np.where(end_day[owner] >= 0, end_day[owner], span)
    room = np.maximum(np.minimum(last_day - start_day[owner], 540), 0)
    begin = start_day[owner] + np.floor(rng.random(total) * (room + 1)).astype(int)
    months = np.array([t.typical_duration_months for t in types], dtype=float)[type_index]
    duration = np.maximum(np.round(months * 30.4 * rng.uniform(0.7, 1.3, total)), 1).astype(int)
    stopped = rng.random(total) < 0.15
    duration = np.where(
        stopped, np.maximum((duration * rng.uniform(0.2, 0.8, total)).astype(int), 1), duration
    )
    finish = begin + duration
    done = finish <= span
    unit_cost = np.array([float(t.unit_cost) for t in types])[type_index]
    factor = np.where(stopped, duration / np.maximum(months * 30.4, 1), 1.0) * rng.lognormal(
        0, 0.12, total
    )
    cost = np.round(unit_cost * factor, 0)

    rows = []
    for k in range(total):
        is_done = bool(done[k])
        status = (
            (InterventionStatus.STOPPED if stopped[k] else InterventionStatus.COMPLETED)
            if is_done
            else InterventionStatus.ACTIVE
        )
        actual = Decimal(str(cost[k])) if is_done else None
        deviates = is_done and unit_cost[k] > 0 and abs(cost[k] / unit_cost[k] - 1) > 0.25
        rows.append(
            Intervention(
                intervention_type=types[type_index[k]],
                start_date=DEMO_FIRST_START + timedelta(days=int(begin[k])),
                end_date=DEMO_FIRST_START + timedelta(days=int(finish[k])) if is_done else None,
                actual_cost=actual,
                cost_deviation_reason=(
                    _("Stopped early: cost of the part delivered (demo data).")
                    if deviates and stopped[k]
                    else (
                        _("Longer or shorter support than usual (demo data).") if deviates else ""
                    )
                ),
                status=status,
                source=Source.DEMO,
            )
        )
    row_owners = [pseudonyms[i] for i in owner]
    if _population_stored(new, rows, row_owners):
        return DemoResult(households=n, interventions=total, removed_households=0, changed=False)

    keep = set(pseudonyms)
    stale = Household.objects.filter(source=Source.DEMO).exclude(pseudonym__in=keep)
    removed = stale.count()
    # Delete in chunks of ids: a NOT IN over 30,000 values is slow on SQLite.
    stale_ids = list(stale.values_list("id", flat=True))
    for offset in range(0, len(stale_ids), 5000):
        Household.objects.filter(id__in=stale_ids[offset : offset + 5000]).delete()
    Intervention.objects.filter(source=Source.DEMO).delete()
    Household.objects.bulk_create(
        new,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["pseudonym"],
        update_fields=[*sorted(HOUSEHOLD_EDITABLE_FIELDS), "source"],
    )
    ids = (
        dict(Household.objects.filter(pseudonym__in=keep).values_list("pseudonym", "id"))
        if n
        else {}
    )
    for row, pseudonym in zip(rows, row_owners, strict=True):
        row.household_id = ids[pseudonym]
    Intervention.objects.bulk_create(rows, batch_size=5000)
    return DemoResult(households=n, interventions=total, removed_households=removed)


_HOUSEHOLD_VALUES = (
    "pseudonym",
    "area_id",
    *sorted(name for name in HOUSEHOLD_EDITABLE_FIELDS if name != "area"),
)
_INTERVENTION_VALUES = (
    "intervention_type_id",
    "start_date",
    "end_date",
    "actual_cost",
    "cost_deviation_reason",
    "status",
)


def _population_stored(households, interventions, owners) -> bool:
    """Whether the demo population in the database is exactly this one (a second run with the
    same seed): then nothing is written, and nothing is reported as changed."""
    stored = set(Household.objects.filter(source=Source.DEMO).values_list(*_HOUSEHOLD_VALUES))
    if stored != {tuple(getattr(h, name) for name in _HOUSEHOLD_VALUES) for h in households}:
        return False
    stored_rows = Counter(
        Intervention.objects.filter(source=Source.DEMO).values_list(
            "household__pseudonym", *_INTERVENTION_VALUES
        )
    )
    return stored_rows == Counter(
        (owner, *(getattr(row, name) for name in _INTERVENTION_VALUES))
        for row, owner in zip(interventions, owners, strict=True)
    )
