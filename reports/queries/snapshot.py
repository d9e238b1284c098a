"""The transaction a report is built in.

A report runs a dozen aggregate queries; between them interviews finish and marks change. On
PostgreSQL the build reads one snapshot (REPEATABLE READ, READ ONLY), so its sections agree with
each other (the totals with the weekly rows, the candidates with the panel's figures), and it may
not write. Two settings for those queries only, as SET LOCAL ends with the transaction:

- ``work_mem``: the default 4 MB makes the largest aggregations (800,000 keypoint rows joined
  with their marks at 20,000 sessions) sort and hash in batches on disk; 64 MB keeps them in
  memory, and a report task runs one query at a time.
- ``jit``: the planner's cost estimates of these queries pass the JIT threshold, and compiling
  them costs more (about 130 ms per query) than it saves on a few hundred thousand rows.

Elsewhere (SQLite) it is a plain transaction. Inside a transaction already (a test, the bench),
the isolation level cannot change any more: only the settings apply, until that transaction ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

WORK_MEM = "64MB"


@contextmanager
def snapshot() -> Iterator[None]:
    nested = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if not nested:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
                cursor.execute("SET LOCAL jit = off")
        yield
