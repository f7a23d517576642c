"""The retention rules come from the environment; a mode that does not exist stops the start."""

import pytest

from tests.test_settings import run

pytestmark = pytest.mark.slow

PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SIEX_RETENTION_YEARS, s.SIEX_RETENTION_MODE, "
    "s.CELERY_BEAT_SCHEDULE['interventions-retention']['schedule'].hour)"
)


def test_the_rules_are_read_from_the_environment():
    result = run(
        ["-c", PRINT],
        {
            "DJANGO_SETTINGS_MODULE": "siex.settings.test",
            "SIEX_RETENTION_YEARS": "10",
            "SIEX_RETENTION_MODE": "delete",
            "SIEX_RETENTION_HOUR": "4",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["10", "delete", "{4}"]


@pytest.mark.parametrize(
    ("name", "value"), [("SIEX_RETENTION_MODE", "purge"), ("SIEX_RETENTION_YEARS", "0")]
)
def test_a_rule_that_makes_no_sense_stops_the_start(name, value):
    result = run(
        ["manage.py", "check"], {"DJANGO_SETTINGS_MODULE": "siex.settings.test", name: value}
    )
    assert result.returncode != 0
    assert name in result.stderr
