"""Template context shared by every page: the navigation that fits the user (the roles of the user
are shown by ``siex.accounts``' template tag ``user_roles``)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (permission, url name, label) in the order the navigation shows them.
NAVIGATION = [
    ("siex.view_start", "home", _("Start")),
    ("interventions.view_household_data", "register:households", _("Households")),
    ("calculation.view_results", "calculation:dashboard", _("Dashboard")),
    ("calculation.view_results", "calculation:scenarios", _("Scenarios")),
    ("monitoring.view_neighbourhood_photo", "indicators:index", _("Neighbourhood photo")),
    ("monitoring.import_indicator_values", "indicator_imports:index", _("Import indicators")),
    ("monitoring.view_photos", "photos:list", _("Kept photos")),
    ("interventions.view_household_data", "imports:index", _("Import and export")),
    ("interventions.view_catalogue", "catalogue:register", _("Catalogue")),
    ("interventions.view_catalogue", "api-docs", _("API")),
    ("siex.view_system_status", "core:status", _("System status")),
    ("accounts.manage_users", "accounts:users", _("Users")),
    ("siex.view_audit_log", "audit:access-log", _("Audit log")),
    # The roles that see households read the change history of household records; the
    # administrator reaches it under the audit log.
    ("interventions.view_household_data", "audit:changes", _("Change history")),
]


def siex(request):
    user = getattr(request, "user", None)
    navigation = []
    if user is not None and user.is_authenticated:
        navigation = [
            {"url": url, "label": label, "active": _is_active(request.path, url)}
            for permission, name, label in NAVIGATION
            if user.has_perm(permission) and (url := reverse(name))
        ]
        # A section below another (the indicator import under the neighbourhood photo) is the
        # one current page: only the most specific active link is marked.
        active = [item for item in navigation if item["active"]]
        for item in active:
            item["active"] = item is max(active, key=lambda a: len(a["url"]))
        if user.is_superuser:
            navigation.append(
                {"url": reverse("admin:index"), "label": _("Administration"), "active": False}
            )
    return {
        "siex_navigation": navigation,
        "siex_embedded": settings.EMBEDDED,
        "siex_small_cell_threshold": settings.SIEX_SMALL_CELL_THRESHOLD,
    }


def _is_active(path: str, url: str) -> bool:
    """The start page is active on itself only; a section also on the pages below it."""
    return path == url if url == "/" else path.startswith(url)
