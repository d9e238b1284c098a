"""The home page's "In progress" and "Coming up": the live and scheduled sessions the user takes part in
(candidate, interviewer, panelist) or manages (their team's structured interviews), nobody else's."""

import pytest

from sessions.models import InterviewSession, Status

from ..conftest import login

pytestmark = pytest.mark.django_db


def _section(client, user, heading):
    login(client, user)
    html = client.get("/").content.decode()
    if f'id="{heading}"' not in html:
        return ""
    return html.split(f'id="{heading}"', 1)[1].split("</section>", 1)[0]


def test_a_live_interview_is_in_progress_for_those_in_it_and_its_teams_manager(
    client, structured, teammate, panelist, candidate, owner, bystander, outsider
):
    structured.title = "Platform loop"
    structured.save()
    for user in (teammate, panelist, candidate, owner):  # lead, panel, candidate, the team's manager
        assert "Platform loop" in _section(client, user, "progress-heading"), user.username
    for user in (bystander, outsider):  # a teammate off the panel, someone else
        assert "Platform loop" not in _section(client, user, "progress-heading"), user.username


def test_a_scheduled_peer_interview_is_coming_up_for_its_two_people_only(client, peer, owner, candidate, outsider):
    InterviewSession.objects.filter(pk=peer.pk).update(status=Status.SCHEDULED, title="Mock on Friday")
    for user in (owner, candidate):
        assert "Mock on Friday" in _section(client, user, "upcoming-heading")
        assert "Mock on Friday" not in _section(client, user, "progress-heading")
    assert "Mock on Friday" not in _section(client, outsider, "upcoming-heading")


def test_a_finished_interview_is_in_neither(client, peer, owner):
    InterviewSession.objects.filter(pk=peer.pk).update(status=Status.FINISHED, title="Done and dusted")
    assert "Done and dusted" not in _section(client, owner, "progress-heading")
    assert "Done and dusted" not in _section(client, owner, "upcoming-heading")
