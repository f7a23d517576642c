"""The actor groups a catalogue starts with when its file names none: the four groups of the
effecten-arena of Groningen's wijkbedrijven analysis (participants, other residents, government,
other parties). They are data like the rest of the catalogue: a catalogue file may bring its own
``actor_groups``, and the project lead renames or replaces them.

Pure: no database; the catalogue file, the migration's defaults and the result tables of old
runs (which stored only each actor's group code) read the names from here.
"""

from __future__ import annotations

from typing import Any

#: (code, Dutch name, English name), in the order the arena shows them.
DEFAULT_ACTOR_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("participants", "Deelnemers", "Participants"),
    ("residents", "Overige bewoners", "Other residents"),
    ("government", "Overheid", "Government"),
    ("other", "Overige partijen", "Other parties"),
)
DEFAULT_GROUP_CODES = tuple(code for code, _nl, _en in DEFAULT_ACTOR_GROUPS)


def default_group(code: str) -> dict[str, Any] | None:
    """The default group ``code`` as an entry of a catalogue file's ``actor_groups``."""
    for n, (known, name_nl, name_en) in enumerate(DEFAULT_ACTOR_GROUPS):
        if known == code:
            return {"code": code, "name_nl": name_nl, "name_en": name_en, "sort_order": n}
    return None


def groups_of_codes(codes) -> list[dict[str, Any]]:
    """Entries like a catalogue file's ``actor_groups`` for the group codes ``codes`` of actors
    whose catalogue lists no groups: the default groups by their names and in their order, any
    other code after them, named by itself, in the order it first appears."""
    used = [code for code in dict.fromkeys(codes) if isinstance(code, str) and code]
    known = [
        entry for code in DEFAULT_GROUP_CODES if code in used and (entry := default_group(code))
    ]
    others = [
        {"code": code, "name_nl": code, "name_en": code}
        for code in used
        if code not in DEFAULT_GROUP_CODES
    ]
    return known + others
