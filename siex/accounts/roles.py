"""The four roles of SIEX. A role is a Django group; what it may do is decided in ``rules.py``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Group names are stable Dutch codes; the label is translated for the UI."""

    POLICY_OFFICER = "beleidsmedewerker", _("Policy officer")
    COUNCIL_MEMBER = "raadslid", _("Council member")
    PROJECT_LEAD = "projectleider", _("Project lead")
    ADMINISTRATOR = "beheerder", _("Administrator")


# No role works in the Django admin: it is the superuser's (see ``admin_site.py``). Roles carry no
# model permissions either; everything a role may do is a predicate in ``rules.py``.
