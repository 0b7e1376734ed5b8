"""Biomarker facts from a gene group and its evidence: one per gene, alteration and named variant.

    >>> from nlp.extract import extract_text
    >>> facts = extract_text("Inclusion Criteria:\\n* ALK positive by FISH, or ROS1 fusion").biomarkers
    >>> [(b.gene, b.alteration, b.polarity, b.any_of) for b in facts]
    [('ALK', 'fusion', 'required', '0:22'), ('ROS1', 'fusion', 'required', '0:22')]

Polarity is the section's, flipped by a negating cue or a negative status ("HER2-negative"); alternatives
(a family, genes joined by "or", methods that each suffice) share one `any_of` group when required. A positive
test reads as the alteration its method measures (IHC → expression, ISH/FISH → amplification, or the fusion of
a fusion driver: "ALK positive by FISH or IHC" is ALK fusion or ALK expression); a bare "positive" as the gene's
`status_alteration` (expression for ER) or `any`.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from nlp.biomarkers.filters import mention_only, token_after
from nlp.biomarkers.mentions import ALTERNATIVE_JOINS, Group, Mention
from nlp.biomarkers.relations import METHODS, Evidence, is_status
from nlp.models import ALTERATIONS, Alteration, Biomarker, is_alteration
from nlp.polarity import Cues, DocContext, polarity
from nlp.sections import add_kind
from nlp.text import doc_text
from nlp.vocab import vocabulary

_COPIES = re.compile(
    r"(?:(?:≥|>=|=>|>|at\s+least|greater\s+than(?:\s+or\s+equal\s+to)?|more\s+than|minimum(?:\s+level)?(?:\s+of"
    r"\s+amplification)?(?:\s+is|\s+of)?|of)\s*)?(?<![\w.])(\d+(?:\.\d+)?)\s*(?:or\s+more\s+)?(?:gene\s+)?cop(?:y|ies)"
    r"|cop(?:y|ies)[\s-]*(?:number|count)?\s*(?:\(CN\)\s*)?(?:of\s+)?(?:≥|>=|=>|>|at\s+least|greater\s+than"
    r"(?:\s+or\s+equal\s+to)?|more\s+than|of\s+at\s+least)\s*(\d+(?:\.\d+)?)",
    re.I,
)
_REFINABLE = ("any", "expression", "amplification")  # alterations a sub-bullet's method may refine


def _method_alterations(ev: Evidence, alterations: list[str], methods: set[str]) -> list[str]:
    """What the criterion's methods measure, when the evidence is a result they can refine: a positive one, or a
    negative status the tests define ("HER2 negative: IHC 0, 1+, or 2+ with negative FISH" rules out the protein
    and the amplification both); not a negative that names its own alteration alone ("HER2 2+ by IHC, FISH not
    amplified": no amplification, and a protein the IHC score leaves equivocal)."""
    if ev.wild_type or not (ev.positive or ev.negative or alterations):
        return []
    if ev.negative and not (ev.bare_negative or ev.positive):
        return []
    if not set(alterations) <= {"amplification", "expression", "fusion"}:
        return []
    # a stated fusion is refined by in-situ or IHC tests ("rearrangement by FISH or IHC"), never by a copy count
    counted = "fusion" not in alterations
    return [alt for kind, alt in METHODS if kind in methods and (counted or alt != "amplification")]


def _gene_alterations(gene: str, alterations: list[str], method_alts: list[str], ev: Evidence) -> list[str]:
    """The alterations one gene of the group is stated to have; a negative status keeps its own kind beside what
    its tests measure."""
    # a positive FISH of a stated fusion or of a fusion driver (ALK, ROS1, NTRK) means the fusion, of another
    # gene the amplification; IHC measures the protein (expression) whatever the gene
    in_situ = "fusion" if "fusion" in alterations else vocabulary().ish_alteration.get(gene, "amplification")
    status = vocabulary().status_alteration.get(gene, "any")
    # a receptor read by its protein (ER, PR) is no in-situ test's nor copy count's: "ER < 1%, PR < 1%, HER2 FISH
    # negative"
    tested = [alt for alt in method_alts if alt not in ("ish", "amplification") or status != "expression"]
    gene_methods = list(dict.fromkeys(in_situ if alt == "ish" else alt for alt in tested))
    if alterations:
        return alterations + [a for a in gene_methods if a not in alterations]
    if ev.wild_type:
        return ["mutation"]
    if ev.negative:
        return list(dict.fromkeys([status, *gene_methods]))
    return gene_methods or [status]


def _are_alternatives(group: Group, ev: Evidence, method_alts: list[str]) -> bool:
    """The group's facts are alternatives: a family, genes or alterations joined by "or", or several methods."""
    return (
        any(m.family for m in group.mentions)
        or bool(group.coordination & ALTERNATIVE_JOINS)
        or ev.alternatives
        or bool(method_alts)
    )


def _alteration(word: str, where: str) -> Alteration:
    """`word` as an alteration kind; a vocabulary word that is none is a data error, named with `where`."""
    if not is_alteration(word):
        raise ValueError(f"{where}: {word!r} is not an alteration kind ({', '.join(ALTERATIONS)}); fix the vocabulary")
    return word


def _variants(kinds: dict[str, str], alteration: str) -> list[str | None]:
    """The named variants of this alteration kind, or [None] when the criterion names none."""
    named: list[str | None] = [name for name, kind in kinds.items() if kind == alteration]
    return named or [None]


def copies(text: str, span: Span) -> float | None:
    """The minimum copy number the criterion states ("at least 7 copies", "copy number ≥ 6"), if any."""
    match = _COPIES.search(text, span.start_char, span.end_char)
    if match is None:
        return None
    return float(match.group(1) or match.group(2))


def emit(doc: Doc, k: int, span: Span, group: Group, ev: Evidence, g: int, methods: set[str]) -> list[Biomarker]:
    """The facts of gene group number `g` of criterion `k` with its evidence (`ev.cue_negated` already read)."""
    pol = polarity(span.label_, bool(ev.cue_negated) != (ev.negative or ev.wild_type))
    alterations = list(dict.fromkeys(ev.alterations))
    method_alts = _method_alterations(ev, alterations, methods)
    rows = [
        (gene, _alteration(alt, gene))
        for gene in dict.fromkeys(gene for m in group.mentions for gene in m.genes)
        for alt in _gene_alterations(gene, alterations, method_alts, ev)
    ]
    alternatives = _are_alternatives(group, ev, method_alts)
    min_copies = copies(doc_text(doc), span) if any(alt == "amplification" for _, alt in rows) else None
    first, last = doc[min(group.start, ev.start)], doc[max(group.end, ev.end) - 1]
    span_chars = (first.idx, last.idx + len(last))
    known = vocabulary().variants
    variant_kinds = {name: known[name].alteration if name in known else "mutation" for name in ev.variants}
    named = [(gene, alt, variant) for gene, alt in rows for variant in _variants(variant_kinds, alt)]
    offered = pol == "required" and alternatives
    group_ids = _group_ids(f"{k}:{g}", group, [gene for gene, _, _ in named]) if offered else {}
    return [
        Biomarker(
            gene=gene,
            alteration=alt,
            variant=variant,
            polarity=pol,
            min_copies=min_copies if alt == "amplification" else None,
            any_of=group_ids.get(gene),
            criterion=k,
            span=span_chars,
        )
        for gene, alt, variant in named
    ]


def _group_ids(group_id: str, group: Group, fact_genes: list[str]) -> dict[str, str]:
    """The any_of group of each gene's facts (`fact_genes`: the gene of each fact): one for the whole group, or one
    for each conjunct of a group that joins a member to alternatives by "and" ("HER2+ and ER+ or PR+"); none for a
    conjunct of a single fact."""
    conjuncts = group.conjuncts()
    ids: dict[str, str] = {}
    for n, conjunct in enumerate(conjuncts):
        genes = {gene for m in conjunct for gene in m.genes}
        if sum(gene in genes for gene in fact_genes) > 1:
            own_id = group_id if len(conjuncts) == 1 else f"{group_id}.{n}"
            ids.update((gene, own_id) for gene in genes if gene not in ids)
    return ids


def profile_facts(k: int, span: Span, cues: Cues, ent: Span) -> list[Biomarker]:
    """The facts of a receptor profile ("triple-negative", "HR+/HER2-") with the criterion's polarity."""
    group = Group([Mention(ent.start, ent.end, [])])
    after = token_after(ent.doc, span, ent.end)
    if cues.at(after, "unknown_status") or mention_only(cues, group, Evidence(start=ent.start, end=ent.end), after):
        return []
    negated = cues.negated(ent.start, ent.end, span.label_)
    facts: list[Biomarker] = []
    for n, fact in enumerate(vocabulary().profiles.get(ent.id_, ())):
        pol = polarity(span.label_, negated != fact.negative)
        group_id = f"{k}:p{ent.start}.{n}" if pol == "required" and len(fact.genes) > 1 else None
        facts.extend(
            Biomarker(
                gene=gene,
                alteration=_alteration(fact.alteration, f"profile {ent.id_}"),
                polarity=pol,
                any_of=group_id,
                criterion=k,
                span=(ent.start_char, ent.end_char),
            )
            for gene in fact.genes
        )
    return facts


def inherit(context: DocContext, k: int, span: Span, parent: int, parent_facts: list[Biomarker]) -> list[Biomarker]:
    """A sub-bullet naming only a method or the alteration it shows ("2+ allowed if FISH positive", "0-2+ allowed
    if amplification by FISH") refines the facts of criterion `parent`."""
    if context.criteria[parent].label_ != span.label_:
        return []
    cues = context.cues(k)
    shown = {e.id_ for e in context.ents(frozenset({"ALTERATION"})).get(k, ())} & {"amplification", "expression"}
    if not shown and not any(c.kind == "positive" and is_status(context.doc, c) for c in cues.items):
        return []
    alts = list(dict.fromkeys("amplification" if alt == "ish" else alt for kind, alt in METHODS if cues.has(kind)))
    alts = list(dict.fromkeys(alts + sorted(shown)))
    found = [
        fact.model_copy(update={"alteration": alt, "criterion": k, "span": (span.start_char, span.end_char)})
        for fact in parent_facts
        for alt in alts
        if alt != fact.alteration and fact.alteration in _REFINABLE
    ]
    if found:
        add_kind(context.doc, k, "biomarker")
    return found


def resolve(kept: list[Biomarker], strata: list[Biomarker], status_unknown: set[str]) -> list[Biomarker]:
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
