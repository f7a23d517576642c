from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "siex.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from siex.core.start_page import start_section_add

        from . import (
            audit,  # noqa: F401  (registers the change history of accounts)
            start_page,
        )
        from .middleware import one_time_password_session_mark, session_times_mark
        from .services import api_tokens_revoke_on_password_change

        user_logged_in.connect(one_time_password_session_mark, dispatch_uid="siex-one-time")
        user_logged_in.connect(session_times_mark, dispatch_uid="siex-session-times")
        pre_save.connect(
            api_tokens_revoke_on_password_change,
            sender=get_user_model(),
            dispatch_uid="siex-api-tokens-revoke",
        )
        start_section_add(*start_page.SECTIONS)


class SiexAdminConfig(admin_apps.AdminConfig):
    """The Django admin with SIEX's site: open to superusers only (``admin_site.py``)."""

    default = False
    default_site = "siex.accounts.admin_site.SiexAdminSite"
