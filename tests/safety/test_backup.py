"""bin/backup and bin/restore: a backup of a seeded database, restored into a scratch database,
has every table with the same rows (count and checksum per table); the backup holds neither the
pseudonym key nor Django's secret key; the application's own database is not overwritten
without --overwrite-production (docs/backup.md)."""

import subprocess

import pytest

from .conftest import ROOT, checksums, environment, run

pytestmark = pytest.mark.slow


def restore(seeded, target: str, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bin/restore", str(seeded.backup), target, *flags],
        cwd=ROOT,
        env=environment(seeded.url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_backup_is_a_timestamped_file_only_its_owner_reads(seeded):
    assert seeded.backup.name.startswith(f"siex-{seeded.name}-")
    assert seeded.backup.suffix == ".dump"
    assert seeded.backup.stat().st_mode & 0o077 == 0
    assert not list(seeded.backup.parent.glob("*.partial"))


def test_a_restored_backup_has_every_table_with_the_same_rows(seeded, scratch):
    target = scratch("restored")
    result = restore(seeded, target)
    assert result.returncode == 0, result.stderr
    assert f"Created database {target}." in result.stdout

    original = checksums(seeded.server, seeded.name)
    restored = checksums(seeded.server, target)
    assert set(restored) == set(original)
    different = {table for table in original if restored[table] != original[table]}
    assert different == set()
    # The seeded data is there to compare: every part of the application holds rows.
    rows = {table: count for table, (count, _md5) in original.items()}
    assert rows["interventions_household"] == 200
    assert rows["interventions_intervention"] > 200
    assert rows["interventions_assessment"] > 0
    assert rows["monitoring_indicatorvalue"] > 0
    assert rows["calculation_calculationrun"] == 1
    assert rows["audit_accesslogentry"] == 5
    assert rows["auditlog_logentry"] > 0
    print(  # the figures of docs/RELIABILITY.md
        f"\n{len(original)} tables, {sum(rows.values())} rows, "
        f"{len(original) - len(different)} equal after the restore"
    )


def test_the_restored_sequences_continue_after_the_restored_rows(seeded, scratch):
    target = scratch("sequences")
    assert restore(seeded, target).returncode == 0
    query = (
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
    )
    assert seeded.server.query(target, query) == seeded.server.query(seeded.name, query)


def test_the_access_log_is_append_only_after_a_restore(seeded, scratch):
    """The triggers that refuse changes to the access log come back with the backup."""
    target = scratch("triggers")
    assert restore(seeded, target).returncode == 0
    import psycopg2

    with pytest.raises(psycopg2.Error, match="append-only"):
        seeded.server.query(target, "DELETE FROM audit_accesslogentry RETURNING id")
    with pytest.raises(psycopg2.Error, match="append-only"):
        seeded.server.query(target, "UPDATE audit_accesslogentry SET username = 'x' RETURNING id")


def test_the_backup_holds_neither_the_pseudonym_key_nor_the_secret_key(seeded):
    sql = run(["pg_restore", "--file=-", str(seeded.backup)], environment(seeded.url))
    # The households are in it (their pseudonyms, made with the key), the key is not.
    pseudonym = seeded.server.query(
        seeded.name, "SELECT pseudonym FROM interventions_household LIMIT 1"
    )[0][0]
    assert pseudonym in sql
    assert "COPY public.interventions_household " in sql
    for name, key in seeded.keys.items():
        assert key not in sql, f"{name} is in the backup"


def test_restore_refuses_the_applications_database_without_the_flag(seeded):
    before = checksums(seeded.server, seeded.name)
    seeded.server.query(seeded.name, "CREATE TABLE added_after_the_backup (id int)")

    refused = restore(seeded, seeded.name)
    assert refused.returncode == 3
    assert "--overwrite-production" in refused.stderr
    assert "added_after_the_backup" in checksums(seeded.server, seeded.name)

    allowed = restore(seeded, seeded.name, "--overwrite-production")
    assert allowed.returncode == 0, allowed.stderr
    after = checksums(seeded.server, seeded.name)
    # --clean replaces what the backup holds and leaves alone what it does not know.
    assert after.pop("added_after_the_backup") == (0, "d41d8cd98f00b204e9800998ecf8427e")
    assert after == before
    seeded.server.query(seeded.name, "DROP TABLE added_after_the_backup")
