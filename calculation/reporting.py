"""Plain-text rendering of a results document, for the command line (``calculate --format
table``): readable in a terminal and in a diff."""

from __future__ import annotations

KPI_LABELS = (
    ("pv_costs", "PV costs", "euro"),
    ("pv_benefits", "PV benefits (society)", "euro"),
    ("npv", "NPV (netto contante waarde)", "euro"),
    ("multiplier_discounted", "Multiplier, discounted", "ratio"),
    ("multiplier_undiscounted", "Multiplier, undiscounted", "ratio"),
    ("net_sroi", "Net SROI (NPV / PV costs)", "ratio"),
    ("municipality_financial_return", "Municipality financial return", "ratio"),
    ("irr", "IRR", "pct"),
    ("break_even_years", "Break-even (years after start)", "years"),
    ("break_even_calendar_year", "Break-even (calendar year)", "year"),
    ("break_even_discounted_years", "Break-even discounted (years)", "years"),
    ("municipality_payback_years", "Municipality payback (years)", "years"),
    ("costs_undiscounted", "Costs, undiscounted", "euro"),
    ("benefits_undiscounted", "Benefits, undiscounted", "euro"),
)

BREAK_EVEN_NOTE = (
    "Break-even and payback: from when the cumulative net stays at or above zero until the end "
    "of the horizon (interpolated within the year; 0 when it is never negative; not reached "
    "when it ends below zero)."
)


def _fmt(value, kind: str) -> str:
    if value is None:
        return "not reached" if kind in ("years", "year") else "–"
    if kind == "euro":
        return f"{value:,.0f}"
    if kind == "ratio":
        return f"{value:.2f}"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "years":
        return f"{value:.2f}"
    return str(value)


def _table(headers: list[str], rows: list[list], widths: list[int] | None = None) -> list[str]:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                cell.ljust(widths[k]) if k == 0 else cell.rjust(widths[k])
                for k, cell in enumerate(row)
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def results_table(results: dict) -> str:
    meta = results["meta"]
    kpis = results["kpis"]
    lines = [
        f"SIEX results ({meta['model_version']}), {meta['years'][0]}–{meta['years'][-1]}, "
        f"{meta['price_basis']} prices, discount rate {meta['discount_rate']:.2%}",
        f"inputs hash {meta.get('inputs_hash', '–')}, seed {meta.get('seed', '–')}",
    ]
    if meta["warnings"]:
        lines.append("warnings: " + ", ".join(meta["warnings"]))
    lines += ["", "Key figures"]
    lines += _table(
        ["", "value"], [[label, _fmt(kpis.get(k), kind)] for k, label, kind in KPI_LABELS]
    )
    lines.append(BREAK_EVEN_NOTE)

    lines += ["", "Year table"]
    lines += _table(
        ["year", "intake", "costs", "benefits", "net", "cumulative", "DF", "net disc."],
        [
            [
                row["year"],
                f"{row['intake']:,.0f}",
                f"{row['costs']:,.0f}",
                f"{row['benefits']:,.0f}",
                f"{row['net']:,.0f}",
                f"{row['cumulative']:,.0f}",
                f"{row['discount_factor']:.4f}",
                f"{row['net_discounted']:,.0f}",
            ]
            for row in results["year_table"]
        ],
    )
    lines += ["", "Periods"]
    lines += _table(
        ["period", "costs", "benefits", "net", "cumulative net"],
        [
            [
                p["period"],
                f"{p['costs']:,.0f}",
                f"{p['benefits']:,.0f}",
                f"{p['net']:,.0f}",
                f"{p['cumulative_net']:,.0f}",
            ]
            for p in results["periods"]
        ],
    )
    lines += ["", "Who pays, who benefits"]
    lines += _table(
        ["actor", "costs", "benefits", "of which transfers", "cost share", "benefit share"],
        [
            [
                r["actor"],
                f"{r['costs']:,.0f}",
                f"{r['benefits']:,.0f}",
                f"{r['transfers']:,.0f}",
                f"{r['cost_share']:.1%}",
                f"{r['benefit_share']:.1%}",
            ]
            for r in results["who_pays_who_benefits"]
        ],
    )
    lines += ["", "Benefits per life domain (society)"]
    lines += _table(
        ["domain", "benefits", "allocated costs"],
        [
            [r["code"], f"{r['benefits']:,.0f}", f"{r['allocated_costs']:,.0f}"]
            for r in results["cost_allocation"]["by_domain"]
        ],
    )
    lines += ["", "Per intervention type"]
    lines += _table(
        ["type", "households", "costs", "benefits", "multiplier"],
        [
            [
                r["intervention_type"],
                f"{r['households']:,.0f}",
                f"{r['costs']:,.0f}",
                f"{r['benefits']:,.0f}",
                _fmt(r["multiplier_undiscounted"], "ratio"),
            ]
            for r in results["by_intervention_type"]
        ],
    )
    ledger = results["ledger"]
    lines += [
        "",
        "GREX ledger (municipality)",
        f"  end value at {ledger['end_value_date']}: {ledger['end_value']:,.0f}",
        f"  NCW at {ledger['ncw_date']}: {ledger['ncw']:,.0f}"
        + ("  (funding gap)" if ledger["funding_gap"] else ""),
    ]
    budget = results.get("budget_position")
    if budget:
        lines += [
            "",
            "Budget position (schuiven met geld)",
            "  years brought forward: "
            + (", ".join(map(str, budget["years_brought_forward"])) or "none"),
            f"  peak pre-financing: {budget['peak_prefinancing']:,.0f}",
            "  repaid in: "
            + str(budget["year_repaid"] or ("–" if budget["repaid"] else "not within the horizon")),
        ]
    if results["tornado"]:
        lines += ["", "Tornado (NPV)"]
        lines += _table(
            ["parameter", "low", "high", "NPV low", "NPV high", "swing"],
            [
                [
                    b["parameter"],
                    f"{b['low']:g}",
                    f"{b['high']:g}",
                    f"{b['npv_low']:,.0f}",
                    f"{b['npv_high']:,.0f}",
                    f"{b['swing']:,.0f}",
                ]
                for b in results["tornado"]
            ],
        )
    lines += ["", "Switching values (NPV = 0)"]
    lines += _table(
        ["parameter", "base", "switching value"],
        [
            [
                s["parameter"],
                f"{s['base']:g}",
                "none in range" if s["switching_value"] is None else f"{s['switching_value']:.4g}",
            ]
            for s in results["switching_values"]
        ],
    )
    mc = results["monte_carlo"]
    lines += ["", f"Monte Carlo ({mc['draws']:,} draws, seed {mc['seed']})"]
    lines += _table(
        ["", "P10", "P50", "P90"],
        [
            ["NPV"] + [_fmt(mc["npv"][p], "euro") for p in ("p10", "p50", "p90")],
            ["multiplier"] + [_fmt(mc["multiplier"][p], "ratio") for p in ("p10", "p50", "p90")],
            ["break-even (years)"]
            + [_fmt(mc["break_even_years"][p], "years") for p in ("p10", "p50", "p90")],
        ],
    )
    lines.append(f"P(NPV > 0) = {mc['probability_npv_positive']:.1%}")
    return "\n".join(lines) + "\n"
