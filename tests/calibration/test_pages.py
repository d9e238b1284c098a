"""The drill pages: a manager makes a drill, interviewers score it blind and then see the gold and
the panel; outsiders get 404, interviewers may not make drills (403)."""

import pytest
from django.urls import reverse

from calibration.models import Attempt, Drill, Requirement
from questions.models import Visibility
from sessions import services as sessions_services

from ..conftest import login
from ..factories import QuestionFactory
from .conftest import GOLD

# Against GOLD: two half-steps in six marks; rows a third each, columns 1/6, 2/3, 1/6, so chance
# would disagree by 7/18 and the observed 1/6 gives kappa = 1 - (1/6) / (7/18) = 4/7.
MINE = [["covered", "partial", "partial"], ["missed", "partial", "partial"]]


def post_drill(client, team, question, answers):
    data = {"question": question.pk}
    for n, (text, gold) in enumerate(answers, 1):
        data[f"a{n}-text"] = text
        for p, value in enumerate(gold, 1):
            if value:
                data[f"a{n}-kp{p}"] = value
    return client.post(reverse("calibration:new", args=[team.pk]), data)


def score(client, drill, marks):
    data = {f"a{i}-kp{j}": value for i, row in enumerate(marks, 1) for j, value in enumerate(row, 1)}
    return client.post(reverse("calibration:score", args=[drill.pk]), data)


# --- making a drill -------------------------------------------------------------------------------


def test_the_manager_makes_a_drill_in_two_steps(client, owner, team, question):
    login(client, owner)
    step_one = client.get(reverse("calibration:new", args=[team.pk]))
    assert step_one.status_code == 200 and question.prompt in step_one.content.decode()
    step_two = client.get(reverse("calibration:new", args=[team.pk]), {"question": question.pk})
    assert b"Answers and gold marks" in step_two.content and b"NACLs have ordered rules" in step_two.content
    response = post_drill(client, team, question, [("A strong answer.", GOLD[0]), ("A weak answer.", GOLD[1])])
    drill = Drill.objects.get()
    assert response.status_code == 302 and response["Location"] == drill.get_absolute_url()
    assert [a.gold for a in drill.answers.all()] == GOLD
    assert [k.text for k in drill.keypoints.all()] == [k.text for k in question.keypoints.order_by("position")]


def test_step_two_comes_alone_to_htmx(client, owner, team, question):
    login(client, owner)
    response = client.get(reverse("calibration:new", args=[team.pk]), {"question": question.pk}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "Answers and gold marks" in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([("Only one answer.", GOLD[0])], "2 to 5 answers"),
        ([("One.", GOLD[0]), ("Two.", ["missed", None, "missed"])], "Answer 2: give a gold mark"),
        ([("One.", ["covered"] * 3), ("Two.", ["covered"] * 3)], "at least two different gold marks"),
        ([("One.", GOLD[0]), ("", GOLD[1])], "Answer 2: write the answer"),
    ],
)
def test_bad_drills_answer_a_message(client, owner, team, question, answers, message):
    login(client, owner)
    response = post_drill(client, team, question, answers)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Drill.objects.exists()


def test_a_question_the_team_cannot_see_is_not_offered(client, owner, team):
    private = QuestionFactory(prompt="Owner's private one?", owner=owner, visibility=Visibility.PRIVATE)
    login(client, owner)
    response = client.get(reverse("calibration:new", args=[team.pk]), {"question": private.pk})
    assert response.status_code == 400 and b"Select a valid choice" in response.content


def test_an_interview_answer_comes_without_the_candidates_name(client, owner, team, question, finished_answer):
    login(client, owner)
    page = client.get(reverse("calibration:new", args=[team.pk]), {"question": question.pk}).content.decode()
    assert "Interview answer A" in page and "Carol" not in page.replace("Carolina", "") and "carol@" not in page
    data = {"question": question.pk, "a1-source": finished_answer.pk, "a2-text": "Typed."}
    data |= {f"a{n}-kp{p}": v for n, row in enumerate(GOLD, 1) for p, v in enumerate(row, 1)}
    assert client.post(reverse("calibration:new", args=[team.pk]), data).status_code == 302
    first = Drill.objects.get().answers.get(position=1)
    assert first.source_id == finished_answer.pk
    assert first.text == (
        "Hi, [candidate] here ([candidate], [candidate]). Security groups are stateful; Carolina is a state."
    )


def test_interviewers_may_not_make_drills_and_outsiders_see_no_team(client, teammate, outsider, team):
    assert login(client, teammate).get(reverse("calibration:new", args=[team.pk])).status_code == 403
    assert client.get(reverse("calibration:list", args=[team.pk])).status_code == 200
    login(client, outsider)
    for name in ("calibration:new", "calibration:list"):
        assert client.get(reverse(name, args=[team.pk])).status_code == 404
    assert client.post(reverse("calibration:requirement", args=[team.pk]), {"required": "on"}).status_code == 404


# --- scoring blind --------------------------------------------------------------------------------


def test_an_interviewer_scores_blind_then_sees_gold_and_panel(client, teammate, second, drill):
    login(client, second)
    assert score(client, drill, GOLD).status_code == 302
    login(client, teammate)
    before = client.get(drill.get_absolute_url())
    assert before.context["form"] is not None and before.context["data"]["revealed"] is False
    assert "gold" not in before.context["data"]["answers"][0]["marks"][0]
    assert b"Gold" not in before.content and b"Panel" not in before.content
    response = score(client, drill, MINE)
    assert response.status_code == 302
    attempt = Attempt.objects.get(user=teammate)
    assert attempt.marks == MINE and attempt.kappa == pytest.approx(4 / 7)
    after = client.get(drill.get_absolute_url())
    data = after.context["data"]
    assert after.context["form"] is None and data["revealed"] and data["panel_size"] == 1
    row = data["answers"][0]["marks"][1]
    assert (row["gold"], row["mine"], row["panel"]) == ("covered", "partial", {"covered": 1, "partial": 0, "missed": 0})
    assert b"Your agreement with the gold marks: <strong>0.57</strong>" in after.content


def test_a_drill_is_scored_once(client, teammate, drill):
    login(client, teammate)
    assert score(client, drill, MINE).status_code == 302
    assert score(client, drill, GOLD).status_code == 409
    assert Attempt.objects.get().marks == MINE


def test_every_keypoint_must_be_marked(client, teammate, drill):
    login(client, teammate)
    response = score(client, drill, [["covered", "partial", "partial"], ["missed", "partial", ""]])
    assert response.status_code == 400 and b"This field is required" in response.content
    assert not Attempt.objects.exists()


def test_managers_see_gold_but_do_not_score(client, owner, teammate, drill):
    login(client, teammate)
    score(client, drill, MINE)
    login(client, owner)
    page = client.get(drill.get_absolute_url())
    assert page.context["form"] is None and page.context["data"]["attempts"][0]["interviewer"] == "teammate"
    assert score(client, drill, GOLD).status_code == 403


def test_outsiders_get_404_for_a_drill(client, outsider, drill):
    login(client, outsider)
    assert client.get(drill.get_absolute_url()).status_code == 404
    assert score(client, drill, GOLD).status_code == 404


def test_a_drill_of_a_question_in_your_live_interview_stays_closed(client, owner, team, teammate, drill, team_set):
    session = sessions_services.session_create(
        by=owner, mode="structured", question_set=team_set, team=team, candidate_email="t@example.com"
    )
    sessions_services.session_join(token=session.invite_token, user=teammate)
    login(client, teammate)
    response = client.get(drill.get_absolute_url())
    assert response.status_code == 409 and b"NACLs have ordered rules" not in response.content


# --- the list, the requirement, the team page -----------------------------------------------------


def test_the_list_shows_what_is_left_to_score_in_fixed_queries(
    client, owner, teammate, team, question, drill, django_assert_num_queries
):
    from .conftest import make_drill

    make_drill(team, owner, question)
    login(client, teammate)
    score(client, drill, MINE)
    url = reverse("calibration:list", args=[team.pk])
    with django_assert_num_queries(5):  # team, role, drills, my attempts, requirement (session, user: cached)
        body = client.get(url).content.decode()
    assert body.count("To score") == 1 and "agreement 0.57" in body


def test_the_manager_sets_and_lifts_the_requirement(client, owner, teammate, team):
    url = reverse("calibration:requirement", args=[team.pk])
    assert login(client, teammate).post(url, {"required": "on", "threshold": "0.5"}).status_code == 403
    login(client, owner)
    assert client.post(url, {"required": "on", "threshold": "1.5"}).status_code == 400
    assert client.post(url, {"required": "on"}).status_code == 400
    assert client.post(url, {"required": "on", "threshold": "0.7"}).status_code == 302
    assert Requirement.objects.get(team=team).threshold == 0.7
    assert b"pass a drill (agreement of 0.70" in client.get(reverse("calibration:list", args=[team.pk])).content
    assert client.post(url, {}).status_code == 302
    assert not Requirement.objects.exists()


def test_the_team_page_shows_agreement(client, owner, teammate, second, team, drill):
    login(client, teammate)
    score(client, drill, MINE)
    manager_view = login(client, owner).get(team.get_absolute_url()).content.decode()
    assert "Calibration" in manager_view and "<td>0.57</td>" in manager_view
    assert "second" in manager_view and "no drill scored yet" in manager_view
    own_view = login(client, second).get(team.get_absolute_url()).context["sections"][0]["rows"]
    assert [m.user.username for m, _ in own_view] == ["second"]


def test_the_team_page_runs_the_same_queries_however_many_drills_were_scored(
    client, owner, teammate, second, team, question, drill
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import make_drill

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(team.get_absolute_url()).status_code == 200
        return len(captured)

    login(client, owner)
    before = queries()
    for user in (teammate, second):
        login(client, user)
        for d in (drill, make_drill(team, owner, question)):
            score(client, d, MINE)
    login(client, owner)
    assert queries() == before


def test_a_manager_turned_interviewer_does_not_score_their_own_drill(client, owner, teammate, team, drill):
    from teams.models import Membership

    Membership.objects.filter(team=team, user=teammate).update(role=Membership.Role.MANAGER)
    Membership.objects.filter(team=team, user=owner).update(role=Membership.Role.INTERVIEWER)
    login(client, owner)
    page = client.get(drill.get_absolute_url())
    assert page.context["form"] is None and page.context["data"]["revealed"]
    assert score(client, drill, GOLD).status_code == 403
    assert not Attempt.objects.exists()
