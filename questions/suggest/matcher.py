"""Whether a written answer covered each rubric keypoint, and the words that show it.

For each keypoint and each sentence of the answer the matcher weighs:

- **evidence**: the keypoint's evidence terms found in the sentence (canonical tokens, stems,
  numbers with units), not in the scope of a negation;
- **evidence words**: the share of the words of all the keypoint's evidence terms said in two
  consecutive sentences, whole terms or not ("failover" of "automatic failover");
- **overlap**: the share of the keypoint's own content words the sentence says, each word
  weighted by how specific it is to this keypoint (words of the prompt and words every
  keypoint shares count little);
- **subject**: a sentence about another service ("NACLs are stateless") does not show a
  keypoint about this one ("security groups are stateful"): its support is cut;
- **contradiction**: a ``contradicts`` phrase said (not negated; its words in order with a few
  others between, or close together in any order), the opposite word said of the same thing, or
  the keypoint's number with another value in the same unit. An evidence term said only negated
  ("is not stateful") counts against the keypoint in the model.

The best sentence's support decides: at or above ``covered`` it is covered, at or above
``partial`` partly; a contradiction makes it missed whatever the support.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache, partial

from . import text as T
from .lexicon import ANTONYMS, FAMILIES, SERVICES, STOP_WORDS
from .model import probability, vector


@dataclass(frozen=True)
class Params:
    evidence_weight: float = 0.55  # support from evidence terms, reached at two terms
    overlap_weight: float = 0.7  # support from the keypoint's own words
    covered: float = 0.33  # the model's probability of "covered" from which it says covered
    distrust: float = 0.4  # ... raised by this much for an answer not to be believed (see _distrusted)
    partial: float = 0.2  # ... and partly covered
    weights: tuple | None = None  # the linear model's weights (default model.WEIGHTS)
    prompt_word_weight: float = 0.35
    about_overlap: float = 0.3  # a sentence saying this much of the keypoint is about it (for the number check)
    off_subject_factor: float = 0.25
    # Each check can be switched off, to measure what it earns (eval_suggestions --ablate).
    use_negation: bool = True
    use_subject: bool = True
    use_contradicts: bool = True
    use_numbers: bool = True
    use_opposites: bool = True
    use_synonyms: bool = True  # the words of one words.SYNONYMS group are one token
    use_distrust: bool = True
    use_loose_phrases: bool = True  # contradicts phrases found with words between or close in another order


DEFAULT = Params()


@dataclass
class Keypoint:
    position: int
    text: str
    evidence: list[str] = field(default_factory=list)
    contradicts: list[str] = field(default_factory=list)
    id: int | None = None
    weight: int = 1


@dataclass
class Suggestion:
    keypoint: Keypoint
    verdict: str  # covered | partial | missed
    confidence: float
    evidence: list[dict]  # {start, end, text}: answer[start:end] == text
    reasons: list[str] = field(default_factory=list)  # why it was contradicted, for tuning


@dataclass
class _Sentence:
    start: int
    end: int
    tokens: list[T.Token]  # stop words out, negators kept
    all_tokens: list[T.Token]  # every token: contradicting phrases are matched word for word
    stems: set[str]
    subjects: set[str]  # the services it names
    scope: set[int] = field(default_factory=set)  # where the tokens in a negation's scope start
    source: str = ""  # the whole answer, which the tokens' offsets point into


def _phrase(text: str, synonyms: bool = True) -> tuple[str, ...]:
    return tuple(t.text for t in T.tokens(text, synonyms=synonyms) if t.text not in STOP_WORDS or t.text == "not")


def _find(phrase: tuple[str, ...], toks: list[T.Token]) -> list[int]:
    """Indexes where the phrase starts among the tokens."""
    n = len(phrase)
    if not n:
        return []
    return [i for i in range(len(toks) - n + 1) if tuple(t.text for t in toks[i : i + n]) == phrase]


def _family(services: set[str]) -> set[str]:
    """The services, the ones they contain, and the ones that contain them."""
    related = set(services)
    for parent, children in FAMILIES.items():
        if parent in services:
            related |= children
        if services & children:
            related.add(parent)
    return related


def _sentences(answer: str, synonyms: bool = True) -> list[_Sentence]:
    out = []
    for start, end in T.sentences(answer):
        every = T.tokens(answer[start:end], offset=start, synonyms=synonyms)
        toks = [t for t in every if t.text not in STOP_WORDS or t.text == "not"]
        stems = {t.text for t in toks}
        scope = T.negated_starts(answer[start:end], every, start)
        out.append(_Sentence(start, end, toks, every, stems, stems & SERVICES, scope, answer))
    return out


class _Rubric:
    """What the matcher needs of the keypoints, computed once per question."""

    def __init__(self, keypoints: list[Keypoint], prompt: str, reference: str = "", synonyms: bool = True):
        tokens = partial(T.tokens, synonyms=synonyms)
        prompt_tokens = tokens(prompt)
        self.prompt_stems = {t.text for t in T.content(prompt_tokens)}
        self.words, self.evidence, self.contradicts, self.subjects, self.numbers = [], [], [], [], []
        self.evidence_words = []
        self.negated = []  # per keypoint: its words said in a negation's scope ("no persistence")
        self.related = []  # words the reference answer uses around each keypoint
        self.opposites = []  # per keypoint: {opposite stem: the keypoint's stem}
        df = Counter()
        for kp in keypoints:
            every = tokens(kp.text)
            words = {t.text for t in T.content(every)}
            self.words.append(words)
            scope = T.negated_starts(kp.text, every)
            self.negated.append({t.text for t in every if t.start in scope} & words)
            df.update(words)
            self.evidence.append([(term, _phrase(term, synonyms)) for term in kp.evidence])
            self.evidence_words.append({w for _, ph in self.evidence[-1] for w in ph if w != "not"})
            self.contradicts.append([_phrase(p, synonyms) for p in kp.contradicts])
            # The services the keypoint names, with their families; one that names none is about the
            # question's services (below), and a keypoint of a question naming none is never checked.
            self.subjects.append(_family({t.text for t in tokens(kp.text)} & SERVICES))
            # The number the keypoint claims, not one it gives as an example ("such as 70%") nor the
            # bounds an evidence term names ("128 MB", "10 GB"): another value is wrong only then.
            self.numbers.append(T.numbers_with_units(T.without_examples(tokens(kp.text))))
            said = {t.text for t in tokens(kp.text)}
            self.opposites.append({b: a for a, b in _OPPOSITES if a in said and b not in said})
        self.df = df
        # The services the question is about: an answer naming mostly others is about something else.
        self.own = _family(set().union(*self.subjects) | ({t.text for t in prompt_tokens} & SERVICES))
        # A keypoint that names no service is about the question's: "Standard workflows last a year"
        # said of SWF in a question on Step Functions is the right words about the wrong thing.
        self.subjects = [own or self.own for own in self.subjects]
        # The reference answer explains each keypoint in more words; the sentences that share the
        # most with a keypoint lend it their other words (weaker evidence of the same idea).
        explained = [{t.text for t in T.content(tokens(reference[a:b]))} for a, b in T.sentences(reference)]
        for words in self.words:
            scored = sorted(((len(words & s) / (len(words) or 1), i) for i, s in enumerate(explained)), reverse=True)
            lent = set().union(*(explained[i] for share, i in scored[:2] if share >= 0.34)) if scored else set()
            self.related.append(lent - words - self.prompt_stems)

    def weight(self, word: str, params: Params) -> float:
        w = 1.0 / self.df[word]
        return w * params.prompt_word_weight if word in self.prompt_stems else w


def _word(word: str) -> str:
    """The token a word of ANTONYMS becomes (stemmed, or its synonym group's)."""
    return T.tokens(word.replace("-", ""))[0].text


_OPPOSITES = [(_word(a), _word(b)) for pair in ANTONYMS for a, b in (pair, pair[::-1])]


_SERVICES = frozenset(SERVICES)


@lru_cache(maxsize=512)
def _rubric(key: tuple, prompt: str, reference: str = "", synonyms: bool = True) -> _Rubric:
    return _Rubric([Keypoint(p, t, list(e), list(c)) for p, t, e, c in key], prompt, reference, synonyms)


def suggest(
    answer: str, keypoints: list[Keypoint], *, prompt: str = "", reference: str = "", params: Params = DEFAULT
) -> list[Suggestion]:
    """One suggestion per keypoint, in keypoint order. ``reference``: the question's reference answer."""
    key = tuple((kp.position, kp.text, tuple(kp.evidence), tuple(kp.contradicts)) for kp in keypoints)
    # The rubric is shared between calls: never changed after it is built.
    rubric = _rubric(key, prompt, reference or "", params.use_synonyms)
    sentences = _sentences(answer or "", params.use_synonyms)
    found = [features(sentences, rubric, i, params) for i in range(len(keypoints))]
    covered = params.covered + (params.distrust if _distrusted(found, sentences, rubric, params) else 0.0)
    xs = vectors(found, sentences, rubric)
    return [_judge(answer, kp, params, found[i], xs[i], covered) for i, kp in enumerate(keypoints)]


def _distrusted(found: list, sentences: list[_Sentence], rubric: _Rubric, params: Params) -> bool:
    """Is the whole answer one to believe less: confidently wrong about two keypoints or more, or
    mostly about services other than the question's? Its other claims then need more support."""
    if not params.use_distrust:
        return False
    if sum(bool(f.contradicted) for f in found) >= 2:
        return True
    named = [x for s in sentences for x in s.subjects]
    return bool(rubric.own and named) and sum(x in rubric.own for x in named) < len(named) / 2


@dataclass
class Features:
    """What the matcher saw of one keypoint in one answer."""

    evidence: int = 0  # distinct evidence terms said, on subject, not negated
    best_evidence: int = 0  # of them, in the best sentence
    sentence_overlap: float = 0.0  # share of the keypoint's words in the best sentence
    window_overlap: float = 0.0  # ... in the best two consecutive sentences
    answer_overlap: float = 0.0  # ... anywhere in the answer (on subject)
    evidence_words: float = 0.0  # share of the evidence terms' words said in the best window
    related: float = 0.0  # words the reference answer uses around the keypoint, in the best window (share)
    off_subject: int = 0  # evidence terms said about another service
    denied: int = 0  # evidence terms said only negated ("not stateful")
    contradicted: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def features(sentences, rubric: _Rubric, i: int, params: Params = DEFAULT) -> Features:
    f = Features()
    words = rubric.words[i]
    total = sum(rubric.weight(w, params) for w in words) or 1.0

    def share(stems):
        return sum(rubric.weight(w, params) for w in words & stems) / total

    # Another value in the keypoint's unit is a wrong number only if the right one is never said.
    states_number = any(T.numbers_with_units(s.tokens) & rubric.numbers[i] for s in sentences)
    said_terms, everywhere, best = set(), set(), -1.0
    previous, denied_here, previous_affirmed, previous_stems = None, set(), set(), set()
    for s in sentences:
        on_subject = (
            not params.use_subject or not s.subjects or not rubric.subjects[i] or bool(s.subjects & rubric.subjects[i])
        )
        spans, found, denied = [], set(), set()
        for term, phrase in rubric.evidence[i]:
            for start in _find(phrase, s.tokens):
                if params.use_negation and s.tokens[start].start in s.scope and "not" not in phrase:
                    denied.add(term)  # "no public IP needed" does not show "needs a public IP"
                    continue
                found.add(term)
                spans.append((s.tokens[start].start, s.tokens[start + len(phrase) - 1].end))
        if on_subject:
            denied_here |= denied
        for phrase in rubric.contradicts[i] if params.use_contradicts and on_subject else ():
            if _says(phrase, s, params):
                f.contradicted.append(f"says {' '.join(phrase)!r}")
        # What the sentence says, not negated: "nothing is persisted" does not say "persisted".
        affirmed = {t.text for t in s.tokens if not params.use_negation or t.start not in s.scope}
        # A keypoint's word said only negated counts only if the keypoint negates it too: "security
        # groups are not stateful" does not say "are stateful", "it never persists" says "no persistence".
        if params.use_negation:
            negated = {t.text for t in s.tokens if t.start in s.scope}
            stems = s.stems - ((negated - affirmed) - rubric.negated[i])
        else:
            stems = s.stems
        if params.use_opposites and on_subject:
            for opposite, own in rubric.opposites[i].items():
                if opposite in affirmed and own not in s.stems and (found or share(s.stems) >= params.about_overlap):
                    f.contradicted.append(f"says {opposite!r}, not {own!r}")
        overlap = share(stems)
        if params.use_numbers and rubric.numbers[i] and on_subject and (found or overlap >= params.about_overlap):
            said = T.numbers_with_units(s.tokens)
            if not states_number and any(unit in {u for _, u in rubric.numbers[i]} for _, unit in said):
                f.contradicted.append(f"numbers {sorted(said)}")
        if not on_subject:
            f.off_subject += len(found)
            previous, previous_affirmed = None, set()
            continue
        said_terms |= found
        everywhere |= stems
        window = share(stems | previous_stems) if previous is not None else overlap
        pair = s.stems | (previous.stems if previous is not None else set())
        if rubric.related[i]:
            f.related = max(f.related, len(rubric.related[i] & pair) / len(rubric.related[i]))
        if terms_words := rubric.evidence_words[i]:  # said, not negated ("not stateful")
            share_said = len(terms_words & (affirmed | previous_affirmed)) / len(terms_words)
            f.evidence_words = max(f.evidence_words, share_said)
        previous_affirmed = affirmed
        f.window_overlap = max(f.window_overlap, window)
        support = params.evidence_weight * min(len(found), 2) / 2 + params.overlap_weight * overlap
        if support > best:
            best, f.best_evidence, f.sentence_overlap = support, len(found), overlap
            f.spans = spans or [(s.start, s.end)]
        previous, previous_stems = s, stems
    f.evidence = len(said_terms)
    f.denied = len(denied_here - said_terms)
    f.answer_overlap = share(everywhere)
    if not rubric.related[i]:  # no reference answer to borrow from: the keypoint's own words stand in
        f.related = f.window_overlap
    return f


def _says(phrase: tuple[str, ...], s: _Sentence, params: Params) -> bool:
    """Does the sentence say the contradicting phrase, not negated? ("can't ... without versioning"
    says it is needed.)"""
    if params.use_loose_phrases:
        where = T.find_loose(phrase, s.all_tokens, barriers=_SERVICES - set(phrase), text=s.source)
        where += T.find_close(phrase, s.all_tokens, barriers=_SERVICES, text=s.source)
    else:
        where = [(at, at + len(phrase) - 1) for at in _find(phrase, s.all_tokens)]
    return any(
        s.all_tokens[a].start not in s.scope
        and ("not" in phrase or not any(t.start in s.scope for t in s.all_tokens[a + 1 : b + 1]))
        for a, b in where
    )


def vectors(found: list[Features], sentences: list[_Sentence], rubric: _Rubric) -> list[list[float]]:
    """Each keypoint's features as the linear model reads them.

    Besides its own support, the last feature weighs a keypoint against the one the same answer
    supports best (support: the window's share of its words and of the reference answer's around it,
    and its evidence terms). The fitted weight is negative: for the same support, a keypoint of an
    answer that shows the others well is more likely covered (a strong answer's brief mention), and
    one that is the best an answer shows (an answer about something else, touching it in passing) less.
    A rubric of one or two keypoints has no such comparison: a typical best support stands in (the
    median of the development answers')."""
    words = sum(len(s.all_tokens) for s in sentences)
    support = [f.window_overlap + f.related + min(f.evidence, 2) / 2 for f in found]
    best = (max(support, default=0.0) if len(found) >= 3 else max(support + [_TYPICAL_BEST])) or 1.0
    return [vector(f, words, len(rubric.evidence[i]), support[i] / best) for i, f in enumerate(found)]


_TYPICAL_BEST = 1.3


def _judge(answer, kp: Keypoint, params: Params, f: Features, x: list[float], covered: float) -> Suggestion:
    p = probability(x, params.weights)
    if f.contradicted:
        verdict, confidence = "missed", 0.85
    elif not _supported(f):  # nothing of it in the answer: the answer's length and the rest are no sign
        verdict, confidence = "missed", 1 - p
    elif p >= covered:
        verdict, confidence = "covered", p
    elif p >= params.partial:
        verdict, confidence = "partial", 1 - abs(p - (covered + params.partial) / 2)
    else:
        verdict, confidence = "missed", 1 - p
    quotes = [] if verdict == "missed" else [_quote(answer, a, b) for a, b in _merge(f.spans)]
    return Suggestion(kp, verdict, round(confidence, 2), quotes, f.contradicted)


def _supported(f: Features) -> bool:
    """Does the answer show anything of the keypoint: an evidence term, its words, the reference's words around it?

    The model also reads what belongs to the whole answer (its length, how well it shows the other
    keypoints); for a short answer those alone came to "partly covered" for a keypoint it never
    mentions ("NACL rules are numbered" beside "security groups are stateful so return traffic is fine")."""
    return bool(
        f.evidence or f.sentence_overlap or f.window_overlap or f.answer_overlap or f.related or f.evidence_words
    )


def _merge(spans):
    merged = []
    for a, b in sorted(set(spans)):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _quote(answer: str, start: int, end: int) -> dict:
    while start < end and answer[start].isspace():
        start += 1
    while end > start and answer[end - 1].isspace():
        end -= 1
    return {"start": start, "end": end, "text": answer[start:end]}
