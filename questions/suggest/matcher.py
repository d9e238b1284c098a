"""Whether a written answer covered each rubric keypoint, and the words that show it.

For each keypoint and each sentence of the answer the matcher weighs:

- **evidence**: the keypoint's evidence terms found in the sentence (canonical tokens, stems,
  numbers with units), not in the scope of a negation;
- **overlap**: the share of the keypoint's own content words the sentence says, each word
  weighted by how specific it is to this keypoint (words of the prompt and words every
  keypoint shares count little);
- **subject**: a sentence about another service ("NACLs are stateless") does not show a
  keypoint about this one ("security groups are stateful"): its support is cut;
- **contradiction**: a ``contradicts`` phrase said (not negated), an evidence term negated
  ("is not stateful"), or the keypoint's number with another value in the same unit.

The best sentence's support decides: at or above ``covered`` it is covered, at or above
``partial`` partly; a contradiction makes it missed whatever the support.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from . import text as T
from .lexicon import FAMILIES, SERVICES, STOP_WORDS


@dataclass(frozen=True)
class Params:
    evidence_weight: float = 0.55  # support from evidence terms, reached at two terms
    overlap_weight: float = 0.7  # support from the keypoint's own words
    covered: float = 0.5
    partial: float = 0.3
    prompt_word_weight: float = 0.35
    off_subject_factor: float = 0.25
    # Each check can be switched off, to measure what it earns (eval_suggestions --ablate).
    use_negation: bool = True
    use_subject: bool = True
    use_contradicts: bool = True
    use_numbers: bool = True


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
    subjects: set[str]  # services it is about (carried over from the previous sentence when it names none)


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in T.tokens(text) if t.text not in STOP_WORDS or t.text == "not")


def _find(phrase: tuple[str, ...], toks: list[T.Token]) -> list[int]:
    """Indexes where the phrase starts among the tokens."""
    n = len(phrase)
    if not n:
        return []
    return [i for i in range(len(toks) - n + 1) if tuple(t.text for t in toks[i : i + n]) == phrase]


def _family(services: set[str]) -> set[str]:
    related = set(services)
    for group in FAMILIES:
        if services & group:
            related |= group
    return related


def _sentences(answer: str) -> list[_Sentence]:
    out, previous = [], set()
    for start, end in T.sentences(answer):
        every = T.tokens(answer[start:end], offset=start)
        toks = [t for t in every if t.text not in STOP_WORDS or t.text == "not"]
        named = {t.text for t in toks} & SERVICES
        subjects = named or previous
        previous = subjects
        out.append(_Sentence(start, end, toks, every, {t.text for t in toks}, subjects))
    return out


class _Rubric:
    """What the matcher needs of the keypoints, computed once per question."""

    def __init__(self, keypoints: list[Keypoint], prompt: str):
        prompt_tokens = T.tokens(prompt)
        self.prompt_stems = {t.text for t in T.content(prompt_tokens)}
        prompt_services = {t.text for t in prompt_tokens} & SERVICES
        self.words, self.evidence, self.contradicts, self.subjects, self.numbers = [], [], [], [], []
        df = Counter()
        for kp in keypoints:
            words = {t.text for t in T.content(T.tokens(kp.text))}
            self.words.append(words)
            df.update(words)
            self.evidence.append([(term, _phrase(term)) for term in kp.evidence])
            self.contradicts.append([tuple(t.text for t in T.tokens(p)) for p in kp.contradicts])
            own = {t.text for t in T.tokens(kp.text)} & SERVICES
            self.subjects.append(_family(own or prompt_services))
            numbers = T.numbers_with_units(T.tokens(kp.text))
            for term in kp.evidence:
                numbers |= T.numbers_with_units(T.tokens(term))
            self.numbers.append(numbers)
        self.df = df

    def weight(self, word: str, params: Params) -> float:
        w = 1.0 / self.df[word]
        return w * params.prompt_word_weight if word in self.prompt_stems else w


@lru_cache(maxsize=512)
def _rubric(key: tuple, prompt: str) -> _Rubric:
    return _Rubric([Keypoint(p, t, list(e), list(c)) for p, t, e, c in key], prompt)


def suggest(answer: str, keypoints: list[Keypoint], *, prompt: str = "", params: Params = DEFAULT) -> list[Suggestion]:
    """One suggestion per keypoint, in keypoint order."""
    key = tuple((kp.position, kp.text, tuple(kp.evidence), tuple(kp.contradicts)) for kp in keypoints)
    rubric = _rubric(key, prompt)  # shared between calls: never changed after it is built
    sentences = _sentences(answer or "")
    return [_judge(answer, sentences, rubric, kp, i, params) for i, kp in enumerate(keypoints)]


def _judge(answer, sentences, rubric: _Rubric, kp: Keypoint, i: int, params: Params) -> Suggestion:
    words = rubric.words[i]
    total = sum(rubric.weight(w, params) for w in words) or 1.0
    best, best_spans, reasons = 0.0, [], []
    # Another value in the keypoint's unit is a wrong number only if the right one is never said.
    states_number = any(T.numbers_with_units(s.tokens) & rubric.numbers[i] for s in sentences)
    for s in sentences:
        on_subject = (
            not params.use_subject or not s.subjects or not rubric.subjects[i] or bool(s.subjects & rubric.subjects[i])
        )
        spans, found = [], set()
        for term, phrase in rubric.evidence[i]:
            for start in _find(phrase, s.tokens):
                if params.use_negation and T.negated_at(s.tokens, start) and "not" not in phrase:
                    continue  # "no public IP needed" does not show "needs a public IP"
                found.add(term)
                spans.append((s.tokens[start].start, s.tokens[start + len(phrase) - 1].end))
        for phrase in rubric.contradicts[i] if params.use_contradicts else ():
            if on_subject and any(not T.negated_at(s.all_tokens, at) for at in _find(phrase, s.all_tokens)):
                reasons.append(f"says {' '.join(phrase)!r}")
        overlap = sum(rubric.weight(w, params) for w in words & s.stems) / total
        about_it = on_subject and (found or overlap >= params.partial)
        if params.use_numbers and rubric.numbers[i] and about_it and not states_number:
            said = T.numbers_with_units(s.tokens)
            units = {unit for _, unit in rubric.numbers[i]}
            if any(unit in units for _, unit in said):
                reasons.append(f"numbers {sorted(said)}")
        support = params.evidence_weight * min(len(found), 2) / 2 + params.overlap_weight * overlap
        if not on_subject:
            support *= params.off_subject_factor
        if support > best:
            best, best_spans = support, spans or [(s.start, s.end)]
    if reasons:
        verdict, confidence = "missed", 0.85
    elif best >= params.covered:
        verdict, confidence = "covered", min(0.99, 0.6 + (best - params.covered))
    elif best >= params.partial:
        verdict, confidence = "partial", 0.5
    else:
        verdict, confidence = "missed", min(0.99, 0.6 + (params.partial - best))
    quotes = [] if verdict == "missed" else [_quote(answer, a, b) for a, b in _merge(best_spans)]
    return Suggestion(kp, verdict, round(confidence, 2), quotes, reasons)


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
