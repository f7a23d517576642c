"""The session's catalogue snapshot leaves exactly what the real loader leaves."""

import pytest
from django.db import models, transaction
from django.forms.models import model_to_dict

from interventions.catalogue.models import (
    InterventionOutcome,
    InterventionType,
    Outcome,
    OutcomeValue,
)

from .conftest import _load_groningen_catalogue
from .snapshots import _tables


def _contents():
    """Every table's rows without what a second load numbers or stamps differently (keys,
    references to keys, times); the audit log by object and action."""
    from auditlog.models import LogEntry

    contents = {}
    for model in _tables():
        if model is LogEntry:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if not (field.primary_key or field.is_relation)
            and not isinstance(field, models.DateTimeField)
        ]
        contents[model._meta.label] = sorted(map(repr, model._base_manager.values_list(*fields)))
    contents["log"] = sorted(
        LogEntry.objects.values_list("content_type__model", "action", "object_repr")
    )
    return contents


@pytest.mark.django_db
def test_the_restored_catalogue_equals_a_fresh_load(groningen_catalogue_snapshot):
    with transaction.atomic():
        report = _load_groningen_catalogue()
        loaded = _contents()
        transaction.set_rollback(True)
    assert InterventionType.objects.count() == 0
    assert groningen_catalogue_snapshot.restore() == report
    assert _contents() == loaded
    assert InterventionType.objects.exists() and OutcomeValue.objects.exists()


@pytest.mark.django_db
def test_rows_created_after_a_restore_get_new_keys(groningen_catalogue):
    outcome = Outcome.objects.order_by("pk").first()
    copy = model_to_dict(outcome, exclude=["id", "life_domain"])
    created = Outcome.objects.create(
        **{**copy, "code": "nieuw-effect", "life_domain": outcome.life_domain}
    )
    assert created.pk > Outcome.objects.exclude(pk=created.pk).order_by("-pk").first().pk
    assert InterventionOutcome.objects.exists()
