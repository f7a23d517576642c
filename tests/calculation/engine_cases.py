"""Scenarios calculated for the engine tests, and readers of their results, shared by the test
modules of the engine (``test_engine*.py``). Every number of a case can be followed by hand."""

from __future__ import annotations

from calculation.scenario import calculate_document

from .scenario_docs import intake, intervention_type, outcome, scenario, value


def calc(**kwargs) -> dict:
    return calculate_document(scenario(**kwargs))


def column(result: dict, key: str) -> list[float]:
    return [row[key] for row in result["year_table"]]


def excel_npv(rate: float, flows) -> float:
    """Excel's NPV(rate, value1, …, valuen): the first value is discounted one whole period."""
    return sum(flow / (1 + rate) ** k for k, flow in enumerate(flows, start=1))


def by_code(rows: list[dict], key: str = "code") -> dict[str, dict]:
    return {row[key]: row for row in rows}


def transfer_scenario(**parameters):
    return calc(
        parameters={"horizon_years": 2, **parameters},
        outcomes=[
            outcome(
                values=[
                    # a stopped bijstand payment: a gain for the municipality, a loss for the
                    # household; nets to zero for society
                    value("gemeente", 1000, "fiscal_cashable", transfer=True),
                    value("huishouden", -1000, "economic", transfer=True),
                    # what the household gains for real (wellbeing)
                    value("huishouden", 300, "social"),
                ]
            )
        ],
        types=[intervention_type(unit_cost=500, links={"werk": 1.0})],
        intake_rows=[intake(households=2)],
    )


def kpi_scenario(rate: float = 0.0225) -> dict:
    """Costs 2 · 1000 in 2026; benefits of 2 · 0.5 = 1 outcome a year, from 2027 (lag 1), worth 600
    to the municipality (cashable), 200 to it non-cashable and 400 to the health insurer."""
    return calc(
        parameters={"horizon_years": 4, "discount_rate": rate},
        outcomes=[
            outcome(
                lag_years=1,
                values=[
                    value("gemeente", 600, "fiscal_cashable"),
                    value("gemeente", 200, "fiscal_non_cashable"),
                    value("zorgverzekeraar", 400, "economic"),
                ],
            )
        ],
        types=[intervention_type(unit_cost=1000, links={"werk": 0.5})],
        intake_rows=[intake(households=2)],
    )


def break_even_scenario(unit_cost: float = 100, rate: float = 0.0) -> dict:
    """Net [−unit_cost, 40, 80]: costs in 2026, 40 from outcome a in 2027, 80 from b in 2028."""
    return calc(
        parameters={"horizon_years": 3, "discount_rate": rate},
        outcomes=[
            outcome("a", lag_years=1, duration_years=1, values=[value("gemeente", 40)]),
            outcome("b", lag_years=2, duration_years=1, values=[value("gemeente", 80)]),
        ],
        types=[intervention_type(unit_cost=unit_cost, links={"a": 1.0, "b": 1.0})],
        intake_rows=[intake(households=1)],
    )
