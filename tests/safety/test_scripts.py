"""bin/backup and bin/restore without a database: what they refuse and where the backup goes."""

import subprocess

from .conftest import ROOT


def script(*command: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(command),
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_backup_refuses_sqlite_and_names_what_to_do_instead():
    result = script("bin/backup", DATABASE_URL="sqlite:///var/siex.sqlite3")
    assert result.returncode != 0
    assert "var/siex.sqlite3" in result.stderr
    assert "copying it while SIEX is stopped" in result.stderr


def test_restore_needs_a_file_and_a_database_name(tmp_path):
    url = "postgres://nobody@127.0.0.1:1/siex"
    assert script("bin/restore", DATABASE_URL=url).returncode == 2
    missing = script("bin/restore", str(tmp_path / "none.dump"), "copy", DATABASE_URL=url)
    assert missing.returncode == 2
    assert "No backup file" in missing.stderr
    (tmp_path / "x.dump").write_text("x")
    odd = script("bin/restore", str(tmp_path / "x.dump"), 'a"; DROP', DATABASE_URL=url)
    assert odd.returncode == 2
    assert "letters, digits" in odd.stderr


def test_restore_refuses_the_applications_database_before_reading_the_file(tmp_path):
    (tmp_path / "x.dump").write_text("x")
    result = script(
        "bin/restore", str(tmp_path / "x.dump"), "siex", DATABASE_URL="postgres://u:p@db:5432/siex"
    )
    assert result.returncode == 3
    assert "Refused: siex is the application's database" in result.stderr


def test_help_says_how_each_is_used():
    assert "SIEX_BACKUP_DIR" in script("bin/backup", "--help").stdout
    assert "--overwrite-production" in script("bin/restore", "--help").stdout
