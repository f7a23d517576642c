"""Reads for accounts and roles."""

from .roles import Role


def user_roles(user) -> list[Role]:
    """The roles of a user, in the order of ``Role``."""
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in names]
