"""Import and export of question sets: round trips, visibility, validation, limits, atomicity."""

import csv
import io
import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from questions.bank import check_entry
from questions.models import Difficulty, Question, QuestionSet, QuestionSetItem, RubricKeypoint, Tag, Visibility
from questions.services import question_create, set_create
from questions.transfer import MAX_BYTES, TransferError, export_set, import_set, parse_upload
from questions.transfer.csvfile import _cell, _uncell

from ..factories import QuestionFactory, QuestionSetFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMATS = ["json", "yaml", "csv"]


def counts():
    return {m.__name__: m.objects.count() for m in (Question, RubricKeypoint, Tag, QuestionSet, QuestionSetItem)}


def problems(content, filename="set.json", **kwargs):
    if isinstance(content, dict | list):
        content = json.dumps(content).encode()
    with pytest.raises(TransferError) as raised:
        parse_upload(content, filename=filename, **kwargs)
    return raised.value.errors


def describe(qset):
    """Everything an import must keep about a set's questions, in set order."""
    return [
        {
            "prompt": item.question.prompt,
            "context": item.question.context,
            "difficulty": item.question.difficulty,
            "reference_answer": item.question.reference_answer,
            "tags": sorted(t.slug for t in item.question.tags.all()),
            "keypoints": [(kp.position, kp.text, kp.weight, kp.evidence) for kp in item.question.keypoints.all()],
        }
        for item in qset.items.order_by("position")
        .select_related("question")
        .prefetch_related(
            "question__tags", Prefetch("question__keypoints", RubricKeypoint.objects.order_by("position"))
        )
    ]


@pytest.fixture
def bank_question():
    question = QuestionFactory(
        bank_key="aws-004-s3-objects",
        number=4,
        prompt="How does S3 organise what you store?",
        owner=None,
        visibility=Visibility.PUBLIC,
        tags=[TagFactory(slug="s3", name="S3"), TagFactory(slug="storage", name="Storage")],
        keypoints=["Objects live in buckets.", "An object can be up to 5 TB.", "Versioning keeps old versions."],
    )
    for kp, evidence in zip(question.keypoints.order_by("position"), [["bucket"], ["5 TB"], []], strict=True):
        kp.evidence = evidence
        kp.save()
    return question


@pytest.fixture
def sample_set(owner, bank_question):
    first = question_create(
        owner=owner,
        prompt="Design a VPC for a three-tier app — what goes where?",
        difficulty=Difficulty.INTERMEDIATE,
        context="A **startup** in São Paulo.\n\n```\n10.0.0.0/16\n```",
        reference_answer="=SUM(A1) is text here.\n\n- public subnets for the load balancer\n- private ones for apps",
        tags=["networking", "VPC design"],
        keypoints=[
            {"text": "Public subnets hold only the load balancer.", "weight": 3, "evidence": ["ALB", "public subnet"]},
            {"text": "App and database tiers sit in private subnets.", "weight": 2, "evidence": ["private, NAT"]},
            {"text": "-Spread every tier over two AZs.", "weight": 1, "evidence": ["-multi-AZ", "+1 AZ"]},
            {"text": "Security groups reference each other.", "weight": 10, "evidence": []},
        ],
    )
    second = question_create(
        owner=owner,
        prompt="What does a NAT gateway cost you?",
        difficulty=Difficulty.ADVANCED,
        context="Typed in a browser:\r\nWindows line ends, and a trailing space \nhere.",
        tags=["cost"],
        keypoints=[
            {"text": f"Keypoint {n} ✓", "weight": n, "evidence": [f"term {n}", "emoji 🚀"]} for n in range(1, 7)
        ],
    )
    return set_create(
        owner=owner,
        title="AWS basics: networking & storage",
        description="Two lines:\nthe second one.",
        minutes_per_question=7,
        question_ids=[first.pk, bank_question.pk, second.pk],
    )


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_import_export_gives_the_same_set(fmt, sample_set, bank_question, owner, outsider):
    content, content_type, filename = export_set(sample_set, user=owner, fmt=fmt)
    assert filename == f"aws-basics-networking-storage.{fmt}"
    assert content_type.startswith({"json": "application/json", "yaml": "application/yaml", "csv": "text/csv"}[fmt])

    imported = import_set(owner=outsider, data=parse_upload(content, filename=filename))
    again, _, filename_again = export_set(imported, user=outsider, fmt=fmt)

    assert again == content
    assert filename_again == filename
    assert describe(imported) == describe(sample_set)
    items = list(imported.items.order_by("position").select_related("question"))
    assert items[1].question == bank_question  # linked, not copied
    assert Question.objects.filter(prompt=bank_question.prompt).count() == 1
    assert {items[0].question.owner, items[2].question.owner} == {outsider}
    assert {items[0].question.visibility, items[2].question.visibility} == {Visibility.PRIVATE}
    assert imported.owner == outsider and imported.visibility == Visibility.PRIVATE
    if fmt == "csv":
        assert (imported.title, imported.description, imported.minutes_per_question) == (
            "aws-basics-networking-storage",
            "",
            None,
        )
    else:
        assert (imported.title, imported.description, imported.minutes_per_question) == (
            sample_set.title,
            sample_set.description,
            7,
        )


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_whole_bank_survives_a_round_trip_as_new_questions(fmt, owner, question_bank):
    qset = QuestionSet.objects.create(title="Everything", owner=owner)
    QuestionSetItem.objects.bulk_create(
        QuestionSetItem(question_set=qset, question=question, position=position)
        for position, question in enumerate(Question.objects.order_by("number"), 1)
    )
    content, _, filename = export_set(qset, user=owner, fmt=fmt)
    data = parse_upload(content, filename=filename)
    for question in data["questions"]:
        question["key"] = None  # create copies instead of linking, to carry every field through
    imported = describe(import_set(owner=owner, data=data))
    assert len(imported) == 100
    assert imported == describe(qset)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_parse_of_an_export_is_the_exported_structure(fmt, sample_set, owner):
    content, _, filename = export_set(sample_set, user=owner, fmt=fmt)
    loaded = json.loads(content) if fmt == "json" else yaml.safe_load(content)
    assert parse_upload(content, filename=filename) == loaded
    assert loaded["format"] == "interviewprep.question-set" and loaded["version"] == 1
    assert [q["key"] for q in loaded["questions"]] == [None, "aws-004-s3-objects", None]
    assert loaded["questions"][0]["tags"] == ["networking", "vpc-design"]
    assert loaded["questions"][0]["keypoints"][1] == {
        "text": "App and database tiers sit in private subnets.",
        "weight": 2,
        "evidence": ["private, NAT"],
    }


def test_yaml_writes_multi_line_text_as_blocks(sample_set, owner):
    content = export_set(sample_set, user=owner, fmt="yaml")[0].decode()
    assert "  reference_answer: |-\n    =SUM(A1) is text here.\n\n    - public subnets" in content
    assert "São Paulo" in content and "🚀" in content


def test_csv_layout_and_formula_cells(sample_set, owner):
    content = export_set(sample_set, user=owner, fmt="csv")[0].decode()
    header, first_row = content.split("\r\n")[:2]
    assert header == (
        "position,key,prompt,difficulty,tags,context,reference_answer,"
        + ",".join(f"keypoint_{n},weight_{n},evidence_{n}" for n in range(1, 7))
    )
    assert first_row.startswith("1,,Design a VPC")
    assert "\"'=SUM(A1) is text here." in content  # a spreadsheet shows it as text, not a formula
    assert "'-Spread every tier" in content and "'-multi-AZ; +1 AZ" in content
    assert "2,aws-004-s3-objects,How does S3 organise what you store?,basic,s3; storage," in content


@pytest.mark.parametrize(
    "value", ["", "'", "''", "'=", "=1+1", "-x", "'-x", "''=x", "'x", "a'", "@a", "\tx", "+", "'+'"]
)
def test_csv_formula_escaping_is_undone_exactly(value):
    assert _uncell(_cell(value)) == value
    assert not _cell(value)[:1] or _cell(value)[0] not in "=+-@\t\r"


def test_export_rejects_unknown_format(sample_set, owner):
    with pytest.raises(ValueError):
        export_set(sample_set, user=owner, fmt="xml")


# --- what an export holds ------------------------------------------------------------------


def test_export_holds_only_questions_the_user_may_see(owner, team, teammate, outsider):
    public = QuestionFactory(prompt="Public question?")
    private = QuestionFactory(prompt="Owner's private question?", owner=owner, visibility=Visibility.PRIVATE)
    shared = QuestionFactory(prompt="Team question?", owner=owner, visibility=Visibility.TEAM, team=team)
    archived = QuestionFactory(prompt="Archived question?", is_archived=True)
    qset = QuestionSetFactory(title="Mixed", questions=[private, public, shared, archived])

    def prompts(user):
        return [q["prompt"] for q in json.loads(export_set(qset, user=user, fmt="json")[0])["questions"]]

    assert prompts(outsider) == ["Public question?"]
    assert prompts(teammate) == ["Public question?", "Team question?"]
    assert prompts(owner) == ["Owner's private question?", "Public question?", "Team question?"]
    csv_rows = export_set(qset, user=outsider, fmt="csv")[0].decode().splitlines()
    assert len(csv_rows) == 2 and csv_rows[1].startswith("1,,Public question?")


def _set_of(n, owner):
    tags = [TagFactory(slug=f"topic-{i}") for i in range(3)]
    questions = [QuestionFactory(owner=owner, visibility=Visibility.PRIVATE, tags=tags) for _ in range(n)]
    return QuestionSetFactory(owner=owner, visibility=Visibility.PRIVATE, questions=questions)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_query_count_does_not_grow_with_the_set(fmt, owner):
    small, large = _set_of(5, owner), _set_of(50, owner)
    with CaptureQueriesContext(connection) as for_small:
        export_set(small, user=owner, fmt=fmt)
    with CaptureQueriesContext(connection) as for_large:
        content = export_set(large, user=owner, fmt=fmt)[0]
    assert len(for_small) == len(for_large) == 3  # items with questions, tags, keypoints
    assert content.count(b"Question number") == 50


# --- validation ----------------------------------------------------------------------------


def valid_document(questions=3):
    return {
        "format": "interviewprep.question-set",
        "version": 1,
        "set": {"title": "Platform loop", "description": "", "minutes_per_question": None},
        "questions": [
            {
                "key": None,
                "prompt": f"Question {n}?",
                "context": "",
                "difficulty": "basic",
                "tags": ["ops"],
                "reference_answer": "Answer.",
                "keypoints": [{"text": f"Point {k}", "weight": 1, "evidence": ["term"]} for k in range(1, 4)],
            }
            for n in range(1, questions + 1)
        ],
    }


def _q2(change):
    """A change to the second question."""
    return lambda doc: change(doc["questions"][1])


def _kp2(change):
    """A change to the second keypoint of the second question."""
    return lambda doc: change(doc["questions"][1]["keypoints"][1])


BAD_DOCUMENTS = {
    "format": (lambda d: d.update(format="other"), None, "format", "not an InterviewPrep question set"),
    "format missing": (lambda d: d.pop("format"), None, "format", "not an InterviewPrep question set"),
    "version": (lambda d: d.update(version=2), None, "version", "version 1"),
    "version as text": (lambda d: d.update(version="1"), None, "version", "version 1"),
    "unknown top field": (lambda d: d.update(extra=1), None, "extra", "Unknown field"),
    "set not object": (lambda d: d.update(set="x"), None, "set", "must be an object"),
    "title missing": (lambda d: d["set"].pop("title"), None, "set.title", "missing"),
    "title empty": (lambda d: d["set"].update(title="  "), None, "set.title", "empty"),
    "title too long": (lambda d: d["set"].update(title="t" * 201), None, "set.title", "at most 200"),
    "title not text": (lambda d: d["set"].update(title=5), None, "set.title", "must be text"),
    "minutes zero": (lambda d: d["set"].update(minutes_per_question=0), None, "set.minutes_per_question", "1 to 180"),
    "minutes 181": (lambda d: d["set"].update(minutes_per_question=181), None, "set.minutes_per_question", "1 to 180"),
    "minutes text": (lambda d: d["set"].update(minutes_per_question="9"), None, "set.minutes_per_question", "1 to"),
    "minutes bool": (lambda d: d["set"].update(minutes_per_question=True), None, "set.minutes_per_question", "1 to"),
    "questions not list": (lambda d: d.update(questions={}), None, "questions", "must be a list"),
    "question not object": (lambda d: d["questions"].__setitem__(1, "x"), 2, "questions[2]", "must be an object"),
    "unknown question field": (
        _q2(lambda q: q.update(refernce_answer="x")),
        2,
        "questions[2].refernce_answer",
        "Unknown",
    ),
    "prompt missing": (_q2(lambda q: q.pop("prompt")), 2, "questions[2].prompt", "missing"),
    "prompt empty": (_q2(lambda q: q.update(prompt=" ")), 2, "questions[2].prompt", "empty"),
    "prompt too long": (_q2(lambda q: q.update(prompt="p" * 301)), 2, "questions[2].prompt", "at most 300"),
    "prompt two lines": (_q2(lambda q: q.update(prompt="One\ntwo")), 2, "questions[2].prompt", "one line"),
    "prompt not text": (_q2(lambda q: q.update(prompt=12)), 2, "questions[2].prompt", "must be text"),
    "prompt with NUL": (_q2(lambda q: q.update(prompt="a\x00b")), 2, "questions[2].prompt", "NUL"),
    "difficulty": (_q2(lambda q: q.update(difficulty="expert")), 2, "questions[2].difficulty", "Choose one of"),
    "difficulty missing": (_q2(lambda q: q.pop("difficulty")), 2, "questions[2].difficulty", "missing"),
    "context not text": (_q2(lambda q: q.update(context=["x"])), 2, "questions[2].context", "must be text"),
    "key not text": (_q2(lambda q: q.update(key=4)), 2, "questions[2].key", "must be text"),
    "tags not list": (_q2(lambda q: q.update(tags="ops, s3")), 2, "questions[2].tags", "must be a list"),
    "tag not text": (_q2(lambda q: q.update(tags=["ops", 3])), 2, "questions[2].tags[2]", "must be text"),
    "tag not slug-able": (_q2(lambda q: q.update(tags=["!!!"])), 2, "questions[2].tags[1]", "not a usable tag"),
    "six tags": (_q2(lambda q: q.update(tags=list("abcdef"))), 2, "questions[2].tags", "at most 5"),
    "keypoints not list": (_q2(lambda q: q.update(keypoints="x")), 2, "questions[2].keypoints", "must be a list"),
    "two keypoints": (_q2(lambda q: q["keypoints"].pop()), 2, "questions[2].keypoints", "3 to 6"),
    "seven keypoints": (
        _q2(lambda q: q["keypoints"].extend([{"text": "More", "weight": 1}] * 4)),
        2,
        "questions[2].keypoints",
        "has 7",
    ),
    "keypoint not object": (
        _q2(lambda q: q["keypoints"].__setitem__(1, "x")),
        2,
        "questions[2].keypoints[2]",
        "object",
    ),
    "keypoint unknown field": (_kp2(lambda k: k.update(wieght=2)), 2, "questions[2].keypoints[2].wieght", "Unknown"),
    "keypoint text missing": (_kp2(lambda k: k.pop("text")), 2, "questions[2].keypoints[2].text", "missing"),
    "keypoint text empty": (_kp2(lambda k: k.update(text=" ")), 2, "questions[2].keypoints[2].text", "empty"),
    "keypoint text long": (
        _kp2(lambda k: k.update(text="k" * 301)),
        2,
        "questions[2].keypoints[2].text",
        "at most 300",
    ),
    "weight zero": (_kp2(lambda k: k.update(weight=0)), 2, "questions[2].keypoints[2].weight", "1 to 10"),
    "weight eleven": (_kp2(lambda k: k.update(weight=11)), 2, "questions[2].keypoints[2].weight", "1 to 10"),
    "weight text": (_kp2(lambda k: k.update(weight="3")), 2, "questions[2].keypoints[2].weight", "1 to 10"),
    "weight fraction": (_kp2(lambda k: k.update(weight=2.5)), 2, "questions[2].keypoints[2].weight", "1 to 10"),
    "weight bool": (_kp2(lambda k: k.update(weight=True)), 2, "questions[2].keypoints[2].weight", "1 to 10"),
    "evidence text": (_kp2(lambda k: k.update(evidence="a, b")), 2, "questions[2].keypoints[2].evidence", "list"),
    "evidence number": (_kp2(lambda k: k.update(evidence=[5])), 2, "questions[2].keypoints[2].evidence[1]", "text"),
    "same key twice": (
        lambda d: [q.update(key="aws-001") for q in d["questions"][:2]],
        2,
        "questions[2].key",
        "also used by question 1",
    ),
}


@pytest.mark.parametrize("change,item,field,message", BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS.keys())
def test_each_problem_is_reported_once_with_item_and_field(change, item, field, message):
    document = valid_document()
    change(document)
    errors = problems(document)
    assert len(errors) == 1, errors
    assert errors[0]["item"] == item
    assert errors[0]["row"] is None
    assert errors[0]["field"] == field
    assert message in errors[0]["message"]


def test_a_valid_document_is_normalised():
    document = valid_document()
    document["set"].pop("minutes_per_question")
    document["set"].pop("description")
    first = document["questions"][0]
    first.update(prompt="  Spaced?  ", difficulty="Advanced", tags=["Ops", "ops", "Cloud Native"])
    first["keypoints"][0].pop("weight")
    first["keypoints"][1].update(evidence=["  a ", "", "b"])
    first.pop("context")
    data = parse_upload(json.dumps(document).encode(), filename="x.json")
    question = data["questions"][0]
    assert data["set"] == {"title": "Platform loop", "description": "", "minutes_per_question": None}
    assert (question["prompt"], question["difficulty"], question["context"]) == ("Spaced?", "advanced", "")
    assert question["tags"] == ["ops", "cloud-native"]
    assert question["keypoints"][0]["weight"] == 1
    assert question["keypoints"][1]["evidence"] == ["a", "b"]


def test_the_title_argument_replaces_the_files_title():
    document = valid_document()
    document["set"].pop("title")
    content = json.dumps(document).encode()
    assert parse_upload(content, filename="x.json", title=" Mine ")["set"]["title"] == "Mine"
    [error] = problems(content, filename="x.json", title="t" * 201)
    assert (error["field"], error["item"]) == ("title", None) and "at most 200" in error["message"]
    [error] = problems(csv_file(row()), filename=("t" * 201) + ".csv")
    assert (error["field"], error["item"]) == ("title", None) and "at most 200" in error["message"]


def test_every_problem_of_a_file_is_reported_at_once(owner):
    document = valid_document(questions=3)
    document["version"] = 3
    document["questions"][0]["difficulty"] = "hard"
    document["questions"][1].pop("prompt")
    document["questions"][2]["keypoints"][0]["weight"] = 99
    document["questions"][2]["keypoints"][2]["text"] = ""
    before = counts()

    errors = problems(document)

    assert [(e["item"], e["field"]) for e in errors] == [
        (None, "version"),
        (1, "questions[1].difficulty"),
        (2, "questions[2].prompt"),
        (3, "questions[3].keypoints[1].weight"),
        (3, "questions[3].keypoints[3].text"),
    ]
    assert counts() == before


def test_syntax_errors_name_the_line():
    [error] = problems(b'{"format": "interviewprep.question-set",\n "version": }', filename="x.json")
    assert (error["field"], error["row"]) == ("file", 2)
    assert "line 2" in error["message"]

    [error] = problems(b"format: x\nset:\n  title: [unclosed\nquestions: []\n", filename="x.yaml")
    assert error["field"] == "file" and error["row"] in (3, 4)
    assert "YAML is broken at line" in error["message"]


def test_yaml_anchors_and_unsafe_tags_are_refused():
    [error] = problems(b"a: &big [x, y]\nb: *big\n", filename="x.yml")
    assert error["row"] == 2 and "aliases" in error["message"]
    [error] = problems(b"!!python/object/apply:os.system ['true']\n", filename="x.yaml")
    assert error["field"] == "file" and "YAML is broken" in error["message"]


def test_a_lone_surrogate_escape_is_refused_naming_item_and_field(owner):
    document = valid_document()
    document["questions"][1]["keypoints"][0]["text"] = "Half a pair \ud800 here"
    text = json.dumps(document)  # written as the escape \\ud800
    assert "\\ud800" in text
    [error] = problems(text.encode(), filename="x.json")
    assert (error["item"], error["field"]) == (2, "questions[2].keypoints[1].text")
    assert "lone surrogate" in error["message"]
    client = APIClient()
    client.force_authenticate(owner)
    upload = SimpleUploadedFile("x.json", text.encode(), content_type="application/json")
    response = client.post("/api/question-sets/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["item"] == 2


def test_a_file_that_is_not_utf8_is_refused():
    [error] = problems(b'{"set":\n "caf\xe9"}', filename="x.json")
    assert error["field"] == "file" and error["row"] == 2
    assert "not UTF-8" in error["message"]


@pytest.mark.parametrize("content", [b"[]", b"null", b'"text"'])
def test_a_file_that_is_not_an_object_is_refused(content):
    [error] = problems(content, filename="x.json")
    assert error["field"] == "file" and "must hold one object" in error["message"]


def test_an_unknown_extension_is_refused():
    [error] = problems(json.dumps(valid_document()).encode(), filename="set.txt")
    assert error["field"] == "file" and ".json, .yaml, .yml or .csv" in error["message"]


def test_yaml_and_json_documents_read_the_same():
    document = valid_document()
    from_yaml = parse_upload(yaml.safe_dump(document).encode(), filename="Set.YML")
    assert from_yaml == parse_upload(json.dumps(document).encode(), filename="set.json") == document


# --- limits --------------------------------------------------------------------------------


def test_a_file_over_1_mb_is_refused():
    document = valid_document()
    content = json.dumps(document).encode()
    document["set"]["description"] = "d" * (MAX_BYTES - len(content))
    exactly = json.dumps(document).encode()
    assert len(exactly) == MAX_BYTES
    assert parse_upload(exactly, filename="x.json")["set"]["description"].startswith("ddd")

    for filename in ("x.json", "x.yaml", "x.csv"):
        errors = problems(exactly + b" ", filename=filename)
        assert errors == [{"item": None, "row": None, "field": "file", "message": "The file is larger than 1 MB."}]


def test_a_file_with_more_than_500_questions_is_refused():
    assert len(parse_upload(json.dumps(valid_document(500)).encode(), filename="x.json")["questions"]) == 500
    [error] = problems(valid_document(501))
    assert error["field"] == "questions"
    assert error["message"] == "The file has 501 questions; at most 500 can be imported at once."

    [error] = problems(csv_file(*[row()] * 501), filename="big.csv")
    assert error["message"] == "The file has 501 questions; at most 500 can be imported at once."


# --- CSV -----------------------------------------------------------------------------------

CSV_FIELDS = ["position", "key", "prompt", "difficulty", "tags", "context", "reference_answer"] + [
    f"{name}_{n}" for n in range(1, 7) for name in ("keypoint", "weight", "evidence")
]


def csv_file(*rows, fields=CSV_FIELDS):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def row(prompt="Question?", **cells):
    return {"prompt": prompt, "difficulty": "basic", "keypoint_1": "A", "keypoint_2": "B", "keypoint_3": "C", **cells}


def test_csv_title_comes_from_the_argument_or_the_file_name():
    content = csv_file(row("Why?", tags="ops; s3", weight_1="2", evidence_1="x; y", keypoint_3="", keypoint_4="C"))
    data = parse_upload(content, filename="uploads/platform-loop.csv")
    assert data["set"] == {"title": "platform-loop", "description": "", "minutes_per_question": None}
    assert parse_upload(content, filename="platform-loop.csv", title="Platform loop")["set"]["title"] == "Platform loop"
    [question] = data["questions"]
    assert question["tags"] == ["ops", "s3"]
    assert question["keypoints"] == [
        {"text": "A", "weight": 2, "evidence": ["x", "y"]},
        {"text": "B", "weight": 1, "evidence": []},
        {"text": "C", "weight": 1, "evidence": []},
    ]


def test_csv_problems_name_the_row_and_column():
    content = csv_file(
        row("First?"),
        row("Second?", context="Context over\nthree\nlines"),
        row("Third?", difficulty="hard", weight_2="eleven"),
        row("", keypoint_2="", evidence_2="x", weight_5="2", keypoint_6="k" * 301),
    )
    errors = problems(content, filename="loop.csv")
    assert [(e["item"], e["row"], e["field"]) for e in errors] == [
        (3, 6, "difficulty"),
        (3, 6, "weight_2"),
        (4, 7, "keypoint_2"),
        (4, 7, "keypoint_5"),
        (4, 7, "prompt"),
        (4, 7, "keypoint_6"),
    ]
    assert "Choose one of: basic, intermediate, advanced" in errors[0]["message"]
    assert "'eleven'" in errors[1]["message"]
    assert "keypoint_2 is empty but weight_2 or evidence_2 is filled" in errors[2]["message"]
    assert "at most 300" in errors[5]["message"]


def test_csv_keypoint_count_is_checked():
    [error] = problems(csv_file(row(keypoint_3="")), filename="x.csv")
    assert (error["item"], error["row"], error["field"]) == (1, 2, "keypoints")
    assert "this one has 2" in error["message"]


def test_csv_position_orders_the_questions():
    data = parse_upload(csv_file(*[row(f"Q{p}?", position=p) for p in (2, 3, 1)]), filename="x.csv")
    assert [q["prompt"] for q in data["questions"]] == ["Q1?", "Q2?", "Q3?"]

    data = parse_upload(csv_file(row("Q2?"), row("Q1?")), filename="x.csv")
    assert [q["prompt"] for q in data["questions"]] == ["Q2?", "Q1?"]

    errors = problems(csv_file(*[row(position=p) for p in ("1", "1", "", "x")]), filename="x.csv")
    assert [(e["item"], e["field"]) for e in errors] == [(4, "position"), (2, "position"), (3, "position")]
    assert "whole number of at least 1, not 'x'" in errors[0]["message"]
    assert "Position 1 is also given to question 1" in errors[1]["message"]
    assert "Give every row a position" in errors[2]["message"]


def test_csv_header_problems():
    errors = problems(b"position,promt\r\n1,Q?\r\n", filename="x.csv")
    assert ("promt", 1) in [(e["field"], e["row"]) for e in errors]
    assert {e["field"] for e in errors} == {"promt", "prompt", "difficulty", "keypoint_1"}
    [error] = problems(b"prompt;difficulty;keypoint_1\r\nQ?;basic;A\r\n", filename="x.csv")
    assert "separated by ';'" in error["message"]
    [error] = problems(b"", filename="x.csv")
    assert "empty" in error["message"]
    [error] = problems(b"prompt,difficulty,keypoint_1,prompt\r\n", filename="x.csv")
    assert error["field"] == "prompt" and "twice" in error["message"]


def test_csv_same_key_twice_and_extra_cells():
    content = csv_file(row(key="aws-001"), row(key="aws-001"), row("Third?"))[:-2] + b",extra\r\n"
    errors = problems(content, filename="x.csv")
    assert [(e["item"], e["row"], e["field"]) for e in errors] == [(3, 4, "file"), (2, 3, "key")]
    assert "26 cells but the header has 25" in errors[0]["message"]
    assert "also used by question 1" in errors[1]["message"]


def test_csv_with_byte_order_mark_and_fewer_columns_is_read():
    content = b"\xef\xbb\xbfprompt,difficulty,keypoint_1,keypoint_2,keypoint_3\nQ?,basic,A,B,C\n\n,,,,\n"
    [question] = parse_upload(content, filename="x.csv")["questions"]
    assert question["prompt"] == "Q?" and [kp["weight"] for kp in question["keypoints"]] == [1, 1, 1]


# --- import --------------------------------------------------------------------------------


def test_import_links_only_live_bank_questions(owner, bank_question):
    archived = QuestionFactory(bank_key="aws-099-retired", owner=None, is_archived=True, prompt="Retired?")
    document = valid_document()
    for question, key in zip(
        document["questions"], [bank_question.bank_key, "aws-099-retired", "aws-404"], strict=True
    ):
        question["key"] = key
    qset = import_set(owner=owner, data=parse_upload(json.dumps(document).encode(), filename="x.json"))
    questions = [item.question for item in qset.items.order_by("position")]
    assert questions[0] == bank_question
    assert questions[1] != archived and questions[1].owner == owner and questions[1].bank_key is None
    assert questions[2].owner == owner and questions[2].prompt == "Question 3?"


def test_import_for_a_team_shares_the_new_questions(owner, team, teammate):
    data = parse_upload(json.dumps(valid_document()).encode(), filename="x.json")
    qset = import_set(owner=owner, data=data, visibility=Visibility.TEAM, team=team)
    assert (qset.visibility, qset.team) == (Visibility.TEAM, team)
    assert QuestionSet.objects.for_user(teammate).filter(pk=qset.pk).exists()
    assert Question.objects.for_user(teammate).filter(set_items__question_set=qset).count() == 3


def test_import_into_a_team_the_owner_is_not_in_writes_nothing(owner, outsider, bank_question):
    foreign_team = outsider.memberships.get().team
    document = valid_document()
    document["questions"][0]["key"] = bank_question.bank_key
    data = parse_upload(json.dumps(document).encode(), filename="x.json")
    before = counts()
    with pytest.raises(TransferError) as raised:
        import_set(owner=owner, data=data, visibility=Visibility.TEAM, team=foreign_team)
    assert raised.value.errors == [
        {"item": None, "row": None, "field": "team", "message": "You can only share with a team you belong to."}
    ]
    assert counts() == before


def test_a_failure_in_the_middle_of_an_import_writes_nothing(owner):
    data = parse_upload(json.dumps(valid_document()).encode(), filename="x.json")
    data["questions"][0]["tags"] = ["brand-new-tag"]
    data["questions"][2]["difficulty"] = "expert"  # not from parse_upload: the service refuses it
    before = counts()
    with pytest.raises(TransferError) as raised:
        import_set(owner=owner, data=data)
    [error] = raised.value.errors
    assert (error["item"], error["field"]) == (3, "questions[3].difficulty")
    assert counts() == before
    assert not Tag.objects.filter(slug="brand-new-tag").exists()


def test_public_import_needs_staff(owner):
    data = parse_upload(json.dumps(valid_document()).encode(), filename="x.json")
    with pytest.raises(TransferError) as raised:
        import_set(owner=owner, data=data, visibility=Visibility.PUBLIC)
    assert raised.value.errors[0]["field"] == "visibility"
    staff = UserFactory(username="staff", is_staff=True)
    qset = import_set(owner=staff, data=data, visibility=Visibility.PUBLIC)
    assert set(Question.objects.filter(set_items__question_set=qset).values_list("visibility", flat=True)) == {
        Visibility.PUBLIC
    }


def test_duplicate_prompts_become_separate_questions(owner):
    document = valid_document()
    document["questions"][1]["prompt"] = document["questions"][0]["prompt"]
    qset = import_set(owner=owner, data=parse_upload(json.dumps(document).encode(), filename="x.json"))
    assert qset.items.count() == 3
    assert Question.objects.filter(prompt="Question 1?").count() == 2


def test_the_import_and_the_bank_keep_the_question_rules_with_their_messages():
    """The same limits and words as the page and the API (questions.rules)."""
    document = valid_document(questions=1)
    question = document["questions"][0]
    question["tags"] = list("abcdef")
    question["keypoints"][1]["text"] = "k" * 301
    assert [(e["field"], e["message"]) for e in problems(document)] == [
        ("questions[1].tags", "A question has at most 5 tags; this one has 6."),
        ("questions[1].keypoints[2].text", "Keypoint 2: the text has 301 characters; at most 300 are allowed."),
    ]
    entry = {**question, "key": "aws-999-test", "number": 999}
    del entry["context"]
    _, found = check_entry(entry, tags={slug: slug.upper() for slug in "abcdef"})
    assert found == [
        "A question has at most 5 tags; this one has 6.",
        "Keypoint 2: the text has 301 characters; at most 300 are allowed.",
    ]


def test_contradicting_phrases_survive_json_and_yaml_but_not_csv(owner):
    document = valid_document(questions=1)
    document["questions"][0]["keypoints"][0]["contradicts"] = ["never rotates"]
    qset = import_set(owner=owner, data=parse_upload(json.dumps(document).encode(), filename="x.json"))
    assert json.loads(export_set(qset, user=owner, fmt="json")[0]) == document
    assert yaml.safe_load(export_set(qset, user=owner, fmt="yaml")[0]) == document
    assert b"never rotates" not in export_set(qset, user=owner, fmt="csv")[0]


def test_importing_the_same_set_twice_numbers_the_second_title(owner):
    document = valid_document()
    first = import_set(owner=owner, data=parse_upload(json.dumps(document).encode(), filename="a.json"))
    second = import_set(owner=owner, data=parse_upload(json.dumps(document).encode(), filename="a.json"))
    third = import_set(owner=owner, data=parse_upload(json.dumps(document).encode(), filename="a.json"))
    assert second.title == f"{first.title} (2)" and third.title == f"{first.title} (3)"
    other = UserFactory()
    assert (
        import_set(owner=other, data=parse_upload(json.dumps(document).encode(), filename="a.json")).title
        == first.title
    )
