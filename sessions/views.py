from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from questions.models import QuestionSet

from . import permissions, presenters, services, suggestions
from .forms import FinishForm, PeerStartForm, ScorecardAmendForm, ScorecardForm, SelfStartForm, StructuredStartForm
from .models import Answer, InterviewSession, MarkValue, Mode, Recommendation, Status
from .queries import finish_gaps, panel_scores
from .scoring import session_score_sql


def _session(request, pk):
    """The session if the user may see it; 404 otherwise, as if it did not exist."""
    if not InterviewSession.objects.for_user(request.user).filter(pk=pk).exists():
        raise Http404("No such session.")
    return presenters.load(pk)


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


# --- starting ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    mode = request.GET.get("mode") or request.POST.get("mode") or Mode.SELF
    if mode not in Mode.values:
        raise Http404("No such mode.")
    form_class = {Mode.SELF: SelfStartForm, Mode.PEER: PeerStartForm, Mode.STRUCTURED: StructuredStartForm}[mode]
    form = form_class(request.POST or None, user=request.user)
    if mode == Mode.SELF and request.method == "GET" and request.GET.get("set"):
        form = form_class(initial={"question_set": request.GET["set"]}, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if mode == Mode.SELF:
                if data["question_set"]:
                    session = services.session_create(by=request.user, mode=mode, question_set=data["question_set"])
                else:
                    questions = services.pick_questions(
                        user=request.user,
                        tags=[t.slug for t in data["tags"]],
                        difficulty=data["difficulty"],
                        count=data["count"] or 5,
                        worst=data["worst"],
                    )
                    if not questions:
                        raise ValidationError(
                            {"tags": "No question matches this filter (for “worst”, finish a session first)."}
                        )
                    session = services.session_create(
                        by=request.user, mode=mode, question_ids=[q.pk for q in questions]
                    )
            elif mode == Mode.PEER:
                session = services.session_create(
                    by=request.user,
                    mode=mode,
                    question_set=data["question_set"],
                    question_ids=None if data["question_set"] else [q.pk for q in data["questions"]],
                    meeting_url=data["meeting_url"],
                    minutes_per_question=data["minutes_per_question"],
                )
            else:
                qset = data["question_set"]
                session = services.session_create(
                    by=request.user,
                    mode=mode,
                    question_set=qset,
                    team=qset.team,
                    candidate_email=data["candidate_email"],
                    scheduled_at=data["scheduled_at"],
                    meeting_url=data["meeting_url"],
                    panel=list(data["panel"]),
                )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if mode == Mode.PEER:
                messages.success(request, "Session created. Send the invite link to your candidate.")
            elif mode == Mode.STRUCTURED:
                messages.success(request, f"Interview scheduled; the invitation went to {session.candidate_email}.")
            return redirect("sessions:room", pk=session.pk)
    return render(request, "sessions/new.html", {"form": form, "mode": mode, "modes": Mode.choices})


@require_http_methods(["GET", "POST"])
def join(request, token):
    if not request.user.is_authenticated:
        messages.info(request, "Log in or sign up to join the interview; you will come back here.")
        return redirect(f"{reverse('login')}?next={request.path}")
    session = InterviewSession.objects.filter(invite_token=token).exclude(mode=Mode.SELF).first()
    if session is None:
        problem = "This invite link is not valid. Check that you copied all of it."
        return render(request, "sessions/join.html", {"problem": problem}, status=404)
    if request.method == "POST" or session.candidate_id == request.user.pk:
        try:
            session = services.session_join(token=token, user=request.user)
        except services.Conflict as error:
            return render(request, "sessions/join.html", {"problem": str(error)}, status=410)
        return redirect("sessions:room", pk=session.pk)
    problem = services.join_refusal(session=session, user=request.user)  # say so now, not after a click
    if problem:
        return render(request, "sessions/join.html", {"problem": problem}, status=410)
    return render(request, "sessions/join.html", {"session": session})


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


@login_required
@require_safe
@never_cache
def poll(request, pk):
    """Nothing new: 204 in at most two queries (the user, then this one). Something new: a refresh
    (the room moved on) or the live answer fragment (the candidate typed)."""
    row = (
        InterviewSession.objects.filter(pk=pk)
        .filter(Q(candidate=request.user) | Q(reviewers__user=request.user))
        .values_list("version", "answer_version", "mirror_id", "mirror__interviewer_id")
        .first()
    )
    if row is None:
        raise Http404("No such session.")
    version, answer_version, mirror_id, mirror_interviewer_id = row
    if request.GET.get("v", "") != str(version):
        if mirror_id:  # roles were swapped: both people move on to the mirror session
            return HttpResponseClientRedirect(_mirror_url(mirror_id, mirror_interviewer_id == request.user.pk))
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


def _write(request, pk, action, *, fragment=None, then=None):
    """Run a service for this session and answer: refusals the same way everywhere; success with
    ``then(session, result)``, or for htmx the ``fragment(result)``, or back to the room."""
    session = _session(request, pk)
    try:
        result = action(session)
    except (services.Conflict, ValidationError) as error:
        return _refused(request, session, error)
    if then is not None:
        return then(session, result)
    if request.htmx and fragment is not None:
        return fragment(result)
    return redirect("sessions:room", pk=pk)


@login_required
@require_POST
def answer_text(request, pk, position):
    return _write(
        request,
        pk,
        lambda s: services.answer_save_text(
            session=s, position=position, by=request.user, text=request.POST.get("text", "")
        ),
        fragment=lambda _: render(request, "sessions/_states.html#saved"),
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
    return _write(
        request,
        pk,
        lambda s: services.mark_set(
            session=s, position=position, keypoint_id=keypoint_id, by=request.user, value=request.POST.get("mark", "")
        ),
        fragment=lambda review: render(request, "sessions/_score.html", {"score": review.score, "position": position}),
    )


@login_required
@require_POST
def notes(request, pk, position):
    return _write(
        request,
        pk,
        lambda s: services.notes_save(
            session=s,
            position=position,
            by=request.user,
            notes=request.POST.get("notes", ""),
            version=request.POST.get("version", "0") or "0",
        ),
        fragment=lambda review: render(
            request,
            "sessions/_notes_state.html",
            {"review": review, "position": position, "current": _suggested(pk, position, review.notes)},
        ),
    )


def _suggested(pk, position, notes) -> dict:
    """The answer's keypoints with their suggestions, for an interviewer who just saved notes (two queries)."""
    answer = Answer.objects.prefetch_related("keypoints").get(session_id=pk, position=position)
    found = suggestions.for_answer(answer, notes)
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
@require_POST
def swap(request, pk):
    def started(_, mirror):
        messages.success(request, "Roles swapped: a new session has started, with questions new to you both.")
        return redirect(_mirror_url(mirror.pk, mirror.interviewer_id == request.user.pk))

    return _write(request, pk, lambda s: services.swap_roles(session=s, by=request.user), then=started)


def _mirror_url(mirror_id, interviewing):
    """Where a swap leads: the new interviewer first to the page that re-picks the questions."""
    return reverse("sessions:mirror_questions" if interviewing else "sessions:room", args=[mirror_id])


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def mirror_questions(request, pk):
    """The mirror session's questions, which its interviewer may change before the interview begins."""
    session = _session(request, pk)
    permissions.require_lead(session, request.user, "choose the questions")
    first = services.mirror_first_half(session)
    if first is None:
        raise Http404("Only a session started by swapping roles has its questions chosen here.")
    if services.mirror_has_begun(session):
        messages.info(request, "The interview has begun: its questions can no longer change.")
        return redirect("sessions:room", pk=pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            ids = request.POST.getlist("question_ids")
            services.mirror_questions_set(session=session, by=request.user, question_ids=ids)
        except services.Conflict as refusal:
            return _refused(request, session, refusal)
        except ValidationError as invalid:
            error, status = " ".join(invalid.messages), 400
        else:
            messages.success(request, "Questions chosen. The candidate sees the first one now.")
            return redirect("sessions:room", pk=pk)
    chosen = {a.question_id for a in session.answers.all()}
    if status == 400:
        chosen = {int(i) for i in request.POST.getlist("question_ids") if i.isdigit()}
    candidates = services.mirror_candidates(first=first, interviewer=request.user)
    context = {"session": session, "candidates": candidates, "chosen": chosen, "error": error}
    return render(request, "sessions/mirror_questions.html", context, status=status)


# --- lists ---------------------------------------------------------------------------------------


@login_required
@require_safe
def session_list(request):
    sessions = (
        InterviewSession.objects.for_user(request.user)
        .select_related("interviewer", "candidate", "team")
        .annotate(score=session_score_sql())
        .order_by("-created_at", "-pk")[:100]
    )
    sessions = list(sessions)
    for session in sessions:  # rounded as the session's own page rounds it
        session.score = None if session.score is None else round(session.score, 1)
    return render(request, "sessions/list.html", {"sessions": sessions})


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
