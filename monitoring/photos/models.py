"""PhotoSnapshot: a neighbourhood photo as it was when it was taken.

Imported by ``monitoring.models``, so the app label is "monitoring"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siex.core.text import validate_no_control_characters


class PhotoSnapshot(models.Model):
    """Vastgelegde wijkfoto: the whole photo of an area at a date, frozen in ``content``, so that a
    kept photo does not change when later values, corrections or registrations arrive."""

    area = models.ForeignKey(
        "monitoring.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="photos"
    )
    date = models.DateField(_("photo date"))
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(
        _("title"), max_length=200, validators=[validate_no_control_characters]
    )
    content = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("kept neighbourhood photo")
        verbose_name_plural = _("kept neighbourhood photos")
        ordering = ["-date", "-taken_at", "-id"]
        indexes = [models.Index(fields=["area", "date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d-%m-%Y})"
