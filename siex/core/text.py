"""Text that SIEX accepts: no control characters.

Control characters (a bell ``\\x07``, NUL, escape, the C1 range) cannot be shown or typed, break
the XLSX exports (openpyxl refuses them) and can hide text from a reader. They are refused at every
entrance — forms, API, imports, scenario and catalogue files — with the same validator, and what was
stored before is cleaned on the way out (``printable``). Tab, line feed and carriage return are
ordinary white space and stay allowed.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: C0 controls except tab, line feed and carriage return; DEL and the C1 controls; lone surrogates
#: and the two non-characters U+FFFE/U+FFFF, which no text file or database can hold.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

CONTROL_CHARACTER_MESSAGE = _(
    "The text contains a control character (an invisible character such as a bell or a NUL, "
    "at position %(position)s); remove it and try again."
)

CONTROL_CHARACTER_IN_ITEM_MESSAGE = _(
    "Item %(item)s contains a control character (an invisible character such as a bell or a NUL, "
    "at position %(position)s); remove it and try again."
)


def first_control_character(value: str) -> int | None:
    """The position (1-based) of the first control character in ``value``, or None."""
    match = CONTROL_CHARACTERS.search(value)
    return None if match is None else match.start() + 1


def validate_no_control_characters(value) -> None:
    """Refuse text that holds a control character (model, form and serializer fields)."""
    if not isinstance(value, str):
        return
    position = first_control_character(value)
    if position is not None:
        raise ValidationError(
            CONTROL_CHARACTER_MESSAGE, code="control_character", params={"position": position}
        )


def validate_no_control_characters_in_items(value) -> None:
    """Refuse a JSON list of texts (a version's stated assumptions) with a control character in
    any of its items, naming the item (1-based) and the position in it."""
    if not isinstance(value, list):
        return
    for number, item in enumerate(value, start=1):
        position = first_control_character(item) if isinstance(item, str) else None
        if position is not None:
            raise ValidationError(
                CONTROL_CHARACTER_IN_ITEM_MESSAGE,
                code="control_character",
                params={"item": number, "position": position},
            )


def printable(value: str) -> str:
    """``value`` with every control character removed (for exports of what is already stored)."""
    return CONTROL_CHARACTERS.sub("", value)


def control_characters_in(document) -> list[tuple[str, int]]:
    """Every text in a parsed JSON document (a scenario or catalogue file) that holds a control
    character: (its path, e.g. ``catalogue.outcomes[2].name_nl``, and the position), in the
    order of the document. An object's key counts as text too, at the path of its value (with
    the control character left out of the path)."""
    found: list[tuple[str, int]] = []
    # Depth-first without recursion, so that any depth is walked. A place is (its parent's
    # place, key or index), written out as a path only for the few texts that are refused; an
    # entry also carries the position of a control character in the key that led to it.
    stack: list[tuple[object, tuple | None, int | None]] = [(document, None, None)]
    while stack:
        value, place, in_key = stack.pop()
        if in_key is not None:
            found.append((_path(place), in_key))
        if isinstance(value, str):
            # isprintable() is quick, and false for every control character (and for tab and
            # new line, which the expression then lets through).
            if not value.isprintable():
                position = first_control_character(value)
                if position is not None:
                    found.append((_path(place), position))
        elif isinstance(value, dict):
            stack.extend(
                reversed([(item, (place, str(key)), _in_key(key)) for key, item in value.items()])
            )
        elif isinstance(value, list):
            stack.extend(reversed([(item, (place, n), None) for n, item in enumerate(value)]))
    return found


def _in_key(key) -> int | None:
    key = str(key)
    return None if key.isprintable() else first_control_character(key)


def _path(place: tuple | None) -> str:
    """``catalogue.outcomes[2].name_nl`` for the place (((None, "catalogue"), "outcomes"), 2)…"""
    steps = []
    while place is not None:
        place, step = place
        steps.append(step)
    path = ""
    for step in reversed(steps):
        if isinstance(step, int):
            path += f"[{step}]"
        else:
            path += f".{printable(step)}" if path else printable(step)
    return path
