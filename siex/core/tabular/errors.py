"""What is wrong with an uploaded table: the file as a whole (``ImportFileError``: nothing is
stored) or one cell (``CellError``, with what to do)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (type, encoding, size, columns): nothing is stored."""


def file_error(message, code: str) -> ImportFileError:
    """The file cannot be imported, for this reason (``code`` names it for the tests and logs)."""
    return ImportFileError(message, code=code)


class CellError(Exception):
    """One cell cannot be read; the message says what to do."""
