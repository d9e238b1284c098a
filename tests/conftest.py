import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction

from common import cached
from questions.models import Visibility
from teams.models import Membership

from .factories import MembershipFactory, QuestionFactory, TeamFactory, UserFactory

# Coverage (`make test` under CI=true runs with --cov): every file of the app at this share or more.
# Under CI=true a file below it fails the run, unless it is one of the known gaps named here.
COVERAGE_FLOOR = 80
KNOWN_GAPS = {}  # none: every file of the app is at 80% or more


def _ci():
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtestloop(session):
    """After pytest-cov has combined its data: find the files under the floor."""
    result = yield
    plugin = session.config.pluginmanager.getplugin("_cov")
    if plugin is None or getattr(plugin, "cov_total", None) is None or plugin.cov_controller is None:
        return result
    from coverage.exceptions import NoDataError

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "coverage.json"
        try:
            plugin.cov_controller.cov.json_report(outfile=str(path), ignore_errors=True)
        except NoDataError:  # e.g. `-k` chose tests that run none of the app's code
            return result
        files = json.loads(path.read_text())["files"]
    under = {name: f["summary"]["percent_covered"] for name, f in files.items()}
    session.config._coverage_under_floor = {n: p for n, p in sorted(under.items()) if p < COVERAGE_FLOOR}
    if _ci() and set(session.config._coverage_under_floor) - set(KNOWN_GAPS):
        session.testsfailed += 1
    return result


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, config):
    under = getattr(config, "_coverage_under_floor", None)
    if under is None:
        return
    if not under:
        terminalreporter.write_line(f"Coverage: every file at {COVERAGE_FLOOR}% or more.", green=True)
        return
    terminalreporter.write_line(f"Coverage: {len(under)} file(s) under {COVERAGE_FLOOR}%:", red=True)
    for name, percent in under.items():
        known = f"  (known gap: {KNOWN_GAPS[name]})" if name in KNOWN_GAPS else ""
        terminalreporter.write_line(f"  {percent:5.1f}%  {name}{known}")
    new = set(under) - set(KNOWN_GAPS)
    if _ci() and new:
        terminalreporter.write_line(f"CI: {len(new)} file(s) under {COVERAGE_FLOOR}%, not known gaps.", red=True)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (`make test -n 2`) the browser tests run one after another in one worker, with
    one Chromium, while the other workers share the rest, one test at a time: the browser tests wait on
    polling more than they compute, and two Chromiums on two cores would make their timeouts flaky.
    (xdist's own --dist loadgroup cannot do it under pytest 9.2, which ignores its renamed node ids.)"""
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return "tests/browser" if nodeid.startswith("tests/browser/") else nodeid

    return BrowserTestsTogether(config, log)


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true a skipped test fails the run: no test that needs a real service may quietly skip."""
    if not _ci():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; in CI every test must run.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def bank_rows(django_db_setup, django_db_blocker):
    """Every row that ``load_bank()`` adds to an empty database, read once per test run.

    The load runs in a transaction that is rolled back: most tests count questions, pin query
    counts and pick slugs on an empty bank, so the bank is not left in the database they share.
    A test that wants the bank asks for ``question_bank``, which copies these rows in.
    """
    from questions.bank import load_bank

    with django_db_blocker.unblock(), transaction.atomic():
        tables = set(connection.introspection.table_names())
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables]
        before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in models}
        load_bank()
        rows = {}
        for model in models:
            pk = model._meta.pk.attname
            fields = [f.attname for f in model._meta.concrete_fields]
            added = [row for row in model._base_manager.order_by(pk).values(*fields) if row[pk] not in before[model]]
            if added:
                rows[model] = added
        transaction.set_rollback(True)
    return _in_insert_order(rows)


def _in_insert_order(rows):
    """The models of ``rows``, each after the models it points to."""
    ordered, pending = {}, dict(rows)
    while pending:
        ready = [m for m in pending if not any(f.related_model in pending for f in _foreign_keys(m))]
        assert ready, f"foreign keys form a cycle among {list(pending)}"
        for model in ready:
            ordered[model] = pending.pop(model)
    return ordered


def _foreign_keys(model):
    return [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]


@pytest.fixture
def question_bank(db, bank_rows):
    """The built-in bank (100 questions, their keypoints, tags and sets) as ``load_bank()`` leaves it.

    Copied from the rows read once per run, with new primary keys, in one insert a table; works
    in transactional tests too (the copy is committed, and flushed with the rest afterwards).
    """
    new_pks = {}
    with transaction.atomic():
        for model, rows in bank_rows.items():
            pk = model._meta.pk.attname
            remap = [(f.attname, new_pks[f.related_model]) for f in _foreign_keys(model) if f.related_model in new_pks]
            objs = []
            for row in rows:
                values = {**row, pk: None}
                for attname, mapping in remap:
                    if values[attname] is not None:
                        values[attname] = mapping[values[attname]]
                objs.append(model(**values))
            created = model._base_manager.bulk_create(objs)
            assert all(obj.pk is not None for obj in created), f"{model.__name__}: bulk_create returned no keys"
            new_pks[model] = {row[pk]: obj.pk for row, obj in zip(rows, created, strict=True)}


def once_per_module(build):
    """A module-scoped fixture of rows that a module's tests only start from: ``build()`` runs once, in
    a transaction left open while the module's tests run. Each test's own transaction (the ``db``
    fixture's) is a savepoint inside it, rolled back after the test, so every test finds the rows as
    ``build()`` left them, whatever the one before changed; the rows go with a rollback after the
    module's last test. For tests that use ``db``, not transactional ones (they would commit and flush).

    ``shared = once_per_module(lambda: {...})`` in the test module; tests take ``shared``."""

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        outer = transaction.atomic()
        with django_db_blocker.unblock():
            outer.__enter__()
            try:
                rows = build()
            except BaseException as exc:
                outer.__exit__(type(exc), exc, exc.__traceback__)
                raise
        yield rows
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    return fixture


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
    """Sign the client in as a browser would be, with the user already in the cache, as after their first
    page (accounts.signed_in): the pages' query counts are then those of every later request. The first
    request's one query for the user is tested in tests/accounts/test_signed_in_cache.py."""
    from accounts.signed_in import _loaders

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cached.read(_loaders(user.pk))
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


def pytest_collection_modifyitems(items):
    """schemathesis makes a test per API operation (tests/test_api_fuzz.py); under pytest 9.2 they all
    get the function's node id. Each gets its own, `test_api[GET /api/tags/]`, so that xdist, -k and
    the report tell them apart."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and item.nodeid.endswith(f"::{item.originalname}"):
            item._id = item.parent.id.child(item.originalname).with_params(label)
