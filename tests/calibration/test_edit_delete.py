"""Changing and deleting a drill: its team's managers only (interviewers 403, outsiders 404); gold marks
locked once someone has scored it (409); a deletion takes the drill's attempts with it, in one transaction."""

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db.models.signals import pre_delete
from django.http import Http404
from django.urls import reverse

from calibration import services
from calibration.models import Attempt, Drill, DrillAnswer, Requirement

from ..conftest import login
from .conftest import GOLD, api_as

MINE = [["covered", "partial", "partial"], ["missed", "partial", "partial"]]
NEW_GOLD = [["covered", "partial", "partial"], ["missed", "missed", "missed"]]


def scored(drill, *users):
    for user in users:
        services.attempt_submit(drill=drill, by=user, marks=MINE)


def edit_data(prompt, gold=None):
    data = {"prompt": prompt}
    for i, row in enumerate(gold or [], 1):
        for j, value in enumerate(row, 1):
            data[f"a{i}-kp{j}"] = value
    return data


def golds(drill):
    return [a.gold for a in DrillAnswer.objects.filter(drill=drill).order_by("position")]


# --- deleting, pages ------------------------------------------------------------------------------


def test_the_manager_deletes_a_drill_and_its_attempts(client, owner, teammate, second, team, drill):
    scored(drill, teammate, second)
    login(client, owner)
    assert "<td>0.57</td>" in client.get(team.get_absolute_url()).content.decode()
    page = client.get(reverse("calibration:delete", args=[drill.pk])).content.decode()
    assert "Its 2 attempts" in page and "will no longer count this drill" in page
    assert '<button type="submit" class="danger">Delete the drill and 2 attempts</button>' in page
    response = client.post(reverse("calibration:delete", args=[drill.pk]), follow=True)
    assert response.redirect_chain == [(reverse("calibration:list", args=[team.pk]), 302)]
    assert "Drill deleted, with 2 attempts: agreement figures no longer count it." in response.content.decode()
    assert not Drill.objects.exists() and not Attempt.objects.exists()
    team_page = client.get(team.get_absolute_url()).content.decode()
    assert "<td>0.57</td>" not in team_page and team_page.count("no drill scored yet") == 2


def test_the_confirmation_says_when_nothing_is_scored_and_when_a_pass_may_go(client, owner, teammate, team, drill):
    login(client, owner)
    page = client.get(reverse("calibration:delete", args=[drill.pk])).content.decode()
    assert "no attempt will be deleted" in page and "need to pass another" not in page
    Requirement.objects.create(team=team, threshold=0.5)
    scored(drill, teammate)
    page = client.get(reverse("calibration:delete", args=[drill.pk])).content.decode()
    assert "Its 1 attempt " in page and "need to pass another before sitting on a panel" in page


def test_the_confirmation_page_runs_fixed_queries(client, owner, teammate, drill, django_assert_num_queries):
    scored(drill, teammate)
    login(client, owner)
    with django_assert_num_queries(4):  # drill with its team, role, attempts counted, requirement (user: cached)
        assert client.get(reverse("calibration:delete", args=[drill.pk])).status_code == 200


def test_interviewers_may_not_delete_and_outsiders_see_no_drill(client, teammate, outsider, drill):
    url = reverse("calibration:delete", args=[drill.pk])
    login(client, teammate)
    assert client.get(url).status_code == 403 and client.post(url).status_code == 403
    login(client, outsider)
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    assert Drill.objects.filter(pk=drill.pk).exists()


def test_a_deletion_that_fails_keeps_the_attempts(owner, teammate, drill):
    def refuse(sender, instance, **kwargs):
        raise RuntimeError("the database refused")

    scored(drill, teammate)
    pre_delete.connect(refuse, sender=Drill)
    try:
        with pytest.raises(RuntimeError):
            services.drill_delete(drill=drill, by=owner)
    finally:
        pre_delete.disconnect(refuse, sender=Drill)
    assert Attempt.objects.filter(drill=drill).count() == 1 and Drill.objects.filter(pk=drill.pk).exists()


# --- editing, pages -------------------------------------------------------------------------------


def test_the_edit_page_runs_fixed_queries(client, owner, teammate, drill, django_assert_num_queries):
    scored(drill, teammate)
    login(client, owner)
    with django_assert_num_queries(5):  # drill with its team, role, keypoints, answers, attempts (user: cached)
        assert client.get(reverse("calibration:edit", args=[drill.pk])).status_code == 200


def test_the_manager_sees_the_links_and_an_interviewer_does_not(client, owner, teammate, drill):
    edit = reverse("calibration:edit", args=[drill.pk])
    assert edit in login(client, owner).get(drill.get_absolute_url()).content.decode()
    assert edit not in login(client, teammate).get(drill.get_absolute_url()).content.decode()


def test_the_manager_changes_title_and_gold_before_anyone_scores(client, owner, drill):
    login(client, owner)
    url = reverse("calibration:edit", args=[drill.pk])
    page = client.get(url)
    assert "can still change" in page.content.decode() and page.content.decode().count('type="radio"') == 18
    assert [[page.context["form"][f"a{i}-kp{j}"].value() for j in (1, 2, 3)] for i in (1, 2)] == GOLD
    response = client.post(url, edit_data("SGs against NACLs", NEW_GOLD), follow=True)
    assert response.redirect_chain == [(drill.get_absolute_url(), 302)]
    assert "Drill saved, with its gold marks." in response.content.decode()
    assert Drill.objects.get().prompt == "SGs against NACLs" and golds(drill) == NEW_GOLD


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (edit_data("   ", GOLD), "This field is required"),
        (edit_data("Same marks", [["covered"] * 3, ["covered"] * 3]), "at least two different gold marks"),
        (
            edit_data("One missing", [["covered", "covered", "partial"], ["missed", "partial"]]),
            "This field is required",
        ),
        (edit_data("Not a mark", [["covered", "covered", "great"], GOLD[1]]), "Select a valid choice"),
    ],
)
def test_bad_changes_answer_a_message(client, owner, drill, data, message):
    response = login(client, owner).post(reverse("calibration:edit", args=[drill.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert Drill.objects.get().prompt == drill.prompt and golds(drill) == GOLD


def test_once_scored_the_page_says_why_gold_is_locked(client, owner, teammate, drill):
    scored(drill, teammate)
    login(client, owner)
    url = reverse("calibration:edit", args=[drill.pk])
    page = client.get(url).content.decode()
    assert services.GOLD_LOCKED in page and "1 interviewer scored it" in page and 'type="radio"' not in page
    response = client.post(url, edit_data("A new title"), follow=True)
    assert "Drill saved." in response.content.decode() and Drill.objects.get().prompt == "A new title"
    # A page opened before the first attempt still sends gold marks: a change is refused, not ignored.
    stale = client.post(url, edit_data("Another title", NEW_GOLD))
    assert stale.status_code == 409 and "Gold marks are locked" in stale.content.decode()
    assert golds(drill) == GOLD and Drill.objects.get().prompt == "A new title"
    assert client.post(url, edit_data("Same gold", GOLD)).status_code == 302


def test_interviewers_may_not_edit_and_outsiders_see_no_drill(client, teammate, outsider, drill):
    url = reverse("calibration:edit", args=[drill.pk])
    login(client, teammate)
    assert client.get(url).status_code == 403 and client.post(url, edit_data("Mine now", GOLD)).status_code == 403
    login(client, outsider)
    assert client.get(url).status_code == 404 and client.post(url, edit_data("Mine now", GOLD)).status_code == 404
    assert Drill.objects.get().prompt == drill.prompt


# --- the API --------------------------------------------------------------------------------------


def test_the_api_changes_a_drill_until_it_is_scored(owner, teammate, drill):
    url = f"/api/drills/{drill.pk}/"
    response = api_as(owner).patch(url, {"prompt": "SGs against NACLs", "gold": NEW_GOLD}, format="json")
    assert response.status_code == 200 and response.json()["prompt"] == "SGs against NACLs"
    assert [[row["gold"] for row in a["marks"]] for a in response.json()["answers"]] == NEW_GOLD
    scored(drill, teammate)
    locked = api_as(owner).patch(url, {"gold": GOLD}, format="json")
    assert locked.status_code == 409 and locked.json()["detail"] == services.GOLD_LOCKED
    assert golds(drill) == NEW_GOLD
    assert api_as(owner).patch(url, {"gold": NEW_GOLD, "prompt": "Kept"}, format="json").status_code == 200
    assert Drill.objects.get().prompt == "Kept"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"prompt": "   "}, "prompt"),
        ({"gold": [["covered", "covered", "partial"]] * 3}, "gold"),
        ({"gold": [["covered", "covered", "partial"], ["missed", "partial", "missed", "missed"]]}, "gold"),
        ({"gold": [["covered"] * 3, ["covered"] * 3]}, "gold"),
        ({"gold": "covered"}, "gold"),
    ],
)
def test_bad_changes_answer_400_naming_the_field(owner, drill, body, field):
    response = api_as(owner).patch(f"/api/drills/{drill.pk}/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert golds(drill) == GOLD


def test_the_api_deletes_a_drill_with_its_attempts(owner, teammate, team, drill):
    scored(drill, teammate)
    assert api_as(teammate).get("/api/drills/agreement/", {"team": team.pk}).json()[0]["drills"] == 1
    assert api_as(owner).delete(f"/api/drills/{drill.pk}/").status_code == 204
    assert not Drill.objects.exists() and not Attempt.objects.exists()
    assert api_as(teammate).get("/api/drills/agreement/", {"team": team.pk}).json()[0]["drills"] == 0


def test_the_api_refuses_interviewers_403_and_outsiders_404(teammate, outsider, drill):
    url = f"/api/drills/{drill.pk}/"
    assert api_as(teammate).patch(url, {"prompt": "Mine"}, format="json").status_code == 403
    assert api_as(teammate).delete(url).status_code == 403
    assert api_as(outsider).patch(url, {"prompt": "Mine"}, format="json").status_code == 404
    assert api_as(outsider).delete(url).status_code == 404
    assert api_as().delete(url).status_code in (401, 403)
    assert Drill.objects.get().prompt == drill.prompt


def test_the_schema_documents_changing_and_deleting(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    item = schema["paths"]["/api/drills/{id}/"]
    assert item["patch"]["operationId"] == "drills_partial_update" and "409" in item["patch"]["responses"]
    assert item["delete"]["operationId"] == "drills_destroy" and "204" in item["delete"]["responses"]
    assert "put" not in item


@pytest.mark.parametrize("prompt", ["   ", "x" * 301])
def test_the_service_refuses_a_blank_or_long_title(owner, drill, prompt):
    with pytest.raises(ValidationError) as refused:
        services.drill_update(drill=drill, by=owner, prompt=prompt)
    assert "prompt" in refused.value.message_dict and Drill.objects.get().prompt == drill.prompt


def test_a_drill_deleted_meanwhile_cannot_be_scored(owner, teammate, drill):
    services.drill_delete(drill=drill, by=owner)
    with pytest.raises(Http404):
        services.attempt_submit(drill=drill, by=teammate, marks=MINE)
    assert not Attempt.objects.exists()
