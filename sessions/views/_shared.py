"""What every session view shares: fetching the session for the user, answering a change or a refusal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .. import presenters, services
from ..models import Answer, InterviewSession, Reviewer


def _session(request, pk):
    """The session if the user may see it; 404 otherwise, as if it did not exist."""
    if not InterviewSession.objects.for_user(request.user).filter(pk=pk).exists():
        raise Http404("No such session.")
    return presenters.load(pk)


def _session_row(request, pk):
    """The session's own row, if the user may see it (the same rule as ``_session``, in one query); 404
    otherwise. For the room's frequent writes: their services read what else they need, and their
    answers show a few figures, not the room."""
    try:
        return InterviewSession.objects.for_user(request.user).get(pk=pk)
    except InterviewSession.DoesNotExist:
        raise Http404("No such session.") from None


def _as_interviewer(request, pk):
    """(the user's Reviewer row, the session) in one query, for writes only the session's interviewers make
    (an interviewer may always see their session); for anyone else (None, ``_session_row``): 404 if they
    may not see the session, else the service refuses them as it always has."""
    try:
        reviewer = Reviewer.objects.select_related("session").get(session_id=pk, user=request.user)
    except Reviewer.DoesNotExist:
        return None, _session_row(request, pk)
    return reviewer, reviewer.session


def _as_candidate(request, pk, position):
    """(the session's answer at this position, the session) in one query when the user is the session's
    candidate (who may always see it), for the answer they type; for anyone else, or a position the
    session does not have, (None, ``_session_row``): 404 if they may not see the session, else the
    service answers as it always has."""
    try:
        answer = Answer.objects.select_related("session").get(
            session_id=pk, position=position, session__candidate=request.user
        )
    except Answer.DoesNotExist:
        return None, _session_row(request, pk)
    return answer, answer.session


def _after_change(request, session, message=None, level=messages.SUCCESS):
    if message:
        messages.add_message(request, level, message)
    url = reverse("sessions:room", args=[session.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _refused(request, session, error):
    """A change that does not fit the session's state: say why, on the room page (or 409 for htmx)."""
    text = str(error) if isinstance(error, services.Conflict) else " ".join(error.messages)
    if request.htmx:
        return HttpResponse(text, status=409, content_type="text/plain")
    messages.error(request, text)
    return redirect("sessions:room", pk=session.pk)


def _write(request, pk, action, *, fragment=None, then=None, session=None):
    """Run a service for this session and answer: refusals the same way everywhere; success with
    ``then(session, result)``, or for htmx the ``fragment(result)``, or back to the room.
    ``session``: as the view read it (``_as_candidate``, ``_as_interviewer``) when the action and the
    answer need no more than its row; else the whole room is read (``_session``)."""
    session = session if session is not None else _session(request, pk)
    try:
        result = action(session)
    except (services.Conflict, ValidationError) as error:
        return _refused(request, session, error)
    if then is not None:
        return then(session, result)
    if request.htmx and fragment is not None:
        return fragment(result)
    return redirect("sessions:room", pk=pk)
