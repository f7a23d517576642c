"""The register import checks every row with the models' own rules and lists every problem with its
row and column (importing nothing), and matches rows with the register so the same file twice
changes nothing."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from interventions.catalogue.models import InterventionType
from interventions.exchange.models import ImportBatch, ImportBatchStatus
from interventions.exchange.services import (
    import_batch_commit,
)
from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from tests.factories import UserFactory
from tests.interventions.import_files import (
    HOUSEHOLD_HEADER,
    INTERVENTION_HEADER,
    csv_bytes,
    household_row,
    intervention_row,
    preview,
    register_snapshot,
    workbook,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(user_for):
    return user_for(Role.POLICY_OFFICER)


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


# --- Bad rows: every problem listed, nothing imported ---------------------------------------------


def test_one_bad_row_among_good_ones_imports_nothing_and_names_row_and_column(register, officer):
    area = register[0].code
    data = csv_bytes(
        [
            HOUSEHOLD_HEADER,
            household_row("WIJ-1", area),
            household_row("WIJ-2", area),
            household_row("WIJ-3", "Atlantis"),
            household_row("WIJ-4", area),
        ]
    )
    batch = preview(data, officer)
    assert batch.error_count == 1
    assert batch.errors == [
        {
            "kind": "households",
            "sheet": "register.csv",
            "row": 4,
            "column": "wijk",
            "message": batch.errors[0]["message"],
        }
    ]
    assert "“Atlantis” is not a district" in batch.errors[0]["message"]
    assert batch.rows == {} and not batch.can_be_committed
    with pytest.raises(ValidationError, match="The file has problems"):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert Household.objects.count() == 0


def test_the_models_rules_apply_with_their_own_messages(register, officer):
    area = register[0].code
    data = xlsx_bytes(
        {
            "Huishoudens": [
                HOUSEHOLD_HEADER,
                household_row("WIJ-1", area, start_deelname="01-03-2024"),
                household_row("WIJ-2", area, volwassenen="0"),
                household_row(
                    "WIJ-3", area, start_deelname="01-03-2024", einde_deelname="01-02-2024"
                ),
            ],
            "Interventies": [
                INTERVENTION_HEADER,
                # Before the participation of a household that is new in this same file.
                intervention_row("WIJ-1", startdatum="01-02-2024"),
                intervention_row("WIJ-1", "kindpakket", startdatum="01-04-2024", status="afgerond"),
                intervention_row(
                    "WIJ-1", "basisbaan", startdatum="01-04-2024", werkelijke_kosten="100"
                ),
                intervention_row(
                    "WIJ-1", "energiecoach", startdatum="01-05-2024", einddatum="01-04-2024"
                ),
            ],
        }
    )
    batch = preview(data, officer, "regels.xlsx")
    found = {(e["sheet"], e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "greater than or equal to 1" in found[("Huishoudens", 3, "volwassenen")]
    assert "lies before its start" in found[("Huishoudens", 4, "einde_deelname")]
    assert (
        "before the household's participation started" in found[("Interventies", 2, "startdatum")]
    )
    assert found[("Interventies", 3, "einddatum")] == "A completed intervention needs an end date."
    assert "differs more than 25%" in found[("Interventies", 4, "reden_afwijking")]
    assert "lies before the start date" in found[("Interventies", 5, "einddatum")]
    assert Household.objects.count() == Intervention.objects.count() == 0


def test_file_level_row_checks(register, officer):
    area = register[0].code
    InterventionType.objects.filter(code="energiecoach").update(is_active=False)
    data = xlsx_bytes(
        {
            "Huishoudens": [
                HOUSEHOLD_HEADER,
                household_row("WIJ-1", area),
                household_row("WIJ-2", area),
                household_row("wij-2", area),  # the same reference, written differently
                household_row("WIJ-9", "Atlantis"),
            ],
            "Interventies": [
                INTERVENTION_HEADER,
                intervention_row("WIJ-1"),
                intervention_row("WIJ-1"),
                intervention_row("ONBEKEND-1"),
                intervention_row("WIJ-9"),
                intervention_row("WIJ-1", "Paardrijden"),
                intervention_row("WIJ-1", "energiecoach"),
            ],
        }
    )
    batch = preview(data, officer, "bestand.xlsx")
    found = {(e["sheet"], e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "also on row 3" in found[("Huishoudens", 4, "referentie")]
    assert "same household, intervention and start date" in found[("Interventies", 3, "startdatum")]
    assert "There is no household with this reference" in found[("Interventies", 4, "referentie")]
    assert "has a problem; correct that row first" in found[("Interventies", 5, "referentie")]
    assert "not an intervention in the catalogue" in found[("Interventies", 6, "interventie")]
    assert "no longer in use" in found[("Interventies", 7, "interventie")]
    rows = [(e["sheet"], e["row"]) for e in batch.errors]
    assert rows == sorted(rows, key=lambda r: (r[0] != "Huishoudens", r[1]))


def test_a_bsn_as_reference_is_refused_and_never_stored(register, officer):
    bsn = "111222333"
    data = csv_bytes([HOUSEHOLD_HEADER, household_row(bsn, register[0].code)])
    batch = preview(data, officer)
    assert batch.errors[0]["column"] == "referentie"
    assert "citizen service number (BSN)" in batch.errors[0]["message"]
    stored = ImportBatch.objects.filter(pk=batch.pk).values().get()
    assert bsn not in json.dumps(stored, default=str)


def test_the_raw_reference_is_stored_nowhere(register, officer):
    reference = "WIJ-GEHEIM-4711"
    data = csv_bytes(
        [HOUSEHOLD_HEADER, household_row(reference, register[0].code, wijk="Atlantis")]
    )
    batch = preview(data, officer)  # with a problem, so the error is kept
    data = csv_bytes([HOUSEHOLD_HEADER, household_row(reference, register[0].code)])
    second = preview(data, officer)
    assert second.rows["households"][0][1] == pseudonymise(reference)  # kept until the commit
    import_batch_commit(batch_id=second.pk, user=officer)
    with connection.cursor() as cursor:
        for table in (ImportBatch._meta.db_table, Household._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a model's table
            assert reference not in repr(cursor.fetchall()), table
    assert batch.error_count == 1


def test_all_problems_are_counted_and_the_first_500_kept(register, officer):
    rows = [household_row(f"WIJ-{i}", "Atlantis") for i in range(520)]
    batch = preview(csv_bytes([HOUSEHOLD_HEADER, *rows]), officer)
    assert batch.error_count == 520
    assert len(batch.errors) == 500


def test_importing_the_same_file_twice_changes_nothing(register, officer):
    data = workbook(register[0].code)
    first = preview(data, officer, "a.xlsx")
    import_batch_commit(batch_id=first.pk, user=officer)
    before = register_snapshot()

    second = preview(data, officer, "a.xlsx")
    for kind in ("households", "interventions"):
        assert second.counts[kind]["new"] == second.counts[kind]["changed"] == 0
        assert second.counts[kind]["unchanged"] == 2
    committed = import_batch_commit(batch_id=second.pk, user=officer)
    assert committed.status == ImportBatchStatus.COMMITTED
    assert register_snapshot() == before  # not even a version or a time stamp


def test_a_changed_row_updates_the_registration_and_raises_its_version(register, officer):
    first = preview(workbook(register[0].code), officer, "a.xlsx")
    import_batch_commit(batch_id=first.pk, user=officer)
    other = UserFactory(username="tweede", policy_officer=True)
    batch = preview(workbook(register[0].code, children="3", cost="1300"), other, "b.xlsx")
    assert batch.counts["households"] == {
        **batch.counts["households"],
        "new": 0,
        "changed": 1,
        "unchanged": 1,
    }
    assert batch.counts["interventions"]["changed"] == 1
    import_batch_commit(batch_id=batch.pk, user=other)
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-2"))
    assert (household.children, household.version) == (3, 2)
    assert household.created_by == officer  # who registered it first stays
    intervention = Intervention.objects.get(actual_cost=Decimal("1300"))
    assert (intervention.version, intervention.updated_by, intervention.created_by) == (
        2,
        other,
        officer,
    )
    assert Intervention.objects.count() == 2


def test_a_changed_start_of_participation_after_an_intervention_is_refused(register, officer):
    first = preview(workbook(register[0].code), officer, "a.xlsx")
    import_batch_commit(batch_id=first.pk, user=officer)
    data = csv_bytes(
        [HOUSEHOLD_HEADER, household_row("WIJ-1", register[0].code, start_deelname="01-06-2024")]
    )
    batch = preview(data, officer)
    assert batch.errors[0]["column"] == "start_deelname"
    assert "has an intervention that starts on 2024-02-01" in batch.errors[0]["message"]


def test_a_reference_or_bsn_in_another_column_is_not_quoted_in_the_problems(register, officer):
    reference, bsn = "WIJ-GEHEIM-77", "111222333"
    data = csv_bytes(
        [
            HOUSEHOLD_HEADER,
            household_row(reference, reference, start_deelname=bsn),  # columns mixed up
        ]
    )
    batch = preview(data, officer)
    messages = " ".join(e["message"] for e in batch.errors)
    assert {e["column"] for e in batch.errors} == {"wijk", "start_deelname"}
    assert "[hidden]" in messages
    assert reference not in messages and bsn not in messages
