"""The calculation engine (DESIGN §4): GREX-style cash flow and social return of a scenario.

Pure and vectorised: numpy arrays in (``ModelInputs``, built by ``calculation.scenario``), a
JSON-ready results document out. No ORM, no I/O; the same code runs in a Celery worker, in the web
process and in ``manage.py calculate``.

Index names used throughout: t = year (0 … T−1 from the start year), c = intake cohort (a year),
i = intervention type, o = outcome, l = link (intervention type → outcome), v = money value of an
outcome for one actor, a = actor, d = Monte Carlo draw (or any batch of parameter sets).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MODEL_VERSION = "siex-engine 1.0"

VALUE_TYPES = ("fiscal_cashable", "fiscal_non_cashable", "economic", "social")
CASHABLE = VALUE_TYPES.index("fiscal_cashable")
PERIOD_YEARS = 5
DEFAULT_OPTIMISM_BIAS = (0.0, 0.05, 0.10, 0.15, 0.25, 0.40)
DRAW_CHUNK = 2_000
#: A cumulative net this close to zero, relative to the sum of the absolute year flows, is zero.
BREAK_EVEN_TOLERANCE = 1e-10

#: Parameters that can carry an uncertainty range, with the bounds of their valid domain (used to
#: search switching values). ``target`` says what the parameter belongs to.
PARAMETER_KINDS: dict[str, dict] = {
    "discount_rate": {"target": None, "bounds": (-0.5, 1.0)},
    "cost_factor": {"target": None, "bounds": (0.0, math.inf)},
    "benefit_factor": {"target": None, "bounds": (0.0, math.inf)},
    "unit_cost": {"target": "type", "bounds": (0.0, math.inf)},
    "success_probability": {"target": "link", "bounds": (0.0, 1.0)},
    "deadweight": {"target": "outcome", "bounds": (0.0, 1.0)},
    "attribution": {"target": "outcome", "bounds": (0.0, 1.0)},
    "displacement": {"target": "outcome", "bounds": (0.0, 1.0)},
    "drop_off": {"target": "outcome", "bounds": (0.0, 1.0)},
    "value_factor": {"target": "outcome", "bounds": (0.0, math.inf)},
}
#: Always given a switching value, even without a range: the headline "how wrong may we be".
KEY_PARAMETERS = ("cost_factor", "benefit_factor", "discount_rate")


@dataclass(frozen=True)
class Parameter:
    """One uncertain parameter: its kind, the index of what it belongs to, and its range.

    ``mode`` is the value the deterministic calculation uses; ``low``/``high`` bound the range
    (Beta-PERT minimum and maximum, tornado ends).
    """

    kind: str
    index: int | None
    low: float
    mode: float
    high: float
    label: str


@dataclass(frozen=True)
class ModelInputs:
    """Everything a calculation needs, as arrays. Money in euros at the scenario's price level."""

    start_year: int
    horizon: int
    discount_rate: float
    price_basis: str  # "real" or "nominal"
    cost_indexation: float
    benefit_indexation: float
    financing_rate: float
    bbv_discount_rate: float
    optimism_bias: np.ndarray  # (6,) fraction cut for confidence grades 1..6

    actors: tuple[str, ...]
    actor_is_municipality: np.ndarray  # (A,) bool
    domains: tuple[str, ...]

    types: tuple[str, ...]
    type_unit_cost: np.ndarray  # (I,)
    type_phasing: np.ndarray  # (I, P) shares of the cost in the intake year and the next ones
    type_payer: np.ndarray  # (I,) actor index

    outcomes: tuple[str, ...]
    outcome_domain: np.ndarray  # (O,) domain index
    outcome_lag: np.ndarray  # (O,) int years
    outcome_duration: np.ndarray  # (O,) int years
    outcome_drop_off: np.ndarray  # (O,) fraction
    outcome_deadweight: np.ndarray  # (O,) fraction
    outcome_attribution: np.ndarray  # (O,) fraction
    outcome_displacement: np.ndarray  # (O,) fraction
    outcome_grade: np.ndarray  # (O,) 1..6
    outcome_ramp_up: np.ndarray  # (O, R) share of the full effect in effect year u (1 beyond)

    link_type: np.ndarray  # (L,) type index
    link_outcome: np.ndarray  # (L,) outcome index
    link_probability: np.ndarray  # (L,)

    value_outcome: np.ndarray  # (V,) outcome index
    value_actor: np.ndarray  # (V,) actor index
    value_type: np.ndarray  # (V,) index into VALUE_TYPES
    value_transfer: np.ndarray  # (V,) bool
    value_amount: np.ndarray  # (V,) euros per net attributable outcome per year

    planned: np.ndarray  # (I, T) households starting per type and year
    planned_unit_cost: np.ndarray  # (I, T) unit cost per planned cohort
    registered: np.ndarray  # (I, T) registered interventions starting per type and year
    registered_cost: np.ndarray  # (I, T) their actual (or catalogue) cost in total

    programme_category: tuple[str, ...] = ()
    programme_costs: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))  # (K, T, A)
    budget: np.ndarray | None = None  # (T,) budget envelope for the municipality, or None
    parameters: tuple[Parameter, ...] = ()
    monte_carlo_draws: int = 10_000
    seed: int = 0
    labels: dict = field(default_factory=dict)

    @property
    def years(self) -> np.ndarray:
        return self.start_year + np.arange(self.horizon)

    @property
    def intake(self) -> np.ndarray:
        return self.planned + self.registered


Progress = Callable[[float, str], None]


class NonFiniteResult(ArithmeticError):
    """A figure of the results is not a finite number (NaN or infinite): the inputs are too
    large, or too small to divide by, to calculate with. ``figure`` is its place in the results
    document (``kpis.npv``, ``year_table[3].costs``). Nothing with such a figure is stored."""

    def __init__(self, figure: str):
        self.figure = figure
        super().__init__(f"{figure} is not a finite number")


def non_finite_numbers(document) -> list[str]:
    """The places of the numbers in a JSON-like document (a results document, a scenario file)
    that are NaN or infinite, in the order of the document: ``kpis.npv``, ``year_table[3].costs``.
    """
    found: list[str] = []
    # Depth-first without recursion; a place is (its parent's place, key or index), written out
    # as a path only for the numbers found.
    stack: list[tuple[object, tuple | None]] = [(document, None)]
    while stack:
        value, place = stack.pop()
        if isinstance(value, float):
            if not math.isfinite(value):
                found.append(_path(place))
        elif isinstance(value, dict):
            stack.extend(reversed([(v, (place, str(key))) for key, v in value.items()]))
        elif isinstance(value, list | tuple):
            stack.extend(reversed([(v, (place, n)) for n, v in enumerate(value)]))
    return found


def _path(place: tuple | None) -> str:
    steps = []
    while place is not None:
        place, step = place
        steps.append(step)
    path = ""
    for step in reversed(steps):
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else step)
    return path


def _no_progress(fraction: float, step: str) -> None:
    return None


# --- building blocks -----------------------------------------------------------------------------


def discount_factors(rate: float | np.ndarray, horizon: int) -> np.ndarray:
    """DF(t) = 1/(1+r)^t, year 0 undiscounted. A batch of rates gives one row per rate."""
    t = np.arange(horizon)
    rate = np.asarray(rate, dtype=float)
    return (1.0 + rate[..., None]) ** -t


def price_index(rate: float, horizon: int, price_basis: str) -> np.ndarray:
    """I(t) = (1+g)^t on a nominal price basis, 1 on a real basis (never both)."""
    if price_basis == "real":
        return np.ones(horizon)
    return (1.0 + rate) ** np.arange(horizon)


def persistence(
    drop_off: np.ndarray, duration: np.ndarray, ramp_up: np.ndarray, horizon: int
) -> np.ndarray:
    """P_o(u) = ρ_o(u)·(1−δ_o)^u for 0 ≤ u < D_o, else 0. ``drop_off`` may carry a batch axis."""
    u = np.arange(horizon)
    ramp = np.ones((ramp_up.shape[0], horizon))
    width = min(ramp_up.shape[1], horizon)
    ramp[:, :width] = ramp_up[:, :width]
    active = u[None, :] < duration[:, None]
    return ramp * active * (1.0 - drop_off[..., None]) ** u


def effect_kernel(persist: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """L[o, c, t] = P_o(t − c − lag_o): how much of a cohort-c outcome is active in year t.

    ``persist`` is (..., O, T) with P_o(u) for u = 0 … T−1; the result is (..., O, C, T).
    """
    n_out, horizon = persist.shape[-2:]
    c = np.arange(horizon)[:, None]
    t = np.arange(horizon)[None, :]
    u = t[None, :, :] - c[None, :, :] - lag[:, None, None]  # (O, C, T)
    outcome = np.arange(n_out)[:, None, None]
    return persist[..., outcome, np.clip(u, 0, horizon - 1)] * (u >= 0)


def phasing_kernel(phasing: np.ndarray, horizon: int) -> np.ndarray:
    """Φ[i, c, t] = φ_i(t − c): the share of a cohort-c cost that falls in year t."""
    shift = np.arange(horizon)[None, :] - np.arange(horizon)[:, None]  # (C, T): t − c
    valid = (shift >= 0) & (shift < phasing.shape[1])
    return phasing[:, np.clip(shift, 0, phasing.shape[1] - 1)] * valid


def net_share(inputs: ModelInputs) -> np.ndarray:
    """(1−DW)(1−A)(1−DS)(1−OB(grade)) per outcome."""
    return _net_share(
        inputs.outcome_deadweight,
        inputs.outcome_attribution,
        inputs.outcome_displacement,
        inputs.optimism_bias[inputs.outcome_grade - 1],
    )


def _net_share(deadweight, attribution, displacement, optimism) -> np.ndarray:
    return (1.0 - deadweight) * (1.0 - attribution) * (1.0 - displacement) * (1.0 - optimism)


def break_even(net: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The break-even point: from when the cumulative net stays at or above zero until the end
    of the horizon. Returns (years after the start, year index t).

    With cum[t] the cumulative net up to and including year t (cum[−1] = 0) and each year's net
    accruing evenly over that year: the LAST t with cum[t−1] < 0 ≤ cum[t] gives
    years = t + (−cum[t−1]) / net[t]; 0 (index 0) when the cumulative net is never negative; NaN
    (index −1) when cum[T−1] < 0 or nothing flows at all. A cumulative net within rounding of
    zero (a ten-billionth of the year flows) counts as zero, so that the same flows summed in
    another order give the same answer. ``net`` is (T,) or (D, T); one entry per row.
    """
    net = np.atleast_2d(np.asarray(net, dtype=float))
    rows = np.arange(net.shape[0])
    horizon = net.shape[1]
    cum = np.cumsum(net, axis=1)
    gross = np.abs(net).sum(axis=1)
    negative = cum < -BREAK_EVEN_TOLERANCE * gross[:, None]
    reached = (gross > 0) & ~negative[:, -1]
    ever_negative = negative.any(axis=1)
    # t = one year after the last year that ends below zero (≤ T−1 where reached).
    last_negative = horizon - 1 - np.argmax(negative[:, ::-1], axis=1)
    t = np.where(ever_negative & reached, last_negative + 1, 0)
    before = np.where(t > 0, cum[rows, t - 1], 0.0)
    flow = net[rows, t]  # > 0 where t > 0: cum rises from below zero to at least zero
    safe_flow = np.where(flow > 0, flow, 1.0)
    fraction = np.where(t > 0, np.minimum(-before / safe_flow, 1.0), 0.0)
    return np.where(reached, t + fraction, np.nan), np.where(reached, t, -1)


def internal_rate_of_return(net: np.ndarray, near: float = 0.1) -> tuple[float | None, int]:
    """The rate at which the NPV of the net flows is zero, and how many such rates there are.

    Flows that change sign more than once can have several; then the one closest to ``near``
    (the discount rate) is returned, as a spreadsheet's IRR started from that guess would, and the
    count tells the reader that it is not unique. Rates below −50% are not considered.
    """
    net = np.trim_zeros(np.asarray(net, dtype=float), "b")
    if not (np.isfinite(net).all() and np.any(net > 0) and np.any(net < 0)):
        return None, 0
    # Σ net[t]·x^t = 0 with x = 1/(1+r): the real roots x > 0 give the candidate rates. Scaling
    # the flows leaves the roots as they are and keeps the companion matrix far from overflow.
    try:
        roots = np.polynomial.polynomial.polyroots(net / np.abs(net).max())
    except np.linalg.LinAlgError:
        return None, 0
    rates = sorted(
        {
            round(1.0 / root.real - 1.0, 12)
            for root in roots
            if abs(root.imag) < 1e-9 and root.real > 1e-12
        }
    )
    rates = [rate for rate in rates if -0.5 < rate < 100]
    if not rates:
        return None, 0
    return min(rates, key=lambda rate: abs(rate - near)), len(rates)


def pert_draws(
    rng: np.random.Generator, low: float, mode: float, high: float, n: int
) -> np.ndarray:
    """Beta-PERT(min, mode, max): α = 1 + 4(mode−min)/(max−min), β = 1 + 4(max−mode)/(max−min)."""
    if high <= low:
        return np.full(n, float(mode))
    alpha = 1.0 + 4.0 * (mode - low) / (high - low)
    beta = 1.0 + 4.0 * (high - mode) / (high - low)
    return low + (high - low) * rng.beta(alpha, beta, size=n)


# --- the deterministic calculation ---------------------------------------------------------------


@dataclass
class _Flows:
    """Deterministic flows per year, before they are summarised."""

    cost_by_type: np.ndarray  # (I, T) intervention costs
    programme: np.ndarray  # (K, T, A)
    cost_by_actor: np.ndarray  # (A, T) intervention + programme costs
    value_flows: np.ndarray  # (V, T) benefits per money value
    units: np.ndarray  # (L, T) net attributable outcomes active per link
    benefit_by_type: np.ndarray  # (I, T) society benefits per intervention type
    kernel: np.ndarray  # (O, C, T) effect kernel
    costs_beyond_horizon: float


def _cost_flows(inputs: ModelInputs) -> tuple[np.ndarray, np.ndarray, float]:
    """Intervention costs per type and year (I, T), programme costs (K, T, A), and the cost of
    the cohorts that falls after the horizon (reported, not counted)."""
    horizon = inputs.horizon
    cost_index = price_index(inputs.cost_indexation, horizon, inputs.price_basis)
    phi = phasing_kernel(inputs.type_phasing, horizon)  # (I, C, T)
    planned_cost = inputs.planned * inputs.planned_unit_cost  # (I, C)
    # Planned costs are priced at the scenario's price level and indexed; registered costs are
    # amounts actually paid, so they are not indexed again.
    cost_by_type = np.einsum("ic,ict->it", planned_cost, phi) * cost_index + np.einsum(
        "ic,ict->it", inputs.registered_cost, phi
    )
    all_cohorts = planned_cost + inputs.registered_cost
    costs_beyond = float(all_cohorts.sum() - np.einsum("ic,ict->", all_cohorts, phi))
    programme = inputs.programme_costs * cost_index[None, :, None]
    return cost_by_type, programme, costs_beyond


def _flows(inputs: ModelInputs) -> _Flows:
    horizon = inputs.horizon
    benefit_index = price_index(inputs.benefit_indexation, horizon, inputs.price_basis)
    cost_by_type, programme, costs_beyond = _cost_flows(inputs)
    n_actors = len(inputs.actors)
    cost_by_actor = np.zeros((n_actors, horizon))
    np.add.at(cost_by_actor, inputs.type_payer, cost_by_type)
    if programme.size:
        cost_by_actor += programme.sum(axis=0).T

    net = net_share(inputs)
    kernel = effect_kernel(
        persistence(
            inputs.outcome_drop_off, inputs.outcome_duration, inputs.outcome_ramp_up, horizon
        ),
        inputs.outcome_lag,
    )  # (O, C, T)
    intake = inputs.intake  # (I, C)
    link_cohort = (
        intake[inputs.link_type] * (inputs.link_probability * net[inputs.link_outcome])[:, None]
    )  # (L, C): Q per link and cohort
    units = np.einsum("lc,lct->lt", link_cohort, kernel[inputs.link_outcome])  # (L, T)
    units_by_outcome = np.zeros((len(inputs.outcomes), horizon))
    np.add.at(units_by_outcome, inputs.link_outcome, units)
    value_flows = (
        units_by_outcome[inputs.value_outcome] * inputs.value_amount[:, None] * benefit_index
    )

    society_value = _society_value_per_outcome(inputs)  # (O,)
    benefit_by_type = np.zeros((len(inputs.types), horizon))
    np.add.at(
        benefit_by_type,
        inputs.link_type,
        units * society_value[inputs.link_outcome][:, None] * benefit_index,
    )
    return _Flows(
        cost_by_type=cost_by_type,
        programme=programme,
        cost_by_actor=cost_by_actor,
        value_flows=value_flows,
        units=units,
        benefit_by_type=benefit_by_type,
        kernel=kernel,
        costs_beyond_horizon=costs_beyond,
    )


def _society_value_per_outcome(inputs: ModelInputs) -> np.ndarray:
    """Σ of an outcome's yearly money values over all actors, transfers left out."""
    values = np.zeros(len(inputs.outcomes))
    np.add.at(
        values, inputs.value_outcome, np.where(inputs.value_transfer, 0.0, inputs.value_amount)
    )
    return values


# --- batches of parameter sets (Monte Carlo, tornado, switching values) --------------------------


class _Batch:
    """Society costs and benefits per year for many parameter sets at once.

    Everything that does not depend on the uncertain parameters is prepared once; a batch then
    costs a few matrix products. It agrees with the deterministic calculation when every parameter
    sits at its mode (tested).
    """

    def __init__(self, inputs: ModelInputs, parameters: tuple[Parameter, ...]):
        self.inputs = inputs
        self.parameters = parameters
        horizon = inputs.horizon
        self.cost_index = price_index(inputs.cost_indexation, horizon, inputs.price_basis)
        self.benefit_index = price_index(inputs.benefit_indexation, horizon, inputs.price_basis)
        phi = phasing_kernel(inputs.type_phasing, horizon)
        # Costs: fixed part, plus what each euro of unit cost of a type adds (planned intake only).
        self.per_unit_cost = np.einsum("ic,ict->it", inputs.planned, phi) * self.cost_index
        cost_by_type, programme, _beyond = _cost_flows(inputs)
        self.base_costs = cost_by_type.sum(axis=0) + (
            programme.sum(axis=(0, 2)) if programme.size else 0.0
        )
        # Benefits: H[o, c] = Σ_i N_ic·p_io (before the net share), and the effect kernel.
        self.intake = inputs.intake
        n_out = len(inputs.outcomes)
        self.hits = np.zeros((n_out, horizon))
        np.add.at(
            self.hits,
            inputs.link_outcome,
            self.intake[inputs.link_type] * inputs.link_probability[:, None],
        )
        self.persist = persistence(
            inputs.outcome_drop_off, inputs.outcome_duration, inputs.outcome_ramp_up, horizon
        )
        self.kernel = effect_kernel(self.persist, inputs.outcome_lag)  # (O, C, T)
        self.society_value = _society_value_per_outcome(inputs)
        self.optimism = inputs.optimism_bias[inputs.outcome_grade - 1]
        self.drop_off_outcomes = sorted(
            {p.index for p in parameters if p.kind == "drop_off" and p.index is not None}
        )
        self.fixed_outcomes = np.setdiff1d(np.arange(n_out), self.drop_off_outcomes)

    def evaluate(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Costs (D, T), society benefits (D, T) and discount rates (D,) for parameter sets
        ``values`` (D, K), one column per parameter."""
        inputs = self.inputs
        draws = values.shape[0]
        rate = np.full(draws, inputs.discount_rate)
        cost_factor = np.ones(draws)
        benefit_factor = np.ones(draws)
        unit_cost = None
        probability = None
        outcome_arrays: dict[str, np.ndarray] = {}
        base_outcome = {
            "deadweight": inputs.outcome_deadweight,
            "attribution": inputs.outcome_attribution,
            "displacement": inputs.outcome_displacement,
            "drop_off": inputs.outcome_drop_off,
            "value_factor": np.ones(len(inputs.outcomes)),
        }
        for k, parameter in enumerate(self.parameters):
            column = values[:, k]
            if parameter.kind == "discount_rate":
                rate = column
            elif parameter.kind == "cost_factor":
                cost_factor = column
            elif parameter.kind == "benefit_factor":
                benefit_factor = column
            elif parameter.kind == "unit_cost":
                if unit_cost is None:
                    unit_cost = np.zeros((draws, len(inputs.types)))
                unit_cost[:, parameter.index] += column - parameter.mode
            elif parameter.kind == "success_probability":
                if probability is None:
                    probability = {}
                probability[parameter.index] = column - parameter.mode
            else:
                if parameter.kind not in outcome_arrays:
                    outcome_arrays[parameter.kind] = np.broadcast_to(
                        base_outcome[parameter.kind], (draws, len(inputs.outcomes))
                    ).copy()
                outcome_arrays[parameter.kind][:, parameter.index] = column

        costs = np.broadcast_to(self.base_costs, (draws, inputs.horizon))
        if unit_cost is not None:
            costs = costs + unit_cost @ self.per_unit_cost
        costs = costs * cost_factor[:, None]

        def outcome(kind: str) -> np.ndarray:
            return outcome_arrays.get(kind, base_outcome[kind][None, :])

        net = _net_share(
            outcome("deadweight"),
            outcome("attribution"),
            outcome("displacement"),
            self.optimism[None, :],
        )  # (D or 1, O)
        weight = net * outcome("value_factor") * self.society_value[None, :]  # (D or 1, O)
        hits = np.broadcast_to(self.hits, (draws,) + self.hits.shape)
        if probability:
            hits = hits.copy()
            for link, delta in probability.items():
                hits[:, inputs.link_outcome[link], :] += (
                    delta[:, None] * self.intake[inputs.link_type[link]][None, :]
                )
        weighted = hits * np.broadcast_to(weight, (draws, weight.shape[1]))[:, :, None]  # (D,O,C)
        fixed = self.fixed_outcomes
        benefits = np.tensordot(weighted[:, fixed, :], self.kernel[fixed], axes=([1, 2], [0, 1]))
        if self.drop_off_outcomes:
            chosen = self.drop_off_outcomes
            persist = persistence(
                outcome("drop_off")[:, chosen] * np.ones((draws, 1)),
                self.inputs.outcome_duration[chosen],
                self.inputs.outcome_ramp_up[chosen],
                inputs.horizon,
            )  # (D, O', T)
            kernel = effect_kernel(persist, self.inputs.outcome_lag[chosen])  # (D, O', C, T)
            benefits = benefits + np.einsum("doc,doct->dt", weighted[:, chosen, :], kernel)
        benefits = benefits * self.benefit_index[None, :] * benefit_factor[:, None]
        return costs, benefits, rate


def _summaries(costs: np.ndarray, benefits: np.ndarray, rate: np.ndarray) -> dict[str, np.ndarray]:
    """NPV, discounted multiplier and undiscounted break-even per parameter set."""
    df = discount_factors(rate, costs.shape[1])
    pv_costs = (costs * df).sum(axis=1)
    pv_benefits = (benefits * df).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        multiplier = np.where(pv_costs > 0, pv_benefits / pv_costs, np.nan)
    return {
        "npv": pv_benefits - pv_costs,
        "multiplier": multiplier,
        "break_even": break_even(benefits - costs)[0],
    }


def _base_values(parameters: tuple[Parameter, ...]) -> np.ndarray:
    return np.array([[p.mode for p in parameters]], dtype=float).reshape(1, len(parameters))


def tornado(inputs: ModelInputs, batch: _Batch) -> list[dict]:
    """Each parameter with a range moved alone to its low and high end; sorted by swing in NPV."""
    parameters = batch.parameters
    if not parameters:
        return []
    base = _base_values(parameters)
    rows = np.repeat(base, 2 * len(parameters), axis=0)
    for k, parameter in enumerate(parameters):
        rows[2 * k, k] = parameter.low
        rows[2 * k + 1, k] = parameter.high
    npv = _summaries(*batch.evaluate(rows))["npv"]
    bars = [
        {
            "parameter": p.label,
            "kind": p.kind,
            "low": p.low,
            "base": p.mode,
            "high": p.high,
            "npv_low": float(npv[2 * k]),
            "npv_high": float(npv[2 * k + 1]),
            "swing": float(abs(npv[2 * k + 1] - npv[2 * k])),
        }
        for k, p in enumerate(parameters)
    ]
    return sorted(bars, key=lambda bar: (-bar["swing"], bar["parameter"]))


#: Kinds in which NPV is linear (costs, values, probabilities and the (1−x) shares enter the flows
#: as factors): their switching value follows from two evaluations.
LINEAR_KINDS = frozenset(PARAMETER_KINDS) - {"discount_rate", "drop_off"}


def switching_values(inputs: ModelInputs, batch: _Batch, iterations: int = 100) -> list[dict]:
    """For each parameter, the value at which NPV = 0 with the others at their base values; None
    where NPV does not reach zero inside the parameter's valid domain.

    Where NPV is linear in the parameter the value is solved from two points; otherwise (discount
    rate, drop-off) it is found by bisection inside the domain.
    """
    parameters = batch.parameters
    if not parameters:
        return []
    n = len(parameters)
    base = _base_values(parameters)
    bounds = np.array([PARAMETER_KINDS[p.kind]["bounds"] for p in parameters], dtype=float)
    modes = base[0]

    def npv_at(columns: np.ndarray, points: np.ndarray) -> np.ndarray:
        rows = np.repeat(base, len(columns), axis=0)
        rows[np.arange(len(columns)), columns] = points
        return _summaries(*batch.evaluate(rows))["npv"]

    everyone = np.arange(n)
    other = np.where(modes != bounds[:, 0], bounds[:, 0], modes + 1.0)
    npv = npv_at(np.concatenate([everyone, everyone]), np.concatenate([modes, other]))
    base_npv, other_npv = npv[:n], npv[n:]
    values: list[float | None] = [None] * n
    for k, p in enumerate(parameters):
        if p.kind not in LINEAR_KINDS or other_npv[k] == base_npv[k]:
            continue
        root = modes[k] - base_npv[k] * (other[k] - modes[k]) / (other_npv[k] - base_npv[k])
        if math.isfinite(root) and bounds[k, 0] <= root <= bounds[k, 1]:
            values[k] = float(root)

    curved = np.array([k for k, p in enumerate(parameters) if p.kind not in LINEAR_KINDS], int)
    if curved.size:
        lo, hi = bounds[curved, 0].copy(), bounds[curved, 1].copy()
        f_lo, f_hi = npv_at(curved, lo), npv_at(curved, hi)
        bracketed = (np.sign(f_lo) != np.sign(f_hi)) | (f_lo == 0) | (f_hi == 0)
        for _ in range(iterations):
            mid = (lo + hi) / 2.0
            if np.all((mid == lo) | (mid == hi)):
                break  # the interval cannot shrink any further in floating point
            f_mid = npv_at(curved, mid)
            left = np.sign(f_mid) == np.sign(f_lo)
            lo, f_lo = np.where(left, mid, lo), np.where(left, f_mid, f_lo)
            hi = np.where(left, hi, mid)
        for j, k in enumerate(curved):
            if bracketed[j]:
                values[k] = float((lo[j] + hi[j]) / 2.0)
    return [
        {
            "parameter": p.label,
            "kind": p.kind,
            "base": p.mode,
            "switching_value": values[k],
            "base_npv": float(base_npv[k]),
        }
        for k, p in enumerate(parameters)
    ]


def monte_carlo(
    inputs: ModelInputs,
    batch: _Batch,
    draws: int,
    seed: int,
    progress: Progress = _no_progress,
    start: float = 0.0,
    end: float = 1.0,
) -> dict:
    """Seeded Monte Carlo with Beta-PERT draws per uncertain parameter, evaluated in chunks."""
    rng = np.random.default_rng(seed)
    parameters = batch.parameters
    samples = np.column_stack(
        [pert_draws(rng, p.low, p.mode, p.high, draws) for p in parameters] or [np.zeros(draws)]
    )[:, : len(parameters)]
    npv = np.empty(draws)
    multiplier = np.empty(draws)
    years = np.empty(draws)
    for first in range(0, draws, DRAW_CHUNK):
        chunk = slice(first, min(first + DRAW_CHUNK, draws))
        result = _summaries(*batch.evaluate(samples[chunk]))
        npv[chunk] = result["npv"]
        multiplier[chunk] = result["multiplier"]
        years[chunk] = result["break_even"]
        progress(start + (end - start) * chunk.stop / draws, "monte_carlo")
    if not np.isfinite(npv).all():
        raise NonFiniteResult("monte_carlo.npv")
    reached = ~np.isnan(years)

    def percentiles(values: np.ndarray) -> dict:
        finite = values[~np.isnan(values)]
        if finite.size == 0:
            return {"p10": None, "p50": None, "p90": None}
        p10, p50, p90 = np.percentile(finite, [10, 50, 90])
        return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}

    # "Not reached" sorts after every year: a percentile that falls among those draws is itself
    # "not reached" (None).
    ordered = np.sort(np.where(reached, years, np.inf))
    break_even_pct = {}
    for name, q in (("p10", 0.10), ("p50", 0.50), ("p90", 0.90)):
        value = float(np.quantile(ordered, q, method="inverted_cdf"))
        break_even_pct[name] = value if math.isfinite(value) else None
    return {
        "draws": draws,
        "seed": seed,
        "parameters": [p.label for p in parameters],
        "npv": percentiles(npv),
        "multiplier": percentiles(multiplier),
        "break_even_years": break_even_pct,
        "break_even_calendar_year": {
            name: (None if value is None else inputs.start_year + _year_index(value))
            for name, value in break_even_pct.items()
        },
        "probability_npv_positive": float(np.mean(npv > 0)),
        "probability_break_even_reached": float(np.mean(reached)),
        "npv_mean": float(npv.mean()),
        "npv_histogram": _histogram(npv),
    }


def _year_index(years: float) -> int:
    """The year index t in which a break-even ``years`` after the start falls (t < years ≤ t+1;
    a break-even exactly at the end of year t belongs to year t)."""
    return max(0, math.ceil(years) - 1)


def _histogram(values: np.ndarray, bins: int = 40) -> dict:
    low, high = float(values.min()), float(values.max())
    if low == high:  # numpy's own choice for a single value
        low, high = low - 0.5, high + 0.5
    # Bins narrower than the spacing of floats near the values cannot be told apart (an NPV of
    # 1e17 ± 0.5 is one float): widen the range around its centre until they can.
    if not math.isfinite(high - low):
        raise NonFiniteResult("monte_carlo.npv_histogram")
    width = 4 * bins * float(np.spacing(max(abs(low), abs(high))))
    if high - low < width:
        centre = low / 2 + high / 2
        low, high = centre - width / 2, centre + width / 2
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return {"counts": counts.tolist(), "edges": edges.tolist()}


# --- the results document ------------------------------------------------------------------------


def calculate(inputs: ModelInputs, progress: Progress = _no_progress) -> dict:
    """Run the whole calculation of DESIGN §4; returns the results as a JSON-ready dict.

    Every figure of the results is a finite number: otherwise NonFiniteResult names the first
    one that is not, and there are no results to store.
    """
    # Overflow shows as ±∞ or NaN in the figures, which are checked below.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        progress(0.0, "deterministic")
        result = deterministic(inputs)
        _require_finite(result)
        progress(0.2, "sensitivity")
        result.update(_require_finite(uncertainty(inputs, progress)))
    progress(1.0, "done")
    return result


def _require_finite(part: dict) -> dict:
    figures = non_finite_numbers(part)
    if figures:
        raise NonFiniteResult(figures[0])
    return part


def deterministic(inputs: ModelInputs) -> dict:
    """Everything but the uncertainty analysis: flows, KPIs and every breakdown."""
    horizon = inputs.horizon
    years = inputs.years
    flows = _flows(inputs)
    df = discount_factors(inputs.discount_rate, horizon)
    n_actors = len(inputs.actors)

    # Benefits per actor include transfers; society totals leave them out.
    transfer = inputs.value_transfer
    society_flows = np.where(transfer[:, None], 0.0, flows.value_flows)
    benefits = society_flows.sum(axis=0)
    costs = flows.cost_by_actor.sum(axis=0)
    net = benefits - costs
    benefits_by_actor = _group(flows.value_flows, inputs.value_actor, n_actors)
    society_by_actor = _group(society_flows, inputs.value_actor, n_actors)
    transfers_by_actor = benefits_by_actor - society_by_actor
    domain_of_value = inputs.outcome_domain[inputs.value_outcome]
    benefits_by_domain = _group(society_flows, domain_of_value, len(inputs.domains))
    benefits_by_value_type = _group(society_flows, inputs.value_type, len(VALUE_TYPES))

    municipality = inputs.actor_is_municipality
    municipal_costs = flows.cost_by_actor[municipality].sum(axis=0)
    cashable = (inputs.value_type == CASHABLE) & municipality[inputs.value_actor]
    municipal_cashable = flows.value_flows[cashable].sum(axis=0)

    pv_benefits = float((benefits * df).sum())
    pv_costs = float((costs * df).sum())
    npv = pv_benefits - pv_costs
    discounted_net = net * df
    be, be_index = break_even(net)
    be_discounted, be_discounted_index = break_even(discounted_net)
    payback, payback_index = break_even(municipal_cashable - municipal_costs)
    irr, irr_count = internal_rate_of_return(net, inputs.discount_rate)
    pv_municipal_costs = float((municipal_costs * df).sum())
    pv_municipal_cashable = float((municipal_cashable * df).sum())

    kpis = {
        "pv_benefits": pv_benefits,
        "pv_costs": pv_costs,
        "npv": npv,
        "benefits_undiscounted": float(benefits.sum()),
        "costs_undiscounted": float(costs.sum()),
        "net_undiscounted": float(net.sum()),
        "multiplier_discounted": _ratio(pv_benefits, pv_costs),
        "multiplier_undiscounted": _ratio(float(benefits.sum()), float(costs.sum())),
        "net_sroi": _ratio(npv, pv_costs),
        "municipality_financial_return": _ratio(pv_municipal_cashable, pv_municipal_costs),
        "municipality_pv_cashable_benefits": pv_municipal_cashable,
        "municipality_pv_costs": pv_municipal_costs,
        "irr": irr,
        "irr_count": irr_count,
        "break_even_years": _nan_none(be[0]),
        "break_even_calendar_year": _calendar(inputs.start_year, be_index[0]),
        "break_even_discounted_years": _nan_none(be_discounted[0]),
        "break_even_discounted_calendar_year": _calendar(inputs.start_year, be_discounted_index[0]),
        "municipality_payback_years": _nan_none(payback[0]),
        "municipality_payback_calendar_year": _calendar(inputs.start_year, payback_index[0]),
        "households": float(inputs.intake.sum()),
        "households_planned": float(inputs.planned.sum()),
        "households_registered": float(inputs.registered.sum()),
        "costs_beyond_horizon": flows.costs_beyond_horizon,
    }

    year_table = {
        "year": years,
        "t": np.arange(horizon),
        "intake": inputs.intake.sum(axis=0),
        "costs_interventions": flows.cost_by_type.sum(axis=0),
        "costs_programme": flows.programme.sum(axis=(0, 2))
        if flows.programme.size
        else np.zeros(horizon),
        "costs": costs,
        "benefits": benefits,
        "transfers": transfers_by_actor.sum(axis=0),
        "net": net,
        "cumulative": np.cumsum(net),
        "discount_factor": df,
        "costs_discounted": costs * df,
        "benefits_discounted": benefits * df,
        "net_discounted": discounted_net,
        "cumulative_discounted": np.cumsum(discounted_net),
    }

    period_of_year = np.arange(horizon) // PERIOD_YEARS
    periods = []
    for p in range(int(period_of_year.max()) + 1):
        in_period = period_of_year == p
        first, last = int(years[in_period][0]), int(years[in_period][-1])
        periods.append(
            {
                "period": f"{first}–{last}",
                "first_year": first,
                "last_year": last,
                "costs": float(costs[in_period].sum()),
                "benefits": float(benefits[in_period].sum()),
                "net": float(net[in_period].sum()),
                "cumulative_net": float(net[: int(np.flatnonzero(in_period)[-1]) + 1].sum()),
                "benefits_by_actor": _by_code(
                    inputs.actors, benefits_by_actor[:, in_period].sum(axis=1)
                ),
                "benefits_by_domain": _by_code(
                    inputs.domains, benefits_by_domain[:, in_period].sum(axis=1)
                ),
            }
        )

    matrix = np.zeros((n_actors, len(inputs.domains)))
    matrix_pv = np.zeros_like(matrix)
    np.add.at(matrix, (inputs.value_actor, domain_of_value), society_flows.sum(axis=1))
    np.add.at(matrix_pv, (inputs.value_actor, domain_of_value), (society_flows * df).sum(axis=1))

    result = {
        "meta": {
            "model_version": MODEL_VERSION,
            "start_year": inputs.start_year,
            "horizon": horizon,
            "years": years.tolist(),
            "price_basis": inputs.price_basis,
            "discount_rate": inputs.discount_rate,
            "bbv_discount_rate": inputs.bbv_discount_rate,
            "financing_rate": inputs.financing_rate,
            "actors": list(inputs.actors),
            "domains": list(inputs.domains),
            "value_types": list(VALUE_TYPES),
            "intervention_types": list(inputs.types),
            "labels": inputs.labels,
            "warnings": _warnings(inputs, flows),
        },
        "kpis": kpis,
        "year_table": _records(year_table, horizon),
        "costs_by_actor": _series(inputs.actors, flows.cost_by_actor),
        "costs_by_programme_category": _series(
            inputs.programme_category, flows.programme.sum(axis=2)
        )
        if flows.programme.size
        else {},
        "benefits_by_actor": _series(inputs.actors, benefits_by_actor),
        "transfers_by_actor": _series(inputs.actors, transfers_by_actor),
        "benefits_by_domain": _series(inputs.domains, benefits_by_domain),
        "benefits_by_value_type": _series(VALUE_TYPES, benefits_by_value_type),
        "periods": periods,
        "actor_domain_matrix": {
            "actors": list(inputs.actors),
            "domains": list(inputs.domains),
            "undiscounted": matrix.tolist(),
            "present_value": matrix_pv.tolist(),
        },
        "who_pays_who_benefits": _who_pays(
            inputs, flows.cost_by_actor, benefits_by_actor, society_by_actor, df
        ),
        "cost_allocation": {
            "by_domain": _allocation(inputs.domains, benefits_by_domain, costs, df),
            "by_actor": _allocation(inputs.actors, society_by_actor, costs, df),
        },
        "by_intervention_type": _by_type(inputs, flows, df),
        "ledger": ledger(inputs, municipal_costs, municipal_cashable),
        "budget_position": budget_position(inputs, municipal_costs, municipal_cashable),
        "unit_returns": unit_returns(inputs, df, flows.kernel),
    }

    return result


def uncertainty(inputs: ModelInputs, progress: Progress = _no_progress) -> dict:
    """Tornado, switching values and Monte Carlo."""
    ranged = _Batch(inputs, inputs.parameters)
    result: dict[str, Any] = {
        "tornado": tornado(inputs, ranged),
        "switching_values": switching_values(
            inputs, _Batch(inputs, _sensitivity_parameters(inputs))
        ),
    }
    progress(0.3, "monte_carlo")
    result["monte_carlo"] = monte_carlo(
        inputs, ranged, inputs.monte_carlo_draws, inputs.seed, progress, 0.3, 0.95
    )
    return result


def _sensitivity_parameters(inputs: ModelInputs) -> tuple[Parameter, ...]:
    """The ranged parameters plus the key ones, each once."""
    present = {(p.kind, p.index) for p in inputs.parameters}
    extra = tuple(
        Parameter(kind, None, value, value, value, kind)
        for kind, value in (
            ("cost_factor", 1.0),
            ("benefit_factor", 1.0),
            ("discount_rate", inputs.discount_rate),
        )
        if (kind, None) not in present
    )
    return tuple(inputs.parameters) + extra


def ledger(inputs: ModelInputs, municipal_costs: np.ndarray, cashable: np.ndarray) -> dict:
    """GREX ledger: BW[t] = BW[t−1]·(1+i_f) + K_gem[t] − R_gem[t], BW[−1] = 0; E = −BW[T−1] at
    31 December of the last year; NCW = E / (1+r_BBV)^T at 1 January of the start year."""
    rows = []
    book_value = 0.0
    for t in range(inputs.horizon):
        opening = book_value
        interest = opening * inputs.financing_rate
        book_value = opening + interest + float(municipal_costs[t]) - float(cashable[t])
        rows.append(
            {
                "year": int(inputs.start_year + t),
                "opening_book_value": opening,
                "interest": interest,
                "costs": float(municipal_costs[t]),
                "revenues": float(cashable[t]),
                "closing_book_value": book_value,
            }
        )
    end_value = -book_value
    ncw = end_value / (1.0 + inputs.bbv_discount_rate) ** inputs.horizon
    return {
        "rows": rows,
        "end_value": end_value,
        "end_value_date": f"{inputs.start_year + inputs.horizon - 1}-12-31",
        "ncw": ncw,
        "ncw_date": f"{inputs.start_year}-01-01",
        "funding_gap": ncw < 0,
    }


def budget_position(
    inputs: ModelInputs, municipal_costs: np.ndarray, cashable: np.ndarray
) -> dict | None:
    """ "Schuiven met geld": F[t] = F[t−1]·(1+i_f) + budget[t] + R_gem[t] − K_gem[t], F[−1] = 0."""
    if inputs.budget is None:
        return None
    rows = []
    position = 0.0
    positions = []
    for t in range(inputs.horizon):
        opening = position
        interest = opening * inputs.financing_rate
        position = opening + interest + float(inputs.budget[t] + cashable[t] - municipal_costs[t])
        positions.append(position)
        rows.append(
            {
                "year": int(inputs.start_year + t),
                "opening": opening,
                "interest": interest,
                "budget": float(inputs.budget[t]),
                "revenues": float(cashable[t]),
                "costs": float(municipal_costs[t]),
                "closing": position,
                "brought_forward": position < 0,
            }
        )
    closing = np.array(positions)
    low = int(np.argmin(closing))
    negative = closing < 0
    repaid = None
    if negative.any():
        after = np.flatnonzero(closing[low + 1 :] >= 0)
        repaid = int(inputs.start_year + low + 1 + after[0]) if after.size else None
    return {
        "rows": rows,
        "years_brought_forward": [int(inputs.start_year + t) for t in np.flatnonzero(negative)],
        "peak_prefinancing": float(max(0.0, -closing.min())),
        "low_point_year": int(inputs.start_year + low) if negative.any() else None,
        "year_repaid": repaid,
        "repaid": (not negative.any()) or repaid is not None,
    }


def unit_returns(inputs: ModelInputs, df: np.ndarray, kernel: np.ndarray) -> list[dict]:
    """Society benefits the model expects from one household starting an intervention type in a
    year (within the horizon): the basis of participant-level returns. ``kernel`` is the effect
    kernel L[o, c, t]."""
    horizon = inputs.horizon
    benefit_index = price_index(inputs.benefit_indexation, horizon, inputs.price_basis)
    net = net_share(inputs)
    value = _society_value_per_outcome(inputs)
    weight = inputs.link_probability * net[inputs.link_outcome] * value[inputs.link_outcome]
    per_link = kernel[inputs.link_outcome] * benefit_index[None, None, :]  # (L, C, T)
    undiscounted = np.zeros((len(inputs.types), horizon))
    present = np.zeros_like(undiscounted)
    np.add.at(undiscounted, inputs.link_type, weight[:, None] * per_link.sum(axis=2))
    np.add.at(present, inputs.link_type, weight[:, None] * (per_link * df).sum(axis=2))
    return [
        {
            "intervention_type": code,
            "year": int(inputs.start_year + c),
            "benefits": float(undiscounted[i, c]),
            "benefits_pv": float(present[i, c]),
        }
        for i, code in enumerate(inputs.types)
        for c in range(horizon)
    ]


def _by_type(inputs: ModelInputs, flows: _Flows, df: np.ndarray) -> list[dict]:
    columns = {
        "households": inputs.intake.sum(axis=1),
        "costs": flows.cost_by_type.sum(axis=1),
        "benefits": flows.benefit_by_type.sum(axis=1),
        "pv_costs": flows.cost_by_type @ df,
        "pv_benefits": flows.benefit_by_type @ df,
    }
    lists = {key: values.tolist() for key, values in columns.items()}
    rows = []
    for i, code in enumerate(inputs.types):
        row = {"intervention_type": code, **{key: values[i] for key, values in lists.items()}}
        row["multiplier_undiscounted"] = _ratio(row["benefits"], row["costs"])
        row["multiplier_discounted"] = _ratio(row["pv_benefits"], row["pv_costs"])
        rows.append(row)
    return rows


def _who_pays(inputs, cost_by_actor, benefits_by_actor, society_by_actor, df) -> list[dict]:
    total_costs = cost_by_actor.sum()
    # Shares of what the actors receive in their own view, so that they add up to 1.
    total_benefits = benefits_by_actor.sum()
    rows = []
    for a, code in enumerate(inputs.actors):
        paid = float(cost_by_actor[a].sum())
        received = float(benefits_by_actor[a].sum())
        cost_share = _ratio(paid, float(total_costs)) or 0.0
        benefit_share = _ratio(received, float(total_benefits)) or 0.0
        rows.append(
            {
                "actor": code,
                "costs": paid,
                "benefits": received,
                "transfers": float(received - society_by_actor[a].sum()),
                "net": received - paid,
                "pv_costs": float((cost_by_actor[a] * df).sum()),
                "pv_benefits": float((benefits_by_actor[a] * df).sum()),
                "cost_share": cost_share,
                "benefit_share": benefit_share,
                "cost_share_minus_benefit_share": cost_share - benefit_share,
            }
        )
    return rows


def _allocation(codes, benefits, costs, df) -> list[dict]:
    """K_d = K_total · B_d / B_total, on undiscounted totals and on present values."""
    total = benefits.sum()
    total_pv = (benefits * df).sum()
    rows = []
    for k, code in enumerate(codes):
        b = float(benefits[k].sum())
        b_pv = float((benefits[k] * df).sum())
        rows.append(
            {
                "code": code,
                "benefits": b,
                "allocated_costs": float(costs.sum() * b / total) if total else 0.0,
                "benefits_pv": b_pv,
                "allocated_costs_pv": float((costs * df).sum() * b_pv / total_pv)
                if total_pv
                else 0.0,
            }
        )
    return rows


def _warnings(inputs: ModelInputs, flows: _Flows) -> list[str]:
    warnings = []
    if inputs.horizon > 10:
        warnings.append("horizon_above_10")
    if flows.costs_beyond_horizon > 0.005:
        warnings.append("costs_beyond_horizon")
    if not inputs.parameters:
        warnings.append("no_uncertainty_ranges")
    return warnings


def _group(flows: np.ndarray, keys: np.ndarray, size: int) -> np.ndarray:
    grouped = np.zeros((size, flows.shape[1]))
    np.add.at(grouped, keys, flows)
    return grouped


def _series(codes, matrix: np.ndarray) -> dict[str, list[float]]:
    return {code: [float(x) for x in matrix[k]] for k, code in enumerate(codes)}


def _by_code(codes, values: np.ndarray) -> dict[str, float]:
    return {code: float(values[k]) for k, code in enumerate(codes)}


def _records(columns: dict[str, np.ndarray], horizon: int) -> list[dict]:
    """Columns of equal length as a list of rows (years and indexes as whole numbers)."""
    lists = {
        key: np.asarray(values).astype(int if key in ("year", "t") else float).tolist()
        for key, values in columns.items()
    }
    return [{key: values[t] for key, values in lists.items()} for t in range(horizon)]


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _nan_none(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _calendar(start_year: int, index: int) -> int | None:
    """The calendar year of year index t (start year + t); None when not reached."""
    return None if index < 0 else int(start_year + index)
