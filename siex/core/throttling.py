"""The API's rate limit, which gives way when the cache that counts the requests is unreachable.

A module of its own with few imports: REST framework imports the throttle classes named in the
settings while it defines its views, so this module must not import views itself.
"""

import logging
import time

from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)

#: Seconds between two warnings that the rate limit is not applied.
WARN_EVERY = 60


class UserRateThrottle(throttling.UserRateThrottle):
    """DRF's per-user rate limit (API_THROTTLE_RATE), counted in the cache (Redis).

    When the cache cannot be reached the request is let through and a warning is logged (at most
    once a minute): an unreachable Redis must cost the API its rate limit, not its answers.
    """

    _warned_at = float("-inf")

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            now = time.monotonic()
            if now - UserRateThrottle._warned_at >= WARN_EVERY:
                UserRateThrottle._warned_at = now
                logger.warning("API rate limit not applied: the cache is unreachable (%s)", error)
            return True
