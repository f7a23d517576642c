"""Writes for accounts and roles: creating users, giving roles, (de)activating, passwords.

Each function that changes an account takes the ``actor`` who does it and holds them to the
separation of duties in ``rules.py``: nobody changes their own account, an administrator acts
only on accounts without more rights than their own and gives only the roles the page offers.
``actor=None`` is a management command, run by whoever holds the server. Accounts are never
deleted (the change history and the access log refer to them): they are deactivated.
django-auditlog records every change with its actor and address (``audit.py``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from siex.core.text import validate_no_control_characters

from .models import OneTimePassword
from .roles import Role
from .rules import account_refusal, grantable_roles
from .selectors import account_state, role_names_forget, user_roles

User = get_user_model()

# A one-time password not used within this time no longer signs anyone in.
ONE_TIME_PASSWORD_VALIDITY = timedelta(days=7)
# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_DETAIL_FIELDS = ("first_name", "last_name", "email")


class AccountRefused(PermissionDenied):
    """The actor may not do this to this account; the message says why."""


class AccountConflictError(Exception):
    """Someone else changed the account since it was read; ``current`` is the stored account."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            _(
                "Someone else changed this account while you were editing it. Check what is "
                "stored now and save again."
            )
        )


# --- Roles ----------------------------------------------------------------------------------------


@transaction.atomic
def roles_sync() -> list[Group]:
    """Create the role groups. Idempotent.

    Roles carry no model permissions: what a role may do is in ``rules.py`` and the Django admin
    is the superuser's. Permissions an earlier version gave a role (the administrator's admin
    permissions) are taken away here.
    """
    groups = []
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        if group.permissions.exists():
            group.permissions.clear()
        groups.append(group)
    return groups


# --- Creating and changing accounts ---------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    roles: Iterable[Role],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> tuple[AbstractUser, str]:
    """Create an active account with ``roles`` and a one-time password.

    Returns the account and its one-time password: show it once to whoever hands it over; it is
    stored only as a hash, and the user must choose their own password at the first sign-in.
    Never staff, never superuser (``createsuperuser`` makes superusers).
    """
    roles = _checked_roles(actor, roles)
    username = username.strip()
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        is_active=True,
        is_staff=False,
        is_superuser=False,
    )
    _validate(user)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("An account with this username exists already.")})
    password = one_time_password_generate(user)
    user.set_password(password)
    user.save()
    _roles_apply(user, roles, changeable=grantable_roles(actor) if actor else list(Role))
    _one_time_mark(user, issued_by=actor)
    return user, password


@transaction.atomic
def user_update(
    *,
    actor,
    user,
    expected_state: str,
    roles: Iterable[Role],
    first_name: str,
    last_name: str,
    email: str,
) -> AbstractUser:
    """Change an account's name, e-mail and roles, if it is still as the actor read it
    (``expected_state``, from ``selectors.account_state``); otherwise ``AccountConflictError``."""
    stored = _locked(actor, user, expected_state=expected_state)
    roles = _checked_roles(actor, roles)
    stored.first_name, stored.last_name, stored.email = (
        first_name.strip(),
        last_name.strip(),
        email.strip(),
    )
    _validate(stored)
    stored.save(update_fields=list(_DETAIL_FIELDS))
    _roles_apply(stored, roles, changeable=grantable_roles(actor) if actor else list(Role))
    return stored


@transaction.atomic
def user_roles_set(*, actor, user, roles: Iterable[Role], expected_state: str | None = None):
    """Give ``user`` exactly ``roles`` (among those the actor may give; other roles stay)."""
    stored = _locked(actor, user, expected_state=expected_state)
    roles = _checked_roles(actor, roles)
    _roles_apply(stored, roles, changeable=grantable_roles(actor) if actor else list(Role))
    return stored


@transaction.atomic
def user_deactivate(*, actor, user) -> AbstractUser:
    """Close an account: it signs in no more, its sessions and API token stop working at their
    next request. The account stays, with its history; it can be activated again."""
    return _active_set(actor, user, active=False)


@transaction.atomic
def user_activate(*, actor, user) -> AbstractUser:
    return _active_set(actor, user, active=True)


# --- Passwords ------------------------------------------------------------------------------------


def one_time_password_generate(user=None) -> str:
    """A random password of four groups of four letters and digits (about 79 bits), one that
    the password rules accept."""
    while True:
        password = "-".join(
            "".join(secrets.choice(_ONE_TIME_ALPHABET) for _i in range(4)) for _j in range(4)
        )
        try:
            validate_password(password, user)
        except ValidationError:  # pragma: no cover - a random draw resembling the username
            continue
        return password


@transaction.atomic
def user_password_set(*, actor, user, password: str, one_time: bool = True) -> None:
    """Set ``user``'s password.

    A password someone else sets (an administrator, a command) is a one-time password: the user
    must replace it at the first sign-in, and a sign-in lock on the account is lifted.
    ``one_time=False`` is for the user's own choice (``actor`` is the user) and for the demo
    users. The change history records that the password changed, never the password.
    """
    own_choice = actor is not None and actor.pk == user.pk and not one_time
    if actor is not None and not own_choice:
        _refuse_unless_allowed(actor, user)  # also: nobody resets their own password here
        if not one_time:
            raise ValueError("A password someone else sets is always a one-time password.")
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    if one_time:
        _one_time_mark(user, issued_by=actor)
        axes_reset(username=user.get_username())
    else:
        OneTimePassword.objects.filter(user=user).delete()


def user_password_reset(*, actor, user) -> str:
    """Give ``user`` a new one-time password and return it (to be shown once)."""
    password = one_time_password_generate(user)
    user_password_set(actor=actor, user=user, password=password, one_time=True)
    return password


def one_time_password_expired(one_time) -> bool:
    return one_time.issued_at < timezone.now() - ONE_TIME_PASSWORD_VALIDITY


def user_password_reset_by_mail(*, user, password: str) -> None:
    """The user chose a new password through the link mailed to them: their own password (a
    pending one-time password is gone with it), and a sign-in lock on the account is lifted."""
    user_password_set(actor=user, user=user, password=password, one_time=False)
    axes_reset(username=user.get_username())


def api_tokens_revoke_on_password_change(sender, instance, **kwargs) -> None:
    """``pre_save`` receiver of the user model: a user whose password changes (whichever way:
    their own choice, a reset, the admin, a command) loses every API token. Django's
    ``set_password`` keeps the new password in ``_password`` until the user is saved."""
    if instance.pk is not None and getattr(instance, "_password", None) is not None:
        Token.objects.filter(user_id=instance.pk).delete()


# --- The demo -------------------------------------------------------------------------------------


@transaction.atomic
def two_factor_demo_device(user, *, recovery_codes: int = 3) -> tuple[TOTPDevice, list[str]]:
    """A demo user's second step, ready to use: a new authenticator-app key (its otpauth URI is
    ``device.config_url``) and a few recovery codes, replacing whatever the user had."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(recovery_codes)]
    for code in codes:
        backup.token_set.create(token=code)
    return device, codes


@transaction.atomic
def user_create_or_update(*, username: str, role: Role, password: str):
    """A demo user (``setup_demo``): create it with exactly one role, or reset an existing one's
    role and password. The password is the demo's, not a one-time password."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        user.set_unusable_password()
        user.save()
    user_password_set(actor=None, user=user, password=password, one_time=False)
    if not user.is_active or user.is_staff:
        user.is_active, user.is_staff = True, False
        user.save(update_fields=["is_active", "is_staff"])
    _roles_apply(user, [role], changeable=list(Role))
    return user


# --- Helpers --------------------------------------------------------------------------------------


def _refuse_unless_allowed(actor, user) -> None:
    reason = account_refusal(actor, user)
    if reason:
        raise AccountRefused(reason)


def _locked(actor, user, *, expected_state: str | None):
    """The stored account, locked until the end of the transaction, after the checks."""
    stored = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None:
        _refuse_unless_allowed(actor, stored)
    if expected_state is not None and account_state(stored) != expected_state:
        raise AccountConflictError(stored)
    return stored


def _checked_roles(actor, roles: Iterable[Role]) -> list[Role]:
    roles = [Role(role) for role in roles]
    if actor is None:
        return roles
    allowed = grantable_roles(actor)
    if not allowed:
        raise AccountRefused(_("Only an administrator manages accounts."))
    beyond = [role for role in roles if role not in allowed]
    if beyond:
        raise AccountRefused(
            _("You may not give the role %(roles)s.")
            % {"roles": ", ".join(str(role.label) for role in beyond)}
        )
    return roles


def _roles_apply(user, roles: list[Role], *, changeable: list[Role]) -> None:
    """Give exactly ``roles`` among ``changeable``; other groups stay. django-auditlog records
    each role added and taken away (the groups relation)."""
    role_names_forget(user)
    current = set(user_roles(user))
    wanted = set(roles)
    removed = [role.value for role in changeable if role in current and role not in wanted]
    added = [role.value for role in changeable if role in wanted and role not in current]
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if added:
        # get_or_create: on a database where setup_roles has not run yet the role's group does
        # not exist, and the role would silently not be given.
        user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in added))
    role_names_forget(user)


def _active_set(actor, user, *, active: bool):
    stored = _locked(actor, user, expected_state=None)
    if stored.is_active != active:
        stored.is_active = active
        stored.save(update_fields=["is_active"])
    return stored


def _one_time_mark(user, *, issued_by) -> None:
    OneTimePassword.objects.update_or_create(
        user=user, defaults={"issued_by": issued_by, "issued_at": timezone.now()}
    )


def _validate(user) -> None:
    """The account's own field rules (username characters and length, e-mail), and no control
    characters in names; each error on its field."""
    errors: dict[str, list] = {}
    try:
        user.full_clean(exclude=["password", "last_login", "date_joined"], validate_unique=False)
    except ValidationError as error:
        errors.update(error.error_dict)
    for field in ("username", *_DETAIL_FIELDS):
        try:
            validate_no_control_characters(getattr(user, field))
        except ValidationError as error:
            errors.setdefault(field, []).append(error)
    if errors:
        raise ValidationError(errors)
