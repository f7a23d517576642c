"""Users and roles in the Django admin (superusers only, see ``admin_site``)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

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
