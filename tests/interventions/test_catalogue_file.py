"""The catalogue file: all rows or none, every error with its place, and loading twice is a
no-op."""

import copy
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from interventions.catalogue.file import catalogue_dump, catalogue_load
from interventions.catalogue.models import (
    Actor,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    Outcome,
    OutcomeValue,
)

pytestmark = pytest.mark.django_db

SMALL = {
    "format": "siex-catalogue",
    "version": 1,
    "life_domains": [
        {"code": "rondkomen", "name_nl": "Rondkomen", "name_en": "Making ends meet"},
        {"code": "meedoen", "name_nl": "Meedoen", "name_en": "Participation"},
    ],
    "life_domain_mappings": [
        {"framework": "Mobility Mentoring", "label": "geldzaken", "domain": "rondkomen"}
    ],
    "actors": [
        {
            "code": "gemeente",
            "name_nl": "Gemeente",
            "name_en": "Municipality",
            "sector": "government",
            "is_municipality": True,
            "budget_lines": [
                {"code": "buig", "name_nl": "Bijstand (BUIG)", "name_en": "Social assistance"}
            ],
        },
        {
            "code": "huishouden",
            "name_nl": "Huishouden",
            "name_en": "Household",
            "sector": "participants",
        },
    ],
    "outcomes": [
        {
            "code": "uitstroom-werk",
            "name_nl": "Uitstroom naar werk",
            "name_en": "Leaves bijstand for work",
            "life_domain": "meedoen",
            "lag_years": 1,
            "duration_years": 4,
            "drop_off_pct": 15,
            "deadweight_pct": 30,
            "attribution_pct": 10,
            "displacement_pct": 5,
            "ramp_up": [0.5],
            "confidence_grade": 5,
            "source": "Schatting (test)",
            "values": [
                {
                    "actor": "gemeente",
                    "budget_line": "buig",
                    "value_type": "fiscal_cashable",
                    "is_transfer": True,
                    "annual_amount": 15000,
                },
                {
                    "actor": "huishouden",
                    "value_type": "fiscal_cashable",
                    "is_transfer": True,
                    "annual_amount": -15000,
                },
                {"actor": "huishouden", "value_type": "economic", "annual_amount": 3000},
            ],
        }
    ],
    "intervention_types": [
        {
            "code": "basisbaan",
            "name_nl": "Basisbaan",
            "name_en": "Basic job",
            "life_domain": "meedoen",
            "unit_cost": 24000,
            "cost_phasing": [0.5, 0.5],
            "paying_actor": "gemeente",
            "paying_budget_line": "buig",
            "cost_source": "Schatting (test)",
            "cost_confidence_grade": 5,
            "outcomes": [{"outcome": "uitstroom-werk", "success_probability": 0.3}],
        }
    ],
}


def load(data):
    return catalogue_load(copy.deepcopy(data))


def snapshot():
    return json.dumps(catalogue_dump(), sort_keys=True)


def test_a_catalogue_file_creates_every_row():
    report = load(SMALL)
    assert LifeDomain.objects.count() == 2
    assert Actor.objects.get(code="gemeente").budget_lines.get().code == "buig"
    outcome = Outcome.objects.get(code="uitstroom-werk")
    assert outcome.ramp_up == [0.5]
    assert outcome.values.count() == 3
    basisbaan = InterventionType.objects.get(code="basisbaan")
    assert [float(s) for s in basisbaan.cost_phasing] == [0.5, 0.5]
    assert basisbaan.outcome_links.get().success_probability == Decimal("0.3")
    assert report.created["intervention_types"] == 1


def test_loading_the_same_file_twice_changes_nothing():
    load(SMALL)
    before = snapshot()
    versions = list(InterventionType.objects.values_list("version", flat=True))
    value_ids = list(OutcomeValue.objects.values_list("id", flat=True))
    report = load(SMALL)
    assert snapshot() == before
    assert list(InterventionType.objects.values_list("version", flat=True)) == versions
    assert list(OutcomeValue.objects.values_list("id", flat=True)) == value_ids
    assert not report.created and not report.updated


def test_a_changed_assumption_updates_the_row_and_its_version():
    load(SMALL)
    changed = copy.deepcopy(SMALL)
    changed["intervention_types"][0]["outcomes"][0]["success_probability"] = 0.35
    changed["intervention_types"][0]["unit_cost"] = 25000
    report = load(changed)
    basisbaan = InterventionType.objects.get(code="basisbaan")
    assert basisbaan.unit_cost == 25000
    assert basisbaan.version == 2
    assert float(InterventionOutcome.objects.get().success_probability) == pytest.approx(0.35)
    assert report.updated["intervention_types"] == 1


def test_dump_and_load_round_trip():
    load(SMALL)
    dumped = catalogue_dump()
    load(dumped)
    assert catalogue_dump() == dumped


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["outcomes"][0].update(deadweight_pct=120), "outcomes[0].deadweight_pct"),
        (
            lambda d: d["intervention_types"][0].update(cost_phasing=[0.5, 0.4]),
            "intervention_types[0].cost_phasing",
        ),
        (
            lambda d: d["intervention_types"][0]["outcomes"][0].update(success_probability=1.5),
            "intervention_types[0].outcomes[0].success_probability",
        ),
        (
            lambda d: d["intervention_types"][0].update(unit_cost=-1),
            "intervention_types[0].unit_cost",
        ),
        (
            lambda d: d["intervention_types"][0]["outcomes"][0].update(outcome="onbekend"),
            "intervention_types[0].outcomes[0].outcome",
        ),
        (lambda d: d["outcomes"][0].update(life_domain="geluk"), "outcomes[0].life_domain"),
        (
            lambda d: d["outcomes"][0]["values"][0].update(budget_line="wmo"),
            "outcomes[0].values[0].budget_line",
        ),
        (lambda d: d["outcomes"][0].pop("source"), "outcomes[0].source"),
        (lambda d: d["actors"][1].update(is_municipality=True), "actors[1]"),
        (lambda d: d["life_domains"].append(dict(d["life_domains"][0])), "life_domains"),
        (lambda d: d["actors"][0].update(is_municipality="false"), "actors[0].is_municipality"),
        (
            lambda d: d["intervention_types"][0].update(cost_phasing=[0.33333, 0.66667]),
            "intervention_types[0].cost_phasing",
        ),
        (
            lambda d: d["life_domain_mappings"].append(dict(d["life_domain_mappings"][0])),
            "life_domain_mappings",
        ),
    ],
)
def test_one_bad_row_refuses_the_whole_file_and_says_where(mutate, expected):
    bad = copy.deepcopy(SMALL)
    mutate(bad)
    with pytest.raises(ValidationError) as error:
        load(bad)
    assert any(message.startswith(expected) for message in error.value.messages), (
        error.value.messages
    )
    assert LifeDomain.objects.count() == 0
    assert Actor.objects.count() == 0
    assert InterventionType.objects.count() == 0


def test_a_bad_change_to_a_loaded_catalogue_leaves_it_as_it_was():
    load(SMALL)
    before = snapshot()
    bad = copy.deepcopy(SMALL)
    bad["outcomes"][0]["duration_years"] = 5
    bad["intervention_types"][0]["cost_phasing"] = [0.7]
    with pytest.raises(ValidationError):
        load(bad)
    assert snapshot() == before


def test_the_command_reports_invalid_json_with_its_position(tmp_path):
    broken = tmp_path / "catalogue.json"
    broken.write_text('{"format": "siex-catalogue",\n "version": 1,,}')
    with pytest.raises(CommandError, match="line 2"):
        call_command("load_catalogue", broken, stdout=io.StringIO())
    wrong = tmp_path / "other.json"
    wrong.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(CommandError, match="not a SIEX catalogue"):
        call_command("load_catalogue", wrong, stdout=io.StringIO())


def test_groningens_catalogue_loads_twice_without_change_and_states_its_sources():
    call_command("load_catalogue", stdout=io.StringIO())
    before = snapshot()
    out = io.StringIO()
    call_command("load_catalogue", stdout=out)
    assert snapshot() == before
    assert out.getvalue().startswith("Catalogue catalogue_groningen.json: nothing changed (")
    assert InterventionType.objects.filter(is_active=True).count() >= 15
    assert LifeDomain.objects.count() == 10
    assert Actor.objects.filter(is_municipality=True).count() == 1
    for outcome in Outcome.objects.prefetch_related("values"):
        assert outcome.source.strip()
        assert 1 <= outcome.confidence_grade <= 6
        # A transfer only moves money between actors: per outcome the transfers cancel out.
        transfers = sum(v.annual_amount for v in outcome.values.all() if v.is_transfer)
        assert transfers == 0, outcome.code
    for intervention_type in InterventionType.objects.all():
        assert intervention_type.cost_source.strip()
        assert intervention_type.outcome_links.exists(), intervention_type.code
