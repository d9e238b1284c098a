"""What the OpenAPI schema says, checked by hand where tests/test_api_fuzz.py only samples."""

import pytest
from rest_framework.test import APIClient

from .factories import UserFactory


@pytest.fixture
def api(db):
    client = APIClient()
    client.force_authenticate(UserFactory(username="caller"))
    return client


@pytest.fixture
def schema(api):
    return api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_a_number_is_not_a_name(api):
    refused = api.post("/api/teams/", {"name": 0})
    assert refused.status_code == 400 and "name" in refused.json()
    assert api.post("/api/teams/", {"name": "Platform"}).status_code == 201


def test_the_api_reads_json_only_but_the_set_import(api, schema):
    assert api.post("/api/teams/", {"name": "Platform"}, format="multipart").status_code == 415
    bodies = {
        (path, method): set(op["requestBody"]["content"])
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if "requestBody" in op
    }
    assert bodies.pop(("/api/question-sets/import/", "post")) == {"multipart/form-data"}
    assert set().union(*bodies.values()) == {"application/json"}


def test_deleting_the_account_documents_its_password(schema):
    body = schema["paths"]["/api/account/"]["delete"]["requestBody"]
    assert body["required"] is True
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][ref]["required"] == ["password"]
    # A generic view's DELETE has no body.
    assert "requestBody" not in schema["paths"]["/api/teams/{id}/"]["delete"]


def test_a_report_request_says_by_kind_what_it_needs(api, schema):
    body = schema["paths"]["/api/reports/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    request = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert request["discriminator"]["propertyName"] == "kind"
    hiring = schema["components"]["schemas"][request["discriminator"]["mapping"]["question_set"].rsplit("/", 1)[1]]
    assert "question_set" in hiring["required"]
    created = api.post("/api/reports/", {"kind": "progress"})
    answered = schema["paths"]["/api/reports/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    documented = schema["components"]["schemas"][answered["$ref"].rsplit("/", 1)[1]]
    assert created.status_code == 201 and set(created.json()) == set(documented["required"]) == {"id", "status"}


def test_lists_count_pages_from_one_and_a_page_past_the_last_is_404(api, schema):
    listing = schema["paths"]["/api/teams/"]["get"]
    page = next(p for p in listing["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1 and "404" in listing["responses"]
    assert api.get("/api/teams/?page=2").status_code == 404


def test_an_empty_moment_is_not_a_moment(api):
    refused = api.get("/api/reviews/due/?at=")
    assert refused.status_code == 400 and "at" in refused.json()
    assert api.get("/api/reviews/due/").status_code == 200
