"""The register list: searching without a reference in any address, filters, paging without
counting the whole register, and what a project lead may do there."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.register.models import Household
from interventions.register.pseudonyms import pseudonymise
from interventions.register.selectors import REGISTER_COUNT_CAP
from siex.accounts.roles import Role
from siex.audit.masks import SEARCH_REFUSED
from siex.audit.models import AccessLogEntry
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory
from tests.interventions.register_pages import LIST, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client_for):
    return client_for(Role.POLICY_OFFICER)


@pytest.fixture
def districts(groningen_areas):
    return {area.code: area for area in groningen_areas}


# --- The list ---------------------------------------------------------------------------------


def test_search_by_own_reference_goes_by_post_and_the_address_carries_the_pseudonym(
    officer, districts
):
    wanted = HouseholdFactory(pseudonym=pseudonymise("WIJ-2024-00123"), area=districts["WK001401"])
    other = HouseholdFactory(area=districts["WK001401"])
    response = officer.post(LIST, {"q": "wij-2024-00123", "area": districts["WK001401"].pk})
    assert response.status_code == 302
    location = response["Location"]
    assert "2024" not in location.lower()
    assert location == f"{LIST}?q={wanted.pseudonym}&area={districts['WK001401'].pk}"
    page = shown(officer.get(location))
    assert wanted.short_pseudonym in page and other.short_pseudonym not in page
    assert "WIJ-2024-00123" not in str(Household.objects.values_list().get(pk=wanted.pk))
    assert "2024-00123" not in str(list(AccessLogEntry.objects.values()))


def test_an_address_with_a_reference_finds_nothing(officer, districts):
    """A reference in an address (an old bookmark, a hand-made link) is not looked up."""
    HouseholdFactory(pseudonym=pseudonymise("WIJ-2024-00123"), area=districts["WK001401"])
    assert "No household matches this search." in shown(officer.get(LIST, {"q": "WIJ-2024-00123"}))


def test_htmx_search_answers_the_results_and_pushes_the_safe_address(officer, districts):
    wanted = HouseholdFactory(pseudonym=pseudonymise("WIJ-2024-00123"), area=districts["WK001401"])
    response = officer.post(
        LIST,
        {"q": "WIJ-2024-00123", "ordering": "pseudonym"},
        headers={"HX-Request": "true", "HX-Target": "register-results"},
    )
    assert response.status_code == 200
    assert wanted.short_pseudonym in shown(response) and "<form" not in shown(response)
    assert response["HX-Push-Url"] == f"{LIST}?q={wanted.pseudonym}&ordering=pseudonym"


def test_a_reference_without_a_household_is_answered_without_a_new_address(officer, districts):
    HouseholdFactory(area=districts["WK001401"])
    response = officer.post(LIST, {"q": "2024001234"})
    assert response.status_code == 200
    assert "No household matches this search." in shown(response)
    assert (
        "2024001234" not in response.get("HX-Push-Url", "") and response["HX-Push-Url"] == "false"
    )
    assert "2024001234" not in str(list(AccessLogEntry.objects.values()))
    assert AccessLogEntry.objects.get().query["text"] == "***"


def test_a_wijk_name_or_pseudonym_start_stays_in_the_address_and_paging_keeps_it(
    officer, districts
):
    households = [HouseholdFactory(area=districts["WK001402"]) for _ in range(55)]
    name = districts["WK001402"].name
    response = officer.post(LIST, {"q": name[:5], "ordering": "pseudonym"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?q={name[:5]}&ordering=pseudonym"
    first = officer.get(response["Location"])
    assert f"?q={name[:5]}&amp;ordering=pseudonym&amp;page=2" in shown(first)
    prefix = households[0].pseudonym[:6]
    response = officer.post(LIST, {"q": prefix.upper()})
    assert response["Location"] == f"{LIST}?q={prefix}"


def test_the_search_form_is_posted_with_a_csrf_token(officer, districts):
    page = shown(officer.get(LIST))
    form = page[
        page.index('role="search"') - 200 : page.index("</form>", page.index('role="search"'))
    ]
    assert 'method="post"' in form and 'hx-post="' in form and "csrfmiddlewaretoken" in form


@pytest.mark.parametrize("bsn", ["123456782", "1234.56.782", " 111 222 333 "])
@pytest.mark.parametrize("method", ["post", "get"])
def test_a_bsn_is_refused_searches_nothing_and_is_not_logged(officer, districts, bsn, method):
    household = HouseholdFactory(area=districts["WK001401"], pseudonym="123456782" + "a" * 55)
    response = getattr(officer, method)(LIST, {"q": bsn})
    assert response.status_code == 200
    page = shown(response)
    assert "Search: This looks like a citizen service number (BSN)" in page
    assert "Nothing was searched." in page
    assert household.short_pseudonym not in page
    assert 'aria-invalid="true"' in page
    assert 'name="q" id="id_q" value=""' in page  # not echoed back into the search box
    if method == "post":
        assert bsn.strip() not in page
    (entry,) = AccessLogEntry.objects.values()
    assert entry["action"] == "search" and entry["result_count"] == 0
    assert entry["query"] == {"text": SEARCH_REFUSED}
    digits = re.sub(r"\D", "", bsn)
    assert not re.search(r"\d{9}", str(entry)), entry
    assert digits not in str(entry)


def test_filters_combine(officer, districts):
    debt_help = InterventionTypeFactory(code="schuldhulp-test")
    match = HouseholdFactory(
        area=districts["WK001401"], income_source="work", debt_situation="problematic"
    )
    InterventionFactory(household=match, intervention_type=debt_help)
    wrong_area = HouseholdFactory(
        area=districts["WK001402"], income_source="work", debt_situation="problematic"
    )
    InterventionFactory(household=wrong_area, intervention_type=debt_help)
    no_intervention = HouseholdFactory(
        area=districts["WK001401"], income_source="work", debt_situation="problematic"
    )
    ended = HouseholdFactory(
        area=districts["WK001401"],
        income_source="work",
        debt_situation="problematic",
        participation_end=date(2023, 6, 30),
    )
    InterventionFactory(household=ended, intervention_type=debt_help)
    response = officer.get(
        LIST,
        {
            "area": districts["WK001401"].pk,
            "income_source": "work",
            "debt_situation": "problematic",
            "participation": "participating",
            "intervention_type": debt_help.pk,
        },
    )
    page = shown(response)
    assert match.short_pseudonym in page
    for excluded in (wrong_area, no_intervention, ended):
        assert excluded.short_pseudonym not in page
    assert "Households 1 to 1" in page


def test_pages_do_not_overlap_and_sorting_is_stable(officer, districts):
    households = [
        HouseholdFactory(area=districts["WK001401"], participation_start=date(2023, 1, 1))
        for _ in range(60)
    ]
    first = shown(officer.get(LIST, {"ordering": "participation_start"}))
    second = shown(officer.get(LIST, {"ordering": "participation_start", "page": 2}))
    on_first = {h.short_pseudonym for h in households if h.short_pseudonym in first}
    on_second = {h.short_pseudonym for h in households if h.short_pseudonym in second}
    assert len(on_first) == 50 and len(on_second) == 10
    assert not on_first & on_second
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_the_list_never_counts_the_whole_register(officer, districts):
    HouseholdFactory.create_batch(3, area=districts["WK001401"])
    with CaptureQueriesContext(connection) as queries:
        assert officer.get(LIST).status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    household_counts = [sql for sql in counts if "interventions_household" in sql]
    assert household_counts, "the list shows how many households match"
    assert all(f"LIMIT {REGISTER_COUNT_CAP + 1}" in sql for sql in household_counts)


def test_more_than_the_cap_is_said_as_such(officer, districts, monkeypatch):
    monkeypatch.setattr("interventions.register.selectors.REGISTER_COUNT_CAP", 2)
    HouseholdFactory.create_batch(3, area=districts["WK001401"])
    assert "of more than 2" in shown(officer.get(LIST))


def test_htmx_gets_only_the_results(officer, districts):
    household = HouseholdFactory(area=districts["WK001401"])
    response = officer.get(LIST, headers={"HX-Request": "true", "HX-Target": "register-results"})
    body = shown(response)
    assert household.short_pseudonym in body
    assert "<html" not in body and 'id="register-results"' not in body


def test_a_project_lead_reads_but_gets_no_buttons_to_change(client_for, districts):
    household = HouseholdFactory(area=districts["WK001401"])
    client = client_for(Role.PROJECT_LEAD)
    assert "Register a household" not in shown(client.get(LIST))
    page = shown(client.get(reverse("register:household", kwargs={"pk": household.pk})))
    assert household.pseudonym in page
    assert "Add an intervention" not in page


def test_the_list_reads_the_roles_and_each_filter_list_once(officer, districts):
    coaching = InterventionTypeFactory()
    household = HouseholdFactory(area=districts["WK001401"])
    InterventionFactory(household=household, intervention_type=coaching)
    address = LIST + "?" + f"area={districts['WK001401'].pk}&intervention_type={coaching.pk}"
    with CaptureQueriesContext(connection) as queries:
        response = officer.get(address)
    assert response.status_code == 200
    assert household.short_pseudonym in shown(response)
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if '"auth_user_groups"."user_id"' in s and "auth_group" in s]) == 1
    types = [s for s in sql if s.startswith('SELECT "interventions_interventiontype"."id"')]
    areas = [s for s in sql if s.startswith('SELECT "monitoring_area"."id"')]
    assert len(types) == 1 and len(areas) == 1  # the options and the chosen value: one query


def test_a_filter_value_that_is_not_an_option_filters_nothing(officer, districts):
    household = HouseholdFactory(area=districts["WK001401"])
    response = officer.get(LIST + "?area=999999")
    assert response.status_code == 200
    assert household.short_pseudonym in shown(response)
