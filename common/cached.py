"""Values read from the database once and then from the cache, never served after a change.

``read({key: load})`` gives each key's value from the cache when it is current, else from
``load()`` (the database), which it then caches: one cache round trip when every key is warm.
``forget(key)`` is called by whatever changes what ``load`` reads.

How a change is never missed: beside each value the cache keeps a generation, a counter under
``<key>:gen``. A value is stored with the generation read *before* ``load`` ran, and it is current
only while that is still the generation. ``forget`` increments the generation at once (for the rest
of the same transaction) and again when the transaction commits, so a value loaded from the old
row, even one stored after the change committed, is never current again. A missing generation
starts at a random number, so one lost with the cache (evicted, expired, Redis restarted) does not
match a value stored before. While Redis is away reads miss (``interviewprep.cache``): every read
goes to the database, and a generation that could not be incremented is deleted when Redis answers
again, which makes every value stored under it stale.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 24 * 3600  # an idle key goes after a day; its next read loads it again


def _gen(key: str) -> str:
    return f"{key}:gen"


def read(loaders: dict[str, Callable[[], object]]) -> dict[str, object]:
    """Each key's value: from the cache if current, else from its loader (and then cached)."""
    found = cache.get_many([*loaders, *map(_gen, loaders)])
    values = {}
    for key, load in loaders.items():
        generation = found.get(_gen(key))
        entry = found.get(key)
        if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
            values[key] = entry[1]
            continue
        if generation is None:
            generation = _start(key)
        values[key] = load()  # after the generation is known: a change from now on increments it
        if generation is not None:
            cache.set(key, (generation, values[key]), TIMEOUT)
    return values


def _start(key: str) -> int | None:
    """A new generation for the key (or the one another request just started); None if the cache is away."""
    first = secrets.randbits(48)
    if cache.add(_gen(key), first, TIMEOUT):
        return first
    return cache.get(_gen(key))


def forget(*keys: str) -> None:
    """What these keys hold has changed (or is changing in this transaction): no value read before serves again."""
    _increment(keys)
    if transaction.get_connection().in_atomic_block:  # outside one, the change is committed already
        transaction.on_commit(lambda: _increment(keys))


def _increment(keys) -> None:
    for key in keys:
        try:
            cache.incr(_gen(key))
        except ValueError:
            pass  # no generation: nothing is cached under it, and the next read starts a new one


def read_group(
    group: str, keys: list[str], render: Callable[[list[str]], dict[str, object]], timeout: int = TIMEOUT
) -> dict[str, object]:
    """Many values that one generation guards (``forget(group)`` makes them all stale), in one round trip
    when they are warm. ``render(missing_keys)`` gives the values of the keys that are not current; they
    are kept ``timeout`` seconds at most."""
    found = cache.get_many([_gen(group), *keys])
    generation = found.get(_gen(group))
    values, missing = {}, []
    for key in keys:
        entry = found.get(key)
        if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
            values[key] = entry[1]
        else:
            missing.append(key)
    if missing:
        if generation is None:
            generation = _start(group)
        fresh = render(missing)  # after the generation is known: a change from now on increments it
        if generation is not None:
            cache.set_many({key: (generation, value) for key, value in fresh.items()}, timeout)
        values.update(fresh)
    return values
