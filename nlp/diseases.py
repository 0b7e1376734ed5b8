"""Disease terms: map registry conditions and diagnoses to an ontology, and decide whether a patient's disease fits.

    >>> from nlp.diseases import map_condition, relation, most_specific, is_solid
    >>> [(m.id, m.name, m.text) for m in map_condition("Histologically confirmed metastatic colorectal adenocarcinoma")]
    [('DOID:0050861', 'colorectal adenocarcinoma', 'colorectal adenocarcinoma')]
    >>> [m.name for m in map_condition("Carcinoma, Non-Small-Cell Lung")]
    ['lung non-small cell carcinoma']
    >>> trial = most_specific(map_condition("Neoplasms") + map_condition("Kidney Neoplasms"))
    >>> [m.name for m in trial]
    ['kidney cancer']
    >>> patient = map_condition("metastatic colorectal cancer")[0]
    >>> relation(patient, trial), relation(patient, map_condition("NTRK Fusion Solid Tumors"))
    ('not_met', 'met')
    >>> is_solid("DOID:8418"), is_solid("DOID:9119")   # infantile fibrosarcoma, acute myeloid leukemia
    (True, False)

The vocabulary is `nlp/vocab/diseases.jsonl` (Human Disease Ontology cancer slim and NCIthesaurus subset, CC0;
OncoTree, CC BY 4.0 — "OncoTree, Memorial Sloan Kettering Cancer Center"; rebuilt by
`scripts/build_disease_vocab.py`), a hand-written layer `nlp/vocab/disease_layer.jsonl` (solid tumour, healthy
volunteers, clinical shorthands such as NSCLC or mCRPC, synonyms the ontology lacks, misleading ontology synonyms
dropped) and the wording rules `nlp/vocab/disease_wording.jsonl`. Everything is loaded once per process.

API
- `normalize(text) -> str`: the lookup form of a phrase. Lower case, accents, possessives, plurals and British
  spellings folded ("tumours" → "tumor"), registry wording about stage and course dropped ("metastatic",
  "advanced", "stage IV", "recurrent", "refractory", "unresectable", "adult"), organ adjectives made nouns
  ("renal" → "kidney"), "malignant neoplasm" → "cancer", "X of the Y" → "Y X".
- `map_condition(text) -> list[TermMatch]`: the disease terms a condition or a sentence names, each with `id`,
  `name` and the matched `text`, `start`, `end` in `text`. Longest match wins; "carcinoma of the X", MeSH inversions
  ("Leukemia, Myeloid, Acute"), coordinations ("lung and breast cancer") and head-noun fallbacks ("Kidney Neoplasms"
  → kidney cancer, "thymus carcinoma" → thymus cancer when the ontology lacks it) are handled; a histology whose
  site the vocabulary names only apart ("Squamous Cell Carcinoma of the Nasopharynx") is read as that site's kind,
  not as every site's histology. Unmapped → [].
- `term(id) -> Term` (name, synonyms, parents, `cancer` = "solid" | "haematologic" | "any" | None, tissues,
  OncoTree codes); `ancestors(id)`, `descendants(id)` (frozensets, self excluded); `is_within(a, b)` (a is b or below
  it); `overlaps(a, b)` (one within the other or a common descendant); `is_cancer`, `is_solid`, `is_haematologic`.
- `most_specific(terms)`: drops every term another listed term lies below ("Neoplasms; Kidney Neoplasms" → kidney
  cancer), so a generic term listed beside specific ones does not make a basket.
- `judge(patient, trial_terms) -> Relation` and `relation(patient, trial_terms) -> "met" | "not_met" | "unknown"`:
  met when the patient's term is one of the trial's or below one (a basket such as "solid tumour" included);
  not_met when every trial term is disjoint from the patient's; unknown when the patient's term is broader than or
  overlaps a trial term, or either side is unmapped. `Relation` says which trial term decided and why, in words.
- `suggest(prefix, limit)`: terms whose name or synonym starts with (or has a word starting with) the prefix, for
  autocomplete; `labels()`: every name and synonym of the cancers, for a form's option list. `sources()`: the
  vocabulary header (sources, releases, licences) for attribution.
Terms, matches and relations accept a term id, a `Term` or a `TermMatch` wherever a term is expected.
"""

from __future__ import annotations

import gc
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"
DISEASES_PATH = VOCAB_DIR / "diseases.jsonl"
LAYER_PATH = VOCAB_DIR / "disease_layer.jsonl"
WORDING_PATH = VOCAB_DIR / "disease_wording.jsonl"

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
CANCER_ID = "DOID:162"
MEMO_TEXTS = 100_000  # texts whose matches map_condition keeps

_TOKEN = re.compile(r"[^\W_]+|[,;:()\[\]/&.]")
_WORD = re.compile(r"[^\W_]+|&")
_POSSESSIVE = re.compile(r"(?<=\w)['’`]s\b|(?<=s)['’`](?=\s|$)")
_APOSTROPHES = re.compile("['’`]")  # a text without one has no possessive: a quicker search than `_POSSESSIVE`'s
_BOUNDARY = frozenset(",;:()[].")
_STAGE_NUMERAL = re.compile(r"^(?:0|[1-4]|i{1,3}|iv)[a-c]?[1-3]?$")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_METASTATIC_ACRONYM = re.compile(r"^m([A-Z][A-Z0-9]+)$")  # mCRC, mCRPC, mRCC: m = metastatic
_RANK_LAYER, _RANK_NAME, _RANK_EXACT, _RANK_ONCOTREE, _RANK_RELATED = range(5)
_DROPPED_PENALTY = 8
_GENERIC_PENALTY = 9
_MAX_KEY_WORDS = 14


@dataclass(frozen=True)
class Term:
    """A disease term of the vocabulary."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    cancer: str | None = None  # "solid", "haematologic", "any" (cancer itself) or None (not a cancer)
    tissues: tuple[str, ...] = ()
    oncotree: tuple[str, ...] = ()  # OncoTree codes joined to this term


@dataclass(frozen=True)
class TermMatch:
    """A term found in a text, with the span of the text it was read from."""

    id: str
    name: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Relation:
    """How a patient's disease term relates to a trial's terms: the verdict, the trial term it rests on, why."""

    verdict: str
    patient: str | None
    trial: str | None
    reason: str


class _Entry(NamedTuple):
    """One way to write a term: its rank (lower wins), and the exact spelling an acronym needs."""

    rank: tuple[int, int, int]
    term: str
    case: tuple[str, ...] | None
    whole: bool  # only when it is the whole text ("Healthy")


@dataclass
class _Wording:
    modifiers: frozenset[str] = frozenset()
    stage_words: frozenset[str] = frozenset()
    numbered: frozenset[str] = frozenset()
    stops: frozenset[str] = frozenset()
    coordinators: frozenset[str] = frozenset()
    irregular: dict[str, str] = field(default_factory=dict)
    spellings: list[tuple[str, str]] = field(default_factory=list)
    same: dict[str, str] = field(default_factory=dict)
    rewrites: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    rewrite_starts: frozenset[str] = frozenset()
    heads: list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...], int]] = field(default_factory=list)
    heads_by_last: dict[str, list] = field(default_factory=dict)  # last word of a head → its head rules
    generic: frozenset[str] = frozenset()
    negations_before: set[tuple[str, ...]] = field(default_factory=set)  # "risk for" + a disease
    negations_after: set[tuple[str, ...]] = field(default_factory=set)  # a disease + "screening"
    qualifiers: frozenset[str] = frozenset()
    site_heads: tuple[str, ...] = ()  # heads that make a site's cancer of unmatched words ("ovary" + "cancer")
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # cache: raw lower-case token → words
    readings: dict[str, _TokenReading] = field(default_factory=dict)  # cache: raw token → what `_tokens` reads


@dataclass
class _Vocabulary:
    terms: dict[str, Term]
    trie: dict
    ancestors: dict[str, frozenset[str]]
    descendants: dict[str, frozenset[str]]
    wording: _Wording
    header: dict
    labels: list[tuple[str, str, str]]  # (lower-case label, label, term id) for suggest()
    baskets: frozenset[str]
    heads: frozenset[str]  # generic head words ("cancer", "tumor", "neoplasm", ...)
    site_words: frozenset[str]  # words of cancer names that name a site or kind ("abdominal", "lung")
    found: dict[str, tuple[TermMatch, ...]] = field(default_factory=dict)  # memo: text → map_condition's matches


@dataclass
class _Tokens:
    words: list[str]
    origs: list[str]
    starts: list[int]
    ends: list[int]
    bound: list[bool]  # a hard boundary (comma, parenthesis, full stop) lies before this word
    coord: list[bool]  # a coordinator (and, or, slash, comma) lies right before this word


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise FileNotFoundError(f"disease vocabulary file {path} is missing: restore it from the repository")
    rows = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path.name} line {number} is not JSON ({error.msg}): fix that line") from None
    return rows


def _load_wording(rows: list[dict]) -> _Wording:
    wording = _Wording()
    sets: dict[str, set[str]] = {"modifier": set(), "stage": set(), "numbered": set(), "stop": set()}
    sets |= {"coordinator": set(), "generic": set(), "qualifier": set()}
    for number, row in enumerate(rows, 1):
        kind = row.get("kind")
        if kind in sets:
            sets[kind].add(row["word"])
        elif kind == "negation" and row.get("side") in ("before", "after"):
            words = tuple(row["word"].split())
            (wording.negations_before if row["side"] == "before" else wording.negations_after).add(words)
        elif kind == "irregular":
            wording.irregular[row["from"]] = row["to"]
        elif kind == "spelling":
            wording.spellings.append((row["from"], row["to"]))
        elif kind == "same":
            wording.same[row["from"]] = row["to"]
        elif kind == "rewrite":
            wording.rewrites[tuple(row["from"].split())] = tuple(row["to"].split())
        elif kind == "site_head":
            wording.site_heads = (*wording.site_heads, row["word"])
        elif kind == "head":
            also = tuple(tuple(a.split()) for a in row["also"])
            wording.heads.append((tuple(row["word"].split()), also, int(row["penalty"])))
        else:
            raise ValueError(f"{WORDING_PATH.name} line {number}: unknown kind {kind!r} (see the module docstring)")
    wording.modifiers = frozenset(sets["modifier"])
    wording.stage_words = frozenset(sets["stage"])
    wording.numbered = frozenset(sets["numbered"])
    wording.stops = frozenset(sets["stop"])
    wording.coordinators = frozenset(sets["coordinator"])
    wording.generic = frozenset(sets["generic"])
    wording.qualifiers = frozenset(sets["qualifier"])
    wording.rewrite_starts = frozenset(old[0] for old in wording.rewrites)
    for rule in wording.heads:
        wording.heads_by_last.setdefault(rule[0][-1], []).append(rule)
    return wording


def _fold(token: str, wording: _Wording) -> tuple[str, ...]:
    """The lookup words of one lower-case token (usually one; "nonsmall" gives two)."""
    cached = wording.words.get(token)
    if cached is not None:
        return cached
    word = unicodedata.normalize("NFKD", token)
    word = "".join(ch for ch in word if not unicodedata.combining(ch))
    if word in wording.irregular:
        word = wording.irregular[word]
    elif len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
        word = word[:-1]
    for old, new in wording.spellings:
        if old in word:
            word = word.replace(old, new)
    words = tuple(wording.same.get(w, w) for w in word.split())
    wording.words[token] = words
    return words


class _TokenReading(NamedTuple):
    """What `_tokens` reads in one raw token, the same wherever it stands (kept per token in `_Wording.readings`)."""

    separator: bool  # a boundary or coordinator sign, no word
    bound: bool  # a hard boundary sign
    coord: bool  # a coordinator sign
    numeral: bool  # a stage numeral ("ii", "3b")
    stage: bool  # a stage word ("stage", "grade")
    shift: int  # characters dropped before the original spelling ("mCRC" → "CRC")
    orig: str  # the original spelling
    words: tuple[str, ...]  # its lookup words, registry wording dropped


def _token_reading(token: str, wording: _Wording) -> _TokenReading:
    if len(wording.readings) >= MEMO_TEXTS:
        wording.readings.clear()
    numeral = _STAGE_NUMERAL.match(token.lower()) is not None
    if not token.isalnum() and (token in _BOUNDARY or token in wording.coordinators):
        reading = _TokenReading(True, token in _BOUNDARY, token in wording.coordinators, numeral, False, 0, token, ())
    else:
        acronym = _METASTATIC_ACRONYM.match(token)
        orig = acronym.group(1) if acronym else token
        lower = orig.lower()
        words = tuple(w for w in _fold(lower, wording) if w not in wording.modifiers and w not in wording.stops)
        reading = _TokenReading(False, False, False, numeral, lower in wording.stage_words, 1 if acronym else 0, orig,
                                words)
    wording.readings[token] = reading
    return reading


def _tokens(text: str, wording: _Wording) -> _Tokens:
    """Lookup words of a text with their original spellings and character spans; registry wording dropped."""
    out = _Tokens([], [], [], [], [], [])
    if _APOSTROPHES.search(text):
        text = _POSSESSIVE.sub(lambda m: " " * len(m.group()), text)
    known = wording.readings
    raw = [(m.span(), known.get(m.group()) or _token_reading(m.group(), wording)) for m in _TOKEN.finditer(text)]
    bound = coord = False
    index = 0
    while index < len(raw):
        (start, end), (separator, is_bound, is_coord, _, stage, shift, orig, words) = raw[index]
        index += 1
        if separator:
            bound = bound or is_bound
            coord = coord or is_coord
            continue
        if stage and index < len(raw) and raw[index][1].numeral:
            while index < len(raw) and raw[index][1].numeral:
                index += 1
            continue
        for word in words:
            if out.words and out.words[-1] in wording.numbered and word in _ROMAN:
                word = _ROMAN[word]
            out.words.append(word)
            out.origs.append(orig)
            out.starts.append(start + shift)
            out.ends.append(end)
            out.bound.append(bound)
            out.coord.append(coord)
            bound = coord = False
    return _rewrite(out, wording) if wording.rewrite_starts.intersection(out.words) else out


def _rewrite(tokens: _Tokens, wording: _Wording) -> _Tokens:
    """The tokens with the phrase rewrites applied ("malignant neoplasm" → "cancer"), spans kept."""
    out = _Tokens([], [], [], [], [], [])
    index, total = 0, len(tokens.words)
    while index < total:
        size, new = 1, tuple(tokens.words[index : index + 1])
        for old, replacement in wording.rewrites.items():
            stop = index + len(old)
            if tuple(tokens.words[index:stop]) == old and not any(tokens.bound[index + 1 : stop]):
                size, new = len(old), replacement
                break
        stop = index + size
        for offset, word in enumerate(new):
            out.words.append(word)
            out.origs.append(" ".join(tokens.origs[index:stop]))
            out.starts.append(tokens.starts[index])
            out.ends.append(tokens.ends[stop - 1])
            out.bound.append(tokens.bound[index] if offset == 0 else False)
            if tokens.coord:
                out.coord.append(tokens.coord[index] if offset == 0 else False)
        index = stop
    return out


def _reordered(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """ "carcinoma of colon" → "colon carcinoma" when the phrase has exactly one "of"; else None."""
    if words.count("of") != 1:
        return None
    at = words.index("of")
    if at == 0 or at == len(words) - 1:
        return None
    return words[at + 1 :] + words[:at]


def normalize(text: str) -> str:
    """The lookup form of a phrase: "Metastatic Carcinomas of the Colon" → "colon carcinoma"."""
    words = tuple(_tokens(text, _vocabulary().wording).words)
    return " ".join(_reordered(words) or words)


def _is_acronym(token: str) -> bool:
    if token[1:].islower() or token.isdigit():
        return False
    upper = sum(ch.isupper() for ch in token)
    return upper >= 2 and upper > sum(ch.islower() for ch in token)


def _surface(surface: str, wording: _Wording) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """Lookup words of one vocabulary name, their original spellings, and whether registry wording was dropped."""
    words: list[str] = []
    origs: list[str] = []
    dropped = False
    raw = _WORD.findall(_POSSESSIVE.sub(" ", surface) if "'" in surface or "’" in surface else surface)
    index = 0
    while index < len(raw):
        token = raw[index]
        index += 1
        lower = token.lower()
        if lower in wording.stage_words and index < len(raw) and _STAGE_NUMERAL.match(raw[index].lower()):
            while index < len(raw) and _STAGE_NUMERAL.match(raw[index].lower()):
                index += 1
            dropped = True
            continue
        for word in _fold(lower, wording):
            if word in wording.modifiers:
                dropped = True
            elif word not in wording.stops:
                if words and words[-1] in wording.numbered and word in _ROMAN:
                    word = _ROMAN[word]
                words.append(word)
                origs.append(token)
    if wording.rewrite_starts.intersection(words):
        tokens = _rewrite(_Tokens(words, origs, [0] * len(words), [0] * len(words), [False] * len(words), []), wording)
        words, origs = tokens.words, tokens.origs
    return tuple(words), tuple(origs), dropped


def _keys(surface: str, wording: _Wording) -> tuple[list[tuple[tuple[str, ...], int]], tuple[str, ...] | None]:
    """The trie keys of one way to write a term, each with its penalty, and the spelling an acronym needs.

    Head fallbacks ("kidney cancer" also as "kidney neoplasm") come with the penalty of their rule; a name that
    loses registry wording ("adult hepatocellular carcinoma", "Breast Neoplasm, NOS") ranks after every fallback.
    """
    words, origs, dropped = _surface(surface, wording)
    if not words or len(words) > _MAX_KEY_WORDS:
        return [], None
    case = origs if all(_is_acronym(t) or t.isdigit() for t in origs) else None
    bases = [words]
    reordered = _reordered(words)
    if reordered:
        bases.append(reordered)
    floor = _DROPPED_PENALTY if dropped else 0
    keys = [(base, floor) for base in bases]
    if case is None:
        for base in bases:
            for head, alternatives, penalty in wording.heads_by_last.get(base[-1], ()):
                if len(base) > len(head) and base[-len(head) :] == head:
                    keys.extend((base[: -len(head)] + alt, max(penalty, floor)) for alt in alternatives)
    return keys, case


@lru_cache(maxsize=1)
def lookup_words() -> frozenset[str]:
    """Every word, in lookup form (`normalize`), of every way the vocabulary writes a term: a phrase holding another
    word names no term with it, which is a cheap test before `map_condition`."""
    words: set[str] = set()
    nodes = [_vocabulary().trie]
    while nodes:
        node = nodes.pop()
        for word, child in node.items():
            if word is not None:
                words.add(word)
                nodes.append(child)
    return frozenset(words)


def _insert(trie: dict, key: tuple[str, ...], entry: _Entry) -> None:
    node = trie
    for word in key:
        node = node.setdefault(word, {})
    node.setdefault(None, []).append(entry)


def _layer_terms(
    rows: list[dict], terms: dict[str, dict]
) -> tuple[list[tuple[str, str, bool]], set[tuple[str, str]], set[str]]:
    """Add the layer's terms to `terms`; return its aliases (text, id, whole-text only), dropped synonyms, baskets."""
    aliases: list[tuple[str, str, bool]] = []
    drops: set[tuple[str, str]] = set()
    baskets: set[str] = set()
    for number, row in enumerate(rows, 1):
        where = f"{LAYER_PATH.name} line {number}"
        if "term" in row:
            terms[row["term"]] = {
                "id": row["term"],
                "name": row["name"],
                "synonyms": row.get("synonyms", []),
                "parents": row.get("parents", []),
                "cancer": row.get("cancer"),
                "covers": row.get("covers"),
                "layer": True,
            }
            for child in row.get("children", []):
                if child not in terms:
                    raise ValueError(f"{where}: child {child!r} is not a vocabulary term: fix the id")
                terms[child]["parents"] = [*terms[child].get("parents", []), row["term"]]
        elif "alias" in row:
            aliases.append((row["alias"], row["id"], bool(row.get("whole"))))
        elif "drop" in row:
            drops.add((row["drop"].casefold(), row["id"]))
        elif "basket" in row:
            baskets.add(row["basket"])
        else:
            raise ValueError(f"{where}: a row needs 'term', 'alias', 'drop' or 'basket' (see the file's first lines)")
    for text, term_id, _ in aliases:
        if term_id not in terms:
            raise ValueError(f"{LAYER_PATH.name}: alias {text!r} points at unknown term {term_id!r}: fix the id")
    for text, term_id in drops:
        if term_id not in terms:
            raise ValueError(f"{LAYER_PATH.name}: drop {text!r} points at unknown term {term_id!r}: fix the id")
    for term_id in baskets:
        if term_id not in terms:
            raise ValueError(f"{LAYER_PATH.name}: basket {term_id!r} is not a vocabulary term: fix the id")
    for row in terms.values():
        for parent in row.get("parents", []):
            if parent not in terms:
                raise ValueError(f"term {row['id']} has unknown parent {parent!r}: fix {LAYER_PATH.name}")
    return aliases, drops, baskets


def _closure(parents: dict[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    memo: dict[str, frozenset[str]] = {}

    def visit(term_id: str, path: frozenset[str]) -> frozenset[str]:
        if term_id in memo:
            return memo[term_id]
        found: set[str] = set()
        for parent in parents.get(term_id, ()):
            if parent in path:
                raise ValueError(f"the disease vocabulary has a cycle through {parent}: fix its parents")
            found.add(parent)
            found |= visit(parent, path | {parent})
        memo[term_id] = frozenset(found)
        return memo[term_id]

    for term_id in parents:
        visit(term_id, frozenset({term_id}))
    return memo


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    wording = _load_wording(_read_jsonl(WORDING_PATH))
    rows = _read_jsonl(DISEASES_PATH)
    if not rows or "header" not in rows[0]:
        raise ValueError(f"{DISEASES_PATH} has no header line: rebuild it with scripts/build_disease_vocab.py")
    header = rows[0]["header"]
    raw = {row["id"]: row for row in rows[1:]}
    aliases, drops, baskets = _layer_terms(_read_jsonl(LAYER_PATH), raw)

    parents = {term_id: (*row.get("parents", ()), *row.get("inferred", ())) for term_id, row in raw.items()}
    ancestors = _closure(parents)
    covers = {row["covers"]: term_id for term_id, row in raw.items() if row.get("covers")}
    terms: dict[str, Term] = {}
    for term_id, row in raw.items():
        kind = row.get("cancer")
        if kind in covers and covers[kind] != term_id:
            basket = covers[kind]
            ancestors[term_id] = ancestors[term_id] | {basket} | ancestors[basket]
        terms[term_id] = Term(
            id=term_id,
            name=row["name"],
            synonyms=tuple(row.get("synonyms", ())),
            parents=parents[term_id],
            cancer=kind,
            tissues=tuple(row.get("tissues", ())),
            oncotree=tuple(row.get("oncotree", ())),
        )
    below: dict[str, set[str]] = {term_id: set() for term_id in terms}
    for term_id, above in ancestors.items():
        for ancestor in above:
            below[ancestor].add(term_id)
    descendants = {term_id: frozenset(found) for term_id, found in below.items()}

    trie: dict = {}
    labels: list[tuple[str, str, str]] = []
    site_words: set[str] = set()
    depth = {term_id: len(above) for term_id, above in ancestors.items()}
    benign = {term_id for term_id, found in terms.items() if "benign" in found.name.lower().split()}

    def index(surface: str, term_id: str, rank: int, whole: bool = False) -> None:
        if (surface.casefold(), term_id) in drops:
            return
        keys, case = _keys(surface, wording)
        if case is not None and rank != _RANK_LAYER and len("".join(case)) <= 2:
            return  # two-letter ontology acronyms (HL, MS, CF) mislead in running text
        generic = term_id in benign and "benign" not in surface.lower()
        if keys and terms[term_id].cancer and term_id not in baskets:
            site_words.update(keys[0][0][:-1])
        for key, penalty in keys:
            if generic and key[-1] in wording.generic:
                penalty = _GENERIC_PENALTY
            entry = _Entry((penalty, rank, depth[term_id]), term_id, case, whole)
            _insert(trie, key, entry)
        if case is None and not whole:
            labels.append((surface.casefold(), surface, term_id))

    for term_id, row in raw.items():
        layer = bool(row.get("layer"))
        index(row["name"], term_id, _RANK_LAYER if layer else _RANK_NAME)
        for synonym in row.get("synonyms", ()):
            index(synonym, term_id, _RANK_LAYER if layer else _RANK_EXACT)
        for name in (row.get("oncotree") or {}).values():
            index(name, term_id, _RANK_ONCOTREE)
        for synonym in row.get("related", ()):
            index(synonym, term_id, _RANK_RELATED)
    for text, term_id, whole in aliases:
        index(text, term_id, _RANK_LAYER, whole)
    labels.sort(key=lambda label: (len(label[0]), label[0]))
    site_words -= wording.qualifiers | wording.modifiers | wording.coordinators
    vocab = _Vocabulary(
        terms,
        trie,
        ancestors,
        descendants,
        wording,
        header,
        labels,
        frozenset(baskets),
        frozenset(w for head, also, _ in wording.heads for words in (head, *also) for w in words[-1:]),
        frozenset(site_words),
    )
    _outside_collections()
    return vocab


def _outside_collections() -> None:
    """Move every object alive now, the vocabulary's hundred thousand among them, out of the garbage collector's
    reach for the rest of the process (gc.freeze, after one collection so no garbage is kept).

    They live as long as the process, yet every full collection would traverse them: about 0.1-0.2 s each, which
    a process matching patients hits every few dozen matches (the tail of match latency)."""
    gc.collect()
    gc.freeze()


def _best(entries: list[_Entry], origs: list[str], whole: bool, caps: bool) -> _Entry | None:
    """The best-ranked entry whose acronym spelling (if any) and whole-text condition the span satisfies."""
    best = None
    for entry in entries:
        if entry.whole and not whole:
            continue
        if entry.case is not None and (caps and not whole or tuple(origs) != entry.case):
            continue
        if best is None or entry.rank < best.rank:
            best = entry
    return best


def _longest(vocab: _Vocabulary, tokens: _Tokens, start: int, caps: bool) -> tuple[int, _Entry] | None:
    """The longest vocabulary phrase starting at word `start` (end index, entry), crossing no hard boundary."""
    node = vocab.trie
    found = None
    total = len(tokens.words)
    for end in range(start, total):
        if end > start and tokens.bound[end]:
            break
        child = node.get(tokens.words[end])
        if child is None:
            break
        node = child
        if None in node:
            whole = start == 0 and end == total - 1
            entry = _best(node[None], tokens.origs[start : end + 1], whole, caps)
            if entry is not None:
                found = (end + 1, entry)
    return found


def _exact(vocab: _Vocabulary, words: Iterable[str]) -> _Entry | None:
    node = vocab.trie
    for word in words:
        child = node.get(word)
        if child is None:
            return None
        node = child
    entries = [e for e in node.get(None, ()) if e.case is None and not e.whole]
    return min(entries, key=lambda e: e.rank) if entries else None


def _scan(vocab: _Vocabulary, tokens: _Tokens, caps: bool) -> list[tuple[int, int, str]]:
    """Non-overlapping (first word, end word, term id) matches: longest first, then leftmost."""
    total = len(tokens.words)
    candidates: list[tuple[int, int, _Entry]] = []
    for start in range(total):
        if tokens.words[start] not in vocab.trie:  # no phrase starts with this word
            continue
        found = _longest(vocab, tokens, start, caps)
        if found:
            candidates.append((start, found[0], found[1]))
    for at in range(1, total - 1):
        if tokens.words[at] != "of" or tokens.bound[at] or tokens.bound[at + 1]:
            continue
        best = None
        for left in range(1, min(3, at) + 1):
            if any(tokens.bound[at - left + 1 : at + 1]):
                break
            for right in range(1, min(4, total - at - 1) + 1):
                if tokens.bound[at + right]:
                    break
                key = tokens.words[at + 1 : at + 1 + right] + tokens.words[at - left : at]
                entry = _exact(vocab, key)
                if entry is not None and (best is None or left + right > best[1] - best[0] - 1):
                    best = (at - left, at + right + 1, entry)
        if best:
            candidates.append(best)
    chosen: list[tuple[int, int, str]] = []
    taken = [False] * total
    for start, end, entry in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0], c[2].rank)):
        if not any(taken[start:end]):
            chosen.append((start, end, entry.term))
            taken[start:end] = [True] * (end - start)
    _coordinated(vocab, tokens, chosen, taken)
    return sorted(match for match in chosen if _stands(vocab, tokens, match, taken))


def _stands(vocab: _Vocabulary, tokens: _Tokens, match: tuple[int, int, str], taken: list[bool]) -> bool:
    """False for a term its neighbours say is absent or only screened for ("HIV Seronegativity", "CRC Screening",
    "High Risk for Breast Cancer") and for a basket term qualified by a site word no term covers ("Abdominal
    Cancer", "Carcinoma, Bronchogenic": an unknown kind of cancer, not every cancer)."""
    start, end, term_id = match
    words, wording = tokens.words, vocab.wording
    for phrase in wording.negations_before:
        if start >= len(phrase) and tuple(words[start - len(phrase) : start]) == phrase:
            return False
    for phrase in wording.negations_after:
        if tuple(words[end : end + len(phrase)]) == phrase:
            return False
    if term_id not in vocab.baskets:
        return True
    if start and not tokens.bound[start] and not taken[start - 1] and words[start - 1] in vocab.site_words:
        return False
    after = end < len(words) and tokens.bound[end] and not taken[end] and words[end] in vocab.site_words
    return not (start == 0 and after)


def _coordinated(vocab: _Vocabulary, tokens: _Tokens, chosen: list, taken: list[bool]) -> None:
    """ "lung and breast cancer", "lung, breast, or colon cancer", "colon/rectal cancer": a match right after a
    coordinator lends its tail to the unmatched words before the coordinator when together they name a term."""
    words = tokens.words
    queue = [(start, [tuple(words[cut:end]) for cut in range(start + 1, end)]) for start, end, _ in chosen]
    while queue:
        start, tails = queue.pop()
        if start == 0 or not tails:
            continue
        if words[start - 1] in vocab.wording.coordinators:
            at = start - 1
        elif tokens.coord[start]:
            at = start
        else:
            continue
        found = None
        for size in range(min(4, at), 0, -1):
            first = at - size
            if any(taken[first:at]) or any(tokens.bound[first + 1 : at]):
                continue
            for tail in tails:
                entry = _exact(vocab, (*words[first:at], *tail))
                if entry is not None:
                    found = (first, at, entry.term, tail)
                    break
            if found:
                break
        if found:
            first, at, term_id, tail = found
            chosen.append((first, at, term_id))
            taken[first:at] = [True] * (at - first)
            queue.append((first, [tail]))


def _readings(tokens: _Tokens, vocab: _Vocabulary) -> list[_Tokens]:
    """Other word orders a short registry condition may be read in: "Leukemia, Myeloid, Acute" → "Acute Myeloid
    Leukemia" (reversed), "Death, Sudden, Cardiac" → "Sudden Cardiac Death" (first part last), "Melanoma (Skin)"
    → "Skin Melanoma", and "Prostate Cancer (Adenocarcinoma)" → "Prostate Adenocarcinoma" (the bracketed word in
    place of a generic head)."""
    if len(tokens.words) > 10:
        return []
    parts: list[list[int]] = [[]]
    for index in range(len(tokens.words)):
        if index and tokens.bound[index]:
            parts.append([])
        parts[-1].append(index)
    if not 2 <= len(parts) <= 4:
        return []
    orders = [[i for part in parts[::-1] for i in part], [i for part in parts[1:] + parts[:1] for i in part]]
    first, last = parts[0], parts[-1]
    if len(parts) == 2 and len(last) == 1 and len(first) > 1 and tokens.words[first[-1]] in vocab.heads:
        orders.append(first[:-1] + last)
    return [
        _Tokens(
            [tokens.words[i] for i in order],
            [tokens.origs[i] for i in order],
            [tokens.starts[i] for i in order],
            [tokens.ends[i] for i in order],
            [False] * len(order),
            [False] * len(order),
        )
        for order in orders
    ]


def map_condition(text: str) -> list[TermMatch]:
    """The disease terms `text` names (a registry condition, a diagnosis or a sentence), in text order.

    Registry conditions repeat across trials ("Breast Cancer"), so each text's matches are kept with the
    vocabulary (at most MEMO_TEXTS texts; the memo starts again when full)."""
    if not isinstance(text, str):
        raise TypeError(f"map_condition takes the condition text as a string, got {type(text).__name__}")
    vocab = _vocabulary()
    found = vocab.found.get(text)
    if found is None:
        if len(vocab.found) >= MEMO_TEXTS:
            vocab.found.clear()
        found = vocab.found[text] = tuple(_map(text, vocab))
    return list(found)


def _map(text: str, vocab: _Vocabulary) -> list[TermMatch]:
    tokens = _tokens(text, vocab.wording)
    if not tokens.words:
        return []
    caps = not any(ch.islower() for ch in text) and sum(w.isalpha() for w in tokens.words) >= 3
    best_tokens, best = tokens, _scan(vocab, tokens, caps)
    best_score = _score(best, tokens)
    for reading in _readings(tokens, vocab):
        found = _scan(vocab, reading, caps)
        score = _score(found, reading)
        if score > best_score:
            best_tokens, best, best_score = reading, found, score
    if vocab.wording.site_heads and best:
        best = _composed(vocab, best_tokens, best)
    matches: list[TermMatch] = []
    seen: set[str] = set()
    for first, end, term_id in best:
        if term_id in seen:
            continue
        seen.add(term_id)
        start = min(best_tokens.starts[first:end])
        stop = max(best_tokens.ends[first:end])
        if text.count("(", start, stop) > text.count(")", start, stop) and text.startswith(")", stop):
            stop += 1
        matches.append(TermMatch(term_id, vocab.terms[term_id].name, text[start:stop], start, stop))
    return sorted(matches, key=lambda m: (m.start, m.end))


def _site_cancer(vocab: _Vocabulary, tokens: _Tokens, lo: int, hi: int, covered: list[bool]) -> str | None:
    """The cancer that words `lo`..`hi` name with a site head of the wording data ("ovary" + "cancer"), when they are
    unmatched, within one part of the text and no coordination."""
    run = tokens.words[lo:hi]
    if any(covered[lo:hi]) or any(tokens.bound[lo + 1 : hi]) or vocab.wording.coordinators.intersection(run):
        return None
    for head in vocab.wording.site_heads:
        entry = _exact(vocab, (*run, head))
        if entry is not None and vocab.terms[entry.term].cancer and entry.term not in vocab.baskets:
            return entry.term
    return None


def _sites_named(
    vocab: _Vocabulary, tokens: _Tokens, first: int, end: int, covered: list[bool]
) -> list[tuple[int, int, str]]:
    """The sites the unmatched words right before word `first` name ("Ovarian" Endometrioid Adenocarcinoma), else
    those after an "of" at word `end`, one or coordinated (Squamous Cell Carcinoma "of the Lip and Oral Cavity"):
    (first word, end word, cancer term id) each."""
    words, coordinators = tokens.words, vocab.wording.coordinators
    if first and not tokens.bound[first] and not tokens.coord[first]:
        for lo in range(max(0, first - 3), first):
            site = _site_cancer(vocab, tokens, lo, first, covered)
            if site:
                return [(lo, first, site)]
    if end + 1 >= len(words) or words[end] != "of" or covered[end] or tokens.bound[end + 1]:
        return []
    found: list[tuple[int, int, str]] = []
    lo = end + 1
    while lo < len(words) and (lo == end + 1 or words[lo - 1] in coordinators or tokens.coord[lo]):
        for hi in range(min(len(words), lo + 3), lo, -1):
            site = _site_cancer(vocab, tokens, lo, hi, covered)
            if site:
                found.append((lo, hi, site))
                break
        else:
            break
        lo = hi + (1 if hi < len(words) and words[hi] in coordinators else 0)
    return found


def _within_both(vocab: _Vocabulary, site: str, histology: str) -> str | None:
    """The broadest term within both a site's cancer and a histology, else the site's cancer when the histology
    is no site's ("<site> cancer") and is found at several sites (or none) and both are solid (or both
    haematologic), else None."""
    if site == histology or histology in vocab.ancestors[site]:
        return site
    if site in vocab.ancestors[histology]:
        return histology
    inside = {t for t in vocab.descendants[site] if histology in vocab.ancestors[t]}
    broadest = [t for t in inside if vocab.ancestors[t].isdisjoint(inside)]
    if len(broadest) == 1:
        return broadest[0]
    site_term, histology_term = vocab.terms[site], vocab.terms[histology]
    if _names_a_site(site_term) and not _site_only(histology_term) and len(_sites(histology)) != 1 \
            and site_term.cancer == histology_term.cancer:
        return site
    return None  # no site ("Adenosquamous Cell" Lung Cancer) or another branch (a lymphoma "of the CNS")


def _composed(vocab: _Vocabulary, tokens: _Tokens, matches: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A cancer the vocabulary has no name for, matched as its histology alone beside unmatched words that name its
    site ("Ovarian Endometrioid Adenocarcinoma", "Squamous Cell Carcinoma of the Nasopharynx"), would take every
    site's histology: a lung squamous cell carcinoma would meet a nasopharynx trial. The match becomes, for each
    site named, the term within both (`_within_both`); when one site gives none, the match is kept as it was."""
    covered = [False] * len(tokens.words)
    for first, end, _ in matches:
        covered[first:end] = [True] * (end - first)
    out = []
    for first, end, term_id in matches:
        sites = []
        if vocab.terms[term_id].cancer and term_id not in vocab.baskets:
            sites = _sites_named(vocab, tokens, first, end, covered)
        chosen = [(lo, hi, _within_both(vocab, site, term_id)) for lo, hi, site in sites]
        if not chosen or any(term is None for _, _, term in chosen):
            out.append((first, end, term_id))
            continue
        out += [(min(lo, first), max(hi, end), term) for lo, hi, term in chosen if term]
    return out


def _score(matches: list[tuple[int, int, str]], tokens: _Tokens) -> tuple[float, int, int]:
    """Share of the reading's words covered, then fewer terms, then fewer matches."""
    covered = sum(end - start for start, end, _ in matches) / len(tokens.words)
    return covered, -len({term_id for _, _, term_id in matches}), -len(matches)


def _id(value: str | Term | TermMatch) -> str:
    term_id = value if isinstance(value, str) else value.id
    if term_id not in _vocabulary().terms:
        raise KeyError(f"unknown disease term {term_id!r}: use an id from map_condition() or term()")
    return term_id


def term(term_id: str | Term | TermMatch) -> Term:
    """The vocabulary term with this id ("DOID:3908")."""
    return _vocabulary().terms[_id(term_id)]


def sources() -> dict:
    """The vocabulary header: generating script, term count, and each source with its release and licence."""
    return dict(_vocabulary().header)


def ancestors(term_id: str | Term | TermMatch) -> frozenset[str]:
    """Every term above this one (the "solid tumour" basket above every solid cancer); itself excluded."""
    return _vocabulary().ancestors[_id(term_id)]


def descendants(term_id: str | Term | TermMatch) -> frozenset[str]:
    """Every term below this one; itself excluded."""
    return _vocabulary().descendants[_id(term_id)]


def is_within(a: str | Term | TermMatch, b: str | Term | TermMatch) -> bool:
    """True when `a` is `b` or lies below it (NSCLC within lung cancer; colon cancer within solid tumour)."""
    a, b = _id(a), _id(b)
    return a == b or b in _vocabulary().ancestors[a]


def overlaps(a: str | Term | TermMatch, b: str | Term | TermMatch) -> bool:
    """True unless `a` and `b` are disjoint: one within the other, or some term lies below both."""
    a, b = _id(a), _id(b)
    vocab = _vocabulary()
    if a == b or b in vocab.ancestors[a] or a in vocab.ancestors[b]:
        return True
    return not vocab.descendants[a].isdisjoint(vocab.descendants[b])


def is_cancer(term_id: str | Term | TermMatch) -> bool:
    """True for cancer and every term below it."""
    return term(term_id).cancer is not None


def is_solid(term_id: str | Term | TermMatch) -> bool:
    """True for a cancer outside the haematologic branch (thymic tumours included)."""
    return term(term_id).cancer == "solid"


def is_haematologic(term_id: str | Term | TermMatch) -> bool:
    """True for haematologic cancer and every term below it (a lymphoma named by its organ included)."""
    return term(term_id).cancer == "haematologic"


def is_basket(term_id: str | Term | TermMatch) -> bool:
    """True for the generic terms a trial can enrol any disease under (cancer, solid tumour, haematologic cancer,
    carcinoma): a trial is a basket when one of them stands alone among its deciding terms."""
    return _id(term_id) in _vocabulary().baskets


def most_specific(terms: Iterable[str | Term | TermMatch]) -> list:
    """The listed terms minus duplicates and any term another listed term lies below, in input order."""
    items = list(terms)
    ids = [_id(item) for item in items]
    vocab = _vocabulary()
    kept = []
    seen: set[str] = set()
    for item, term_id in zip(items, ids, strict=True):
        if term_id in seen:
            continue
        seen.add(term_id)
        if not any(other != term_id and term_id in vocab.ancestors[other] for other in ids):
            kept.append(item)
    return kept


def judge(patient: str | Term | TermMatch | None, trial_terms: Iterable[str | Term | TermMatch]) -> Relation:
    """The diagnosis verdict for a patient's term against a trial's deciding terms (see `most_specific`).

    met: the patient's term is a trial term or lies below one (a basket such as "solid tumour" included);
    not_met: every trial term is disjoint from the patient's (neither within the other, no common term below them,
    and, for two solid cancers, no OncoTree tissue in common); unknown: the patient's term is broader than or
    overlaps a trial term (patient "lung cancer", trial NSCLC: ask), or either side has no term.
    """
    trial_ids = list(dict.fromkeys(_id(t) for t in trial_terms))
    if patient is None:
        return Relation(UNKNOWN, None, None, "the patient's diagnosis is not mapped to a disease term")
    patient_id = _id(patient)
    vocab = _vocabulary()
    name = vocab.terms[patient_id].name
    if not trial_ids:
        return Relation(UNKNOWN, patient_id, None, "the trial names no disease term")
    for trial_id in trial_ids:
        if is_within(patient_id, trial_id):
            trial_name = vocab.terms[trial_id].name
            how = "" if trial_id == patient_id else f", a kind of {trial_name}"
            return Relation(MET, patient_id, trial_id, f"trial is for {trial_name}; the patient has {name}{how}")
    for trial_id in trial_ids:
        if overlaps(patient_id, trial_id) or _share_site(patient_id, trial_id):
            trial_name = vocab.terms[trial_id].name
            return Relation(
                UNKNOWN,
                patient_id,
                trial_id,
                f"trial is for {trial_name}; the patient's {name} may or may not be {trial_name}",
            )
    names = ", ".join(vocab.terms[t].name for t in trial_ids)
    return Relation(NOT_MET, patient_id, None, f"trial is for {names}; the patient has {name}")


@lru_cache(maxsize=4096)
def _sites(term_id: str) -> frozenset[str]:
    """OncoTree tissues of a term and of every term below it ("Other" left out)."""
    vocab = _vocabulary()
    found = set(vocab.terms[term_id].tissues)
    for below in vocab.descendants[term_id]:
        found.update(vocab.terms[below].tissues)
    found.discard("Other")
    return frozenset(found)


def _site_only(t: Term) -> bool:
    """A term that names a site and no histology: the ontology calls these "<site> cancer" (brain cancer)."""
    return t.name.endswith(" cancer")


def _names_a_site(t: Term) -> bool:
    """A site's cancer: OncoTree files it and every term below it under one tissue ("nasopharynx carcinoma",
    "esophageal cancer"), or none and the ontology names it "<site> cancer" ("lip cancer"); not a histology found at
    several sites (squamous cell carcinoma, embryonal cancer) nor a cancer of a single site by chance."""
    sites = _sites(t.id)
    return len(sites) == 1 or (not sites and _site_only(t))


def _share_site(a: str, b: str) -> bool:
    """Two solid cancers the ontology relates only through baskets (a histology and a site: glioblastoma and
    brain cancer) may still be one disease when they share an OncoTree tissue: not disjoint enough for not_met.
    Two histologies sharing a tissue (colorectal adenocarcinoma, neuroendocrine tumour) stay apart.
    Terms with a specific common ancestor (NSCLC and SCLC under lung carcinoma) were told apart on purpose."""
    vocab = _vocabulary()
    if vocab.terms[a].cancer != "solid" or vocab.terms[b].cancer != "solid":
        return False
    if not (_site_only(vocab.terms[a]) or _site_only(vocab.terms[b])):
        return False  # two histologies (colorectal adenocarcinoma, neuroendocrine tumour) are two diseases
    common = (vocab.ancestors[a] | {a}) & (vocab.ancestors[b] | {b})
    if any(term_id not in vocab.baskets and vocab.terms[term_id].cancer for term_id in common):
        return False
    return not _sites(a).isdisjoint(_sites(b))


def relation(patient: str | Term | TermMatch | None, trial_terms: Iterable[str | Term | TermMatch]) -> str:
    """ "met", "not_met" or "unknown": `judge(patient, trial_terms).verdict`."""
    return judge(patient, trial_terms).verdict


def labels(cancers_only: bool = True) -> list[str]:
    """Every name and synonym of the vocabulary (of its cancers by default), shortest first, for autocomplete."""
    vocab = _vocabulary()
    return list(dict.fromkeys(label for _, label, term_id in vocab.labels
                              if not cancers_only or vocab.terms[term_id].cancer))


def suggest(prefix: str, limit: int = 10) -> list[tuple[str, str]]:
    """(label, term id) pairs whose label starts with `prefix`, then those with a word starting with it."""
    key = " ".join(prefix.casefold().split())
    if not key:
        return []
    vocab = _vocabulary()
    starts: list[tuple[str, str]] = []
    inside: list[tuple[str, str]] = []
    seen: set[str] = set()
    for folded, label, term_id in vocab.labels:
        if term_id in seen:
            continue
        if folded.startswith(key):
            starts.append((label, term_id))
            seen.add(term_id)
        elif f" {key}" in f" {folded}" and len(inside) < limit:
            inside.append((label, term_id))
    picked = starts[:limit]
    chosen = {term_id for _, term_id in picked}
    picked += [(label, term_id) for label, term_id in inside if term_id not in chosen][: limit - len(picked)]
    return picked
