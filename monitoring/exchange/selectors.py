"""Reads of the indicator file uploads: one upload, the latest uploads. Indicator values are
published aggregates and their upload is shared work: everyone who may import them sees every
upload (the uploader is recorded on it)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import IndicatorUpload


def indicator_upload_get(*, upload_id: int, for_update: bool = False) -> IndicatorUpload:
    """An upload without its file or checked values."""
    queryset = IndicatorUpload.objects.all()
    if for_update:
        queryset = queryset.select_for_update()
    return queryset.defer("upload", "values").get(pk=upload_id)


def indicator_uploads_recent(*, limit: int = 20) -> QuerySet[IndicatorUpload]:
    """The latest uploads of everyone (who, when, which file, status and counts)."""
    return IndicatorUpload.objects.defer("upload", "values", "errors").order_by(
        "-created_at", "-id"
    )[:limit]


def indicator_upload_committed_before(upload: IndicatorUpload) -> IndicatorUpload | None:
    """An earlier committed upload of the same file (same SHA-256), if any."""
    return (
        IndicatorUpload.objects.filter(file_sha256=upload.file_sha256, status="committed")
        .exclude(pk=upload.pk)
        .defer("upload", "values", "errors")
        .order_by("-committed_at")
        .first()
    )
