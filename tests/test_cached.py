"""common.cached: a value read before a change never serves after it, in a transaction or out of one."""

import pytest
from django.core.cache import cache
from django.db import transaction

from common import cached

pytestmark = pytest.mark.django_db(transaction=True)


def _generation(key):
    return cache.get(f"{key}:gen")


def test_a_value_forgotten_outside_a_transaction_is_read_again_and_its_generation_moves_once():
    loads = []
    cached.read({"k": lambda: loads.append(1) or "old"})
    before = _generation("k")
    cached.forget("k")
    assert _generation("k") == before + 1  # one increment: nothing is left to commit
    assert cached.read({"k": lambda: "new"})["k"] == "new"


def test_a_value_forgotten_in_a_transaction_and_loaded_again_before_the_commit_never_serves_after_it():
    cached.read({"k": lambda: "old"})
    with transaction.atomic():
        cached.forget("k")
        assert cached.read({"k": lambda: "read mid-change"})["k"] == "read mid-change"
    # The commit moved the generation again: what was stored mid-transaction is stale.
    assert cached.read({"k": lambda: "after the commit"})["k"] == "after the commit"
