"""No scenario file makes SIEX fail (continued): hypothesis feeds the reader arbitrary JSON, and
valid files with fields replaced by extreme values, wrong types and junk; each is calculated or
refused with messages that name the field."""

from __future__ import annotations

import copy
import json
import math

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculation import engine
from calculation.scenario import (
    ScenarioError,
    calculate_document,
)
from siex.core.forms import json_document

from .scenario_cases import full_document

# Hundreds of generated documents: the slow tier.
pytestmark = pytest.mark.slow

# --- property tests: any JSON, and valid files with any field replaced ---------------------------

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**400), 2**32, 2**63, 2**64 + 1])
    | st.floats()
    | st.sampled_from([1e308, -1e308, 1.7e308, 5e-324, -0.0, 1e12 + 1, 1e6 + 1])
    | st.text(max_size=12)
    | st.sampled_from(["", "\x00", "a\x07b", "\ud800", "real", "nominal", "gemeente", "coach"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def calculated_or_refused(document) -> None:
    """The promise: a ScenarioError, or results in which every figure is a finite number."""
    try:
        results = calculate_document(document)
    except ScenarioError as error:
        assert error.errors
        for path, message in error.errors:
            assert type(path) is str and type(message) is str and message
        "\n".join(error.messages)  # plain text, as the job and the command line join them
        return
    assert engine.non_finite_numbers(results) == []
    json.dumps(results, allow_nan=False)


@SETTINGS
@given(json_values)
def test_any_json_is_calculated_or_refused(document):
    calculated_or_refused(document)


SECTIONS = [
    "parameters",
    "intake",
    "programme_costs",
    "budget",
    "uncertainty",
    "overrides",
    "registered_intake",
    "assumptions",
    "catalogue",
]


@SETTINGS
@given(
    st.fixed_dictionaries(
        {"format": st.just("siex-scenario"), "version": st.just(1)},
        optional=dict.fromkeys(SECTIONS, json_values)
        | {
            "catalogue": st.fixed_dictionaries(
                {"format": st.just("siex-catalogue")},
                optional={
                    key: st.lists(json_values, max_size=3)
                    for key in ("life_domains", "actors", "outcomes", "intervention_types")
                },
            )
        },
    )
)
def test_any_json_shaped_like_a_scenario_is_calculated_or_refused(document):
    calculated_or_refused(document)


def places(document, path=()) -> list[tuple]:
    """Every place in ``document`` (as a tuple of keys and indexes), the whole document aside."""
    found = []
    if isinstance(document, dict):
        items = document.items()
    elif isinstance(document, list):
        items = enumerate(document)
    else:
        return found
    for key, item in items:
        found.append((*path, key))
        found.extend(places(item, (*path, key)))
    return found


FULL_PLACES = places(full_document())

nasty = (
    json_values
    | st.sampled_from([None, True, [], {}, "", 0, -1, 10**400, 1e308, -1.7e308, math.nan, math.inf])
    | st.lists(st.integers(-(10**6), 10**9), min_size=0, max_size=40)
)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(FULL_PLACES), nasty), min_size=1, max_size=3))
def test_a_valid_file_with_fields_replaced_is_calculated_or_refused(replacements):
    document = full_document()
    for place, replacement in replacements:
        holder = document
        try:
            for step in place[:-1]:
                holder = holder[step]
            holder[place[-1]] = copy.deepcopy(replacement)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement took this place away
    calculated_or_refused(document)


@SETTINGS
@given(
    st.sampled_from(FULL_PLACES),
    st.sampled_from(["missing", None, "text", [], {"x": 1}, 10**400, -(10**400), 1e308, -1e308]),
)
def test_a_valid_file_with_a_field_removed_or_mistyped_is_calculated_or_refused(place, bad):
    document = full_document()
    holder = document
    for step in place[:-1]:
        holder = holder[step]
    if bad == "missing" and isinstance(holder, dict):
        del holder[place[-1]]
    else:
        holder[place[-1]] = bad
    calculated_or_refused(document)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_are_read_as_json_or_refused_with_a_message(raw):
    try:
        json_document(raw)
    except ValidationError as error:
        assert error.messages
