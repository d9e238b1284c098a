"""The live room's poll answers "nothing new" from the cache, without a query, and is still exact:
a change is seen by the next poll, and someone who loses access is refused at once."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import cached
from sessions import services
from sessions.models import Reviewer

from ..conftest import login
from .conftest import fresh


def poll(client, session, **params):
    return client.get(f"/sessions/{session.pk}/poll/", {"v": session.version, **params})


def poll_counting(client, session, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = poll(client, session, **params)
    return response, [q["sql"] for q in ctx.captured_queries]


def test_a_warm_poll_with_nothing_new_runs_no_query(client, peer, owner, candidate):
    session = peer
    login(client, candidate)
    assert poll(client, session).status_code == 204  # the first poll reads the database and fills the cache
    response, queries = poll_counting(client, session)
    assert response.status_code == 204 and queries == []
    login(client, owner)  # the interviewer's poll also asks about the live answer
    assert poll(client, session, a=session.answer_version).status_code == 204
    response, queries = poll_counting(client, session, a=session.answer_version)
    assert response.status_code == 204 and queries == []


def test_the_next_poll_sees_each_change(client, peer, owner, candidate):
    session = peer
    login(client, owner)
    assert poll(client, session, a=session.answer_version).status_code == 204
    services.answer_save_text(session=session, position=1, by=candidate, text="Route tables per subnet")
    typed = poll(client, session, a=session.answer_version)
    assert typed.status_code == 200 and b"Route tables per subnet" in typed.content
    login(client, candidate)
    assert poll(client, session).status_code == 204
    services.advance(session=session, by=owner)
    assert poll(client, session)["HX-Refresh"] == "true"
    assert poll(client, fresh(session)).status_code == 204


def test_a_removed_panelist_is_refused_at_once(client, structured, panelist):
    login(client, panelist)
    assert poll(client, structured).status_code == 204
    assert poll_counting(client, structured)[1] == []  # warm: answered from the cache
    Reviewer.objects.filter(session=structured, user=panelist).delete()  # as the admin removes one
    assert poll(client, structured).status_code == 404


def test_a_deleted_session_is_gone_at_once(client, peer, candidate):
    session = peer
    login(client, candidate)
    assert poll(client, session).status_code == 204
    session.delete()
    assert poll(client, session).status_code == 404


@pytest.mark.parametrize("change", ["deactivated", "deleted", "password changed"])
def test_a_user_who_can_no_longer_sign_in_is_refused_at_once(client, peer, candidate, change):
    session = peer
    login(client, candidate)
    assert poll(client, session).status_code == 204
    assert poll_counting(client, session)[1] == []
    user = User.objects.get(pk=candidate.pk)
    if change == "deactivated":
        user.is_active = False
        user.save()
    elif change == "deleted":
        user.delete()
    else:  # every other session of the user is logged out
        user.set_password("a new password entirely")
        user.save()
    refused = poll(client, session)
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/login/")


def test_anonymous_is_sent_to_log_in(client, peer):
    session = peer
    response = poll(client, session)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/sessions/{session.pk}/poll/%3Fv%3D{session.version}"


# --- the cache underneath ------------------------------------------------------------------------


def test_a_value_read_before_a_change_is_not_served_after_it(db):
    def old_row():
        cached.forget("row")  # the change commits while the old row is being read
        return "old"

    assert cached.read({"row": old_row}) == {"row": "old"}
    assert cached.read({"row": lambda: "new"}) == {"row": "new"}
    assert cached.read({"row": lambda: "not read"}) == {"row": "new"}  # and now it is current


def test_a_read_during_the_changing_transaction_is_forgotten_when_it_commits(db, django_capture_on_commit_callbacks):
    assert cached.read({"row": lambda: "old"}) == {"row": "old"}
    with django_capture_on_commit_callbacks(execute=True):
        cached.forget("row")  # the change, not yet committed
        cached.read({"row": lambda: "old"})  # another request still reads the committed (old) row
    assert cached.read({"row": lambda: "new"}) == {"row": "new"}
