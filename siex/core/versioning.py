"""Records that several people edit: optimistic locking and exact decimals, one way for all.

A versioned record carries a ``version`` that every update raises by one. Whoever changes it says
which version they read; if someone else saved in between, the change is refused with a
``ConflictError`` that holds the stored record, and nothing is overwritten. The register, the
catalogue and the scenarios use this one mechanism (``VersionedModel`` and ``save_versioned``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def decimals_normalised(instance: models.Model) -> None:
    """Give every decimal value of ``instance`` its field's number of decimal places (2500 becomes
    2500.00), as the database stores it and gives it back.

    The change history (django-auditlog) compares the text of the value read from the database
    with that of the value being saved: 2500.00 and 2500 are one amount but two texts, and without
    this an edit of only the notes would record "actual cost 2500.00 → 2500". Only zeros are added
    or dropped: a value with more decimals than its field allows keeps them, for validation to
    refuse.
    """
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.DecimalField):
            continue
        value = getattr(instance, field.attname)
        if value is None or isinstance(value, bool):
            continue
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
            normalised = number.quantize(Decimal(1).scaleb(-field.decimal_places))
        except (ArithmeticError, ValueError, TypeError):
            continue  # not a number: validation says so
        if normalised == number:
            setattr(instance, field.attname, normalised)


class NormalisedDecimalsModel(models.Model):
    """A model whose decimals are written as the database stores them (``decimals_normalised``):
    on validation, which every entrance runs (forms, API, imports, catalogue file), and on save."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        decimals_normalised(self)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude=exclude)
        decimals_normalised(self)


class VersionedModel(NormalisedDecimalsModel):
    """A ``version`` that every update raises by one; an update that expects another version is a
    conflict (optimistic locking, ``save_versioned``)."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)
    created_at = models.DateTimeField(gettext_lazy("created"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("last changed"), auto_now=True)

    class Meta:
        abstract = True


class ConflictError(Exception):
    """Someone else changed the record since it was read; ``current`` is the stored version."""

    def __init__(self, current: VersionedModel):
        self.current = current
        super().__init__(
            _(
                "This record was changed by someone else in the meantime (now version %(version)s). "  # noqa: E501
                "Reload it, check the changes and enter yours again."
            )
            % {"version": current.version}
        )


_Versioned = TypeVar("_Versioned", bound=VersionedModel)


def save_versioned(
    instance: _Versioned,
    *,
    expected_version: int,
    changes: dict[str, Any],
    refuse: Callable[[_Versioned], None] | None = None,
    check_changes: Callable[[_Versioned], None] | None = None,
    check: Callable[[_Versioned], None] | None = None,
) -> _Versioned:
    """Apply ``changes`` to the stored record if it is still at ``expected_version``.

    The stored record is locked first. ``refuse`` may raise about the stored record whatever its
    version (a fixed scenario version never changes); ``check_changes`` may raise a
    ValidationError about the changes as a whole, with the stored record still unchanged;
    ``check`` may raise one about the changed record after its own validation. Nothing is written
    unless all pass.
    """
    model = type(instance)
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if refuse is not None:
            refuse(current)
        if current.version != expected_version:
            raise ConflictError(current)
        if check_changes is not None:
            check_changes(current)
        for field, value in changes.items():
            setattr(current, field, value)
        current.full_clean()
        if check is not None:
            check(current)
        # The conditional UPDATE claims the version atomically, also where SELECT ... FOR UPDATE
        # is not available (SQLite); the save() after it writes the fields and the change history.
        claimed = model._default_manager.filter(pk=current.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise ConflictError(model._default_manager.get(pk=current.pk))
        current.version = expected_version + 1
        current.save()
    return current
