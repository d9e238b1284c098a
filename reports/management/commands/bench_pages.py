"""Pages and API under load, as a share of what a bare Django view serves through the same server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interviewprep_bench \\
        python manage.py bench_pages [--seconds 8] [--sessions 2000] [--scales 1,10] [--json bench-results.json]

For each scale (full data, then ten times as much: issue 14's 20,000 sessions and 200,000 answers)
it writes a throwaway data set into the configured
database (which must be PostgreSQL and must not be the test database): a signed-in candidate with
``--sessions`` finished practice sessions of 10 answers each (the generators of ``bench_reports``),
and a second user whose live self-assessments take the writes. It starts gunicorn on 127.0.0.1 (2
sync workers) with ``DJANGO_BENCH_CEILING=1``, which adds /bench/ceiling/ (a view answering "ok";
the URL does not exist otherwise), and runs ``wrk -t2 -c20 -d8s`` against the ceiling and each
endpoint in turn, then deletes what it wrote. It prints a table (req/s, share of the ceiling, p99,
errors) and writes the figures as JSON. It asserts nothing. Loopback only; bounded by
``--seconds`` per endpoint.
"""

import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from accounts.models import Profile
from questions.models import Question, Tag
from sessions.models import Answer, AnswerKeypoint, InterviewSession, Mode, Status

from .bench_reports import TABLES as BENCH_TABLES
from .bench_reports import Command as Generators

REPO = Path(__file__).resolve().parents[3]
PREFIX = "bench-pages-"
WRITE_SESSIONS = 800  # live self-assessments of the writer, 5 answers each: fresh targets for notes
ANSWERS_PER_WRITE_SESSION = 5


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Command(BaseCommand):
    help = "Pages and API under wrk load through gunicorn on 127.0.0.1, as a share of a bare view."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=8, help="wrk duration per endpoint")
        parser.add_argument("--connections", type=int, default=20)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
        parser.add_argument("--sessions", type=int, default=2000, help="finished sessions of the candidate (full)")
        parser.add_argument("--scales", default="1,10", help="multiples of --sessions, run in turn")
        parser.add_argument(
            "--only",
            default="",
            help="endpoint names to run, separated by commas without a space (a name may hold ', '); all by default",
        )
        parser.add_argument("--json", default="bench-results.json", help="where to write the figures")

    def handle(self, *args, **options):
        self.session_stores = []  # the signed-in sessions the bench made, deleted with its data
        if connection.vendor != "postgresql":
            raise CommandError("Run against PostgreSQL: set DATABASE_URL (see the README's Performance section).")
        if connection.settings_dict["NAME"].startswith("test_"):
            raise CommandError("Refusing to write into a test database.")
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (apt-get install -y wrk).")
        call_command("load_question_bank", verbosity=0)
        results = {
            "server": f"gunicorn, {options['workers']} sync workers, 127.0.0.1",
            "load": f"wrk -t2 -c{options['connections']} -d{options['seconds']}s",
            "database": "postgresql",
            "cache": "redis" if os.environ.get("REDIS_URL") else "locmem",
            "runs": [],
        }
        for scale in [float(s) for s in options["scales"].split(",")]:
            sessions = max(1, round(options["sessions"] * scale))
            results["runs"].append(self.run_scale(sessions, options))
        Path(options["json"]).write_text(json.dumps(results, indent=2) + "\n")
        self.stdout.write(f"wrote {options['json']}")

    # --- one scale -----------------------------------------------------------------------------

    def run_scale(self, sessions, options):
        run = f"{PREFIX}{secrets.token_hex(3)}-"
        started = time.perf_counter()
        data = self.setup_data(run, sessions)
        self.settle()
        took = time.perf_counter() - started
        self.stdout.write(f"\n{sessions} finished sessions ({sessions * 10} answers); setup {took:.0f} s")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = self.start_server(port, options["workers"])
        tmp = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
        try:
            tmp.write("".join(f"{s} {p}\n" for s, p in data["notes_targets"]))
            tmp.close()
            self.wait(base)
            rows = []
            for name, kind, target, expect, headers in self.endpoints(data, tmp.name):
                if options["only"] and name != "ceiling" and name not in re.split(r",(?! )", options["only"]):
                    continue
                rows.append(self.measure(base, name, kind, target, expect, headers, options))
            ceiling = rows[0]["rps"] or 1
            for row in rows:
                row["share"] = round(row["rps"] / ceiling * 100, 1)
            self.table(rows)
            return {"sessions": sessions, "answers": sessions * 10, "endpoints": rows}
        finally:
            os.unlink(tmp.name)
            server.terminate()
            server.wait(timeout=20)
            self.cleanup(run)

    def endpoints(self, data, notes_file):
        reader, writer = data["reader_headers"], data["writer_headers"]
        a, b = data["answer_session"], data["poll_session"]
        poll = f"/sessions/{b.pk}/poll/?v={b.version}&a={b.answer_version}"
        save = (f"/sessions/{a.pk}/answers/1/text/", "text=Use+a+VPC+endpoint")
        mark = (f"/sessions/{b.pk}/answers/1/marks/{data['keypoint']}/", "mark=covered")
        return [
            ("ceiling", "get", "/bench/ceiling/", 200, []),
            ("/questions/", "get", "/questions/", 200, reader),
            ("/questions/?difficulty=advanced&tag=vpc", "get", "/questions/?difficulty=advanced&tag=vpc", 200, reader),
            ("/questions/?q=encryption", "get", "/questions/?q=encryption", 200, reader),
            ("/questions/<id>/", "get", f"/questions/{data['question']}/", 200, reader),
            ("/ (home)", "get", "/", 200, reader),
            ("/sessions/", "get", "/sessions/", 200, reader),
            ("/api/questions/?difficulty=intermediate", "get", "/api/questions/?difficulty=intermediate", 200, reader),
            ("poll, nothing new (204)", "get", poll, 204, writer),
            ("/healthz", "get", "/healthz", 200, []),
            ("answer save (POST)", "post", save, 200, writer),
            ("mark (POST)", "post", mark, 200, writer),
            ("notes (POST)", "notes", notes_file, 200, writer),
        ]

    # --- measuring -----------------------------------------------------------------------------

    def measure(self, base, name, kind, target, expect, headers, options):
        status = self.status_of(base, kind, target, headers, options)
        command = [
            "wrk",
            "-t2",
            f"-c{options['connections']}",
            f"-d{options['seconds']}s",
            "--latency",
            "--timeout",
            "10s",
        ]
        for header in headers:
            command += ["-H", header]
        if kind == "get":
            command += ["-s", "bench/get.lua", base + target]
        elif kind == "post":
            command += ["-s", "bench/post.lua", base, "--", *target]
        else:
            command += ["-s", "bench/notes.lua", base, "--", target]
        out = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=options["seconds"] + 60)
        line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH ")), None)
        if line is None:
            raise CommandError(f"wrk failed for {name}: {out.stdout}{out.stderr}")
        figures = json.loads(line[6:])
        rps = figures["requests"] / figures["seconds"]
        errors = figures["errors"] + figures["non_2xx_3xx"] + (0 if status == expect else 1)
        row = {
            "endpoint": name,
            "rps": round(rps, 1),
            "p50_ms": figures["p50_ms"],
            "p99_ms": figures["p99_ms"],
            "errors": errors,
            "first_status": status,
        }
        self.stdout.write(f"  {name}: {rps:.0f} req/s, p99 {figures['p99_ms']:.1f} ms, errors {errors}")
        return row

    def status_of(self, base, kind, target, headers, options):
        """The status of one request as wrk will send it (a redirect to the login page would look fast)."""
        hdrs = dict(h.split(": ", 1) for h in headers)
        if kind == "get":
            request = urllib.request.Request(base + target, headers=hdrs)
        elif kind == "post":
            request = urllib.request.Request(base + target[0], data=target[1].encode(), headers=hdrs)
        else:
            return 200  # the notes targets are used once each; wrk's status errors count the refusals
        try:
            with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def table(self, rows):
        self.stdout.write(f"| {'endpoint':42} | {'req/s':>7} | {'share':>6} | {'p99 ms':>7} | errors |")
        self.stdout.write(f"|{'-' * 44}|{'-' * 9}|{'-' * 8}|{'-' * 9}|--------|")
        for r in rows:
            self.stdout.write(
                f"| {r['endpoint']:42} | {r['rps']:7.0f} | {r['share']:5.1f}% | {r['p99_ms']:7.1f} | {r['errors']:6} |"
            )

    # --- the server ----------------------------------------------------------------------------

    def start_server(self, port, workers):
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_MANIFEST_STATIC": "0",  # nothing is collected for the benchmark
            "DJANGO_BENCH_CEILING": "1",
            "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
        }
        command = [sys.executable, "-m", "gunicorn", "interviewprep.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync"]
        command += ["--log-level", "warning", "--backlog", "256"]
        return subprocess.Popen(command, cwd=REPO, env=env)

    def wait(self, base):
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise CommandError("the server did not start")

    # --- the data ------------------------------------------------------------------------------

    def settle(self):
        """Leave the new rows as a database that has had them a while would: vacuumed (the visibility map
        and hint bits set, which the first reads of fresh rows would otherwise do while measured) and
        checkpointed (the writes flushed now, not by the checkpointer during the runs)."""
        with connection.cursor() as cursor:
            for model in BENCH_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
            try:
                cursor.execute("CHECKPOINT")
            except DatabaseError:  # needs superuser or pg_checkpoint: the checkpointer then does it in its time
                pass

    def setup_data(self, run, sessions):
        gen = Generators(stdout=open(os.devnull, "w"))  # noqa: SIM115 (lives as long as the command)
        gen.random = random.Random(1)
        gen.run = run
        with transaction.atomic():
            reader = gen.practice(sessions, 10, 60)
            (writer,) = gen.users(["writer"])
            Profile.objects.bulk_create([Profile(user=reader, time_zone="UTC"), Profile(user=writer, time_zone="UTC")])
            questions = gen.questions(20, owner=writer, visibility="private")
            now = timezone.now()

            def plans():
                for _ in range(WRITE_SESSIONS + 1):
                    session = InterviewSession(
                        mode=Mode.SELF,
                        status=Status.LIVE,
                        title="Bench writes",
                        interviewer=writer,
                        candidate=writer,
                        question_count=ANSWERS_PER_WRITE_SESSION,
                        started_at=now,
                        invite_used_at=now,
                    )
                    asked = gen.random.sample(questions, ANSWERS_PER_WRITE_SESSION)
                    yield session, [(writer, True, "")], [(q, [writer]) for q in asked]

            gen.write(plans())
            live = list(InterviewSession.objects.filter(interviewer=writer).order_by("pk"))
            answer_session, poll_session = live[0], live[1]
            # Every answer but the first session's is submitted, so its rubric can be marked.
            Answer.objects.filter(session__in=live[1:]).update(submitted_at=now)
            gen.analyze()
        keypoint = AnswerKeypoint.objects.filter(answer__session=poll_session, answer__position=1).first()
        notes_targets = list(
            Answer.objects.filter(session__in=live[2:])
            .order_by("session_id", "position")
            .values_list("session_id", "position")
        )
        question = Question.objects.filter(bank_key__isnull=False).order_by("number").first()
        csrf = get_random_string(32)  # the form of a CSRF cookie Django accepts
        return {
            "reader_headers": self.headers(reader, csrf),
            "writer_headers": self.headers(writer, csrf) + [f"X-CSRFToken: {csrf}", "HX-Request: true"],
            "answer_session": answer_session,
            "poll_session": poll_session,
            "keypoint": keypoint.pk,
            "notes_targets": notes_targets,
            "question": question.pk,
        }

    def headers(self, user, csrf):
        """A signed-in session for the user, as the browser would carry it."""
        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        self.session_stores.append(store)
        return [f"Cookie: {settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"]

    def cleanup(self, run):
        while self.session_stores:
            self.session_stores.pop().delete()
        with transaction.atomic():
            users = User.objects.filter(username__startswith=run)
            InterviewSession.objects.filter(candidate__in=users).delete()
            InterviewSession.objects.filter(interviewer__in=users).delete()
            Question.objects.filter(owner__in=users).delete()
            users.delete()
            Tag.objects.filter(slug__startswith=run).delete()
