"""Keypoint suggestions: the matcher's checks on worked examples, and the API's contract."""

import pytest
from rest_framework.test import APIClient

from questions.suggest import Keypoint, suggest
from sessions import services as session_services

from ..factories import QuestionFactory, UserFactory

SG = [
    Keypoint(1, "Security groups are stateful: return traffic is allowed automatically.",
             ["stateful", "return traffic", "remembers the connection"], ["security groups are stateless"]),
    Keypoint(2, "Network ACLs are stateless, so return traffic needs its own rule.",
             ["stateless", "ephemeral ports", "inbound and outbound rules"], ["NACLs are stateful"]),
    Keypoint(3, "A gp3 volume has a baseline of 3,000 IOPS.", ["3,000 IOPS", "baseline"], []),
]  # fmt: skip
PROMPT = "How do security groups and network ACLs differ?"


def verdicts(answer, keypoints=SG):
    return [s.verdict for s in suggest(answer, keypoints, prompt=PROMPT)]


def test_a_right_answer_is_covered_with_the_words_that_show_it():
    answer = "Security groups are stateful, so return traffic is allowed. NACLs are stateless: open ephemeral ports."
    found = suggest(answer, SG, prompt=PROMPT)
    assert [s.verdict for s in found[:2]] == ["covered", "covered"]
    for s in found[:2]:
        assert s.evidence and all(answer[e["start"] : e["end"]] == e["text"] for e in s.evidence)
    assert "stateful" in found[0].evidence[0]["text"]
    assert found[2].verdict == "missed" and found[2].evidence == []


def test_abbreviations_count_as_the_name():
    short = "An SG is stateful: return traffic is let back in automatically."
    long = "A security group is stateful: return traffic is let back in automatically."
    assert verdicts(short)[0] == verdicts(long)[0] == "covered"


def test_right_words_about_the_wrong_service_do_not_count():
    # A neighbour answer: "stateful" said of NACLs is not the security-group keypoint.
    assert verdicts("Network ACLs are stateful and remember the connection, so return traffic flows.")[0] != "covered"


def test_a_contradicting_phrase_makes_it_missed():
    assert verdicts("Security groups are stateless, you must allow return traffic yourself.")[0] == "missed"


def test_a_negated_term_does_not_count():
    assert verdicts("Security groups are not stateful.")[0] != "covered"


def test_a_wrong_number_in_the_keypoints_unit_makes_it_missed():
    assert verdicts("gp3 gives a baseline of 16,000 IOPS on every volume.")[2] == "missed"
    assert verdicts("gp3 gives a baseline of 3000 IOPS regardless of size.")[2] == "covered"


def test_an_empty_or_off_topic_answer_covers_nothing():
    assert set(verdicts("")) == {"missed"}
    assert set(verdicts("I would use Terraform modules and a CI pipeline to deploy.")) == {"missed"}


def test_a_short_answer_leaves_what_it_never_mentions_missed():
    # A note typed live is short; the model's answer-wide features alone must not make the rest partial.
    kps = [
        Keypoint(1, "Security groups are stateful", ["stateful", "return traffic"], [], weight=2),
        Keypoint(2, "NACLs are stateless", ["stateless", "ephemeral ports"], [], weight=1),
        Keypoint(3, "NACL rules are numbered", [], [], weight=1),
    ]
    found = suggest("Security groups are stateful so return traffic is fine.", kps, prompt="SGs and NACLs?")
    assert [s.verdict for s in found] == ["covered", "missed", "missed"]
    assert found[1].evidence == found[2].evidence == []


# --- the API ---------------------------------------------------------------------------------------


@pytest.fixture
def question(owner):
    return QuestionFactory(
        owner=owner,
        visibility="private",
        prompt=PROMPT,
        keypoints=["Security groups are stateful.", "NACLs are stateless.", "Rules are evaluated in order."],
    )


def api(user=None):
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def url(question):
    return f"/api/questions/{question.pk}/suggest/"


def test_the_api_answers_the_contract(owner, question):
    answer = "Security groups are stateful. Nothing else."
    response = api(owner).post(url(question), {"answer": answer}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["question"] == question.pk
    ids = list(question.keypoints.order_by("position").values_list("pk", flat=True))
    assert [s["keypoint"] for s in body["suggestions"]] == ids
    assert [s["position"] for s in body["suggestions"]] == [1, 2, 3]
    for s in body["suggestions"]:
        assert s["verdict"] in ("covered", "partial", "missed") and 0 <= s["confidence"] <= 1
        assert all(answer[e["start"] : e["end"]] == e["text"] for e in s["evidence"])
        assert (s["verdict"] != "missed") or s["evidence"] == []
        assert (s["verdict"] != "covered") or s["evidence"]
    assert body["suggestions"][0]["verdict"] == "covered"


@pytest.mark.parametrize(
    "body, field",
    [({}, "answer"), ({"answer": "x" * 50_001}, "answer"), ({"answer": None}, "answer")],
)
def test_bad_input_answers_400_naming_the_field(owner, question, body, field):
    response = api(owner).post(url(question), body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_who_may_ask(owner, question, outsider):
    assert api(outsider).post(url(question), {"answer": "x"}, format="json").status_code == 404
    assert api().post(url(question), {"answer": "x"}, format="json").status_code in (401, 403)
    assert api(owner).get(url(question)).status_code == 405
    assert api(owner).post("/api/questions/999999/suggest/", {"answer": "x"}, format="json").status_code == 404


def test_a_candidate_in_a_live_interview_gets_no_suggestions(owner, question):
    public = QuestionFactory(owner=None, visibility="public", keypoints=["One.", "Two.", "Three."])
    candidate = UserFactory()
    session = session_services.session_create(by=owner, mode="peer", question_ids=[public.pk])
    session_services.session_join(token=session.invite_token, user=candidate)
    assert api(candidate).post(url(public), {"answer": "x"}, format="json").status_code == 403


def test_suggestions_are_throttled_per_user(owner, question, settings):
    from django.core.cache import cache

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"suggestions": "2/min"}}
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    cache.clear()
    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        codes = [api(owner).post(url(question), {"answer": "x"}, format="json").status_code for _ in range(3)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = {"suggestions": "120/min"}
    assert codes == [200, 200, 429]


def test_the_evaluation_command_prints_both_parts(capsys):
    """The figures the README quotes come from this command; it reads questions/eval/*.jsonl."""
    import json

    from django.core.management import call_command

    call_command("eval_suggestions", "--json")
    figures = json.loads(capsys.readouterr().out)
    dev, held_out = figures["development"], figures["held-out"]
    assert dev["labels"] >= 400 and held_out["labels"] >= 100
    assert dev["questions"] + held_out["questions"] >= 60
    assert set(dev["scores"]) == {"covered", "partial", "missed"}
    assert set(dev["false_covered_rate"]) == {
        "strong",
        "partial",
        "paraphrase",
        "misconception",
        "neighbour",
        "offtopic",
    }
    assert held_out["latency_ms"]["median"] > 0


def test_the_opposite_word_said_of_the_same_thing_makes_it_missed():
    """Without any contradicts list, "stateless" where the keypoint says "stateful" is the opposite claim."""
    keypoint = [Keypoint(1, "Security groups are stateful, so replies are allowed.", ["stateful", "replies"], [])]
    assert verdicts("Security groups are stateless, so replies need their own rule.", keypoint) == ["missed"]
    assert verdicts("Security groups are stateful, so replies are allowed back in.", keypoint) == ["covered"]


def test_the_ablation_prints_what_each_check_earns(capsys):
    from django.core.management import call_command

    call_command("eval_suggestions", "--ablate", "--questions", "4")  # the README's figures use all of them
    out = capsys.readouterr().out
    assert "questions" in out and out.count(" 4 questions") == 2  # four of each part
    assert "== development" in out and "== held-out" in out and "What each check earns" in out
    checks = ("all checks", "without negation", "without subject", "without contradicts", "without numbers")
    for check in checks + ("without synonyms", "without loose_phrases"):
        assert check in out


def test_fitting_reads_only_the_development_part_and_prints_weights(capsys):
    """The fit never sees the held-out fifth: it is handed the development items only."""
    from questions.management.commands.eval_suggestions import Command, load_items

    items = load_items()
    dev = [i for i in items if i["part"] == "dev"][:12]
    assert dev and all(i["q"]["number"] % 5 for i in dev)
    Command()._fit(dev)
    out = capsys.readouterr().out
    assert out.startswith("WEIGHTS = [") and "F1 covered" in out


def test_the_fit_reaches_the_best_weights():
    """At the fitted weights the regularised log loss has no slope left (gradient descent stopped early)."""
    import numpy as np

    from questions.management.commands.eval_suggestions import fit_weights

    rng = np.random.default_rng(0)
    x = np.hstack([np.ones((400, 1)), rng.random((400, 3)) * [1, 0.1, 3]])
    y = (x @ [-2.0, 3.0, 20.0, 0.5] + rng.normal(size=400) > 0).astype(float)
    w = np.array(fit_weights(x, y))
    gradient = x.T @ (1 / (1 + np.exp(-(x @ w))) - y) / len(y) + 1e-3 * w
    assert np.abs(gradient).max() < 1e-6


def test_cross_validation_fits_on_other_questions_and_prints_the_dev_figures(capsys):
    """--cv K: grouped by question, so no question's answers are both fitted on and judged."""
    from django.core.management import call_command

    call_command("eval_suggestions", "--cv", "2", "--questions", "4")
    out = capsys.readouterr().out
    assert "== development, 2-fold CV" in out and " 4 questions" in out and "held-out" not in out


# --- the linguistic rules, one by one ---------------------------------------------------------------


def _words(text):
    from questions.suggest import text as T

    return T.tokens(text)


def test_ful_words_keep_their_ending_so_stateful_is_not_state():
    from questions.suggest.text import stem

    assert stem("stateful") == "stateful" != stem("state")
    assert stem("stateless") != stem("stateful")
    assert stem("replicated") == stem("replicates")


def test_a_phrase_is_found_with_a_few_words_between_its_words_in_order():
    from questions.suggest.matcher import _phrase
    from questions.suggest.text import find_loose

    phrase = _phrase("read replicas are synchronous")
    assert find_loose(phrase, _words("Read replicas use synchronous replication."))
    assert not find_loose(phrase, _words("Synchronous, unlike read replicas."))  # out of order
    assert not find_loose(
        phrase, _words("Read replicas, if I recall the official documentation pages correctly, are synchronous.")
    )
    # Not across a clause break, nor across another service named in between.
    assert not find_loose(phrase, _words("Read replicas lag, but Multi-AZ is synchronous."))
    nacl = _phrase("NACLs are stateful")
    assert not find_loose(nacl, _words("it's the NACL - SGs are stateful"), barriers=frozenset({"sg"}))


def test_a_contradicting_claim_in_other_words_order_kept_makes_it_missed():
    keypoint = [Keypoint(1, "Read replicas replicate asynchronously and serve reads.", ["asynchronous", "read-only"],
                         ["read replicas are synchronous"])]  # fmt: skip
    assert verdicts("Read replicas use synchronous replication and serve read-only traffic.", keypoint) == ["missed"]
    assert verdicts("Read replicas are not synchronous: asynchronous, read-only copies.", keypoint) == ["covered"]


def test_a_contradicting_phrase_that_says_not_is_itself_negated_by_a_double_negation():
    keypoint = [Keypoint(1, "Object Lock requires versioning on the bucket.", ["versioning", "versioned bucket"],
                         ["without versioning"])]  # fmt: skip
    assert verdicts("Object Lock works without versioning.", keypoint) == ["missed"]
    assert verdicts("You can't turn on Object Lock without versioning: it needs a versioned bucket.", keypoint) == [
        "covered"
    ]


def test_everyday_words_for_the_same_idea_become_one_token():
    same = [("you pay for every copy", "every copy is billed"), ("the VM's address", "the instance's IP"),
            ("a big outage", "a big failure"), ("creds that lapse", "credentials that are short-lived")]  # fmt: skip
    from questions.suggest.text import content

    for a, b in same:
        assert {t.text for t in content(_words(a))} == {t.text for t in content(_words(b))}, (a, b)
    # Opposites stay apart, whichever way they are written.
    assert _words("ingress")[0].text == _words("inbound")[0].text != _words("egress")[0].text
    assert _words("async")[0].text != _words("synchronously")[0].text


def test_a_paraphrase_meets_the_keypoint_through_its_synonyms():
    """Without the synonym groups both answers are only "partial" (pay ~ billed, prior ~ old, creds ~ credentials)."""
    keypoints = [
        Keypoint(1, "Every stored version is billed, so expire old versions with a lifecycle rule.",
                 ["noncurrent", "lifecycle rule"], []),
        Keypoint(2, "A role has no long-term credentials; whoever assumes it gets temporary credentials.",
                 ["AssumeRole", "temporary credentials"], []),
    ]  # fmt: skip
    assert verdicts("You pay for each version kept, so have a rule age out the prior ones.", keypoints)[0] == "covered"
    assert verdicts("Whoever takes on a role receives short-lived creds.", keypoints)[1] == "covered"


def test_a_negations_scope_ends_at_punctuation_or_a_new_clause():
    from questions.suggest.text import negated_starts

    def negated(text):
        toks = _words(text)
        scope = negated_starts(text, toks)
        return {t.raw for t in toks if t.start in scope}

    assert negated("It is not replicated across Regions") == {"replicated", "across", "regions"}
    assert negated("It is not replicated, so copy it yourself") == {"replicated"}
    assert negated("No public IP and the NAT gateway routes it") == {"public", "ip"}
    assert negated("You can't enable it without versioning") >= {"enable", "without"}


def test_a_term_after_the_end_of_a_negations_scope_still_counts():
    keypoint = [Keypoint(1, "Security groups are stateful: return traffic is allowed.", ["stateful", "return traffic"],
                         [])]  # fmt: skip
    assert verdicts("Security groups don't need a rule for it, because they are stateful: return traffic is allowed.",
                    keypoint) == ["covered"]  # fmt: skip
    assert verdicts("Security groups are not stateful.", keypoint) != ["covered"]


def test_words_between_a_phrases_words_are_counted_without_stop_words_and_only_binds_the_next_word():
    from questions.suggest.matcher import _phrase
    from questions.suggest.text import find_close, find_loose

    assert find_loose(_phrase("RTO is the data loss"), _words("and RTO is how much data you lose"))
    only = _phrase("can only notify")
    assert find_loose(only, _words("it can only notify people"))
    assert not find_loose(only, _words("it can only email the parent team, which notifies"))
    assert find_close(only, _words("it can only notify people"))
    assert not find_close(only, _words("only the parent notifies"))


def test_a_service_name_that_is_also_a_word_is_only_the_service_when_named_as_such():
    assert [t.text for t in _words("AWS Batch runs a batch")] == ["awsbatch", "run", "a", "batch"]
    assert "awsconfig" not in {t.text for t in _words("environment config in Parameter Store")}


def test_the_right_words_about_a_less_common_neighbouring_service_do_not_count():
    keypoint = [Keypoint(1, "Step Functions Standard workflows run for up to 1 year, suiting human approval.",
                         ["1 year", "human approval"], [])]  # fmt: skip
    assert verdicts("Step Functions Standard workflows run up to 1 year, fine for a human approval.", keypoint) == [
        "covered"
    ]
    assert verdicts("Simple Workflow (SWF) workflows run up to 1 year, fine for a human approval.", keypoint) != [
        "covered"
    ]


def test_a_phrase_is_found_in_another_order_when_its_words_stand_close_together():
    from questions.suggest.matcher import _phrase
    from questions.suggest.text import find_close, find_loose

    phrase = _phrase("2 MB/s write per shard")
    said = "each shard takes 2 MB/s of writes"
    assert not find_loose(phrase, _words(said)) and find_close(phrase, _words(said), text=said)
    far = "each shard, as the docs explain at length, takes 2 MB/s of writes"
    assert not find_close(phrase, _words(far), text=far)
    # Not across punctuation: "(they're indexed, metadata isn't)" does not say "metadata is indexed".
    comma = "annotations are indexed, metadata isn't"
    assert not find_close(_phrase("metadata is indexed"), _words(comma), text=comma)
    # "only" binds the next word, stop words aside.
    assert find_loose(
        _phrase("only the source bucket needs versioning"), _words("Only the source bucket needs versioning")
    )


def test_a_number_given_as_an_example_is_not_the_keypoints_claim():
    from questions.suggest.text import numbers_with_units, without_examples

    assert (
        numbers_with_units(without_examples(_words("holds a metric, such as average CPU at 70%, near target"))) == set()
    )
    assert numbers_with_units(without_examples(_words("a baseline of 3,000 IOPS"))) == {("3000", "iops")}
    keypoint = [Keypoint(1, "Target tracking holds a chosen metric, such as average CPU at 70%, near its target value.",
                         ["target tracking", "target value"], [])]  # fmt: skip
    assert verdicts("Target tracking keeps a metric like average CPU at 60% near the target value.", keypoint) == [
        "covered"
    ]


NACL_DENY = Keypoint(3, "Security groups support allow rules only, while NACLs support allow and deny rules.",
                     ["deny rules", "allow rules only"], [])  # fmt: skip


def test_an_answer_wrong_about_two_keypoints_needs_more_support_for_the_others():
    keypoints = SG[:2] + [NACL_DENY]
    assert verdicts("Security groups are stateful. NACLs are stateless. NACLs have deny entries too.", keypoints) == [
        "covered", "covered", "covered"
    ]  # fmt: skip
    # The same sentence, after two confidently wrong claims, is no longer enough on its own.
    assert verdicts("Security groups are stateless. NACLs are stateful. NACLs have deny entries too.", keypoints) == [
        "missed", "missed", "partial"
    ]  # fmt: skip


def test_an_answer_mostly_about_other_services_needs_more_support():
    answer = "Lambda polls SQS. SNS pushes to Lambda. Kinesis feeds Lambda. NACLs have deny entries too."
    assert verdicts(answer, SG[:2] + [NACL_DENY])[2] == "partial"
    on_topic = "Security groups are stateful. NACLs are stateless. NACLs have deny entries too."
    assert verdicts(on_topic, SG[:2] + [NACL_DENY])[2] == "covered"


def test_a_keypoint_naming_no_service_is_about_the_questions_service():
    keypoint = [Keypoint(1, "Standard workflows run for up to 1 year, suiting human approval.",
                         ["1 year", "human approval"], [])]  # fmt: skip
    prompt = "When would you choose Step Functions Standard over Express workflows?"
    said = "Standard workflows run for up to 1 year, which suits a human approval step."
    assert [s.verdict for s in suggest(said, keypoint, prompt=prompt)] == ["covered"]
    elsewhere = "With SWF, workflows run for up to 1 year, which suits a human approval step."
    assert [s.verdict for s in suggest(elsewhere, keypoint, prompt=prompt)] != ["covered"]
    # A question that names no service checks no subject.
    assert [s.verdict for s in suggest(elsewhere, keypoint, prompt="Which workflow type?")] == ["covered"]


def test_a_quick_look_needs_at_least_one_question():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="from 1"):
        call_command("eval_suggestions", "--questions", "0")


def test_numbers_in_words_and_in_other_units_are_the_same_number():
    from questions.suggest.text import numbers_with_units

    def said(text):
        return numbers_with_units(_words(text))

    assert (
        said("a 2-minute warning") == said("warns 120 seconds ahead") == said("two minutes' notice") == {("2", "min")}
    )
    assert said("kept for 24 hours") == said("kept for one day") == {("1", "day")}
    assert said("up to 10,240 MB") == said("ten gigs") == {("10", "gb")}
    assert said("seventy percent") == said("70%") == {("70", "%")}
    assert [t.text for t in _words("one of them")][0] == "one"  # "one" is a number only before a unit


def test_a_contradicting_phrase_is_not_found_across_a_bracket_and_zero_loss_is_no_loss():
    from questions.suggest.matcher import _phrase
    from questions.suggest.text import find_loose

    said = "something trusted (another account, an SSO user) assumes it and gets temporary credentials"
    assert find_loose(_phrase("users get temporary credentials"), _words(said))
    assert not find_loose(_phrase("users get temporary credentials"), _words(said), text=said)
    keypoint = [Keypoint(1, "A planned switchover promotes the secondary with no data loss.", ["switchover"],
                         ["switchover loses data"])]  # fmt: skip
    assert verdicts("A planned switchover syncs first and promotes with zero data loss.", keypoint) != ["missed"]
    assert [t.text for t in _words("near-zero RPO")] == ["near", "zero", "rpo"]


def test_each_keypoint_is_also_weighed_against_the_one_the_answer_shows_best():
    from questions.suggest import matcher as M

    rubric = M._rubric(((1, "a", (), ()), (2, "b", (), ()), (3, "c", (), ())), "")
    found = [M.Features(window_overlap=0.5), M.Features(window_overlap=1.0, evidence=2), M.Features()]
    assert [x[-1] for x in M.vectors(found, [], rubric)] == [0.25, 1.0, 0.0]
    # One or two keypoints: a typical best answer stands in for the comparison.
    two = M._rubric(((1, "a", (), ()), (2, "b", (), ())), "")
    assert [x[-1] for x in M.vectors(found[:1] + found[2:], [], two)] == [0.5 / M._TYPICAL_BEST, 0.0]


def test_american_and_british_spellings_are_one_word():
    from questions.suggest.text import stem

    assert stem("initialized") == stem("initialised") and stem("utilization") == stem("utilisation")
    assert stem("size") == "size"


def test_words_of_an_evidence_term_count_without_the_whole_term_but_not_negated():
    from questions.suggest import matcher as M

    rubric = M._rubric(((1, "A standby takes over on failure.", ("automatic failover", "hot standby"), ()),), "")

    def share(answer):
        return M.features(M._sentences(answer), rubric, 0).evidence_words

    assert share("The replica takes over: failover is quick.") == 0.25  # "failover" of four words
    assert share("There is no failover.") == 0.0
    assert share("Failover is automatic, to the standby.") == 0.75


def test_a_phrase_with_a_negator_is_one_word_and_a_negated_opposite_is_no_contradiction():
    from questions.suggest.text import tokens

    assert [t.text for t in tokens("keys that never expire")][-1] == [t.text for t in tokens("permanent")][0]
    keypoint = [Keypoint(1, "Security groups are stateful.", ["stateful"], [])]
    assert suggest("Security groups are not stateless: they track connections.", keypoint)[0].reasons == []
    assert suggest("Security groups are stateless: they track nothing.", keypoint)[0].reasons


def test_everyday_words_and_irregular_forms_meet_the_keypoints_words():
    from questions.suggest.lexicon import STOP_WORDS
    from questions.suggest.text import tokens

    def same(a, b):
        return [t.text for t in tokens(a) if t.text not in STOP_WORDS] == [
            t.text for t in tokens(b) if t.text not in STOP_WORDS
        ]

    assert same("it costs less", "it is cheaper") and same("a fixed address", "a static address")
    assert same("logs were written", "logs are written") and same("the partition key", "the hash key")
    assert same("it fails over on its own", "it fails over automatically")
    assert same("send a text message", "send an SMS") and same("the client's IP", "the source IP")
    assert same("keys kept in the clear", "keys kept in plaintext")
    assert same("open port 22", "open SSH") and same("two copies", "two replicas")
    assert same("a poison queue", "a DLQ") and same("keys hard-coded in the app", "keys hardcoded in the app")
    assert not same("it costs more", "it is cheaper")


def test_a_contradicting_phrase_the_other_way_round_is_not_said():
    keypoint = [Keypoint(1, "An explicit Deny overrides any Allow.", ["explicit deny"], ["Allow overrides Deny"])]
    assert suggest("A deny anywhere overrides an allow.", keypoint)[0].reasons == []
    assert suggest("An allow overrides a deny.", keypoint)[0].reasons


def test_the_answers_length_counts_only_within_the_lengths_the_model_was_fitted_on():
    from questions.suggest import matcher as M

    def length_feature(words):
        return M.vector(M.Features(), words, 3)[7]

    assert length_feature(12) == length_feature(60) < length_feature(100) < length_feature(150) == length_feature(900)


def test_an_object_version_id_is_not_versioning():
    keypoint = [Keypoint(1, "Object Lock requires versioning.", ["versioning"], ["without versioning"])]
    assert (
        suggest("Object Lock needs versioning. A delete without a version ID adds a marker.", keypoint)[0].reasons == []
    )
    assert suggest("Object Lock works without versioning.", keypoint)[0].reasons
