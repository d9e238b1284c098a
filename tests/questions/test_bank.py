"""The built-in AWS bank: its content rules, and loading it idempotently."""

import re
from collections import Counter

import pytest
import yaml

from questions.bank import BANK_DIR, BankError, load_bank, read_bank
from questions.models import Question, QuestionSet, QuestionSetItem, RubricKeypoint, Tag, Visibility

from ..factories import QuestionFactory, QuestionSetFactory, UserFactory
from . import bankrules, seedtools

BANK = read_bank()
FINGERPRINT = seedtools.load_fingerprint()


def test_counts_by_difficulty():
    counts = Counter(q["difficulty"] for q in BANK.questions)
    assert counts == {"basic": 30, "intermediate": 40, "advanced": 30}
    assert [q["number"] for q in BANK.questions] == list(range(1, 101))


def test_evidence_terms_are_specific():
    """At least two terms a keypoint; none generic, none that only repeats the prompt."""
    assert [p for q in BANK.questions for p in bankrules.evidence_problems(q)] == []


def test_keypoints_are_short():
    assert [p for q in BANK.questions for p in bankrules.length_problems(q)] == []


def test_contradicts_are_phrases_the_reference_answer_never_says():
    assert [p for q in BANK.questions for p in bankrules.contradicts_problems(q)] == []
    keypoints = [kp for q in BANK.questions for kp in q["keypoints"]]
    with_contradicts = [kp for kp in keypoints if kp.get("contradicts")]
    assert len(with_contradicts) * 3 >= len(keypoints), f"{len(with_contradicts)} of {len(keypoints)}"


def test_every_question_names_its_sources():
    assert [p for q in BANK.questions for p in bankrules.source_problems(q)] == []


def test_the_content_rules_can_fail():
    """Each rule refuses what it is written against."""
    question = {
        "key": "aws-999-example",
        "prompt": "When would you use a Transit Gateway?",
        "reference_answer": "Peering is not transitive.",
        "keypoints": [
            {"text": "word " * 26, "evidence": ["AWS data", "transit gateway"], "contradicts": ["not transitive"]},
            {"text": "Peering is not transitive.", "evidence": ["non-transitive"]},
        ],
    }
    evidence = bankrules.evidence_problems(question)
    assert any("generic" in p for p in evidence) and any("repeats the prompt" in p for p in evidence)
    assert any("fewer than two" in p for p in evidence)
    assert bankrules.length_problems(question) and bankrules.contradicts_problems(question)
    assert bankrules.source_problems(question)


def test_three_to_six_keypoints_with_weights_and_evidence():
    for q in BANK.questions:
        assert 3 <= len(q["keypoints"]) <= 6, q["key"]
        assert any(kp["weight"] == 2 for kp in q["keypoints"]), f"{q['key']} has no must-say keypoint"
        for kp in q["keypoints"]:
            assert kp["weight"] in (1, 2), q["key"]
            assert kp["evidence"], f"{q['key']}: keypoint without evidence terms: {kp['text']}"


def test_prompts_and_keys_are_unique_and_one_line():
    prompts = [q["prompt"].strip().lower() for q in BANK.questions]
    keys = [q["key"] for q in BANK.questions]
    assert len(set(prompts)) == len(prompts)
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"aws-\d{3}-[a-z0-9-]+", k) for k in keys)
    assert all("\n" not in p for p in prompts)


def test_tags_come_from_the_controlled_vocabulary():
    vocabulary = yaml.safe_load((BANK_DIR / "tags.yaml").read_text())
    for q in BANK.questions:
        assert 1 <= len(q["tags"]) <= 3, q["key"]
        assert set(q["tags"]) <= set(vocabulary), q["key"]


def test_keypoint_numbers_appear_in_their_seed_paragraph():
    wrong = []
    for q in BANK.questions:
        seed_numbers = set(FINGERPRINT["numbers"][q["number"] - 1])
        for kp in q["keypoints"]:
            extra = seedtools.numbers(kp["text"]) - seed_numbers
            if extra:
                wrong.append((q["key"], kp["text"], sorted(extra)))
    assert wrong == []


def test_no_run_of_ten_seed_words_in_prompts_keypoints_or_answers():
    copied = []
    for q in BANK.questions:
        texts = [q["prompt"], q["reference_answer"], q.get("context") or ""] + [kp["text"] for kp in q["keypoints"]]
        for text in texts:
            copied += [(q["key"], run) for run in seedtools.copied_runs(text, FINGERPRINT)]
    assert copied == []


def test_the_copy_check_catches_a_copied_sentence():
    """The check above can fail: a sentence lifted from the seed is found."""
    paragraph_hashes = FINGERPRINT["run_hashes"]
    assert len(paragraph_hashes) > 5000
    fake = {"run_hashes": [seedtools.run_hash("one two three four five six seven eight nine ten")]}
    assert seedtools.copied_runs("Say: one two, three four five six seven eight nine TEN!", fake)


def test_fingerprint_matches_the_seed():
    if not seedtools.SEED.exists():
        pytest.skip("the seed page is not beside this checkout (../shared/seeds)")
    assert seedtools.make_fingerprint(seedtools.SEED.read_text()) == FINGERPRINT


def test_sets_by_difficulty_and_topic():
    keys = {s["key"] for s in BANK.sets}
    assert {"aws-basics", "aws-intermediate", "aws-advanced"} <= keys
    assert len([s for s in BANK.sets if s.get("tags")]) >= 5


@pytest.mark.django_db
def test_load_creates_everything_and_loading_twice_changes_nothing():
    first = load_bank(BANK)
    assert first["questions_created"] == 100
    snapshot = _snapshot()
    second = load_bank(read_bank())
    assert second["questions_created"] == 0 and second["sets_created"] == 0
    assert _snapshot() == snapshot
    assert Question.objects.filter(difficulty="basic").count() == 30
    assert Question.objects.filter(difficulty="intermediate").count() == 40
    assert Question.objects.filter(difficulty="advanced").count() == 30
    basics = QuestionSet.objects.get(bank_key="aws-basics")
    assert basics.items.count() == 30
    basic_numbers = [q["number"] for q in BANK.questions if q["difficulty"] == "basic"]
    assert list(basics.items.values_list("question__number", flat=True)) == basic_numbers
    for s in QuestionSet.objects.filter(bank_key__isnull=False):
        assert s.items.exists(), s.title


@pytest.mark.django_db
def test_reload_updates_in_place_and_leaves_user_data_alone(question_bank):
    user = UserFactory()
    mine = QuestionFactory(owner=user, visibility=Visibility.PRIVATE)
    my_set = QuestionSetFactory(
        owner=user, visibility=Visibility.PRIVATE, questions=[mine, Question.objects.get(number=1)]
    )
    first = Question.objects.get(number=1)
    keypoint_ids = list(first.keypoints.values_list("pk", flat=True))
    first.prompt = "Edited by hand"
    first.save()

    load_bank(read_bank())

    first.refresh_from_db()
    assert first.prompt == BANK.questions[0]["prompt"].strip()
    assert list(first.keypoints.values_list("pk", flat=True)) == keypoint_ids
    assert Question.objects.filter(pk=mine.pk, owner=user).exists()
    assert list(my_set.items.values_list("question_id", flat=True)) == [mine.pk, first.pk]


@pytest.mark.django_db
def test_a_bad_bank_is_refused_whole(tmp_path):
    for name in ("tags.yaml", "sets.yaml"):
        (tmp_path / name).write_text((BANK_DIR / name).read_text())
    good = yaml.safe_load((BANK_DIR / "aws_001_020.yaml").read_text())
    good[3]["keypoints"] = good[3]["keypoints"][:2]
    good[5]["tags"] = ["not-a-tag"]
    (tmp_path / "aws_001_020.yaml").write_text(yaml.safe_dump(good))
    with pytest.raises(BankError) as error:
        read_bank(tmp_path)
    text = str(error.value)
    assert "aws_001_020.yaml entry 4: has 2 keypoints" in text
    assert "aws_001_020.yaml entry 6: tag 'not-a-tag'" in text
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_load_command_runs_twice(capsys):
    from django.core.management import call_command

    call_command("load_question_bank")
    call_command("load_question_bank")
    out = capsys.readouterr().out
    assert "100 questions (100 new)" in out and "100 questions (0 new)" in out
    assert Tag.objects.count() == len(BANK.tags)


def _snapshot():
    return (
        sorted(Question.objects.values_list("pk", "bank_key", "prompt", "difficulty", "reference_answer")),
        sorted(RubricKeypoint.objects.values_list("pk", "question_id", "position", "text", "weight")),
        sorted(QuestionSetItem.objects.values_list("pk", "question_set__bank_key", "question_id", "position")),
        sorted(Question.tags.through.objects.values_list("question_id", "tag_id")),
    )


@pytest.mark.django_db
def test_the_api_counts_the_loaded_bank_by_difficulty(client, question_bank):
    counts = {
        d: client.get("/api/questions/", {"difficulty": d}).json()["count"]
        for d in ("basic", "intermediate", "advanced")
    }
    assert counts == {"basic": 30, "intermediate": 40, "advanced": 30}
    question = client.get(f"/api/questions/{Question.objects.get(number=50).pk}/").json()
    assert 3 <= len(question["keypoints"]) <= 6 and question["reference_answer"]


@pytest.mark.django_db
def test_a_reviewed_rubric_keeps_the_marks_of_old_answers_readable(tmp_path, question_bank):
    """Keys never change; a keypoint rewritten or dropped by a review leaves past answers as they were."""
    from sessions import services as session_services

    user = UserFactory()
    question = Question.objects.get(number=1)
    session = session_services.session_create(by=user, mode="self", question_ids=[question.pk])
    session_services.answer_submit(session=session, position=1, by=user)
    asked = list(session.answers.get().keypoints.order_by("position"))
    session_services.mark_set(session=session, position=1, keypoint_id=asked[0].pk, by=user, value="covered")

    for name in ("tags.yaml", "sets.yaml"):
        (tmp_path / name).write_text((BANK_DIR / name).read_text())
    for path in BANK_DIR.glob("aws_*.yaml"):
        text = path.read_text()
        entries = yaml.load(text, Loader=yaml.CSafeLoader)
        if entries[0]["number"] == 1:
            entries[0]["keypoints"][0]["text"] = "A rewritten first keypoint."
            entries[0]["keypoints"] = entries[0]["keypoints"][:3]
            text = yaml.dump(entries, Dumper=yaml.CSafeDumper)
        (tmp_path / path.name).write_text(text)
    load_bank(read_bank(tmp_path))

    question.refresh_from_db()
    assert question.bank_key == BANK.questions[0]["key"]
    assert question.keypoints.first().text == "A rewritten first keypoint." and question.keypoints.count() == 3
    kept = list(session.answers.get().keypoints.order_by("position"))
    assert [kp.text for kp in kept] == [kp.text for kp in asked]
    assert kept[0].marks.get().value == "covered"
