"""One rule for text at every entrance: no control characters."""

import pytest
from django.core.exceptions import ValidationError

from siex.core.text import first_control_character, printable, validate_no_control_characters


@pytest.mark.parametrize(
    "value", ["Budgetcoaching", "regel 1\nregel 2\r\n", "a\tb", "€ ë ß 😀", ""]
)
def test_ordinary_text_is_accepted(value):
    validate_no_control_characters(value)
    assert printable(value) == value


@pytest.mark.parametrize(
    "value,position", [("bel\x07", 4), ("\x00", 1), ("esc\x1b[0m", 4), ("c1\x85", 3), ("\ud800", 1)]
)
def test_control_characters_are_refused_with_their_position(value, position):
    assert first_control_character(value) == position
    with pytest.raises(ValidationError) as error:
        validate_no_control_characters(value)
    assert error.value.code == "control_character"
    assert str(position) in error.value.messages[0]
    assert first_control_character(printable(value)) is None
