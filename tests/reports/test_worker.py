"""A real Celery worker builds reports from Redis: the path production takes.

These tests need PostgreSQL (the worker, another process, reads the test database) and
Redis; CI has both. The broker-outage test runs a Redis server of its own on another
loopback port, so the shared one stays up.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reports import services
from reports.models import Report, ReportStatus

from ..conftest import login, reset_broker_pools

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(broker_url):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "interviewprep",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--queues",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    return process.stdout.read() if process.stdout else ""


def _wait_for(report_id, status, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report = Report.objects.get(pk=report_id)
        if report.status == status:
            return report
        time.sleep(0.25)
    return Report.objects.get(pk=report_id)


def _use_broker(url):
    from interviewprep.celery import app

    app.conf.broker_url = url
    app.conf.task_always_eager = False
    reset_broker_pools(app)


@pytest.fixture
def broker():
    """Point this process's Celery app at a broker for the test, and back afterwards."""
    from interviewprep.celery import app

    old = app.conf.broker_url, app.conf.task_always_eager
    yield _use_broker
    app.conf.broker_url, app.conf.task_always_eager = old
    reset_broker_pools(app)


def test_a_report_goes_from_queued_to_ready_through_a_real_worker(needs_services, client, owner, practised, broker):
    broker(settings.REDIS_URL)
    from interviewprep.celery import app

    app.control.purge()
    worker = _worker(settings.REDIS_URL)
    try:
        login(client, owner)
        response = client.post("/api/reports/", {"kind": "progress", "period": "30d"}, content_type="application/json")
        assert response.status_code == 201 and response.json()["status"] == "queued"
        report = _wait_for(response.json()["id"], ReportStatus.READY)
        assert report.status == ReportStatus.READY, _stop(worker)
        body = client.get(f"/api/reports/{report.pk}/").json()
        assert body["status"] == "ready" and body["data"]["totals"]["sessions"] == 1
    finally:
        log = _stop(worker)
    assert "succeeded" in log


def test_a_report_asked_for_while_the_broker_is_down_completes_when_it_is_back(
    needs_services,
    client,
    owner,
    practised,
    broker,
    tmp_path,
):
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_cmd = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp_path),
    ]
    redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_port(port)
    broker(url)
    worker = _worker(url)
    try:
        redis.terminate()
        redis.wait(timeout=10)
        login(client, owner)
        started = time.monotonic()
        response = client.post("/reports/", {"period": "30d"})
        assert time.monotonic() - started < 15  # the request does not hang on the broker
        assert response.status_code == 302
        report = Report.objects.get(user=owner)
        assert report.status == ReportStatus.QUEUED
        page = client.get(report.get_absolute_url()).content.decode()
        assert "Waiting for a worker" in page

        redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(port)
        # The periodic sweep (beat runs it every 30 s) enqueues what is still queued.
        Report.objects.filter(pk=report.pk).update(next_enqueue_at=None)
        Report.objects.filter(pk=report.pk).update(next_enqueue_at=report.created_at)
        assert services.sweep() == 1
        report = _wait_for(report.pk, ReportStatus.READY, seconds=60)
        assert report.status == ReportStatus.READY, _stop(worker)
    finally:
        _stop(worker)
        redis.terminate()
        redis.wait(timeout=10)


def _wait_port(port, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def test_a_build_whose_worker_is_killed_is_rebuilt_once(needs_services, owner, practised, broker):
    """A worker killed with signal 9 mid-build stops beating; the sweep queues the report again
    and another worker builds it: ready, built by the second claim only."""
    import psycopg
    from django.utils import timezone

    from reports.models import Kind

    broker(settings.REDIS_URL)
    from interviewprep.celery import app

    app.control.purge()
    db = connection.settings_dict
    # Hold the answers table so the build is still running when its worker dies.
    blocker = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"], autocommit=False
    )
    blocker.execute("LOCK TABLE interview_sessions_answer IN ACCESS EXCLUSIVE MODE")
    first = _worker(settings.REDIS_URL)
    second = None
    try:
        report = services.report_request(user=owner, kind=Kind.PROGRESS, period="30d")
        running = _wait_for(report.pk, ReportStatus.RUNNING)
        assert running.status == ReportStatus.RUNNING, _stop(first)
        deadline = time.monotonic() + 20
        while Report.objects.get(pk=report.pk).heartbeat_at <= running.heartbeat_at and time.monotonic() < deadline:
            time.sleep(0.5)
        assert Report.objects.get(pk=report.pk).heartbeat_at > running.heartbeat_at  # it beats while it waits
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        blocker.rollback()

        # Thirty seconds of silence later, beat's sweep queues it again and a live worker builds it.
        second = _worker(settings.REDIS_URL)
        assert services.sweep(now=timezone.now() + timezone.timedelta(seconds=31)) == 1
        rebuilt = _wait_for(report.pk, ReportStatus.READY, seconds=60)
        assert rebuilt.status == ReportStatus.READY, _stop(second)
        assert rebuilt.attempts == 2 and rebuilt.task_id != running.task_id
        assert rebuilt.data["totals"]["sessions"] == 1
    finally:
        blocker.close()
        if first.poll() is None:
            first.kill()
        if second is not None:
            _stop(second)
