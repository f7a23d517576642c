"""Retention of participation data: the term, consent withdrawal, anonymising, deleting."""

import json
import logging
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Sum
from freezegun import freeze_time

from interventions.register import services as register_services
from interventions.register.models import (
    Household,
    Intervention,
    InterventionStatus,
    LegalBasis,
)
from interventions.retention import registry
from interventions.retention.models import AnonymisedHousehold, RetentionRun, RetentionTrigger
from interventions.retention.services import retention_apply
from interventions.retention.tasks import RETENTION_APPLY, retention_apply_task
from siex.audit.masks import MASK
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory
from tests.two_factor import force_login_verified

pytestmark = pytest.mark.django_db

TODAY = "2032-06-01"  # with 7 years: participation that ended before 1 June 2025 is due


@pytest.fixture
def population():
    """Two households due (one term expired, one consent withdrawn) and two that are not."""
    coaching = InterventionTypeFactory(code="coaching", unit_cost=Decimal("1000"))
    debt_help = InterventionTypeFactory(code="schuldhulp", unit_cost=Decimal("2000"))
    expired = HouseholdFactory(
        adults=2,
        children=3,
        income_pct_social_minimum=Decimal("104.5"),
        participation_start=date(2020, 3, 15),
        participation_end=date(2024, 11, 20),
    )
    InterventionFactory(
        household=expired,
        intervention_type=coaching,
        start_date=date(2020, 4, 2),
        end_date=date(2021, 2, 17),
        status=InterventionStatus.COMPLETED,
        actual_cost=Decimal("1100.00"),
        notes="Moeder werkt sinds maart parttime",
    )
    InterventionFactory(
        household=expired,
        intervention_type=debt_help,
        start_date=date(2021, 6, 9),
        end_date=date(2022, 1, 4),
        status=InterventionStatus.STOPPED,
        actual_cost=Decimal("600.00"),
        cost_deviation_reason="Verhuisd naar Assen",
    )
    withdrawn = HouseholdFactory(
        legal_basis=LegalBasis.CONSENT,
        participation_start=date(2030, 9, 1),
        consent_withdrawn_on=date(2032, 5, 12),
    )
    InterventionFactory(
        household=withdrawn,
        intervention_type=coaching,
        start_date=date(2030, 9, 8),
        actual_cost=Decimal("950.00"),
    )
    recently_ended = HouseholdFactory(
        participation_start=date(2022, 1, 10), participation_end=date(2025, 8, 1)
    )
    InterventionFactory(
        household=recently_ended, intervention_type=debt_help, start_date=date(2022, 2, 1)
    )
    taking_part = HouseholdFactory(
        legal_basis=LegalBasis.CONSENT, participation_start=date(2019, 5, 5)
    )
    InterventionFactory(
        household=taking_part, intervention_type=coaching, start_date=date(2019, 6, 1)
    )
    # An officer's edit, so the change history holds values from before and after.
    register_services.household_update(
        household=expired, expected_version=expired.version, children=2
    )
    return {
        "expired": expired,
        "withdrawn": withdrawn,
        "recently_ended": recently_ended,
        "taking_part": taking_part,
    }


def _history(households) -> list[LogEntry]:
    household_ids = [str(h.pk) for h in households]
    intervention_ids = [
        str(pk)
        for pk in Intervention.objects.filter(household__in=households).values_list("pk", flat=True)
    ]
    return list(
        LogEntry.objects.filter(object_pk__in=household_ids, content_type__model="household")
    ) + list(
        LogEntry.objects.filter(object_pk__in=intervention_ids, content_type__model="intervention")
    )


def _aggregates() -> dict:
    return {
        "households": sorted(
            Household.objects.values("area__code", "participation_start__year")
            .annotate(n=Count("id"))
            .values_list("area__code", "participation_start__year", "n")
        ),
        "ended": sorted(
            Household.objects.filter(participation_end__isnull=False)
            .values("participation_end__year")
            .annotate(n=Count("id"))
            .values_list("participation_end__year", "n")
        ),
        "costs": sorted(
            Intervention.objects.values("intervention_type__code", "start_date__year", "status")
            .annotate(cost=Sum("actual_cost"), n=Count("id"))
            .values_list("intervention_type__code", "start_date__year", "status", "cost", "n")
        ),
    }


# --- the rules ------------------------------------------------------------------------------------


def test_a_household_is_due_the_day_after_its_term_expired(population):
    with freeze_time("2031-11-20"):  # exactly 7 years after the end: not yet
        report = retention_apply()
    assert (report.term_expired, report.anonymised) == (0, 0)
    with freeze_time("2031-11-21"):
        report = retention_apply()
    assert (report.term_expired, report.anonymised) == (1, 1)
    assert AnonymisedHousehold.objects.filter(household=population["expired"]).exists()


def test_the_term_comes_from_the_settings(population, settings):
    settings.SIEX_RETENTION_YEARS = 10
    with freeze_time(TODAY):
        report = retention_apply()
    assert (report.years, report.term_expired) == (10, 0)


def test_a_household_that_withdrew_its_consent_is_anonymised_at_the_next_run(population):
    withdrawn = population["withdrawn"]
    with freeze_time("2032-05-11"):  # the day before the withdrawal
        assert retention_apply().consent_withdrawn == 0
    with freeze_time("2032-05-12"):
        report = retention_apply()
    assert report.consent_withdrawn == 1
    withdrawn.refresh_from_db()
    assert withdrawn.income_source == ""
    assert withdrawn.consent_withdrawn_on == date(2032, 1, 1)
    # Still taking part otherwise: the other consenting household is left alone.
    taking_part = population["taking_part"]
    assert Household.objects.get(pk=taking_part.pk).pseudonym == taking_part.pseudonym


def test_only_consent_can_be_withdrawn():
    household = HouseholdFactory.build(
        legal_basis=LegalBasis.PUBLIC_TASK, consent_withdrawn_on=date(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        household.clean()
    assert "consent_withdrawn_on" in error.value.message_dict


# --- anonymising ----------------------------------------------------------------------------------


def test_anonymising_removes_what_identifies_or_describes_the_person(population):
    expired = population["expired"]
    old_pseudonym = expired.pseudonym
    with freeze_time(TODAY):
        retention_apply()

    expired.refresh_from_db()
    assert expired.pseudonym != old_pseudonym
    assert len(expired.pseudonym) == 64
    assert (expired.adults, expired.children) == (1, 0)
    assert expired.income_pct_social_minimum is None
    assert (expired.income_source, expired.debt_situation) == ("", "")
    assert (expired.participation_start, expired.participation_end) == (
        date(2020, 1, 1),
        date(2024, 1, 1),
    )
    assert (expired.created_at.month, expired.created_at.day) == (1, 1)
    interventions = list(expired.interventions.order_by("start_date"))
    assert [(i.start_date, i.end_date) for i in interventions] == [
        (date(2020, 1, 1), date(2021, 1, 1)),
        (date(2021, 1, 1), date(2022, 1, 1)),
    ]
    assert all(i.notes == "" and i.cost_deviation_reason == "" for i in interventions)
    # What the aggregates need stays.
    assert [(i.intervention_type.code, i.status, i.actual_cost) for i in interventions] == [
        ("coaching", InterventionStatus.COMPLETED, Decimal("1100.00")),
        ("schuldhulp", InterventionStatus.STOPPED, Decimal("600.00")),
    ]


def test_the_change_history_keeps_who_changed_what_but_no_values(population):
    expired = population["expired"]
    old_pseudonym = expired.pseudonym
    history_before = _history([expired])
    assert len(history_before) >= 4  # created (household, 2 interventions) and the edit
    with freeze_time(TODAY):
        retention_apply()

    history = _history([expired])
    assert sorted(e.pk for e in history) == sorted(e.pk for e in history_before)
    for entry in history:
        assert entry.changes  # which fields changed is still there
        for name, values in entry.changes.items():
            # A reference is emptied (the page looks it up by its key), the rest masked.
            reference = name in {"household", "area", "intervention_type"} | {
                "created_by",
                "updated_by",
            }
            assert values == ([None, None] if reference else [MASK, MASK]), name
    everything = json.dumps(
        [(e.object_repr, e.changes, e.changes_text, e.serialized_data) for e in history]
    )
    for removed in (old_pseudonym[:10], "104.5", "Moeder werkt", "Assen", "2020-03-15"):
        assert removed not in everything
    # The anonymising itself wrote no history (that would keep the old values as "before").
    assert LogEntry.objects.filter(timestamp__year=2032).count() == 0
    # The household's entries now name it by its token.
    expired.refresh_from_db()
    household_entries = [e for e in history if e.content_type.model == "household"]
    assert {e.object_repr for e in household_entries} == {expired.short_pseudonym}


def test_the_history_of_an_intervention_deleted_earlier_is_redacted_too(population):
    expired = population["expired"]
    intervention = expired.interventions.first()
    pk = intervention.pk
    intervention.delete()  # the change history records the deletion with its values
    with freeze_time(TODAY):
        retention_apply()
    entries = LogEntry.objects.filter(content_type__model="intervention", object_pk=str(pk))
    assert entries.count() >= 2
    assert "Moeder werkt" not in json.dumps([e.changes for e in entries])


def test_the_aggregates_are_the_same_before_and_after(population):
    before = _aggregates()
    with freeze_time(TODAY):
        report = retention_apply()
    assert report.anonymised == 2
    assert _aggregates() == before


def test_a_second_run_changes_nothing(population):
    with freeze_time(TODAY):
        first = retention_apply()
        after_first = list(Household.objects.order_by("pk").values())
        history_after_first = list(LogEntry.objects.order_by("pk").values())
        second = retention_apply()
    assert (first.anonymised, second.anonymised) == (2, 0)
    assert (second.term_expired, second.consent_withdrawn) == (0, 0)
    assert list(Household.objects.order_by("pk").values()) == after_first
    assert list(LogEntry.objects.order_by("pk").values()) == history_after_first
    assert list(RetentionRun.objects.order_by("pk").values_list("anonymised", flat=True)) == [2, 0]


def test_a_run_is_recorded_and_logged_without_pseudonyms(population, caplog):
    pseudonyms = [h.pseudonym for h in population.values()]
    caplog.set_level(logging.INFO, logger="siex.retention")
    with freeze_time(TODAY):
        report = retention_apply()
    run = RetentionRun.objects.get()
    assert run.pk == report.run_id
    assert (run.trigger, run.mode, run.retention_years) == ("command", "anonymise", 7)
    assert run.cutoff == date(2025, 6, 1)
    assert (run.term_expired, run.consent_withdrawn, run.anonymised, run.deleted) == (1, 1, 2, 0)
    assert run.finished_at is not None
    assert "retention did anonymise 2 households" in caplog.text
    for pseudonym in pseudonyms:
        assert pseudonym[:10] not in caplog.text


# --- delete mode ----------------------------------------------------------------------------------


def test_delete_mode_removes_the_households_their_rows_and_their_history(population, settings):
    settings.SIEX_RETENTION_MODE = "delete"
    due = [population["expired"], population["withdrawn"]]
    intervention_ids = list(
        Intervention.objects.filter(household__in=due).values_list("pk", flat=True)
    )
    history_ids = [e.pk for e in _history(due)]
    assert history_ids
    before = LogEntry.objects.count()
    with freeze_time(TODAY):
        report = retention_apply()
        second = retention_apply()
    assert (report.deleted, report.anonymised, second.deleted) == (2, 0, 0)
    assert not Household.objects.filter(pk__in=[h.pk for h in due]).exists()
    assert not Intervention.objects.filter(pk__in=intervention_ids).exists()
    assert not LogEntry.objects.filter(pk__in=history_ids).exists()
    assert LogEntry.objects.count() == before - len(history_ids)  # no "deleted" entries either
    assert Household.objects.count() == 2


# --- dry run, command, job ------------------------------------------------------------------------


def test_a_dry_run_reports_and_changes_nothing(population):
    households = list(Household.objects.order_by("pk").values())
    with freeze_time(TODAY):
        report = retention_apply(dry_run=True)
        out = StringIO()
        call_command("retention", "--dry-run", stdout=out)
    assert (report.term_expired, report.consent_withdrawn, report.anonymised) == (1, 1, 0)
    assert "would anonymise 2 households" in out.getvalue()
    assert list(Household.objects.order_by("pk").values()) == households
    assert not RetentionRun.objects.exists()


def test_the_command_prints_what_it_did(population):
    out = StringIO()
    with freeze_time(TODAY):
        call_command("retention", stdout=out)
    assert "did anonymise 2 households" in out.getvalue()
    assert "consent withdrawn: 1" in out.getvalue()
    for household in population.values():
        assert household.pseudonym[:10] not in out.getvalue()


def test_the_daily_job_runs_through_celery(population):
    with freeze_time(TODAY):
        result = retention_apply_task.delay().get()
    assert result == {"term_expired": 1, "consent_withdrawn": 1, "anonymised": 2, "deleted": 0}
    assert RetentionRun.objects.get().trigger == RetentionTrigger.SCHEDULE


def test_beat_runs_the_job_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["interventions-retention"]
    assert entry["task"] == RETENTION_APPLY
    assert entry["schedule"].hour == {settings.SIEX_RETENTION_HOUR}
    assert len(entry["schedule"].minute) == 1


# --- the registry ---------------------------------------------------------------------------------


@pytest.fixture
def handler_calls():
    calls = []
    other = InterventionFactory(notes="Ander dossier")

    def anonymise(household_ids):
        calls.append(("anonymise", list(household_ids)))
        return {Intervention: [other.pk]}

    def delete(household_ids):
        calls.append(("delete", list(household_ids)))
        return {}

    registry.retention_handler_add(
        registry.RetentionHandler(name="test", anonymise=anonymise, delete=delete)
    )
    yield calls, other
    registry.retention_handler_remove("test")


def test_registered_handlers_are_called_and_their_history_redacted(population, handler_calls):
    calls, other = handler_calls
    due = sorted([population["expired"].pk, population["withdrawn"].pk])
    with freeze_time(TODAY):
        retention_apply()
        retention_apply()  # nothing due: not called again
    assert calls == [("anonymise", due)]
    entry = LogEntry.objects.get(content_type__model="intervention", object_pk=str(other.pk))
    assert entry.changes["notes"] == [MASK, MASK]


def test_registered_handlers_are_called_in_delete_mode(population, handler_calls, settings):
    settings.SIEX_RETENTION_MODE = "delete"
    calls, _ = handler_calls
    with freeze_time(TODAY):
        retention_apply()
    assert calls == [("delete", sorted([population["expired"].pk, population["withdrawn"].pk]))]


def test_a_superuser_reads_the_runs_in_the_admin_and_cannot_change_them(population, client):
    from tests.factories import UserFactory

    with freeze_time(TODAY):
        run_id = retention_apply().run_id
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    force_login_verified(client, admin)
    assert client.get("/admin/interventions/retentionrun/").status_code == 200
    assert client.get(f"/admin/interventions/retentionrun/{run_id}/change/").status_code == 200
    assert client.get(f"/admin/interventions/retentionrun/{run_id}/delete/").status_code == 403


# --- two runs at once -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_anonymise_each_household_once():
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    area = HouseholdFactory().area
    Household.objects.all().delete()
    Household.objects.bulk_create(
        HouseholdFactory.build(
            area=area, participation_start=date(2019, 1, 1), participation_end=date(2020, 1, 1)
        )
        for _ in range(1200)
    )
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            barrier.wait()
            with freeze_time(TODAY):
                reports.append(retention_apply())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(report.anonymised for report in reports) == 1200
    assert AnonymisedHousehold.objects.count() == 1200


def test_the_change_history_page_shows_the_redacted_entries(population, client_for):
    from siex.accounts.roles import Role

    expired = population["expired"]
    old_pseudonym = expired.pseudonym
    with freeze_time(TODAY):
        retention_apply()
    expired.refresh_from_db()
    client = client_for(Role.POLICY_OFFICER)
    page = client.get("/audit/wijzigingen/")
    assert page.status_code == 200
    text = page.content.decode()
    assert expired.short_pseudonym in text
    for removed in (old_pseudonym[:10], "Moeder werkt", "Verhuisd naar Assen", "104,5"):
        assert removed not in text
    export = client.get("/audit/wijzigingen/export/?format=csv")
    assert export.status_code == 200
    content = b"".join(export.streaming_content) if export.streaming else export.content
    assert old_pseudonym[:10].encode() not in content


def test_figures_cached_over_the_register_are_counted_again_after_a_run(
    population, django_capture_on_commit_callbacks
):
    from siex.core import cached

    token = cached.generation("register")
    with freeze_time(TODAY), django_capture_on_commit_callbacks(execute=True):
        report = retention_apply()
    assert report.anonymised == 2
    # Set-based updates send no signals: the run renews the register's generation itself.
    assert cached.generation("register") != token
