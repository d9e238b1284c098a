"""Time the report builds on a large, throwaway data set.

    python manage.py bench_reports [--sessions 2000] [--answers-per-session 10] [--candidates 500]
                                   [--period all] [--keep] [--cleanup]

Writes, with bulk_create in batches, one candidate with ``--sessions`` finished practice sessions
(3 to 5 keypoints per answer, marked by the lead) and a team question set with ``--candidates``
structured interviews (two interviewers each, both scoring and marking every answer). Then builds
both reports (and streams the progress CSV rows) and prints, for each, the wall time, the peak
Python memory of the build (tracemalloc, measured in a second build so tracing does not slow the
timed one) and the number of SQL queries.

Everything happens inside one transaction that is rolled back at the end, unless ``--keep``;
every user, team and tag it writes is named ``bench-reports-<run>-...`` and ``--cleanup`` deletes
what kept runs left behind.
"""

import json
import random
import secrets
import tracemalloc
from datetime import timedelta
from itertools import islice
from time import perf_counter

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions.models import Difficulty, Question, QuestionSet, QuestionSetItem, RubricKeypoint, Tag, Visibility
from reports import queries
from reports.models import Period
from sessions import scoring
from sessions.models import (
    Answer,
    AnswerKeypoint,
    AnswerReview,
    InterviewSession,
    Mark,
    MarkValue,
    Mode,
    Recommendation,
    Reviewer,
    Status,
)
from teams.models import Membership, Team

PREFIX = "bench-reports-"
TARGET_SECONDS = 2.0
TARGET_MB = 200
BATCH = 2000
CHUNK_SESSIONS = 250  # sessions written per round
TAGS = ["S3", "IAM", "VPC", "Kubernetes", "Linux", "Networking", "Databases", "Security"]
MARKS = [MarkValue.COVERED, MarkValue.PARTIAL, MarkValue.MISSED, None]
MARK_WEIGHTS = [5, 2, 2, 1]
TABLES = [
    InterviewSession,
    Reviewer,
    Answer,
    AnswerKeypoint,
    AnswerReview,
    Mark,
    Question,
    RubricKeypoint,
    User,
    Membership,
    # Small, but the reports join them: unanalyzed, the planner guesses ~1,500 rows for the tags of
    # 60 questions, expects millions of groups and compiles the query with JIT (seconds of CPU).
    Tag,
    Question.tags.through,
    QuestionSet,
    QuestionSetItem,
    Team,
]


class Command(BaseCommand):
    help = "Build the progress and hiring reports on a large throwaway data set and print time, memory, queries."

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=2000, help="finished sessions of the one candidate")
        parser.add_argument("--answers-per-session", type=int, default=10)
        parser.add_argument("--candidates", type=int, default=500, help="structured interviews on the team set")
        parser.add_argument("--questions", type=int, default=60, help="questions the candidate practises on")
        parser.add_argument("--period", choices=Period.values, default=Period.ALL, help="of the progress report")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--keep", action="store_true", help="commit the data instead of rolling it back")
        parser.add_argument("--cleanup", action="store_true", help="delete what earlier --keep runs left, and stop")

    def handle(self, *args, **options):
        if options["cleanup"]:
            self.cleanup()
            return
        self.random = random.Random(options["seed"])
        self.run = f"{PREFIX}{secrets.token_hex(3)}-"
        self.stdout.write(f"database: {connection.vendor}; run {self.run.rstrip('-')}")
        with transaction.atomic():
            started = perf_counter()
            candidate = self.practice(options["sessions"], options["answers_per_session"], options["questions"])
            question_set = self.hiring(options["candidates"], options["answers_per_session"])
            self.analyze()
            self.stdout.write(f"setup: {perf_counter() - started:.1f} s")

            period = options["period"]
            self.measure(f"progress report ({period})", lambda: built(queries.progress_report, candidate, period))
            self.measure("question_set report", lambda: built(queries.question_set_report, question_set))
            self.measure(
                f"progress CSV rows ({period})",
                lambda: sum(1 for _ in queries.progress_answer_rows(candidate, period)),
            )
            if options["keep"]:
                self.stdout.write(f"kept: users, team and tags named {self.run}*; remove with --cleanup")
            else:
                transaction.set_rollback(True)
                self.stdout.write("rolled back: nothing was kept")

    # --- measuring -----------------------------------------------------------------------------

    def measure(self, label, build):
        with CaptureQueriesContext(connection) as captured:
            started = perf_counter()
            result = build()
            seconds = perf_counter() - started
        tracemalloc.start()
        try:
            build()
            peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        finally:
            tracemalloc.stop()
        size = f"{len(json.dumps(result)) / 1024:.0f} KB of JSON" if isinstance(result, dict) else f"{result} rows"
        verdict = "ok" if seconds < TARGET_SECONDS and peak < TARGET_MB else "OVER TARGET"
        self.stdout.write(
            f"{label}: {seconds:.2f} s, peak {peak:.1f} MB, {len(captured)} queries "
            f"(target < {TARGET_SECONDS:g} s, < {TARGET_MB} MB) {verdict}; {size}"
        )

    def analyze(self):
        """Fresh planner statistics, as a database that has had the rows for a while would have."""
        with connection.cursor() as cursor:
            for model in TABLES:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    # --- writing the data ----------------------------------------------------------------------

    def users(self, names):
        users = [User(username=f"{self.run}{name}", email=f"{name}@bench.invalid", password="!") for name in names]
        return User.objects.bulk_create(users, batch_size=BATCH)

    def questions(self, count, *, owner, visibility, team=None, tags=()):
        rng = self.random
        questions = Question.objects.bulk_create(
            [
                Question(
                    slug=f"{self.run}{owner.pk}-{i}",
                    prompt=f"Bench question {i}: how would you run it at scale?",
                    difficulty=rng.choice(Difficulty.values),
                    owner=owner,
                    visibility=visibility,
                    team=team,
                )
                for i in range(count)
            ],
            batch_size=BATCH,
        )
        RubricKeypoint.objects.bulk_create(
            [
                RubricKeypoint(question=q, position=p, text=f"Keypoint {p} of question {i}", weight=rng.randint(1, 3))
                for i, q in enumerate(questions)
                for p in range(1, rng.randint(3, 5) + 1)
            ],
            batch_size=BATCH,
        )
        if tags:
            Question.tags.through.objects.bulk_create(
                [
                    Question.tags.through(question_id=q.pk, tag_id=t.pk)
                    for q in questions
                    for t in rng.sample(tags, rng.randint(1, 2))
                ],
                batch_size=BATCH,
            )
        return list(Question.objects.filter(pk__in=[q.pk for q in questions]).prefetch_related("tags", "keypoints"))

    def practice(self, sessions, answers_per_session, question_count):
        rng = self.random
        candidate, peer = self.users(["candidate", "peer"])
        tags = Tag.objects.bulk_create(Tag(slug=f"{self.run}{name.lower()}", name=name) for name in TAGS)
        questions = self.questions(question_count, owner=candidate, visibility=Visibility.PRIVATE, tags=tags)
        practised = questions[: max(answers_per_session, int(len(questions) * 0.9))]  # the rest: never tried
        now = timezone.now()

        def plans():
            for _ in range(sessions):
                lead = peer if rng.random() < 0.2 else candidate
                finished = now - timedelta(minutes=rng.randint(0, 730 * 24 * 60))
                session = InterviewSession(
                    mode=Mode.PEER if lead is peer else Mode.SELF,
                    status=Status.FINISHED,
                    title="Bench practice",
                    interviewer=lead,
                    candidate=candidate,
                    question_count=answers_per_session,
                    started_at=finished - timedelta(minutes=30),
                    finished_at=finished,
                )
                asked = rng.sample(practised, min(answers_per_session, len(practised)))
                yield session, [(lead, True, "")], [(q, [lead]) for q in asked]

        self.write(plans())
        self.stdout.write(f"practice: {sessions} sessions of {self.run}candidate, {len(questions)} questions")
        return candidate

    def hiring(self, candidates, answers_per_session):
        rng = self.random
        interviewers = self.users([f"interviewer-{i}" for i in range(1, 5)])
        team = Team.objects.create(name=f"{self.run}team")
        Membership.objects.bulk_create(
            Membership(team=team, user=u, role=Membership.Role.MANAGER if i == 0 else Membership.Role.INTERVIEWER)
            for i, u in enumerate(interviewers)
        )
        questions = self.questions(answers_per_session, owner=interviewers[0], visibility=Visibility.TEAM, team=team)
        question_set = QuestionSet.objects.create(
            title="Bench loop", owner=interviewers[0], team=team, visibility=Visibility.TEAM
        )
        QuestionSetItem.objects.bulk_create(
            QuestionSetItem(question_set=question_set, question=q, position=i) for i, q in enumerate(questions, 1)
        )
        people = self.users([f"candidate-{i:04}" for i in range(candidates)])
        now = timezone.now()

        def plans():
            for person in people:
                lead, panelist = rng.sample(interviewers, 2)
                finished = rng.random() < 0.9
                when = now - timedelta(minutes=rng.randint(60, 90 * 24 * 60))
                session = InterviewSession(
                    mode=Mode.STRUCTURED,
                    status=Status.FINISHED if finished else Status.LIVE,
                    title="Bench loop",
                    question_set=question_set,
                    team=team,
                    interviewer=lead,
                    candidate=person,
                    candidate_email=person.email,
                    question_count=len(questions),
                    started_at=when,
                    finished_at=when + timedelta(minutes=45) if finished else None,
                )
                recommend = (lambda: rng.choice(Recommendation.values)) if finished else (lambda: "")
                reviewers = [(lead, True, recommend()), (panelist, False, recommend())]
                yield session, reviewers, [(q, [lead, panelist]) for q in questions]

        self.write(plans())
        self.stdout.write(f"hiring: {candidates} structured interviews on {question_set.title!r}, 2 interviewers each")
        return question_set

    def write(self, plans):
        """Sessions with their reviewers, answers (snapshots), keypoints, marks and reviews.

        `plans` is an iterable of (session, reviewers, questions) read CHUNK_SESSIONS at a time, so
        setup memory stays flat.
        """
        plans = iter(plans)
        while chunk := list(islice(plans, CHUNK_SESSIONS)):
            self.write_chunk(chunk)

    def write_chunk(self, plans):
        rng = self.random
        InterviewSession.objects.bulk_create([session for session, _, _ in plans], batch_size=BATCH)
        Reviewer.objects.bulk_create(
            [
                Reviewer(session=session, user=user, is_lead=lead, recommendation=recommendation)
                for session, reviewers, _ in plans
                for user, lead, recommendation in reviewers
            ],
            batch_size=BATCH,
        )
        asked = []  # (session, position, question, {marker: [mark per keypoint]})
        for session, _, qs in plans:
            for position, (q, markers) in enumerate(qs, 1):
                kps = q.keypoints.all()
                asked.append((session, position, q, {u: rng.choices(MARKS, MARK_WEIGHTS, k=len(kps)) for u in markers}))
        answers = Answer.objects.bulk_create(
            [
                Answer(
                    session=session,
                    position=position,
                    question=q,
                    prompt=q.prompt,
                    difficulty=q.difficulty,
                    tags=[[t.slug, t.name] for t in q.tags.all()],
                    shown_at=session.started_at,
                    score=_score(q, marks[session.interviewer]),
                )
                for session, position, q, marks in asked
            ],
            batch_size=BATCH,
        )
        keypoints = AnswerKeypoint.objects.bulk_create(
            [
                AnswerKeypoint(answer=answer, position=k.position, text=k.text, weight=k.weight, source=k)
                for answer, (_, _, q, _) in zip(answers, asked, strict=True)
                for k in q.keypoints.all()
            ],
            batch_size=BATCH,
        )
        marks, reviews, first = [], [], 0
        for answer, (session, _, q, by_user) in zip(answers, asked, strict=True):
            own = keypoints[first : first + len(q.keypoints.all())]  # created in order, answer by answer
            first += len(own)
            for user, values in by_user.items():
                marks += [Mark(keypoint=k, user=user, value=v) for k, v in zip(own, values, strict=True) if v]
                if session.mode == Mode.STRUCTURED:
                    reviews.append(
                        AnswerReview(answer=answer, user=user, score=_score(q, values), rating=rng.randint(1, 4))
                    )
        Mark.objects.bulk_create(marks, batch_size=BATCH)
        AnswerReview.objects.bulk_create(reviews, batch_size=BATCH)

    # --- cleaning up ---------------------------------------------------------------------------

    def cleanup(self):
        with transaction.atomic():
            users = User.objects.filter(username__startswith=PREFIX)
            sessions = InterviewSession.objects.filter(candidate__in=users) | InterviewSession.objects.filter(
                interviewer__in=users
            )
            deleted = sessions.delete()[0]
            deleted += users.delete()[0]
            deleted += Team.objects.filter(name__startswith=PREFIX).delete()[0]
            deleted += Tag.objects.filter(slug__startswith=PREFIX).delete()[0]
        self.stdout.write(f"deleted {deleted} rows left by earlier runs")


def built(report, *args):
    """A report built as the report task builds it: in reports.queries.snapshot()."""
    with queries.snapshot():
        return report(*args)


def _score(question, values):
    return scoring.answer_score((k.weight, v) for k, v in zip(question.keypoints.all(), values, strict=True))
