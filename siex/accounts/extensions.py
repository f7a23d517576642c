"""What higher layers add to the administrator's account form. The accounts layer does not know
them: a higher layer registers a field in its ``AppConfig.ready`` (``account_field_add``), such as
the teams of a policy officer (``interventions``: who sees which household)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms


@dataclass(frozen=True)
class AccountField:
    """A field of the account form: how it is made, its value for an account, and how a value
    is saved (raising a ValidationError keyed on ``name`` when it may not be)."""

    name: str
    field: Callable[[], forms.Field]
    initial: Callable[[Any], Any]
    save: Callable[[Any, Any], None]


_ACCOUNT_FIELDS: list[AccountField] = []


def account_field_add(account_field: AccountField) -> None:
    if all(known.name != account_field.name for known in _ACCOUNT_FIELDS):
        _ACCOUNT_FIELDS.append(account_field)


def account_fields() -> list[AccountField]:
    return list(_ACCOUNT_FIELDS)
