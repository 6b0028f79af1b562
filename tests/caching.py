"""Emptying the cache between tests without touching other test processes' keys."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def clear_cache() -> None:
    """Empty this test process's cache. With Redis (shared by the xdist workers, each with
    its own key prefix: config/settings/test.py), only this process's keys are deleted:
    ``cache.clear()`` would empty the database under a test of another worker."""
    cache = caches["default"]  # the backend itself (django.core.cache.cache is a proxy)
    if not isinstance(cache, RedisCache):
        cache.clear()  # this process's own memory
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
