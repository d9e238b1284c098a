"""The e-mail that invites a candidate to a structured interview, with a calendar entry."""

from datetime import UTC, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, as iCalendar requires."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start = [], 0
    while start < len(data):
        end = min(start + (75 if not parts else 74), len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        parts.append(data[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def _vtimezone(zone, moment) -> list[str]:
    """A VTIMEZONE for the zone as it is at ``moment`` (one event, so one offset is enough)."""
    local = moment.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    text = f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
    kind = "DAYLIGHT" if local.dst() else "STANDARD"
    return [
        "BEGIN:VTIMEZONE",
        f"TZID:{zone.key}",
        f"BEGIN:{kind}",
        "DTSTART:19700101T000000",
        f"TZOFFSETFROM:{text}",
        f"TZOFFSETTO:{text}",
        f"TZNAME:{_ics_text(local.tzname() or zone.key)}",
        f"END:{kind}",
        "END:VTIMEZONE",
    ]


def calendar_entry(session, zone=UTC, url=None) -> str:
    """The interview as an iCalendar event, its times in ``zone`` (UTC times end in Z)."""
    start = session.scheduled_at or timezone.now()
    minutes = (session.minutes_per_question or 10) * max(session.question_count, 1)
    end = start + timedelta(minutes=min(max(minutes, 30), 240))
    stamp = "%Y%m%dT%H%M%SZ"
    url = url or session.invite_url()
    description = f"Join: {url}"
    if session.meeting_url:
        description += f"\nCall: {session.meeting_url}"
    named = getattr(zone, "key", None) not in (None, "UTC", "Etc/UTC")
    if named:
        times = [
            f"DTSTART;TZID={zone.key}:{start.astimezone(zone):%Y%m%dT%H%M%S}",
            f"DTEND;TZID={zone.key}:{end.astimezone(zone):%Y%m%dT%H%M%S}",
        ]
    else:
        times = [f"DTSTART:{start.astimezone(UTC).strftime(stamp)}", f"DTEND:{end.astimezone(UTC).strftime(stamp)}"]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//InterviewPrep//Interviews//EN",
        "METHOD:REQUEST",
        *(_vtimezone(zone, start) if named else []),
        "BEGIN:VEVENT",
        f"UID:interview-{session.pk}@interviewprep",
        f"DTSTAMP:{timezone.now().astimezone(UTC).strftime(stamp)}",
        *times,
        f"SUMMARY:{_ics_text('Interview: ' + session.title)}",
        f"DESCRIPTION:{_ics_text(description)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _when(session, zone) -> str:
    """ "Monday 04 May 2030 at 16:30 (Europe/Berlin; 14:30 UTC)", or "soon" when unscheduled."""
    if not session.scheduled_at:
        return "soon"
    local = session.scheduled_at.astimezone(zone)
    name = getattr(zone, "key", "UTC")
    if name in ("UTC", "Etc/UTC"):
        return f"{local:%A %d %B %Y at %H:%M} UTC"
    return f"{local:%A %d %B %Y at %H:%M} ({name}; {session.scheduled_at.astimezone(UTC):%H:%M} UTC)"


def _message(subject, body, to, ics) -> EmailMessage:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    message.attach("interview.ics", ics, "text/calendar; method=REQUEST")
    return message


def send_invite(session) -> None:
    """The candidate's invitation, and one for each panel member, each with a calendar file.

    Times are in the recipient's time zone when they have an account that has one; the candidate
    without an account gets the scheduler's (named, with UTC beside it). Panel members get the
    room's address, never the invite link, which admits only the candidate.
    """
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from accounts.timezones import zone_of

    from .models import Reviewer

    lead = session.interviewer
    candidate_user = (
        get_user_model().objects.filter(email__iexact=session.candidate_email).order_by("pk").first()
        if session.candidate_email
        else None
    )
    zone = zone_of(candidate_user) if candidate_user else UTC
    if zone is UTC:
        zone = zone_of(lead)
    team = session.team.name if session.team else "us"
    body = (
        f"Hello,\n\nYou are invited to an interview with {team}: "
        f"{session.title}, {_when(session, zone)}.\n\n"
        f"Open this link to join (log in or create an account first):\n{session.invite_url()}\n\n"
        + (f"The call: {session.meeting_url}\n\n" if session.meeting_url else "")
        + f"The link admits one person and expires on {session.invite_expires_at:%d %B %Y}.\n"
    )
    messages = [
        _message(
            f"Interview invitation: {session.title}", body, [session.candidate_email], calendar_entry(session, zone)
        )
    ]
    room = settings.SITE_URL.rstrip("/") + reverse("sessions:room", args=[session.pk])
    panel = Reviewer.objects.filter(session=session, is_lead=False).select_related("user").order_by("pk")
    for reviewer in panel:
        if not reviewer.user.email:
            continue
        mine = zone_of(reviewer.user)
        body = (
            f"Hello {reviewer.user.username},\n\n{lead.username} asked you to sit on the panel of an interview "
            f"for {team}: {session.title}, {_when(session, mine)}, "
            f"with {session.candidate_email or 'a candidate'}.\n\n"
            f"The interview room (log in first):\n{room}\n\n"
            + (f"The call: {session.meeting_url}\n\n" if session.meeting_url else "")
            + "Mark, rate and recommend on your own; you see the others' scorecards once yours is in.\n"
        )
        messages.append(
            _message(
                f"Interview panel: {session.title}", body, [reviewer.user.email], calendar_entry(session, mine, room)
            )
        )
    for message in messages:
        message.send()
