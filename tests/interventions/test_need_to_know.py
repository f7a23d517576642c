"""Need to know: a policy officer sees and changes the households of their teams' wijken only.

Officer Noord works in the first wijk, the household ``foreign`` lives in the second: for Noord it
does not exist (404 on its pages and API, left out of lists, searches, the start page and exports,
an import that touches it is refused whole). The project lead reads every household; an officer
in no team sees none; a municipality-wide team sees all.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from interventions.followup import services as followup_services
from interventions.followup.importing import follow_up_import
from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import pseudonymise
from interventions.register.scopes import households_visible_to
from siex.accounts.roles import Role
from tests.factories import (
    HouseholdFactory,
    InterventionFactory,
    OutcomeFactory,
    UserFactory,
    team_of,
)
from tests.interventions.import_files import (
    HOUSEHOLD_HEADER,
    INTERVENTION_HEADER,
    csv_bytes,
    household_row,
    intervention_row,
    preview,
    register_snapshot,
    xlsx_bytes,
)
from tests.interventions.register_pages import household_form
from tests.two_factor import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(roles, groningen_areas, groningen_catalogue):
    own_area, foreign_area = groningen_areas[0], groningen_areas[1]
    noord = UserFactory(username="noord", role=Role.POLICY_OFFICER, teams=[team_of(own_area)])
    own = HouseholdFactory(area=own_area, participation_start=date(2023, 1, 1))
    foreign = HouseholdFactory(area=foreign_area, participation_start=date(2023, 1, 1))
    return {
        "officer": noord,
        "own": own,
        "foreign": foreign,
        "own_intervention": InterventionFactory(household=own),
        "foreign_intervention": InterventionFactory(household=foreign),
        "areas": groningen_areas,
    }


def signed_in(user) -> Client:
    """Signed in, past the second step where the role requires it."""
    return force_login_verified(Client(), user)


def test_the_selector_gives_each_role_its_scope(world):
    own, foreign, areas = world["own"], world["foreign"], world["areas"]
    assert list(households_visible_to(world["officer"])) == [own]
    lead = UserFactory(role=Role.PROJECT_LEAD)
    assert set(households_visible_to(lead)) == {own, foreign}
    loner = UserFactory(username="zonder-team", role=Role.POLICY_OFFICER, teams=[])
    assert not households_visible_to(loner).exists()  # deny by default
    wide = UserFactory(username="breed", role=Role.POLICY_OFFICER)  # municipality-wide team
    assert set(households_visible_to(wide)) == {own, foreign}
    for role in (Role.COUNCIL_MEMBER, Role.ADMINISTRATOR):
        outsider = UserFactory(role=role, teams=[team_of(areas[1], name=f"Team {role}")])
        assert not households_visible_to(outsider).exists()


def test_a_household_of_an_earlier_division_year_stays_in_the_wijk_of_its_team(world):
    """A team works in the wijken of the current division; a household registered under the same
    wijk code of an earlier year is still theirs."""
    from monitoring.models import Area

    current = world["areas"][0]
    municipality, _ = Area.objects.get_or_create(
        code=current.parent.code,
        level="gemeente",
        year=current.year - 1,
        defaults={"name": "Groningen"},
    )
    earlier, _ = Area.objects.get_or_create(
        code=current.code,
        level=current.level,
        year=current.year - 1,
        defaults={"name": current.name, "parent": municipality},
    )
    old = HouseholdFactory(area=earlier, participation_start=date(2020, 1, 1))
    assert old in households_visible_to(world["officer"])


def test_pages_answer_404_for_a_foreign_household(world):
    client = signed_in(world["officer"])
    foreign, own = world["foreign"], world["own"]
    own_intervention, foreign_intervention = (
        world["own_intervention"],
        world["foreign_intervention"],
    )
    for name, theirs, ours in [
        ("register:household", foreign.pk, own.pk),
        ("register:household-edit", foreign.pk, own.pk),
        ("register:intervention-new", foreign.pk, own.pk),
        ("register:intervention-edit", foreign_intervention.pk, own_intervention.pk),
        ("register:intervention-end", foreign_intervention.pk, own_intervention.pk),
        ("followup:survey-new", foreign.pk, own.pk),
        ("followup:event-new", foreign.pk, own.pk),
    ]:
        assert client.get(reverse(name, kwargs={"pk": theirs})).status_code == 404, name
        assert client.get(reverse(name, kwargs={"pk": ours})).status_code == 200, name


def test_an_edit_post_for_a_foreign_household_changes_nothing(world):
    client = signed_in(world["officer"])
    foreign = world["foreign"]
    url = reverse("register:household-edit", kwargs={"pk": foreign.pk})
    response = client.post(url, household_form(foreign, children=4))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.children != 4 and foreign.version == 1
    own = world["own"]
    url = reverse("register:household-edit", kwargs={"pk": own.pk})
    assert client.post(url, household_form(own, children=4)).status_code == 302
    # Moving a household to a wijk outside the team is refused (the wijk is not offered).
    own.refresh_from_db()
    response = client.post(url, household_form(own, area=world["areas"][1].pk))
    assert response.status_code == 200 and "area" in response.context["form"].errors
    own.refresh_from_db()
    assert own.area == world["areas"][0]


def test_the_follow_up_of_a_foreign_household_answers_404(world):
    foreign = world["foreign"]
    survey = followup_services.survey_create(
        household=foreign, wave=0, date=date(2023, 2, 1), stress=5
    )
    client = signed_in(world["officer"])
    for name in ("followup:survey-edit", "followup:survey-delete"):
        assert client.get(reverse(name, kwargs={"record": survey.pk})).status_code == 404
    response = client.post(
        reverse("followup:survey-delete", kwargs={"record": survey.pk}), {"version": survey.version}
    )
    assert response.status_code == 404
    assert type(survey).objects.filter(pk=survey.pk).exists()


def test_list_search_and_start_page_leave_a_foreign_household_out(world):
    client = signed_in(world["officer"])
    own, foreign = world["own"], world["foreign"]
    page = client.get(reverse("register:households")).content.decode()
    assert own.short_pseudonym in page and foreign.short_pseudonym not in page
    # Searching by the start of its pseudonym or by its wijk's name finds nothing.
    for text in (foreign.pseudonym[:8], world["areas"][1].name):
        response = client.post(reverse("register:households"), {"q": text}, follow=True)
        assert foreign.short_pseudonym not in response.content.decode(), text
    start = client.get(reverse("home")).content.decode()
    assert foreign.short_pseudonym not in start


def test_a_reference_search_does_not_find_a_foreign_household(world):
    reference = "WIJ-VREEMD-1"
    household = HouseholdFactory(
        pseudonym=pseudonymise(reference),
        area=world["areas"][1],
        participation_start=date(2023, 1, 1),
    )
    client = signed_in(world["officer"])
    response = client.post(
        "/api/v1/households/search/", {"reference": reference}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["results"] == []
    response = client.post(reverse("register:households"), {"q": reference}, follow=True)
    assert household.short_pseudonym not in response.content.decode()
    lead = signed_in(UserFactory(role=Role.PROJECT_LEAD))
    response = lead.post(
        "/api/v1/households/search/", {"reference": reference}, content_type="application/json"
    )
    assert [row["id"] for row in response.json()["results"]] == [household.pk]


def test_the_api_answers_404_for_a_foreign_household_and_lists_only_the_own(world):
    client = signed_in(world["officer"])
    own, foreign = world["own"], world["foreign"]
    listed = client.get("/api/v1/households/").json()["results"]
    assert [row["id"] for row in listed] == [own.pk]
    assert client.get(f"/api/v1/households/{foreign.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/households/{foreign.pk}/",
        {"version": foreign.version, "children": 3},
        content_type="application/json",
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.children != 3
    interventions = client.get("/api/v1/interventions/").json()["results"]
    assert [row["id"] for row in interventions] == [world["own_intervention"].pk]
    foreign_intervention = world["foreign_intervention"]
    assert client.get(f"/api/v1/interventions/{foreign_intervention.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/interventions/{foreign_intervention.pk}/",
        {"version": foreign_intervention.version, "notes": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    # Registering an intervention or follow-up for it: an unknown household.
    response = client.post(
        "/api/v1/interventions/",
        {
            "household": foreign.pk,
            "intervention_type": foreign_intervention.intervention_type.code,
            "start_date": "2024-02-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "household" in response.json()
    response = client.post(
        "/api/v1/surveys/",
        {"household": foreign.pk, "wave": 0, "date": "2023-02-01", "stress": 4},
        content_type="application/json",
    )
    assert response.status_code == 400 and "household" in response.json()
    # Registering a household in a wijk outside the team: an unknown wijk.
    response = client.post(
        "/api/v1/households/",
        {
            "external_reference": "WIJ-API-9",
            "area": world["areas"][1].code,
            "income_source": "bijstand",
            "debt_situation": "none",
            "participation_start": "2024-01-01",
            "legal_basis": "consent",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "area" in response.json()
    assert Intervention.objects.filter(household=foreign).count() == 1


def test_the_project_lead_reads_every_household(world):
    client = signed_in(UserFactory(role=Role.PROJECT_LEAD))
    for household in (world["own"], world["foreign"]):
        assert (
            client.get(reverse("register:household", kwargs={"pk": household.pk})).status_code
            == 200
        )
        assert client.get(f"/api/v1/households/{household.pk}/").status_code == 200
    listed = {row["id"] for row in client.get("/api/v1/households/").json()["results"]}
    assert listed == {world["own"].pk, world["foreign"].pk}


def test_an_officer_in_no_team_sees_no_household(world):
    client = signed_in(UserFactory(username="nieuw", role=Role.POLICY_OFFICER, teams=[]))
    assert client.get("/api/v1/households/").json()["results"] == []
    url = reverse("register:household", kwargs={"pk": world["own"].pk})
    assert client.get(url).status_code == 404


def test_the_export_holds_the_own_households_only(world):
    client = signed_in(world["officer"])
    response = client.get(
        reverse("imports:export"), {"content": "households", "file_format": "csv"}
    )
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert world["own"].pseudonym in content and world["foreign"].pseudonym not in content
    response = client.get(
        reverse("imports:export"), {"content": "interventions", "file_format": "csv"}
    )
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert world["own"].pseudonym in content and world["foreign"].pseudonym not in content


def _registered(reference, area):
    return HouseholdFactory(
        pseudonym=pseudonymise(reference), area=area, participation_start=date(2023, 1, 1)
    )


def test_an_import_touching_a_foreign_household_is_refused_whole(world):
    areas = world["areas"]
    _registered("WIJ-EIGEN-1", areas[0])
    _registered("WIJ-VREEMD-1", areas[1])
    data = xlsx_bytes(
        {
            "Huishoudens": [
                HOUSEHOLD_HEADER,
                household_row("WIJ-EIGEN-1", areas[0].code, kinderen="2"),
                household_row("WIJ-NIEUW-1", areas[0].code),
                household_row("WIJ-VREEMD-1", areas[1].code, kinderen="3"),
            ],
            "Interventies": [INTERVENTION_HEADER, intervention_row("WIJ-EIGEN-1")],
        }
    )
    before = register_snapshot()
    batch = preview(data, world["officer"], "register.xlsx")
    assert [(e["row"], e["column"]) for e in batch.errors] == [(4, "referentie")]
    assert "not in your teams' districts" in batch.errors[0]["message"]
    assert not batch.can_be_committed
    assert register_snapshot() == before


def test_an_import_of_interventions_for_a_foreign_household_is_refused(world):
    _registered("WIJ-VREEMD-2", world["areas"][1])
    data = csv_bytes([INTERVENTION_HEADER, intervention_row("WIJ-VREEMD-2")])
    batch = preview(data, world["officer"])
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "referentie")]
    assert "not in your teams' districts" in batch.errors[0]["message"]


def test_an_import_may_not_register_a_household_in_a_foreign_wijk(world):
    data = csv_bytes([HOUSEHOLD_HEADER, household_row("WIJ-NIEUW-2", world["areas"][1].code)])
    batch = preview(data, world["officer"])
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "wijk")]
    assert not Household.objects.filter(pseudonym=pseudonymise("WIJ-NIEUW-2")).exists()


def test_the_follow_up_import_does_not_reach_a_foreign_household(world):
    _registered("WIJ-VREEMD-3", world["areas"][1])
    outcome = OutcomeFactory()
    data = xlsx_bytes(
        {
            "Effecten": [
                ["referentie", "effect", "interventie", "datum", "bron", "notitie"],
                ["WIJ-VREEMD-3", outcome.code, "", "01-10-2024", "registratie", ""],
            ]
        }
    )
    result = follow_up_import(data=data, file_name="v.xlsx", user=world["officer"], commit=True)
    assert not result.written
    assert [(p.row, p.column) for p in result.problems] == [(2, "referentie")]


def test_the_change_history_shows_the_own_households_only(world):
    client = signed_in(world["officer"])
    page = client.get(reverse("audit:changes")).content.decode()
    assert world["own"].short_pseudonym in page
    assert world["foreign"].short_pseudonym not in page


def test_the_administrator_puts_officers_in_teams_and_only_officers(world):
    admin = signed_in(UserFactory(role=Role.ADMINISTRATOR))
    officer = UserFactory(username="nieuw-lid", role=Role.POLICY_OFFICER, teams=[])
    lead = UserFactory(username="lead", role=Role.PROJECT_LEAD)
    areas = world["areas"]
    assert officer.username in admin.get(reverse("register:teams")).content.decode()
    response = admin.post(
        reverse("register:team-new"),
        {"name": "WIJ-team Test", "areas": [areas[1].pk], "members": [officer.pk]},
    )
    assert response.status_code == 302
    assert list(households_visible_to(officer)) == [world["foreign"]]
    team = officer.teams.get()
    response = admin.post(
        reverse("register:team", kwargs={"pk": team.pk}),
        {"name": "WIJ-team Test", "areas": [areas[1].pk], "members": [officer.pk, lead.pk]},
    )
    assert response.status_code == 200  # the project lead is not offered: not an officer
    assert list(team.members.all()) == [officer]
    response = admin.post(
        reverse("register:team", kwargs={"pk": team.pk}),
        {"name": "WIJ-team Test", "municipality_wide": "on", "members": [officer.pk]},
    )
    assert response.status_code == 302
    fresh = type(officer).objects.get(pk=officer.pk)
    assert set(households_visible_to(fresh)) == {world["own"], world["foreign"]}
    account = admin.get(reverse("accounts:user", kwargs={"pk": officer.pk})).content.decode()
    assert "WIJ-team Test" in account


def test_the_account_form_offers_the_teams_of_a_policy_officer(world):
    from siex.accounts.selectors import account_state

    admin = signed_in(UserFactory(role=Role.ADMINISTRATOR))
    centrum = team_of(world["areas"][1], name="WIJ-team Centrum")
    response = admin.post(
        reverse("accounts:user-new"),
        {"username": "j.devries", "roles": [Role.POLICY_OFFICER.value], "teams": [centrum.pk]},
    )
    assert response.status_code == 200  # the one-time password page
    officer = type(world["officer"]).objects.get(username="j.devries")
    assert list(officer.teams.all()) == [centrum]
    assert list(households_visible_to(officer)) == [world["foreign"]]
    url = reverse("accounts:user", kwargs={"pk": officer.pk})
    assert admin.get(url).context["form"].initial["teams"] == [centrum]
    # An account without the policy officer role is in no team: refused, nothing saved.
    response = admin.post(
        url,
        {
            "roles": [Role.COUNCIL_MEMBER.value],
            "teams": [centrum.pk],
            "state": account_state(officer),
        },
    )
    assert response.status_code == 200 and "teams" in response.context["form"].errors
    officer = type(officer).objects.get(pk=officer.pk)
    assert officer.groups.get().name == Role.POLICY_OFFICER.value
    # Taking the officer out of every team: they see no household.
    response = admin.post(
        url, {"roles": [Role.POLICY_OFFICER.value], "state": account_state(officer)}
    )
    assert response.status_code == 302
    assert not households_visible_to(type(officer).objects.get(pk=officer.pk)).exists()
