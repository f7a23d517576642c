"""The catalogue a scenario embeds (format ``siex-catalogue``) as the engine's arrays, with every
reference in it checked."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from interventions.catalogue.groups import groups_of_codes

from ..engine import VALUE_TYPES
from .checker import Checker, is_number, shown
from .fields import MAX_AMOUNT, MAX_RAMP_UP_YEARS, PHASING_YEARS


def catalogue_arrays(check: Checker, catalogue: dict) -> dict[str, Any]:
    """The embedded catalogue as arrays, with every reference checked."""
    path = "catalogue"
    domains = [
        check.obj(f"{path}.life_domains[{n}]", d)
        for n, d in enumerate(check.items(f"{path}.life_domains", catalogue.get("life_domains")))
    ]
    domain_index = check.unique(f"{path}.life_domains", domains)
    # Optional: a catalogue of before the groups were data names only each actor's group code.
    group_list = catalogue.get("actor_groups")
    groups = [
        check.obj(f"{path}.actor_groups[{n}]", g)
        for n, g in enumerate(check.items(f"{path}.actor_groups", group_list))
    ]
    group_index = check.unique(f"{path}.actor_groups", groups)
    for n, g in enumerate(groups):
        for key in ("name_nl", "name_en"):
            check.text(f"{path}.actor_groups[{n}]", g, key, required=False)
    actors = [
        check.obj(f"{path}.actors[{n}]", a)
        for n, a in enumerate(check.items(f"{path}.actors", catalogue.get("actors")))
    ]
    actor_index = check.unique(f"{path}.actors", actors)
    outcomes = [
        check.obj(f"{path}.outcomes[{n}]", o)
        for n, o in enumerate(check.items(f"{path}.outcomes", catalogue.get("outcomes")))
    ]
    outcome_index = check.unique(f"{path}.outcomes", outcomes)
    types = [
        check.obj(f"{path}.intervention_types[{n}]", t)
        for n, t in enumerate(
            check.items(f"{path}.intervention_types", catalogue.get("intervention_types"))
        )
    ]
    type_index = check.unique(f"{path}.intervention_types", types)
    for section, items in (
        ("life_domains", domains),
        ("actors", actors),
        ("outcomes", outcomes),
        ("intervention_types", types),
    ):
        for n, item in enumerate(items):
            for key in ("name_nl", "name_en", "description"):
                check.text(f"{path}.{section}[{n}]", item, key, required=False)
    if not actor_index:
        check.error(f"{path}.actors", _("The catalogue has no actors."))
    if not type_index:
        check.error(f"{path}.intervention_types", _("The catalogue has no intervention types."))

    is_municipality = np.array(
        [
            check.boolean(f"{path}.actors[{n}]", a, "is_municipality", False)
            for n, a in enumerate(actors)
        ],
        dtype=bool,
    )
    sectors: dict[str, str] = {}
    for n, a in enumerate(actors):
        sector = check.text(f"{path}.actors[{n}]", a, "sector", required=False)
        if sector is not None and group_list is not None and sector not in group_index:
            check.error(
                f"{path}.actors[{n}].sector",
                _("Unknown actor group “%(code)s”.") % {"code": shown(sector)},
            )
        if isinstance(a.get("code"), str):
            sectors[a["code"]] = sector or ""
    if group_list is None:
        groups = groups_of_codes(sectors.values())

    n_out = len(outcomes)
    arrays = {
        key: np.zeros(n_out) for key in ("drop_off", "deadweight", "attribution", "displacement")
    }
    lag = np.zeros(n_out, dtype=int)
    duration = np.ones(n_out, dtype=int)
    grade = np.full(n_out, 6, dtype=int)
    outcome_domain = np.zeros(n_out, dtype=int)
    ramp_rows: list[list[float]] = []
    values: list[tuple[int, int, int, bool, float]] = []
    for n, o in enumerate(outcomes):
        opath = f"{path}.outcomes[{n}]"
        d = check.code(
            f"{opath}.life_domain",
            domain_index,
            o.get("life_domain"),
            _("Unknown life domain “%(code)s”."),
        )
        outcome_domain[n] = d or 0
        lag[n] = check.number(f"{opath}.lag_years", o.get("lag_years", 0), 0, 30, integer=True) or 0
        duration[n] = (
            check.number(f"{opath}.duration_years", o.get("duration_years", 1), 1, 30, integer=True)
            or 1
        )
        for key in arrays:
            arrays[key][n] = (
                check.number(f"{opath}.{key}_pct", o.get(f"{key}_pct", 0), 0, 100) or 0
            ) / 100
        grade[n] = check.field(opath, o, "confidence_grade", low=1, high=6, integer=True) or 6
        ramp = check.items(f"{opath}.ramp_up", o.get("ramp_up"))
        if len(ramp) > MAX_RAMP_UP_YEARS:
            check.error(
                f"{opath}.ramp_up",
                _("The ramp-up covers at most %(n)s years.") % {"n": MAX_RAMP_UP_YEARS},
            )
            ramp = []
        ramp_rows.append(
            [
                check.number(f"{opath}.ramp_up[{m}]", share, 0, 1) or 0.0
                for m, share in enumerate(ramp)
            ]
        )
        for m, v in enumerate(check.items(f"{opath}.values", o.get("values"))):
            vpath = f"{opath}.values[{m}]"
            v = check.obj(vpath, v)
            actor = check.code(
                f"{vpath}.actor", actor_index, v.get("actor"), _("Unknown actor “%(code)s”.")
            )
            value_type = check.choice(f"{vpath}.value_type", v.get("value_type"), VALUE_TYPES)
            transfer = check.boolean(vpath, v, "is_transfer", False)
            amount = check.field(vpath, v, "annual_amount", low=-MAX_AMOUNT, high=MAX_AMOUNT)
            if actor is not None and amount is not None and value_type is not None:
                values.append((n, actor, VALUE_TYPES.index(value_type), transfer, amount))
    width = max((len(r) for r in ramp_rows), default=0)
    ramp_up = np.ones((n_out, max(width, 1)))
    for n, row in enumerate(ramp_rows):
        ramp_up[n, : len(row)] = row

    n_types = len(types)
    unit_cost = np.zeros(n_types)
    phasing = np.zeros((n_types, PHASING_YEARS))
    payer = np.zeros(n_types, dtype=int)
    links: list[tuple[int, int, float]] = []
    for n, t in enumerate(types):
        tpath = f"{path}.intervention_types[{n}]"
        unit_cost[n] = check.field(tpath, t, "unit_cost", low=0, high=MAX_AMOUNT) or 0.0
        shares = t.get("cost_phasing", [1])
        if (
            not isinstance(shares, list)
            or not 1 <= len(shares) <= PHASING_YEARS
            or not all(is_number(s) and 0 <= s <= 1 for s in shares)
            or abs(sum(shares) - 1) > 1e-9
        ):
            check.error(
                f"{tpath}.cost_phasing",
                _(
                    "The cost phasing is a list of 1 to %(n)s shares between 0 and 1 that add up "
                    "to 1, for example [0.6, 0.4]."
                )
                % {"n": PHASING_YEARS},
            )
        else:
            phasing[n, : len(shares)] = shares
        payer[n] = (
            check.code(
                f"{tpath}.paying_actor",
                actor_index,
                t.get("paying_actor"),
                _("Unknown actor “%(code)s”."),
            )
            or 0
        )
        linked: set[int] = set()
        for m, link in enumerate(check.items(f"{tpath}.outcomes", t.get("outcomes"))):
            lpath = f"{tpath}.outcomes[{m}]"
            link = check.obj(lpath, link)
            outcome = check.code(
                f"{lpath}.outcome",
                outcome_index,
                link.get("outcome"),
                _("Unknown outcome “%(code)s”."),
            )
            probability = check.field(lpath, link, "success_probability", low=0, high=1)
            if outcome is None or probability is None:
                continue
            if outcome in linked:
                check.error(lpath, _("An outcome is linked twice."))
                continue
            linked.add(outcome)
            links.append((n, outcome, probability))

    def names(items: list[dict]) -> dict:
        return {
            item["code"]: {
                "nl": item.get("name_nl") or item["code"],
                "en": item.get("name_en") or item["code"],
            }
            for item in items
            if isinstance(item.get("code"), str)
        }

    labels = {
        "actors": {**names(actors)},
        "domains": names(domains),
        "intervention_types": names(types),
        "outcomes": names(outcomes),
        "actor_sectors": sectors,
        "actor_groups": names(groups),
        # The order of the groups (a stored document's objects need not keep their keys' order).
        "actor_group_order": [g["code"] for g in groups if isinstance(g.get("code"), str)],
    }
    link_array = np.array(links, dtype=float).reshape(-1, 3)
    value_array = np.array(values, dtype=float).reshape(-1, 5)
    return {
        "actor_index": actor_index,
        "domain_index": domain_index,
        "outcome_index": outcome_index,
        "type_index": type_index,
        "is_municipality": is_municipality,
        "outcome_domain": outcome_domain,
        "lag": lag,
        "duration": duration,
        **arrays,
        "grade": grade,
        "ramp_up": ramp_up,
        "unit_cost": unit_cost,
        "phasing": phasing,
        "payer": payer,
        "link_type": link_array[:, 0].astype(int),
        "link_outcome": link_array[:, 1].astype(int),
        "link_probability": link_array[:, 2].copy(),
        "value_outcome": value_array[:, 0].astype(int),
        "value_actor": value_array[:, 1].astype(int),
        "value_type": value_array[:, 2].astype(int),
        "value_transfer": value_array[:, 3].astype(bool),
        "value_amount": value_array[:, 4].copy(),
        "value_factor": np.ones(n_out),
        "labels": labels,
    }
