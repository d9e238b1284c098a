"""Starting a session, joining one through its invite, and the mirror session after a swap."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import permissions, services
from ..forms import PeerStartForm, SelfStartForm, StructuredStartForm
from ..models import InterviewSession, Mode
from ._shared import _refused, _session, _write

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
