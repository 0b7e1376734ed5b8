"""Run-together legacy PDQ items: where each list item of a flattened PDQ paragraph starts, so each is a criterion.

    >>> text = "DISEASE CHARACTERISTICS: Breast cancer No prior chemotherapy Not pregnant Age: 18 and over"
    >>> [text[start:end] for start, end in item_spans(text, 0, len(text))]
    ['DISEASE CHARACTERISTICS:', 'Breast cancer', 'No prior chemotherapy', 'Not pregnant', 'Age: 18 and over']

Many legacy records write the PDQ layout (headers "DISEASE CHARACTERISTICS:", "PATIENT CHARACTERISTICS:", "PRIOR
CONCURRENT THERAPY:", sub-header labels "Age:", "Chemotherapy:" ...) with its list items run together in one
hard-wrapped paragraph, without bullets. Read as one criterion, the negation or condition of one item reaches the
next ("No prior chemotherapy ER positive" read ER as excluded). A paragraph that shows the layout (a header
followed by an item, or a label run into the words before it) is cut where the evidence of a new item is strong:
- before a header or a label (`nlp/vocab/pdq_items.jsonl`), and after a header;
- before a capitalised word ("No", "Negative", "Fertile"; not an eponym's possessive such as "Hodgkin's", nor a
  `not_item_start` word: "mm Hg", "Philadelphia") after a complete item: a word that ends in a letter, a digit, "%"
  or ")", is no capitalised word of a name ("New York Heart Association"; an abbreviation ends an item: "by IHC No
  known ..."), and is no word an item goes on after (`continuation`: "of", "prior", "containing", "OR" ...);
- before an abbreviation in capitals ("ER", "CD20+", "LVEF") after a word that ends an item (`item_end`:
  "disease", "breast", "allowed" ...) or after a closing parenthesis.
Never inside brackets, and never between the items of a list a colon opens ("one of the following: ...",
"Eligible subtypes: ...") or of an alternative an `alternatives` word opens ("... OR Diagnosis of myelodysplastic
syndrome CD33 positive ..."), up to the next header or label: such items are alternatives or exceptions of the words
before them, which their own criterion would lose. An alternative ends, though, where an `item_start` word opens a
requirement of its own ("... OR Stage IV Must have measurable disease"). Headers and labels are matched with their
colon, headers as written, labels with their first letter as written ("Performance Status:" is "Performance
status:").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.resources import read_vocab

_VOCAB = "pdq_items.jsonl"
_CHUNK = re.compile(r"\S+")
_BRACKET = re.compile(r"[()\[\]]")
_TITLE_WORD = re.compile(r"[A-Z][a-z]+(?:-[a-z]+)*[,.;]?")  # "No", "Fertile", "Non-small"; not "Hodgkin's"
_CAPITALS = re.compile(r"[A-Z][A-Z0-9]+(?![a-z])")  # "ER", "CD20+", "HER2/neu", "HLA-A2", "LVEF"


@dataclass(frozen=True)
class _Words:
    headers: re.Pattern[str]
    labels: re.Pattern[str]
    continuations: frozenset[str]
    item_ends: frozenset[str]
    not_starts: frozenset[str]
    alternatives: frozenset[str]
    item_starts: frozenset[str]


def _alternation(phrases: list[str], first_as_written: bool = False) -> str:
    """A regex of `phrases`, longest first, their words apart by spaces and at most one line break; with
    `first_as_written`, only the first letter's case must match ("Performance Status:" is "Performance status:")."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    forms = []
    for phrase in ordered:
        form = r"[ \t]*\r?\n?[ \t]*".join(re.escape(word) for word in phrase.split())
        forms.append(f"{re.escape(phrase[0])}(?i:{form[len(re.escape(phrase[0])):]})" if first_as_written else form)
    return "|".join(forms)


@lru_cache(maxsize=1)
def _words() -> _Words:
    rows = read_vocab(_VOCAB)

    def of(kind: str, key: str) -> list[str]:
        return [row[key] for row in rows if row["kind"] == kind]

    return _Words(
        headers=re.compile(rf"(?:{_alternation(of('header', 'words'))})[ \t]*:"),
        labels=re.compile(rf"(?<![\w/-])(?:{_alternation(of('label', 'words'), first_as_written=True)})[ \t]*:"),
        continuations=frozenset(of("continuation", "word")),
        item_ends=frozenset(of("item_end", "word")),
        not_starts=frozenset(of("not_item_start", "word")),
        alternatives=frozenset(of("alternatives", "word")),
        item_starts=frozenset(of("item_start", "word")),
    )


def has_pdq_headers(text: str) -> bool:
    """Whether `text` has a PDQ section header ("DISEASE CHARACTERISTICS:" ...)."""
    return ("CHARACTERISTICS" in text or "CONCURRENT" in text) and _words().headers.search(text) is not None


def item_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of the criterion `text[start:end]`: itself alone unless it writes PDQ items run together."""
    if text.find(":", start, end) < 0:
        return [(start, end)]  # every header and label ends with a colon: most items have none
    words = _words()
    headers = [(m.start(), m.end()) for m in words.headers.finditer(text, start, end)]
    labels = [(m.start(), m.end()) for m in words.labels.finditer(text, start, end)]
    opened = bool(headers) and text[headers[0][1] : end].strip() != ""
    if not (opened or any(text[start:at].strip() for at, _ in labels)):
        return [(start, end)]
    marks = sorted(headers + labels)
    hard = {at for at, _ in marks} | {_next_word(text, after, end) for _, after in headers}
    colons = {after for _, after in marks}
    cuts: set[int] = set()
    depth, listed, alternative, previous = 0, False, False, ""
    bracketed = _BRACKET.search(text, start, end) is not None  # without brackets the depth stays 0
    for chunk in _CHUNK.finditer(text, start, end):
        at, word = chunk.start(), chunk.group()
        if at in hard:
            depth, listed, alternative = 0, False, False  # a header or label ends any list and bracket left open
            if at > start:
                cuts.add(at)
        elif depth == 0 and previous and "A" <= word[0] <= "Z" and _opens_item(word, previous, words):
            # (`_opens_item` is true only of a word opening with a capital: tested first, cheaply)
            if not listed or (alternative and word in words.item_starts):
                cuts.add(at)
                listed, alternative = False, False  # "... OR Stage IV Must have ...": the alternative has ended
        if bracketed:
            depth = max(0, depth + word.count("(") + word.count("[") - word.count(")") - word.count("]"))
        if word.endswith(":") and chunk.end() not in colons and depth == 0:
            listed, alternative = True, False  # "one of the following:", "Eligible subtypes:": its items stay together
        elif word in words.alternatives:
            alternative = alternative or not listed  # "... OR": what follows is offered instead
            listed = True
        previous = word
    bounds = [start, *sorted(cuts), end]
    return [(a, _trimmed(text, a, b)) for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b].strip()]


def _opens_item(word: str, previous: str, words: _Words) -> bool:
    """Whether `word` opens an item run into the complete item that ends with `previous`."""
    if word.rstrip(",.;") in words.not_starts or not (previous[-1].isalnum() or previous[-1] in "%)"):
        return False
    if (previous[0].isupper() and not previous.isupper()) or previous.lower() in words.continuations:
        return False  # a name goes on ("New York Heart Association"), or a word that an item does not end with
    if _TITLE_WORD.fullmatch(word):
        return True
    return bool(_CAPITALS.match(word)) and (previous.endswith(")") or previous in words.item_ends)


def _next_word(text: str, start: int, end: int) -> int:
    """Where the first word at or after `start` begins (`end` when none does)."""
    found = _CHUNK.search(text, start, end)
    return found.start() if found else end


def _trimmed(text: str, start: int, end: int) -> int:
    """`end` moved back past trailing whitespace."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
