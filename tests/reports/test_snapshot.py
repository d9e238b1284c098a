"""A report is built from one read-only snapshot (reports.queries.snapshot), on PostgreSQL."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from reports import tasks
from reports.models import Kind, Report
from reports.queries import snapshot

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's (set DATABASE_URL); CI runs it"),
    pytest.mark.django_db(transaction=True),
]


def _show(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_the_snapshot_is_repeatable_read_only_and_its_settings_end_with_it(owner):
    default = _show("work_mem")
    assert default != "64MB"
    with snapshot():
        assert _show("transaction_isolation") == "repeatable read"
        assert _show("transaction_read_only") == "on"
        assert (_show("work_mem"), _show("jit")) == ("64MB", "off")
        with pytest.raises(DatabaseError), transaction.atomic():
            Report.objects.create(kind=Kind.PROGRESS, user=owner, period="30d")
    assert (_show("work_mem"), _show("transaction_isolation")) == (default, "read committed")


def test_rows_committed_during_a_build_are_not_half_seen(owner):
    def request_one():
        Report.objects.create(kind=Kind.PROGRESS, user=owner, period="30d")
        connection.close()  # this thread's own connection

    with snapshot():
        before = Report.objects.count()
        writer = threading.Thread(target=request_one)
        writer.start()
        writer.join()
        assert Report.objects.count() == before  # committed meanwhile, after the snapshot was taken
    assert Report.objects.count() == before + 1


def test_the_report_task_builds_in_the_snapshot(owner, practised):
    report = Report.objects.create(kind=Kind.PROGRESS, user=owner, period="30d")
    with CaptureQueriesContext(connection) as captured:
        data = tasks.build(report)
    assert data["totals"]["sessions"] == 1
    statements = [query["sql"] for query in captured]
    assert statements[:2] == ["BEGIN", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"]
