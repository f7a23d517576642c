"""The four roles of SIEX. A role is a Django group; what it may do is decided in ``rules.py``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Group names are stable Dutch codes; the label is translated for the UI."""

    POLICY_OFFICER = "beleidsmedewerker", _("Policy officer")
    COUNCIL_MEMBER = "raadslid", _("Council member")
    PROJECT_LEAD = "projectleider", _("Project lead")
    ADMINISTRATOR = "beheerder", _("Administrator")


# Roles whose members work in the Django admin (it checks ``is_staff``).
STAFF_ROLES = frozenset({Role.ADMINISTRATOR})

# Standard model permissions for the Django admin, per role. Application pages and the API are
# governed by the predicates in rules.py; the admin needs real permission rows.
ADMIN_MODEL_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMINISTRATOR: [
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "authtoken.view_tokenproxy",
        "authtoken.add_tokenproxy",
        "authtoken.delete_tokenproxy",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        "auditlog.view_logentry",
        "audit.view_accesslogentry",
        "monitoring.view_area",
    ],
}
