"""The access log in the Django admin: readable, never editable — not even by a superuser."""

from django.contrib import admin

from .models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = (
        "timestamp",
        "username",
        "action",
        "model",
        "object_count",
        "result_count",
        "method",
        "path",
        "status_code",
        "remote_addr",
    )
    list_filter = ("action", "model")
    ordering = ("-timestamp", "-id")
    # The audit pages (audit:access-log) page without counting; here at least the unfiltered
    # total is not counted a second time.
    show_full_result_count = False
    readonly_fields = [field.name for field in AccessLogEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
