"""User administration for the administrator (beheerder) role.

An administrator manages users and their roles but cannot grant superuser status or loose
permissions: roles are the only way access is given.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("SIEX administration")
admin.site.site_title = _("SIEX administration")
admin.site.index_title = _("Users, roles and configuration")

admin.site.unregister(User)


@admin.register(User)
class SiexUserAdmin(UserAdmin):
    list_display = ("username", "is_active", "is_staff", "last_login", "roles")
    list_filter = ("is_active", "groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return (
            (None, {"fields": ("username", "password")}),
            (_("Access"), {"fields": ("is_active", "is_staff", "groups")}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["last_login", "date_joined"]
        return readonly
