"""Writing one's own questions and building sets, through the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions.models import Question, QuestionSet, RubricKeypoint, Tag, Visibility

from ..conftest import login
from ..factories import QuestionFactory, QuestionSetFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def _post_question(client, url, **overrides):
    data = {
        "prompt": "How would you rotate database credentials without downtime?",
        "difficulty": "advanced",
        "tags": "Security, secrets-rotation",
        "context": "A *busy* service.",
        "reference_answer": "Use **Secrets Manager** rotation.",
        "visibility": "private",
        "kp_text": ["Secrets Manager rotates on a schedule", "Two users alternate", "Apps fetch at runtime"],
        "kp_weight": ["2", "1", "1"],
        "kp_evidence": ["rotation, schedule", "alternating users", "cache, fetch"],
        "action": "save",
    }
    data.update(overrides)
    return client.post(url, data)


def test_write_a_question_with_keypoints_and_new_and_existing_tags(client, owner):
    TagFactory(slug="security", name="Security")
    login(client, owner)
    response = _post_question(client, "/questions/new/")
    question = Question.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    assert question.visibility == Visibility.PRIVATE
    assert [(k.position, k.text, k.weight) for k in question.keypoints.all()] == [
        (1, "Secrets Manager rotates on a schedule", 2),
        (2, "Two users alternate", 1),
        (3, "Apps fetch at runtime", 1),
    ]
    assert question.keypoints.first().evidence == ["rotation", "schedule"]
    assert sorted(question.tags.values_list("slug", flat=True)) == ["secrets-rotation", "security"]
    assert Tag.objects.filter(slug="security").count() == 1
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Question created." in page and "Edit" in page


def test_too_few_keypoints_and_missing_prompt_are_explained_and_nothing_is_saved(client, owner):
    login(client, owner)
    response = _post_question(client, "/questions/new/", prompt="", kp_text=["Only one", "Two"], kp_weight=["1", "0"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert Question.objects.count() == 0
    response = _post_question(
        client, "/questions/new/", kp_text=["One", "Two"], kp_weight=["1", "0"], kp_evidence=["", ""]
    )
    body = response.content.decode()
    assert "needs 3 to 6 keypoints; it has 2" in body
    assert "Keypoint 2: the weight must be a whole number from 1 to 10" in body
    assert Question.objects.count() == 0 and RubricKeypoint.objects.count() == 0


def test_keypoint_rows_are_added_removed_and_moved_without_saving(client, owner):
    login(client, owner)
    texts = ["Alpha point", "Beta point", "Gamma point"]
    body = _post_question(client, "/questions/new/", action="add", kp_text=texts).content.decode()
    assert body.count('name="kp_text"') == 4
    body = _post_question(client, "/questions/new/", action="up-2", kp_text=texts).content.decode()
    assert body.index("Alpha point") < body.index("Gamma point") < body.index("Beta point")
    body = _post_question(client, "/questions/new/", action="remove-0", kp_text=texts).content.decode()
    assert "Alpha point" not in body and body.count('name="kp_text"') == 2
    assert Question.objects.count() == 0


def test_row_actions_through_htmx_return_only_the_editor(client, owner):
    login(client, owner)
    data = {"prompt": "P?", "difficulty": "basic", "visibility": "private", "kp_text": ["a", "b", "c"], "action": "add"}
    response = client.post("/questions/new/", data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<form id="question-editor"') and "<html" not in body
    assert "data-autofocus" in body


def test_save_through_htmx_redirects_the_browser(client, owner):
    login(client, owner)
    response = client.post(
        "/questions/new/",
        {
            "prompt": "P?",
            "difficulty": "basic",
            "visibility": "private",
            "kp_text": ["a", "b", "c"],
            "kp_weight": ["1", "1", "1"],
            "action": "save",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == Question.objects.get().get_absolute_url()


def test_preview_renders_sanitised_markdown(client, owner):
    login(client, owner)
    body = _post_question(
        client, "/questions/new/", action="preview", reference_answer="**bold** <script>alert(1)</script>"
    ).content.decode()
    assert "<strong>bold</strong>" in body and "<script>alert(1)" not in body
    assert Question.objects.count() == 0


def test_no_script_from_any_field_reaches_the_page(client, owner):
    login(client, owner)
    attack = "<script>alert('x')</script><img src=x onerror=alert(1)>[a](javascript:alert(1))"
    _post_question(
        client,
        "/questions/new/",
        prompt=f"Prompt {attack}"[:300],
        context=attack,
        reference_answer=attack,
        kp_text=[attack, "Two", "Three"],
    )
    question = Question.objects.get()
    for url in (question.get_absolute_url() + "?rubric=1", f"/questions/{question.pk}/edit/", "/questions/?mine=on"):
        body = client.get(url).content.decode().split("</header>", 1)[1]
        assert "<script>alert" not in body and "<img src=x" not in body and 'href="javascript:' not in body


def test_only_staff_publish_to_the_public_bank(client, owner):
    login(client, owner)
    body = _post_question(client, "/questions/new/", visibility="public").content.decode()
    assert "Select a valid choice" in body and Question.objects.count() == 0
    staff = UserFactory(username="staffer", is_staff=True)
    login(client, staff)
    assert _post_question(client, "/questions/new/", visibility="public").status_code == 302
    assert Question.objects.get().visibility == Visibility.PUBLIC


def test_share_a_question_with_my_team(client, owner, team, teammate, outsider):
    login(client, owner)
    _post_question(client, "/questions/new/", visibility=f"team:{team.pk}")
    question = Question.objects.get()
    assert question.visibility == Visibility.TEAM and question.team == team
    login(client, teammate)
    assert client.get(question.get_absolute_url()).status_code == 200
    login(client, outsider)
    assert client.get(question.get_absolute_url()).status_code == 404
    # A team the user is not in is not a choice.
    login(client, outsider)
    assert (
        "Select a valid choice"
        in _post_question(client, "/questions/new/", visibility=f"team:{team.pk}").content.decode()
    )


def test_edit_keeps_keypoint_ids_and_updates_in_place(client, owner):
    question = QuestionFactory(owner=owner, visibility=Visibility.PRIVATE, keypoints=["One", "Two", "Three"])
    ids = list(question.keypoints.values_list("pk", flat=True))
    login(client, owner)
    page = client.get(f"/questions/{question.pk}/edit/").content.decode()
    assert 'value="Two"' in page
    _post_question(client, f"/questions/{question.pk}/edit/", kp_text=["One", "Two, sharper", "Three", "Four"])
    question.refresh_from_db()
    assert question.prompt.startswith("How would you rotate")
    assert list(question.keypoints.values_list("pk", flat=True))[:3] == ids
    assert list(question.keypoints.values_list("text", flat=True)) == ["One", "Two, sharper", "Three", "Four"]


def test_delete_an_unused_question_and_archive_a_used_one(client, owner):
    login(client, owner)
    unused = QuestionFactory(owner=owner, visibility=Visibility.PRIVATE)
    used = QuestionFactory(owner=owner, visibility=Visibility.PUBLIC, prompt="Used by someone's set?")
    other = UserFactory(username="fan")
    QuestionSetFactory(owner=other, visibility=Visibility.PRIVATE, questions=[used])
    client.post(f"/questions/{unused.pk}/delete/")
    assert not Question.objects.filter(pk=unused.pk).exists()
    response = client.post(f"/questions/{used.pk}/delete/", follow=True)
    assert "archived" in response.content.decode()
    used.refresh_from_db()
    assert used.is_archived and used.keypoints.count() == 3
    assert client.get(used.get_absolute_url()).status_code == 404


# --- sets --------------------------------------------------------------------------------------


def test_build_a_set_search_add_reorder_remove(client, owner):
    a = QuestionFactory(prompt="Alpha about NAT gateways?")
    b = QuestionFactory(prompt="Beta about NAT instances?")
    c = QuestionFactory(prompt="Gamma about IAM roles?")
    login(client, owner)
    response = client.post(
        "/sets/new/", {"title": "Networking loop", "visibility": "private", "minutes_per_question": 10}
    )
    qset = QuestionSet.objects.get(owner=owner)
    assert response["Location"] == f"/sets/{qset.pk}/edit/"
    results = client.get(f"/sets/{qset.pk}/edit/", {"q": "NAT"}, headers={"HX-Request": "true"}).content.decode()
    assert a.prompt in results and b.prompt in results and c.prompt not in results
    assert results.lstrip().startswith('<div id="search-results"')
    for q in (a, b, c):
        client.post(f"/sets/{qset.pk}/edit/", {"action": "add", "question": q.pk})
    assert _order(qset) == [a.pk, b.pk, c.pk]
    # Already in the set: not offered again.
    again = client.get(f"/sets/{qset.pk}/edit/", {"q": "NAT"}, headers={"HX-Request": "true"}).content.decode()
    assert a.prompt not in again and "already in the set are not shown" in again
    client.post(f"/sets/{qset.pk}/edit/", {"action": "up", "question": c.pk})
    assert _order(qset) == [a.pk, c.pk, b.pk]
    client.post(f"/sets/{qset.pk}/edit/", {"action": "up", "question": a.pk})
    assert _order(qset) == [a.pk, c.pk, b.pk]
    client.post(f"/sets/{qset.pk}/edit/", {"action": "reorder", "order": f"{b.pk},{a.pk},{c.pk}"})
    assert _order(qset) == [b.pk, a.pk, c.pk]
    response = client.post(f"/sets/{qset.pk}/edit/", {"action": "reorder", "order": f"{b.pk},{a.pk}"}, follow=True)
    assert "every question of the set exactly once" in response.content.decode()
    assert _order(qset) == [b.pk, a.pk, c.pk]
    htmx = client.post(
        f"/sets/{qset.pk}/edit/", {"action": "remove", "question": a.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert htmx.lstrip().startswith('<section id="set-items"') and "removed" in htmx
    assert _order(qset) == [b.pk, c.pk]
    assert list(qset.items.values_list("position", flat=True)) == [1, 2]


def test_adding_twice_is_refused_with_a_message(client, owner):
    q = QuestionFactory()
    qset = QuestionSetFactory(owner=owner, visibility=Visibility.PRIVATE, questions=[q])
    login(client, owner)
    body = client.post(f"/sets/{qset.pk}/edit/", {"action": "add", "question": q.pk}, follow=True).content.decode()
    assert "in the set already" in body and qset.items.count() == 1


def test_sharing_a_set_shares_my_questions_in_it_but_not_others(client, owner, team, teammate):
    mine = QuestionFactory(owner=owner, visibility=Visibility.PRIVATE, prompt="My private one?")
    bank = QuestionFactory(prompt="Bank one?")
    qset = QuestionSetFactory(owner=owner, visibility=Visibility.PRIVATE, questions=[mine, bank])
    login(client, owner)
    body = client.post(
        f"/sets/{qset.pk}/edit/",
        {"action": "details", "title": "Shared loop", "visibility": f"team:{team.pk}"},
        follow=True,
    ).content.decode()
    assert "1 of your questions in it is now shared with Platform hiring" in body
    mine.refresh_from_db()
    assert (mine.visibility, mine.team) == (Visibility.TEAM, team)
    login(client, teammate)
    detail = client.get(qset.get_absolute_url()).content.decode()
    assert "My private one?" in detail and "Bank one?" in detail


def test_a_team_set_cannot_carry_someone_elses_private_question(owner, team):
    from django.core.exceptions import ValidationError

    from questions import services

    stranger_q = QuestionFactory(owner=UserFactory(username="stranger"), visibility=Visibility.PRIVATE)
    qset = QuestionSetFactory(owner=owner, visibility=Visibility.TEAM, team=team)
    with pytest.raises(ValidationError):
        services.set_add_question(qset=qset, by=owner, question=stranger_q)
    assert qset.items.count() == 0


def test_clone_a_bank_set_then_change_it(client, outsider):
    a, b = QuestionFactory(), QuestionFactory()
    bank_set = QuestionSetFactory(title="AWS basics", questions=[a, b])
    login(client, outsider)
    response = client.post(f"/sets/{bank_set.pk}/clone/")
    copy = QuestionSet.objects.get(owner=outsider)
    assert response["Location"] == f"/sets/{copy.pk}/edit/"
    assert copy.title == "AWS basics (copy)" and copy.visibility == Visibility.PRIVATE
    assert _order(copy) == [a.pk, b.pk]
    client.post(f"/sets/{copy.pk}/edit/", {"action": "remove", "question": a.pk})
    assert _order(copy) == [b.pk] and _order(bank_set) == [a.pk, b.pk]


def test_set_builder_runs_a_fixed_number_of_queries(client, owner):
    login(client, owner)
    few = QuestionSetFactory(
        owner=owner, visibility=Visibility.PRIVATE, questions=[QuestionFactory() for _ in range(2)]
    )
    many = QuestionSetFactory(
        owner=owner, visibility=Visibility.PRIVATE, questions=[QuestionFactory() for _ in range(30)]
    )

    def count(qset):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/sets/{qset.pk}/edit/").status_code == 200
        return len(ctx)

    assert count(few) == count(many)


def _order(qset):
    return list(qset.items.order_by("position").values_list("question_id", flat=True))


def test_the_page_keeps_the_question_rules_with_their_messages(client, owner):
    """The same limits and words as the API, the import and the bank (questions.rules)."""
    login(client, owner)
    body = _post_question(
        client, "/questions/new/", tags="a, b, c, d, e, f", kp_text=["One", "k" * 301, "Three"]
    ).content.decode()
    assert "A question has at most 5 tags; this one has 6." in body
    assert "Keypoint 2: the text has 301 characters; at most 300 are allowed." in body
    assert Question.objects.count() == 0


def test_contradicting_phrases_are_written_and_kept_through_the_page(client, owner):
    login(client, owner)
    _post_question(client, "/questions/new/", kp_contradicts=["manual rotation, never rotates", "", ""])
    question = Question.objects.get()
    assert question.keypoints.first().contradicts == ["manual rotation", "never rotates"]
    page = client.get(f"/questions/{question.pk}/edit/").content.decode()
    assert 'value="manual rotation, never rotates"' in page
