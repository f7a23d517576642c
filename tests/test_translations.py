"""The Dutch translations: every message translated once, and the compiled file up to date."""

import shutil
import subprocess
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
