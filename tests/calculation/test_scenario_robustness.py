"""No scenario file makes SIEX fail: every file is calculated or refused with a message that names
the field, by the reader (``parse_scenario``), the command line, the upload page and the API.

The files that used to end in a traceback are kept here by name; hypothesis then feeds the reader
arbitrary JSON and valid files with fields replaced by extreme values, wrong types and junk.
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculation import engine
from calculation.models import Scenario, ScenarioVersion
from calculation.scenario import (
    MAX_AMOUNT,
    MAX_FACTOR,
    MAX_HOUSEHOLDS,
    MAX_RAMP_UP_YEARS,
    MAX_SEED,
    ScenarioError,
    calculate_document,
    parse_scenario,
)
from siex.accounts.roles import Role
from siex.core.forms import json_document

from .scenario_docs import START, intake, intervention_type, outcome, scenario, value

CONTROL = "The text contains a control character"


def errors_of(document) -> dict[str, str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    for path, message in caught.value.errors:
        assert type(path) is str and type(message) is str and message
    return dict(caught.value.errors)


def without(item: dict, key: str) -> dict:
    return {name: field for name, field in item.items() if name != key}


def raw_with_number(number_text: str) -> bytes:
    """A valid scenario file whose seed is written as ``number_text``."""
    text = json.dumps(scenario(code="kapot", parameters={"seed": 12345}))
    return text.replace('"seed": 12345', f'"seed": {number_text}').encode()


# --- the files that used to crash, and what each must say -----------------------------------------

#: name → (file content, a part of the message that names what is wrong)
CRASH_FILES = {
    "no format": (json.dumps({"version": 1, "code": "kapot"}).encode(), "siex-scenario"),
    "top-level array": (b"[1, 2, 3]", "siex-scenario"),
    "households 1e308": (
        json.dumps(scenario(code="kapot", intake_rows=[intake(households=1e308)])).encode(),
        "intake[0].households",
    ),
    "households times unit cost": (
        json.dumps(
            scenario(
                code="kapot",
                types=[intervention_type(unit_cost=1e200)],
                intake_rows=[intake(households=1e200)],
            )
        ).encode(),
        "catalogue.intervention_types[0].unit_cost",
    ),
    "annual amount 1.7e308": (
        json.dumps(
            scenario(code="kapot", outcomes=[outcome(values=[value(amount=1.7e308)])])
        ).encode(),
        "catalogue.outcomes[0].values[0].annual_amount",
    ),
    "integer of 400 digits": (
        json.dumps(scenario(code="kapot", intake_rows=[intake(households=10**400)])).encode(),
        "intake[0].households",
    ),
    "seed of 5,001 digits": (raw_with_number("7" * 5001), "digits"),
    "decimal beyond 1e308": (raw_with_number("1e999"), "too large"),
    "NaN": (raw_with_number("NaN"), "NaN"),
    "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, "nested"),
}
CRASH_NAMES = list(CRASH_FILES)


def test_each_crash_file_is_refused_by_the_reader_naming_the_field():
    for name, (content, fragment) in CRASH_FILES.items():
        try:
            document = json_document(content)
        except ValidationError as error:
            assert fragment in " ".join(error.messages), name
            continue
        with pytest.raises(ScenarioError) as caught:
            calculate_document(document)
        assert fragment in "\n".join(caught.value.messages), name


@pytest.mark.django_db
@pytest.mark.parametrize("name", CRASH_NAMES)
def test_the_command_line_refuses_each_crash_file_with_a_message(name, tmp_path):
    content, fragment = CRASH_FILES[name]
    path = tmp_path / "scenario.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("calculate", scenario_file=str(path), stdout=io.StringIO())
    assert fragment in str(caught.value)


@pytest.mark.parametrize("name", ["no format", "seed of 5,001 digits"])
def test_the_command_line_exits_with_1_and_no_traceback(name, tmp_path):
    content, fragment = CRASH_FILES[name]
    path = tmp_path / "scenario.json"
    path.write_bytes(content)
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    done = subprocess.run(
        [sys.executable, str(manage), "calculate", "--scenario-file", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "siex.settings.test"},
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert fragment in done.stderr


def test_the_command_line_refuses_a_non_object_parameters_with_draws(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario(parameters=None) | {"parameters": [1]}))
    with pytest.raises(CommandError) as caught:
        call_command("calculate", scenario_file=str(path), draws=200, stdout=io.StringIO())
    assert "parameters: Expected an object." in str(caught.value)


@pytest.fixture
def lead(client_for):
    return client_for(Role.PROJECT_LEAD)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CRASH_NAMES)
def test_the_upload_page_refuses_each_crash_file_naming_the_field(lead, name):
    content, fragment = CRASH_FILES[name]
    upload = io.BytesIO(content)
    upload.name = "scenario.json"
    response = lead.post(reverse("calculation:scenario-upload"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert fragment in page.replace("&quot;", '"')
    assert not Scenario.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", CRASH_NAMES)
def test_the_api_refuses_each_crash_file_with_a_400(lead, name):
    content, fragment = CRASH_FILES[name]
    response = lead.post(
        "/api/v1/scenario-versions/import/", content, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    field = fragment.split("[")[0].split(".")[0]
    if field in body:  # the message sits under the field it is about
        assert any(fragment in message for message in body[field])
    else:
        assert fragment.lower() in json.dumps(body, ensure_ascii=False).lower()
    assert not ScenarioVersion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, field_message",
    [
        (["a", "list"], "Expected text."),
        ({"an": "object"}, "Expected text."),
        (12, "Expected text."),
        ("basis\x00", CONTROL),
    ],
)
def test_the_api_refuses_a_code_that_is_no_text(lead, code, field_message):
    response = lead.post(
        "/api/v1/scenario-versions/import/",
        json.dumps(scenario(code=code)),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field_message in response.json()["code"][0]
    assert not Scenario.objects.exists()


def intake_change(lock: int, year: int, extra: str) -> bytes:
    """A change of a version's intake whose row carries ``extra``, written as raw JSON."""
    row = f'"intervention_type": "budgetcoaching", "year": {year}, "households": 5, {extra}'
    return f'{{"version": {lock}, "intake": [{{{row}}}]}}'.encode()


@pytest.mark.django_db
def test_the_api_refuses_bodies_it_cannot_read_or_store_when_a_version_changes(
    lead, scenario_version
):
    url = f"/api/v1/scenario-versions/{scenario_version.pk}/"
    lock, year = scenario_version.version, scenario_version.start_year
    refused = [
        (b"[" * 100_000 + b"]" * 100_000, "detail", "nested too deeply"),
        (f'{{"version": {lock}, "seed": {"9" * 5001}}}'.encode(), "detail", "4300 digits"),
        # kept as it came, an infinity anywhere in a row would be refused by the database
        (intake_change(lock, year, '"x": 1e999'), "detail", "too large"),
        (intake_change(lock, year, '"x": NaN'), "detail", "NaN"),
        (intake_change(lock, year, '"x\\u0000": 1'), "intake", "intake[0].x: " + CONTROL),
        (
            f'{{"version": {lock}, "assumptions": ["bel \\u0007"]}}'.encode(),
            "assumptions",
            "assumptions[0]: " + CONTROL,
        ),
    ]
    for body, field, fragment in refused:
        response = lead.patch(url, body, content_type="application/json")
        assert response.status_code == 400, (body[:80], response.content)
        messages = response.json()[field]
        messages = [messages] if isinstance(messages, str) else messages
        assert any(fragment in message for message in messages), messages
    scenario_version.refresh_from_db()
    assert scenario_version.version == lock
    # an ordinary (if large) number in a key SIEX does not read is kept as it came
    response = lead.patch(
        url, intake_change(lock, year, '"x": 1e308'), content_type="application/json"
    )
    assert response.status_code == 200, response.content


# --- messages that name the problem ---------------------------------------------------------------


def test_a_missing_confidence_grade_is_required_not_a_whole_number():
    errors = errors_of(scenario(outcomes=[without(outcome(), "confidence_grade")]))
    assert errors == {"catalogue.outcomes[0].confidence_grade": "This field is required."}


def test_a_missing_life_domain_is_required_not_unknown():
    errors = errors_of(scenario(outcomes=[without(outcome(), "life_domain")]))
    assert errors == {"catalogue.outcomes[0].life_domain": "This field is required."}


@pytest.mark.parametrize("code", [["werk"], {"code": "werk"}, 7, True])
def test_a_code_that_is_no_text_is_refused_not_looked_up(code):
    item = outcome()
    item["code"] = code
    document = scenario(types=[intervention_type(links={})], outcomes=[item])
    assert errors_of(document) == {"catalogue.outcomes[0].code": "Expected text."}


def test_a_catalogue_entry_without_a_code_is_refused():
    document = scenario(
        types=[without(intervention_type(), "code"), intervention_type("b")],
        intake_rows=[intake("b")],
    )
    errors = errors_of(document)
    assert errors == {"catalogue.intervention_types[0].code": "This field is required."}


def test_a_value_is_shown_shortened_in_a_message():
    errors = errors_of(scenario(intake_rows=[intake("x" * 500)]))
    message = errors["intake[0].intervention_type"]
    assert len(message) < 120 and "…" in message


def test_version_true_is_not_version_1():
    assert list(errors_of(scenario(version=True))) == ["version"]


@pytest.mark.parametrize("key", ["code", "name", "description", "note", "assumptions"])
def test_the_texts_of_a_file_must_be_text(key):
    bad = {"assumptions": ["ok", {"nested": "x"}]}.get(key, ["a", "list"])
    errors = errors_of(scenario(**{key: bad}))
    place = "assumptions[1]" if key == "assumptions" else key
    assert errors == {place: "Expected text."}


@pytest.mark.parametrize(
    "field, bad",
    [
        ("is_municipality", "yes"),
        ("sector", ["public"]),
        ("name_nl", 12),
    ],
)
def test_wrong_types_of_actor_fields(field, bad):
    actors = [
        {"code": "gemeente", "name_nl": "Gemeente", "is_municipality": True},
        {"code": "huishouden"},
    ]
    actors[0][field] = bad
    errors = errors_of(scenario(actors=actors))
    assert list(errors) == [f"catalogue.actors[0].{field}"]


# --- control characters at every text of the file -------------------------------------------------


def full_document() -> dict:
    """A valid file that uses every list and every text field."""
    document = scenario(
        code="volledig",
        description="Alle onderdelen",
        note="Versie 1",
        assumptions=["Een aanname", "Nog een"],
        parameters={"count_registered": True, "price_basis": "nominal", "cost_indexation": 0.02},
        outcomes=[
            outcome(
                source="Onderzoek",
                description="Werk gevonden",
                ramp_up=[0.5],
                values=[value(), value("huishouden", 300, "economic")],
            ),
        ],
        types=[intervention_type(provider="Wijkteam", description="Coaching")],
        programme_costs=[
            {
                "category": "staff",
                "actor": "gemeente",
                "year": START,
                "amount": 5000,
                "description": "Coördinator",
            }
        ],
        budget=[{"year": START, "amount": 20000}],
        uncertainty=[
            {"parameter": "cost_factor", "low": 0.8, "high": 1.3},
            {"parameter": "drop_off_pct", "outcome": "werk", "low": 0, "high": 20},
            {"parameter": "unit_cost", "intervention_type": "coach", "low": 500, "high": 2000},
        ],
        overrides=[
            {"parameter": "deadweight_pct", "outcome": "werk", "value": 10, "reason": "Lokaal"}
        ],
        registered_intake=[
            {"intervention_type": "coach", "year": START, "households": 2, "cost": 1800}
        ],
    )
    document["catalogue"]["actors"][0]["sector"] = "public"
    document["catalogue"]["actors"][0]["description"] = "De gemeente"
    return document


def test_the_full_document_is_calculated():
    results = calculate_document(full_document())
    assert results["kpis"]["households"] == 12


TEXT_FIELDS = [
    ("code",),
    ("name",),
    ("description",),
    ("note",),
    ("assumptions", 1),
    ("intake", 0, "intervention_type"),
    ("programme_costs", 0, "description"),
    ("programme_costs", 0, "category"),
    ("programme_costs", 0, "actor"),
    ("uncertainty", 1, "outcome"),
    ("uncertainty", 0, "parameter"),
    ("overrides", 0, "reason"),
    ("registered_intake", 0, "intervention_type"),
    ("parameters", "price_basis"),
    ("catalogue", "life_domains", 0, "name_nl"),
    ("catalogue", "actors", 2, "code"),
    ("catalogue", "actors", 0, "sector"),
    ("catalogue", "actors", 0, "description"),
    ("catalogue", "outcomes", 0, "life_domain"),
    ("catalogue", "outcomes", 0, "source"),
    ("catalogue", "outcomes", 0, "values", 1, "value_type"),
    ("catalogue", "intervention_types", 0, "provider"),
    ("catalogue", "intervention_types", 0, "outcomes", 0, "outcome"),
]


def path_text(steps) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


@pytest.mark.parametrize("steps", TEXT_FIELDS, ids=path_text)
@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x9b", "\ud800"])
def test_a_control_character_in_any_text_is_refused_at_its_place(steps, character):
    document = full_document()
    holder = document
    for step in steps[:-1]:
        holder = holder[step]
    holder[steps[-1]] = str(holder[steps[-1]]) + character
    errors = errors_of(document)
    place = path_text(steps)
    assert list(errors) == [place]  # reported once, and nothing else is said about it
    assert errors[place].startswith(CONTROL)


def test_a_control_character_in_a_key_is_refused():
    document = full_document()
    document["catalogue"]["outcomes"][0]["extra\x00"] = "x"
    errors = errors_of(document)
    assert list(errors) == ["catalogue.outcomes[0].extra"]
    assert errors["catalogue.outcomes[0].extra"].startswith(CONTROL)


def test_tab_and_new_line_stay_allowed():
    document = full_document()
    document["note"] = "Regel 1\nRegel 2\tmet tab\r\n"
    parse_scenario(document)


@pytest.mark.django_db
def test_the_catalogue_file_refuses_control_characters_before_anything_is_stored(
    groningen_catalogue,
):
    from interventions.catalogue.file import catalogue_dump, catalogue_load
    from interventions.catalogue.models import LifeDomainMapping, Outcome

    data = catalogue_dump()
    before = json.dumps(data, sort_keys=True)
    data["outcomes"][0]["code"] = "nieuw\x00"  # PostgreSQL cannot even look this up
    data["outcomes"][1]["source"] = "bron\x07"
    data["life_domain_mappings"][0]["label"] = "wonen\x1b"
    data["intervention_types"][2]["outcomes"][0]["note"] = "\x9b"
    with pytest.raises(ValidationError) as caught:
        catalogue_load(data)
    messages = caught.value.messages
    assert [message.split(":")[0] for message in messages] == [
        "life_domain_mappings[0].label",
        "outcomes[0].code",
        "outcomes[1].source",
        "intervention_types[2].outcomes[0].note",
    ]
    assert all(CONTROL in message for message in messages)
    assert json.dumps(catalogue_dump(), sort_keys=True) == before
    assert not Outcome.objects.filter(code__startswith="nieuw").exists()
    assert LifeDomainMapping.objects.count() == len(data["life_domain_mappings"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "place, bad",
    [
        ("life_domains[0].code", ["wonen"]),
        ("life_domains[0].code", {"code": "wonen"}),
        ("life_domain_mappings[0].domain", ["wonen"]),
        ("actors[0].code", ["gemeente"]),
        ("actors[0].budget_lines[0].code", 5),
        ("outcomes[0].code", ["x"]),
        ("outcomes[0].life_domain", ["x"]),
        ("outcomes[0].values[0].actor", ["gemeente"]),
        ("intervention_types[0].code", ["x"]),
        ("intervention_types[0].paying_actor", ["gemeente"]),
        ("intervention_types[0].paying_budget_line", ["bijstand"]),
        ("intervention_types[0].outcomes[0].outcome", ["x"]),
    ],
)
def test_the_catalogue_file_refuses_a_code_that_is_no_text(place, bad):
    from interventions.catalogue.file import catalogue_load

    path = Path(__file__).resolve().parents[2] / "interventions/data/catalogue_groningen.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    holder = data
    steps = [int(step) if step.isdigit() else step for step in re.split(r"[.\[\]]+", place) if step]
    for step in steps[:-1]:
        holder = holder[step]
    holder[steps[-1]] = bad
    with pytest.raises(ValidationError) as caught:
        catalogue_load(data)
    assert caught.value.messages == [f"{place}: Expected text."]


# --- upper bounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document_at, limit, path",
    [
        (
            lambda x: scenario(intake_rows=[intake(households=x)]),
            MAX_HOUSEHOLDS,
            "intake[0].households",
        ),
        (
            lambda x: scenario(intake_rows=[intake(unit_cost=x)]),
            MAX_AMOUNT,
            "intake[0].unit_cost",
        ),
        (
            lambda x: scenario(types=[intervention_type(unit_cost=x)]),
            MAX_AMOUNT,
            "catalogue.intervention_types[0].unit_cost",
        ),
        (
            lambda x: scenario(outcomes=[outcome(values=[value(amount=x)])]),
            MAX_AMOUNT,
            "catalogue.outcomes[0].values[0].annual_amount",
        ),
        (
            lambda x: scenario(outcomes=[outcome(values=[value(amount=-x)])]),
            MAX_AMOUNT,
            "catalogue.outcomes[0].values[0].annual_amount",
        ),
        (
            lambda x: scenario(
                programme_costs=[
                    {"category": "staff", "actor": "gemeente", "year": START, "amount": x}
                ]
            ),
            MAX_AMOUNT,
            "programme_costs[0].amount",
        ),
        (
            lambda x: scenario(budget=[{"year": START, "amount": -x}]),
            MAX_AMOUNT,
            "budget[0].amount",
        ),
        (
            lambda x: scenario(
                parameters={"count_registered": True},
                registered_intake=[
                    {"intervention_type": "coach", "year": START, "households": 1, "cost": x}
                ],
            ),
            MAX_AMOUNT,
            "registered_intake[0].cost",
        ),
        (
            lambda x: scenario(
                parameters={"count_registered": True},
                registered_intake=[
                    {"intervention_type": "coach", "year": START, "households": x, "cost": 1}
                ],
            ),
            MAX_HOUSEHOLDS,
            "registered_intake[0].households",
        ),
        (
            lambda x: scenario(uncertainty=[{"parameter": "benefit_factor", "low": 0, "high": x}]),
            MAX_FACTOR,
            "uncertainty[0].high",
        ),
        (
            lambda x: scenario(
                uncertainty=[
                    {"parameter": "unit_cost", "intervention_type": "coach", "low": 0, "high": x}
                ]
            ),
            MAX_AMOUNT,
            "uncertainty[0].high",
        ),
        (
            lambda x: scenario(
                overrides=[{"parameter": "value_factor", "outcome": "werk", "value": x}]
            ),
            MAX_FACTOR,
            "overrides[0].value",
        ),
        (lambda x: scenario(parameters={"seed": x}), MAX_SEED, "parameters.seed"),
    ],
)
def test_every_amount_volume_factor_and_seed_has_an_upper_bound(document_at, limit, path):
    results = calculate_document(document_at(limit))
    assert engine.non_finite_numbers(results) == []
    errors = errors_of(document_at(limit * 2 if limit > 1 else limit + 1))
    assert list(errors) == [path]
    assert errors[path].startswith("Must lie between")


def test_a_ramp_up_longer_than_the_longest_horizon_is_refused():
    parse_scenario(scenario(outcomes=[outcome(ramp_up=[1.0] * MAX_RAMP_UP_YEARS)]))
    errors = errors_of(scenario(outcomes=[outcome(ramp_up=[1.0] * 1_000_000)]))
    assert list(errors) == ["catalogue.outcomes[0].ramp_up"]


def test_the_largest_scenario_the_bounds_allow_is_calculated_with_finite_figures():
    horizon = 30
    document = scenario(
        parameters={
            "horizon_years": horizon,
            "price_basis": "nominal",
            "cost_indexation": 0.2,
            "benefit_indexation": 0.2,
            "financing_rate": 0.2,
        },
        types=[intervention_type(unit_cost=MAX_AMOUNT, links={"werk": 1.0})],
        outcomes=[outcome(values=[value(amount=MAX_AMOUNT), value("huishouden", MAX_AMOUNT)])],
        intake_rows=[intake(year=START + t, households=MAX_HOUSEHOLDS) for t in range(horizon)],
        programme_costs=[
            {"category": "staff", "actor": "gemeente", "year": START + t, "amount": MAX_AMOUNT}
            for t in range(horizon)
        ],
        budget=[{"year": START + t, "amount": -MAX_AMOUNT} for t in range(horizon)],
        uncertainty=[
            {"parameter": "benefit_factor", "low": 0, "high": MAX_FACTOR},
            {"parameter": "cost_factor", "low": 0, "high": MAX_FACTOR},
            {"parameter": "value_factor", "outcome": "werk", "low": 0, "high": MAX_FACTOR},
            {"parameter": "unit_cost", "intervention_type": "coach", "low": 0, "high": MAX_AMOUNT},
        ],
    )
    results = calculate_document(document)
    assert engine.non_finite_numbers(results) == []
    json.dumps(results, allow_nan=False)


# --- results are finite before anything is stored ------------------------------------------------


def tiny_cost_document() -> dict:
    """Within every bound, but a cost of 1e−300 against benefits of a trillion: the multiplier
    is beyond the largest number."""
    return scenario(
        types=[intervention_type(unit_cost=1e-300)],
        outcomes=[outcome(values=[value(amount=MAX_AMOUNT)])],
    )


def test_a_result_that_is_not_finite_is_refused_naming_the_figure():
    with pytest.raises(ScenarioError) as caught:
        calculate_document(tiny_cost_document())
    assert caught.value.errors[0][0] == ""
    assert "kpis.multiplier_discounted" in caught.value.messages[0]


def test_the_engine_itself_refuses_figures_that_overflow():
    parsed = parse_scenario(scenario())
    inputs = parsed.inputs
    huge = type(inputs)(**{**inputs.__dict__, "value_amount": np.array([1.7e308])})
    with pytest.raises(engine.NonFiniteResult) as caught:
        engine.calculate(huge)
    # the first figure of the deterministic results, before any time goes into Monte Carlo
    assert caught.value.figure == "kpis.pv_benefits"


def test_non_finite_numbers_are_named_by_their_place():
    assert engine.non_finite_numbers({"a": [1.0, {"b": 2}], "c": 3}) == []
    document = {"a": [1.0, {"b": math.inf}], "c": math.nan}
    assert engine.non_finite_numbers(document) == ["a[1].b", "c"]


@pytest.mark.django_db
def test_a_calculation_job_with_a_figure_that_overflows_fails_with_the_message(user_for):
    from calculation import services
    from calculation.models import RunStatus

    document = {**tiny_cost_document(), "code": "klein"}
    version = services.scenario_import(document=document, user=user_for(Role.PROJECT_LEAD))
    run = services.run_start(version=version)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "kpis.multiplier_discounted" in run.error
    assert run.results is None


@pytest.mark.parametrize(
    "net",
    [
        [-1.7e308, 1.7e308, 1.7e308],
        [-1e300, 0.0, 0.0, 1e300],
        [-1.0, math.inf],
        [math.nan, 1.0, -1.0],
        [-5e-324, 5e-324],
    ],
)
def test_the_irr_never_fails(net):
    rate, count = engine.internal_rate_of_return(np.array(net))
    assert rate is None or math.isfinite(rate)
    assert count >= 0


@pytest.mark.parametrize(
    "values", [[5.0] * 10, [1e17] * 10, [1e300, 1e300], [-2.5e17, -2.5e17 + 64]]
)
def test_the_histogram_of_nearly_equal_large_values(values):
    histogram = engine._histogram(np.array(values))
    assert sum(histogram["counts"]) == len(values)
    assert all(np.diff(histogram["edges"]) > 0)


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
