"""The `tm_biomarkers` component: reads each criterion's gene mentions, their evidence and filters, and emits facts.

    >>> from nlp.pipeline import get_nlp
    >>> doc = get_nlp()("Exclusion Criteria:\\n* Known EGFR or KRAS mutation")
    >>> [(b.gene, b.alteration, b.polarity) for b in doc._.facts["biomarkers"]]
    [('EGFR', 'mutation', 'excluded'), ('KRAS', 'mutation', 'excluded')]

Per criterion: mentions (`mentions`) → gene groups and the evidence beside them (`relations`) → groups that state no
eligibility dropped (`filters`) → facts (`emit`), or uncertain facts when a cohort label, a condition or an
either status governs them (`scopes`). A sub-bullet that names only a method refines the criterion above.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.biomarkers.emit import emit, inherit, profile_facts, resolve
from nlp.biomarkers.filters import (
    cohort_count,
    conditioned,
    defined,
    drug_target,
    either_status,
    mention_only,
    negated_in_bracket,
    offered_instead,
    tested_when_unknown,
    token_after,
    unknown_status,
)
from nlp.biomarkers.mentions import (
    MENTION_LABELS,
    Group,
    Mention,
    bracketed,
    continues_list,
    criterion_mentions,
    gene_groups,
    restates,
)
from nlp.biomarkers.relations import Evidence, Scanner, active_methods, clause_methods, signed_positive
from nlp.biomarkers.scopes import (
    allowed_in_cohort,
    alternative_items,
    cohort_conflicts,
    cohort_label,
    conditional,
    defined_by_nested_items,
    offered_with_other,
    qualifies_one_item,
    shared_by_cohorts,
    subtype_exclusions,
    uncertain,
    unknown_allowed_beside,
)
from nlp.biomarkers.words import PANEL_GENES
from nlp.cohorts import Subgroups, shared_by_every, subgroups
from nlp.models import Biomarker, UncertainFact, Uncertainty
from nlp.polarity import Cues, DocContext, cue_finder, doc_context, polarity
from nlp.sections import add_kind

LABEL_WORDS = 6  # words of a label that ends the criterion before the one it introduces ("For Phase 2 Part 2")
NARROW_REACH = 2  # words between a marker and the exception that narrows it: "HER2-positive disease other than ..."
BACK_REACH = 25  # tokens after a marker within which "... are not eligible" negates it
SUB_BULLETS = 2  # criteria after one with facts that may refine it, up to the next that names a gene
DEFINED_REACH = 10  # tokens after a marker within which "are considered ..." makes its clause a definition
WHILE_TREATED_REACH = 12  # tokens after a marker within which "and are currently receiving" conditions its exclusion
TREATMENT_REACH = 6  # tokens after "currently receiving" within which the treatment is named
PROFILE_OR_REACH = 4  # tokens between a receptor profile's "or" and the other marker it offers: "HER2 positive or"
_TREATMENT_JOINS = {"and", "who", "that", "while"}  # join a marker and a current treatment both must hold
_OTHER_JOINS = {"or", "and/or"}  # offer the current treatment as another reason to exclude
_TREATMENT_WORDS = {"therapy", "treatment"}
_Found = tuple[Group, Evidence, set[str]]  # a gene group, its evidence and the methods that refine it


class BiomarkerExtractor:
    """Writes `doc._.facts["biomarkers"]` (list[Biomarker])."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cue_finder = cue_finder(nlp)

    def __call__(self, doc: Doc) -> Doc:
        facts: list[Biomarker] = []
        doubtful: list[UncertainFact] = []
        context = doc_context(doc, self.cue_finder)
        by_criterion = context.ents(MENTION_LABELS | {"ALTERATION"})
        for k, ents in by_criterion.items():
            if not any(e.label_ in MENTION_LABELS for e in ents):
                continue
            found, unsure = _criterion(context, k, context.cues(k).span, ents)
            doubtful += unsure
            if unsure:
                add_kind(doc, k, "biomarker")
            if not found:
                continue
            facts.extend(found)
            add_kind(doc, k, "biomarker")
            for sub in range(k + 1, min(k + 1 + SUB_BULLETS, len(context.criteria))):
                if any(e.label_ in MENTION_LABELS for e in by_criterion.get(sub, ())):
                    break
                facts.extend(inherit(context, sub, context.criteria[sub], k, found))
        facts, under = _under_subgroups(context, facts)
        doubtful += uncertain(under, "cohort")
        if any(u.reason == "cohort" for u in doubtful):
            shared = shared_by_cohorts(doubtful, _labelled(context))
            facts += shared
            doubtful = [u for u in doubtful if u.biomarker not in shared]
        facts, alternatives = alternative_items(context, facts)
        doubtful += uncertain(alternatives, "either")
        facts, unknown_allowed = unknown_allowed_beside(context, facts)
        doubtful += uncertain(unknown_allowed, "either")
        facts = defined_by_nested_items(context, facts)
        others = [u.biomarker for u in doubtful if u.biomarker is not None and u.reason != "conditional"]
        sections = {k: o.section for k, o in enumerate(context.offsets)}
        facts, moved = cohort_conflicts(facts, sections, others)
        doubtful += uncertain(moved, "cohort")
        facts = subtype_exclusions(facts, sections)
        context.facts["biomarkers"] = facts
        context.facts.setdefault("uncertain", []).extend(doubtful)
        return doc


def _labelled(context: DocContext) -> dict[str, dict[int, str]]:
    """Per section, the criteria that open with a cohort label, each with its label (the words before its colon,
    or the criterion's index where it has none): criteria that repeat one label name one cohort."""
    found: dict[str, dict[int, str]] = {}
    for k, offsets in enumerate(context.offsets):
        cues = context.cues(k)
        if cohort_label(context.doc, cues.span, cues):
            text = cues.span.text
            label = " ".join(text.split(":", 1)[0].lower().split()) if ":" in text else str(k)
            found.setdefault(offsets.section, {})[k] = label
    return found


def _under_subgroups(context: DocContext, facts: list[Biomarker]) -> tuple[list[Biomarker], list[Biomarker]]:
    """Split off the facts of criteria an open subgroup header governs ("For Part 2:" then "- KRAS G12C
    mutation"), except those every such header of a section (two at least) states: requirements of all. Facts a
    closed subgroup governs ("Phase 1 (Closed):") are dropped: no one enrols there."""
    groups = subgroups(context) if facts else Subgroups()
    facts = [f for f in facts if f.criterion not in groups.closed]
    headed = groups.only
    if not headed:
        return facts, []
    shared = shared_by_every(context, ((f.criterion, _key(f)) for f in facts))
    moved = [f for f in facts if f.criterion in headed and _key(f) not in shared]
    return [f for f in facts if f not in moved], moved


def _asked(span: Span, negated: bool | None) -> bool:
    """The criterion asks for what it names (an inclusion, not negated): alternatives of what is asked make each
    optional, while alternatives of what excludes ("any one of the following is present: ..., TP53 abnormality")
    each exclude."""
    return span.label_ == "inclusion" and not negated


def _key(fact: Biomarker) -> tuple:
    return fact.gene, fact.alteration, fact.variant, fact.polarity


def _entered_by_every_clause(entered: list[tuple[tuple[int, int], list[Biomarker]]]) -> set[tuple]:
    """The facts each of two or more clauses requires of its own cohort ("Prior to enrolment in the Phase I part,
    ErbB2 over-expression ... Prior to enrolment in the Phase II part, ErbB2 over-expression ..."): of all."""
    clauses: dict[tuple, set[tuple[int, int]]] = {}
    for clause, facts in entered:
        for fact in facts:
            clauses.setdefault(_key(fact), set()).add(clause)
    every = {clause for clause, _ in entered}
    return {key for key, where in clauses.items() if len(every) > 1 and where == every}


def _label_ends_previous(context: DocContext, k: int) -> bool:
    """The criterion before `k` ends with a short label naming a cohort, arm, part or phase that introduces `k`:
    "Tumor tissue available for biomarker studies. For Phase 2 Part 2" then "- CCND1 amplification"."""
    if k == 0 or context.offsets[k - 1].section != context.offsets[k].section:
        return False
    cues = context.cues(k - 1)
    if len(cues.clauses) < 2:  # a header of its own ("Phase 2:") heads a list, read by its items' own labels
        return False
    start, end = cues.clauses[-1]
    tokens = [t for t in context.doc[start:end] if not t.is_space]
    words = [t for t in tokens if not t.is_punct]
    if not words or len(words) > LABEL_WORDS or tokens[-1].text in (".", ";", ":"):
        return False
    return any(c.kind == "cohort_word" and c.start >= start and c.end - c.start == 1 for c in cues.items)


def _criterion(
    context: DocContext, k: int, span: Span, ents: list[Span]
) -> tuple[list[Biomarker], list[UncertainFact]]:
    """The biomarker facts of criterion `k` (`span`), given its entities, and those it states for only part of
    the population."""
    doc, cues = context.doc, context.cues(k).split_at_labels()
    labels = {t: e for e in ents for t in range(e.start, e.end)}
    mentions = criterion_mentions(doc, ents)
    scanner = Scanner(doc, span, cues, labels)
    status_unknown: set[str] = set()
    consumed: set[int] = set()
    found = _gene_relations(scanner, mentions, active_methods(doc, cues, labels), status_unknown, consumed)
    found += _variant_relations(scanner, mentions, consumed)
    found = _karyotype_misses(span, cues, found)
    kept: list[Biomarker] = []
    strata: list[Biomarker] = []
    doubtful: list[UncertainFact] = []
    labelled = cohort_label(doc, span, cues) or _label_ends_previous(context, k)
    previous: tuple[int, bool | None, str | None] | None = None  # the group before: its end, negation and variant
    runs: list[tuple[int, int, list[Biomarker]]] = []  # required groups in text order: where, and their facts
    entered: list[tuple[tuple[int, int], list[Biomarker]]] = []  # facts a clause puts in one cohort, by clause
    either_status: set[tuple[str, str]] = set()  # markers the criterion gives either status: "PgR + or -"
    denied: list[tuple[int, int, list[Biomarker]]] = []  # statuses an inclusion denies, in text order
    for g, (group, ev, group_methods) in enumerate(sorted(found, key=lambda item: item[0].start)):
        own = (min(group.start, ev.start), max(group.end, ev.end))
        # a negative result read before the group is what a negating cue before it asks for ("mantle cell lymphoma
        # must be excluded by a negative FISH analysis for t(11;14)"), not a second negation
        read_before = ev.negative and ev.start < group.start
        ev.cue_negated = not read_before and (
            cues.negated(group.start, group.end, span.label_, ignore=own, back_window=BACK_REACH)
            or negated_in_bracket(cues, group, span.label_, own, BACK_REACH)
        )
        variant = group.mentions[0].variant if len(group.mentions) == 1 else None
        if (
            not ev.cue_negated
            and previous is not None
            and (
                continues_list(doc, previous[0], own[0], bracketed(doc, span.start, previous[0], own[0], span.end))
                or (variant is not None and variant == previous[2] and restates(doc, previous[0], own[0]))
            )
        ):
            ev.cue_negated = previous[1]
        previous = (own[1], ev.cue_negated, variant)
        facts = emit(doc, k, span, group, ev, g, group_methods)
        in_cohort = not labelled and allowed_in_cohort(doc, cues, *own)
        if in_cohort:
            entered.append((cues.clause(own[0]), facts))
        alternative = _asked(span, ev.cue_negated) and offered_with_other(doc, span, cues, labels, *own)
        narrowed = _narrowed(doc, span, cues, own, facts)
        unnamed = (group.unnamed or ev.unnamed) and any(f.polarity == "required" and f.any_of for f in facts)
        reason: Uncertainty | None = (
            "either" if ev.either or alternative or unnamed
            else "cohort" if labelled or in_cohort or qualifies_one_item(doc, span, labels, *own)
            else "conditional" if ev.conditional or conditional(doc, span, cues, *own) or narrowed
            or _while_treated(doc, span, cues, own, facts)
            else None
        )
        if ev.either:
            either_status.update((f.gene, f.alteration) for f in facts)
        if reason is not None:
            doubtful += uncertain(facts, reason)
        elif cohort_count(doc, span, group):
            strata.extend(facts)
        else:
            kept.extend(facts)
            if facts and all(f.polarity == "required" for f in facts):
                runs.append((*own, facts))
            if facts and span.label_ == "inclusion" and ev.cue_negated and ev.stated:
                denied.append((*own, facts))
    together = _denied_together(doc, denied)
    if together:
        kept = [f for f in kept if not any(f is t for t in together)]
        runs = [run for run in runs if not any(f is t for f in run[2] for t in together)]
        doubtful += uncertain(together, "conditional")
    _join_alternatives(doc, cues, k, runs)
    defined = _defined_by_alternatives(cues, runs)
    kept = [f for f in kept if not any(f is d for d in defined)]
    shared = _entered_by_every_clause(entered)
    back = [u for u in doubtful if u.biomarker is not None and u.reason == "cohort" and _key(u.biomarker) in shared]
    kept += [u.biomarker for u in back if u.biomarker is not None]
    doubtful = [u for u in doubtful if u not in back]
    for ent in ents:
        if ent.label_ == "PROFILE":
            profile = profile_facts(k, span, cues, ent)
            if labelled or allowed_in_cohort(doc, cues, ent.start, ent.end):
                doubtful += uncertain(profile, "cohort")
            elif _asked(span, cues.negated(ent.start, ent.end, span.label_)) and (
                offered_with_other(doc, span, cues, labels, ent.start, ent.end) or _or_marker(span, labels, ent)
            ):
                doubtful += uncertain(profile, "either")
            elif conditional(doc, span, cues, ent.start, ent.end):
                doubtful += uncertain(profile, "conditional")
            else:
                kept.extend(profile)
    previous_panel = k > 0 and context.offsets[k - 1].section == context.offsets[k].section and (
        context.cues(k - 1).has("panel_context")  # "... dMMR by IHC (MLH1, MSH2, MSH6, PMS2); Note: loss of MLH1 ..."
    )
    if cues.has("panel_context") or previous_panel:  # "dMMR by IHC for MLH1, MSH2": the test of a marker, no gene
        kept = [f for f in kept if f.gene not in PANEL_GENES]
    both = {(f.gene, f.alteration) for f in kept + strata + [u.biomarker for u in doubtful if u.biomarker]}
    both = {key for key in both if len({f.polarity for f in kept + strata if (f.gene, f.alteration) == key}
                                        | {u.biomarker.polarity for u in doubtful
                                           if u.biomarker and (u.biomarker.gene, u.biomarker.alteration) == key}) > 1}
    doubtful = [_either_if(u, status_unknown, both) for u in doubtful]
    either = {(u.biomarker.gene, u.biomarker.alteration) for u in doubtful if u.biomarker and u.reason == "either"}
    opposed = [f for f in kept if (f.gene, f.alteration) in (both & either) | either_status]  # "CD20 positive ...;
    doubtful += uncertain(opposed, "either")  # those without CD20 expression are also eligible": the other status
    # may enrol too; and a receptor profile whose member the criterion gives either status ("hormone receptor-positive
    # [ER positive and PgR positive or negative]") does not require that member
    kept = [f for f in kept if f not in opposed]
    return resolve(kept, strata, status_unknown), doubtful


def _denied_together(doc: Doc, denied: list[tuple[int, int, list[Biomarker]]]) -> list[Biomarker]:
    """The facts of marker statuses one negation denies together, joined by "and" alone ("No lymphomas that are CD5+
    and CD23-"): not (A and B) excludes the combination, so a patient with one status and not the other enrols, and
    neither status is required or excluded on its own. Statuses an "or" joins are each denied, and so are the markers
    of one group ("No EGFR and ALK mutations")."""
    together: list[Biomarker] = []
    for (_, end, before), (start, _, after) in zip(denied, denied[1:], strict=False):
        if [t.lower_ for t in doc[end:start] if not t.is_space] == ["and"]:
            together += [f for f in before if not any(f is t for t in together)] + after
    return together


def _defined_by_alternatives(cues: Cues, runs: list[tuple[int, int, list[Biomarker]]]) -> list[Biomarker]:
    """The required facts of a marker that a definition after them gives as alternatives of the same gene
    ("HER2-positive breast cancer, defined as amplification of the HER2 gene or IHC 3+"): the alternatives say
    what its status means, so the facts read from the status alone go."""
    defined: list[Biomarker] = []
    for (_, end, before), (start, _, facts) in zip(runs, runs[1:], strict=False):
        group = {f.any_of for f in facts}
        if len(group) != 1 or None in group or any(f.any_of for f in before):
            continue
        if {f.gene for f in before} <= {f.gene for f in facts} and cues.in_clause(("definition",), end, start):
            defined += before
    return defined


def _or_marker(span: Span, labels: dict[int, Span], ent: Span) -> bool:
    """A receptor profile an "or" joins to another marker ("breast cancer (HER2 positive or triple negative)",
    "triple-negative or HER2-positive"): patients with the other marker's status enrol too, so the profile is one
    alternative."""
    doc = span.doc

    def word(i: int, step: int) -> int:
        while span.start <= i < span.end and doc[i].is_space:
            i += step
        return i

    for step, edge in ((-1, ent.start - 1), (1, ent.end)):
        joint = word(edge, step)
        if not (span.start <= joint < span.end and doc[joint].lower_ in ("or", "and/or")):
            continue
        reach = range(joint + step, joint + step * (PROFILE_OR_REACH + 1), step)
        if any(i in labels and labels[i].label_ in MENTION_LABELS and labels[i] != ent for i in reach):
            return True
    return False


def _karyotype_misses(span: Span, cues: Cues, found: list[_Found]) -> list[_Found]:
    """Drop a karyotype's negative (or mixed) finding of a fusion the criterion then asks for by its molecular name,
    positive: "Ph chromosome negative and BCR-ABL positive", "Ph-positive, or Ph-negative with evidence of the
    BCR-ABL rearrangement", "t(15;17) negative but PML-RARA positive" (the karyotype misses what the molecular test
    finds: the fusion is asked for whichever test finds it, not excluded, and not one status of two). A molecular
    finding that defines a status ("Ph-negative by cytogenetics but BCR-ABL positive by PCR are considered Ph
    positive") asks for none."""
    asked: set[tuple[str | None, int]] = set()
    for group, ev, _ in found:
        own = (min(group.start, ev.start), max(group.end, ev.end))
        molecular = all(m.variant and not m.karyotype for m in group.mentions)
        if cues.in_clause(("definition",), group.end, min(cues.clause(group.start)[1], own[1] + DEFINED_REACH)):
            continue
        if molecular and ev.found and not (ev.negative or ev.either or ev.wild_type or ev.conditional) and not (
            cues.negated(group.start, group.end, span.label_, ignore=own, back_window=BACK_REACH)
        ):
            asked.update((m.variant, group.start) for m in group.mentions)

    def misses(group: Group, ev: Evidence) -> bool:
        if not all(m.karyotype for m in group.mentions):
            return False
        variants = {m.variant for m in group.mentions}
        later = any(variant in variants and at > group.start for variant, at in asked)
        return later and (ev.negative or ev.either)

    return [(group, ev, methods) for group, ev, methods in found if not misses(group, ev)]


def _narrowed(doc: Doc, span: Span, cues: Cues, own: tuple[int, int], facts: list[Biomarker]) -> bool:
    """An exclusion an exception or a condition narrows right after the marker ("an FLT3 mutation other than ITD",
    "t(8;21) lacking del(9q)", "HER2-positive disease not previously treated with trastuzumab"): patients with the
    excepted kind may enrol, so the marker is excluded for some only."""
    first = token_after(doc, span, own[1])
    words = [i for i in range(first, min(span.end, first + 2 * NARROW_REACH)) if not doc[i].is_space]
    narrowing = any(cues.at(i, "narrowing") for i in words[: NARROW_REACH + 1])
    return narrowing and bool(facts) and all(f.polarity == "excluded" for f in facts)


def _while_treated(doc: Doc, span: Span, cues: Cues, own: tuple[int, int], facts: list[Biomarker]) -> bool:
    """An exclusion that joins the marker to a current treatment ("Ph-positive ALL and are currently receiving
    tyrosine kinase inhibitor therapy", "HER2-positive disease who are currently on trastuzumab"): only patients with
    both are excluded, so those with the marker off that treatment may enrol; not a treatment offered as another
    exclusion ("EGFR mutation or currently receiving an EGFR inhibitor")."""
    if not facts or not all(f.polarity == "excluded" for f in facts):
        return False
    limit = min(cues.clause(own[0])[1], own[1] + WHILE_TREATED_REACH)
    for cue in cues.in_clause(("use_now",), own[1], limit):
        joins = [t.lower_ for t in doc[own[1] : cue.start] if t.lower_ in _TREATMENT_JOINS | _OTHER_JOINS]
        if not joins or joins[-1] in _OTHER_JOINS:
            continue
        named = range(cue.end, min(span.end, cue.end + TREATMENT_REACH))
        if any(doc[i].ent_type_ in ("DRUG", "DRUG_CLASS") or doc[i].lower_ in _TREATMENT_WORDS for i in named):
            return True
    return False


def _either_if(fact: UncertainFact, status_unknown: set[str], both: set[tuple]) -> UncertainFact:
    """A cohort's fact whose gene the criterion also gives an unknown or the opposite status ("wild-type EGFR or
    unknown EGFR status, or EGFR mutations") states either status: no cohort shares it as a requirement."""
    b = fact.biomarker
    if fact.reason != "cohort" or b is None or (b.gene not in status_unknown and (b.gene, b.alteration) not in both):
        return fact
    return fact.model_copy(update={"reason": "either"})


def _join_alternatives(doc: Doc, cues: Cues, k: int, runs: list[tuple[int, int, list[Biomarker]]]) -> None:
    """Required groups offered as alternatives ("ETV6 rearrangement (or NTRK3 rearrangement)") share one any_of;
    of a group whose genes are each required ("HER2 + and ER+ or PR +"), only the gene next to the "or" joins."""
    for (_, end, before), (start, _, facts) in zip(runs, runs[1:], strict=False):
        if offered_instead(doc, cues, end, start):
            last, first = _alternative(before, before[-1]), _alternative(facts, facts[0])
            group_id = last[0].any_of or f"{k}:{last[0].span[0]}"
            for fact in last + first:
                fact.any_of = group_id


def _alternative(facts: list[Biomarker], edge: Biomarker) -> list[Biomarker]:
    """The facts of a group that stand as one alternative with `edge`: its any_of group, the genes of its named
    fusion ("t(11;14)" is CCND1 and IGH), or its gene's facts."""
    if edge.any_of is not None:
        return [f for f in facts if f.any_of == edge.any_of]
    if edge.variant is not None:
        return [f for f in facts if f.variant == edge.variant]
    return [f for f in facts if f.gene == edge.gene]


def _gene_relations(
    scanner: Scanner, mentions: list[Mention], methods: set[str], status_unknown: set[str], consumed: set[int]
) -> list[_Found]:
    """The gene groups with evidence that states eligibility; records the genes whose status is only known or
    unknown (`status_unknown`) and the tokens the groups and their evidence take (`consumed`)."""
    doc, span, cues = scanner.doc, scanner.span, scanner.cues
    found: list[_Found] = []
    for group in (part for listed in gene_groups(doc, mentions) for part in _split_expressed(scanner, listed)):
        ev = Evidence()
        for mention in group.mentions:
            ev.positive |= mention.status == "positive"
            ev.negative |= mention.status == "negative"
        scanner.right(group, ev)
        scanner.left(group, ev, status_only=ev.found and not ev.offered_after)
        consumed.update(range(min(ev.start, group.start), max(ev.end, group.end)))
        if unknown_status(doc, span, cues, group, ev) and not _unknown_excluded(scanner, group):
            # "If KRAS status is unknown, tissue is sent", "unknown EGFR status will require testing": a procedure
            if not (conditioned(doc, cues, group) or tested_when_unknown(cues, group, ev)):
                status_unknown.update(gene for m in group.mentions for gene in m.genes)
            continue
        after = token_after(doc, span, max(ev.end, group.end))
        if not ev.found or drug_target(doc, span, cues, group, ev) or defined(doc, span, cues, group):
            continue
        both = ev.positive and ev.negative and not any(m.status for m in group.mentions)
        if both or either_status(cues, group, ev):
            ev.either, ev.negative = True, False
        ev.conditional = conditioned(doc, cues, group)
        if not mention_only(cues, group, ev, after):
            found.append((group, ev, ev.methods or clause_methods(cues, scanner.labels, group, methods)))
    return found


def _split_expressed(scanner: Scanner, group: Group) -> list[Group]:
    """A list a verb of expression opens whose last item names an alteration of another kind ("tumors express ER,
    PR or HER2/neu gene amplification"): the items before the last are expressed, the last has its own alteration,
    so two groups; the group alone otherwise ("express ER or PR overexpression")."""
    if len(group.mentions) < 2:
        return [group]
    before, after = Evidence(), Evidence()
    scanner.left(group, before)
    scanner.right(group, after)
    if "expression" not in before.alterations or not after.alterations or "expression" in after.alterations:
        return [group]
    last = len(group.mentions) - 1
    starts = [s for s in group.conjunct_starts if s < last]
    return [Group(group.mentions[:last], set(group.coordination), group.unnamed, starts), Group(group.mentions[last:])]


def _unknown_excluded(scanner: Scanner, group: Group) -> bool:
    """The unknown status the criterion gives the group is excluded ("Patients with unknown HER2 status are not
    eligible", an exclusion item "HER2 positive or unknown status"): the status must be known, which leaves the
    group's other facts standing. In an exclusion criterion an unknown status said to be allowed ("HER2
    overexpression (unknown HER2 status is not excluded)") is what an exclusion leaves open anyway: the marker's
    exclusion stands too. A bare "status" ("KRAS status must be identified") says nothing unknown."""
    cues = scanner.cues
    said = cues.in_clause(("unknown_status",), *cues.clause(group.start))
    if all(scanner.doc[c.start].lower_ == "status" for c in said):  # "KRAS status" alone: known, not unknown
        return False
    negated = cues.negated(group.start, group.end, scanner.span.label_, back_window=BACK_REACH)
    return polarity(scanner.span.label_, negated) == "excluded"


def _variant_relations(scanner: Scanner, mentions: list[Mention], consumed: set[int]) -> list[_Found]:
    """Named variants not read as a gene's evidence ("BRAF V600E mutation" alone), when they state eligibility."""
    doc, span, cues = scanner.doc, scanner.span, scanner.cues
    found: list[_Found] = []
    for before, m in zip([None, *mentions], mentions, strict=False):
        if m.variant is None or m.start in consumed or not m.genes or _glosses(doc, before, m):
            continue
        group = Group([m])
        ev = Evidence(variants=[m.variant], alterations=[m.variant_alteration or "mutation"])
        scanner.right(group, ev)
        if not (ev.positive or ev.negative or ev.wild_type):
            scanner.left(group, ev, status_only=True)  # "negative FISH for BCR-ABL fusion"
        if m.karyotype:  # a karyotype shows its fusion only: "have t(11;14), or express markers of ..."
            ev.alterations = [alt for alt in ev.alterations if alt == m.variant_alteration]
        if m.needs_status and not (ev.positive or ev.negative):
            continue
        after = token_after(doc, span, max(ev.end, group.end))
        if drug_target(doc, span, cues, group, ev) or mention_only(cues, group, ev, after):
            continue
        ev.positive |= cues.ending_at(m.end, "positive") is not None  # "Philadelphia chromosome-positive"
        ev.positive |= signed_positive(doc[m.start : m.end].text)  # "T790M+"
        if (ev.positive and ev.negative) or either_status(cues, group, ev):
            ev.either, ev.negative = True, False
        ev.conditional = conditioned(doc, cues, group)
        said = cues.at(after, "test_word", "unknown_status")
        if said is None or (ev.stated and doc[said.start].lower_ == "status"):  # "T790M+ mutation status"
            found.append((group, ev, set()))
    return found


def _glosses(doc: Doc, before: Mention | None, m: Mention) -> bool:
    """`m` names, in a bracket right after it, the fusion the karyotype `before` shows: "t(11;14)(IgH/CCND1)" is one
    finding, read with the karyotype."""
    return (
        before is not None
        and before.karyotype
        and before.variant == m.variant
        and m.start == before.end + 2
        and doc[before.end].text == ")"
        and doc[m.start - 1].text in ("(", "[")
    )


@Language.factory("tm_biomarkers", default_config={})
def make_biomarkers(nlp: Language, name: str) -> BiomarkerExtractor:
    return BiomarkerExtractor(nlp, name)
