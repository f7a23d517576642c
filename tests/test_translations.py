"""The Dutch translations: every message translated once, and the compiled file up to date."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.translation import gettext as _
from django.utils.translation import override

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_the_catalogue_is_valid_with_each_message_once():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not shutil.which("msgattrib"), reason="gettext's msgattrib is not installed")
def test_every_message_has_a_dutch_translation():
    result = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "msgid" not in result.stdout, result.stdout[:2000]


def test_the_compiled_catalogue_holds_the_latest_messages():
    with override("nl"):
        assert _("removed (retention)") == "verwijderd (bewaartermijn)"
        assert _("Indicators") == "Indicatoren"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext's xgettext is not installed")
def test_every_message_the_code_and_templates_use_has_a_dutch_translation(tmp_path):
    """makemessages over a copy of the application finds no message the catalogue lacks: a
    text added to a template or module without its Dutch translation shows in English."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in ("siex", "monitoring", "interventions", "calculation", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-location"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    made = tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    missing = []
    for option in ("--untranslated", "--only-fuzzy"):
        found = subprocess.run(
            ["msgattrib", option, "--no-obsolete", "--no-wrap", str(made)],
            capture_output=True,
            text=True,
        )
        missing += [
            line
            for line in found.stdout.splitlines()
            if line.startswith("msgid ") and line != 'msgid ""'
        ]
    assert not missing, "\n".join(missing)
