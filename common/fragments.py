"""Fragments rendered once per distinct content and then taken from the cache.

``rendered_each(template, items, inputs, context)`` renders ``template`` for each item, keyed by
``inputs(item)``: every value the fragment shows, so a key names exactly one output and needs no
invalidation; a change to any shown value is a new key. The template's own source is part of the
key too, so a new release never serves a fragment of the old one. All the page's fragments are
read in one round trip; while the cache is away every fragment is rendered, as without it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.core.cache import cache
from django.template.loader import get_template, render_to_string

TIMEOUT = 24 * 3600


@lru_cache(maxsize=64)
def _source_digest(template: str) -> str:
    return hashlib.sha256(get_template(template).template.source.encode()).hexdigest()[:16]


def rendered_each(template: str, items, inputs, context) -> list[str]:
    """The fragment of each item, in order: ``inputs(item)`` is a tuple of every value it shows
    (its repr is the key), ``context(item)`` the template's context when it must be rendered."""
    items = list(items)
    prefix = f"fragment:{template}:{_source_digest(template)}:"
    keys = [prefix + hashlib.sha256(repr(inputs(item)).encode()).hexdigest()[:32] for item in items]
    found = cache.get_many(keys)
    fresh = {}
    for key, item in zip(keys, items, strict=True):
        if key not in found and key not in fresh:
            fresh[key] = render_to_string(template, context(item))
    if fresh:
        cache.set_many(fresh, TIMEOUT)
    return [found[key] if key in found else fresh[key] for key in keys]
