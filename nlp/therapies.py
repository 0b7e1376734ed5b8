"""The `tm_therapies` component: prior therapies a trial requires or excludes, by drug or drug class.

    >>> from nlp.pipeline import get_nlp
    >>> doc = get_nlp()("Inclusion Criteria:\\n* Must have progressed on a prior TRK inhibitor")
    >>> [(t.drug_or_class, t.polarity) for t in doc._.facts["prior_therapies"]]
    [('trk inhibitor', 'required')]

A generic class aimed at a gene ("tyrosine kinase inhibitors targeting TRK") becomes that gene's class
("trk inhibitor"); targets listed before a class ("Trk, ROS1, or ALK inhibitors") give one rule per class.
A DRUG or DRUG_CLASS entity is a prior-therapy fact when its clause speaks of treatment already given
("prior", "previously treated with", "progressed on", "refractory to", "-pretreated") or never given
("naive", "no prior"). Inclusion + given → required; inclusion + never given, or exclusion + given →
excluded; the ConText negation of `nlp.polarity` applies ("must not have received"). Drugs only mentioned as
allowed ("prior tamoxifen is allowed", "Patients treated with adjuvant trastuzumab are allowed if ..."), as
exceptions ("other than bevacizumab"), as washout windows ("within 4 weeks", "=< 2 weeks prior to starting study
drug", "> 6 weeks prior to enrollment": `_window_after`), or in allergy, concurrent-use and
planned-treatment contexts give no fact. A regimen
("FOLFOX", "R-CHOP") gives none either: criteria name regimens mostly as examples, allowances or conditions of
another requirement ("subjects who received adjuvant FOLFOX ... are eligible"), which these rules would misread as
requirements; a patient's regimen still meets or breaks the rules on its drugs (`search.verdicts`).

A broad class (chemotherapy, radiotherapy, immunotherapy, insulin, corticosteroids, anticoagulants: `broad` in
`drugs.jsonl`), or a drug of broad classes alone (warfarin, prednisone), gives a rule only when nothing narrows it.
It, or the list it ends ("chemotherapy or radiotherapy"), with any parenthesis after it that is not an exception
("(except brain irradiation)", as "except hydroxyurea" is not), must be followed by the end
of its clause, the next heading of a run-in list ("Radiotherapy:"), "-naive", "-pretreated" or a `broad_therapy_end`
word ("is", "such as", "regimens"), never by a heading's colon, a scope ("radiotherapy to the pelvis", "chemotherapy
for metastatic disease", "in the last 3 months", "pneumonitis"; "for" the disease itself is none: "no previous
chemotherapy treatment for Multiple Myeloma", "for this malignancy"); it must come after a cue, punctuation or a
`broad_therapy_start` word ("prior", "systemic", "any"), not a site ("thoracic radiotherapy", "whole brain
irradiation") nor a qualifier in parentheses ("high dose (pre transplant) chemotherapy"; a drug listed before it may
keep its own: "chemotherapy (except ...) or radiotherapy"); and no count may stand before it ("more than 2 prior
chemotherapy regimens"; an "at least" one is a requirement and stays); nor may its clause name the place of a treated
lesion (a `therapy_site` cue: "outside the field of any prior radiation", "within a previous radiation port",
"previously irradiated"), where the class is a location, not a rule. Such text holds for only part of the patients
who had the class, so it gives no rule.

Beside the history, `current_therapies` lists what a patient must not be taking now (`_in_use`): a drug or class after
a `use_now` cue ("No concurrent corticosteroids", "Current antidepressant therapy") or in a washout window ("At least
4 weeks since prior chemotherapy", "No use of systemic corticosteroids within the past month", "received cetuximab =< 4
weeks prior to starting study drug", "less than 5 half-lives from prior crizotinib"), unless the use is
allowed, an exception, a condition or one of alternatives ("... OR stable steroid dose"), or a scope, a dose or a
qualifier narrows it ("as antiemetics", "to the pelvis", "greater than 10 mg/day of prednisone", "spinal
radiotherapy").

Drugs a required list offers as alternatives ("prior chemotherapy or prior radiotherapy", the cue said again before
each) give one rule each in the same criterion, which `search.verdicts` already judges as possible alternatives (one
met leaves the others unknown, never not met). A required drug offered after an "or" as the alternative of a treatment
no entity names ("prior systemic therapy OR prior radiation therapy", "prior surgery or prior docetaxel") goes to
`uncertain` (reason "either"): it is required only of patients who lack the other.

A drug given for a capped time ("Exposure to levodopa of 14 days or less", "treated with prednisone for less than 3
weeks") is no requirement: the text excludes a longer exposure only, which a list of therapies without durations does
not decide, so the rule goes to `uncertain` as excluded (reason "conditional").

A rule that holds for one subgroup only goes to `uncertain` (reason "cohort"), which matching reports as unknown: under
a subgroup header ("For Part 2:", `nlp.cohorts`; a closed subgroup's rules are dropped), in a criterion that opens
with a cohort label ("Cohort B: prior crizotinib"), or a drug the inclusion criteria both require and exclude
("EXP-1: ROS1 TKI-naive ...; EXP-2: prior ROS1 TKI ..."): cohorts with opposite histories. A current-therapy rule
of a subgroup goes there too (kind "current_therapy").
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.biomarkers.scopes import cohort_label, one_of_alternatives
from nlp.cohorts import Subgroups, subgroups
from nlp.diseases import is_cancer, map_condition
from nlp.models import CurrentTherapy, PriorTherapy, UncertainFact, Uncertainty
from nlp.polarity import Cue, Cues, DocContext, cue_finder, doc_context, polarity
from nlp.sections import CriterionOffsets, add_kind
from nlp.vocab import is_broad_class, vocabulary

DRUG_LABELS = {"DRUG", "DRUG_CLASS"}
TARGET_LABELS = {"GENE", "GENE_FAMILY"}
_TARGETING = {"targeting", "that", "target", "targets", "against", "directed", "the", "of"}
_LISTING = {",", "or", "and", "and/or", "/", "nor"}  # between targets listed before a class
PRIOR_REACH = 15
TOXICITY_REACH = 2  # tokens between an adverse event and the link to the drug that caused it: "neuropathy after"
AFTER_REACH = 3
USE_REACH = 4  # words between "concurrent" and its drug, or after a drug (or its list) and a washout's "within"
_SKIP_BEFORE = ("not_prior", "exception")
_SKIP_AFTER = ("optional", "allowance")
ALLOWANCE_REACH = 8  # words between a drug and the allowance after it; up to PRIOR_REACH when they only finish a
# list or state a dose (`list_or_dose` cues)
_REPEATED = ("prior", "naive", "broad_therapy_start")  # cues said again before each drug of a list
_OR = {"or", "and/or"}
_ALTERNATIVE_WORDS = 4
WINDOW_WORDS = 8  # words between a drug (or its list) and the number of a washout window after it ("targeted therapy
# (e.g., sunitinib), except ALK inhibitors, =< 2 weeks prior to starting study drug")
_FOR_WORDS = 2  # qualifiers between a washout's "for" and its drug ("6 weeks for liposomal cytarabine")
EXPOSURE_WORDS = 3  # words between a drug (or its list) and the "for" / "of" of a capped exposure ("levodopa or
# dopamine agonists of 14 days or less")


class TherapyExtractor:
    """Writes `doc._.facts["prior_therapies"]` (list[PriorTherapy])."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cue_finder = cue_finder(nlp)

    def __call__(self, doc: Doc) -> Doc:
        facts: list[PriorTherapy] = []
        subgroup: list[PriorTherapy] = []
        context = doc_context(doc, self.cue_finder)
        targets = context.ents(TARGET_LABELS)
        groups: Subgroups | None = None
        in_use: list[CurrentTherapy] = []
        in_use_subgroup: list[CurrentTherapy] = []
        either: list[PriorTherapy] = []
        capped: list[PriorTherapy] = []
        drugs = context.ents(DRUG_LABELS)
        listed = _washout_items(context, drugs)
        for k, ents in drugs.items():
            cues = context.cues(k)
            found = self._criterion(doc, k, cues.span, cues, ents, targets.get(k, []))
            now = _in_use(doc, k, cues, ents) or (_listed_use(doc, k, cues, ents) if k in listed else [])
            if not found and not now:
                continue
            add_kind(doc, k, "prior_therapy")
            if groups is None:
                groups = subgroups(context)
            if k in groups.closed:
                continue
            either.extend(t for t, reason in found if reason == "either")
            capped.extend(t for t, reason in found if reason == "conditional")
            rules = [t for t, reason in found if reason is None]
            if k in groups.only or cohort_label(doc, cues.span, cues):
                subgroup.extend(rules)
                in_use_subgroup.extend(now)
            else:
                facts.extend(rules)
                in_use.extend(now)
        for k, rule in _untreated_cancer(context):
            if groups is None:
                groups = subgroups(context)
            if k in groups.closed:
                continue
            add_kind(doc, k, "prior_therapy")
            (subgroup if k in groups.only else facts).append(rule)
        facts, opposed = _opposed_in_inclusion(context, facts)
        allowed = _allowed_elsewhere(context, drugs, targets)
        lifted = [t for t in facts if t.polarity == "excluded" and (t.drug_or_class, t.criterion) in allowed]
        capped += lifted
        facts = [t for t in facts if t not in lifted]
        context.facts["prior_therapies"] = facts
        context.facts["current_therapies"] = in_use
        context.facts.setdefault("uncertain", []).extend(
            [UncertainFact(kind="prior_therapy", reason="cohort", therapy=t, criterion=t.criterion, span=t.span)
             for t in subgroup + opposed]
            + [UncertainFact(kind="prior_therapy", reason="either", therapy=t, criterion=t.criterion, span=t.span)
               for t in either]
            + [UncertainFact(kind="prior_therapy", reason="conditional", therapy=t, criterion=t.criterion, span=t.span)
               for t in capped]
            + [UncertainFact(kind="current_therapy", reason="cohort", current_therapy=t, criterion=t.criterion,
                             span=t.span) for t in in_use_subgroup]
        )
        return doc

    def _criterion(
        self, doc: Doc, k: int, span: Span, cues: Cues, ents: list[Span], targets: list[Span]
    ) -> list[tuple[PriorTherapy, Uncertainty | None]]:
        """The criterion's rules, each with why it holds for part of the patients only: "either" for the alternative
        of a therapy no entity names, "conditional" for an exposure the text caps (`_capped_exposure`)."""
        seen: set[tuple[str, str]] = set()
        found = []
        regimens = vocabulary().components
        for ent in ents:
            if ent.label_ == "DRUG" and ent.ent_id_ in regimens:
                continue
            given = _given(cues, ent)
            if given is None or _skipped(doc, cues, ent) or _narrowed_broad(doc, cues, ent, ents):
                continue
            naive = _naive_cue(cues, ent) if not given else None
            own = (naive.start, naive.end) if naive is not None else (0, 0)
            negated = cues.negated(ent.start, ent.end, span.label_, ignore=own) != (not given)
            pol = polarity(span.label_, negated)
            if _opened_by_no(span, cues):
                as_inclusion = cues.negated(ent.start, ent.end, "inclusion", ignore=own) != (not given)
                pol = "excluded" if "excluded" in (pol, polarity("inclusion", as_inclusion)) else "required"
            pol = "excluded" if _prohibited(cues, ent) else pol
            windowed = pol == "excluded" and _window_after(doc, cues, ent, ents) is not None
            if windowed or _window_before(doc, cues, ent, ents):
                continue
            named, end = _targeted_class(doc, ent, targets)
            reason: Uncertainty | None = None
            if given and _capped_exposure(doc, cues, ent, ents):
                pol, reason = "excluded", "conditional"
            elif pol == "required" and _unnamed_alternative(doc, cues, ent, ents):
                reason = "either"
            for name, start in [*_listed_classes(doc, span, ent, targets), (named, ent.start_char)]:
                if (name, pol) in seen:
                    continue
                seen.add((name, pol))
                found.append((PriorTherapy(drug_or_class=name, polarity=pol, criterion=k, span=(start, end)), reason))
        return found


def _in_use(doc: Doc, k: int, cues: Cues, ents: list[Span]) -> list[CurrentTherapy]:
    """The drugs and classes a criterion forbids taking now: after a `use_now` cue ("No concurrent X", "Current X
    therapy"), or inside a washout window (`use_since` before it: "At least 4 weeks since prior X"; `use_within` just
    after it or its list: "No use of X within the past month"); excluded, by section and negation, except a window
    opened by "since", which excludes whatever the section. None when the use is allowed, an exception, a condition, a
    scope follows ("No concurrent corticosteroids as antiemetics", "radiotherapy to the pelvis"), or the clause names
    the place of a treated lesion: those hold for part of the patients who take the drug."""
    if not cues.has("use_now", "use_since", "use_within", "window_end"):
        return []  # `_use_window` finds a window only by one of these cues
    found: dict[str, CurrentTherapy] = {}
    regimens = vocabulary().components
    section = cues.span.label_
    for ent in ents:
        if ent.label_ == "DRUG" and ent.ent_id_ in regimens or ent.ent_id_ in found:
            continue
        window = _use_window(cues, ent, ents)
        if window is None or _use_limited(doc, cues, ent, ents) or _qualified_broad(doc, cues, ent, ents):
            continue
        if window != "use_since" and polarity(section, cues.negated(ent.start, ent.end, section)) != "excluded":
            continue
        found[ent.ent_id_] = CurrentTherapy(drug_or_class=ent.ent_id_, criterion=k, span=(ent.start_char, ent.end_char))
    return list(found.values())


def _washout_items(context: DocContext, drugs: dict[int, list[Span]]) -> set[int]:
    """The criteria listed under a washout header: a criterion ending in a colon that announces a list of drugs
    (`use_list_header`: "the medications listed below", "the following medications") and forbids their use now or
    within a window (`_forbids_use`), then each next criterion of its section that names a drug or a time ("Inhaled
    corticosteroids for 4 weeks;", "Salmeterol (Serevent) for 9 days", "Azelastine nasal spray for 6 days" with a
    drug the vocabulary lacks), up to the first that names neither or opens another list."""
    items: set[int] = set()
    offsets = context.offsets
    headers = _colon_ended(context.text, offsets)
    for k in sorted(headers):
        here = offsets[k]
        # most headers name no list of drugs: the cheap test on the text spares finding their cues
        if not context.finder.may_find(context.text[here.start_char : here.end_char], "use_list_header") \
                or not _forbids_use(context.cues(k)):
            continue
        i = k + 1
        while i < len(offsets) and offsets[i].section == here.section and i not in headers and (
                i in drugs or _names_a_time(context.cues(i))):
            items.add(i)
            i += 1
    return items


def _colon_ended(text: str, offsets: list[CriterionOffsets]) -> set[int]:
    """The criteria whose last character but whitespace is a colon, found from the text's colons (a few a text),
    not by reading every criterion."""
    starts = [c.start_char for c in offsets]
    found: set[int] = set()
    at = text.find(":")
    while at >= 0:
        k = bisect_right(starts, at) - 1
        if k >= 0 and at < offsets[k].end_char and not text[at + 1 : offsets[k].end_char].strip():
            found.add(k)
        at = text.find(":", at + 1)
    return found


def _forbids_use(cues: Cues) -> bool:
    """A list header that forbids taking its drugs now or lately: a `use_list_stop` word ("washout", "not using",
    "prohibited"), a window since them ("At least 1 month since any of the following medications:"), or a current use
    or a window before now ("Concurrent use of", "received the following drugs within 14 days") that its section and
    negation exclude."""
    header = next((c for c in cues.items if c.kind == "use_list_header"), None)
    if header is None:
        return False
    if cues.has("use_list_stop", "use_since"):
        return True
    section = cues.span.label_
    return cues.has("use_now", "use_within") and polarity(
        section, cues.negated(header.start, header.end, section)) == "excluded"


def _names_a_time(cues: Cues) -> bool:
    """A number followed by an `exposure_unit` ("4 weeks", "9 days")."""
    doc = cues.span.doc
    return any(c.start > cues.span.start and doc[c.start - 1].like_num for c in cues.items if c.kind == "exposure_unit")


def _listed_use(doc: Doc, k: int, cues: Cues, ents: list[Span]) -> list[CurrentTherapy]:
    """The drugs and classes of a washout list item (`_washout_items`), unless the item negates them ("... that is not
    insulin"), a dose or count stands before them ("High-dose (> 1 g/m^2) methotrexate"), or an allowance, exception,
    condition, scope or qualifier limits them (as for `_in_use`)."""
    found: dict[str, CurrentTherapy] = {}
    regimens = vocabulary().components
    for ent in ents:
        if ent.label_ == "DRUG" and ent.ent_id_ in regimens or ent.ent_id_ in found:
            continue
        if cues.negated(ent.start, ent.end, "inclusion") or any(
                t.like_num for t in doc[cues.clause(ent.start)[0] : ent.start]):
            continue
        if _use_limited(doc, cues, ent, ents, timed=True) or _qualified_broad(doc, cues, ent, ents):
            continue
        found[ent.ent_id_] = CurrentTherapy(drug_or_class=ent.ent_id_, criterion=k, span=(ent.start_char, ent.end_char))
    return list(found.values())


def _list_end(doc: Doc, ent: Span, ents: list[Span], clause_end: int) -> int:
    """The token after `ent` and the drugs listed after it ("X, Y or Z"), with any parenthesis after each."""
    starts = {e.start: e for e in ents}
    i = ent.end
    while i < clause_end:
        if doc[i].is_space or doc[i].lower_ in _LISTING:
            i += 1
        elif i in starts:
            i = starts[i].end
        elif doc[i].text == "(":
            i = _closing(doc, i, clause_end) + 1
        else:
            break
    return i


def _use_window(cues: Cues, ent: Span, ents: list[Span]) -> str | None:
    """The cue kind that puts the drug's use now or in a washout window, or None. A window "since" the drug that
    a `use_recent` word bounds from above ("Less than 3 months since prior chemotherapy") asks for recent use in the
    inclusion criteria: read as "use_within", whose polarity follows the section."""
    clause_start, clause_end = cues.clause(ent.start)
    doc = cues.span.doc
    before = [c for c in cues.in_clause(("use_now", "use_since"), clause_start, ent.start)
              if not cues.blocked(c.end, ent.start, forward=True) and (
                  ent.start - c.end <= PRIOR_REACH if c.kind == "use_since"
                  else sum(not t.is_space for t in doc[c.end : ent.start]) <= USE_REACH)]
    if before:
        nearest = max(before, key=lambda c: c.end)
        if any(t.like_num for t in cues.span.doc[nearest.end : ent.start]):
            return None  # a dose or a count: "No concurrent corticosteroids greater than 10 mg/day of prednisone"
        if nearest.kind == "use_since" and cues.in_clause(("use_recent",), clause_start, nearest.start):
            return "use_within"
        return nearest.kind
    after = _list_end(doc, ent, ents, clause_end)
    for i in range(after, min(after + USE_REACH, clause_end)):
        if cues.at(i, "use_within") is not None:
            return "use_within"
        if doc[i].is_punct:
            break
    if _window_after(doc, cues, ent, ents) == "recent" and not cues.in_clause(_SKIP_AFTER, ent.end, clause_end):
        return "use_within"  # not a permitted use: "... up to 7 days prior to initiating study drug is permitted"
    return None


def _window_after(doc: Doc, cues: Cues, ent: Span, ents: list[Span]) -> str | None:
    """The washout window that follows the drug (or its list) in its clause, within WINDOW_WORDS words outside
    parentheses and past an exception set off by commas (", except ALK inhibitors,"): a number, a `window_unit`, an
    optional bound and a `window_end` ("=< 4 weeks prior to starting study drug", "14 days or less before
    registration"). "remote" when a `window_remote` bound says the use ended long enough ago ("> 6 weeks prior to
    enrollment", "at least 1 year before"), "recent" otherwise; None when no window follows. Either way the criterion
    speaks of when the drug was taken, not of whether it ever was."""
    clause_end = cues.clause(ent.start)[1]
    i, words = _list_end(doc, ent, ents, clause_end), 0
    while i < clause_end and words <= WINDOW_WORDS:
        if doc[i].text == "(":
            i = _closing(doc, i, clause_end) + 1
            continue
        if (exception := cues.at(i, "exception")) is not None:
            comma = next((k for k in range(exception.end, clause_end) if doc[k].text == ","), None)
            if comma is None:
                return None  # the window, if any, is the exception's: "except adjuvant X given > 1 year prior to"
            i = comma + 1
            continue
        if doc[i].like_num and (unit := cues.at(i + 1, "window_unit")) is not None:
            after = cues.at(unit.end, "exposure_max", "window_remote")
            if cues.at(after.end if after is not None else unit.end, "window_end") is None:
                return None
            remote = cues.ending_at(i, "window_remote") is not None or (after and after.kind == "window_remote")
            return "remote" if remote else "recent"
        words += not (doc[i].is_space or doc[i].is_punct)
        i += 1
    return None


def _window_before(doc: Doc, cues: Cues, ent: Span, ents: list[Span]) -> bool:
    """The drug (or the list it ends) is the object of a washout window of its own: a number, a `window_unit` and "for"
    at most `_FOR_WORDS` words before it ("At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas or
    mitomycin C)", "(2 weeks for liposomal cytarabine)"): when the drug was last given, not whether it ever was."""
    clause_start = cues.clause(ent.start)[0]
    ends = {e.end: e for e in ents}
    i, words = ent.start - 1, 0
    while i > clause_start and words <= _FOR_WORDS:
        if doc[i].is_space or doc[i].lower_ in _LISTING:
            i -= 1
        elif i + 1 in ends:
            i = ends[i + 1].start - 1
        elif doc[i].lower_ == "for":
            unit = cues.ending_at(i, "window_unit")
            return unit is not None and unit.start > clause_start and doc[unit.start - 1].like_num
        elif doc[i].is_punct:
            return False
        else:
            words += 1
            i -= 1
    return False


def _use_limited(doc: Doc, cues: Cues, ent: Span, ents: list[Span], timed: bool = False) -> bool:
    """An allowance, exception ("unless", "except"), condition, scope or treated site limits what the criterion says of
    the drug's use. `timed`: a washout list item, whose "for" and a number give its window ("Salmeterol for 9 days"),
    not a scope."""
    clause_start, clause_end = cues.clause(ent.start)
    if cues.in_clause(("therapy_site", "conditional", "exception"), clause_start, clause_end):
        return True
    span = cues.span
    if cues.in_clause(("use_alternative",), span.start, span.end) or any(t.text == "OR" for t in span):
        return True  # either/or: "At least 1 week since prior steroids OR stable steroid dose"
    if any(c.start - ent.end <= 8 for c in cues.in_clause(_SKIP_AFTER, ent.end, clause_end)):
        return True
    opening = _opening_before(doc, ent.start, clause_start)
    if opening is not None and cues.at(opening + 1, "example") is not None:
        return True  # an example of something else: "a change in psychotropic medications (e.g., antidepressants)"
    after = _list_end(doc, ent, ents, clause_end)
    while after < clause_end and (doc[after].text == ")" or doc[after].is_space):
        after += 1  # an example in parentheses: "corticosteroids (e.g., dexamethasone) as antiemetics"
    scope = cues.at(after, "use_scope")
    if scope is not None and timed and scope.end < len(doc) and doc[scope.end].like_num:
        return False
    return scope is not None


def _opening_before(doc: Doc, i: int, start: int) -> int | None:
    """The token opening the parenthesis that holds token i, when one opens after `start`."""
    depth = 0
    for k in range(i - 1, start - 1, -1):
        depth += (doc[k].text == ")") - (doc[k].text == "(")
        if depth < 0:
            return k
    return None


def _qualified_broad(doc: Doc, cues: Cues, ent: Span, ents: list[Span]) -> bool:
    """A broad class (or its list) with a qualifier before it ("spinal radiotherapy", "palliative radiotherapy",
    "antineoplastic chemotherapy"): a use by only part of the patients who take the class."""
    if not is_broad_class(ent.ent_id_):
        return False
    clause_start = cues.clause(ent.start)[0]
    ends = {e.end: e for e in ents}
    i = ent.start - 1
    while i >= clause_start and (doc[i].is_space or doc[i].lower_ in _LISTING):
        i -= 1
    while i >= clause_start and i + 1 in ends:
        i = ends[i + 1].start - 1
        while i >= clause_start and (doc[i].is_space or doc[i].lower_ in _LISTING):
            i -= 1
    if i < clause_start or doc[i].is_punct:
        return False
    return cues.ending_at(i + 1, "use_now", "use_since", "broad_therapy_start", "prior", "naive",
                          "negation_forward") is None


def _opposed_in_inclusion(
    context: DocContext, facts: list[PriorTherapy]
) -> tuple[list[PriorTherapy], list[PriorTherapy]]:
    """Split off the drugs the inclusion criteria both require and exclude: each holds for one cohort."""
    polarities: dict[str, set[str]] = {}
    for t in facts:
        if context.offsets[t.criterion].section == "inclusion":
            polarities.setdefault(t.drug_or_class, set()).add(t.polarity)
    opposed = {name for name, seen in polarities.items() if len(seen) > 1}
    return (
        [t for t in facts if t.drug_or_class not in opposed],
        [t for t in facts if t.drug_or_class in opposed],
    )


def _listed_classes(doc: Doc, span: Span, ent: Span, targets: list[Span]) -> list[tuple[str, int]]:
    """The classes of targets listed before a class named by its target: "Trk, ROS1, or ALK inhibitors" →
    trk and ros1 inhibitor, in text order, with the start offset of each target's name."""
    if ent.label_ != "DRUG_CLASS" or len(ent) < 2:
        return []
    classes = vocabulary().classes
    tail = ent[1:].text.lower()
    if classes.get(f"{ent[0].lower_} {tail}") != ent.id_:
        return []
    ends = {t.end: t for t in targets}
    found: list[tuple[str, int]] = []
    i = ent.start - 1
    while i >= span.start:
        if doc[i].is_space or doc[i].lower_ in _LISTING:
            i -= 1
            continue
        target = ends.get(i + 1)
        first = target.start if target is not None else i
        name = classes.get(f"{doc[first : i + 1].text.lower()} {tail}")
        if name is None:
            break
        found.append((name, doc[first].idx))
        i = first - 1
    return found[::-1]


def _targeted_class(doc: Doc, ent: Span, targets: list[Span]) -> tuple[str, int]:
    """A generic class aimed at a gene is that gene's class: "tyrosine kinase inhibitors targeting TRK" →
    "trk inhibitor"; returns the name and the end offset of the words it was read from."""
    if ent.label_ != "DRUG_CLASS":
        return ent.id_, ent.end_char
    i = ent.end
    while i < len(doc) and i < ent.end + 3 and doc[i].lower_ in _TARGETING:
        i += 1
    target = next((t for t in targets if t.start == i), None)
    if i == ent.end or target is None:
        return ent.id_, ent.end_char
    specific = vocabulary().classes.get(f"{target.text.lower()} inhibitor")
    return (specific, target.end_char) if specific else (ent.id_, ent.end_char)


def _unnamed_alternative(doc: Doc, cues: Cues, ent: Span, ents: list[Span]) -> bool:
    """The drug is offered, its cue said again, after an "or" as the alternative of a treatment no DRUG entity names
    ("prior systemic therapy OR prior radiation therapy", "prior surgery or prior docetaxel"): required only when
    the other was not given, so no rule for every patient. The other treatment is the few words (up to
    `_ALTERNATIVE_WORDS`, no punctuation, no drug) between a `prior` cue and the "or"."""
    clause_start = cues.clause(ent.start)[0]
    i = ent.start
    while (cue := cues.ending_at(i, *_REPEATED)) is not None and clause_start <= cue.start < i:
        i = cue.start
    words = [k for k in range(clause_start, i) if not doc[k].is_space][::-1]
    if i == ent.start or len(words) < 2 or doc[words[0]].lower_ not in _OR:
        return False
    if cues.ending_at(words[1] + 1, *_REPEATED) is not None:
        return False  # two cues of one drug: "progression following or intolerance to irinotecan"
    inside_drugs = {k for e in ents for k in range(e.start, e.end)}
    for k in words[1 : 1 + _ALTERNATIVE_WORDS]:
        if doc[k].is_punct or k in inside_drugs:
            return False
        if (cue := cues.ending_at(k, "prior")) is not None and cue.start >= clause_start:
            return True
    return False


def _capped_exposure(doc: Doc, cues: Cues, ent: Span, ents: list[Span]) -> bool:
    """The drug given (or its list) is followed, within EXPOSURE_WORDS words of its clause, by a duration bounded from
    above: an `exposure_for` word, a number and an `exposure_unit`, with an `exposure_max` bound before the number or
    after the unit ("of 14 days or less", "for less than 3 weeks", "for up to 2 months"), not a time since
    (`exposure_since`: "for less than 4 weeks before registration"), nor an interval the clause names
    (`exposure_interval`: "treatment-free interval after platinum-based therapy of less than 6 months"). Such a rule
    excludes a longer exposure only: it requires nothing, and a patient who had the drug for an unstated time is
    neither in nor out."""
    clause_start, clause_end = cues.clause(ent.start)
    if cues.in_clause(("exposure_interval",), clause_start, clause_end):
        return False
    i, words = _list_end(doc, ent, ents, clause_end), 0
    while i < clause_end and words <= EXPOSURE_WORDS and cues.at(i, "exposure_for") is None:
        if doc[i].is_punct:
            return False
        words += not doc[i].is_space
        i += 1
    lead = cues.at(i, "exposure_for") if i < clause_end else None
    if lead is None:
        return False
    i = lead.end
    bound = cues.at(i, "exposure_max")
    if bound is not None:
        i = bound.end
    if i >= clause_end or not doc[i].like_num or (unit := cues.at(i + 1, "exposure_unit")) is None:
        return False
    after = cues.at(unit.end, "exposure_max")
    if bound is None and after is None:
        return False
    return cues.at(after.end if after is not None else unit.end, "exposure_since") is None


def _allowed_elsewhere(
    context: DocContext, drugs: dict[int, list[Span]], targets: dict[int, list[Span]]
) -> set[tuple[str, int]]:
    """(drug, criterion) of the exclusions of a drug that another clause of the text allows, as given before ("No prior
    chemotherapy or trastuzumab", then "Prior trastuzumab allowed" in a later sentence, item or run-in item of a
    legacy text, `opens_item`): the allowance lifts
    the exclusion of that drug only, to part of the patients (the allowance's setting or condition), not of the
    others listed with it."""
    allowances: dict[str, set[tuple[int, int]]] = {}
    excluded: set[tuple[str, int, tuple[int, int]]] = set()
    for k, ents in drugs.items():
        cues = context.cues(k)
        for ent in ents:
            if _given(cues, ent) is None:
                continue
            name = _targeted_class(context.doc, ent, targets.get(k, []))[0]
            clause = cues.clause(ent.start)
            allows = any(_allowance_reaches(cues, ent, c) for c in cues.in_clause(("allowance",), ent.end, clause[1]))
            opened = [i for i in range(clause[0] + 1, ent.start) if cues.opens_item(i)]
            clause = (opened[-1] if opened else clause[0], clause[1])
            if allows and _given(cues, ent) and not cues.negated(ent.start, ent.end, "inclusion"):
                allowances.setdefault(name, set()).add(clause)
            else:
                excluded.add((name, k, clause))
    return {(name, k) for name, k, clause in excluded if allowances.get(name, set()) - {clause}}


def _given(cues: Cues, ent: Span) -> bool | None:
    """True when the clause says the drug was given before, False when never given, None when neither."""
    clause_start, clause_end = cues.clause(ent.start)
    after = [c for c in cues.in_clause(("naive", "prior"), ent.end, clause_end) if c.start - ent.end <= AFTER_REACH]
    if any(c.kind == "naive" for c in after):
        return False
    before = [
        c for c in cues.in_clause(("naive", "prior"), clause_start, ent.start) if ent.start - c.end <= PRIOR_REACH
    ]
    if before:
        return max(before, key=lambda c: c.end).kind == "prior"
    if any(c.kind == "prior" and cues.span.doc[c.start].text.startswith("-") for c in after):
        return True
    return None


def _naive_cue(cues: Cues, ent: Span):
    """The "no prior" / "-naive" words of the drug's clause, which already say "never given"."""
    clause_start, clause_end = cues.clause(ent.start)
    found = cues.in_clause(("naive",), clause_start, clause_end)
    return min(found, key=lambda c: abs(c.start - ent.start)) if found else None


def _prohibited(cues: Cues, ent: Span) -> bool:
    """ "No prior X is allowed": a prohibition in either list."""
    clause_end = cues.clause(ent.start)[1]
    allowed = any(_allowance_reaches(cues, ent, c) for c in cues.in_clause(("allowance",), ent.end, clause_end))
    return allowed and cues.negated(ent.start, ent.end, "inclusion")


def _opened_by_no(span: Span, cues: Cues) -> bool:
    """An exclusion criterion opened by "No prior X" / "No previous X" states the rule of an inclusion list under
    the exclusion header ("No prior treatment with temozolomide"; 33 of 33 such lines read mean X is excluded, none
    that X is required): a drug it names is excluded when either reading, as inclusion or as exclusion, excludes
    it (the opening "No" may not reach the end of a long list: "... such as erlotinib, gefitinib and cetuximab")."""
    if span.label_ != "exclusion":
        return False
    first = next((t.i for t in span if not (t.is_space or t.is_punct)), span.end)
    return cues.at(first, "naive") is not None and cues.at(first, "negation_forward") is not None


def _allowance_reaches(cues: Cues, ent: Span, cue: Cue) -> bool:
    """The allowance (or optional) cue after the drug speaks of it: at most ALLOWANCE_REACH words after it, or up
    to PRIOR_REACH when every word between only finishes the drug's list or states its dose: drugs, numbers,
    punctuation, list words and `list_or_dose` cues ("Prior cisplatin, carboplatin, docetaxel, paclitaxel, or
    gemcitabine allowed"; "Prior doxorubicin or daunorubicin dose of 450 mg/m2 or more allowed if LVEF at least 50%";
    not "Prior tamoxifen of no more than 4 weeks duration for breast cancer allowed", a capped exposure)."""
    gap = cue.start - ent.end
    if gap <= ALLOWANCE_REACH:
        return True
    if gap > PRIOR_REACH:
        return False
    doc = ent.doc
    covered = {i for c in cues.in_clause(("list_or_dose",), ent.end, cue.start) for i in range(c.start, c.end)}
    covered |= {i for e in doc.ents if e.label_ in DRUG_LABELS for i in range(e.start, e.end)}
    return all(i in covered or doc[i].is_punct or doc[i].like_num or doc[i].lower_ in _LISTING
               for i in range(ent.end, cue.start))


def _in_allowance_condition(cues: Cues, ent: Span, clause_start: int) -> bool:
    """The drug stands in the condition of an allowance before it ("Prior adjuvant fluorouracil allowed if relapse
    occurred at least 6 months after completion of fluorouracil"): the condition limits whom the allowance admits and
    requires nothing of anyone else."""
    for allowance in cues.in_clause(("allowance",), clause_start, ent.start):
        condition = [c for c in cues.in_clause(("conditional",), allowance.end, ent.start)
                     if c.start - allowance.end <= 1]
        if condition and not cues.blocked(allowance.end, ent.start, forward=True):
            return True
    return False


def _narrowed_broad(doc: Doc, cues: Cues, ent: Span, ents: list[Span]) -> bool:
    """A broad class with a scope before or after it or its list, or a count before it: no rule for every
    patient."""
    if not is_broad_class(ent.ent_id_):
        return False
    clause_start, clause_end = cues.clause(ent.start)
    if cues.in_clause(("therapy_site",), clause_start, clause_end):
        return True  # the place of a lesion: "outside the field of any prior radiation", "a previous radiation port"
    for i in range(clause_start, ent.start):
        if doc[i].like_num or doc[i].text in (">", "≥", "<", "≤"):
            if not (i >= 2 and doc[i - 2 : i].text.lower() == "at least"):
                return True
    ends = {e.end: e for e in ents}
    i = ent.start - 1
    while i >= clause_start:
        if doc[i].is_space or doc[i].lower_ in _LISTING:
            i -= 1
        elif i + 1 in ends and ends[i + 1].label_ in DRUG_LABELS:
            i = ends[i + 1].start - 1
        elif doc[i].text == ")" and (opening := _opening(doc, i, clause_start)) in ends:
            i = opening - 1  # a listed drug with its parenthesis: "chemotherapy (...) or"
        else:
            break
    if i >= clause_start and (doc[i].text == ")" or not doc[i].is_punct and cues.ending_at(
            i + 1, "broad_therapy_start", "prior", "naive", "negation_forward") is None):
        return True  # a site or a qualifier, in parentheses too: "high dose (pre transplant) chemotherapy"
    starts = {e.start: e for e in ents}
    i, listed = ent.end, False
    while i < clause_end:
        if doc[i].is_space:
            i += 1
        elif doc[i].lower_ in _LISTING:
            i, listed = i + 1, True
        elif listed and i in starts and starts[i].label_ in DRUG_LABELS:
            i, listed = starts[i].end, False
        elif listed and (cue := cues.at(i, *_REPEATED)) is not None and cue.end in starts:
            i = cue.end  # the cue said again before the next drug of the list: "chemotherapy or prior radiotherapy"
        elif doc[i].text == "(":
            if cues.at(i + 1, "exception") is not None:
                return True  # "No prior radiotherapy (except brain irradiation)", as without the parenthesis
            i = _closing(doc, i, clause_end) + 1
        else:
            break
    if i >= clause_end or doc[i].is_punct and doc[i].text not in ("-", "/", ":"):
        return False
    if _for_the_disease(doc, cues, i, clause_end):
        return False
    if doc[i].is_title and any(t.text == ":" for t in doc[i + 1 : min(i + 4, clause_end)]):
        return False  # the next heading of a run-in list: "No prior chemotherapy Endocrine therapy: ..."
    if doc[i].text == "-":
        glued = cues.at(i + 1, "naive", "prior")
        return glued is None or doc[i + 1].lower_ not in ("naive", "naïve", "pretreated", "treated")
    return cues.at(i, "broad_therapy_end", "naive") is None


def _untreated_cancer(context: DocContext) -> list[tuple[int, PriorTherapy]]:
    """ "Previously untreated" in an inclusion criterion of a trial whose inclusion criteria, up to it, name a cancer
    ("Previously untreated B-cell lymphoma"; "Diagnosis of CLL ... meeting the following criteria: - Previously
    untreated disease"): prior chemotherapy excluded, one thing such a cancer's "untreated" surely rules out (other
    therapies stay unjudged). Not when a scope, a drug or an alternative follows ("previously untreated for advanced
    disease", "untreated with docetaxel", "untreated or systemically treated"), when negated, when the criterion
    qualifies it (`_untreated_qualified`), nor in a trial that speaks of treatment for another cancer
    (`_other_cancer_treated`)."""
    found = []
    for k, here in enumerate(context.offsets):
        if here.section != "inclusion" or "untreated" not in context.text[here.start_char : here.end_char].lower():
            continue
        cues = context.cues(k)
        doc = cues.span.doc
        for cue in cues.items:
            if cue.kind != "untreated_disease" or cues.negated(cue.start, cue.end, "inclusion"):
                continue
            after = cue.end
            while after < cues.span.end and (doc[after].is_space or doc[after].text == ","):
                after += 1
            if after < cues.span.end and cues.at(after, "untreated_scope") is not None:
                continue
            if _untreated_qualified(cues, cue.start, cue.end) or one_of_alternatives(context, k):
                break
            first = next(i for i, o in enumerate(context.offsets) if o.section == "inclusion")
            words = context.text[context.offsets[first].start_char : here.end_char]
            if any(is_cancer(m.id) for m in map_condition(words)) and not _other_cancer_treated(context):
                start, end = doc[cue.start].idx, doc[cue.end - 1].idx + len(doc[cue.end - 1])
                found.append((k, PriorTherapy(drug_or_class="chemotherapy", polarity="excluded", criterion=k,
                                              span=(start, end))))
                break
    return found


def _other_cancer_treated(context: DocContext) -> bool:
    """Some criterion speaks of treatment given for another cancer ("No prior anthracycline for any prior
    malignancy", "therapy-related AML", "secondary leukemia"): a patient's chemotherapy may have been for that
    cancer, so the trial's "previously untreated" cannot rule it out."""
    return any(c.kind == "other_cancer_treated" for k in range(len(context.offsets)) for c in context.cues(k).items)


def _untreated_qualified(cues: Cues, start: int, end: int) -> bool:
    """The criterion around "previously untreated" [start, end) makes it one case of several or a condition: another
    treatment history ("or progressive disease after first-line chemotherapy", "previously treated", "no more than
    2 prior courses"), an allowance, a condition or an exception ("if", "who refuse induction chemotherapy allowed",
    "(except surgically)"), or an `untreated_condition` word before it ("60 years or older for patients with
    previously untreated AML", "survival less than 10% in previously untreated patients")."""
    kinds = ("untreated_conflict", "prior", "allowance", "also_allowed", "conditional", "exception", "optional",
             "terminator", "cohort_word", "cohort_entry")
    if any(c.kind in kinds and not (start <= c.start < end) for c in cues.items):
        return True
    return any(c.kind == "untreated_condition" and c.end <= start for c in cues.items)


def _for_the_disease(doc: Doc, cues: Cues, i: int, clause_end: int) -> bool:
    """The class (its noun said again: "chemotherapy treatment") ends its clause with "for" and the disease itself:
    an `own_disease` phrase ("for this malignancy", "for the disease") or a disease the vocabulary maps whole, no
    stage, setting nor "other" before or after it, that an inclusion criterion names before ("Patient ... with Multiple
    Myeloma who has not received any previous chemotherapy treatment for Multiple Myeloma"; not "for metastatic
    breast cancer", "for other malignancies", "for breast cancer in the adjuvant setting"). Every patient the
    criterion admits has that disease, so the class holds for all of them, as with no scope. A disease named only
    in the scope ("No prior chemotherapy for RCC") may be one of several the trial enrols: it stays a scope."""
    if (noun := cues.at(i, "therapy_noun")) is not None:
        i = noun.end
    scope = cues.at(i, "disease_scope")
    if scope is None:
        return False
    last = clause_end
    while last > scope.end and (doc[last - 1].is_punct or doc[last - 1].is_space):
        last -= 1
    if last <= scope.end:
        return False
    own = cues.at(scope.end, "own_disease")
    if own is not None:
        return own.end == last
    if cues.span.label_ != "inclusion":
        return False  # "is on treatment with corticosteroids for GVHD": an excluded disease's treatment
    words = doc[scope.end : last].text
    named = {m.id for m in map_condition(words) if m.start == 0 and m.end == len(words)}
    return bool(named) and any(m.id in named for m in map_condition(doc[cues.span.start : scope.start].text))


def _opening(doc: Doc, i: int, start: int) -> int:
    """The token opening the parenthesis closed at token i (or `start` when none opens it)."""
    depth = 0
    for k in range(i, start - 1, -1):
        depth += (doc[k].text == ")") - (doc[k].text == "(")
        if depth == 0:
            return k
    return start


def _closing(doc: Doc, i: int, end: int) -> int:
    """The token closing the parenthesis opened at token i (or the last before `end` when it stays open)."""
    depth = 0
    for k in range(i, end):
        depth += (doc[k].text == "(") - (doc[k].text == ")")
        if depth == 0:
            return k
    return end - 1


def _skipped(doc: Doc, cues: Cues, ent: Span) -> bool:
    """Allergy, concurrent use, exceptions, allowances, washout windows: not a prior-therapy rule."""
    clause_start, clause_end = cues.clause(ent.start)
    before = [
        c
        for c in cues.in_clause(_SKIP_BEFORE + _SKIP_AFTER + ("prior", "naive"), clause_start, ent.start)
        if not cues.blocked(c.end, ent.start, forward=True)
    ]
    nearest = max(before, key=lambda c: c.end) if before else None
    if nearest is not None and nearest.kind in _SKIP_AFTER:
        return True
    if any(c.kind == "not_prior" and ent.start - c.end <= PRIOR_REACH for c in before):
        return True
    if any(
        c.kind == "side_effect" and c.start - ent.end <= 2
        for c in cues.in_clause(("side_effect",), ent.end, clause_end)
    ):
        return True
    if any(
        c.kind == "exception" and ent.start - c.end <= 8 and not cues.blocked(c.end, ent.start, forward=True)
        for c in before
    ):
        return True
    if _allowed_patients(cues, ent, clause_start, clause_end) or _in_allowance_condition(cues, ent, clause_start):
        return True
    if _caused_toxicity(cues, ent, clause_start):
        return True
    after = cues.in_clause(_SKIP_AFTER + ("not_prior",), ent.end, clause_end)
    prohibited = _prohibited(cues, ent)
    return any(
        (
            c.kind in _SKIP_AFTER
            and _allowance_reaches(cues, ent, c)
            and not prohibited
            and not cues.blocked(ent.end, c.start, forward=False)
        )
        or (c.kind == "not_prior" and doc[c.start].lower_ == "within")
        for c in after
    )


def _caused_toxicity(cues: Cues, ent: Span, clause_start: int) -> bool:
    """The drug is named as the cause of an adverse event before it ("No grade 3 neuropathy after prior taxane",
    "Grade 2 or greater diarrhea due to prior irinotecan"): an `adverse_event` cue, at most TOXICITY_REACH tokens
    on, a `toxicity_link`, and the drug within PRIOR_REACH tokens after it: a rule on the toxicity, not on the drug."""
    for link in cues.in_clause(("toxicity_link",), clause_start, ent.start):
        if ent.start - link.end > PRIOR_REACH or cues.blocked(link.end, ent.start, forward=True):
            continue
        if any(0 <= link.start - event.end <= TOXICITY_REACH
               for event in cues.in_clause(("adverse_event",), clause_start, link.start)):
            return True
    return False


def _allowed_patients(cues: Cues, ent: Span, clause_start: int, clause_end: int) -> bool:
    """The drug names patients that its clause opens with, and the first verb after it allows them in ("Patients
    treated with adjuvant anti-HER2 therapies (...) are allowed to be included if ...", "Patients who have received
    a cetuximab-containing regimen as adjuvant therapy ... are eligible provided ..."): an allowance of some who had
    it, not a requirement of all; "... are not eligible" (an exclusion phrase first) still excludes. A verb inside a
    bracket opened after the drug speaks of something else ("... after platinum-based chemotherapy (patients with
    non-target lesion only are eligible)"); a bare "eligible" in the criterion's first clause names whom the study is
    for ("Patients with colon cancer who have received ... a fluoropyrimidine ... will be eligible for this study")."""
    doc = cues.span.doc
    opening = next((i for i in range(clause_start, ent.start) if not (doc[i].is_punct or doc[i].is_space)), None)
    if opening is None or not (cues.at(opening, "population_noun") or cues.at(opening, "subject")):
        return False
    verbs = [c for c in cues.in_clause(("modal", "exclusion_phrase", "allowance"), ent.end, clause_end)
             if _bracket_depth(doc, ent.end, c.start) <= 0]
    if not verbs:
        return False
    first = min(verbs, key=lambda c: (c.start, c.start - c.end))
    if first.kind != "allowance":
        return False
    return clause_start > cues.span.start or doc[first.end - 1].lower_ != "eligible"


def _bracket_depth(doc: Doc, start: int, end: int) -> int:
    """Brackets opened and not closed in tokens [start, end)."""
    return sum(t.text.count("(") + t.text.count("[") - t.text.count(")") - t.text.count("]") for t in doc[start:end])


@Language.factory("tm_therapies", default_config={})
def make_therapies(nlp: Language, name: str) -> TherapyExtractor:
    return TherapyExtractor(nlp, name)
