"""A Redis cache that degrades instead of failing while Redis is away.

Sessions (``cached_db``) and the pages read the cache on every request, so a cache error
must not become a 500: a read that cannot reach Redis is a miss (sessions then come from the
database), a write is skipped, and a warning is logged (at most every 30 seconds a process).

A write that was skipped leaves Redis with an older value than the database, which it would
serve again once it is back (a logged-out session, say). So every key a failed write touched
is remembered, and deleted first when Redis answers again.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 30
MAX_PENDING = 10_000


class OneClientPerPool(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every cache call, and its constructor fills some
    170 response callbacks each time: about a third of the CPU of a cache read here, paid on every
    request (the session). One client per connection pool (redis-py's clients are thread-safe and
    take their connections from the pool) builds it once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # Fail fast: a cache that does not answer at once is treated as away.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1)
        super().__init__(server, params)
        self._class = OneClientPerPool
        self._stale_keys: set[str] = set()
        self._warned_at = 0.0

    def _failed(self, operation, error, keys=()):
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning("Cache unavailable (%s failed: %s); serving without it.", operation, error)
        if len(self._stale_keys) < MAX_PENDING:
            self._stale_keys.update(keys)

    def _heal(self):
        """Delete what failed writes left stale, now that Redis answers."""
        if self._stale_keys:
            keys = list(self._stale_keys)
            self._cache.delete_many(keys)  # already full keys
            self._stale_keys.difference_update(keys)

    def _read(self, operation, default, call):
        try:
            self._heal()
            return call()
        except RedisError as error:
            self._failed(operation, error)
            return default

    def _write(self, operation, keys, default, call, version=None):
        try:
            self._heal()
            return call()
        except RedisError as error:
            self._failed(operation, error, [self.make_and_validate_key(k, version) for k in keys])
            return default

    def get(self, key, default=None, version=None):
        return self._read("get", default, lambda: super(ResilientRedisCache, self).get(key, default, version))

    def get_many(self, keys, version=None):
        return self._read("get_many", {}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):
        return self._read("has_key", False, lambda: super(ResilientRedisCache, self).has_key(key, version))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            "add", [key], False, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), version
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            "set", [key], None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), version
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            "touch", [key], False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version), version
        )

    def delete(self, key, version=None):
        return self._write(
            "delete", [key], False, lambda: super(ResilientRedisCache, self).delete(key, version), version
        )

    def incr(self, key, delta=1, version=None):
        return self._write(
            "incr", [key], None, lambda: super(ResilientRedisCache, self).incr(key, delta, version), version
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            "set_many",
            list(data),
            list(data),
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            version,
        )

    def delete_many(self, keys, version=None):
        return self._write(
            "delete_many",
            list(keys),
            None,
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            version,
        )

    def clear(self):
        return self._write("clear", [], False, lambda: super(ResilientRedisCache, self).clear())
