"""Formatting for the Dutch locale: amounts (EUR 1.234,56), dates (31-03-2026), suppressed counts
("<10"). The filters are plain functions too: messages in Python format amounts and dates with them,
so a message shows them as the page does."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def euro(value, decimals: int = 2) -> str:
    """EUR 1.234,56 (the Dutch notation in every language, see ``siex/formats``); empty for no
    value."""
    if value in (None, ""):
        return ""
    # Django's number_format cuts decimals off; round half up first, as an accountant would.
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(decimals)), ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    formatted = number_format(
        abs(amount), decimal_pos=int(decimals), use_l10n=True, force_grouping=True
    )
    return f"{sign}EUR\u00a0{formatted}"


@register.filter
def count(value) -> str:
    """A count with thousands grouping; None (a suppressed cell) as "<10"."""
    if value is None:
        return f"<{settings.SIEX_SMALL_CELL_THRESHOLD}"
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


@register.filter
def percentage(value, decimals: int = 1) -> str:
    if value in (None, ""):
        return ""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(decimals)), ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=int(decimals), use_l10n=True) + "%"


@register.filter
def short_date(value) -> str:
    """A date as every page shows it: 31-03-2026 (``SHORT_DATE_FORMAT``); empty for no date."""
    if value in (None, ""):
        return ""
    return date_format(value, "SHORT_DATE_FORMAT")
