"""Ending a session: the finish page, scorecards and their amendments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import permissions, services
from ..forms import FeedbackForm, FinishForm, ScorecardAmendForm, ScorecardForm
from ..models import Mode, Reviewer, Status
from ..queries import finish_gaps
from ._shared import _after_change, _refused, _session, _write


@login_required
@require_http_methods(["GET", "POST"])
def finish(request, pk):
    session = _session(request, pk)
    permissions.require_lead(session, request.user, "end it")
    gaps = finish_gaps(session, request.user) if session.status != Status.FINISHED else {}
    if session.mode == Mode.SELF:
        if request.method != "POST":
            return HttpResponse(status=405)
        if any(gaps.values()) and not request.POST.get("confirm"):  # warn first, finish on confirmation
            return render(request, "sessions/finish.html", {"session": session, "gaps": gaps})
        return _write(
            request,
            pk,
            lambda s: services.finish(session=s, by=request.user),
            then=lambda s, _: _after_change(request, s, "Session finished. Here is your summary."),
        )
    positions = [(str(a.position), f"{a.position}. {a.prompt}") for a in session.answers.all()]
    if session.mode == Mode.STRUCTURED:
        form = ScorecardForm(request.POST or None)
    else:
        form = FinishForm(request.POST or None, positions=positions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.finish(
                session=session,
                by=request.user,
                feedback=data.get("feedback", ""),
                shared_positions=data.get("shared_positions", ()),
                recommendation=data.get("recommendation", ""),
                summary=data.get("summary", ""),
            )
        except services.Conflict as error:
            return _refused(request, session, error)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return _after_change(request, session, "Interview finished.")
    return render(request, "sessions/finish.html", {"session": session, "form": form, "gaps": gaps})


@login_required
@require_POST
def scorecard(request, pk):
    form = ScorecardForm(request.POST)
    if not form.is_valid():
        session = _session(request, pk)
        messages.error(request, "Choose a recommendation before submitting your scorecard.")
        return redirect("sessions:room", pk=session.pk)
    return _write(
        request,
        pk,
        lambda s: services.scorecard_submit(
            session=s,
            by=request.user,
            recommendation=form.cleaned_data["recommendation"],
            summary=form.cleaned_data["summary"],
        ),
        then=lambda s, _: _after_change(request, s, "Scorecard submitted."),
    )


def _scorecard_history(request, session, data, context):
    """The results page's scorecard history, and the amend form for an interviewer whose scorecard is in."""
    context["history"] = services.scorecard_history(session=session, user=request.user)
    card = data.get("scorecard")
    if card and card["submitted"]:
        initial = {"recommendation": card["recommendation"], "summary": card["summary"]}
        context["amend_form"] = context.get("amend_form") or ScorecardAmendForm(initial=initial)


@login_required
@require_POST
def scorecard_amend(request, pk):
    form = ScorecardAmendForm(request.POST)
    if not form.is_valid():
        session = _session(request, pk)
        problems = [f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()]
        messages.error(request, "Your scorecard is unchanged. " + " ".join(problems))
        return redirect("sessions:room", pk=session.pk)
    return _write(
        request,
        pk,
        lambda s: services.scorecard_amend(session=s, by=request.user, **form.cleaned_data),
        then=lambda s, _: _after_change(request, s, "Scorecard amended; the reason is kept in its history."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, pk):
    """Peer sessions: the interviewer gives the feedback they left empty when finishing (the reminders link here)."""
    session = _session(request, pk)
    permissions.require_lead(session, request.user, "give the candidate feedback")
    if session.mode != Mode.PEER or session.status != Status.FINISHED:
        return _refused(request, session, services.Conflict("Feedback is given here once a peer interview ends."))
    if not Reviewer.objects.filter(session=session, user=request.user, feedback="").exists():
        messages.info(request, "Your feedback is already given: thank you.")
        return redirect("sessions:room", pk=session.pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_give(session=session, by=request.user, feedback=form.cleaned_data["feedback"])
        except services.Conflict as error:
            return _refused(request, session, error)
        except ValidationError as error:
            form.add_error("feedback", error.messages)
        else:
            return _after_change(request, session, "Thank you: your feedback is with the candidate.")
    return render(request, "sessions/feedback.html", {"session": session, "form": form})
