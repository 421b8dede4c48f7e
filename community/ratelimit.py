"""A count per minute in the cache, shared by every process: how often someone may do a thing.

Lost with the cache (a Redis outage forgets the counts for that minute), which a limit on pace
can afford."""

import time

from django.core.cache import cache


def within_rate(key: str, per_minute: int) -> bool:
    """Count one more for `key` in the current minute; whether it stays within `per_minute`."""
    bucket = f"rate:{key}:{int(time.time() // 60)}"
    cache.add(bucket, 0, timeout=90)
    try:
        return cache.incr(bucket) <= per_minute
    except ValueError:  # the key expired between add and incr
        return True
