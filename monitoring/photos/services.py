"""Writes for the neighbourhood photo: keep (vastleggen) a photo, delete a kept one."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Area
from .models import PhotoSnapshot
from .selectors import area_photo


@transaction.atomic
def photo_take(*, area: Area, on_date: date, title: str, user) -> PhotoSnapshot:
    """Keep the photo of ``area`` at ``on_date`` as it is now: the whole document is stored, so
    later values do not change it."""
    photo = PhotoSnapshot(
        area=area,
        date=on_date,
        taken_by=user,
        title=title.strip() or _("Neighbourhood photo"),
        content=area_photo(area=area, on_date=on_date),
    )
    photo.full_clean()
    photo.save()
    return photo


def photo_delete(*, photo: PhotoSnapshot, user) -> None:
    """Delete a kept photo (the project lead's)."""
    if not user.has_perm("monitoring.delete_photos", photo):
        raise PermissionDenied(_("Only the project lead deletes a kept photo."))
    photo.delete()
