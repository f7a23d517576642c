"""The policy officer's start page: besides the counters, their next tasks with a way onward."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from interventions.register.models import Intervention
from interventions.register.selectors import TASKS_SHOWN
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 5)


def text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def officer(client_for):
    client = client_for(Role.POLICY_OFFICER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


@pytest.fixture
def register(groningen_areas):
    """Households in every situation the tasks tell apart, on 5 December 2026."""
    area = groningen_areas[0]
    long_ago = timezone.make_aware(timezone.datetime(2026, 6, 1, 12, 0))
    with freeze_time(long_ago):
        made = {
            "nothing_yet": HouseholdFactory(area=area, participation_start=date(2026, 2, 1)),
            "quiet": HouseholdFactory(area=area, participation_start=date(2025, 1, 1)),
            "running": HouseholdFactory(area=area, participation_start=date(2025, 1, 1)),
            "ended_household": HouseholdFactory(
                area=area,
                participation_start=date(2024, 1, 1),
                participation_end=date(2026, 1, 1),
            ),
        }
        InterventionFactory(
            household=made["quiet"],
            start_date=date(2025, 2, 1),
            end_date=date(2025, 8, 1),
            status="completed",
        )
        made["overdue"] = InterventionFactory(
            household=made["running"],
            start_date=date(2025, 2, 1),
            end_date=date(2026, 11, 30),
            status="active",
        )
    made["recent"] = HouseholdFactory(area=area, participation_start=date(2025, 1, 1))
    with freeze_time(timezone.make_aware(timezone.datetime(2026, 11, 1, 12, 0))):
        # Ended a month ago: something happened in the last 90 days.
        InterventionFactory(
            household=made["recent"],
            start_date=date(2025, 3, 1),
            end_date=date(2026, 10, 31),
            status="completed",
        )
    return made


@freeze_time("2026-12-05 10:00")
def test_the_officer_sees_households_without_follow_up_and_overdue_interventions(officer, register):
    response = officer.get(reverse("home"))
    page = text(response)
    tasks = page[page.index("Uw volgende taken") :]
    assert "Huishoudens zonder opvolging" in tasks
    assert "de afgelopen 90 dagen geen interventie geregistreerd of gewijzigd" in tasks
    shown = tasks[: tasks.index("Interventies over de geplande einddatum")]
    # Longest in the programme first; the running, recent and ended households are not listed.
    assert shown.index(register["quiet"].short_pseudonym) < shown.index(
        register["nothing_yet"].short_pseudonym
    )
    for absent in ("running", "recent", "ended_household"):
        assert register[absent].short_pseudonym not in shown, absent
    overdue = register["overdue"]
    assert f"geplande einddatum {overdue.end_date:%d-%m-%Y}" in tasks
    end_url = reverse("register:intervention-end", kwargs={"pk": overdue.pk})
    assert f'href="{end_url}"' in response.content.decode()
    # A way onward from the counters too.
    assert "Huishoudens zoeken" in page and "Huishouden registreren" in page


@freeze_time("2026-12-05 10:00")
def test_the_lists_are_short_and_more_leads_to_the_register_filtered(officer, groningen_areas):
    HouseholdFactory.create_batch(
        TASKS_SHOWN + 2, area=groningen_areas[0], participation_start=date(2026, 1, 1)
    )
    with CaptureQueriesContext(connection) as queries:
        response = officer.get(reverse("home"))
    page = response.content.decode()
    listed = response.context["tasks"]["no_follow_up"]
    assert len(listed.rows) == TASKS_SHOWN and listed.has_more
    more = f"{reverse('register:households')}?task=no_follow_up&amp;ordering=participation_start"
    assert more in page
    assert "Alle huishoudens zonder opvolging" in page
    task_queries = [q["sql"] for q in queries.captured_queries if "NOT EXISTS" in q["sql"]]
    assert task_queries and all(f"LIMIT {TASKS_SHOWN + 1}" in sql for sql in task_queries)
    # The register shows the same households under that filter.
    listed_page = text(officer.get(unescape(more)))
    assert f"van {TASKS_SHOWN + 2}" in listed_page


@freeze_time("2026-12-05 10:00")
def test_the_register_filters_on_both_tasks(officer, register):
    url = reverse("register:households")
    no_follow_up = text(officer.get(url, {"task": "no_follow_up"}))
    assert register["quiet"].short_pseudonym in no_follow_up
    assert register["running"].short_pseudonym not in no_follow_up
    overdue = text(officer.get(url, {"task": "past_planned_end"}))
    assert register["running"].short_pseudonym in overdue
    assert register["quiet"].short_pseudonym not in overdue


def test_a_project_lead_gets_the_counters_but_not_the_officers_tasks(client_for, groningen_areas):
    HouseholdFactory(area=groningen_areas[0], participation_start=date(2025, 1, 1))
    response = client_for(Role.PROJECT_LEAD).get(reverse("home"))
    assert "tasks" not in response.context
    assert "Your next tasks" not in response.content.decode()


def test_with_nothing_to_do_the_page_says_so(officer, groningen_areas):
    household = HouseholdFactory(
        area=groningen_areas[0], participation_start=timezone.localdate() - timedelta(days=10)
    )
    InterventionFactory(household=household, start_date=household.participation_start)
    assert Intervention.objects.get().status == "active"
    page = text(officer.get(reverse("home")))
    assert "Elk deelnemend huishouden heeft opvolging." in page
    assert "Geen enkele interventie is over de geplande einddatum." in page
