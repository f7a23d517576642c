"""The access log (toegangslog): one append-only row per view, search, export or import of
household data. The change history of records is django-auditlog's ``LogEntry``, not a model here.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Kept importable from here, where the log's writers have always found them.
from .masks import MASK, SEARCH_REFUSED, SENSITIVE_PARAMETER  # noqa: F401

# An entry stores the primary keys it names up to this many. A larger read (an export of the whole
# register: 30,000 households, 150,000 interventions) stores the count and the filter instead, so
# one entry stays small and its ids still fit one spreadsheet cell (32,767 characters) in an
# export of the log.
MAX_STORED_IDS = 2_500


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    SEARCH = "search", _("searched")
    EXPORT = "export", _("exported")
    IMPORT = "import", _("imported")


class AccessLogEntry(models.Model):
    """Who read which household records, when and from where.

    The user is kept as plain values (id, username and roles at the time), not a foreign key: a
    deleted user must not cascade into the log or rewrite it. Rows are never changed: the admin
    offers no add, change or delete, and a database trigger refuses UPDATE and DELETE (see
    ``triggers.py``).
    """

    timestamp = models.DateTimeField(_("time"), default=timezone.now)
    user_id = models.PositiveBigIntegerField(_("user id"), null=True, blank=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    model = models.CharField(_("data"), max_length=100, help_text=_("Model label."))
    object_ids = models.JSONField(
        _("record ids"),
        null=True,
        blank=True,
        help_text=_("Empty when more records were read than the log stores one by one."),
    )
    object_count = models.PositiveIntegerField(_("records"), default=0)
    query = models.JSONField(_("search and filter"), default=dict, blank=True)
    result_count = models.PositiveIntegerField(_("results"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-timestamp", "-id"]
        # Only "view": nobody, not even a role with every permission, can be given add, change or
        # delete on the access log.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["timestamp", "id"], name="audit_access_time_idx"),
            models.Index(fields=["username", "timestamp"], name="audit_access_user_idx"),
            models.Index(fields=["action", "timestamp"], name="audit_access_action_idx"),
            models.Index(fields=["model", "timestamp"], name="audit_access_model_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.model}"

    @property
    def ids_omitted(self) -> bool:
        """True when the entry names more records than it stores one by one."""
        return self.object_ids is None and self.object_count > 0
