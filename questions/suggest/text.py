"""Writing turned into comparable tokens, each remembering where it stood in the original text.

A token is lower-cased and stemmed (Snowball's English stemmer), numbers lose their thousands
separators ("16,000" -> "16000", "80k" -> "80000"), and the ways of writing an AWS thing become
one canonical token (``lexicon.PHRASES``), and so do the everyday words for one idea
(``lexicon.SYNONYMS``: "pay", "billed", "charged"). Sentences are split on . ! ? ; and line
breaks; a negation's scope ends at punctuation or a new clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from .lexicon import NEGATORS, PHRASES, STOP_WORDS, SYNONYMS, UNITS

_STEMMER = snowballstemmer.stemmer("english")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z][a-z0-9]*(?:['’][a-z]+)?|%")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|(?<=:)\s+(?=[A-Z-])")
_TIGHT = {"only", "always", "never", "every", "all", "each", "any"}  # bind the very next word
_CLAUSE_BREAK = {"but", "whereas", "while", "although", "however", "unlike", "instead"}


@dataclass(frozen=True)
class Token:
    text: str  # the canonical, stemmed form
    start: int  # where it stands in the original text
    end: int
    raw: str  # the word as written, lower-cased


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Snowball's stem, except that "-ful" stays: "stateful" is not "state" (while "stateless" stays)."""
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ful"):
        return word
    return _STEMMER.stemWord(word)


def _number(raw: str) -> str:
    digits = raw.replace(",", "")
    return digits[:-2] if digits.endswith(".0") else digits


@lru_cache(maxsize=2)
def _phrase_table(synonyms: bool = True) -> dict[tuple[str, ...], str]:
    """Word sequences (stemmed) -> canonical token; the longest are tried first."""
    table = {}
    for canonical, forms in ((SYNONYMS if synonyms else {}) | PHRASES).items():
        for form in forms:
            words = tuple(stem(w) for w in re.findall(r"[a-z0-9]+", form.lower()))
            table[words] = canonical
    return table


@lru_cache(maxsize=2)
def _longest_phrase(synonyms: bool = True) -> int:
    return max(len(k) for k in _phrase_table(synonyms))


def tokens(text: str, offset: int = 0, synonyms: bool = True) -> list[Token]:
    """The text's tokens, abbreviations and phrases canonicalised (and, with ``synonyms``, the
    words of one ``lexicon.SYNONYMS`` group made one), numbers normalised."""
    lowered = text.lower().replace("’", "'")
    raw = []
    for m in _TOKEN.finditer(lowered):
        word = m.group(0)
        if word[0].isdigit():
            raw.append(Token(_number(word), m.start() + offset, m.end() + offset, word))
        elif word.endswith("n't") or word in NEGATORS:
            raw.append(Token("not", m.start() + offset, m.end() + offset, word))
        else:
            raw.append(Token(stem(word.split("'")[0]), m.start() + offset, m.end() + offset, word))
    # "80k" / "80 k": thousands.
    merged: list[Token] = []
    for tok in raw:
        if tok.text == "k" and merged and merged[-1].text.replace(".", "").isdigit():
            prev = merged.pop()
            value = float(prev.text) * 1000
            merged.append(Token(str(int(value)) if value.is_integer() else str(value), prev.start, tok.end, prev.raw))
        else:
            merged.append(tok)
    return _canonicalise(merged, synonyms)


def _canonicalise(toks: list[Token], synonyms: bool = True) -> list[Token]:
    table, longest = _phrase_table(synonyms), _longest_phrase(synonyms)
    out, i = [], 0
    while i < len(toks):
        for size in range(min(longest, len(toks) - i), 0, -1):
            key = tuple(t.text for t in toks[i : i + size])
            if key in table:
                out.append(Token(table[key], toks[i].start, toks[i + size - 1].end, toks[i].raw))
                i += size
                break
        else:
            out.append(toks[i])
            i += 1
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of the text."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def content(toks: list[Token]) -> list[Token]:
    """The tokens that carry meaning: no stop words, no negators."""
    return [t for t in toks if t.text not in STOP_WORDS and t.text != "not" and t.raw not in STOP_WORDS]


def numbers_with_units(toks: list[Token]) -> set[tuple[str, str]]:
    """(value, unit) for each number followed by a unit ("5 TB" -> ("5", "tb"))."""
    found = set()
    for a, b in zip(toks, toks[1:], strict=False):
        if a.text.replace(".", "").isdigit() and b.raw in UNITS:
            found.add((a.text, UNITS[b.raw]))
    return found


def find_loose(
    phrase: tuple[str, ...], toks: list[Token], gap: int = 4, barriers: frozenset = frozenset()
) -> list[tuple[int, int]]:
    """(first, last) token indexes where the phrase's words stand in order, at most ``gap`` other
    words (stop words aside) between two of them: "read replicas are synchronous" is found in "read replicas use
    synchronous replication". Never across a clause break ("but", "whereas", ...) nor across a
    word of ``barriers`` (another service named in between: "NACL - SGs are stateful")."""
    found = []
    for i, tok in enumerate(toks):
        if not phrase or tok.text != phrase[0]:
            continue
        at = i
        for word in phrase[1:]:
            nxt, skipped = None, 0
            for j in range(at + 1, min(len(toks), at + 2 * gap + 4)):
                if toks[j].text == word:
                    nxt = j
                    break
                if toks[j].raw in _CLAUSE_BREAK or toks[j].text in barriers or toks[j].text == "not":
                    break  # a negation in between changes what the words say
                skipped += toks[j].text not in STOP_WORDS  # "is how much data you lose": one word between
                if skipped > (0 if toks[at].raw in _TIGHT else gap):  # "only notify" is not "only the parent notifies"
                    break
            if nxt is None:
                break
            at = nxt
        else:
            found.append((i, at))
    return found


_SCOPE_ENDS = {"so", "and", "because", "since", "which", "then", "unless", "though", "or", "if", "when"}
_PUNCTUATION = re.compile(r"[,;:()\[\]—–]|\s-\s")


_EXAMPLE = {("such", "as"), ("for", "exampl"), ("e", "g"), ("eg",), ("like",), ("say",)}


def without_examples(toks: list[Token], window: int = 5) -> list[Token]:
    """The tokens less those of an example ("such as average CPU at 70%", "e.g. 5 minutes")."""
    out, skip, i = [], 0, 0
    while i < len(toks):
        for marker in _EXAMPLE:
            if tuple(t.text for t in toks[i : i + len(marker)]) == marker:
                skip, i = window, i + len(marker)
                break
        else:
            if skip:
                skip -= 1
            else:
                out.append(toks[i])
            i += 1
    return out


def negated_starts(text: str, toks: list[Token], offset: int = 0, window: int = 5) -> set[int]:
    """Where the tokens in a negation's scope start: from a negator up to ``window`` words on,
    ended early by punctuation or a word that opens another clause ("not replicated, so ..."). ``toks``
    are every token of ``text`` (stop words included), ``offset`` where ``text`` starts."""
    inside, left, previous_end = set(), 0, None
    for tok in toks:
        if previous_end is not None and _PUNCTUATION.search(text[previous_end - offset : tok.start - offset]):
            left = 0
        previous_end = tok.end
        if tok.text == "not":
            if left:  # a negation negated: "can't ... without versioning"
                inside.add(tok.start)
            left = window
            continue
        if tok.raw in _SCOPE_ENDS or tok.raw in _CLAUSE_BREAK:
            left = 0
        if left:
            inside.add(tok.start)
            left -= 1
    return inside


def find_close(
    phrase: tuple[str, ...], toks: list[Token], gap: int = 1, barriers: frozenset = frozenset(), text: str = ""
) -> list[tuple[int, int]]:
    """(first, last) token indexes where all the phrase's words stand close together in any order,
    at most ``gap`` other words (stop words aside) among them: "2 MB/s write per shard" in "each
    shard takes 2 MB/s of writes". Never across a clause break, a negation, ``barriers`` or, where
    ``text`` (what the tokens' offsets point into) is given, punctuation."""
    want, found = set(phrase), []
    for i, tok in enumerate(toks):
        if tok.text not in want:
            continue
        seen, extra = {tok.text}, 0
        for j in range(i + 1, len(toks)):
            t = toks[j]
            if t.raw in _CLAUSE_BREAK or t.text == "not" and "not" not in want or t.text in barriers - want:
                break
            if text and _PUNCTUATION.search(text[toks[j - 1].end : t.start]):
                break
            if t.text in want:
                seen.add(t.text)
                if seen == want:
                    found.append((i, j))
                    break
            elif t.text not in STOP_WORDS:
                extra += 1
                if extra > gap:
                    break
    return found
