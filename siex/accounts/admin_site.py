"""The Django admin is the superuser's tool: no role reaches it.

Through the admin an administrator could set the password of any account (a superuser's too),
give themselves a role that reads households, issue an API token that acts as someone else, or
read the change history of household records. SIEX's own pages do what the administrator role
needs (users and roles, the audit log) with those rules enforced; the admin stays for the
superuser, who holds every right anyway.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, for superusers only."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct username and password of a superuser account. Other "
            "accounts sign in to SIEX itself."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class SiexAdminSite(admin.AdminSite):
    site_header = _("SIEX administration")
    site_title = _("SIEX administration")
    index_title = _("Configuration (superusers only)")
    login_form = SuperuserAuthenticationForm

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser
