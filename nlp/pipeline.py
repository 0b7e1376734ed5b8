"""Build the eligibility pipeline once: spaCy blank English plus trialmatch's rule components.

    >>> from nlp.pipeline import get_nlp, make_doc_text
    >>> doc = get_nlp()(make_doc_text("Inclusion Criteria:\\n* ECOG \\\\< 2"))
    >>> doc._.facts["performance_status"].ecog_max
    1

Component order: `tm_sections` → `entity_ruler` (an EntityRuler, see `QuickEntityRuler`, over every
`nlp/patterns/*.jsonl`: `{"label", "pattern", "id"}` lines; phrase patterns match the exact text, so each
casing worth matching is its own line; token patterns may say `LOWER`) →
`tm_age`, `tm_performance` → `tm_biomarkers`, `tm_therapies`, `tm_cns`, `tm_disease_scales`, `tm_stages`,
`tm_procedures`, `tm_labs`. Every component's module is imported here, so a missing one fails the import instead
of losing its facts. Each writes `doc._.facts[key]` and records the criteria it read in `doc._.kinds` (criterion
index → kinds). The Doc text must be `make_doc_text(original)`: same length, so every offset is an offset into the
registry's text.
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from re import Pattern
from typing import cast

import numpy
import spacy
from spacy.attrs import ENT_ID, ENT_IOB, ENT_TYPE
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import EntityRuler
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from core.encoding import scrub_text

# Each module registers its component's factory (`@Language.factory("tm_...")`) when imported.
from nlp import (  # noqa: F401
    age,
    biomarkers,
    cns,
    disease_scales,
    labs,
    performance,
    procedures,
    sections,
    stages,
    therapies,
)
from nlp.chunks import tokenize
from nlp.resources import PATTERNS_DIR, pattern_files, read_patterns
from nlp.sections import criteria_offsets
from nlp.text import DOC_TEXT_KEY, doc_text, fold_dashes, mask_escapes

MAX_TEXT_CHARS = 2_000_000
# The tokenizer caches how each whitespace-delimited chunk splits, but spaCy stops adding at 10,000 chunks, and
# the entity patterns take several thousand of those when the pipeline is built. Eligibility texts repeat a vocabulary
# of tens of thousands of chunks, so a larger cache (a few tens of bytes a chunk) saves re-splitting them.
TOKENIZER_CACHE_CHUNKS = 200_000
# A chunk the cache lacks is split by the affix rules, whose regular expressions then search words that other chunks
# also hold ("vaccines" in "vaccines.", "(vaccines" ...): each search's result is kept for this many strings.
AFFIX_MEMO_STRINGS = 50_000
FACT_COMPONENTS = ("tm_age", "tm_performance", "tm_biomarkers", "tm_therapies", "tm_cns", "tm_disease_scales",
                   "tm_stages", "tm_procedures", "tm_labs")
# Comparators glued to words or numbers ("ECOG≤2", "age>=18", "0–2") become tokens of their own, and so do the
# bracket and hyphen or slash after an abbreviation ("(PD-L1)-positive" → "PD-L1", ")", "-", "positive"; "(EML4)/ALK"),
# and a bracket glued to a long name before the abbreviation it opens ("protein-like 4(EML4)" → "4", "(", "EML4";
# not "t(8;21)", "inv(16)" or "patient(s)", whose bracket opens no capitalised abbreviation), and the brackets between a
# translocation and the genes it joins ("t(11;14)(IgH/CCND1)" → "t(11;14", ")", "(", "IgH/CCND1"; not its bands,
# "t(9;22)(q34;q11)").
_PREFIXES = (r">/=", r"</=", r">=", r"<=", r"=<", r"=>", "≥", "≤", "<", ">", "=", "~")
_INFIXES = (
    r"(?<=[A-Za-z)\]])(?=[<>=≤≥])",
    r"(?<=[<>=≤≥])(?=[0-9.])",
    r"(?<=[0-9])[–—](?=[0-9])",
    r"(?<=[A-Za-z]):(?=[0-9])",
    r"(?<=[A-Za-z0-9])\)(?=[-/][A-Za-z])",
    r"(?<=\))[-/](?=[A-Za-z])",
    r"(?<=[A-Za-z0-9])\((?=[A-Z][A-Za-z0-9-]*(?:\)|$))",
    r"(?<=;[0-9])\)(?=\((?:[A-Z]|[a-z]{2}))",
    r"(?<=;[0-9]{2})\)(?=\((?:[A-Z]|[a-z]{2}))",
    r"(?<=;[0-9]\))\((?=[A-Z]|[a-z]{2})",
    r"(?<=;[0-9]{2}\))\((?=[A-Z]|[a-z]{2})",
)

# The labels whose phrases are multi-word names (performance scales, gene and gene family long names, alterations)
# that registry texts hard-wrap ("Eastern Cooperative\n      Oncology Group", "partial\n      tandem duplication"):
# their phrases are also matched across a line break inside one criterion. The phrases of other labels (labs, CNS,
# drug classes ...) are read only as written on one line.
WRAPPED_LABELS = ("SCALE", "GENE", "GENE_FAMILY", "ALTERATION")

_ENT_ATTRS = [ENT_IOB, ENT_TYPE, ENT_ID]
_INSIDE, _OUTSIDE, _BEGIN = (Token.iob_strings().index(tag) for tag in ("I", "O", "B"))

for _name in ("facts", "kinds"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def make_doc_text(text: str | None) -> str:
    """The text a Doc is built from: `text` with markdown escapes masked, dashes inside words written "-"
    (`nlp.text.fold_dashes`) and lone surrogates replaced by U+FFFD (`core.encoding`), offsets unchanged.

    Beyond MAX_TEXT_CHARS (no real criteria text comes near) only the beginning is read, which bounds time.
    """
    return fold_dashes(mask_escapes(scrub_text(text[:MAX_TEXT_CHARS])[0] if isinstance(text, str) else ""))


class _TextKeepingTokenizer:
    """The tokenizer, also keeping the Doc's text in `doc.user_data` so components need not rebuild it."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = tokenize(self.tokenizer, text)  # in linear time: over-long chunks are not given to the affix rules
        doc.user_data[DOC_TEXT_KEY] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)


def _memo(search: Callable, pattern: Pattern) -> Callable:
    """`search` (a pure function of its string) with its results kept for AFFIX_MEMO_STRINGS strings, still naming
    its `pattern` as spaCy reads it when a tokenizer is serialised (`function.__self__.pattern`)."""
    kept = lru_cache(maxsize=AFFIX_MEMO_STRINGS)(search)
    kept.__self__ = pattern  # type: ignore[attr-defined]
    return kept


def _customise_tokenizer(nlp: Language) -> None:
    tokenizer: Tokenizer = nlp.tokenizer  # spacy.blank's own Tokenizer, not yet wrapped
    tokenizer.max_cache_size = TOKENIZER_CACHE_CHUNKS
    prefixes = compile_prefix_regex(_PREFIXES + tuple(nlp.Defaults.prefixes or ()))
    suffixes = compile_suffix_regex(tuple(nlp.Defaults.suffixes or ()))
    infixes = compile_infix_regex(tuple(nlp.Defaults.infixes or ()) + _INFIXES)
    tokenizer.prefix_search = _memo(prefixes.search, prefixes)
    tokenizer.suffix_search = _memo(suffixes.search, suffixes)
    # spaCy lists the infix matches of a string, so a tuple of them serves it as the iterator would
    tokenizer.infix_finditer = _memo(lambda text: tuple(infixes.finditer(text)), infixes)
    nlp.tokenizer = _TextKeepingTokenizer(tokenizer)


# A line break and the word starting the next line ("\n      Oncology"), then the word ending the line before it.
_BREAK_THEN_WORD = re.compile(r"\n[ \t]*([^\W_]+)")
_WORD_BEFORE_BREAK = re.compile(r"([^\W_]+)[ \t]*\r?$")
_WORD_REACH = 60  # characters looked back from a line break for the word ending the line


def _line_break(token: Token) -> bool:
    """A whitespace token holding exactly one line break: a hard-wrapped line's, not a blank line."""
    return token.is_space and token.text.count("\n") == 1


class _WrapIndex:
    """The multi-word phrases of WRAPPED_LABELS in a matcher of their own, with the pairs of tokens that follow each
    other in them (a line break between two such words may break a phrase) and how many tokens a phrase spans at
    most, counting a break between each two of its words."""

    def __init__(self, ruler: EntityRuler) -> None:
        self.matcher = PhraseMatcher(ruler.nlp.vocab)
        self.pairs: set[tuple[str, str]] = set()
        longest = 0
        for key, phrases in ruler.phrase_patterns.items():
            if key.split(ruler.ent_id_sep)[0] not in WRAPPED_LABELS:
                continue
            multi = [p for p in phrases if len(p) > 1]
            self.matcher.add(key, multi)
            for phrase in multi:
                self.pairs.update((a.text, b.text) for a, b in zip(phrase[:-1], phrase[1:], strict=True))
                longest = max(longest, len(phrase))
        self.rights = {b for _, b in self.pairs}
        self.reach = 2 * longest


class QuickEntityRuler(EntityRuler):
    """spaCy's EntityRuler, same matches and entities, without its per-Doc overheads.

    The stock component counts every pattern on each Doc (to warn when it has none), runs its token
    Matcher even when empty, and filters overlaps in quadratic time; here the patterns are checked once
    when the pipeline is built, and on a Doc without entities overlaps are resolved in one pass and the
    entities written straight into the tokens' ENT_IOB / ENT_TYPE / ENT_ID arrays (no Span per entity).
    """

    _wraps: _WrapIndex | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # match id → the hashes of its label and entity id: a match id is the hash of "label||id", so this never
        # goes stale
        self._hash_memo: dict[int, tuple[int, int]] = {}

    def add_patterns(self, patterns: list) -> None:
        super().add_patterns(patterns)
        self._wraps = None  # rebuilt with the new patterns when next needed

    def match(self, doc: Doc) -> list[tuple[int, int, int]]:
        matches = list(self.phrase_matcher(doc))
        if len(self.matcher):
            matches += list(self.matcher(doc))
        matches += self._wrapped(doc)
        found = {(m_id, start, end) for m_id, start, end in matches if start != end}
        return sorted(found, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)

    def _wrapped(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The phrases of WRAPPED_LABELS that a hard-wrapped line breaks inside one criterion.

        The break is a whitespace token of its own ("Cooperative", "\\n      ", "Oncology"). Only a line break
        between two words that follow each other in some phrase is looked at: around it, the phrases are matched on
        the words alone, and kept when every break they cross is one line break (never a blank line) and they lie
        within one criterion.
        """
        if self._wraps is None:
            self._wraps = _WrapIndex(self)
        wraps = self._wraps
        text = doc_text(doc)
        breaks = []
        for m in _BREAK_THEN_WORD.finditer(text):
            if m.group(1) in wraps.rights:
                left = _WORD_BEFORE_BREAK.search(text, max(0, m.start() - _WORD_REACH), m.start())
                if left and (left.group(1), m.group(1)) in wraps.pairs:
                    breaks.append(m.start())
        if not breaks:
            return []
        criteria = criteria_offsets(doc)
        starts = [c.start_char for c in criteria]
        found = []
        for at in breaks:
            k = bisect_right(starts, at) - 1
            if k < 0 or at >= criteria[k].end_char:
                continue
            c = criteria[k]
            i = next(j for j in range(c.start, c.end) if doc[j].idx + len(doc[j]) > at)  # the break's token
            lo, hi = max(c.start, i - wraps.reach), min(c.end, i + wraps.reach + 1)
            words = [j for j in range(lo, hi) if not doc[j].is_space]
            bare = Doc(doc.vocab, words=[doc[j].text for j in words])
            for m_id, start, end in wraps.matcher(bare):
                first, last = words[start], words[end - 1]
                if first < i < last and all(_line_break(doc[j]) for j in range(first, last) if doc[j].is_space):
                    found.append((m_id, first, last + 1))
        return found

    def set_annotations(self, doc: Doc, matches: list[tuple[int, int, int]]) -> None:
        if doc.has_annotation("ENT_IOB"):
            super().set_annotations(doc, matches)
            return
        taken = bytearray(len(doc))  # 1 where an entity already lies
        starts, widths, labels, ids = [], [], [], []
        for match_id, start, end in matches:  # longest first: an overlap always covers a start or an end
            if taken[start] or taken[end - 1]:
                continue
            width = end - start
            taken[start:end] = b"\x01" * width
            label, ent_id = self._hashes(match_id)
            starts.append(start)
            widths.append(width)
            labels.append(label)
            ids.append(ent_id)
        columns = numpy.zeros((len(doc), 3), dtype=numpy.uint64)
        columns[:, 0] = _OUTSIDE
        if starts:
            first, span = numpy.array(starts, dtype=numpy.intp), numpy.array(widths, dtype=numpy.intp)
            # every token of every entity: each entity's start, plus 0, 1, ... up to its width
            offsets = numpy.arange(int(span.sum())) - numpy.repeat(numpy.cumsum(span) - span, span)
            tokens = numpy.repeat(first, span) + offsets
            columns[tokens, 0] = _INSIDE
            columns[first, 0] = _BEGIN
            columns[tokens, 1] = numpy.repeat(numpy.array(labels, dtype=numpy.uint64), span)
            columns[tokens, 2] = numpy.repeat(numpy.array(ids, dtype=numpy.uint64), span)
        doc.from_array(_ENT_ATTRS, columns)  # type: ignore[arg-type]  # spaCy's stub says int32/int64; hashes are uint64

    def _hashes(self, match_id: int) -> tuple[int, int]:
        """The string-store hashes of a match's label and entity id (the label is the match id itself when unnamed)."""
        found = self._hash_memo.get(match_id)
        if found is None:
            label, ent_id = self._ent_ids[match_id] if match_id in self._ent_ids else (match_id, "")
            strings = self.nlp.vocab.strings
            found = self._hash_memo[match_id] = (
                strings.add(label) if isinstance(label, str) else label, strings.add(ent_id)
            )
        return found


@Language.factory(
    "tm_entity_ruler",
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    default_config={"phrase_matcher_attr": None, "overwrite_ents": False},
)
def make_entity_ruler(nlp: Language, name: str, phrase_matcher_attr: str | None, overwrite_ents: bool):
    return QuickEntityRuler(nlp, name, phrase_matcher_attr=phrase_matcher_attr, overwrite_ents=overwrite_ents)


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline (built on first use, then cached for the process)."""
    nlp = spacy.blank("en")
    nlp.max_length = MAX_TEXT_CHARS
    _customise_tokenizer(nlp)
    ruler = cast(
        QuickEntityRuler, nlp.add_pipe("tm_entity_ruler", name="entity_ruler", config={"overwrite_ents": False})
    )
    ruler.add_patterns([p for path in pattern_files() for p in read_patterns(path.name)])
    if not len(ruler):
        warnings.warn(f"no entity patterns in {PATTERNS_DIR}: no genes, scales or drugs will be found", stacklevel=2)
    nlp.add_pipe("tm_sections", first=True)
    for component in FACT_COMPONENTS:
        nlp.add_pipe(component)
    return nlp
