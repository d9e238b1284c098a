"""The API says exactly what it does: schemathesis 4 fuzzes every operation from the OpenAPI schema.

Every check runs (server errors, status codes, content types, headers and bodies against the
schema, schema-valid requests accepted, schema-invalid ones refused, authentication enforced...),
a few examples per operation in each of schemathesis' phases (examples, coverage, fuzzing), from a
fixed seed, so a run is repeatable. The caller is a user with a team, a question set and a session,
signed in with an API token; ids drawn by the fuzzer mostly name nothing, which the API answers 404.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from sessions import services

from .factories import MembershipFactory, QuestionFactory, QuestionSetFactory, TeamFactory, UserFactory

TOKEN = "f" * 40

# Requests the schema allows and the API refuses 400, because the rule spans two fields, depends on who
# asks, or reads the file's content: an OpenAPI 3.0 schema cannot state these without splitting the body
# into oneOf variants (as POST /api/reports/ does by kind). Only `positive_data_acceptance` is left out
# for them; every other check runs. To shorten: describe the variants and remove the operation here.
CROSS_FIELD_RULES = {
    "POST /api/questions/": "visibility 'team' needs a team; 'public' is for staff",
    "PUT /api/questions/{id}/": "visibility 'team' needs a team; 'public' is for staff",
    "PATCH /api/questions/{id}/": "visibility 'team' needs a team; 'public' is for staff",
    "POST /api/question-sets/": "visibility 'team' needs a team; 'public' is for staff",
    "PUT /api/question-sets/{id}/": "visibility 'team' needs a team; 'public' is for staff",
    "PATCH /api/question-sets/{id}/": "visibility 'team' needs a team; 'public' is for staff",
    "POST /api/sessions/": "question_set or question_ids, not both; a structured interview needs a team",
    "POST /api/question-sets/import/": "the file must be a set as .json, .yaml or .csv (its content, not its type)",
}

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 14,
        "generation": {"max-examples": 5, "deterministic": True, "no-shrink": True},
        "auth": {"openapi": {"tokenAuth": {"api_key": f"Token {TOKEN}"}}},
        "operations": [
            {
                # These two check a password. A schema says which requests are well formed, not which
                # password is right: a wrong one is refused 400, naming the field. (Schemathesis makes
                # the same exception for an OAuth token URL.)
                "include-name": ["POST /api/auth/token/", "DELETE /api/account/"],
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]}
                },
            },
            {
                "include-name": sorted(CROSS_FIELD_RULES),
                "checks": {"positive_data_acceptance": {"enabled": False}},
            },
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), config=CONFIG)


@pytest.fixture
def keep_the_test_connection():
    """The WSGI handler is called directly, not through Django's test client, so its request signals
    would close the database connection that holds the test's transaction (on PostgreSQL; SQLite's
    in-memory one ignores it). Disconnected here, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzzer(db, keep_the_test_connection):
    """A team manager with a question set and a peer session of their own, signed in by TOKEN."""
    user = UserFactory(username="fuzzer")
    team = TeamFactory(name="Fuzz team")
    MembershipFactory(team=team, user=user, role="manager")
    questions = [QuestionFactory() for _ in range(3)]
    QuestionSetFactory(owner=user, questions=questions)
    services.session_create(by=user, mode="peer", question_ids=[q.pk for q in questions])
    Token.objects.create(user=user, key=TOKEN)
    return user


@pytest.mark.django_db
@schema.parametrize()
# The fixture's rows are made once per operation and kept across its examples, as intended.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case, fuzzer):
    case.call_and_validate()
