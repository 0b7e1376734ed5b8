"""The `tm_biomarkers` component: gene ↔ alteration ↔ threshold relations with polarity, per criterion.

    >>> from nlp.pipeline import get_nlp
    >>> doc = get_nlp()("Inclusion Criteria:\\n* NTRK1, NTRK2, or NTRK3 gene amplification (at least 7 copies)")
    >>> [(b.gene, b.alteration, b.polarity, b.min_copies) for b in doc._.facts["biomarkers"]]
    [('NTRK1', 'amplification', 'required', 7.0), ('NTRK2', 'amplification', 'required', 7.0), \
('NTRK3', 'amplification', 'required', 7.0)]

Rules (see /work/shared/gold/LABELING-GUIDE.md): a gene mention (GENE, GENE_FAMILY or VARIANT entity) becomes
a fact only with evidence next to it: an alteration word ("NTRK fusion", "amplification of ErbB2"), a named
variant ("KRAS G12C"), or a status ("HER2-positive", "KRAS wild-type"). Genes listed together ("KRAS, NRAS
or BRAF mutations") share the words after the list and, when required, one `any_of` group. "Positive" means
`any` (or expression for receptors such as ER), refined by the method the criterion names: IHC →
expression, ISH/FISH → amplification. "Negative" and "wild-type" negate (wild-type → mutation). Mentions
that only say a marker is tested, its status known, or that it gives priority, and genes named as drug
targets ("EGFR inhibitor", "anti-PD-L1"), give no fact. A gene that is both required and excluded within one
criterion ("8 KRAS wild-type and 8 KRAS mutant") is stratification, not eligibility: both are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.models import Biomarker
from nlp.polarity import Cues, DocContext, cue_finder, doc_context, polarity
from nlp.sections import add_kind
from nlp.text import doc_text
from nlp.vocab import cue_rows, vocabulary

MENTION_LABELS = {"GENE", "GENE_FAMILY", "VARIANT", "PROFILE"}
_FILLERS = {
    "gene",
    "genes",
    "-",
    "(",
    ")",
    "[",
    "]",
    ",",
    "/",
    "activating",
    "sensitizing",
    "sensitising",
    "sensitive",
    "pathogenic",
    "likely",
    "somatic",
    "germline",
    "oncogenic",
    "known",
    "deleterious",
    "documented",
    "driver",
    "actionable",
    "protein",
    "receptor",
    "hotspot",
    "rare",
    "uncommon",
    "common",
    "classical",
    "typical",
    "atypical",
    "non",
    "other",
    "specific",
    "any",
    "a",
    "an",
    "the",
    "level",
    "levels",
    "type",
    "confirmed",
    "kinase",
    "domain",
    "primary",
    "acquired",
    "resistance",
    "targetable",
    "one",
    "two",
    "both",
    "biallelic",
    "homozygous",
    "heterozygous",
    "high-level",
    "focal",
    "strong",
    "strongly",
    "mutation-",
    "exon",
    "point",
    "status",
    "form",
    "genomic",
    "genetic",
    "molecular",
}
_LEFT_FILLERS = {"of", "in", "involving", "with", "for", "the", "a", "an", "-", "(", "to", "be", "must", "and"}
_CONJUNCTIONS = {"or", "and", "and/or", "&", "nor", "/", ","}
_NUMBER = re.compile(r"^[<>≤≥=]*\d+(?:[.,]\d+)?%?$|^[<>≤≥=]+$|^%$")
_COPIES = re.compile(
    r"(?:(?:≥|>=|=>|>|at\s+least|greater\s+than(?:\s+or\s+equal\s+to)?|more\s+than|minimum(?:\s+level)?(?:\s+of"
    r"\s+amplification)?(?:\s+is|\s+of)?|of)\s*)?(\d+(?:\.\d+)?)\s*(?:or\s+more\s+)?(?:gene\s+)?cop(?:y|ies)"
    r"|cop(?:y|ies)[\s-]*(?:number|count)?\s*(?:\(CN\)\s*)?(?:of\s+)?(?:≥|>=|=>|>|at\s+least|greater\s+than"
    r"(?:\s+or\s+equal\s+to)?|more\s+than|of\s+at\s+least)\s*(\d+(?:\.\d+)?)",
    re.I,
)
_DRUG_GLUE = {"-", "/", "(", ")", "small", "molecule", "selective", "specific", "kinase"}
_GLUE = {"-", "(", ")", ",", "is", "are", "must", "be", "was"}
_MAX_RIGHT = 12
_METHOD_REACH = 5
_MAX_ASIDE = 12
_PROTEIN_CHANGE = re.compile(r"^(?:p\.)?[ACDEFGHIKLMNPQRSTVWY]\d{2,4}(?:[ACDEFGHIKLMNPQRSTVWYX*]|fs|del|dup|ins)$")
_COMPARATOR_WORDS = {"≥", ">=", ">", "≤", "<=", "<", "=", "of", "at", "least", "score", "than", "greater", "or"}
_MAX_LIST_GAP = 6
_LIST_CONJUNCTIONS = {"or", "nor", "and", "and/or", ","}
_BRACKETS = {"(", ")", "[", "]"}
_GENE_LIKE = re.compile(r"^[A-Z][A-Za-z0-9-]{1,7}$")
_STATUS_WORDS = {
    row["pattern"].lower(): row["cue"]
    for row in cue_rows()
    if row["cue"] in ("positive", "negative", "wild_type") and " " not in row["pattern"]
}
_SCORE = re.compile(r"^(?:[<>≤≥]=?|=)?\d+(?:\.\d+)?%?\+?$")
_MAX_LEFT = 6
_STATUS_KINDS = ("positive", "negative", "wild_type")
_METHODS = (("method_expression", "expression"), ("method_ish", "ish"), ("method_copies", "amplification"))


@dataclass
class _Mention:
    start: int
    end: int
    genes: list[str]
    family: bool = False
    variant: str | None = None
    variant_alteration: str | None = None
    needs_status: bool = False
    status: str | None = None


@dataclass
class _Group:
    mentions: list[_Mention]
    coordination: set[str] = field(default_factory=set)

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end


@dataclass
class _Evidence:
    alterations: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    positive: bool = False
    negative: bool = False
    wild_type: bool = False
    start: int = 0
    end: int = 0
    alternatives: bool = False
    cue_negated: bool | None = None

    @property
    def found(self) -> bool:
        return bool(self.alterations or self.variants or self.positive or self.negative or self.wild_type)


def _sign(span: Span) -> str | None:
    """The status glued to a form ("ER+", "HER2-"); None for a hyphen that joins a word ("HER2-positive")."""
    status = vocabulary().signed.get("".join(token.text for token in span))
    doc = span.doc
    if status == "negative" and span.end < len(doc):
        following = doc[span.end]
        if not doc[span.end - 1].whitespace_ and following.text[:1].isalnum():
            return None
        if following.lower_ in ("or", "and", "and/or"):
            return None
    return status


def _mention(span: Span) -> _Mention | None:
    vocab = vocabulary()
    if span.label_ == "GENE":
        return _Mention(span.start, span.end, [span.id_], status=_sign(span))
    if span.label_ == "GENE_FAMILY":
        members = list(vocab.families.get(span.id_, ()))
        return _Mention(span.start, span.end, members, family=True, status=_sign(span))
    if span.label_ == "PROFILE":
        return None
    variant = vocab.variants.get(span.id_)
    if variant is None:
        return None
    return _Mention(
        span.start,
        span.end,
        [*variant.genes, *variant.partners],
        variant=variant.name,
        variant_alteration=variant.alteration,
        needs_status=span.text in vocab.needs_status,
    )


def _continues_list(doc: Doc, end: int, start: int) -> bool:
    """Only a conjunction (and fillers) between one gene phrase and the next: "no EGFR mutation (L858R)
    or ALK fusion" negates both."""
    words = [t.lower_ for t in doc[end:start] if not t.is_space]
    return (
        0 < len(words) <= _MAX_LIST_GAP
        and any(w in _LIST_CONJUNCTIONS for w in words)
        and all(w in _FILLERS or w in _CONJUNCTIONS or w in _BRACKETS for w in words)
    )


def _glued(text: str, ev: _Evidence) -> bool:
    """Words the tokenizer left glued to a bracket: "HER2)-positive", "Mutant(MT"; records what they say."""
    if not any(c in text for c in "()[]"):
        return False
    found = False
    for part in re.split(r"[()\[\]]", text.lower()):
        part = part.strip("-")
        if part in vocabulary().alterations:
            ev.alterations.append(vocabulary().alterations[part])
            found = True
        elif _STATUS_WORDS.get(part) == "positive":
            ev.positive = found = True
        elif _STATUS_WORDS.get(part) == "negative":
            ev.negative = found = True
        elif _STATUS_WORDS.get(part) == "wild_type":
            ev.wild_type = found = True
    return found


def _is_status(doc: Doc, cue) -> bool:
    """A "+" after a number is an IHC score ("1+", "2+"), and only "3+" reads as positive; "high-risk" is
    not a status."""
    word = doc[cue.start]
    if word.lower_ == "high" and cue.end < len(doc) and doc[cue.end].text == "-":
        return False
    if word.text != "+" or cue.start == 0 or not doc[cue.start - 1].like_num:
        return True
    return doc[cue.start - 1].text == "3"


def _active_methods(doc: Doc, cues: Cues, labels: dict[int, Span]) -> set[str]:
    """Methods the criterion reads a result from ("3+ by IHC", "FISH positive", "FISH ... gene amplification"),
    not ones it merely lists ("molecular assays such as IHC or NGS")."""
    active = set()
    for cue in cues.items:
        if not cue.kind.startswith("method_") or cue.kind in active:
            continue
        lo, hi = max(cues.span.start, cue.start - _METHOD_REACH), min(cues.span.end, cue.end + _METHOD_REACH)
        for i in range(lo, hi):
            ent = labels.get(i)
            if (
                cues.at(i, "positive")
                or _SCORE.match(doc[i].text)
                or (ent is not None and ent.label_ == "ALTERATION" and ent.id_ in ("amplification", "expression"))
            ):
                active.add(cue.kind)
                break
    return active


def _fits(variant, group: _Group) -> bool:
    """A variant next to a gene belongs to it unless it names other genes ("BCR-ABL" before "ABL1" does not)."""
    genes = {gene for m in group.mentions for gene in m.genes}
    return not variant.genes or bool(genes & set(variant.genes))


def _groups(doc: Doc, mentions: list[_Mention], cues: Cues) -> list[_Group]:
    """Genes listed together: only punctuation, conjunctions and variants between them."""
    groups: list[_Group] = []
    for mention in mentions:
        if groups and mention.variant is None and groups[-1].mentions[-1].status == mention.status:
            last = groups[-1]
            between = doc[last.end : mention.start]
            words = {t.lower_ for t in between if not t.is_space}
            if not words or words <= _CONJUNCTIONS | {"(", ")", "-", "[", "]", "::"}:
                last.mentions.append(mention)
                last.coordination |= words
                continue
        groups.append(_Group([mention]))
    return groups


class _Scanner:
    """Reads the words around a gene group in one criterion."""

    def __init__(self, doc: Doc, span: Span, cues: Cues, labels: dict[int, Span]) -> None:
        self.doc, self.span, self.cues, self.labels = doc, span, cues, labels

    def _status(self, i: int, ev: _Evidence) -> int | None:
        cue = self.cues.at(i, *_STATUS_KINDS)
        if cue is None or not _is_status(self.doc, cue):
            return None
        if cue.kind == "positive":
            ev.positive = True
        elif cue.kind == "negative":
            ev.negative = True
        else:
            ev.wild_type = True
        return cue.end

    def right(self, group: _Group, ev: _Evidence) -> None:
        i, limit = group.end, min(self.span.end, group.end + _MAX_RIGHT)
        ev.start = ev.end = group.end
        pending_conj = False
        clause_end = self.cues.clause(group.start)[1]
        limit = min(limit, clause_end)
        while i < limit:
            token = self.doc[i]
            ent = self.labels.get(i)
            if ent is not None and ent.label_ in ("GENE", "GENE_FAMILY"):
                break
            if ent is not None and ent.label_ == "ALTERATION":
                nxt = self.doc[ent.end].lower_ if ent.end < len(self.doc) else ""
                if pending_conj and nxt in ("of", "in"):
                    break
                ev.alterations.append(ent.id_)
                ev.alternatives |= pending_conj
                i = ev.end = ent.end
                pending_conj = False
                continue
            if ent is not None and ent.label_ == "VARIANT":
                variant = vocabulary().variants.get(ent.id_)
                if variant is None or not _fits(variant, group):
                    break
                ev.variants.append(variant.name)
                ev.alterations.append(variant.alteration)
                i = ev.end = ent.end
                pending_conj = False
                continue
            if _glued(token.text, ev):
                i = ev.end = i + 1
                pending_conj = False
                continue
            if token.text in ("(", "[") and (close := self._aside(i, limit)) is not None:
                i = close
                continue
            if pending_conj and self._status_of_next_gene(i):
                break
            end = self._status(i, ev)
            if end is not None:
                i = ev.end = end
                pending_conj = False
                continue
            method = self.cues.at(i, *(kind for kind, _ in _METHODS))
            if method is not None:
                i = method.end
                if method.kind != "method_ish" and self._scored(i, limit):
                    ev.alterations.append(dict(_METHODS)[method.kind])
                    ev.end = i
                continue
            if _PROTEIN_CHANGE.match(token.text):
                ev.variants.append(token.text.removeprefix("p."))
                ev.alterations.append("mutation")
                i = ev.end = i + 1
                pending_conj = False
                continue
            if token.lower_ in _CONJUNCTIONS and token.lower_ not in (",", "/"):
                pending_conj = True
                i += 1
                continue
            if token.lower_ in _FILLERS or _NUMBER.match(token.text) or token.is_space:
                i += 1
                continue
            if pending_conj and _GENE_LIKE.match(token.text):
                i += 1
                continue
            break

    def _status_of_next_gene(self, i: int) -> bool:
        """After "and"/"or", a status word right before another gene is that gene's ("ER positive and
        negative HER2")."""
        cue = self.cues.at(i, *_STATUS_KINDS)
        if cue is None:
            return False
        words = [j for j in range(cue.end, min(self.span.end, cue.end + 4)) if not self.doc[j].is_space][:2]
        return any((ent := self.labels.get(j)) is not None and ent.label_ in ("GENE", "GENE_FAMILY") for j in words)

    def _status_of_previous_gene(self, i: int) -> bool:
        """A status word right after another gene is that gene's ("hormone receptor-positive HER2-negative")."""
        j = i - 1
        while j >= self.span.start and (self.doc[j].is_space or self.doc[j].text == "-"):
            j -= 1
        ent = self.labels.get(j)
        return j >= self.span.start and ent is not None and ent.label_ in ("GENE", "GENE_FAMILY")

    def _scored(self, i: int, limit: int) -> bool:
        """A threshold or a positive score follows a method word: "TPS ≥ 50%", "IHC 3+", "copy number > 6"
        (not the negative scores "IHC 0, 1+")."""
        compared = False
        for j in range(i, min(limit, i + 4)):
            text = self.doc[j].text
            if _SCORE.match(text) and any(c.isdigit() for c in text):
                following = self.doc[j + 1].text if j + 1 < len(self.doc) else ""
                return compared or text == "3+" or (text == "3" and following == "+")
            if text not in _COMPARATOR_WORDS:
                return False
            compared = True
        return False

    def _aside(self, i: int, limit: int) -> int | None:
        """The token after the parenthesis opened at `i` when it only glosses ("CD20 (cluster of
        differentiation 20) positive"); None when it holds evidence or does not close soon."""
        close = {"(": ")", "[": "]"}[self.doc[i].text]
        for j in range(i + 1, min(limit + _MAX_ASIDE, self.span.end)):
            if self.doc[j].text == close:
                return j + 1
            ent = self.labels.get(j)
            if (ent is not None and ent.label_ != "GENE") or self.cues.at(j, *_STATUS_KINDS, *(k for k, _ in _METHODS)):
                return None
        return None

    def left(self, group: _Group, ev: _Evidence, status_only: bool = False) -> None:
        i = group.start - 1
        floor = max(self.cues.clause(group.start)[0], group.start - _MAX_LEFT)
        while i >= floor:
            token = self.doc[i]
            ent = self.labels.get(i)
            if ent is not None and ent.label_ in ("ALTERATION", "VARIANT") and not status_only:
                if ent.label_ == "ALTERATION":
                    ev.alterations.append(ent.id_)
                else:
                    variant = vocabulary().variants.get(ent.id_)
                    if variant is None or not _fits(variant, group):
                        break
                    ev.variants.append(variant.name)
                    ev.alterations.append(variant.alteration)
                ev.start = min(ev.start, ent.start)
                i = ent.start - 1
                continue
            if ent is not None:
                break
            cue = self.cues.ending_at(i + 1, *_STATUS_KINDS)
            if cue is not None and self.doc[cue.start].lower_ != "-" and _is_status(self.doc, cue):
                if self._status_of_previous_gene(cue.start):
                    break
                self._status(cue.start, ev)
                ev.start = min(ev.start, cue.start)
                i = cue.start - 1
                continue
            if token.lower_ in _LEFT_FILLERS or token.lower_ in _FILLERS - {",", ")"} or token.is_space:
                i -= 1
                continue
            break

    def drug_target(self, group: _Group, ev: _Evidence) -> bool:
        """The group names a drug's target: "EGFR inhibitor", "KRAS G12C-targeted therapy", "anti-PD-L1",
        "drugs that target EGFR", "inhibitors of BCR-ABL"."""
        for end in dict.fromkeys((group.end, max(group.end, ev.end))):
            i = end
            while i < min(self.span.end, end + 3) and (self.doc[i].is_space or self.doc[i].lower_ in _DRUG_GLUE):
                i += 1
            if i < self.span.end and self.cues.at(i, "drug_context"):
                return True
        return any(
            c.kind == "drug_context_left" and group.start - 4 <= c.start and c.end <= group.start
            for c in self.cues.items
        )


class BiomarkerExtractor:
    """Writes `doc._.facts["biomarkers"]` (list[Biomarker])."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cue_finder = cue_finder(nlp)

    def __call__(self, doc: Doc) -> Doc:
        facts: list[Biomarker] = []
        context = doc_context(doc, self.cue_finder)
        by_criterion = context.ents(MENTION_LABELS | {"ALTERATION"})
        for k, ents in by_criterion.items():
            if not any(e.label_ in MENTION_LABELS for e in ents):
                continue
            found = self._criterion(context, k, context.cues(k).span, ents)
            if not found:
                continue
            facts.extend(found)
            add_kind(doc, k, "biomarker")
            for sub in range(k + 1, min(k + 3, len(context.criteria))):
                if any(e.label_ in MENTION_LABELS for e in by_criterion.get(sub, ())):
                    break
                facts.extend(self._inherit(context, sub, context.criteria[sub], (k, found)))
        context.facts["biomarkers"] = facts
        return doc

    def _criterion(self, context: DocContext, k: int, span: Span, ents: list[Span]) -> list[Biomarker]:
        doc, cues = context.doc, context.cues(k)
        labels = {t: e for e in ents for t in range(e.start, e.end)}
        mentions = [m for e in ents if e.label_ in MENTION_LABELS and (m := _mention(e)) is not None]
        merged: list[_Mention] = []
        for m in mentions:
            if merged and m.variant is None and merged[-1].variant is None and m.genes == merged[-1].genes:
                if all(t.lower_ in {"(", ")", "[", "]", "-", "/"} for t in doc[merged[-1].end : m.start]):
                    merged[-1].end = m.end
                    continue
            merged.append(m)
        scanner = _Scanner(doc, span, cues, labels)
        methods = _active_methods(doc, cues, labels)
        status_unknown: set[str] = set()
        kept: list[Biomarker] = []
        strata: list[Biomarker] = []
        consumed: set[int] = set()
        found: list[tuple[_Group, _Evidence, set[str]]] = []
        for group in _groups(doc, [m for m in merged if m.variant is None], cues):
            ev = _Evidence()
            for mention in group.mentions:
                ev.positive |= mention.status == "positive"
                ev.negative |= mention.status == "negative"
            scanner.right(group, ev)
            scanner.left(group, ev, status_only=ev.found)
            consumed.update(range(min(ev.start, group.start), max(ev.end, group.end)))
            if self._unknown(doc, span, cues, group, ev):
                status_unknown.update(gene for m in group.mentions for gene in m.genes)
                continue
            after = self._after(doc, span, max(ev.end, group.end))
            either = ev.positive and ev.negative and not any(m.status for m in group.mentions)
            if either or not ev.found or scanner.drug_target(group, ev):
                continue
            if not self._skipped(cues, doc, span, group, ev, after):
                found.append((group, ev, methods))
        for m in merged:
            if m.variant is None or m.start in consumed or not m.genes:
                continue
            group = _Group([m])
            ev = _Evidence(variants=[m.variant], alterations=[m.variant_alteration or "mutation"])
            scanner.right(group, ev)
            if m.needs_status and not (ev.positive or ev.negative):
                continue
            after = self._after(doc, span, max(ev.end, group.end))
            if scanner.drug_target(group, ev) or self._skipped(cues, doc, span, group, ev, after):
                continue
            if not cues.at(after, "test_word", "unknown_status"):
                found.append((group, ev, set()))
        previous: tuple[int, bool] | None = None
        for g, (group, ev, group_methods) in enumerate(sorted(found, key=lambda item: item[0].start)):
            own = (min(group.start, ev.start), max(group.end, ev.end))
            ev.cue_negated = cues.negated(group.start, group.end, span.label_, ignore=own)
            if not ev.cue_negated and previous is not None and _continues_list(doc, previous[0], own[0]):
                ev.cue_negated = previous[1]
            previous = (own[1], ev.cue_negated)
            facts = self._emit(doc, k, span, cues, group, ev, g, group_methods)
            (strata if self._cohort_count(doc, span, group) else kept).extend(facts)
        for ent in ents:
            if ent.label_ == "PROFILE":
                kept.extend(self._profile(k, span, cues, ent))
        return _resolve(kept, strata, status_unknown)

    @staticmethod
    def _profile(k: int, span: Span, cues: Cues, ent: Span) -> list[Biomarker]:
        """The facts of a receptor profile ("triple-negative", "HR+/HER2-") with the criterion's polarity."""
        group = _Group([_Mention(ent.start, ent.end, [])])
        after = BiomarkerExtractor._after(ent.doc, span, ent.end)
        if cues.at(after, "unknown_status") or BiomarkerExtractor._skipped(
            cues, ent.doc, span, group, _Evidence(start=ent.start, end=ent.end), after
        ):
            return []
        negated = cues.negated(ent.start, ent.end, span.label_)
        facts = []
        for n, fact in enumerate(vocabulary().profiles.get(ent.id_, ())):
            pol = polarity(span.label_, negated != fact.negative)
            group_id = f"{k}:p{ent.start}.{n}" if pol == "required" and len(fact.genes) > 1 else None
            facts.extend(
                Biomarker(
                    gene=gene,
                    alteration=fact.alteration,
                    polarity=pol,
                    any_of=group_id,
                    criterion=k,
                    span=(ent.start_char, ent.end_char),
                )
                for gene in fact.genes
            )
        return facts

    @staticmethod
    def _unknown(doc: Doc, span: Span, cues: Cues, group: _Group, ev: _Evidence) -> bool:
        """The status is only said to be known or unknown: "KRAS status", "ER+ and/or PR+ or unknown status"."""
        end = max(ev.end, group.end)
        stated = ev.positive or ev.negative or ev.wild_type

        def unknown(i: int) -> bool:
            cue = cues.at(i, "unknown_status")
            return cue is not None and not (stated and doc[cue.start].lower_ == "status")

        if any(unknown(i) for i in range(group.end, end + 1)):
            return True
        i = end
        clause_end = cues.clause(group.start)[1]
        while i < min(clause_end, end + 20):
            if unknown(i):
                j = i - 1
                while j > end and doc[j].is_space:
                    j -= 1
                return doc[j].lower_ in ("or", "and/or") or i == BiomarkerExtractor._after(doc, span, end)
            if doc[i].lower_ in {".", ";"}:
                break
            i += 1
        return False

    @staticmethod
    def _after(doc: Doc, span: Span, i: int) -> int:
        while i < span.end and (doc[i].is_space or doc[i].lower_ in _GLUE):
            i += 1
        return i

    @staticmethod
    def _cohort_count(doc: Doc, span: Span, group: _Group) -> bool:
        """ "8 KRAS wild-type and 8 KRAS mutant": patients counted per stratum, not an eligibility rule."""
        return group.start > span.start and doc[group.start - 1].text.isdigit()

    @staticmethod
    def _skipped(cues: Cues, doc: Doc, span: Span, group: _Group, ev: _Evidence, after: int) -> bool:
        """Only a mention: tested, preferred, stratified, allowed, or a condition for something else."""
        if cues.at(after, "test_word") and not (ev.positive or ev.negative or ev.wild_type):
            return True
        clause_start, clause_end = cues.clause(group.start)
        before = cues.in_clause(
            ("uncertain", "optional", "conditional", "test_before", "exception"), clause_start, group.start
        )
        if any(c.kind == "test_before" and group.start - c.end <= 4 for c in before):
            return True
        if any(c.kind == "exception" and group.start - c.end <= 12 for c in before):
            return True
        if any(c.kind == "conditional" and group.start - c.end <= 8 for c in before):
            return True
        if any(c.kind in ("uncertain", "optional") for c in before):
            return True
        end = max(ev.end, group.end)
        return any(c.start - end <= 6 for c in cues.in_clause(("optional",), end, clause_end))

    def _emit(
        self, doc: Doc, k: int, span: Span, cues: Cues, group: _Group, ev: _Evidence, g: int, methods: set[str]
    ) -> list[Biomarker]:
        """The facts of one gene group with its evidence: one per gene, alteration and named variant."""
        negated_status = ev.negative or ev.wild_type
        pol = polarity(span.label_, bool(ev.cue_negated) != negated_status)
        alterations = list(dict.fromkeys(ev.alterations))
        method_alts = []
        if not negated_status and (ev.positive or alterations) and set(alterations) <= {"amplification", "expression"}:
            method_alts = [alt for kind, alt in _METHODS if kind in methods]
        rows: list[tuple[str, str]] = []
        for gene in dict.fromkeys(gene for m in group.mentions for gene in m.genes):
            # a positive FISH or IHC of a fusion driver (ALK, ROS1, NTRK) means the fusion; copy numbers do not
            tested = vocabulary().ish_alteration.get(gene, "")
            gene_methods = list(
                dict.fromkeys(
                    tested if tested and alt in ("ish", "expression") else "amplification" if alt == "ish" else alt
                    for alt in method_alts
                )
            )
            if alterations:
                gene_alts = alterations + [a for a in gene_methods if a not in alterations]
            elif ev.wild_type:
                gene_alts = ["mutation"]
            else:
                gene_alts = gene_methods or [vocabulary().status_alteration.get(gene, "any")]
            rows.extend((gene, alt) for alt in gene_alts)
        alternatives = (
            any(m.family for m in group.mentions)
            or bool(group.coordination & {"or", "and/or", "/", "nor"})
            or ev.alternatives
            or bool(method_alts)
        )
        group_id = f"{k}:{g}" if pol == "required" and alternatives and len(rows) > 1 else None
        copies = self._copies(doc_text(doc), span) if any(alt == "amplification" for _, alt in rows) else None
        first, last = doc[min(group.start, ev.start)], doc[max(group.end, ev.end) - 1]
        span_chars = (first.idx, last.idx + len(last))
        known = vocabulary().variants
        variant_kinds = {name: known[name].alteration if name in known else "mutation" for name in ev.variants}
        facts = []
        for gene, alt in rows:
            for variant in [v for v, kind in variant_kinds.items() if kind == alt] or [None]:
                facts.append(
                    Biomarker(
                        gene=gene,
                        alteration=alt,
                        variant=variant,
                        polarity=pol,
                        min_copies=copies if alt == "amplification" else None,
                        any_of=group_id,
                        criterion=k,
                        span=span_chars,
                    )
                )
        return facts

    @staticmethod
    def _copies(text: str, span: Span) -> float | None:
        match = _COPIES.search(text, span.start_char, span.end_char)
        if match is None:
            return None
        return float(match.group(1) or match.group(2))

    def _inherit(self, context: DocContext, k: int, span: Span, previous) -> list[Biomarker]:
        """A sub-bullet naming only a method ("2+ allowed if FISH positive") refines the criterion above."""
        if context.criteria[previous[0]].label_ != span.label_:
            return []
        cues = context.cues(k)
        if not any(c.kind == "positive" and _is_status(context.doc, c) for c in cues.items):
            return []
        alts = list(dict.fromkeys("amplification" if alt == "ish" else alt for kind, alt in _METHODS if cues.has(kind)))
        found = []
        for fact in previous[1]:
            for alt in alts:
                if alt != fact.alteration and fact.alteration in ("any", "expression", "amplification"):
                    found.append(
                        fact.model_copy(
                            update={"alteration": alt, "criterion": k, "span": (span.start_char, span.end_char)}
                        )
                    )
        if found:
            add_kind(context.doc, k, "biomarker")
        return found


def _resolve(kept: list[Biomarker], strata: list[Biomarker], status_unknown: set[str]) -> list[Biomarker]:
    """Drop genes whose status is only known/unknown, facts both required and excluded in one criterion
    (stratification), and duplicates."""
    polarities: dict[tuple, set[str]] = {}
    for fact in kept + strata:
        polarities.setdefault((fact.gene, fact.alteration, fact.variant), set()).add(fact.polarity)
    seen: set[tuple] = set()
    out = []
    for fact in kept:
        key = (fact.gene, fact.alteration, fact.variant, fact.polarity)
        if fact.gene in status_unknown or len(polarities[key[:3]]) > 1 or key in seen:
            continue
        seen.add(key)
        out.append(fact)
    return out


@Language.factory("tm_biomarkers", default_config={})
def make_biomarkers(nlp: Language, name: str) -> BiomarkerExtractor:
    return BiomarkerExtractor(nlp, name)
