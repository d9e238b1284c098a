"""Lists of sessions: mine, and the comparison of candidates on one set."""

from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.db.models import F, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from common.fragments import rendered_each
from questions.models import QuestionSet

from ..models import InterviewSession, Mode, Recommendation, Status
from ..queries import panel_scores
from ..scoring import session_score_sql
from ..services import feedback_owed_in

# --- lists ---------------------------------------------------------------------------------------

PAGE_SIZE = 100
ROW_FIELDS = ("pk", "title", "mode", "status", "created_at", "candidate_email", "candidate_id", "interviewer_id")


class _Row:
    """What a row of the list shows of a session, read as values: the list builds no model objects
    (100 sessions and 200 users a page were most of its time)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)
        self.candidate = SimpleNamespace(username=self.candidate_name) if self.candidate_id else None
        self.interviewer = SimpleNamespace(username=self.interviewer_name)
        self.score = None if self.score is None else round(self.score, 1)  # as the session's own page rounds it

    def get_absolute_url(self):
        return reverse("sessions:room", args=[self.pk])

    def get_mode_display(self):
        return Mode(self.mode).label

    def get_status_display(self):
        return Status(self.status).label


@login_required
@require_safe
def session_list(request):
    # The page's 100 first, then their scores: annotating the whole (distinct) history would compute
    # a score for every session the user ever had, which grows with it. One query, and one for the
    # feedback owed among those 100. Older pages go on from the last row shown (?before=<its id>):
    # no OFFSET to count through and no total, so page 200 costs what page 1 does.
    mine = InterviewSession.objects.for_user(request.user)
    before = _cursor(mine, request.GET.get("before"))
    if before is not None:
        created, pk = before
        mine = mine.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk))
    page = mine.order_by("-created_at", "-pk").values("pk")[: PAGE_SIZE + 1]
    sessions = [
        _Row(values)
        for values in InterviewSession.objects.filter(pk__in=page)
        .annotate(
            score=session_score_sql(),
            candidate_name=F("candidate__username"),
            interviewer_name=F("interviewer__username"),
        )
        .order_by("-created_at", "-pk")
        .values(*ROW_FIELDS, "score", "candidate_name", "interviewer_name")
    ]
    older = sessions[PAGE_SIZE - 1].pk if len(sessions) > PAGE_SIZE else None  # the 101st says there are more
    sessions = sessions[:PAGE_SIZE]
    # Only a finished peer interview can owe its candidate feedback: the others are not asked about.
    owed = feedback_owed_in(
        request.user, [s.pk for s in sessions if s.mode == Mode.PEER and s.status == Status.FINISHED]
    )
    for session in sessions:
        session.feedback_owed = session.pk in owed
    viewer, zone = request.user.pk, timezone.get_current_timezone_name()
    rows = rendered_each(
        "sessions/_list_row.html",
        sessions,
        lambda s: _row_shows(s, viewer, zone),
        lambda s: {"s": s, "mine": s.interviewer_id == viewer},
    )
    return render(request, "sessions/list.html", {"rows": rows, "older": older, "paged": before is not None})


def _cursor(mine, value) -> tuple | None:
    """(created_at, id) of the session a page goes on after: one of the user's own, else None (the first
    page: a cursor that is not a number, or names a session that is not theirs, starts from the top)."""
    if not value or not value.isdigit():
        return None
    return mine.filter(pk=int(value)).values_list("created_at", "pk").first()


def _row_shows(s, viewer, zone) -> tuple:
    """Every value a row of the list shows (common.fragments keys the rendered row by them)."""
    candidate = s.candidate.username if s.candidate_id else None
    interviewer = s.interviewer.username if s.interviewer_id else None
    mine = s.interviewer_id == viewer
    shown = (s.pk, s.title, s.mode, s.status, s.feedback_owed, mine, candidate, s.candidate_email, interviewer)
    return (*shown, s.created_at.isoformat(), zone, s.score)


@login_required
@require_safe
def compare(request, set_pk):
    """A team set's structured interviews: candidates x questions, with scores and recommendations."""
    from teams.models import Membership

    qset = get_object_or_404(QuestionSet.objects.for_user(request.user).select_related("team"), pk=set_pk)
    if not Membership.objects.manages(request.user, qset.team_id):
        raise Http404("No such comparison.")
    sessions = InterviewSession.objects.filter(mode=Mode.STRUCTURED, question_set=qset, team_id=qset.team_id)
    columns = range(1, (sessions.aggregate(most=Max("question_count"))["most"] or 0) + 1)
    rows = panel_scores(sessions.order_by("scheduled_at", "pk"), columns)
    for row in rows:
        row["status_label"] = Status(row["status"]).label
        row["cells"] = list(zip(row["scores"], row["ratings"], strict=True))
        row["given"] = [
            (r["interviewer"], Recommendation(r["recommendation"]).label)
            for r in row["recommendations"]
            if r["recommendation"]
        ]
    return render(request, "sessions/compare.html", {"set": qset, "rows": rows, "columns": columns})
