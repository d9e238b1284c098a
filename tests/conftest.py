import os
import shutil

import pytest
from django.core.cache import cache

from questions.models import Visibility
from teams.models import Membership

from .factories import MembershipFactory, QuestionFactory, TeamFactory, UserFactory


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true a skipped test fails the run: no test that needs a real service may quietly skip."""
    if os.environ.get("CI", "").lower() not in {"1", "true", "yes"}:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; in CI every test must run.", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def team(db, owner):
    team = TeamFactory(name="Platform hiring")
    MembershipFactory(team=team, user=owner, role=Membership.Role.MANAGER)
    return team


@pytest.fixture
def teammate(db, team):
    return MembershipFactory(team=team, user=UserFactory(username="teammate")).user


@pytest.fixture
def outsider(db):
    other = TeamFactory(name="Another team")
    return MembershipFactory(team=other, user=UserFactory(username="outsider")).user


@pytest.fixture
def private_question(owner):
    return QuestionFactory(
        prompt="Owner's private question about widgets?",
        owner=owner,
        visibility=Visibility.PRIVATE,
        keypoints=["Private keypoint alpha", "Private keypoint beta", "Private keypoint gamma"],
    )


@pytest.fixture
def team_question(owner, team):
    return QuestionFactory(
        prompt="Team question about gadgets?",
        owner=owner,
        visibility=Visibility.TEAM,
        team=team,
        keypoints=["Team keypoint one", "Team keypoint two", "Team keypoint three"],
    )


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def reset_broker_pools(app):
    """Forget Celery's pooled broker connections, so the next message uses the current broker_url."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def needs_services():
    """The worker tests need PostgreSQL (the worker, another process, reads the test database) and Redis."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the worker tests need PostgreSQL (set DATABASE_URL); the worker reads the test database")
    if not settings.REDIS_URL or not shutil.which("redis-server"):
        pytest.skip("the worker tests need Redis (set REDIS_URL) and redis-server")
