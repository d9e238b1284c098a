"""The live room: the page, its poll, and the writes made in it (answer, marks, notes, rating, next)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from accounts.signed_in import signed_in_required

from .. import live, permissions, presenters, services, suggestions
from ..forms import ScorecardForm
from ..models import AnswerKeypoint, InterviewSession, MarkValue, Mode, Status
from ._shared import _after_change, _as_candidate, _as_interviewer, _session, _write
from .end import _scorecard_history
from .start import _mirror_url

# --- the room ------------------------------------------------------------------------------------


@login_required
@require_safe
@never_cache
def room(request, pk):
    session = _session(request, pk)
    data = presenters.present_session(session, request.user)
    role = data["role"]
    current = next((a for a in data["answers"] if a["position"] == session.current_position), None)
    context = {
        "session": session,
        "data": data,
        "role": role,
        "current": current,
        "mark_choices": MarkValue.choices,
    }
    if session.status == Status.FINISHED:
        # The summary is the lead's scores: a panelist sees it only after submitting their own scorecard.
        blind = role == "panelist" and not data.get("scorecard", {}).get("submitted")
        if (session.mode != Mode.STRUCTURED or role != "candidate") and not blind:
            context["summary"] = services.summary(session) if role != "candidate" or session.mode == Mode.PEER else None
        template = "sessions/results.html"
    elif role == "manager":  # a manager of the team reads the scorecards; the panel marks
        template = "sessions/results.html"
    elif role == "candidate":
        template = "sessions/room_candidate.html"
    elif session.mode == Mode.SELF:
        template = "sessions/room_self.html"
    else:
        context["scorecard_form"] = ScorecardForm()
        template = "sessions/room_interviewer.html"
        if role == "lead" and session.mode == Mode.PEER and session.current_position == 1:  # after a swap
            context["repick"] = services.mirror_first_half(session) and not services.mirror_has_begun(session)
    if role == "panelist" and session.status == Status.FINISHED:
        context["scorecard_form"] = ScorecardForm()
    if session.mode == Mode.STRUCTURED and template == "sessions/results.html" and role != "candidate":
        _scorecard_history(request, session, data, context)
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@signed_in_required(also=live.loaders)  # the user's stamp and the room in one cache round trip
@require_safe
@never_cache
def poll(request, pk):
    """Nothing new: 204 from the cache alone, without a query (``sessions.live``, ``accounts.signed_in``).
    Something new: a refresh (the room moved on) or the live answer fragment (the candidate typed),
    decided from the database like anything else the cache does not answer."""
    room = live.state(pk, request.cached)
    seen = request.GET.get("v", "")
    if (
        room is not None
        and request.user_id in room.members
        and seen == str(room.version)
        and request.GET.get("a", str(room.answer_version)) == str(room.answer_version)
    ):
        return HttpResponse(status=204)
    row = (
        InterviewSession.objects.filter(pk=pk)
        .filter(Q(candidate=request.user_id) | Q(reviewers__user=request.user_id))
        .values_list("version", "answer_version", "mirror_id", "mirror__interviewer_id")
        .first()
    )
    if row is None:
        raise Http404("No such session.")
    version, answer_version, mirror_id, mirror_interviewer_id = row
    if seen != str(version):
        if mirror_id:  # roles were swapped: both people move on to the mirror session
            return HttpResponseClientRedirect(_mirror_url(mirror_id, mirror_interviewer_id == request.user_id))
        return HttpResponseClientRefresh()
    if "a" in request.GET and request.GET["a"] != str(answer_version):
        session = presenters.load(pk)
        role = permissions.role(session, request.user)
        if role not in ("lead", "panelist"):
            return HttpResponse(status=204)
        answer = session.answers.all()[session.current_position - 1]
        return render(
            request,
            "sessions/_live_update.html",
            {
                "session": session,
                "text": answer.text,
                "answer_version": answer_version,
                "current": presenters.present_answer(session, answer, role, request.user),
            },
        )
    return HttpResponse(status=204)


# --- writes --------------------------------------------------------------------------------------


@login_required
@require_POST
def answer_text(request, pk, position):
    answer, session = _as_candidate(request, pk, position)
    return _write(
        request,
        pk,
        lambda s: services.answer_save_text(
            session=s, position=position, by=request.user, text=request.POST.get("text", ""), answer=answer
        ),
        fragment=lambda _: render(request, "sessions/_states.html#saved"),
        session=session,
    )


@login_required
@require_POST
def answer_submit(request, pk, position):
    def act(session):
        if "text" in request.POST:
            services.answer_save_text(session=session, position=position, by=request.user, text=request.POST["text"])
        return services.answer_submit(session=session, position=position, by=request.user)

    return _write(
        request, pk, act, then=lambda s, _: _after_change(request, s, "Answer submitted. Now mark what it covered.")
    )


@login_required
@require_POST
def mark(request, pk, position, keypoint_id):
    mine, session = _as_interviewer(request, pk)
    return _write(
        request,
        pk,
        lambda s: services.mark_set(
            session=s,
            position=position,
            keypoint_id=keypoint_id,
            by=request.user,
            value=request.POST.get("mark", ""),
            reviewer=mine,
        ),
        fragment=lambda review: render(request, "sessions/_score.html", {"score": review.score, "position": position}),
        session=session,
    )


@login_required
@require_POST
def notes(request, pk, position):
    mine, session = _as_interviewer(request, pk)
    return _write(
        request,
        pk,
        lambda s: services.notes_save(
            session=s,
            position=position,
            by=request.user,
            notes=request.POST.get("notes", ""),
            version=request.POST.get("version", "0") or "0",
            reviewer=mine,
        ),
        fragment=lambda review: render(
            request,
            "sessions/_notes_state.html",
            {"review": review, "position": position, "current": _suggested(review)},
        ),
        session=session,
    )


def _suggested(review) -> dict:
    """The answer's keypoints with their suggestions, for an interviewer who just saved notes (one query:
    the keypoints of ``review.answer``, the answer the service read)."""
    answer = review.answer
    prefetch_related_objects([answer], Prefetch("keypoints", AnswerKeypoint.objects.order_by("position")))
    found = suggestions.for_answer(answer, review.notes)
    return {"keypoints": [{"id": kp.pk, "suggestion": found.get(kp.pk)} for kp in answer.keypoints.all()]}


@login_required
@require_POST
def accept_suggestions(request, pk, position):
    return _write(
        request,
        pk,
        lambda s: services.suggestions_accept(session=s, position=position, by=request.user),
        then=lambda s, _: _after_change(request, s, "Suggestions accepted. Change any mark that is wrong."),
    )


@login_required
@require_POST
def rating(request, pk, position):
    return _write(
        request,
        pk,
        lambda s: services.rating_set(session=s, position=position, by=request.user, rating=request.POST.get("rating")),
        fragment=lambda review: render(request, "sessions/_states.html#rated", {"rating": review.rating}),
    )


@login_required
@require_POST
def advance(request, pk):
    return _write(
        request,
        pk,
        lambda s: services.advance(session=s, by=request.user),
        then=lambda s, _: _after_change(request, s),
    )
