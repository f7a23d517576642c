"""Dates are typed the Dutch way on every page (31-03-2026): never a browser date input, whose
notation follows the browser's language (mm/dd/yyyy in an English Chromium), whatever the page
says. Forms use siex.core.forms.DateField."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROWSER_DATE = re.compile(r"""type\s*=\s*["']date["']|["']type["']\s*:\s*["']date["']""")


def test_no_page_or_form_uses_the_browsers_date_input():
    places = [
        path
        for folder in ("templates", "siex", "monitoring", "interventions", "calculation")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".html", ".py"}
        and "migrations" not in path.parts
        and path != ROOT / "siex" / "core" / "forms.py"  # says why it is not used
        and BROWSER_DATE.search(path.read_text(encoding="utf-8"))
    ]
    assert not places, [str(path.relative_to(ROOT)) for path in places]
