"""The commit of a checked import: all rows or none, once, by the officer who uploaded it, while the
check is fresh, without a query per row (COPY on PostgreSQL)."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from interventions.catalogue.models import InterventionType
from interventions.exchange import bulk, writing
from interventions.exchange.models import ImportBatch, ImportBatchStatus
from interventions.exchange.services import (
    import_batch_commit,
    import_batch_discard,
)
from interventions.register import services
from interventions.register.models import Household, Intervention
from siex.accounts.roles import Role
from tests.factories import UserFactory
from tests.interventions.import_files import (
    HOUSEHOLD_HEADER,
    INTERVENTION_HEADER,
    csv_bytes,
    household_row,
    intervention_row,
    preview,
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


# --- Commit ---------------------------------------------------------------------------------------


def test_the_commit_is_atomic(register, officer, monkeypatch):
    batch = preview(workbook(register[0].code), officer, "a.xlsx")

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    # Households are written first; the interventions fail (bulk_create, or COPY on PostgreSQL).
    real_insert = writing.bulk_insert

    def insert(model, instances, now):
        if model is Intervention:
            broken()
        return real_insert(model, instances, now)

    monkeypatch.setattr(writing, "bulk_insert", insert)
    with pytest.raises(RuntimeError):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert Household.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.PREVIEWED and batch.rows
    monkeypatch.undo()
    import_batch_commit(batch_id=batch.pk, user=officer)
    assert Household.objects.count() == 2 and Intervention.objects.count() == 2


def test_a_stale_preview_is_checked_again_and_imports_nothing(register, officer):
    household = services.household_create(
        external_reference="WIJ-500",
        area=register[0],
        income_source="bijstand",
        debt_situation="none",
        participation_start=date(2024, 1, 1),
        legal_basis="consent",
    )
    data = csv_bytes(
        [
            INTERVENTION_HEADER,
            intervention_row("WIJ-500", startdatum="01-03-2024"),
            intervention_row("WIJ-500", "kindpakket", startdatum="01-03-2024"),
        ]
    )
    batch = preview(data, officer)
    assert batch.can_be_committed
    # Meanwhile a colleague corrects the start of participation.
    services.household_update(
        household=household, expected_version=1, participation_start=date(2024, 4, 1)
    )
    result = import_batch_commit(batch_id=batch.pk, user=officer)
    assert result.status == ImportBatchStatus.PREVIEWED
    assert result.error_count == 2 and not result.can_be_committed
    assert {e["row"] for e in result.errors} == {2, 3}
    assert Intervention.objects.count() == 0


def test_an_intervention_type_taken_out_of_the_catalogue_since_the_preview(register, officer):
    services.household_create(
        external_reference="WIJ-501",
        area=register[0],
        income_source="bijstand",
        debt_situation="none",
        participation_start=date(2024, 1, 1),
        legal_basis="consent",
    )
    batch = preview(csv_bytes([INTERVENTION_HEADER, intervention_row("WIJ-501")]), officer)
    InterventionType.objects.filter(code="budgetcoaching").update(is_active=False)
    result = import_batch_commit(batch_id=batch.pk, user=officer)
    assert "no longer in use" in result.errors[0]["message"]
    assert Intervention.objects.count() == 0


def test_a_batch_is_committed_once_only_by_its_own_officer_and_only_while_fresh(
    register, officer, user_for
):
    data = workbook(register[0].code)
    batch = preview(data, officer, "a.xlsx")
    colleague = UserFactory(username="collega", policy_officer=True)
    with pytest.raises(ImportBatch.DoesNotExist):
        import_batch_commit(batch_id=batch.pk, user=colleague)
    with pytest.raises(PermissionDenied):
        import_batch_commit(batch_id=batch.pk, user=user_for(Role.PROJECT_LEAD))
    import_batch_commit(batch_id=batch.pk, user=officer)
    with pytest.raises(ValidationError, match="already been imported"):
        import_batch_commit(batch_id=batch.pk, user=officer)
    with pytest.raises(ImportBatch.DoesNotExist):
        import_batch_commit(batch_id=batch.pk + 1000, user=officer)

    old = preview(data, officer, "a.xlsx")
    with freeze_time(datetime.now() + timedelta(hours=25)):
        with pytest.raises(ValidationError, match="more than 24 hours old"):
            import_batch_commit(batch_id=old.pk, user=officer)
        # The next upload drops the rows of checks that can no longer be committed.
        preview(data, officer, "a.xlsx")
    old.refresh_from_db()
    assert old.status == ImportBatchStatus.DISCARDED and old.rows == {}


def test_the_committed_batch_is_the_record_of_the_import(register, officer):
    batch = preview(workbook(register[0].code), officer, "a.xlsx")
    batch = import_batch_commit(batch_id=batch.pk, user=officer)
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert stored.uploaded_by == officer and stored.uploaded_by_username == officer.username
    assert stored.committed_at is not None and stored.rows == {}
    assert stored.counts["interventions"]["new"] == 2
    assert len(stored.file_sha256) == 64


def test_discard(register, officer):
    batch = preview(workbook(register[0].code), officer, "a.xlsx")
    import_batch_discard(batch_id=batch.pk, user=officer)
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.DISCARDED and batch.rows == {}
    with pytest.raises(ValidationError, match="discarded"):
        import_batch_commit(batch_id=batch.pk, user=officer)


def test_the_preview_and_commit_need_no_query_per_row(
    register, officer, django_assert_max_num_queries
):
    area = register[0].code
    households = [household_row(f"WIJ-{i}", area) for i in range(300)]
    interventions = [intervention_row(f"WIJ-{i}") for i in range(300)]
    data = xlsx_bytes(
        {
            "Huishoudens": [HOUSEHOLD_HEADER, *households],
            "Interventies": [INTERVENTION_HEADER, *interventions],
        }
    )
    with django_assert_max_num_queries(30):
        batch = preview(data, officer, "groot.xlsx")
    with django_assert_max_num_queries(40):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert Intervention.objects.count() == 300


def test_the_postgresql_copy_text_of_a_row():
    """On PostgreSQL new interventions are written with COPY; its text format is escaped here."""
    from interventions.exchange.bulk import copy_rows, copy_value

    assert copy_value(None) == "\\N"
    assert copy_value("tab\there, new\nline, back\\slash\r") == (
        "tab\\there, new\\nline, back\\\\slash\\r"
    )
    assert copy_value(Decimal("1E+3")) == "1000"
    assert copy_value(date(2024, 2, 1)) == "2024-02-01"
    assert copy_value(True) == "t"
    intervention = Intervention(
        household_id=7, intervention_type_id=3, start_date=date(2024, 2, 1), notes="a\tb"
    )
    fields = [Intervention._meta.get_field(n) for n in ("household", "start_date", "notes")]
    columns, buffer = copy_rows(Intervention, [intervention], fields)
    assert columns == ["household_id", "start_date", "notes"]
    assert buffer.read() == "7\t2024-02-01\ta\\tb\n"

    # A JSON field as JSON (the change history), and values every row shares written once.
    fields = [LogEntry._meta.get_field(n) for n in ("object_pk", "changes", "actor", "timestamp")]
    changes = {"notes": ["None", 'a\tb\n"c" \\ é']}
    rows = [{"object_pk": "1", "changes": changes}, {"object_pk": "2", "changes": None}]
    common = {"actor_id": 5, "timestamp": datetime(2025, 1, 31, 12, tzinfo=UTC)}
    columns, buffer = bulk.copy_values(rows, fields, common)
    assert columns == ["object_pk", "changes", "actor_id", "timestamp"]
    as_copy_text = json.dumps(changes).replace("\\", "\\\\")  # JSON escapes; COPY doubles "\"
    assert buffer.read() == (
        f"1\t{as_copy_text}\t5\t2025-01-31T12:00:00+00:00\n2\t\\N\t5\t2025-01-31T12:00:00+00:00\n"
    )


def test_a_large_import_analyses_the_register_tables_and_its_figures_are_counted_again(
    register, officer, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from interventions.exchange import services as exchange_services
    from siex.core import cached

    monkeypatch.setattr(exchange_services, "LARGE_WRITE", 2)  # the test's import is "large"
    batch = preview(workbook(register[0].code), officer, "a.xlsx")
    token = cached.generation("register")
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert Intervention.objects.count() == 2
    assert cached.generation("register") != token  # COPY sends no signals: the import bumps
    analysed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analysed == [
            'ANALYZE "interventions_household"',
            'ANALYZE "interventions_intervention"',
        ]
    else:
        assert analysed == []
