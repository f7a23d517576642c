"""``siex.core.cached``: a figure is cached under the generation of its data, a change makes a
new generation (at once, or when the transaction that made it commits; meanwhile the writer
computes without the cache), and an unreachable cache only makes it compute every time."""

import pytest
from django.db import transaction

from siex.core import cached

pytestmark = pytest.mark.django_db(transaction=True)


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_a_figure_is_computed_once_until_its_data_changes():
    calls, compute = _counter()
    assert cached.cached("data", "figure", compute) == 1
    assert cached.cached("data", "figure", compute) == 1
    cached.bump("other")
    assert cached.cached("data", "figure", compute) == 1
    cached.bump("data")
    assert cached.cached("data", "figure", compute) == 2
    assert cached.cached(("data", "other"), "figure", compute) == 3
    cached.bump("other")
    assert cached.cached(("data", "other"), "figure", compute) == 4


def test_inside_a_transaction_the_writer_computes_itself_until_the_commit():
    calls, compute = _counter()
    cached.cached("data", "figure", compute)
    with transaction.atomic():
        cached.bump("data")
        assert cached.cached("data", "figure", compute) == 2  # sees its own rows
        assert cached.cached("data", "figure", compute) == 3  # and is not cached meanwhile
        before = cached.generation("data")
    assert cached.generation("data") != before  # renewed by the commit
    assert cached.cached("data", "figure", compute) == 4
    assert cached.cached("data", "figure", compute) == 4


def test_a_rolled_back_change_changes_nothing():
    calls, compute = _counter()
    cached.cached("data", "figure", compute)
    token = cached.generation("data")
    with pytest.raises(RuntimeError), transaction.atomic():
        cached.bump("data")
        raise RuntimeError
    assert cached.generation("data") == token
    assert cached.cached("data", "figure", compute) == 1


def test_an_unreachable_cache_computes_every_time(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    calls, compute = _counter()
    assert [cached.cached("data", "figure", compute) for _ in range(3)] == [1, 2, 3]
    cached.bump("data")
    assert cached.cached_forever("fixed", compute) == 4
    warnings = [r for r in caplog.records if "without the cache" in r.getMessage()]
    assert len(warnings) == 1


def test_a_change_after_a_rolled_back_savepoint_still_renews_at_the_commit():
    calls, compute = _counter()
    cached.cached("data", "figure", compute)
    token = cached.generation("data")
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            cached.bump("data")
            raise RuntimeError
        cached.bump("data")
    assert cached.generation("data") != token
    assert cached.cached("data", "figure", compute) == 2
