"""The catalogue pages: the assumptions register every role reads (and that holds no household
data), its filters and downloads, the detail pages with their change history, and the project
lead's maintenance with formsets, validation and optimistic locking."""

import csv
import io
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from interventions.catalogue import services
from interventions.catalogue.file import catalogue_dump
from interventions.catalogue.models import (
    Actor,
    InterventionOutcome,
    InterventionType,
    Outcome,
    OutcomeValue,
)
from interventions.catalogue.selectors import plain_number
from siex.accounts.roles import Role
from tests.access_matrix.catalogue import _formset, outcome_data, type_data
from tests.factories import HouseholdFactory, InterventionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client_for) -> Client:
    return client_for(Role.PROJECT_LEAD)


@pytest.fixture
def council(client_for) -> Client:
    return client_for(Role.COUNCIL_MEMBER)


def text(response) -> str:
    """The page's text without tags and with whitespace collapsed."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(html))


def summary(response) -> str:
    """The text of the error summary at the top of the page."""
    html = response.content.decode()
    assert 'class="error-summary"' in html
    part = html.split('class="error-summary"')[1].split("</div>")[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", part)))


def percent(fraction: Decimal) -> str:
    """A share as the form takes it: in percent."""
    return str(fraction * 100)


def link_rows(links: list[tuple[str, str]], initial: int = 0) -> dict:
    data = _formset("outcomes", [{"outcome": code, "success_probability": p} for code, p in links])
    data["outcomes-INITIAL_FORMS"] = str(initial)
    return data


def value_rows(values: list[dict], initial: int = 0) -> dict:
    data = _formset("values", values)
    data["values-INITIAL_FORMS"] = str(initial)
    return data


# --- the register ---------------------------------------------------------------------------------


def test_a_council_member_reads_every_assumption_and_no_household_data(
    council, groningen_catalogue, groningen_areas
):
    household = HouseholdFactory(area=groningen_areas[0])
    InterventionFactory(
        household=household,
        intervention_type=InterventionType.objects.get(code="budgetcoaching"),
        notes="geheime notitie",
    )
    response = council.get(reverse("catalogue:register"))
    assert response.status_code == 200
    page = text(response)
    for intervention_type in InterventionType.objects.all():
        assert intervention_type.name_nl in page
        assert intervention_type.cost_source in page
    for outcome in Outcome.objects.all():
        assert outcome.name_nl in page
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    assert "EUR 3.500,00" in page  # unit cost (the Dutch notation, in English too)
    assert "year 1: 60% year 2: 40%" in page  # cost phasing
    assert "Schuldenvrij na schuldregeling 55%" in page  # success probability
    assert gkb.provider in page
    voltijd = Outcome.objects.get(code="uitstroom-bijstand-voltijd-werk")
    assert voltijd.source in page
    assert "EUR 15.600,00" in page and "−EUR 17.600,00" in page  # values per actor
    assert "5 – estimate from national key figures" in page  # grade with its meaning
    # Each term is explained in plain words.
    assert "would have happened anyway" in page
    assert 'id="term-deadweight"' in response.content.decode()
    # No household data: no pseudonym, no notes, no registrations.
    assert household.pseudonym[:10] not in page
    assert "geheime notitie" not in page
    # The navigation links the register.
    assert f'href="{reverse("catalogue:register")}"' in response.content.decode()


def test_the_register_is_formatted_for_the_dutch_locale(council, groningen_catalogue):
    council.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = text(council.get(reverse("catalogue:register")))
    assert "EUR 3.500,00" in page
    assert "−EUR 17.600,00" in page


def test_the_register_filters_by_life_domain_and_confidence_grade(council, groningen_catalogue):
    page = text(council.get(reverse("catalogue:register"), {"life_domain": "gezondheid"}))
    assert "Gecombineerde leefstijlinterventie (GLI)" in page
    assert "Schuldregeling (GKB)" not in page
    assert "Gezondere leefstijl" in page
    assert "Uitstroom uit bijstand naar voltijds werk" not in page

    expert = Outcome.objects.filter(confidence_grade=6).first()
    estimate = Outcome.objects.filter(confidence_grade=5).first()
    page = text(council.get(reverse("catalogue:register"), {"grade": "6"}))
    assert f"{expert.name_nl} " in page
    assert estimate.name_nl not in page


def test_an_unknown_filter_value_is_explained(council, groningen_catalogue):
    response = council.get(reverse("catalogue:register"), {"grade": "9"})
    assert response.status_code == 200
    assert "Select a valid choice" in summary(response)


def test_the_downloads_contain_every_row(council, groningen_catalogue):
    for slug, model in (
        ("interventies", InterventionType),
        ("slagingskansen", InterventionOutcome),
        ("effecten", Outcome),
        ("waarderingen", OutcomeValue),
    ):
        response = council.get(reverse("catalogue:download-csv", kwargs={"table": slug}))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == 1 + model.objects.count(), slug

    response = council.get(reverse("catalogue:download-xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    interventions = workbook["Interventions"]
    names = [row[1] for row in interventions.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(InterventionType.objects.values_list("name_nl", flat=True))
    assert workbook["Outcomes"].max_row == 1 + Outcome.objects.count()

    response = council.get(reverse("catalogue:download-json"))
    assert json.loads(response.content) == catalogue_dump()


def test_the_csv_download_follows_the_filter_and_the_dutch_locale(council, groningen_catalogue):
    council.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = council.get(
        reverse("catalogue:download-csv", kwargs={"table": "interventies"}),
        {"life_domain": "rondkomen"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) - 1 == InterventionType.objects.filter(life_domain__code="rondkomen").count()
    gkb = next(row for row in rows if row[0] == "gkb-schuldregeling")
    assert "3500,00" in gkb
    assert "60" in gkb and "40" in gkb


def test_an_unknown_table_is_not_found(council):
    response = council.get(reverse("catalogue:download-csv", kwargs={"table": "huishoudens"}))
    assert response.status_code == 404


def test_the_detail_pages_show_the_assumptions(council, groningen_catalogue):
    page = text(council.get(reverse("catalogue:type", kwargs={"code": "gkb-schuldregeling"})))
    assert "Gemeentelijke Kredietbank Groningen (GKB)" in page
    assert "Schuldenvrij na schuldregeling" in page and "55%" in page
    assert "Change history" in page
    assert "Edit" not in page  # a council member reads, but does not maintain

    url = reverse("catalogue:outcome", kwargs={"code": "uitstroom-bijstand-voltijd-werk"})
    page = text(council.get(url))
    assert "Deadweight 40%" in page
    assert "year 1: 50%" in page  # ramp-up
    assert "Schuldregeling (GKB)" in page  # interventions that can bring it
    assert "fiscal, cashable" in page


# --- maintenance ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.COUNCIL_MEMBER, Role.ADMINISTRATOR])
def test_only_the_project_lead_reaches_the_edit_pages(client_for, role, groningen_catalogue):
    client = client_for(role)
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    urls = [
        reverse("catalogue:type-new"),
        reverse("catalogue:type-edit", kwargs={"code": gkb.code}),
        reverse("catalogue:type-active", kwargs={"code": gkb.code}),
        reverse("catalogue:outcome-new"),
        reverse("catalogue:outcome-edit", kwargs={"code": "huisuitzetting-voorkomen"}),
        reverse("catalogue:upload"),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("catalogue:type-edit", kwargs={"code": gkb.code}),
        {**type_data(gkb, provider="Iemand anders"), **link_rows([])},
    )
    assert response.status_code == 403
    gkb.refresh_from_db()
    assert gkb.provider != "Iemand anders"
    assert gkb.outcome_links.count() == 10


def test_the_project_lead_creates_an_intervention_type_with_outcomes(lead, groningen_catalogue):
    template = InterventionType.objects.get(code="budgetcoaching")
    data = type_data(
        template,
        code="schuldenwijzer",
        name_nl="Schuldenwijzer",
        unit_cost="1.250,50",
        cost_share_year_1="70",
        cost_share_year_2="30 %",
    )
    del data["version"]
    data.update(
        link_rows([("schulden-gestabiliseerd", "40"), ("minder-stress-meer-welbevinden", "25%")])
    )
    response = lead.post(reverse("catalogue:type-new"), data)
    assert response.status_code == 302
    created = InterventionType.objects.get(code="schuldenwijzer")
    assert response["Location"] == reverse("catalogue:type", kwargs={"code": "schuldenwijzer"})
    assert created.unit_cost == Decimal("1250.50")
    assert created.cost_phasing == [Decimal("0.7"), Decimal("0.3")]
    links = {link.outcome.code: link.success_probability for link in created.outcome_links.all()}
    assert links == {
        "schulden-gestabiliseerd": Decimal("0.4"),
        "minder-stress-meer-welbevinden": Decimal("0.25"),
    }
    assert "was added to the catalogue" in text(lead.get(response["Location"]))


def test_the_project_lead_edits_a_type_and_the_change_history_shows_it(
    lead, council, groningen_catalogue
):
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    kept = [
        (link.outcome.code, percent(link.success_probability)) for link in gkb.outcome_links.all()
    ]
    # Change the first link's probability, drop the last link.
    old = gkb.outcome_links.all()[0].success_probability
    kept[0] = (kept[0][0], "90")
    dropped = kept.pop()
    data = {**type_data(gkb, unit_cost="3750"), **link_rows(kept, initial=len(kept))}
    response = lead.post(reverse("catalogue:type-edit", kwargs={"code": gkb.code}), data)
    assert response.status_code == 302, summary(response)
    gkb.refresh_from_db()
    assert gkb.unit_cost == Decimal("3750")
    assert gkb.version == 2
    links = {link.outcome.code: link.success_probability for link in gkb.outcome_links.all()}
    assert links[kept[0][0]] == Decimal("0.9")
    assert dropped[0] not in links

    page = text(council.get(reverse("catalogue:type", kwargs={"code": gkb.code})))
    history = page[page.index("Change history") :]
    assert "test-projectleider" in history
    assert "Unit cost (EUR per household) : EUR 3.500,00 → EUR 3.750,00" in history
    assert f"Success probability : {plain_number(Decimal(old))} → 0,9" in history
    assert "Removed" in history


def test_invalid_input_shows_the_errors_and_saves_nothing(lead, groningen_catalogue):
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    links = [(link.outcome.code, "50") for link in gkb.outcome_links.all()]
    links.append((links[0][0], "150"))
    data = {
        **type_data(gkb, cost_share_year_1="50", cost_share_year_2="40", unit_cost="1,500"),
        **link_rows(links, initial=len(links) - 1),
    }
    response = lead.post(reverse("catalogue:type-edit", kwargs={"code": gkb.code}), data)
    assert response.status_code == 200
    errors = summary(response)
    # "1,500" is one euro fifty with a decimal too many, not fifteen hundred.
    assert "An amount has at most two digits after the comma" in errors
    assert "row 11: Success probability (%): Enter 100% or less." in errors
    # The record's own rules speak in the same pass, about what could be read.
    assert "add up to 90,00%; they must add up to exactly 100%" in errors
    gkb.refresh_from_db()
    assert gkb.version == 1 and gkb.unit_cost == Decimal("3500")

    # Fields fine, but the record is not: the model's messages at the field and in the summary.
    links[-1] = (links[0][0], "15")
    data = {
        **type_data(gkb, cost_share_year_1="50", cost_share_year_2="40"),
        **link_rows(links, initial=len(links) - 1),
    }
    response = lead.post(reverse("catalogue:type-edit", kwargs={"code": gkb.code}), data)
    assert response.status_code == 200
    errors = summary(response)
    assert "they must add up to exactly 100%" in errors
    assert "This outcome is already linked in row 1." in errors
    html = response.content.decode()
    assert 'id="id_cost_share_year_1_error"' in html
    assert 'id="id_outcomes-10-outcome_error"' in html
    # What was typed stays in the form.
    assert 'name="cost_share_year_1" value="50"' in html
    gkb.refresh_from_db()
    assert gkb.version == 1 and gkb.cost_share_year_1 == Decimal("0.6")
    assert gkb.outcome_links.count() == 10


def test_a_version_conflict_keeps_the_stored_record_and_the_users_input(lead, groningen_catalogue):
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    links = [
        (link.outcome.code, percent(link.success_probability)) for link in gkb.outcome_links.all()
    ]
    form_as_read = {**type_data(gkb, provider="Mijn aanbieder"), **link_rows(links, len(links))}
    # Someone else saves first.
    services.intervention_type_update(
        intervention_type=gkb, expected_version=1, provider="Andermans aanbieder"
    )
    response = lead.post(reverse("catalogue:type-edit", kwargs={"code": gkb.code}), form_as_read)
    assert response.status_code == 409
    page = text(response)
    assert "Your changes were not saved: someone else changed this record" in page
    assert "Andermans aanbieder" in page  # the stored value
    html = response.content.decode()
    assert 'value="Mijn aanbieder"' in html  # the user's input, kept
    assert 'name="version" value="2"' in html  # based on the stored version now
    gkb.refresh_from_db()
    assert gkb.provider == "Andermans aanbieder"

    # Saving again applies the input knowingly over the other change.
    form_again = {**form_as_read, "version": "2"}
    response = lead.post(reverse("catalogue:type-edit", kwargs={"code": gkb.code}), form_again)
    assert response.status_code == 302
    gkb.refresh_from_db()
    assert gkb.provider == "Mijn aanbieder" and gkb.version == 3


def test_the_project_lead_creates_and_edits_an_outcome_with_values(lead, groningen_catalogue):
    template = Outcome.objects.get(code="huisuitzetting-voorkomen")
    data = outcome_data(
        template, code="minder-zorgkosten", name_nl="Minder zorgkosten", ramp_up="50; 80%"
    )
    del data["version"]
    data.update(
        value_rows(
            [
                {"actor": "gemeente", "value_type": "fiscal_cashable", "annual_amount": "1200"},
                {
                    "actor": "zorgverzekeraars",
                    "value_type": "fiscal_non_cashable",
                    "annual_amount": "€ 350,75",
                    "is_transfer": "on",
                    "note": "Schatting",
                },
            ]
        )
    )
    response = lead.post(reverse("catalogue:outcome-new"), data)
    assert response.status_code == 302, summary(response)
    outcome = Outcome.objects.get(code="minder-zorgkosten")
    assert outcome.ramp_up == [0.5, 0.8]
    values = {v.actor.code: (v.annual_amount, v.is_transfer) for v in outcome.values.all()}
    assert values == {
        "gemeente": (Decimal("1200"), False),
        "zorgverzekeraars": (Decimal("350.75"), True),
    }

    edit = reverse("catalogue:outcome-edit", kwargs={"code": outcome.code})
    page = lead.get(edit).content.decode()
    assert 'name="ramp_up" value="50; 80"' in page  # in percent
    data = outcome_data(outcome, deadweight_pct="25,5", ramp_up="")
    data.update(
        value_rows(
            [
                {"actor": "gemeente", "value_type": "fiscal_cashable", "annual_amount": "1300"},
                {
                    "actor": "zorgverzekeraars",
                    "value_type": "fiscal_non_cashable",
                    "annual_amount": "350,75",
                    "DELETE": "on",
                },
            ],
            initial=2,
        )
    )
    response = lead.post(edit, data)
    assert response.status_code == 302, summary(response)
    outcome.refresh_from_db()
    assert outcome.deadweight_pct == Decimal("25.5") and outcome.ramp_up == []
    assert [(v.actor.code, v.annual_amount) for v in outcome.values.all()] == [
        ("gemeente", Decimal("1300"))
    ]
    history = text(lead.get(reverse("catalogue:outcome", kwargs={"code": outcome.code})))
    assert f"Deadweight (%) : {plain_number(template.deadweight_pct)} → 25,5" in history


def test_a_bad_ramp_up_and_values_are_explained_and_nothing_is_saved(lead, groningen_catalogue):
    outcome = Outcome.objects.get(code="huisuitzetting-voorkomen")
    stored_values = outcome.values.count()
    data = outcome_data(outcome, ramp_up="half; 80", deadweight_pct="150")
    data.update(
        value_rows(
            [
                {"actor": "gemeente", "value_type": "economic", "annual_amount": "10"},
                {"actor": "gemeente", "value_type": "economic", "annual_amount": "20"},
            ]
        )
    )
    response = lead.post(reverse("catalogue:outcome-edit", kwargs={"code": outcome.code}), data)
    assert response.status_code == 200
    assert "Write the ramp-up as percentages between 0 and 100 separated by semicolons" in (
        summary(response)
    )
    # With the ramp-up fixed, the service's checks speak: percentages and duplicate rows.
    data["ramp_up"] = "50"
    response = lead.post(reverse("catalogue:outcome-edit", kwargs={"code": outcome.code}), data)
    errors = summary(response)
    assert "A percentage cannot be above 100." in errors
    assert "Row 1 already values this outcome for the same actor" in errors
    outcome.refresh_from_db()
    assert outcome.version == 1 and outcome.values.count() == stored_values


def test_an_outcome_conflict_shows_the_stored_values(lead, groningen_catalogue):
    outcome = Outcome.objects.get(code="huisuitzetting-voorkomen")
    data = {**outcome_data(outcome, source="Mijn bron"), **value_rows([])}
    services.outcome_update(outcome=outcome, expected_version=1, source="Andere bron")
    response = lead.post(reverse("catalogue:outcome-edit", kwargs={"code": outcome.code}), data)
    assert response.status_code == 409
    page = text(response)
    assert "Andere bron" in page and "Values stored now" in page
    outcome.refresh_from_db()
    assert outcome.source == "Andere bron" and outcome.values.exists()


def test_a_type_is_taken_out_of_use_and_back(lead, groningen_catalogue, groningen_areas):
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    InterventionFactory(household=HouseholdFactory(area=groningen_areas[0]), intervention_type=gkb)
    url = reverse("catalogue:type-active", kwargs={"code": gkb.code})
    page = text(lead.get(url))
    assert "1 registered intervention uses this type." in page
    assert "cannot be deleted" in page
    response = lead.post(url, {"version": 1})
    assert response.status_code == 302
    gkb.refresh_from_db()
    assert not gkb.is_active
    assert "not in use" in text(lead.get(reverse("catalogue:type", kwargs={"code": gkb.code})))
    # A stale confirmation changes nothing.
    lead.post(url, {"version": 1})
    gkb.refresh_from_db()
    assert not gkb.is_active
    lead.post(url, {"version": gkb.version})
    gkb.refresh_from_db()
    assert gkb.is_active


def test_a_catalogue_file_is_uploaded_or_refused_with_its_errors(lead, groningen_catalogue):
    document = catalogue_dump()
    document["outcomes"][0]["deadweight_pct"] = 35
    upload = SimpleUploadedFile("catalogus.json", json.dumps(document).encode())
    response = lead.post(reverse("catalogue:upload"), {"file": upload})
    assert response.status_code == 302
    assert Outcome.objects.get(code=document["outcomes"][0]["code"]).deadweight_pct == 35
    assert "outcomes: 0 new, 1 changed" in text(lead.get(response["Location"]))

    document["outcomes"][0]["deadweight_pct"] = 10
    document["actors"][0]["budget_lines"][0]["code"] = "Ongeldig!"
    document["intervention_types"][0]["cost_phasing"] = [0.5, 0.4]
    upload = SimpleUploadedFile("catalogus.json", json.dumps(document).encode())
    response = lead.post(reverse("catalogue:upload"), {"file": upload})
    assert response.status_code == 200
    errors = summary(response)
    assert "actors[0].budget_lines[0].code" in errors
    assert "intervention_types[0].cost_phasing" in errors
    assert Outcome.objects.get(code=document["outcomes"][0]["code"]).deadweight_pct == 35

    upload = SimpleUploadedFile("catalogus.json", b"{not json")
    response = lead.post(reverse("catalogue:upload"), {"file": upload})
    assert "The file is not valid JSON" in summary(response)


def test_the_edit_pages_say_that_fixed_scenarios_do_not_change(lead, groningen_catalogue):
    for url in (
        reverse("catalogue:type-new"),
        reverse("catalogue:type-edit", kwargs={"code": "budgetcoaching"}),
        reverse("catalogue:outcome-edit", kwargs={"code": "huisuitzetting-voorkomen"}),
    ):
        assert "never a version fixed (vastgesteld) for the council" in text(lead.get(url))


def test_a_budget_line_must_belong_to_the_paying_actor(lead, groningen_catalogue):
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    other = Actor.objects.get(code="rijk").budget_lines.first()
    links = [
        (link.outcome.code, percent(link.success_probability)) for link in gkb.outcome_links.all()
    ]
    data = {**type_data(gkb, paying_budget_line=other.pk), **link_rows(links, len(links))}
    response = lead.post(reverse("catalogue:type-edit", kwargs={"code": gkb.code}), data)
    assert "This budget line belongs to another actor." in summary(response)
