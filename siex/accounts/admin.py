"""Users, one-time passwords and roles in the Django admin (superusers only, see ``admin_site``).

The administrator role manages users on SIEX's own pages (``views.py``); a superuser may also do it
here. Every change to an account, a password included (without its value), is in the change
history whichever way it is made (``audit.py``).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from .models import OneTimePassword

admin.site.unregister(User)


@admin.register(User)
class SiexUserAdmin(UserAdmin):
    list_display = ("username", "is_active", "is_staff", "is_superuser", "last_login", "roles")
    list_filter = ("is_active", "is_superuser", "groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    #: What nobody changes on their own account, a superuser neither (separation of duties).
    OWN_ACCOUNT_READ_ONLY = ("groups", "user_permissions", "is_active", "is_staff", "is_superuser")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            return fields + self.OWN_ACCOUNT_READ_ONLY
        return fields


@admin.register(OneTimePassword)
class OneTimePasswordAdmin(admin.ModelAdmin):
    """Which accounts still have to choose their own password; read only."""

    list_display = ("user", "issued_by", "issued_at")
    readonly_fields = ("user", "issued_by", "issued_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
