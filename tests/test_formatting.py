"""Amounts, counts and dates in the Dutch notation (EUR 1.234,56; 31-03-2026) in every language,
suppressed counts as "<10", and the fields that read amounts, numbers, rates and dates."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format

from siex.core.forms import AmountField, DateField, NumberField, PercentField, WholeNumberField
from siex.core.templatetags.siex import count, euro, percentage, short_date


def test_amounts_are_formatted_the_dutch_way():
    with translation.override("nl"):
        assert euro(Decimal("1234.56")) == "EUR\u00a01.234,56"
        assert euro(-2500) == "−EUR\u00a02.500,00"
        assert euro(Decimal("1234567.891"), 0) == "EUR\u00a01.234.568"
        assert euro(None) == ""
        assert count(24920) == "24.920"
        assert percentage(Decimal("19.9")) == "19,9%"


def test_the_english_interface_keeps_the_dutch_notation():
    """The municipality writes EUR 1.234,56 and 31-03-2026; the English pages translate the words,
    not the notation, so an amount or date field reads what its page shows."""
    with translation.override("en"):
        assert euro(Decimal("1234.56")) == "EUR\u00a01.234,56"
        assert count(24920) == "24.920"
        assert short_date(date(2026, 3, 5)) == "05-03-2026"


def test_one_short_date_on_every_page():
    with translation.override("nl"):
        assert short_date(date(2026, 12, 5)) == "05-12-2026"
        assert date_format(datetime(2026, 12, 5, 9, 3), "SHORT_DATETIME_FORMAT") == (
            "05-12-2026 09:03"
        )
        assert short_date(None) == ""


def test_a_suppressed_count_shows_the_threshold(settings):
    settings.SIEX_SMALL_CELL_THRESHOLD = 10
    assert count(None) == "<10"
    settings.SIEX_SMALL_CELL_THRESHOLD = 5
    assert count(None) == "<5"


# --- the one way SIEX reads numbers and dates (siex.core.forms) ----------------------------------

AMOUNTS = [
    ("12,50", Decimal("12.50")),
    ("1.200,50", Decimal("1200.50")),
    ("1.200", Decimal("1200")),  # a thousands separator between groups of three
    ("1.200.000", Decimal("1200000")),
    ("1200.50", Decimal("1200.50")),  # a point that cannot separate thousands is a decimal point
    ("€ 12,50", Decimal("12.50")),
    ("EUR 1.200,50", Decimal("1200.50")),
    ("12,-", Decimal("12")),
    ("−5", Decimal("-5")),  # the typographic minus of a word processor
    (" 2 500,00 ", Decimal("2500.00")),
    ("1e3", None),
    ("abc", None),
    ("12,5,0", None),
    ("1,200.50", None),  # the English notation is refused, never guessed at
    ("1,200", None),  # one euro twenty with a decimal too many, not twelve hundred
    ("1.20.0", None),
    ("12 %", None),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(("typed", "read"), AMOUNTS)
def test_an_amount_is_read_the_dutch_way_in_every_language(language, typed, read):
    field = AmountField(required=False)
    with translation.override(language):
        if read is None:
            with pytest.raises(ValidationError) as refused:
                field.clean(typed)
            assert refused.value.messages[0].endswith(" 1.200,50.")  # said in either language
        else:
            assert field.clean(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [("4", 0.04), ("4,0", 0.04), ("4%", 0.04), ("4 %", 0.04), ("2,25", 0.0225), ("0,5", 0.005)],
)
def test_a_rate_is_typed_in_percent_and_kept_as_a_fraction(typed, read):
    assert PercentField(fraction=True, as_float=True).clean(typed) == read


def test_a_percentage_is_shown_with_its_sign_and_read_back():
    field = PercentField(fraction=True, as_float=True, min_value=0, max_value=20)
    html = field.widget.render("rate", field.prepare_value(0.0225))
    assert 'value="2,25"' in html and 'type="text"' in html
    assert '<span class="input-unit__suffix" aria-hidden="true">%</span>' in html
    assert field.clean("2,25") == 0.0225
    with pytest.raises(ValidationError) as refused:
        field.clean("25")
    assert refused.value.messages == ["Enter 20% or less."]


@pytest.mark.parametrize(
    ("typed", "read"),
    [("12", 12), ("10.000", 10000), ("−3", -3), ("12,5", None), ("10,000", None), ("1e3", None)],
)
def test_a_whole_number_is_read_the_dutch_way(typed, read):
    if read is None:
        with pytest.raises(ValidationError):
            WholeNumberField().clean(typed)
    else:
        assert WholeNumberField().clean(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("31-03-2026", date(2026, 3, 31)),
        ("31-3-2026", date(2026, 3, 31)),
        ("5-12-2026", date(2026, 12, 5)),
        ("31/03/2026", date(2026, 3, 31)),
        ("2026-03-31", date(2026, 3, 31)),
        ("03/31/2026", None),  # the American order is refused
        ("31-03-26", None),
        ("31-02-2026", None),
        ("31-03-0026", None),
    ],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_date_is_read_as_day_month_year_in_every_language(language, typed, read):
    with translation.override(language):
        if read is None:
            with pytest.raises(ValidationError):
                DateField().clean(typed)
        else:
            assert DateField().clean(typed) == read


@pytest.mark.parametrize("language", ["nl", "en"])
def test_what_a_field_shows_it_reads_back(language):
    with translation.override(language):
        amount = AmountField()
        shown = amount.widget.format_value(amount.prepare_value(Decimal("1234567.5")))
        assert shown == "1.234.567,50"
        assert amount.clean(shown) == Decimal("1234567.50")
        number = NumberField()
        assert number.widget.format_value(number.prepare_value(0.0225)) == "0,0225"
        assert number.clean("0,0225") == Decimal("0.0225")
        day = DateField()
        assert day.widget.format_value(date(2026, 3, 5)) == "05-03-2026"
        assert day.clean("05-03-2026") == date(2026, 3, 5)
        assert "31-03-2026" in str(day.help_text)
