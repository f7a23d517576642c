"""The roles of a user in a template: ``{% load roles %}{% user_roles user as roles %}``."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def user_roles(user) -> list:
    """The roles of ``user`` in the order of ``Role`` (none when nobody is signed in)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return selectors.user_roles(user)
