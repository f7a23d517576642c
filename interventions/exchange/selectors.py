"""Reads of the register import: an officer's own batch, the latest uploads, an earlier import of
the same file."""

from __future__ import annotations

from .models import ImportBatch, ImportBatchStatus


def import_batch_for(*, batch_id: int, user, for_update: bool = False) -> ImportBatch:
    """The user's own batch (without its rows or file); another user's batch does not exist for
    them."""
    queryset = ImportBatch.objects.filter(uploaded_by=user)
    if for_update:
        queryset = queryset.select_for_update()
    return queryset.defer("rows", "upload").get(pk=batch_id)


def import_batches_recent(*, limit: int = 20):
    """The latest uploads of every officer (who, when, which file, counts), without their rows."""
    return ImportBatch.objects.defer("rows", "errors", "upload").order_by("-created_at", "-id")[
        :limit
    ]


def import_batch_committed_before(batch: ImportBatch) -> ImportBatch | None:
    """An earlier committed import of the same file (same SHA-256), if any."""
    return (
        ImportBatch.objects.filter(
            file_sha256=batch.file_sha256, status=ImportBatchStatus.COMMITTED
        )
        .exclude(pk=batch.pk)
        .defer("rows", "errors", "upload")
        .order_by("-committed_at")
        .first()
    )
