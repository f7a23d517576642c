"""Catalogue writes (intervention types with outcome links, outcomes with values per actor,
activation, file upload) and the reads behind the register: change history, CSV and XLSX."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from interventions.catalogue import selectors, services
from interventions.catalogue.file import catalogue_dump
from interventions.catalogue.models import (
    Actor,
    BudgetLine,
    InterventionType,
    Outcome,
    OutcomeValue,
    ValueType,
)
from siex.core.versioning import ConflictError
from tests.factories import (
    ActorFactory,
    ActorGroupFactory,
    InterventionOutcomeFactory,
    InterventionTypeFactory,
    LifeDomainFactory,
    OutcomeFactory,
    OutcomeValueFactory,
)

pytestmark = pytest.mark.django_db


def type_fields(**changes):
    fields = {
        "code": "budgetcoaching-test",
        "name_nl": "Budgetcoaching",
        "name_en": "Budget coaching",
        "life_domain": LifeDomainFactory(),
        "unit_cost": Decimal("1500"),
        "paying_actor": ActorFactory(),
        "cost_source": "Schatting",
        "cost_confidence_grade": 5,
    }
    fields.update(changes)
    return fields


def outcome_fields(**changes):
    fields = {
        "code": "schuldenvrij-test",
        "name_nl": "Schuldenvrij",
        "name_en": "Debt free",
        "life_domain": LifeDomainFactory(),
        "confidence_grade": 4,
        "source": "Praktijkcijfers",
    }
    fields.update(changes)
    return fields


# --- intervention types ---------------------------------------------------------------------------


def test_an_intervention_type_is_created_with_its_outcome_links():
    first, second = OutcomeFactory(), OutcomeFactory()
    created = services.intervention_type_create(
        **type_fields(cost_share_year_1=Decimal("0.6"), cost_share_year_2=Decimal("0.4")),
        outcome_links=[
            {"outcome": first, "success_probability": Decimal("0.35"), "note": "schatting"},
            {"outcome": second, "success_probability": Decimal("0.1")},
        ],
    )
    assert created.cost_phasing == [Decimal("0.6"), Decimal("0.4")]
    links = {link.outcome_id: link.success_probability for link in created.outcome_links.all()}
    assert links == {first.pk: Decimal("0.35"), second.pk: Decimal("0.1")}


def test_record_and_row_errors_are_reported_together_and_nothing_is_saved():
    outcome = OutcomeFactory()
    other_actor = Actor.objects.create(
        code="rijk", name_nl="Rijk", name_en="State", group=ActorGroupFactory()
    )
    line = BudgetLine.objects.create(actor=other_actor, code="uwv", name_nl="UWV", name_en="UWV")
    with pytest.raises(ValidationError) as caught:
        services.intervention_type_create(
            **type_fields(cost_share_year_1=Decimal("0.5"), paying_budget_line=line),
            outcome_links=[
                {"outcome": outcome, "success_probability": Decimal("0.3")},
                {"outcome": outcome, "success_probability": Decimal("1.5")},
            ],
        )
    errors = caught.value.message_dict
    assert "must add up to exactly 1" in " ".join(errors["cost_share_year_1"])
    assert errors["paying_budget_line"] == ["This budget line belongs to another actor."]
    assert errors["outcome_links[1].success_probability"] == ["A probability cannot be above 1."]
    assert errors["outcome_links[1].outcome"] == ["This outcome is already linked in row 1."]
    assert not InterventionType.objects.filter(code="budgetcoaching-test").exists()


def test_an_update_changes_adds_and_removes_links_one_by_one_in_the_history():
    kept, removed, added = OutcomeFactory(), OutcomeFactory(), OutcomeFactory()
    intervention_type = InterventionTypeFactory()
    InterventionOutcomeFactory(intervention_type=intervention_type, outcome=kept)
    InterventionOutcomeFactory(intervention_type=intervention_type, outcome=removed)
    updated = services.intervention_type_update(
        intervention_type=intervention_type,
        expected_version=intervention_type.version,
        unit_cost=Decimal("2750"),
        outcome_links=[
            {"outcome": kept, "success_probability": Decimal("0.5")},
            {"outcome": added, "success_probability": Decimal("0.2")},
        ],
    )
    assert updated.version == intervention_type.version + 1
    assert updated.unit_cost == Decimal("2750")
    stored = {link.outcome_id: link.success_probability for link in updated.outcome_links.all()}
    assert stored == {kept.pk: Decimal("0.5"), added.pk: Decimal("0.2")}

    history = selectors.change_history(updated)
    actions = [(entry.action, entry.subject) for entry in history]
    assert any(action == "Removed" and removed.name_nl in subject for action, subject in actions)
    assert any(action == "Added" and added.name_nl in subject for action, subject in actions)
    unit_cost_change = next(
        change
        for entry in history
        for change in entry.changes
        if change["field"].startswith("Unit")
    )
    assert (unit_cost_change["old"], unit_cost_change["new"]) == (
        "EUR\u00a02.500,00",
        "EUR\u00a02.750,00",
    )
    probability = next(
        change for entry in history if kept.name_nl in entry.subject for change in entry.changes
    )
    assert (probability["old"], probability["new"]) == ("0,4", "0,5")  # the Dutch notation


def test_a_stale_version_is_a_conflict_and_changes_nothing():
    intervention_type = InterventionTypeFactory(provider="Eerste")
    stale_version = intervention_type.version
    services.intervention_type_update(
        intervention_type=intervention_type, expected_version=stale_version, provider="Tweede"
    )
    with pytest.raises(ConflictError) as caught:
        services.intervention_type_update(
            intervention_type=intervention_type,
            expected_version=stale_version,
            provider="Derde",
            outcome_links=[{"outcome": OutcomeFactory(), "success_probability": Decimal("0.1")}],
        )
    assert caught.value.current.provider == "Tweede"
    intervention_type.refresh_from_db()
    assert intervention_type.provider == "Tweede"
    assert not intervention_type.outcome_links.exists()


def test_an_invalid_link_refuses_the_whole_update():
    intervention_type = InterventionTypeFactory(provider="Eerste")
    with pytest.raises(ValidationError) as caught:
        services.intervention_type_update(
            intervention_type=intervention_type,
            expected_version=intervention_type.version,
            provider="Tweede",
            outcome_links=[{"outcome": OutcomeFactory(), "success_probability": Decimal("-0.1")}],
        )
    assert "outcome_links[0].success_probability" in caught.value.message_dict
    intervention_type.refresh_from_db()
    assert intervention_type.provider == "Eerste"
    assert intervention_type.version == 1


def test_the_code_and_unknown_fields_cannot_be_changed():
    intervention_type = InterventionTypeFactory()
    with pytest.raises(ValueError):
        services.intervention_type_update(
            intervention_type=intervention_type, expected_version=1, code="anders"
        )


def test_an_intervention_type_is_taken_out_of_use_and_back():
    intervention_type = InterventionTypeFactory()
    retired = services.intervention_type_set_active(
        intervention_type=intervention_type, expected_version=1, is_active=False
    )
    assert not retired.is_active
    with pytest.raises(ConflictError):
        services.intervention_type_set_active(
            intervention_type=intervention_type, expected_version=1, is_active=True
        )
    back = services.intervention_type_set_active(
        intervention_type=intervention_type, expected_version=retired.version, is_active=True
    )
    assert back.is_active


# --- outcomes -------------------------------------------------------------------------------------


def test_an_outcome_is_created_and_its_values_replaced():
    municipality = ActorFactory()
    household = Actor.objects.create(
        code="huishouden",
        name_nl="Huishouden",
        name_en="Household",
        group=ActorGroupFactory(code="participants", name_nl="Deelnemers"),
    )
    outcome = services.outcome_create(
        **outcome_fields(ramp_up=[0.5, 0.8], deadweight_pct=Decimal("12.5")),
        values=[
            {
                "actor": municipality,
                "value_type": ValueType.FISCAL_CASHABLE,
                "is_transfer": True,
                "annual_amount": Decimal("15600"),
            },
            {
                "actor": household,
                "value_type": ValueType.ECONOMIC,
                "annual_amount": Decimal("-15600"),
                "note": "tegenhanger",
            },
        ],
    )
    assert outcome.ramp_up == [0.5, 0.8]
    assert outcome.values.count() == 2

    updated = services.outcome_update(
        outcome=outcome,
        expected_version=outcome.version,
        duration_years=5,
        values=[
            {
                "actor": municipality,
                "value_type": ValueType.FISCAL_CASHABLE,
                "is_transfer": True,
                "annual_amount": Decimal("16000"),
            }
        ],
    )
    assert updated.duration_years == 5
    assert [(v.actor_id, v.annual_amount) for v in updated.values.all()] == [
        (municipality.pk, Decimal("16000"))
    ]
    value_history = [e for e in selectors.change_history(updated) if e.subject]
    assert {e.action for e in value_history} >= {"Added", "Changed", "Removed"}


def test_two_values_for_the_same_actor_and_type_are_refused():
    municipality = ActorFactory()
    row = {"actor": municipality, "value_type": "economic", "annual_amount": Decimal("1")}
    with pytest.raises(ValidationError) as caught:
        services.outcome_create(**outcome_fields(), values=[row, dict(row)])
    assert "values[1]" in caught.value.message_dict
    assert not Outcome.objects.filter(code="schuldenvrij-test").exists()


def test_outcome_assumptions_are_checked_by_the_model():
    outcome = OutcomeFactory()
    with pytest.raises(ValidationError) as caught:
        services.outcome_update(
            outcome=outcome,
            expected_version=outcome.version,
            deadweight_pct=Decimal("120"),
            ramp_up=[1.5],
            values=[{"actor": ActorFactory(), "value_type": "nonsense", "annual_amount": 1}],
        )
    errors = caught.value.message_dict
    assert errors["deadweight_pct"] == ["A percentage cannot be above 100."]
    assert "ramp_up" in errors
    assert "values[0].value_type" in errors
    outcome.refresh_from_db()
    assert outcome.deadweight_pct == Decimal("10")


def test_an_outcome_update_on_a_stale_version_is_a_conflict():
    outcome = OutcomeFactory(source="Eerste bron")
    services.outcome_update(outcome=outcome, expected_version=1, source="Tweede bron")
    with pytest.raises(ConflictError):
        services.outcome_update(outcome=outcome, expected_version=1, source="Derde bron")
    outcome.refresh_from_db()
    assert outcome.source == "Tweede bron"


def test_a_catalogue_file_is_loaded_all_or_nothing(groningen_catalogue):
    document = catalogue_dump()
    document["outcomes"][0]["deadweight_pct"] = 33
    report = services.catalogue_upload(document=document)
    assert report.updated["outcomes"] == 1
    assert Outcome.objects.get(code=document["outcomes"][0]["code"]).deadweight_pct == 33

    document["outcomes"][0]["deadweight_pct"] = 10
    document["outcomes"][1]["deadweight_pct"] = 400
    with pytest.raises(ValidationError):
        services.catalogue_upload(document=document)
    assert Outcome.objects.get(code=document["outcomes"][0]["code"]).deadweight_pct == 33


# --- reads ----------------------------------------------------------------------------------------


def test_the_filters_select_by_life_domain_and_grade(groningen_catalogue):
    debts = selectors.intervention_type_list(filters={"life_domain": "rondkomen"})
    assert debts and all(t.life_domain.code == "rondkomen" for t in debts)
    graded = selectors.outcome_list(filters={"grade": "5"})
    assert graded and all(o.confidence_grade == 5 for o in graded)
    assert (
        selectors.outcome_list(filters={"grade": "1"}).count()
        == Outcome.objects.filter(confidence_grade=1).count()
    )


def test_the_csv_and_xlsx_contain_every_row_and_no_formula():
    value = OutcomeValueFactory(note='=HYPERLINK("http://x")', annual_amount=Decimal("-1200.5"))
    OutcomeValueFactory(
        outcome=value.outcome,
        actor=Actor.objects.create(
            code="rijk", name_nl="Rijk", name_en="State", group=ActorGroupFactory()
        ),
    )
    content = selectors.table_csv(selectors.TABLES["waarderingen"], {})
    # The Dutch notation in every language: a decimal comma, so columns apart by semicolons.
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 1 + OutcomeValue.objects.count()
    by_note = {row[-1]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in by_note
    assert by_note['\'=HYPERLINK("http://x")'][-2] == "-1200,50"

    workbook = load_workbook(io.BytesIO(selectors.register_xlsx({})))
    sheet = workbook["Values per actor"]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == OutcomeValue.objects.count()
    notes = [row[-1] for row in cells]
    assert '\'=HYPERLINK("http://x")' in notes
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert -1200.5 in [row[-2] for row in cells]
    assert "Explanation of terms" in workbook.sheetnames


def test_a_code_that_is_taken_is_refused():
    existing = InterventionTypeFactory()
    with pytest.raises(ValidationError) as caught:
        services.intervention_type_create(**type_fields(code=existing.code))
    assert "code" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.outcome_create(**outcome_fields(code="Met Hoofdletters"))
    assert "code" in caught.value.message_dict
