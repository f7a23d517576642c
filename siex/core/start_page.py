"""The sections of the start page (startpagina).

One start page serves every role. Each app adds the sections it owns in its
``AppConfig.ready`` with ``start_section_add``; the page shows, in their order, the sections meant
for the user, each with its own template and the context that template reads. So ``siex.core``,
the ground layer, knows nothing of the apps that fill its start page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


def _nothing(request: HttpRequest) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class StartSection:
    """One section: where it stands (``order``, low first), for whom (``shown_to(user)``), its
    template and what that template reads (``context(request)``, merged into the page's)."""

    name: str
    order: int
    template: str
    shown_to: Callable[[Any], bool]
    context: Callable[[HttpRequest], dict[str, Any]] = field(default=_nothing)


_SECTIONS: dict[str, StartSection] = {}


def start_section_add(*sections: StartSection) -> None:
    """Add sections to the start page (a section of the same name is replaced)."""
    for section in sections:
        _SECTIONS[section.name] = section


def start_sections_for(user) -> list[StartSection]:
    """The sections ``user`` sees, in their order."""
    return [
        section
        for section in sorted(_SECTIONS.values(), key=lambda section: (section.order, section.name))
        if section.shown_to(user)
    ]
