"""Finding a partner: a member posts "looking for a peer mock", another accepts one time slot.

Accepting claims the request with a conditional update, so of two members accepting at once
exactly one wins; the winner gets a peer session (the poster interviews, the accepter is the
candidate) and both get an e-mail with a calendar file once the transaction has committed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from common.refusals import Conflict
from questions.models import Difficulty, Tag

from ..models import InterviewSession, PartnerRequest
from .starting import pick_questions, session_create, session_join

PARTNER_QUESTIONS = 3
TAKEN_MESSAGE = "Someone else has just accepted this request."


def partner_request_create(*, by, topics=(), difficulty="", slots=(), note="") -> PartnerRequest:
    """Post a request; ``slots`` are aware datetimes (any zone), stored as UTC ISO strings."""
    topics = sorted(set(topics))
    known = set(Tag.objects.filter(slug__in=topics).values_list("slug", flat=True))
    unknown = [t for t in topics if t not in known]
    if unknown:
        raise ValidationError({"topics": f"No such topic: {', '.join(unknown)}."})
    if difficulty and difficulty not in Difficulty.values:
        raise ValidationError({"difficulty": f"Choose one of: {', '.join(Difficulty.values)}."})
    slots = sorted({s.astimezone(UTC) for s in slots if s is not None})
    if not slots:
        raise ValidationError({"slots": "Offer at least one time slot."})
    if len(slots) > PartnerRequest.MAX_SLOTS:
        raise ValidationError({"slots": f"Offer at most {PartnerRequest.MAX_SLOTS} time slots."})
    if slots[0] <= timezone.now():
        raise ValidationError({"slots": "Time slots must be in the future."})
    return PartnerRequest.objects.create(
        poster=by,
        topics=topics,
        difficulty=difficulty or "",
        slots=[s.isoformat() for s in slots],
        note=(note or "").strip(),
    )


def partner_request_accept(*, request_id: int, by, slot: str) -> InterviewSession:
    """Accept an open request for one of its slots; raise Conflict if someone was first."""
    with transaction.atomic():
        found = PartnerRequest.objects.filter(pk=request_id).select_related("poster").first()
        if found is None or found.status == PartnerRequest.State.WITHDRAWN:
            raise Http404("No such request.")
        if found.poster_id == by.pk:
            raise Conflict("This is your own request; wait for someone to accept it.")
        if found.status != PartnerRequest.State.OPEN:
            raise Conflict(TAKEN_MESSAGE)
        if slot not in found.slots:
            raise ValidationError({"slot": "Choose one of the offered time slots."})
        when = datetime.fromisoformat(slot)
        if when <= timezone.now():
            raise ValidationError({"slot": "This time slot has passed; choose a later one."})
        claimed = PartnerRequest.objects.filter(pk=found.pk, status=PartnerRequest.State.OPEN).update(
            status=PartnerRequest.State.ACCEPTED, accepted_by=by
        )
        if claimed != 1:
            raise Conflict(TAKEN_MESSAGE)
        questions = pick_questions(
            user=found.poster, tags=found.topics, difficulty=found.difficulty, count=PARTNER_QUESTIONS
        )
        if not questions:
            raise ValidationError({"slot": "No questions match this request's topics and difficulty any more."})
        session = session_create(by=found.poster, mode="peer", question_ids=[q.pk for q in questions])
        title = f"Peer mock: {found.poster.username} and {by.username}"
        InterviewSession.objects.filter(pk=session.pk).update(scheduled_at=when, title=title[:200])
        session = session_join(token=session.invite_token, user=by)
        PartnerRequest.objects.filter(pk=found.pk).update(session=session)
        transaction.on_commit(lambda: send_partner_emails(found.pk))
    return session


def partner_request_withdraw(*, request_id: int, by) -> PartnerRequest:
    """The poster takes an open request down; anyone else is refused as if it did not exist."""
    with transaction.atomic():
        found = PartnerRequest.objects.filter(pk=request_id, poster=by).first()
        if found is None:
            raise Http404("No such request.")
        withdrawn = PartnerRequest.objects.filter(pk=found.pk, status=PartnerRequest.State.OPEN).update(
            status=PartnerRequest.State.WITHDRAWN
        )
        if withdrawn != 1:
            raise Conflict("This request has already been accepted or withdrawn.")
        found.refresh_from_db()
        return found


def send_partner_emails(request_id: int) -> None:
    """Both partners: who, when (in each one's zone), the room's address, a calendar file."""
    from django.conf import settings
    from django.urls import reverse

    from accounts.timezones import zone_of

    from ..invites import _message, _when, calendar_entry

    found = PartnerRequest.objects.select_related("poster", "accepted_by", "session").get(pk=request_id)
    session = found.session
    room = settings.SITE_URL.rstrip("/") + reverse("sessions:room", args=[session.pk])
    pairs = [(found.poster, found.accepted_by, "interview"), (found.accepted_by, found.poster, "answer questions from")]
    for user, other, role in pairs:
        if user is None or not user.email or other is None:
            continue
        zone = zone_of(user)
        body = (
            f"Hello {user.username},\n\n{other.username} and you have a peer mock interview: "
            f"{_when(session, zone)}. You {role} {other.username}.\n\n"
            f"The interview room (log in first):\n{room}\n"
        )
        _message(f"Peer mock: {session.title}", body, [user.email], calendar_entry(session, zone, room)).send()
