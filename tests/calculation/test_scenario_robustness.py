"""No scenario file makes SIEX fail: every file is calculated or refused with a message that names
the field, by the reader (``parse_scenario``), the command line, the upload page and the API.

The files that used to end in a traceback are kept here by name, with the messages that name the
problem. Control characters and upper bounds are in ``test_scenario_bounds.py``; hypothesis feeds
the reader arbitrary JSON and valid files with fields replaced in ``test_scenario_properties.py``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from calculation.models import Scenario, ScenarioVersion
from calculation.scenario import (
    ScenarioError,
    calculate_document,
)
from siex.core.forms import json_document

from .scenario_cases import CONTROL, errors_of, raw_with_number, without
from .scenario_docs import intake, intervention_type, outcome, scenario, value

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


@pytest.mark.slow
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
