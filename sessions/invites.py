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


def calendar_entry(session) -> str:
    start = session.scheduled_at or timezone.now()
    minutes = (session.minutes_per_question or 10) * max(session.question_count, 1)
    end = start + timedelta(minutes=min(max(minutes, 30), 240))
    stamp = "%Y%m%dT%H%M%SZ"
    description = f"Join: {session.invite_url()}"
    if session.meeting_url:
        description += f"\nCall: {session.meeting_url}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//InterviewPrep//Interviews//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:interview-{session.pk}@interviewprep",
        f"DTSTAMP:{timezone.now().astimezone(UTC).strftime(stamp)}",
        f"DTSTART:{start.astimezone(UTC).strftime(stamp)}",
        f"DTEND:{end.astimezone(UTC).strftime(stamp)}",
        f"SUMMARY:{_ics_text('Interview: ' + session.title)}",
        f"DESCRIPTION:{_ics_text(description)}",
        f"URL:{session.invite_url()}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def send_invite(session) -> None:
    when = session.scheduled_at.strftime("%A %d %B %Y at %H:%M UTC") if session.scheduled_at else "soon"
    body = (
        f"Hello,\n\nYou are invited to an interview with {session.team.name if session.team else 'us'}: "
        f"{session.title}, {when}.\n\n"
        f"Open this link to join (log in or create an account first):\n{session.invite_url()}\n\n"
        + (f"The call: {session.meeting_url}\n\n" if session.meeting_url else "")
        + f"The link admits one person and expires on {session.invite_expires_at:%d %B %Y}.\n"
    )
    message = EmailMessage(
        subject=f"Interview invitation: {session.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[session.candidate_email],
    )
    message.attach("interview.ics", calendar_entry(session), "text/calendar; method=REQUEST")
    message.send()
