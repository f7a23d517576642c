"""The API tests share the per-role clients and the world of records (tests/api/fixtures.py)."""

from tests.api.fixtures import clients, world  # noqa: F401
