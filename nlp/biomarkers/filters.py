"""Gene relations that state no eligibility: tested only, status unknown, optional, conditional, a drug's target.

    >>> from nlp.extract import extract_text
    >>> extract_text("Inclusion Criteria:\\n* KRAS status known").biomarkers
    []
    >>> extract_text("Exclusion Criteria:\\n* Prior EGFR inhibitor").biomarkers
    []

Each test reads the cues of `nlp/vocab/cues.jsonl` near the gene group, within its clause; the `*_REACH`
constants bound, in tokens, how far a cue may stand from the group it disqualifies.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from nlp.biomarkers.mentions import MENTION_LABELS, Group
from nlp.biomarkers.relations import Evidence, words_outside_brackets
from nlp.biomarkers.words import DRUG_GLUE, GLUE, RESTRICTIVE_WORDS
from nlp.polarity import FORWARD_WINDOW, Cues

TEST_REACH = 4  # a test word this close before the group makes it a test, not a result: "tested for KRAS"
TESTED_LIST_REACH = 24  # a test word this close before "and for" + the group makes both what is tested
EXCEPTION_REACH = 12  # an exception this close before the group makes it an exception: "except EGFR mutation"
EXCEPTION_LIST_HEAD = 6  # words between an exception and the colon of the list it excepts: "except AML with ...:"
EXCEPTION_LIST_REACH = 20  # words outside brackets from that colon to a marker the list excepts
CONDITIONAL_REACH = 8  # a condition this close before the group makes it a condition: "if ALK positive, ..."
OPTIONAL_REACH = 6  # an "optional" phrase this close after the group makes it optional: "KRAS mutant may enrol"
UNKNOWN_REACH = 20  # an "unknown status" this close after the group's evidence may make its status unknown
BENIGN_REACH = 8  # a "benign"/"non-deleterious" word this close makes the group a kind of variant, not the marker
DRUG_REACH = 3  # glue words after the group before a drug word ("EGFR small molecule inhibitor")
ALTERNATIVE_REACH = 30  # tokens between two gene phrases that an "or" still offers as alternatives
DRUG_LEFT_REACH = 4  # a drug word this close before the group makes the group its target ("anti-PD-L1")
EXAMPLE_REACH = 6  # tokens between "e.g.", "such as" ... and a gene it offers as an example (inclusion criteria)
EITHER_LEFT_REACH = 3  # tokens between an either-status phrase and the group after it: "positive or negative for"
OTHER_PERSON_REACH = 4  # tokens after the group within which a relative makes it theirs: "... in a family member"
INSUFFICIENT_REACH = 12  # a "not sufficient" this close after the group: "overexpression by IHC will not be sufficient"
HEDGE_REACH = 6  # tokens between "may harbor", "suspected to have" ... and the marker it guesses at
_BEFORE_KINDS = (
    "uncertain", "optional", "conditional", "test_before", "exception", "other_person", "other_disease", "hedge"
)
OTHER_DISEASE_REACH = 6  # tokens between "another cancer", "prior malignancy" ... and a marker of that disease
_PERCENT = {"%", "percent"}


def token_after(doc: Doc, span: Span, i: int) -> int:
    """The first token from `i` in the criterion that is neither space nor glue ("is", "must", "-")."""
    while i < span.end and (doc[i].is_space or doc[i].lower_ in GLUE):
        i += 1
    return i


def _labels_a_marker(doc: Doc, span: Span, i: int) -> bool:
    """Token `i` is the colon of a label and a marker's name follows it: "Hormone receptor status: ER positive"
    says the status of the marker named after the colon ("Hormone receptor status: Not specified" does not)."""
    colon = token_after(doc, span, i)
    if colon >= span.end or doc[colon].text != ":":
        return False
    value = token_after(doc, span, colon + 1)
    return value < span.end and doc[value].ent_type_ in MENTION_LABELS


def unknown_status(doc: Doc, span: Span, cues: Cues, group: Group, ev: Evidence) -> bool:
    """The status is only said to be known or unknown: "KRAS status", "ER+ and/or PR+ or unknown status"; not a
    "status:" label whose value names a marker ("Hormone receptor status: Estrogen receptor positive")."""
    end = max(ev.end, group.end)
    stated = ev.stated

    def unknown(i: int) -> bool:
        cue = cues.at(i, "unknown_status")
        if cue is None or doc[cue.start].lower_ != "status":
            return cue is not None
        if _labels_a_marker(doc, span, cue.end):
            return False
        determined = any(cues.at(j, "status_method") for j in range(cue.end, min(span.end, cue.end + 3)))
        return not (stated or determined)  # "HER2 status can be determined by IHC or FISH" says how

    if any(unknown(i) for i in range(group.end, end + 1)):
        return True
    i = end
    clause_end = cues.clause(group.start)[1]
    while i < min(clause_end, end + UNKNOWN_REACH):
        if unknown(i):
            j = i - 1
            while j > end and doc[j].is_space:
                j -= 1
            return doc[j].lower_ in ("or", "and/or") or i == token_after(doc, span, end)
        if doc[i].lower_ in {".", ";"}:
            break
        i += 1
    return False


def tested_when_unknown(cues: Cues, group: Group, ev: Evidence) -> bool:
    """The clause that gives the group an unknown status goes on to test it ("patients of unknown EGFR mutation
    status will require testing", "whose BRCA status is unknown will be screened for BRCA mutation"): a procedure
    that settles the status, not an allowance of unknown status; one offered as an alternative ("ER+ or ER status
    unknown (tissue will be tested)") still allows it."""
    doc = cues.span.doc
    i = group.start - 1
    while i >= cues.span.start and (doc[i].is_space or cues.at(i, "unknown_status")):
        i -= 1
    if i >= cues.span.start and doc[i].lower_ in ("or", "and/or"):
        return False
    end = max(ev.end, group.end)
    tests = cues.in_clause(("test_word", "test_before", "future_test"), end, cues.clause(group.start)[1])
    return any(not cues.at(c.start, "unknown_status") for c in tests)  # "unknown" itself is no test


def cohort_count(doc: Doc, span: Span, group: Group) -> bool:
    """ "8 KRAS wild-type and 8 KRAS mutant": patients counted per stratum, not an eligibility rule."""
    return group.start > span.start and doc[group.start - 1].text.isdigit()


def _share_of_cells(cues: Cues, group: Group) -> bool:
    """A karyotype's finding after a percentage ("65% Ph+", "1 to 35% Ph-positive", "0% Philadelphia
    chromosome-positive"): the share of cells that carry it, a level of cytogenetic response; a percentage of cells
    expressing a protein ("at least 20% CD33-positive") still asks for the marker."""
    if not all(m.karyotype for m in group.mentions):
        return False
    doc = cues.span.doc
    i = group.start - 1
    while i > cues.span.start and doc[i].is_space:
        i -= 1
    return i > cues.span.start and doc[i].lower_ in _PERCENT and doc[i - 1].like_num


def mention_only(cues: Cues, group: Group, ev: Evidence, after: int) -> bool:
    """Only a mention: tested, preferred, stratified, allowed, or a condition for something else.

    `after` is `token_after` the group's evidence."""
    if cues.at(after, "test_word") and not ev.stated:
        return True
    if ev.start >= group.start and after == max(ev.end, group.end) and cues.at(after, "measured_unit"):
        return True  # "Ki67-positive cells", "Ph-negative metaphases": a measurement, not the patient's status
    if _share_of_cells(cues, group):
        return True  # "no cytogenetic response (ie, >= 65% Ph+)": a response level, not the patient's status
    clause_start, clause_end = cues.clause(group.start)
    before = cues.in_clause(_BEFORE_KINDS, clause_start, group.start)
    if any(c.kind == "test_before" and group.start - c.end <= TEST_REACH for c in before):
        return True
    if _tested_too(cues, group, before):
        return True
    if any(
        c.kind == "exception"
        and (
            min(group.start - c.end, bracketed_reach(cues.span.doc, c.end, group.start)) <= EXCEPTION_REACH
            or _excepted_list(cues.span.doc, c.end, group.start)
        )
        for c in before
    ):
        return True  # "except for APL (as proven by ... [PML-RARα])": the marker proves what is excepted
    examples = cues.in_clause(("example",), clause_start, group.start)
    doc = cues.span.doc
    required = cues.span.label_ == "inclusion" and not (
        cues.negated(group.start, group.end, "inclusion")
        or negated_in_bracket(cues, group, "inclusion", (group.start, group.end), None)
    )
    if required and any(
        not _closed(doc, c.end, group.start) and (group.start - c.end <= EXAMPLE_REACH or doc[c.start - 1].text == "(")
        for c in examples
    ):
        return True  # "solid tumours, including but not limited to PIK3CA-mutant cancers": examples of a kind
        # that is required (examples of what is excluded are excluded: "no favourable karyotype (e.g., t(8;21))")
    if any(c.kind in ("uncertain", "optional", "other_person") for c in before):
        return True  # "preferred", "allowed", "family history of": not the patient's own requirement
    if any(c.kind == "hedge" and _hedges(cues, c.start, c.end, group.start) for c in before):
        return True  # "whose tumors may harbor AKT1, PIK3CA, or other mutations": a guess, no status asked
    if any(
        c.kind == "other_disease" and group.start - c.end <= OTHER_DISEASE_REACH
        and not any(t.lower_ in ("and", "with", "without") for t in doc[c.end : group.start])
        for c in before
    ):
        return True  # "another cancer (e.g., EGFR-mutant lung cancer)": a marker of that other disease
    if _immunophenotype(cues, group, ev):
        return True  # "hairy cells which co-express CD20/CD25": markers that define the disease, not eligibility
    near = (group.start - BENIGN_REACH, max(ev.end, group.end) + BENIGN_REACH)
    if any(near[0] <= c.start and c.end <= near[1] for c in cues.in_clause(("benign",), clause_start, clause_end)):
        return True  # "BRCA mutations that are considered non-deleterious": a kind of variant, not the marker
    end = max(ev.end, group.end)
    if any(c.start - end <= OTHER_PERSON_REACH for c in cues.in_clause(("other_person",), end, clause_end)):
        return True  # "germline BRCA mutation in a family member"
    if any(
        c.start - end <= OPTIONAL_REACH and not _names_marker(doc, end, c.start)
        for c in cues.in_clause(("future_test",), end, clause_end)
    ):  # "PD-L1 expression will be evaluated centrally": a test the study does, not a requirement; not "must
        return True  # express CD30 (whenever possible CD30 expression will be assessed ...)", which tests the next
    if any(c.start - end <= INSUFFICIENT_REACH for c in cues.in_clause(("insufficient",), end, clause_end)):
        return True  # "HER2 overexpression by IHC will not be sufficient": a result that does not qualify
    if _restricted(doc, clause_start, group.start):
        return False  # "Only EGFR and ALK wild-type are allowed": what is allowed is all that is
    optional = cues.in_clause(("optional",), end, clause_end)
    return any(_unbracketed(doc, end, c.start) <= OPTIONAL_REACH for c in optional)


def _restricted(doc: Doc, clause_start: int, start: int) -> bool:
    """The clause opens with a restrictive word before token `start` ("Only ..."): its allowance is a requirement."""
    i = clause_start
    while i < start and (doc[i].is_space or doc[i].is_punct):
        i += 1
    return i < start and doc[i].lower_ in RESTRICTIVE_WORDS


def _immunophenotype(cues: Cues, group: Group, ev: Evidence) -> bool:
    """The group's evidence is a co-expression word ("B-cells that co-express CD5", "CD23 co-expression"): the
    immunophenotype that establishes the diagnosis, which the guide does not list as biomarkers."""
    start, end = min(ev.start, group.start), max(ev.end, group.end)
    return any(c.start < end and start < c.end for c in cues.items if c.kind == "immunophenotype")


def _tested_too(cues: Cues, group: Group, before: list) -> bool:
    """The group is another thing a test before it is for, joined by a conjunction and a repeated "for" or "of":
    "tissue available for analysis of CD20 staining, and for expression of CD19 by IHC"."""
    doc = cues.span.doc
    words = [t for t in doc[max(cues.span.start, group.start - TEST_REACH) : group.start] if not t.is_space]
    pairs = zip(words, words[1:], strict=False)
    joined = any(a.lower_ in ("and", "or", "and/or") and b.lower_ in ("for", "of") for a, b in pairs)
    return joined and any(
        c.kind == "test_before" and TEST_REACH < group.start - c.end <= TESTED_LIST_REACH for c in before
    )


def _hedges(cues: Cues, hedge_start: int, hedge_end: int, start: int) -> bool:
    """The hedge at tokens [hedge_start, hedge_end) ("may harbor", "suspected to have") governs the marker at token
    `start`: within `HEDGE_REACH`, no other modal between them ("may have had prior therapy and must have ..."), and
    not offered beside a finding ("known or suspected to have PSMA expression", which asks for the marker, known or
    suspected)."""
    doc = cues.span.doc
    if start - hedge_end > HEDGE_REACH or any(c.kind == "modal" and hedge_end <= c.start < start for c in cues.items):
        return False
    before = hedge_start - 1
    while before >= cues.span.start and doc[before].is_space:
        before -= 1
    return before < cues.span.start or doc[before].lower_ not in ("or", "and/or")


def _excepted_list(doc: Doc, cue_end: int, start: int) -> bool:
    """The marker at token `start` is an item of the list an exception opens with a colon after a short head ("except
    AML with good risk karyotypes: AML M3 (t15; 17), AML M4Eo (inv 16), AML t (8;21)", "an FLT3 mutation other than
    the following: FLT3-ITD, FLT3-TKD/D835 ..."), its clause not ended between: every item of the list is excepted,
    not what a run-together text goes on to say after it (`EXCEPTION_LIST_REACH` words from the colon)."""
    colon = next((i for i in range(cue_end, start) if doc[i].text == ":"), None)
    return (
        colon is not None
        and words_outside_brackets(doc, cue_end, colon)[0] <= EXCEPTION_LIST_HEAD
        and words_outside_brackets(doc, colon, start)[0] <= EXCEPTION_LIST_REACH
    )


def _unbracketed(doc: Doc, start: int, end: int) -> float:
    """Tokens in [start, end) outside brackets: an aside does not part a marker from what is said of it
    ("Overexpression of HER2 (2+ or 3+ by IHC) allowed if ..."); infinite when `end` is inside a bracket opened
    after `start`, which speaks of something else ("... mutation (patients ... can be enrolled)")."""
    count, depth = words_outside_brackets(doc, start, end)
    return count if depth == 0 else float("inf")


def bracketed_reach(doc: Doc, cue_end: int, start: int) -> float:
    """Words from a cue's end to a marker at `start` inside a bracket opened after the cue, the brackets' words not
    counted: such a bracket lists or proves what the cue speaks of ("excluding ... favorable cytogenetic
    abnormalities [inv16, t(8;21)]", "except for APL (as proven by ... [PML-RARα])"). Infinite when the marker is
    inside no bracket opened after the cue."""
    count, depth = words_outside_brackets(doc, cue_end, start)
    return count if depth > 0 else float("inf")


def negated_in_bracket(
    cues: Cues, group: Group, section: str, own: tuple[int, int], back_window: int | None
) -> bool:
    """A negation of what follows it (a `bracket_negation` cue: "excluding", "no", "without" ..., not a verb's "not")
    further than its window from a group inside a bracket negates it when the words outside brackets between them
    are within the window ("excluding subjects with APL or with favorable cytogenetic abnormalities [inv16,
    t(8;21)]"): the bracket names what the negation denies."""
    doc = cues.span.doc
    clause_start = cues.clause(group.start)[0]
    for cue in cues.in_clause(("bracket_negation",), clause_start, group.start):
        reach = group.start - cue.end
        if reach > FORWARD_WINDOW and bracketed_reach(doc, cue.end, group.start) <= FORWARD_WINDOW:
            return cues.negated(group.start, group.end, section, ignore=own, window=reach, back_window=back_window)
    return False


def _names_marker(doc: Doc, start: int, end: int) -> bool:
    """A gene, gene family, variant or receptor profile is named within tokens [start, end)."""
    return any(token.ent_type_ in MENTION_LABELS for token in doc[start:end])


def _closed(doc: Doc, start: int, end: int) -> bool:
    """A bracket open before `start` closes within tokens [start, end): brackets opened and closed inside
    ("(e.g., t(1;19) or MLL rearrangement)") do not count."""
    depth = 0
    for token in doc[start:end]:
        depth += token.text.count("(") - token.text.count(")")
        if depth < 0:
            return True
    return False


def conditioned(doc: Doc, cues: Cues, group: Group) -> bool:
    """A condition stands just before the group in its clause ("if ALK positive, ..."), or opens the clause ("If
    the tumor is an adenocarcinoma, EGFR wild-type"); not one offered as an alternative: "NTRK fusion (or in the
    case of infantile fibrosarcoma, ETV6 rearrangement)"."""
    clause_start = cues.clause(group.start)[0]
    opening = clause_start
    while opening < group.start and (doc[opening].is_space or doc[opening].is_punct):
        opening += 1
    return any(
        c.start == opening
        or (group.start - c.end <= CONDITIONAL_REACH and not (c.start > clause_start and _after_or(doc, c.start)))
        for c in cues.in_clause(("conditional",), clause_start, group.start)
    )


def _after_or(doc: Doc, i: int) -> bool:
    return doc[i - 1].lower_ == "or"


def defined(doc: Doc, span: Span, cues: Cues, group: Group) -> bool:
    """The group is the subject of a definition of a status the text stated before: "... HER2-negative breast
    carcinoma. HER2 will be considered negative if IHC 0 or FISH negative"."""
    if cues.at(token_after(doc, span, group.end), "definition") is None:
        return False
    genes = {gene for m in group.mentions for gene in m.genes}
    return any(e.label_ == "GENE" and e.id_ in genes and e.end <= group.start for e in doc.ents)


def either_status(cues: Cues, group: Group, ev: Evidence) -> bool:
    """ "PR +/-", "HER2 positive or negative", "EGFR mutant or wild-type", "positive or negative for PD-L1", or
    patients with the marker "are also eligible": either status may enrol."""
    end = max(ev.end, group.end)
    if any(cues.at(i, "either_status") for i in range(group.end, end + 2)):
        return True
    if any(c.start - end <= OPTIONAL_REACH for c in cues.in_clause(("also_allowed",), end, cues.clause(end)[1])):
        return True
    doc = cues.span.doc
    return any(
        c.kind == "either_status"
        and 0 <= group.start - c.end <= EITHER_LEFT_REACH
        and not any(t.is_punct or t.lower_ in ("and", "or") for t in doc[c.end : group.start])
        for c in cues.items
    )


def offered_instead(doc: Doc, cues: Cues, end: int, start: int) -> bool:
    """An "or" joins the gene phrase ending at `end` to the one starting at `start`, in one clause and close:
    "documented ETV6 rearrangement (or NTRK3 rearrangement)", "ALK positive by FISH, or ROS1 fusion"; or each is an
    item of an inline dash list whose lead-in offers alternatives ("any of the following: - t(4;11) - t(9;22)")."""
    if start - end > ALTERNATIVE_REACH or cues.clause(end)[0] != cues.clause(start)[0]:
        return False
    return any(doc[i].lower_ in ("or", "and/or") for i in range(end, start)) or _inline_alternatives(doc, cues, end,
                                                                                                     start)


def _inline_alternatives(doc: Doc, cues: Cues, end: int, start: int) -> bool:
    """The gene phrases ending at `end` and starting at `start` are items of one inline dash list that an
    `alternatives_header` cue leads into with a colon, in the clause of both."""
    if not any(cues.inline_bullet(i) for i in range(end, start)):
        return False
    clause_start = cues.clause(end)[0]
    return any(
        c.kind == "alternatives_header" and clause_start <= c.start and c.end <= end
        and any(doc[i].text == ":" for i in range(c.end, end))
        for c in cues.items
    )


def drug_target(doc: Doc, span: Span, cues: Cues, group: Group, ev: Evidence) -> bool:
    """The group names a drug's target: "EGFR inhibitor", "KRAS G12C-targeted therapy", "anti-PD-L1",
    "drugs that target EGFR", "inhibitors of BCR-ABL", "targeted therapy for abnormalities in ALK"."""
    for end in dict.fromkeys((group.end, max(group.end, ev.end))):
        i = end
        while i < min(span.end, end + DRUG_REACH) and (doc[i].is_space or doc[i].lower_ in DRUG_GLUE):
            i += 1
        if i < span.end and cues.at(i, "drug_context"):
            return True
    return any(
        (c.kind == "drug_context_left" and group.start - DRUG_LEFT_REACH <= c.start and c.end <= group.start)
        or (c.kind == "drug_context_for" and 0 <= group.start - c.end <= DRUG_LEFT_REACH)
        for c in cues.items
    )
