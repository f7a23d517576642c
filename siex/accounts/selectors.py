"""Reads for accounts and roles."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django_otp import user_has_device

from .models import OneTimePassword
from .roles import Role

#: Where django-rules' ``is_group_member`` predicates keep the names of a user's groups on the user
#: object once a permission was checked: the request's user, whose roles the permission checks,
#: the page's header and the access log then read once per request.
GROUP_NAMES = "_group_names_cache"


def role_names(user) -> set[str]:
    """The names of ``user``'s groups: those the permission checks read already (or prefetched
    groups) when there are, else read now."""
    prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")
    if prefetched is not None:
        return {group.name for group in prefetched}
    names = getattr(user, GROUP_NAMES, None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
    return names


def role_names_forget(user) -> None:
    """After a change of ``user``'s roles: read them again next time."""
    user.__dict__.pop(GROUP_NAMES, None)
    if hasattr(user, "_prefetched_objects_cache"):
        user._prefetched_objects_cache.pop("groups", None)


def user_roles(user) -> list[Role]:
    """The roles of a user, in the order of ``Role``."""
    if not user.is_authenticated:
        return []
    names = role_names(user)
    return [role for role in Role if role.value in names]


def account_list() -> QuerySet:
    """Every account for the user administration, by username, with its roles (prefetched) and
    ``has_one_time_password``. The users table is small: no paging needed."""
    return (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .annotate(has_one_time_password=Exists(OneTimePassword.objects.filter(user=OuterRef("pk"))))
    )


def account_state(user) -> str:
    """A fingerprint of what the user administration shows and changes of an account (name,
    e-mail, roles, status): the page sends it back on save, and a different fingerprint then means
    that someone else changed the account in the meantime."""
    state = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        "roles": sorted(role.value for role in user_roles(user)),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]


def one_time_password(user) -> OneTimePassword | None:
    """The pending one-time password of ``user`` (the row, never the password), or None."""
    if not user.is_authenticated:
        return None
    return OneTimePassword.objects.filter(user_id=user.pk).first()


def users_per_role() -> list[tuple[Role, int]]:
    """Active users per role, for the administrator's start page."""
    counts = dict(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[r.value for r in Role])
        .values_list("groups__name")
        .annotate(n=Count("id"))
    )
    return [(role, counts.get(role.value, 0)) for role in Role]


# --- Two-factor sign-in and API tokens ------------------------------------------------------------


def two_factor_required(user) -> bool:
    """Whether ``user`` must sign in with a second step: a superuser, or a user with one of the
    roles of ``SIEX_2FA_REQUIRED_ROLES`` (project lead and administrator by default)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.SIEX_2FA_REQUIRED_ROLES).exists()


def two_factor_step(user) -> str | None:
    """What a signed-in session of ``user`` that has not passed the second step still has to do:
    ``"verify"`` (enter a code: the user has an authenticator app or recovery codes), ``"setup"``
    (set up an app: required for the user's role, not done yet), or None (nothing: the second
    step is not required and the user did not set it up)."""
    if user_has_device(user):
        return "verify"
    if two_factor_required(user):
        return "setup"
    return None


def api_token_expired(token) -> bool:
    """Whether an API token is older than ``SIEX_API_TOKEN_HOURS``."""
    lifetime = timedelta(hours=settings.SIEX_API_TOKEN_HOURS)
    return token.created < timezone.now() - lifetime
