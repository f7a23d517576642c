"""Amounts and counts in the Dutch locale (EUR 1.234,56), and suppressed counts as "<10"."""

from decimal import Decimal

from django.utils import translation

from siex.core.templatetags.siex import count, euro, percentage


def test_amounts_are_formatted_the_dutch_way():
    with translation.override("nl"):
        assert euro(Decimal("1234.56")) == "EUR\u00a01.234,56"
        assert euro(-2500) == "−EUR\u00a02.500,00"
        assert euro(Decimal("1234567.891"), 0) == "EUR\u00a01.234.568"
        assert euro(None) == ""
        assert count(24920) == "24.920"
        assert percentage(Decimal("19.9")) == "19,9%"


def test_english_uses_english_separators():
    with translation.override("en"):
        assert euro(Decimal("1234.56")) == "EUR\u00a01,234.56"
        assert count(24920) == "24,920"


def test_a_suppressed_count_shows_the_threshold(settings):
    settings.SIEX_SMALL_CELL_THRESHOLD = 10
    assert count(None) == "<10"
    settings.SIEX_SMALL_CELL_THRESHOLD = 5
    assert count(None) == "<5"
