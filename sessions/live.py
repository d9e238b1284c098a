"""What the live room's poll asks of a session, from the cache: its two versions and who is in it.

The poll answers "nothing new" (204) from this alone; anything else it answers from the database as
before. The database stays the truth: ``state`` reads it through ``common.cached``, and ``forget`` is
called by everything that changes the versions or who is in the session. Saves and deletes of a
session or a reviewer do it through signals (``InterviewSessionsConfig.ready``); the services'
``update()`` calls, which send none, call it themselves (``services._common._bump``, ``session_join``).
"""

from __future__ import annotations

from dataclasses import dataclass

from common import cached

from .models import InterviewSession


@dataclass(frozen=True)
class Room:
    version: int
    answer_version: int
    members: frozenset[int]  # the candidate and the interviewers: who may poll


def key(pk) -> str:
    return f"room:{pk}"


def loaders(pk) -> dict:
    """What ``common.cached.read`` needs to read the state (``signed_in_required(also=...)``)."""
    return {key(pk): lambda: _load(pk)}


def state(pk, already=None) -> Room | None:
    """The session's versions and members, None if there is no such session. ``already``: values
    read with others (``request.cached``), used when they hold it."""
    if already and key(pk) in already:
        return already[key(pk)]
    return cached.read(loaders(pk))[key(pk)]


def _load(pk) -> Room | None:
    """One query: a row per interviewer."""
    rows = list(
        InterviewSession.objects.filter(pk=pk).values_list(
            "version", "answer_version", "candidate_id", "reviewers__user_id"
        )
    )
    if not rows:
        return None
    version, answer_version, candidate_id, _ = rows[0]
    members = {candidate_id, *(row[3] for row in rows)} - {None}
    return Room(version, answer_version, frozenset(members))


def forget(*pks) -> None:
    cached.forget(*(key(pk) for pk in pks))


def session_changed(sender, instance, **kwargs):
    """post_save and post_delete of a session."""
    forget(instance.pk)


def reviewer_changed(sender, instance, **kwargs):
    """post_save and post_delete of a reviewer: who may poll the session changed."""
    forget(instance.session_id)
