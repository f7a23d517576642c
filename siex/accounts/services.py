"""Writes for accounts and roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from .roles import ADMIN_MODEL_PERMISSIONS, STAFF_ROLES, Role

User = get_user_model()


@transaction.atomic
def roles_sync() -> list[Group]:
    """Create the role groups and give them their admin model permissions. Idempotent."""
    groups = []
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in ADMIN_MODEL_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                raise LookupError(f"Permission {dotted} does not exist; run migrate first.")
            wanted.append(permission)
        group.permissions.set(wanted)
        groups.append(group)
    return groups


@transaction.atomic
def user_create_or_update(*, username: str, role: Role, password: str, validate: bool = True):
    """Create a user with exactly one role, or reset an existing user's role and password."""
    user = User.objects.filter(username=username).first() or User(username=username)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.is_staff = role in STAFF_ROLES
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get(name=role.value)])
    return user
