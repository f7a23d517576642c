"""Pseudonymisation: a keyed hash of the municipality's reference; no reference, no BSN stored."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from interventions.register import services
from interventions.register.models import Household
from interventions.register.pseudonyms import looks_like_bsn, pseudonymise, validate_reference
from tests.factories import DistrictFactory


def test_same_reference_same_pseudonym_whatever_the_spelling():
    assert pseudonymise("wij-2024-00123") == pseudonymise(" WIJ-2024- 00123 ")
    assert pseudonymise("WIJ-2024-00123") != pseudonymise("WIJ-2024-00124")


def test_the_pseudonym_depends_on_the_secret_key(settings):
    with_default_key = pseudonymise("WIJ-1")
    settings.SIEX_PSEUDONYM_KEY = "another-municipality-key"
    assert pseudonymise("WIJ-1") != with_default_key
    assert pseudonymise("WIJ-1", key="another-municipality-key") == pseudonymise("WIJ-1")


def test_the_pseudonym_is_an_hmac_not_a_plain_hash(settings):
    import hashlib

    pseudonym = pseudonymise("WIJ-1")
    assert len(pseudonym) == 64
    assert pseudonym != hashlib.sha256(b"WIJ-1").hexdigest()
    assert "WIJ" not in pseudonym


@pytest.mark.parametrize(
    "bsn", ["111222333", "123456782", "12345672", "1234.56.782", "123 456 782"]
)
def test_a_bsn_is_recognised_by_the_eleven_test(bsn):
    assert looks_like_bsn(bsn)
    with pytest.raises(ValidationError, match="BSN"):
        validate_reference(bsn)


@pytest.mark.parametrize("reference", ["123456789", "WIJ-2024-00123", "1234", "GKB/88123"])
def test_other_references_are_accepted(reference):
    assert not looks_like_bsn(reference)
    assert validate_reference(reference) == reference.upper()


@pytest.mark.parametrize("reference", ["", "   ", "Jan Jansen, Hoofdstraat 1", "x" * 65])
def test_references_that_are_empty_or_look_like_free_text_are_refused(reference):
    with pytest.raises(ValidationError):
        validate_reference(reference)


@pytest.mark.django_db
def test_neither_the_reference_nor_the_key_reaches_the_database(settings):
    settings.SIEX_PSEUDONYM_KEY = "a-key-that-must-stay-outside-the-database"
    area = DistrictFactory()
    household = services.household_create(
        external_reference="WIJ-2024-77777",
        area=area,
        income_source="bijstand",
        debt_situation="none",
        participation_start=date(2024, 1, 1),
        legal_basis="consent",
    )
    assert household.pseudonym == pseudonymise("WIJ-2024-77777")
    # Look through every text column of every table in the database.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert "77777" not in text, table
                assert "a-key-that-must-stay" not in text, table


@pytest.mark.django_db
def test_registering_the_same_reference_twice_is_refused():
    area = DistrictFactory()
    fields = {
        "area": area,
        "income_source": "bijstand",
        "debt_situation": "none",
        "participation_start": date(2024, 1, 1),
        "legal_basis": "consent",
    }
    services.household_create(external_reference="WIJ-5", **fields)
    with pytest.raises(ValidationError) as error:
        services.household_create(external_reference="wij-5", **fields)
    assert "already registered" in " ".join(error.value.message_dict["external_reference"])
    assert Household.objects.count() == 1
