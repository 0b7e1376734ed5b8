"""Sites a tumour of the central nervous system is stated at: "supratentorial malignant glioma", "anaplastic
astrocytoma of the spine", "brainstem glioma".

    >>> from nlp.sites import contradict, named_sites, qualifier_sites
    >>> sorted(named_sites("anaplastic astrocytoma of the spine"))
    ['spinal cord']
    >>> text = "Histologically proven supratentorial malignant primary glioma"
    >>> sorted(qualifier_sites(text, 55, 61))
    ['supratentorial']
    >>> contradict({"spinal cord"}, [{"supratentorial"}]), contradict({"brainstem"}, [{"brain"}])
    (True, False)

The sites, their words and the site each lies within are data (`nlp/vocab/disease_sites.jsonl`), read only for the
diseases its header names (`applies_to`: tumours of the central nervous system). A site qualifies a disease mention
when it is named in the mention's words ("spinal cord glioma"), right before them, a few words between at most and
none of them a conjunction or preposition ("supratentorial malignant primary glioma"), a list of sites ("spinal or
brain glioma"),
or right after them ("astrocytoma of the spine", "glioblastoma of the right frontal lobe"). Two sites contradict when
neither lies within the other; a list of sites covers its broadest ones, and of a trial's statements the narrowest
decide (`contradict`: "supratentorial malignant glioma" beside "brain and central nervous system tumours").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from nlp.diseases import is_within
from nlp.resources import phrase_regex, read_vocab

MAX_BETWEEN = 3  # words at most between a site and the disease it qualifies ("supratentorial malignant primary glioma")
_LINKS = r"(?:\s*(?:,|/)\s*|\s+(?:or|and|and/or)\s+)"
_NOT_BETWEEN = r"(?:and|or|nor|with|without|of|in|no|not|from|to|for|including|except|than|after|before)"


@cache
def _sites() -> tuple[dict[str, str], dict[str, str | None], tuple[str, ...]]:
    """(word → site, site → the site it lies within, disease terms the sites are read for)."""
    words: dict[str, str] = {}
    within: dict[str, str | None] = {}
    diseases: tuple[str, ...] = ()
    for row in read_vocab("disease_sites.jsonl"):
        if "site" not in row:
            diseases = tuple(row["diseases"])
            continue
        within[row["site"]] = row.get("within")
        words.update({" ".join(w.lower().split()): row["site"] for w in row["words"]})
    return words, within, diseases


@cache
def _site_pattern() -> str:
    return rf"(?<![\w-])(?:{phrase_regex(list(_sites()[0]))})(?![\w-])"


@cache
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    site = _site_pattern()
    chain = rf"{site}(?:{_LINKS}{site})*"
    between = rf"(?:[ \t]+(?!{_NOT_BETWEEN}\b)[A-Za-z][\w-]*){{0,{MAX_BETWEEN}}}"
    before = re.compile(rf"{chain}(?:{between}[ \t]+|{_LINKS})$", re.I)
    side = r"(?:(?:left|right|bilateral)[ \t]+)?"
    after = re.compile(rf"^[ \t]+(?:of|in|involving)[ \t]+(?:the[ \t]+)?{side}{chain}", re.I)
    return re.compile(site, re.I), before, after


def applies_to(term_id: str) -> bool:
    """Whether a site is read for the disease `term_id` (one below a term the vocabulary's header names)."""
    return any(is_within(term_id, disease) for disease in _sites()[2])


def mentions_site(text: str) -> bool:
    """Whether `text` names any site: a quick test before mapping it."""
    return _regexes()[0].search(text) is not None


def named_sites(text: str) -> frozenset[str]:
    """Every site `text` names."""
    words = _sites()[0]
    return frozenset(words[" ".join(m.group().lower().split())] for m in _regexes()[0].finditer(text))


def qualifier_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the disease mention `text[start:end]` and the site words that qualify it begin and end (the mention's
    own span when no site qualifies it)."""
    _site, before, after = _regexes()
    lead = before.search(text, 0, start)
    trail = after.match(text[end:])
    return (lead.start() if lead else start), (end + trail.end() if trail else end)


def site_words(text: str) -> str:
    """The words of `text` from its first site to its last ("spinal or brain" of "spinal or brain high grade "), white
    space made single; "" when it names none."""
    found = list(_regexes()[0].finditer(text))
    return " ".join(text[found[0].start():found[-1].end()].split()) if found else ""


def qualifier_sites(text: str, start: int, end: int) -> frozenset[str]:
    """The sites that qualify the disease mention `text[start:end]`: in its words, right before or right after."""
    first, last = qualifier_span(text, start, end)
    return named_sites(text[first:last])


def within(site: str, other: str) -> bool:
    """Whether `site` is `other` or lies within it (brainstem within brain)."""
    parents = _sites()[1]
    current: str | None = site
    while current is not None:
        if current == other:
            return True
        current = parents.get(current)
    return False


def narrowest(sites: Iterable[str]) -> frozenset[str]:
    """The sites of `sites` no other of them lies within."""
    found = set(sites)
    return frozenset(s for s in found if not any(o != s and within(o, s) for o in found))


def broadest(sites: Iterable[str]) -> frozenset[str]:
    """The sites of `sites` that lie within no other of them: what a list of sites covers ("brain and central
    nervous system tumours" covers the central nervous system)."""
    found = set(sites)
    return frozenset(s for s in found if not any(o != s and within(s, o) for o in found))


def _narrower(sites: frozenset[str], others: frozenset[str]) -> bool:
    return sites != others and all(any(within(a, b) for b in others) for a in sites)


def contradict(sites: Iterable[str], statements: Iterable[Iterable[str]]) -> bool:
    """Whether the sites a disease is stated at (`sites`) contradict those a trial states for it (`statements`, the
    sites of each mention): both name one, and each of the trial's narrowest statements (those no other lies within:
    "supratentorial malignant glioma" beside "brain and central nervous system tumours") names no site that lies
    within one of `sites`, or that one of them lies within."""
    mine = narrowest(sites)
    stated = {broadest(s) for s in statements} - {frozenset()}
    kept = [s for s in stated if not any(_narrower(o, s) for o in stated)]
    return bool(mine and kept) and not any(within(a, b) or within(b, a) for s in kept for a in mine for b in s)
