"""Writes for accounts and roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from .roles import Role

User = get_user_model()


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


@transaction.atomic
def user_create_or_update(*, username: str, role: Role, password: str, validate: bool = True):
    """Create a user with exactly one role, or reset an existing user's role and password."""
    user = User.objects.filter(username=username).first() or User(username=username)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.is_staff = False
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get(name=role.value)])
    return user
