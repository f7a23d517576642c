"""Household pseudonyms: a keyed hash (HMAC-SHA256) of the municipality's own reference.

The key is configuration (``SIEX_PSEUDONYM_KEY``), never stored in the database, so the database
alone does not reveal which reference a pseudonym stands for, and without the key nobody can
compute the pseudonym of a known reference. The same reference always gives the same pseudonym,
which lets imports match households without storing the reference.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

# Separates these pseudonyms from any other use of the same key.
_DOMAIN = b"siex:household:v1:"
_WHITESPACE = re.compile(r"\s+")
_REFERENCE_CHARS = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,63}$")


def normalise_reference(reference: str) -> str:
    """Upper case, no surrounding or inner white space: " ab 123 " and "AB123" are one reference."""
    return _WHITESPACE.sub("", str(reference)).upper()


def looks_like_bsn(reference: str) -> bool:
    """True for a 9-digit number (or 8 with the leading zero dropped) that passes the BSN
    eleven test (elfproef), also when written with spaces or dots (1234.56.782)."""
    digits = normalise_reference(reference).replace(".", "")
    if not digits.isdigit() or len(digits) not in (8, 9):
        return False
    digits = digits.zfill(9)
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    return total % 11 == 0 and digits != "000000000"


BSN_REFUSED = _(
    "This looks like a citizen service number (BSN). SIEX does not process BSNs: "
    "use the municipality's own client or case number."
)


def refuse_bsn(value: str) -> None:
    """A ValidationError (code "bsn") for a value that looks like a BSN: SIEX neither stores nor
    searches for one. Used wherever a reference or a search term comes in."""
    if looks_like_bsn(value or ""):
        raise ValidationError(BSN_REFUSED, code="bsn")


def validate_reference(reference: str) -> str:
    """The normalised reference, or a ValidationError that says what is wrong with it."""
    normalised = normalise_reference(reference or "")
    if not normalised:
        raise ValidationError(_("Enter the municipality's own reference for this household."))
    if not _REFERENCE_CHARS.match(normalised):
        raise ValidationError(
            _(
                "A reference is 1 to 64 letters, digits, dots, hyphens, slashes or underscores "
                "(for example WIJ-2024-00123)."
            )
        )
    refuse_bsn(normalised)
    return normalised


def pseudonymise(reference: str, *, key: str | None = None) -> str:
    """The pseudonym (64 hex characters) of a validated reference."""
    key = key if key is not None else settings.SIEX_PSEUDONYM_KEY
    if not key:
        raise ImproperlyConfigured("SIEX_PSEUDONYM_KEY is not set.")
    message = _DOMAIN + normalise_reference(reference).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()
