"""Concurrent load on the main pages and API of a real server on 127.0.0.1.

Starts gunicorn (2 workers, 4 threads each) on a free loopback port against the configured
database, loads the question bank, and sends a bounded number of requests from a pool of
client threads, then prints throughput and latency per URL. It asserts nothing.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from questions.models import Question, QuestionSet

REPO = Path(__file__).resolve().parents[3]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "Measure page and API latency under concurrent load on 127.0.0.1 (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=300, help="Requests per URL (bounded).")
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--seconds", type=float, default=60, help="Stop sending after this long.")

    def handle(self, *args, requests, concurrency, seconds, **options):
        call_command("load_question_bank", verbosity=0)
        question = Question.objects.filter(bank_key__isnull=False).order_by("number").first()
        qset = QuestionSet.objects.filter(bank_key="aws-basics").first()
        port = _free_port()
        env = {
            **os.environ,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_MANIFEST_STATIC": "0",  # nothing is collected for the benchmark
            "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "interviewprep.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            self._wait(base)
            urls = [
                "/questions/",
                "/questions/?difficulty=advanced&tag=vpc",
                "/questions/?q=encryption",
                f"/questions/{question.pk}/?rubric=1",
                f"/sets/{qset.pk}/",
                "/api/questions/?difficulty=intermediate",
                f"/api/questions/{question.pk}/",
                "/healthz",
            ]
            deadline = time.monotonic() + seconds
            self.stdout.write(f"{requests} requests per URL, {concurrency} at a time, gunicorn 2x4 on {base}")
            for url in urls:
                self._measure(base + url, requests, concurrency, deadline)
        finally:
            server.terminate()
            server.wait(timeout=15)

    def _wait(self, base):
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def _measure(self, url, requests, concurrency, deadline):
        def one(_):
            if time.monotonic() > deadline:
                return None
            started = time.perf_counter()
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                status = response.status
            return time.perf_counter() - started, status

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = [r for r in pool.map(one, range(requests)) if r]
        elapsed = time.perf_counter() - started
        if not results:
            self.stdout.write(f"{url}: skipped (time budget used up)")
            return
        times = sorted(t for t, _ in results)
        errors = sum(1 for _, status in results if status != 200)
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        self.stdout.write(
            f"{url.split('//', 1)[1].split('/', 1)[1]:45} {len(results) / elapsed:7.1f} req/s  "
            f"p50 {statistics.median(times) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  errors {errors}"
        )
