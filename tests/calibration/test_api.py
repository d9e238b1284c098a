"""The drills API: the same rules as the pages, in JSON, and every operation in the OpenAPI schema."""

import pytest
import yaml

from calibration.models import Attempt, Drill, Requirement

from .conftest import GOLD, api_as

MINE = [["covered", "partial", "partial"], ["missed", "partial", "partial"]]


def new_drill(team, question, gold=GOLD):
    return {
        "team": team.pk,
        "question": question.pk,
        "answers": [{"text": f"Answer {g}", "gold": list(g)} for g in gold],
    }


def test_the_manager_makes_a_drill(owner, team, question):
    response = api_as(owner).post("/api/drills/", new_drill(team, question), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["role"] == "manager" and body["revealed"] and not body["can_score"]
    assert [row["gold"] for row in body["answers"][1]["marks"]] == GOLD[1]
    assert Drill.objects.get().prompt == question.prompt


def test_a_drill_from_an_interview_answer(owner, team, question, finished_answer):
    sources = api_as(owner).get("/api/drills/sources/", {"team": team.pk, "question": question.pk}).json()
    assert [s["id"] for s in sources] == [finished_answer.pk] and "Carol Jones" not in sources[0]["text"]
    body = {"team": team.pk, "question": question.pk, "answers": [{"source": finished_answer.pk, "gold": GOLD[0]}]}
    body["answers"].append({"text": "Typed", "gold": GOLD[1]})
    response = api_as(owner).post("/api/drills/", body, format="json")
    assert response.status_code == 201 and response.json()["answers"][0]["text"].startswith("Hi, [candidate] here")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["answers"].pop(), "answers"),
        (lambda b: b["answers"][0]["gold"].pop(), "answers"),
        (lambda b: b["answers"][0].update(gold=["covered", "yes", "missed"]), "answers"),
        (lambda b: b["answers"][0].update(source=999999), "answers"),
    ],
)
def test_bad_input_answers_400_naming_the_field(owner, team, question, change, field):
    body = new_drill(team, question)
    change(body)
    response = api_as(owner).post("/api/drills/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Drill.objects.exists()


def test_a_question_the_team_cannot_see_answers_404(owner, team, private_question):
    response = api_as(owner).post("/api/drills/", new_drill(team, private_question), format="json")
    assert response.status_code == 404 and not Drill.objects.exists()


def test_refusals(teammate, outsider, team, question, drill):
    assert api_as().get("/api/drills/").status_code in (401, 403)
    assert api_as(teammate).post("/api/drills/", new_drill(team, question), format="json").status_code == 403
    assert api_as(outsider).post("/api/drills/", new_drill(team, question), format="json").status_code == 404
    assert api_as(outsider).get("/api/drills/").json()["results"] == []
    assert api_as(outsider).get("/api/drills/", {"team": team.pk}).status_code == 404
    assert api_as(outsider).get(f"/api/drills/{drill.pk}/").status_code == 404
    assert api_as(outsider).post(f"/api/drills/{drill.pk}/score/", {"marks": MINE}, format="json").status_code == 404
    assert api_as(outsider).get("/api/drills/agreement/", {"team": team.pk}).status_code == 404
    assert api_as(teammate).get("/api/drills/sources/", {"team": team.pk, "question": question.pk}).status_code == 403
    assert api_as(teammate).get("/api/drills/agreement/", {"team": "x"}).status_code == 400
    requirement = {"team": team.pk, "threshold": 0.5}
    assert api_as(teammate).post("/api/drills/requirement/", requirement, format="json").status_code == 403


def test_gold_stays_hidden_until_the_interviewer_submits(teammate, second, drill):
    api_as(second).post(f"/api/drills/{drill.pk}/score/", {"marks": GOLD}, format="json")
    before = api_as(teammate).get(f"/api/drills/{drill.pk}/").json()
    assert before["can_score"] and not before["revealed"] and before["panel_size"] is None
    assert all(set(row) == {"keypoint", "text"} for answer in before["answers"] for row in answer["marks"])
    assert api_as(teammate).get("/api/drills/").json()["results"][0]["scored"] is False
    after = api_as(teammate).post(f"/api/drills/{drill.pk}/score/", {"marks": MINE}, format="json")
    assert after.status_code == 201
    body = after.json()
    assert body["kappa"] == pytest.approx(4 / 7) and body["panel_size"] == 1 and body["attempts"] == []
    row = body["answers"][1]["marks"][2]
    assert (row["gold"], row["mine"], row["panel"]) == ("missed", "partial", {"covered": 0, "partial": 0, "missed": 1})
    again = api_as(teammate).post(f"/api/drills/{drill.pk}/score/", {"marks": GOLD}, format="json")
    assert again.status_code == 409 and Attempt.objects.get(user=teammate).marks == MINE


def test_marks_of_the_wrong_shape_answer_400(teammate, drill):
    for marks in ([["covered"] * 3], [["covered"] * 3, ["covered"] * 2], [["covered"] * 3, ["covered", "x", "missed"]]):
        response = api_as(teammate).post(f"/api/drills/{drill.pk}/score/", {"marks": marks}, format="json")
        assert response.status_code == 400 and "marks" in response.json()
    assert not Attempt.objects.exists()


def test_managers_see_everyone_and_interviewers_themselves(owner, teammate, second, team, drill):
    api_as(teammate).post(f"/api/drills/{drill.pk}/score/", {"marks": MINE}, format="json")
    rows = api_as(owner).get("/api/drills/agreement/", {"team": team.pk}).json()
    assert [(r["interviewer"], r["drills"], r["marks"]) for r in rows] == [("second", 0, 0), ("teammate", 1, 6)]
    assert rows[1]["kappa"] == pytest.approx(4 / 7) and rows[1]["exact"] == pytest.approx(4 / 6)
    assert [r["interviewer"] for r in api_as(second).get("/api/drills/agreement/", {"team": team.pk}).json()] == [
        "second"
    ]
    assert api_as(owner).get(f"/api/drills/{drill.pk}/").json()["attempts"][0]["interviewer"] == "teammate"


def test_the_manager_sets_the_requirement(owner, team):
    client = api_as(owner)
    assert client.post("/api/drills/requirement/", {"team": team.pk, "threshold": 2}, format="json").status_code == 400
    response = client.post("/api/drills/requirement/", {"team": team.pk, "threshold": 0.6}, format="json")
    assert response.status_code == 200 and Requirement.objects.get(team=team).threshold == 0.6
    client.post("/api/drills/requirement/", {"team": team.pk, "threshold": None}, format="json")
    assert not Requirement.objects.exists()


def test_the_schema_lists_the_drill_operations(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values() if "operationId" in op}
    expected = {"drills_list", "drills_retrieve", "drills_create", "drills_score", "drills_agreement"}
    assert expected | {"drills_requirement", "drills_sources"} <= operations
    assert "404" in schema["paths"]["/api/drills/{id}/"]["get"]["responses"]


def test_the_list_narrows_to_one_team_and_says_what_you_scored(owner, teammate, team, question, drill):
    from .conftest import make_drill

    other = make_drill(team, owner, question)
    api_as(teammate).post(f"/api/drills/{drill.pk}/score/", {"marks": MINE}, format="json")
    body = api_as(teammate).get("/api/drills/", {"team": team.pk}).json()
    rows = {row["id"]: row for row in body["results"]}
    assert body["count"] == 2 and rows[drill.pk]["scored"] and rows[drill.pk]["kappa"] == pytest.approx(4 / 7)
    assert rows[other.pk]["scored"] is False and rows[other.pk]["kappa"] is None
    assert api_as(teammate).get("/api/drills/", {"team": "x"}).status_code == 400
