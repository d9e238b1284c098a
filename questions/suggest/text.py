"""Writing turned into comparable tokens, each remembering where it stood in the original text.

A token is lower-cased and stemmed (Snowball's English stemmer), numbers lose their thousands
separators ("16,000" -> "16000", "80k" -> "80000"), numbers in words become digits ("fifteen
months"), a number's unit is written in the largest unit that keeps it whole ("120 seconds" and
"2 minutes" are both "2 min"), and the ways of writing an AWS thing become
one canonical token (``lexicon.PHRASES``), and so do the everyday words for one idea
(``words.SYNONYMS``: "pay", "billed", "charged"). Sentences are split on . ! ? ; and line
breaks; a negation's scope ends at punctuation or a new clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from .lexicon import NEGATORS, PHRASES, STOP_WORDS, UNITS
from .words import IRREGULAR, SYNONYMS

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


_AMERICAN = re.compile(r"^([a-z]{3,})iz(e|es|ed|ing|ation|ations|er|ers)$")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Snowball's stem, except that "-ful" stays: "stateful" is not "state" (while "stateless" stays).
    American "-ize" is spelled "-ise" first: "initialized" and "initialised" are one word. An
    irregular form is its base word first ("written" is "write")."""
    word = IRREGULAR.get(word, word)
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ful"):
        return word
    return _STEMMER.stemWord(_AMERICAN.sub(r"\1is\2", word))


def _number(raw: str) -> str:
    digits = raw.replace(",", "")
    return digits[:-2] if digits.endswith(".0") else digits


@lru_cache(maxsize=2)
def _phrase_table(synonyms: bool = True) -> dict[tuple[str, ...], str]:
    """Word sequences (stemmed, a negator as "not", as ``tokens`` writes them) -> canonical token;
    the longest are tried first."""
    table = {}
    for canonical, forms in ((SYNONYMS if synonyms else {}) | PHRASES).items():
        for form in forms:
            words = tuple("not" if w in NEGATORS else stem(w) for w in re.findall(r"[a-z0-9]+", form.lower()))
            table[words] = canonical
    return table


@lru_cache(maxsize=2)
def _longest_phrase(synonyms: bool = True) -> int:
    return max(len(k) for k in _phrase_table(synonyms))


def tokens(text: str, offset: int = 0, synonyms: bool = True) -> list[Token]:
    """The text's tokens, abbreviations and phrases canonicalised (and, with ``synonyms``, the
    words of one ``words.SYNONYMS`` group made one), numbers normalised."""
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
    return _canonicalise(_with_units(_spelled(_zero(merged))), synonyms)


_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip


def _spelled(toks: list[Token]) -> list[Token]:
    """Numbers written as words become digits ("fifteen months" -> "15 months", "twenty-four" -> "24");
    "one" only before a unit ("one day"), being a pronoun as often."""
    out, i = [], 0
    while i < len(toks):
        tok, nxt = toks[i], toks[i + 1] if i + 1 < len(toks) else None
        value = _NUMBER_WORDS.get(tok.raw) or (1 if tok.raw == "one" and nxt and nxt.raw in UNITS else None)
        if value is None:
            out.append(tok)
            i += 1
            continue
        end = tok.end
        if 20 <= value <= 90 and nxt and _NUMBER_WORDS.get(nxt.raw, 10) < 10:
            value, end, i = value + _NUMBER_WORDS[nxt.raw], nxt.end, i + 1
        out.append(Token(str(value), tok.start, end, tok.raw))
        i += 1
    return out


_NEARLY = {"near", "almost", "nearly", "virtually", "practically", "essentially", "close"}


def _zero(toks: list[Token]) -> list[Token]:
    """ "zero" before a word that is not a unit says there is none: "zero data loss" is "no data loss"
    (but "near-zero RPO" is not "no RPO")."""
    return [
        Token("not", t.start, t.end, t.raw)
        if t.raw == "zero"
        and 0 < k + 1 < len(toks)
        and toks[k + 1].raw not in UNITS
        and toks[k + 1].text.isalpha()
        and (k == 0 or toks[k - 1].raw not in _NEARLY)
        else t
        for k, t in enumerate(toks)
    ]


# Units of one quantity, each as a multiple of the smallest; a number with one of them is written in
# the largest unit that keeps it whole, so "120 seconds" and "2 minutes", "24 hours" and "1 day",
# "10,240 MB" and "10 GB" are the same tokens.
_SCALES = [
    {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "day": 86_400_000, "week": 604_800_000},
    {"month": 1, "year": 12},
    {"kb": 1, "mb": 1024, "gb": 1024**2, "tb": 1024**3},
    {"mbps": 1, "gbps": 1000},
]
_SCALE_OF = {unit: scale for scale in _SCALES for unit in scale}


def _with_units(toks: list[Token]) -> list[Token]:
    out = list(toks)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        unit = UNITS.get(b.raw)
        if not a.text.replace(".", "", 1).isdigit():
            continue
        if unit == "%":  # "70 percent"
            out[k + 1] = Token("%", b.start, b.end, "%")
        if unit not in _SCALE_OF:
            continue
        scale = _SCALE_OF[unit]
        amount = float(a.text) * scale[unit]
        for name, size in sorted(scale.items(), key=lambda item: -item[1]):
            if amount >= size and (amount / size).is_integer():
                out[k] = Token(str(int(amount // size)), a.start, a.end, a.raw)
                out[k + 1] = Token(name, b.start, b.end, name)
                break
        else:
            out[k + 1] = Token(unit, b.start, b.end, unit)
    return out


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
    phrase: tuple[str, ...], toks: list[Token], gap: int = 4, barriers: frozenset = frozenset(), text: str = ""
) -> list[tuple[int, int]]:
    """(first, last) token indexes where the phrase's words stand in order, at most ``gap`` other
    words (stop words aside) between two of them: "read replicas are synchronous" is found in "read replicas use
    synchronous replication". Never across a clause break ("but", "whereas", ...), a word of
    ``barriers`` (another service named in between: "NACL - SGs are stateful") or, where ``text``
    (what the tokens' offsets point into) is given, a bracket: "(..., an SSO user) gets temporary
    credentials" does not say users get them."""
    found = []
    for i, tok in enumerate(toks):
        if not phrase or tok.text != phrase[0]:
            continue
        at = i
        for word in phrase[1:]:
            nxt, skipped = None, 0
            for j in range(at + 1, min(len(toks), at + 2 * gap + 4)):
                if text and _BRACKET.search(text[toks[j - 1].end : toks[j].start]):
                    break
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
_BRACKET = re.compile(r"[()\[\]]")


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
        seen, order, extra = {tok.text}, [tok.text], 0
        tight = tok.raw in _TIGHT  # "only", "never" ... bind the very next word, as in find_loose
        for j in range(i + 1, len(toks)):
            t = toks[j]
            if t.raw in _CLAUSE_BREAK or t.text == "not" and "not" not in want or t.text in barriers - want:
                break
            if text and _PUNCTUATION.search(text[toks[j - 1].end : t.start]):
                break
            if t.text in want:
                tight = t.raw in _TIGHT
                if t.text not in seen:
                    order.append(t.text)
                seen.add(t.text)
                if seen == want:
                    # The phrase's words the other way round swap who does what to whom: "Deny
                    # overrides Allow" does not say "Allow overrides Deny".
                    if len(phrase) < 3 or order != list(phrase[::-1]):
                        found.append((i, j))
                    break
            elif t.text not in STOP_WORDS:
                extra += 1
                if extra > gap or tight:  # "only the parent notifies" does not say "only notifies"
                    break
    return found
