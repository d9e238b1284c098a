"""Finding a partner (issue 17, point 4): post "looking for a peer mock", accept a slot, withdraw."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.services import time_zone_set
from questions.models import Difficulty
from sessions import services
from sessions.models import InterviewSession, Mode, PartnerRequest, Status

from ..conftest import login
from ..factories import QuestionFactory, TagFactory, UserFactory

URL = reverse("sessions:partners")
SLOT_1 = "2030-05-04T16:30"  # in the poster's zone, Europe/Berlin (UTC+2 in May)
SLOT_2 = "2030-05-05T09:00"


@pytest.fixture
def s3(db):
    tag = TagFactory(slug="s3", name="S3")
    for n in range(4):
        QuestionFactory(prompt=f"S3 question {n}?", tags=[tag], difficulty=Difficulty.INTERMEDIATE)
    QuestionFactory(prompt="An EC2 question?", tags=[TagFactory(slug="ec2", name="EC2")])
    return tag


@pytest.fixture
def poster(db):
    user = UserFactory(username="poster")
    time_zone_set(user=user, time_zone="Europe/Berlin")
    return user


@pytest.fixture
def accepter(db):
    user = UserFactory(username="accepter")
    time_zone_set(user=user, time_zone="America/New_York")
    return user


def post_request(client, **overrides):
    data = {"action": "post", "slot_1": SLOT_1, "slot_2": SLOT_2, "difficulty": "intermediate", "topics": ["s3"]}
    data.update(overrides)
    return client.post(URL, data)


@pytest.fixture
def open_request(client, poster, s3):
    response = post_request(login(client, poster), note="Mornings are best")
    assert response.status_code == 302
    client.logout()
    return PartnerRequest.objects.get(poster=poster)


def accept(client, user, found, slot=None):
    slot = slot if slot is not None else found.slots[0]
    return login(client, user).post(URL, {"action": "accept", "request": found.pk, "slot": slot})


def test_anonymous_is_sent_to_log_in(client, db):
    for response in (client.get(URL), client.post(URL, {"action": "post"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not PartnerRequest.objects.exists()


def test_posting_stores_the_slots_in_utc_read_in_the_posters_zone(open_request):
    assert open_request.status == PartnerRequest.State.OPEN
    assert open_request.topics == ["s3"]
    assert open_request.difficulty == "intermediate"
    assert open_request.note == "Mornings are best"
    assert open_request.slots == ["2030-05-04T14:30:00+00:00", "2030-05-05T07:00:00+00:00"]


def test_the_list_shows_others_first_with_times_in_the_viewers_zone(client, open_request, accepter):
    services.partner_request_create(by=accepter, topics=[], slots=[open_request.slot_times()[0]], note="ACCEPTERS-OWN")
    page = login(client, accepter).get(URL).content.decode()
    assert "poster" in page and "Mornings are best" in page and "S3" in page
    assert "Sat 4 May 2030, 10:30" in page  # 14:30 UTC in New York
    assert "16:30" not in page
    assert "America/New_York" in page
    others, mine = page.index("Open requests"), page.index("Your requests")
    assert others < page.index("Mornings are best") < mine < page.index("Withdraw")
    assert page.count("Withdraw") == 1  # only on the viewer's own request
    assert 'name="slot_1"' in page and 'for="id_slot_1"' in page

    poster_page = login(client, open_request.poster).get(URL).content.decode()
    assert "Sat 4 May 2030, 16:30" in poster_page  # the poster's own zone


def test_the_list_runs_a_fixed_number_of_queries(client, open_request, accepter, django_assert_num_queries, s3):
    login(client, accepter)
    with django_assert_num_queries(3):  # requests with posters, topic names, topics (session, user, zone: cached)
        assert client.get(URL).content.decode().count(">Accept<") == 1
    for n in range(5):
        services.partner_request_create(
            by=UserFactory(username=f"extra{n}"), topics=["s3", "ec2"], slots=open_request.slot_times()
        )
    with django_assert_num_queries(3):
        assert client.get(URL).content.decode().count(">Accept<") == 6


def test_accepting_creates_the_session_and_mails_both_with_a_calendar_file(
    client, open_request, accepter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = accept(client, accepter, open_request, slot=open_request.slots[1])
    found = PartnerRequest.objects.get(pk=open_request.pk)
    session = InterviewSession.objects.get(pk=found.session_id)
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert found.status == PartnerRequest.State.ACCEPTED and found.accepted_by == accepter
    assert session.mode == Mode.PEER and session.status == Status.LIVE
    assert session.interviewer == open_request.poster and session.candidate == accepter
    assert session.scheduled_at.isoformat() == "2030-05-05T07:00:00+00:00"
    asked = list(session.answers.values_list("tags", "difficulty"))
    assert asked and all(tags[0][0] == "s3" and difficulty == "intermediate" for tags, difficulty in asked)

    assert sorted(m.to[0] for m in mail.outbox) == ["accepter@example.com", "poster@example.com"]
    for message in mail.outbox:
        (name, ics, kind), *_ = message.attachments
        assert name.endswith(".ics") and kind.startswith("text/calendar")
        assert "BEGIN:VEVENT" in ics
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "DTSTART;TZID=Europe/Berlin:20300505T090000" in by_to["poster@example.com"].attachments[0][1]
    assert "DTSTART;TZID=America/New_York:20300505T030000" in by_to["accepter@example.com"].attachments[0][1]
    assert session.get_absolute_url() in by_to["accepter@example.com"].body

    assert PartnerRequest.objects.open().count() == 0
    assert "Mornings are best" not in login(client, accepter).get(URL).content.decode()


def test_a_second_accept_is_refused_with_a_409(client, open_request, accepter, django_capture_on_commit_callbacks):
    late = UserFactory(username="late")
    with django_capture_on_commit_callbacks(execute=True):
        accept(client, accepter, open_request)
        response = accept(client, late, open_request)
    assert response.status_code == 409
    assert "Someone else has just accepted this request." in response.content.decode()
    assert InterviewSession.objects.count() == 1
    assert PartnerRequest.objects.get(pk=open_request.pk).accepted_by == accepter
    assert len(mail.outbox) == 2


def test_the_poster_cannot_accept_their_own_request(client, open_request):
    response = accept(client, open_request.poster, open_request)
    assert response.status_code == 409
    assert not InterviewSession.objects.exists()


def test_a_slot_that_was_not_offered_is_refused_with_a_message(client, open_request, accepter):
    response = accept(client, accepter, open_request, slot="2031-01-01T00:00:00+00:00")
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "Choose one of the offered time slots." in page
    assert PartnerRequest.objects.get(pk=open_request.pk).status == PartnerRequest.State.OPEN
    assert not InterviewSession.objects.exists()


def test_only_the_poster_withdraws(client, open_request, accepter):
    refused = login(client, accepter).post(URL, {"action": "withdraw", "request": open_request.pk})
    assert refused.status_code == 404
    assert PartnerRequest.objects.get(pk=open_request.pk).status == PartnerRequest.State.OPEN

    done = login(client, open_request.poster).post(URL, {"action": "withdraw", "request": open_request.pk})
    assert done.status_code == 302
    assert PartnerRequest.objects.get(pk=open_request.pk).status == PartnerRequest.State.WITHDRAWN
    assert accept(client, accepter, open_request).status_code == 404
    assert "Mornings are best" not in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slot_1": "", "slot_2": ""}, "slot_1", "This field is required."),
        ({"slot_1": "tomorrow-ish"}, "slot_1", "Enter a valid date/time."),
        ({"slot_1": "2001-01-01T10:00", "slot_2": ""}, "slots", "Time slots must be in the future."),
        ({"topics": ["no-such-topic"]}, "topics", "no-such-topic is not one of the available choices"),
        ({"difficulty": "impossible"}, "difficulty", "Select a valid choice"),
    ],
)
def test_bad_input_gives_form_errors(client, poster, s3, overrides, field, message):
    response = post_request(login(client, poster), **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not PartnerRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_accepting_at_once_admit_exactly_one(poster, s3):
    """Parallel accepts on PostgreSQL: the conditional update lets one through, the rest get 409."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime, timedelta

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("parallel transactions need PostgreSQL (set DATABASE_URL); CI runs this")
    found = services.partner_request_create(by=poster, topics=["s3"], slots=[datetime.now(UTC) + timedelta(days=2)])
    people = [UserFactory(username=f"racer{n}") for n in range(6)]

    def race(user):
        try:
            services.partner_request_accept(request_id=found.pk, by=user, slot=found.slots[0])
            return "won"
        except services.Conflict:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        results = list(pool.map(race, people))
    assert sorted(results) == ["refused"] * 5 + ["won"]
    assert InterviewSession.objects.count() == 1
