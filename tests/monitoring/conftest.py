import io

import pytest
from django.core.management import call_command


@pytest.fixture
def indicators(groningen_areas):
    """The areas of Groningen and the indicators and context notes shipped with SIEX."""
    call_command("load_indicators", stdout=io.StringIO())


@pytest.fixture
def cbs_values(indicators):
    """Every CBS file shipped with SIEX, imported through the import service."""
    out = io.StringIO()
    call_command("load_cbs_values", stdout=out)
    return out.getvalue()
