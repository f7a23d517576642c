"""The change history (django-auditlog) of an import: the entries auditlog itself writes for the
same changes through a form, written in the import's transaction."""

from datetime import UTC, date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from interventions.exchange import writing
from interventions.exchange.services import (
    import_batch_commit,
)
from interventions.register import services
from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import pseudonymise
from interventions.register.selectors import household_history
from siex.accounts.roles import Role
from tests.factories import UserFactory
from tests.interventions.import_files import (
    HOUSEHOLD_HEADER,
    INTERVENTION_HEADER,
    by_record,
    commit,
    csv_bytes,
    history,
    household_row,
    intervention_row,
    preview,
    workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(user_for):
    return user_for(Role.POLICY_OFFICER)


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


def test_a_new_import_writes_a_create_entry_per_record_with_the_officer_and_the_batch(
    register, officer
):
    batch = commit(workbook(register[0].code), officer, "a.xlsx")
    entries = history()
    assert {entry.action for entry in entries} == {LogEntry.Action.CREATE}
    records = by_record(entries)
    assert set(records) == {
        (model, pk)
        for model in (Household, Intervention)
        for pk in model.objects.values_list("pk", flat=True)
    }
    assert len(entries) == 4
    for entry in entries:
        assert entry.actor == officer
        assert entry.timestamp == batch.committed_at
        assert entry.additional_data == {"import_batch": {"id": batch.pk, "file_name": "a.xlsx"}}
        assert entry.object_pk == str(entry.object_id)
        assert not {"updated_at", "version"} & set(entry.changes)  # the registration's exclusions
    intervention = Intervention.objects.get(household__pseudonym=pseudonymise("WIJ-1"))
    entry = records[(Intervention, intervention.pk)]
    assert entry.object_repr == str(intervention)
    assert entry.changes == {
        "id": ["None", str(intervention.pk)],
        "household": ["None", str(intervention.household_id)],
        "intervention_type": ["None", str(intervention.intervention_type_id)],
        "start_date": ["None", "2024-02-01"],
        "actual_cost": ["None", "1200.00"],  # as the register stores it, as a form writes it
        "cost_deviation_reason": ["None", ""],
        "status": ["None", "active"],
        "notes": ["None", ""],
        "source": ["None", "import"],
        "created_by": ["None", str(officer.pk)],
        "updated_by": ["None", str(officer.pk)],
        "created_at": ["None", str(intervention.created_at.astimezone(UTC).replace(tzinfo=None))],
    }

    # The same records entered through the services (the forms) get the same entries from
    # django-auditlog itself: the same fields, the same notation.
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-1"))
    own = services.household_create(
        external_reference="WIJ-FORM",
        area=register[0],
        income_source="bijstand",
        debt_situation="problematic",
        participation_start=date(2024, 1, 1),
        legal_basis="public_task",
        income_pct_social_minimum=Decimal("100"),
        source="import",
        created_by=officer,
    )
    own_intervention = services.intervention_create(
        household=own,
        intervention_type=intervention.intervention_type,
        start_date=date(2024, 2, 1),
        actual_cost=Decimal("1200"),
        source="import",
        created_by=officer,
    )
    for imported, by_form, expected in (
        (records[(Household, household.pk)], own, {"id", "pseudonym", "created_at"}),
        (entry, own_intervention, {"id", "household", "created_at"}),
    ):
        logged = LogEntry.objects.get_for_object(by_form).get().changes
        assert set(logged) == set(imported.changes)
        assert {name for name in logged if logged[name] != imported.changes[name]} == expected


def test_a_changed_row_writes_an_update_entry_with_only_the_changed_field(register, officer):
    commit(workbook(register[0].code), officer, "a.xlsx")
    created = history()
    batch = commit(workbook(register[0].code, children="3", cost="1300"), officer, "b.xlsx")
    updates = history(LogEntry.Action.UPDATE)
    assert len(history()) == len(created) + len(updates) == 6  # the unchanged rows: no entry
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-2"))
    intervention = Intervention.objects.get(household__pseudonym=pseudonymise("WIJ-1"))
    records = by_record(updates)
    assert set(records) == {(Household, household.pk), (Intervention, intervention.pk)}
    # Not the version nor the time stamp (excluded), nor who changed it last (the same officer).
    assert records[(Household, household.pk)].changes == {"children": ["1", "3"]}
    assert records[(Intervention, intervention.pk)].changes == {
        "actual_cost": ["1200.00", "1300.00"]
    }
    for entry in updates:
        assert (entry.actor, entry.timestamp) == (officer, batch.committed_at)
        assert entry.additional_data == {"import_batch": {"id": batch.pk, "file_name": "b.xlsx"}}

    # Another officer's import changes "last changed by" too, as an edit on the page does.
    other = UserFactory(username="tweede", policy_officer=True)
    commit(workbook(register[0].code, children="3", cost="1400"), other, "c.xlsx")
    entry = history(LogEntry.Action.UPDATE)[-1]
    assert (entry.actor, entry.object_id) == (other, intervention.pk)
    assert entry.changes == {
        "actual_cost": ["1300.00", "1400.00"],
        "updated_by": [str(officer.pk), str(other.pk)],
    }


def test_importing_the_same_file_twice_writes_no_entry_the_second_time(register, officer):
    data = workbook(register[0].code)
    commit(data, officer, "a.xlsx")
    before = history()
    assert len(before) == 4
    commit(data, officer, "a.xlsx")
    assert history() == before


@pytest.mark.parametrize("where", ["interventions", "after the change history"])
def test_a_failing_import_writes_no_entry(register, officer, monkeypatch, where):
    batch = preview(workbook(register[0].code), officer, "a.xlsx")
    real_insert, real_history = writing.bulk_insert, writing.change_history_write

    def insert(model, instances, now):
        if model is Intervention:
            raise RuntimeError("the disk is full")
        return real_insert(model, instances, now)

    def history_then_fail(plan, **kwargs):
        real_history(plan, **kwargs)
        assert len(history()) == 4  # written, in the import's transaction
        raise RuntimeError("the disk is full")

    if where == "interventions":
        monkeypatch.setattr(writing, "bulk_insert", insert)
    else:
        monkeypatch.setattr(writing, "change_history_write", history_then_fail)
    with pytest.raises(RuntimeError):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert history() == []
    assert Household.objects.count() == Intervention.objects.count() == 0
    monkeypatch.undo()
    import_batch_commit(batch_id=batch.pk, user=officer)
    assert len(history()) == 4


def test_the_household_page_shows_the_imported_changes(register, officer):
    commit(workbook(register[0].code), officer, "a.xlsx")
    commit(workbook(register[0].code, children="3"), officer, "b.xlsx")
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-2"))
    shown = household_history(household, list(household.interventions.all()))
    # Newest first: the change, then both records of the first import (one time stamp).
    assert [(row["action"], row["is_household"]) for row in shown[:1]] == [("changed", True)]
    assert sorted((row["action"], row["is_household"]) for row in shown[1:]) == [
        ("created", False),
        ("created", True),
    ]
    latest = shown[0]
    assert latest["actor"] == officer.username
    assert latest["changes"] == [{"field": "children", "old": "1", "new": "3"}]
    created = next(row for row in shown if row["action"] == "created" and row["is_household"])
    assert {"field": "children", "old": "—", "new": "1"} in created["changes"]


def test_text_with_quotes_backslashes_tabs_and_line_breaks_reaches_the_history_intact(
    register, officer
):
    notes = 'Zei "prima"; map C:\\dossiers\\2024\tklaar\nVolgende keer: € 50, café'
    commit(
        csv_bytes([HOUSEHOLD_HEADER, household_row("WIJ-1", register[0].code)]), officer, "a.csv"
    )
    commit(
        csv_bytes([INTERVENTION_HEADER, intervention_row("WIJ-1", notities=notes)]),
        officer,
        "b.csv",
    )
    intervention = Intervention.objects.get()
    assert intervention.notes == notes
    entry = by_record(history())[(Intervention, intervention.pk)]
    assert entry.changes["notes"] == ["None", notes]
    changed = notes.replace("prima", "goed")
    commit(
        csv_bytes([INTERVENTION_HEADER, intervention_row("WIJ-1", notities=changed)]),
        officer,
        "c.csv",
    )
    assert history(LogEntry.Action.UPDATE)[-1].changes == {"notes": [notes, changed]}


def test_a_commit_on_the_page_records_the_clients_address_as_an_edit_does(register, officer):
    client = Client()
    client.force_login(officer)
    batch = preview(workbook(register[0].code), officer, "a.xlsx")
    client.post(reverse("imports:commit", kwargs={"pk": batch.pk}))
    assert {(e.actor, e.remote_addr) for e in history()} == {(officer, "127.0.0.1")}
    # Outside a request (a script) there is no address, not the one of an earlier request.
    commit(
        csv_bytes([HOUSEHOLD_HEADER, household_row("WIJ-3", register[0].code)]), officer, "b.csv"
    )
    assert history()[-1].remote_addr is None


def test_django_auditlog_is_held_to_the_versions_whose_internals_the_import_uses():
    """The bulk change history copies what django-auditlog's diff does (``auditlog_bulk``): a new
    django-auditlog is taken only once the tests above have compared both ways again."""
    import tomllib
    from importlib.metadata import version
    from pathlib import Path

    from packaging.requirements import Requirement

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    (auditlog,) = [
        Requirement(spec)
        for spec in project["project"]["dependencies"]
        if Requirement(spec).name == "django-auditlog"
    ]
    assert any(part.operator in ("<", "<=", "~=", "==") for part in auditlog.specifier)
    assert auditlog.specifier.contains(version("django-auditlog"))
