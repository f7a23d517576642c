"""What the tests of the scenario pages share: addresses, a calculation run to its end, the text
of a page and of its error summary, and what the edit page posts."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

from django.urls import reverse

from calculation import forms, services
from calculation.models import CalculationRun
from calculation.scenario import PARAMETER_FIELDS, RATE_LIMITS
from siex.core.forms import format_number


def version_url(version, name="calculation:version"):
    return reverse(name, kwargs={"pk": version.pk})


def calculate(version, user=None) -> CalculationRun:
    """Run a calculation to its end, as the worker would."""
    run = services.run_start(version=version, user=user)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def summary(response) -> str:
    """The text of the error summary at the top of the page."""
    html = response.content.decode()
    assert 'class="error-summary"' in html
    part = html.split('class="error-summary"')[1].split("</div>")[0]
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", part))


def text(response) -> str:
    """The page's text without tags and with whitespace collapsed."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"[ \t\r\n]+", " ", unescape(html))


LISTS = {
    "intake": "intake",
    "programme": "programme_costs",
    "budget": "budget",
    "uncertainty": "uncertainty",
    "overrides": "overrides",
}
#: The form of a row of each list (it shows a stored row as the page does).
FORMS = {prefix: formset.form for prefix, _list_name, formset in forms.LISTS}


def shown_row(form_class, row: dict) -> dict:
    """A stored row as the edit page shows it: in the form's units and notation."""
    return {
        key: format_number(value) if isinstance(value, Decimal | float) else value
        for key, value in form_class.initial_for(row).items()
    }


def edit_data(version, lists=None, **parameters) -> dict:
    """What the edit page posts for ``version``, with ``parameters`` and ``lists`` (keyed by the
    form prefix) replaced."""
    data = {
        "version": version.version,
        "note": version.note,
        "assumptions": "\n".join(version.assumptions),
        **{name: getattr(version, name) for name in PARAMETER_FIELDS},
    }
    # Rates are typed in percent (the version keeps fractions), numbers as the page shows them.
    for name in RATE_LIMITS:
        data[name] = format_number(Decimal(str(data[name])) * 100)
    data.pop("optimism_bias_pct")
    for grade, value in enumerate(version.optimism_bias_pct, start=1):
        data[f"optimism_bias_{grade}"] = value
    if not version.count_registered:
        data.pop("count_registered")
    data.update(parameters)
    for prefix, list_name in LISTS.items():
        existing = getattr(version, list_name) or []
        rows = (lists or {}).get(prefix, [shown_row(FORMS[prefix], row) for row in existing])
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = min(len(existing), len(rows))
        for n, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{n}-{key}"] = value
    return data
