"""The evidence around a gene group: alterations, variants, statuses and methods in the words beside it.

    >>> from nlp.pipeline import get_nlp
    >>> from nlp.polarity import cue_finder, doc_context
    >>> from nlp.biomarkers.mentions import criterion_mentions, gene_groups
    >>> from nlp.biomarkers.relations import Evidence, Scanner
    >>> nlp = get_nlp()
    >>> doc = nlp("Inclusion Criteria:\\n* HER2-positive (IHC 3+) or ERBB2 amplification")
    >>> context = doc_context(doc, cue_finder(nlp))
    >>> ents = context.ents({"GENE", "ALTERATION"})[0]
    >>> labels = {t: e for e in ents for t in range(e.start, e.end)}
    >>> scanner = Scanner(doc, context.criteria[0], context.cues(0), labels)
    >>> first = gene_groups(doc, criterion_mentions(doc, ents))[0]
    >>> evidence = Evidence()
    >>> scanner.right(first, evidence)
    >>> evidence.positive, evidence.alterations
    (True, ['expression'])

`Scanner.right` reads up to `MAX_RIGHT` tokens after a group, within its clause; `Scanner.left` up to `MAX_LEFT`
before it. Words that say nothing of the gene (`nlp.biomarkers.words`) are stepped over; another gene, or any
other word, ends the reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from nlp.biomarkers.mentions import Group, unnamed_symbol
from nlp.biomarkers.words import (
    ATTRIBUTIVE_STATUSES,
    COMPARATOR_WORDS,
    CONJUNCTIONS,
    COPULAS,
    EXPRESSION_LEVELS,
    FILLERS,
    LEFT_FILLERS,
    METHOD_PREPOSITIONS,
    STATUS_KINDS,
    STATUS_WORDS,
    THRESHOLD_CHANGES,
    THRESHOLD_GENES,
    THRESHOLD_UNITS,
    VARIANT_WORDS,
)
from nlp.polarity import Cue, Cues, glued_bracket_word
from nlp.vocab import Variant, vocabulary

MAX_RIGHT = 12  # tokens after a gene group read for its evidence
MAX_LEFT = 6  # tokens before a gene group read for its evidence
METHOD_REACH = 5  # tokens either side of a method word ("IHC") where a result makes the method one the criterion reads
ASSESSED_REACH = 10  # tokens from a positive result to the method a "by" or "using" names ("positive as assessed by")
MAX_ASIDE = 12  # tokens past the reading's limit a parenthetical gloss may run to its closing bracket
HEADER_NOUN_WORDS = 2  # words naming the listed things between "of the following" and its colon ("tumour antigens:")
_JOINED_METHOD = 7  # words between two method words joined by "or"
SCORE_REACH = 4  # tokens after a method word within which its threshold or score must come ("TPS ≥ 50%")
NEXT_GENE_REACH = 4  # tokens after a status word within which a gene makes the status that gene's
METHODS = (("method_expression", "expression"), ("method_ish", "ish"), ("method_copies", "amplification"))
_METHOD_KINDS = tuple(kind for kind, _ in METHODS)
# levels of an `expression_level` scale glued to its name: "TC2/3", "IC1/2/3", "TC1" (of "TC1-3"); the lowest first
_LEVELS = re.compile(r"(" + "|".join(map(re.escape, sorted(EXPRESSION_LEVELS))) + r")([0-9])(?:/[0-9])*", re.I)
_NUMBER = re.compile(r"^[<>≤≥=]*\d+(?:[.,]\d+)?%?$|^[<>≤≥=]+$|^%$")
_PROTEIN_CHANGE = re.compile(r"^(?:p\.)?[ACDEFGHIKLMNPQRSTVWY]\d{2,4}(?:[ACDEFGHIKLMNPQRSTVWYX*]|fs|del|dup|ins)$")
_GENE_LIKE = re.compile(r"^[A-Z][A-Za-z0-9-]{1,7}$")
_EXON_NUMBER = re.compile(r"^ex(?:on)?\d{1,2}$", re.IGNORECASE)  # an exon and its number glued: "NPM1 exon12 mutation"
_SCORE = re.compile(r"^(?:[<>≤≥]=?|=)?\d+(?:\.\d+)?%?\+?$")
_UPPER_BOUNDS = {"<", "≤", "<=", "=<"}
# what a bracket of staining scores alone holds: "(1-3+)", "(2+ or 3+)", "(3+)"
_STAINING_SCORE_WORDS = frozenset({"+", "-", "–", ",", "or", "to", "and"})
_LOWER_BOUND_IDS = {">=", ">"}  # COMPARATOR ids a share above which reads positive; "<=" and "<" read negative
_OFFERING = {"or", "and/or", "/"}  # between two named variants: one of them is asked (a comma too, without "and":
# "(including G719X, exon 19 deletion, L858R, L861Q)" lists the variants that qualify)
_LEFT_SKIPPED = LEFT_FILLERS | (FILLERS - {",", ")"})
_MARKERS = ("GENE", "GENE_FAMILY", "VARIANT")
_ASSESSED_BREAKS = frozenset({",", ";", ":", "(", ")", "."})


@dataclass
class Evidence:
    alterations: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    positive: bool = False
    negative: bool = False
    wild_type: bool = False
    start: int = 0
    end: int = 0
    alternatives: bool = False
    cue_negated: bool | None = None
    either: bool = False  # "positive or negative": either status may enrol
    conditional: bool = False  # a condition governs the group: "if ALK positive, ..."
    methods: set[str] = field(default_factory=set)  # the method its own status names: "positive IHC for cyclin D1"
    unnamed: int = 0  # symbols no vocabulary names listed after the group: "KRAS, BRAF and PI3K wild type"
    offered_after: bool = False  # the evidence after the group starts past an "or": "amplification of HER2 or IHC 3+"
    bare_negative: bool = False  # a negative status that names no alteration: "HER2 negative", not "not amplified"

    @property
    def found(self) -> bool:
        return bool(self.alterations or self.variants or self.positive or self.negative or self.wild_type)

    @property
    def stated(self) -> bool:
        """A status is said: positive, negative or wild-type."""
        return self.positive or self.negative or self.wild_type


def glued(text: str, ev: Evidence) -> bool:
    """Words the tokenizer left glued to a bracket: "HER2)-positive", "Mutant(MT"; records what they say."""
    if not any(c in text for c in "()[]"):
        return False
    found = False
    for part in re.split(r"[()\[\]]", text.lower()):
        part = part.strip("-")
        if part in vocabulary().alterations:
            ev.alterations.append(vocabulary().alterations[part])
            found = True
        elif STATUS_WORDS.get(part) == "positive":
            ev.positive = found = True
        elif STATUS_WORDS.get(part) == "negative":
            ev.negative = ev.bare_negative = found = True
        elif STATUS_WORDS.get(part) == "wild_type":
            ev.wild_type = found = True
    return found


def is_status(doc: Doc, cue: Cue) -> bool:
    """A "+" after a number is an IHC score ("1+", "2+"), and only "3+" reads as positive; "high-risk" is
    not a status, nor an `attributive_status` word before a noun it qualifies ("normal karyotype": a word, no
    entity, no stop word)."""
    word = doc[cue.start]
    if word.lower_ == "high" and cue.end < len(doc) and doc[cue.end].text == "-":
        return False
    if word.lower_ in ATTRIBUTIVE_STATUSES and cue.end < len(doc):
        after = doc[cue.end]
        if after.is_alpha and not after.is_stop and not after.ent_type_:
            return False
    if word.text != "+" or cue.start == 0 or not doc[cue.start - 1].like_num:
        return True
    return doc[cue.start - 1].text == "3"


def active_methods(doc: Doc, cues: Cues, labels: dict[int, Span]) -> set[str]:
    """Methods the criterion reads a result from ("3+ by IHC", "FISH positive", "FISH negative", "ISH+", "FISH ... gene
    amplification"), not ones it merely lists ("molecular assays such as IHC or NGS")."""
    active = set()
    insufficient = {cues.clause(c.start) for c in cues.items if c.kind == "insufficient"}
    for cue in cues.items:
        if not cue.kind.startswith("method_") or cue.kind in active or cues.clause(cue.start) in insufficient:
            continue  # "overexpression by IHC will not be sufficient": a method whose result does not qualify
        if doc[cue.end - 1].text.endswith("+") or _assessed_by(doc, cues, cue):  # "FISH+", "positive by the IHC test"
            active.add(cue.kind)
            continue
        lo, hi = max(cues.span.start, cue.start - METHOD_REACH), min(cues.span.end, cue.end + METHOD_REACH)
        for i in range(lo, hi):
            ent = labels.get(i)
            if (
                cues.at(i, "positive")
                or cues.at(i, "negative")
                or _SCORE.match(doc[i].text)
                or (ent is not None and ent.label_ == "ALTERATION" and ent.id_ in ("amplification", "expression"))
            ):
                active.add(cue.kind)
                break
    for cue in cues.items:  # "3+ by IHC or FISH": a method offered beside one the criterion reads is read too
        if cue.kind.startswith("method_") and cue.kind not in active:
            joined = [c for c in cues.items if c.kind in active and c.start != cue.start and _gap(doc, c, cue)]
            if any("or" in (t.lower_ for t in doc[min(c.end, cue.end) : max(c.start, cue.start)]) for c in joined):
                active.add(cue.kind)
    return active


def _assessed_by(doc: Doc, cues: Cues, cue: Cue) -> bool:
    """A positive or negative result that a "by" or "using" phrase says the method gave, a few words before it
    ("positive as assessed by the CFDA approved immunohistochemistry (IHC) test", "ALK positivity must have been
    determined by a validated fluorescence in situ hybridization", "HER2/neu-negative tumor by IHC"); no punctuation
    or conjunction between them."""
    for end in range(cue.start, max(cues.span.start, cue.start - ASSESSED_REACH), -1):
        if cues.ending_at(end, "positive") is not None or cues.ending_at(end, "negative") is not None:
            between = {t.lower_ for t in doc[end : cue.start]}
            return bool(between & METHOD_PREPOSITIONS) and not between & (_ASSESSED_BREAKS | CONJUNCTIONS)
    return False


def clause_methods(cues: Cues, labels: dict[int, Span], group: Group, methods: set[str]) -> set[str]:
    """The criterion's methods a group reads: not one said only in clauses that name other markers and not every
    gene of the group ("Expression of NY-ESO-1, HER2 or MAGE-A3 by RT-PCR. For HER2, positive FISH results are
    acceptable": FISH is the second HER2's, not the list's; "HER2+ cancer. HER2+ defined as IHC 3+ or FISH ..."
    stays the first HER2's)."""
    genes = {gene for m in group.mentions for gene in m.genes}
    kept = set()
    for kind in methods:
        for cue in (c for c in cues.items if c.kind == kind):
            start, end = cues.clause(cue.start)
            named = [labels[i] for i in range(start, end) if i in labels and labels[i].label_ in _MARKERS]
            inside = _bracket_around(cues, cue.start)
            if inside is not None and group.end <= inside[0]:  # "EGFR and/or HER2 (HER2 3+ by IHC or HER2 FISH
                # positive)": a bracket that names markers is theirs, FISH is HER2's alone
                named = [labels[i] for i in range(*inside) if i in labels and labels[i].label_ in _MARKERS] or named
            if not named or genes <= {gene for ent in named for gene in _genes_of(ent)}:
                kept.add(kind)
                break
    return kept


def _bracket_around(cues: Cues, i: int) -> tuple[int, int] | None:
    """The tokens inside the innermost bracket of the criterion that holds token `i`, or None."""
    doc, span = cues.span.doc, cues.span
    depth, opening = 0, None
    for j in range(i - 1, span.start - 1, -1):
        text = doc[j].text
        if text in (")", "]"):
            depth += 1
        elif text in ("(", "["):
            if depth == 0:
                opening = j
                break
            depth -= 1
    if opening is None:
        return None
    depth = 0
    for j in range(i, span.end):
        text = doc[j].text
        if text in ("(", "["):
            depth += 1
        elif text in (")", "]"):
            if depth == 0:
                return opening + 1, j
            depth -= 1
    return opening + 1, span.end


def _genes_of(ent: Span) -> tuple[str, ...]:
    """The genes a marker entity names: a gene's own, a family's members, a variant's genes."""
    vocab = vocabulary()
    if ent.label_ == "GENE_FAMILY":
        return vocab.families.get(ent.id_, ())
    if ent.label_ == "VARIANT":
        variant = vocab.variants.get(ent.id_)
        return variant.genes if variant is not None else ()
    return (ent.id_,)


def _gap(doc: Doc, one: Cue, other: Cue) -> bool:
    """Two method cues are close: few words between them, a hard-wrapped line's break not counted ("(IHC) or
    fluorescence in situ / hybridization (FISH)", where the broken name is no cue), nor what brackets gloss ("FISH
    test (recommended probe, a break-apart probe set) or a validated IHC test")."""
    words, _ = words_outside_brackets(doc, min(one.end, other.end), max(one.start, other.start))
    return words <= _JOINED_METHOD


def words_outside_brackets(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The tokens in [start, end) that are neither space nor inside brackets opened there, and how many brackets
    are still open at `end`. A word that opens a bracket inside it (`glued_bracket_word`) counts its brackets too: a
    karyotype is one token "t(15;17" before its own ")", which must not close the bracket it is listed in ("(e.g.,
    t(15;17), inv(16), or t(8;21))")."""
    depth, words = 0, 0
    for t in doc[start:end]:
        if t.text in ("(", "["):
            depth += 1
        elif t.text in (")", "]"):
            depth = max(0, depth - 1)
        else:
            if depth == 0 and not t.is_space:
                words += 1
            if glued_bracket_word(t.text):
                depth = max(0, depth + _opens_within(t))
    return words, depth


def _opens_within(span: Span | Token) -> int:
    """Brackets the tokens of `span` (or the one token) open less those they close."""
    tokens = [span] if isinstance(span, Token) else span
    return sum(t.text.count("(") + t.text.count("[") - t.text.count(")") - t.text.count("]") for t in tokens)


def fits(variant: Variant, group: Group) -> bool:
    """A variant next to a gene belongs to it unless it names other genes ("BCR-ABL" before "ABL1" does not)."""
    genes = {gene for m in group.mentions for gene in m.genes}
    return not variant.genes or bool(genes & set(variant.genes))


def signed_positive(text: str) -> bool:
    """A variant's form carries its positive sign: "T790M+", "T790M-positive", "Ph+"."""
    return text.endswith("+") or text.lower().endswith("-positive")


def _variant(ent: Span, group: Group, ev: Evidence) -> bool:
    """Records a VARIANT entity next to the group, with the positive sign its form carries; False when it is
    unknown or names other genes."""
    variant = vocabulary().variants.get(ent.id_)
    if variant is None or not fits(variant, group):
        return False
    ev.variants.append(variant.name)
    ev.alterations.append(variant.alteration)
    ev.positive |= signed_positive(ent.text)
    return True


class Scanner:
    """Reads the words around a gene group in one criterion."""

    def __init__(self, doc: Doc, span: Span, cues: Cues, labels: dict[int, Span]) -> None:
        self.doc, self.span, self.cues, self.labels = doc, span, cues, labels
        self.comparators = {e.start: e for e in span.ents if e.label_ == "COMPARATOR"}

    def right(self, group: Group, ev: Evidence) -> None:
        """Records the evidence after the group and where it ends (`ev.end`)."""
        ev.start = ev.end = group.end
        limit = min(self.span.end, group.end + MAX_RIGHT, self.cues.clause(group.start)[1])
        i, pending_conj = self._gloss_rest(group), False
        while i < limit:
            found = ev.found
            step = self._step_right(i, limit, group, ev, pending_conj)
            if not found and ev.found:
                ev.offered_after = any(t.lower_ in ("or", "and/or") for t in self.doc[group.end : i])
            if step is None:
                break
            i, pending_conj = step

    def _step_right(
        self, i: int, limit: int, group: Group, ev: Evidence, pending_conj: bool
    ) -> tuple[int, bool] | None:
        """One step of `right` from token `i`: the next token and whether an "and"/"or" waits; None to stop."""
        ent = self.labels.get(i)
        if ent is not None and ent.label_ in ("GENE", "GENE_FAMILY", "ALTERATION", "VARIANT"):
            return self._entity_right(ent, group, ev, pending_conj)
        token = self.doc[i]
        if glued(token.text, ev):
            ev.end = i + 1
            return i + 1, False
        threshold = self._threshold(i, group, ev)
        if threshold is not None:
            ev.end = threshold
            return threshold, False
        if token.text in ("(", "[") and (close := self._aside(i, limit)) is not None:
            return close, pending_conj
        if token.text in ("(", "[") and (close := self._named_fusion(i, group)) is not None:
            ev.end = close
            return close, pending_conj
        if token.text in ("(", "[") and not ev.negative and (close := self._staining_scores(i)) is not None:
            ev.alterations.append("expression")
            ev.end = close
            return close, pending_conj
        if pending_conj and self._status_of_next_gene(i):
            return None
        end = self._status(i, ev)
        if end is not None:
            ev.end = end
            return end, False
        if (level := _LEVELS.fullmatch(token.text)) is not None and level.group(2) != "0":
            ev.alterations.append("expression")
            ev.end = i + 1
            return i + 1, pending_conj
        method = self.cues.at(i, *_METHOD_KINDS)
        if method is not None:
            if method.kind != "method_ish" and self._scored(method.end, limit) and not self._divides(group, method):
                ev.alterations.append(dict(METHODS)[method.kind])
                ev.end = method.end
            return method.end, pending_conj
        if (change := self._protein_change(i)) is not None:
            ev.variants.append(change[1].removeprefix("p."))
            ev.alterations.append("mutation")
            ev.end = change[0]
            return change[0], False
        return self._skip_right(i, group, ev, pending_conj)

    def _protein_change(self, i: int) -> tuple[int, str] | None:
        """A protein change at token `i` ("M918T", "p.R132C"), also when the tokenizer split its last letter off
        ("M918", "T"): where it ends and its text."""
        token = self.doc[i]
        if _PROTEIN_CHANGE.match(token.text):
            return i + 1, token.text
        if i + 1 < self.span.end and not token.whitespace_ and _PROTEIN_CHANGE.match(token.text + self.doc[i + 1].text):
            return i + 2, token.text + self.doc[i + 1].text
        return None

    def _entity_right(self, ent: Span, group: Group, ev: Evidence, pending_conj: bool) -> tuple[int, bool] | None:
        """An entity after the group: its alteration or variant is evidence; another gene ends the reading."""
        if ent.label_ == "ALTERATION":
            following = self.doc[ent.end].lower_ if ent.end < len(self.doc) else ""
            if pending_conj and following in ("of", "in"):  # "KRAS mutation or amplification of MET"
                return None
            if pending_conj and self._names_next_gene(ent.end):  # "inv(16) and the fusion transcripts CBFB-MYH11"
                return None
            # "PML/RARA and variants": the fusion's variant forms, not a mutation
            variant_forms = ent.text.lower() in VARIANT_WORDS and "fusion" in ev.alterations
            ev.alterations.append("fusion" if variant_forms else ent.id_)
            ev.alternatives |= pending_conj
        else:
            if ent.label_ != "VARIANT":
                return None
            between = self.doc[ev.end : ent.start]
            offered = bool(ev.variants) and (any(t.lower_ in _OFFERING for t in between) or (
                any(t.text == "," for t in between) and not any(t.lower_ == "and" for t in between)))
            if not _variant(ent, group, ev):
                return None
            ev.alternatives |= offered  # "EGFR exon 19 deletion or L858R": one of the named variants
        ev.end = ent.end
        return ent.end, False

    def _names_next_gene(self, i: int) -> bool:
        """Past fillers from token `i`, a gene or variant starts: an alteration after "and"/"or" that stands before
        its own gene ("... and the respective fusion transcripts PML-RARA") is that gene's, not the one before."""
        while i < self.span.end and (self.doc[i].is_space or self.doc[i].lower_ in FILLERS - {",", "/", "(", ")"}):
            i += 1
        ent = self.labels.get(i)
        return ent is not None and ent.label_ in ("GENE", "GENE_FAMILY", "VARIANT")

    def _skip_right(self, i: int, group: Group, ev: Evidence, pending_conj: bool) -> tuple[int, bool] | None:
        """Steps over a conjunction, filler, number, exon number ("exon12") or space (and, after "and"/"or", a
        gene-like word, counted in `ev.unnamed` when shaped like a symbol); before any evidence, over the verb that
        says it ("CD30 has to be positive")."""
        token = self.doc[i]
        if token.lower_ in CONJUNCTIONS and token.lower_ not in (",", "/"):
            return i + 1, True
        if token.lower_ in FILLERS or _NUMBER.match(token.text) or _EXON_NUMBER.match(token.text) or token.is_space:
            return i + 1, pending_conj
        if token.text == "+" and i > 0 and self.doc[i - 1].like_num:
            return i + 1, pending_conj  # an IHC score below 3+ ("HER2 1+ (negative)"): the result may follow
        if token.lower_ in COPULAS and ev.end == group.end and not pending_conj:
            return i + 1, pending_conj
        if token.lower_ in METHOD_PREPOSITIONS and ev.end == group.end and self.cues.at(i + 1, *_METHOD_KINDS):
            return i + 1, pending_conj  # "HER2 2+ by IHC, FISH not amplified": the test of a score read on
        if token.text == ":" and i == group.end and self._labels_line(group):
            return i + 1, pending_conj  # "Estrogen receptor: Positive", "HER2: 2+ by IHC": the marker labels its result
        if pending_conj and (after := unnamed_symbol(self.doc, i, self.span.end)) > i:
            ev.unnamed += 1  # "KRAS, BRAF and PI3K wild type", the last name split by the tokenizer
            return after, pending_conj
        if pending_conj and _GENE_LIKE.match(token.text):
            return i + 1, pending_conj
        return None

    def _labels_line(self, group: Group) -> bool:
        """The group opens its clause, only a bullet or spaces before it: it labels a report's line ("ER: Positive")."""
        start = self.cues.clause(group.start)[0]
        return all(t.is_space or (t.is_punct and t.text not in (":", ",")) for t in self.doc[start : group.start])

    def _status(self, i: int, ev: Evidence) -> int | None:
        cue = self.cues.at(i, *STATUS_KINDS)
        if cue is None or not is_status(self.doc, cue):
            return None
        if cue.kind == "positive":
            ev.positive = True
        elif cue.kind == "negative":
            ev.negative = True
            word = self.doc[cue.end - 1].lower_
            negated = vocabulary().alterations.get(re.sub(r"^(?:non|un)-?", "", word))
            if negated is not None:  # "MYCN nonamplified", "not amplified", "unmutated": no such alteration
                ev.alterations.append(negated)
            else:
                ev.bare_negative = True
        else:
            ev.wild_type = True
        return cue.end

    def _threshold(self, i: int, group: Group, ev: Evidence) -> int | None:
        """A share of stained cells or a receptor content right after a hormone receptor ("ER ≥ 10%", "PgR at least
        10 fmol/mg", "(< 1%)"): a lower bound is its positive status, an upper bound its negative one. Returns where
        the threshold ends; None when token `i` opens none, the marker is no `threshold_gene` ("Ki67 > 30%") or the
        threshold measures a change ("PR (≥ 50% reduction)", a partial response)."""
        if any(gene not in THRESHOLD_GENES for m in group.mentions for gene in m.genes):
            return None
        bracketed = self.doc[i].text in ("(", "[")
        comparator = self.comparators.get(i + 1 if bracketed else i)
        if comparator is None or comparator.id_ not in _LOWER_BOUND_IDS | _UPPER_BOUNDS:
            return None
        number, end = comparator.end, comparator.end + 2
        if end > self.span.end or not self.doc[number].like_num or self.doc[number + 1].lower_ not in THRESHOLD_UNITS:
            return None
        after = next((t for t in self.doc[end : self.span.end] if not t.is_space), None)
        if after is not None and after.lower_ in THRESHOLD_CHANGES:
            return None
        if comparator.id_ in _LOWER_BOUND_IDS:
            ev.positive = True
        else:
            ev.negative = ev.bare_negative = True
        return end + 1 if bracketed and end < self.span.end and self.doc[end].text in (")", "]") else end

    def _status_of_next_gene(self, i: int) -> bool:
        """After "and"/"or", a status word right before another gene is that gene's ("ER positive and
        negative HER2")."""
        cue = self.cues.at(i, *STATUS_KINDS)
        if cue is None:
            return False
        words = [j for j in range(cue.end, min(self.span.end, cue.end + NEXT_GENE_REACH)) if not self.doc[j].is_space]
        return any((ent := self.labels.get(j)) is not None and ent.label_ in ("GENE", "GENE_FAMILY") for j in words[:2])

    def _status_of_previous_gene(self, i: int) -> bool:
        """A status word right after another gene, or after its closing bracket, is that gene's ("hormone
        receptor-positive HER2-negative", "human epidermal growth factor receptor 2 (HER2) negative")."""
        j = i - 1
        while j >= self.span.start and (self.doc[j].is_space or self.doc[j].text in ("-", ")", "]")):
            j -= 1
        ent = self.labels.get(j)
        return j >= self.span.start and ent is not None and ent.label_ in ("GENE", "GENE_FAMILY")

    def _divides(self, group: Group, method: Cue) -> bool:
        """The group is what a ratio divides by ("CA 125/carcinoembryonic antigen ratio greater than 25"), not the
        gene whose copies it counts ("HER2/CEP17 ratio ≥ 2")."""
        return (
            self.doc[method.start].lower_ == "ratio"
            and group.start > self.span.start
            and self.doc[group.start - 1].text == "/"
        )

    def _joins_alterations(self, i: int, floor: int) -> bool:
        """Token `i` is a conjunction between two alteration words before a group: "mutation or fusion"; not when
        the first is another marker's ("CCND1 amplification and/or loss of p16": p16 is lost, not amplified)."""
        if self.doc[i].lower_ not in CONJUNCTIONS - {","} or i - 1 < floor:
            return False
        before, after = self.labels.get(i - 1), self.labels.get(i + 1)
        if not all(ent is not None and ent.label_ == "ALTERATION" for ent in (before, after)):
            return False
        owner = self.labels.get(before.start - 1) if before is not None else None
        return owner is None or owner.label_ not in _MARKERS

    def _scored(self, i: int, limit: int) -> bool:
        """A threshold or a positive score follows a method word: "TPS ≥ 50%", "IHC 3+", "copy number > 6"
        (not the negative scores "IHC 0, 1+")."""
        compared = False
        for j in range(i, min(limit, i + SCORE_REACH)):
            if self.doc[j].is_space:  # an entity masked to its character and spaces: "&gt; 6"
                continue
            text = self.doc[j].text
            if _SCORE.match(text) and any(c.isdigit() for c in text):
                following = self.doc[j + 1].text if j + 1 < len(self.doc) else ""
                return compared or text == "3+" or (text == "3" and following == "+")
            if text not in COMPARATOR_WORDS or text in _UPPER_BOUNDS:  # "TPS < 50%" bounds from above
                return False
            compared = True
        return False

    def _alternatives_header(self, colon: int, floor: int, ev: Evidence) -> int | None:
        """Where a list's header starts when token `colon` ends it: an alternatives header, at most
        `HEADER_NOUN_WORDS` words naming what it lists, and the colon ("one or more of the following antigens:", "any
        of the following mutations:"); the listed markers are alternatives, and an alteration the noun names is
        theirs. None when `colon` ends no such header."""
        if self.doc[colon].text != ":":
            return None
        j = colon - 1
        alterations: list[str] = []
        while j >= floor - HEADER_NOUN_WORDS and self.doc[j].is_space:
            j -= 1
        for _ in range(HEADER_NOUN_WORDS + 1):
            header = self.cues.ending_at(j + 1, "alternatives_header")
            if header is not None:
                ev.alternatives = True
                ev.alterations += alterations
                return header.start
            ent = self.labels.get(j)
            if ent is not None and ent.label_ == "ALTERATION":
                alterations.append(ent.id_)
                j = ent.start - 1
            elif ent is None and self.doc[j].is_alpha:
                j -= 1
            else:
                return None
        return None

    def _gloss_before(self, close: int, floor: int) -> int | None:
        """The opening bracket of the bracket that closes at `close` when it only glosses (no entity, no status, at
        most `MAX_ASIDE` tokens long, not opened below `floor - MAX_ASIDE`): "(at least 1+)"; None otherwise."""
        opening = {")": "(", "]": "["}[self.doc[close].text]
        for j in range(close - 1, max(self.span.start, floor - MAX_ASIDE, close - MAX_ASIDE) - 1, -1):
            if self.doc[j].text == opening:
                return j
            cue = self.cues.at(j, *STATUS_KINDS)
            if j in self.labels or (cue is not None and is_status(self.doc, cue)):
                return None
        return None

    def _restated_before(self, close: int) -> int | None:
        """The opening bracket of the bracket that closes at `close` when it holds only one alteration of the same
        kind as the alteration right before it ("partial tandem duplication (PTD)", "copy number gain
        (amplification)"): the abbreviation or restatement of that alteration; None otherwise."""
        opening = {")": "(", "]": "["}[self.doc[close].text]
        inner = self.labels.get(close - 1)
        if inner is None or inner.label_ != "ALTERATION" or inner.start <= self.span.start:
            return None
        if self.doc[inner.start - 1].text != opening:
            return None
        before = inner.start - 2
        while before >= self.span.start and self.doc[before].is_space:
            before -= 1
        outer = self.labels.get(before)
        if outer is None or outer.label_ != "ALTERATION" or outer.end != before + 1 or outer.id_ != inner.id_:
            return None
        return inner.start - 1

    def _gloss_rest(self, group: Group) -> int:
        """Where to read on after the group: past the rest of a bracket its last name opened and that only glosses
        it ("KRAS (Kirsten ras sarcoma viral oncogene) wild-type", where "Kirsten ras" is the gene's own name)."""
        if _opens_within(self.doc[group.start : group.end]) <= 0:
            return group.end
        for j in range(group.end, min(self.span.end, group.end + MAX_ASIDE)):
            if self.doc[j].text in (")", "]"):
                return j + 1
            if j in self.labels or self.cues.at(j, *STATUS_KINDS, *_METHOD_KINDS):
                break
        return group.end

    def _named_fusion(self, i: int, group: Group) -> int | None:
        """The token after the bracket opened at `i` right after a karyotype when the bracket names only the fusion
        the karyotype shows ("t(11;14)(IgH/CCND1)", "t(9;22)(BCR/ABL)"): a gloss, which takes the karyotype's
        status; None otherwise."""
        shown = {m.variant for m in group.mentions if m.karyotype}
        if not shown or self.doc[i - 1].text != ")" or i - 1 != group.end:
            return None
        close = {"(": ")", "[": "]"}[self.doc[i].text]
        ent = self.labels.get(i + 1)
        if ent is None or ent.label_ != "VARIANT" or ent.id_ not in shown:
            return None
        return ent.end + 1 if ent.end < self.span.end and self.doc[ent.end].text == close else None

    def _staining_scores(self, i: int) -> int | None:
        """The token after the bracket opened at `i` when it holds staining scores alone ("HER2 positive (1-3+)",
        "(2+ or 3+)"): an IHC result, the protein's; None otherwise."""
        close = {"(": ")", "[": "]"}[self.doc[i].text]
        scored = False
        for j in range(i + 1, min(i + 1 + MAX_ASIDE, self.span.end)):
            text = self.doc[j].text
            if text == close:
                return j + 1 if scored else None
            if not (text.isdigit() or text in _STAINING_SCORE_WORDS or re.fullmatch(r"\d\+", text)):
                return None
            scored |= text.endswith("+") and (len(text) > 1 or self.doc[j - 1].text.isdigit())
        return None

    def _score_before(self, i: int, group: Group) -> int | None:
        """Where a positive staining score starts when token `i` is the "by" between it and the group, and a test of
        expression follows the group: "3+ by HER2 IHC", "2+ or 3+ by HER2 immunohistochemistry"; None otherwise (and
        for the negative scores "0 or 1+")."""
        after = group.end
        while after < self.span.end and self.doc[after].is_space:
            after += 1
        if self.doc[i].lower_ not in METHOD_PREPOSITIONS or self.cues.at(after, "method_expression") is None:
            return None
        j, scores = i - 1, []
        while j > self.span.start:
            text = self.doc[j].text
            if (glued_score := re.fullmatch(r"(\d)\+", text)) is not None:
                scores.append(int(glued_score.group(1)))
            elif text == "+" and self.doc[j - 1].text.isdigit():
                scores.append(int(self.doc[j - 1].text))
                j -= 1
            elif not (text.isdigit() or text in _STAINING_SCORE_WORDS):
                break
            j -= 1
        return j + 1 if scores and max(scores) >= 2 else None

    def _aside(self, i: int, limit: int) -> int | None:
        """The token after the parenthesis opened at `i` when it only glosses ("CD20 (cluster of
        differentiation 20) positive"); None when it holds evidence or does not close soon."""
        close = {"(": ")", "[": "]"}[self.doc[i].text]
        for j in range(i + 1, min(limit + MAX_ASIDE, self.span.end)):
            if self.doc[j].text == close:
                return j + 1
            ent = self.labels.get(j)
            if (ent is not None and ent.label_ != "GENE") or self.cues.at(j, *STATUS_KINDS, *_METHOD_KINDS):
                return None
        return None

    def left(self, group: Group, ev: Evidence, status_only: bool = False) -> None:
        """Records the evidence before the group (only a status when `status_only`) and where it starts."""
        i = group.start - 1
        floor = max(self.cues.clause(group.start)[0], group.start - MAX_LEFT)
        while i >= floor:
            ent = self.labels.get(i)
            if ent is not None and ent.label_ in ("ALTERATION", "VARIANT") and not status_only:
                if ent.label_ == "ALTERATION":
                    ev.alterations.append(ent.id_)
                    ev.alternatives |= ev.offered_after
                elif not _variant(ent, group, ev):
                    break
                ev.start = min(ev.start, ent.start)
                i = ent.start - 1
                continue
            if ent is not None:
                break
            if not status_only and self._joins_alterations(i, floor):  # "a mutation or fusion involving A, B"
                ev.alternatives |= self.doc[i].lower_ != "and"
                i -= 1
                continue
            cue = self.cues.ending_at(i + 1, *STATUS_KINDS)
            if cue is not None and self.doc[cue.start].lower_ != "-" and is_status(self.doc, cue):
                if self._status_of_previous_gene(cue.start):
                    break
                self._status(cue.start, ev)
                ev.start = min(ev.start, cue.start)
                i = cue.start - 1
                continue
            method = self.cues.ending_at(i + 1, *_METHOD_KINDS)
            if method is not None:  # "positive immunohistochemistry for cyclin D1"
                ev.methods.add(method.kind)
                i = method.start - 1
                continue
            header = self._alternatives_header(i, floor, ev)
            if header is not None:  # "Expression of one or more of the following antigens: HER2, NY-ESO-1 ..."
                floor = max(self.cues.clause(group.start)[0], floor - (i - header + 1))  # the header takes no reach
                i = header - 1
                continue
            if not status_only and (scored := self._score_before(i, group)) is not None:
                ev.alterations.append("expression")  # "3+ by HER2 IHC": the staining score the gene's test gave
                ev.start = min(ev.start, scored)
                break
            token = self.doc[i]
            if token.text in (")", "]") and not status_only and (opened := self._restated_before(i)) is not None:
                i = opened - 1  # "partial tandem duplication (PTD) of MLL": the bracket abbreviates the alteration
                continue
            if token.text in (")", "]") and (opened := self._gloss_before(i, floor)) is not None:
                floor = max(self.cues.clause(group.start)[0], floor - (i - opened + 1))  # the gloss takes no reach
                i = opened - 1  # "positive (at least 1+) for mesothelin"
                continue
            if token.lower_ in _LEFT_SKIPPED or token.is_space:
                i -= 1
                continue
            break
