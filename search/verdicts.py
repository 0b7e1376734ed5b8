"""Per-criterion verdicts: does this patient meet each fact nlp extracted from this trial?

    >>> verdicts = evaluate(document, patient)            # doctest: +SKIP
    >>> [(v.kind, v.status) for v in verdicts.criteria]   # doctest: +SKIP
    [('biomarker', 'met'), ('age', 'met'), ('performance_status', 'unknown')]

Shared by every backend: retrieval finds candidates, this module judges them. A criterion the patient
profile says nothing about is `unknown`, never `met`: a gene the profile neither reports nor lists in
`tested_genes` leaves the trial's biomarker criteria of that gene unknown. A fact the text makes conditional,
cohort-only or either/or (`TrialCriteria.uncertain`) is `unknown` whatever the patient has. Each criterion kind has its
own judge function (`_biomarkers`, `_age`, ...) that appends its verdicts; `evaluate` runs them all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from nlp import diseases
from nlp.age import CHILD_MAX_YEARS, for_children_only
from nlp.disease_scales import describe, scale_name
from nlp.models import (
    AgeWindow,
    Biomarker,
    CancerStage,
    Criterion,
    Lab,
    Polarity,
    PriorTherapy,
    UncertainFact,
    Uncertainty,
)
from nlp.procedures import is_a, is_generic, normalize_procedure, procedure_name
from nlp.stages import compare, condition_limit, recurrence_only, stage_interval, system_ids, title_recurrence
from nlp.stages import describe as describe_stage
from nlp.vocab import broad_classes_of, is_broad_class, normalize_drug
from search.diagnosis import understand
from search.documents import drugs_and_classes
from search.fields import CONDITION_LABS_PATH
from search.models import (
    CriterionKind,
    CriterionVerdict,
    IndexDocument,
    PatientBiomarker,
    PatientProfile,
    VerdictStatus,
)

_RANK = {"met": 2, "unknown": 1, "not_met": 0}
# Approximate ECOG <-> Karnofsky equivalence (Oken et al. 1982), used only when the patient lacks the scale.
ECOG_TO_KARNOFSKY = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20), 5: (0, 0)}


@dataclass
class Evaluation:
    criteria: list[CriterionVerdict] = field(default_factory=list)
    specificity: int = 1  # 3 exact biomarker, 2 through an `any` alteration, 1 none named, 0 not shown met


@dataclass
class _Outcome:
    status: VerdictStatus
    explanation: str


def _sentence(doc: IndexDocument, index: int | None) -> tuple[str, tuple[int, int] | None]:
    criteria: list[Criterion] = doc.facts.criteria
    if index is not None and 0 <= index < len(criteria):
        return criteria[index].text, criteria[index].span
    return "", None


def _sentence_of_kind(doc: IndexDocument, kind: str, fallback: str) -> tuple[str, tuple[int, int] | None]:
    for c in doc.facts.criteria:
        if any(kind in k for k in c.kinds):
            return c.text, c.span
    return fallback, None


def _describe(b: Biomarker) -> str:
    what = b.variant or ("any alteration" if b.alteration == "any" else b.alteration)
    threshold = f" (at least {b.min_copies:g} copies)" if b.min_copies is not None else ""
    return f"{b.gene} {what}{threshold}"


def _describe_group(entries: list[Biomarker]) -> str:
    """A required biomarker or group in words: NTRK1 fusion; one of NTRK1, NTRK2 or NTRK3 amplification."""
    if len(entries) == 1:
        return _describe(entries[0])
    first = entries[0]
    if all((b.alteration, b.variant, b.min_copies) == (first.alteration, first.variant, first.min_copies)
           for b in entries):
        genes = _and_or([b.gene for b in entries], "or")
        return f"one of {_describe(first.model_copy(update={'gene': genes}))}"
    return f"one of {_and_or([_describe(b) for b in entries], 'or')}"


def _and_or(items: list[str], word: str) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _patient_marker(p: PatientBiomarker) -> str:
    copies = f", {p.copies:g} copies" if p.copies is not None else ""
    return f"{p.gene} {p.variant or p.alteration}{copies}"


def same_variant(a: str | None, b: str | None) -> bool:
    """The same variant, written with or without spaces, in any case ("V600E", "v600e")."""
    return a is not None and b is not None and a.replace(" ", "").lower() == b.replace(" ", "").lower()


# Biomarker verdicts follow what the profile says of each gene (README, "Biomarkers: tested or not"):
# a kind found, another kind found, positive of unknown kind, negative, covered by a test that found
# nothing, or nothing at all (unknown). Protein expression is read by IHC and the other kinds by DNA or
# RNA tests, so a result of one says nothing of the other.
_STATUS_WORDS: dict[VerdictStatus, str] = {"met": "met", "not_met": "not met", "unknown": "unknown"}
_INVERSE: dict[VerdictStatus, VerdictStatus] = {"met": "not_met", "not_met": "met", "unknown": "unknown"}


@dataclass
class _GeneFacts:
    """What the profile says of one gene."""

    positives: list[PatientBiomarker] = field(default_factory=list)
    negatives: list[PatientBiomarker] = field(default_factory=list)
    tested: bool = False


@dataclass(frozen=True)
class _Finding:
    """Does the patient carry one trial biomarker (met / not_met / unknown), and the patient side in words."""

    status: VerdictStatus
    clause: str
    gene: str
    exact: bool = False
    shared: str = ""  # "untested" or "clean": a clause one sentence can give for several genes


def _gene_facts(patient: PatientProfile) -> dict[str, _GeneFacts]:
    facts: dict[str, _GeneFacts] = {}
    for p in patient.biomarkers:
        entry = facts.setdefault(p.gene, _GeneFacts())
        (entry.positives if p.status == "positive" else entry.negatives).append(p)
    for gene in patient.tested_genes:
        facts.setdefault(gene, _GeneFacts()).tested = True
    return facts


def _against(b: Biomarker, p: PatientBiomarker) -> _Finding:
    """One positive result of b.gene against the trial's biomarker b."""
    have = _patient_marker(p)
    if p.alteration == "any":
        if b.alteration == "any" and not b.variant and b.min_copies is None:
            return _Finding("met", f"the patient is {p.gene}-positive (kind not given)", p.gene)
        return _Finding("unknown", f"the patient is {p.gene}-positive but the kind of alteration is not given",
                        p.gene)
    if b.alteration not in ("any", p.alteration):
        if "expression" in (b.alteration, p.alteration):
            return _Finding("unknown", f"the patient has {have}, which says nothing of {b.gene} {b.alteration}",
                            p.gene)
        return _Finding("not_met", f"the patient's test found {have}, not a {b.alteration}", p.gene)
    if b.variant and not p.variant:
        return _Finding("unknown", f"the patient has {have} but the variant is not given", p.gene)
    if b.variant and not same_variant(b.variant, p.variant):
        return _Finding("not_met", f"the patient has {have}", p.gene)
    if p.alteration == "amplification" and b.min_copies is not None and p.copies is None:
        return _Finding("unknown", f"the patient has {have} but the copy number is not given", p.gene)
    if (p.alteration == "amplification" and b.min_copies is not None and p.copies is not None
            and p.copies < b.min_copies):
        return _Finding("not_met", f"the patient has {have}, fewer than {b.min_copies:g}", p.gene)
    return _Finding("met", f"the patient has {have}", p.gene, exact=b.alteration == p.alteration)


def _strongest(findings: list[_Finding]) -> _Finding:
    """met over unknown over not_met; an exact alteration over an `any`."""
    return max(findings, key=lambda f: (_RANK[f.status], f.exact))


def _rules_out(n: PatientBiomarker, b: Biomarker) -> bool:
    """Does a negative result cover b: every kind, or b's kind (and b's variant when it names one)?"""
    return n.alteration in ("any", b.alteration) and (n.variant is None or same_variant(n.variant, b.variant))


def _negative_words(n: PatientBiomarker) -> str:
    return f"{n.gene} {n.variant or ('alteration' if n.alteration == 'any' else n.alteration)}"


def _carries(b: Biomarker, facts: _GeneFacts | None) -> _Finding:
    """Whether the patient carries b, by the table: a positive result that matches decides first, then a
    negative that covers b, then the other positives, then a test that covered the gene; else unknown."""
    facts = facts or _GeneFacts()
    found = [_against(b, p) for p in facts.positives]
    best = _strongest(found) if found else None
    if best is not None and best.status == "met":
        return best
    negative = next((n for n in facts.negatives if _rules_out(n, b)), None)
    if negative is not None:
        return _Finding("not_met", f"the patient's test found no {_negative_words(negative)}", b.gene)
    if best is not None:
        return best
    if facts.tested:
        return _Finding("not_met", f"the patient's test covered {b.gene} and found nothing", b.gene, shared="clean")
    if facts.negatives:
        ruled_out = _and_or([_negative_words(n) for n in facts.negatives], "or")
        return _Finding("unknown", f"the patient's test found no {ruled_out}, which leaves {_describe(b)} open",
                        b.gene)
    return _Finding("unknown", f"{b.gene} was not tested", b.gene, shared="untested")


def _clauses(findings: list[_Finding]) -> str:
    """The patient side of several findings, one clause for all untested genes and one for all clean ones."""
    parts: dict[str, list[str]] = {}
    for f in findings:
        parts.setdefault(f.shared or f.clause, []).append(f.gene)
    words = []
    for key, genes in parts.items():
        names = _and_or(genes, "and")
        if key == "untested":
            words.append(f"{names} {'was' if len(set(genes)) == 1 else 'were'} not tested")
        elif key == "clean":
            words.append(f"the patient's test covered {names} and found nothing")
        else:
            words.append(key)
    return "; ".join(words)


def _verdict(doc: IndexDocument, b: Biomarker, status: VerdictStatus, explanation: str, verb: str) -> CriterionVerdict:
    text, span = _sentence(doc, b.criterion)
    return CriterionVerdict(kind="biomarker", status=status, criterion=text or f"{verb} {_describe(b)}",
                            explanation=explanation, span=span)


def _required(doc: IndexDocument, entries: list[Biomarker],
              facts: dict[str, _GeneFacts]) -> tuple[_Finding, CriterionVerdict]:
    """A required biomarker, or an any_of group: met when one member is met, not met when all are not met."""
    findings = [_carries(b, facts.get(b.gene)) for b in entries]
    best = _strongest(findings)
    said = best.clause if best.status == "met" else _clauses(findings)
    why = f"trial requires {_describe_group(entries)}; {said}: {_STATUS_WORDS[best.status]}"
    return best, _verdict(doc, entries[0], best.status, why, "requires")


def _excluded(doc: IndexDocument, b: Biomarker, facts: dict[str, _GeneFacts]) -> CriterionVerdict:
    """An excluded biomarker: met when the patient does not carry it."""
    found = _carries(b, facts.get(b.gene))
    status = _INVERSE[found.status]
    why = f"trial excludes {_describe(b)}; {found.clause}: {_STATUS_WORDS[status]}"
    return _verdict(doc, b, status, why, "excludes")


def _biomarkers(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    facts = _gene_facts(patient)
    groups: dict[str, list[Biomarker]] = {}
    for i, b in enumerate(doc.facts.biomarkers):
        if b.polarity == "required":
            groups.setdefault(b.any_of or f"#{i}", []).append(b)
    best = []
    for entries in groups.values():
        finding, verdict = _required(doc, entries, facts)
        best.append(finding)
        out.criteria.append(verdict)
    if best:
        all_met = all(f.status == "met" for f in best)
        out.specificity = (3 if any(f.exact for f in best) else 2) if all_met else 0
    out.criteria += [_excluded(doc, b, facts) for b in doc.facts.biomarkers if b.polarity == "excluded"]


def age_words(years: float) -> str:
    """An age limit as people say it: "16 years", and under a year in months ("1 month" for 0.0833)."""
    if 0 < years < 1:
        months = round(years * 12, 1)
        return f"{months:g} month{'' if months == 1 else 's'}"
    return f"{years:g} years"


def _age_bounds(age: AgeWindow) -> str:
    """"at least 18 years and at most 75 years"; a lower limit of 0 years says nothing and is left out."""
    return " and ".join(filter(None, [
        f"at least {age_words(age.min_years)}" if age.min_years else "",
        f"at most {age_words(age.max_years)}" if age.max_years is not None else ""])) or "no age limit"


def _age(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    """The age window (the registry's structured ages rule, the text fills what they lack); where the criteria
    text reads another window, the explanation shows both and the sentence, and the verdict keeps the registry's. A
    trial that gives no ages and whose title is for children only (`nlp.age.for_children_only`) rules out a patient
    older than CHILD_MAX_YEARS; a younger one gets no verdict (which children it takes is not said)."""
    age = doc.facts.age
    if age.min_years is None and age.max_years is None:
        if patient.age is not None and patient.age > CHILD_MAX_YEARS and for_children_only(doc.title):
            out.criteria.append(CriterionVerdict(
                kind="age", status="not_met", criterion=f"title: {doc.title}",
                explanation=f"patient is {patient.age:g}; the trial gives no ages, and its title is for children "
                            f"(at most {CHILD_MAX_YEARS:g} years)"))
        return
    bounds = _age_bounds(age)
    text, span = _sentence_of_kind(doc, "age", f"Age: {bounds} (registry)")
    status: VerdictStatus
    if patient.age is None:
        status, why = "unknown", f"trial requires age {bounds}; patient's age not given"
    elif (age.min_years is not None and patient.age < age.min_years) or (
            age.max_years is not None and patient.age > age.max_years):
        status, why = "not_met", f"patient is {patient.age:g}; trial requires {bounds}"
    else:
        status, why = "met", f"patient is {patient.age:g}; trial requires {bounds}"
    in_text = doc.facts.age_in_text
    if in_text is not None:
        why += (f" (registry ages); the criteria text reads {_age_bounds(in_text)}: \"{text}\" — "
                "the registry's window is used")
    out.criteria.append(CriterionVerdict(kind="age", status=status, criterion=text, explanation=why, span=span))


def _sex(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    if doc.facts.sex == "ALL":
        return
    wanted = doc.facts.sex.lower()
    status: VerdictStatus
    if patient.sex is None:
        status, why = "unknown", f"trial enrols {wanted} patients only; patient's sex not given"
    else:
        status = "met" if patient.sex == wanted else "not_met"
        why = f"trial enrols {wanted} patients only; patient is {patient.sex}"
    out.criteria.append(CriterionVerdict(kind="sex", status=status, criterion=f"Sex: {doc.facts.sex} (registry)",
                                         explanation=why))


def _scale_outcome(name: str, value: int, limit: int, at_most: bool) -> _Outcome:
    ok = value <= limit if at_most else value >= limit
    bound = f"{name} at most {limit}" if at_most else f"{name} at least {limit}"
    return _Outcome("met" if ok else "not_met", f"patient's {name} is {value}; trial requires {bound}")


def _converted(ps, patient: PatientProfile) -> list[_Outcome]:
    """Judge through the ECOG/Karnofsky equivalence when the patient has neither of the trial's scales."""
    outcomes = []
    status: VerdictStatus
    if ps.karnofsky_min is not None and patient.ecog is not None:
        low, high = ECOG_TO_KARNOFSKY[patient.ecog]
        status = "met" if low >= ps.karnofsky_min else "not_met" if high < ps.karnofsky_min else "unknown"
        outcomes.append(_Outcome(status, f"patient's ECOG {patient.ecog} corresponds to Karnofsky {low}-{high}; "
                                         f"trial requires Karnofsky at least {ps.karnofsky_min}"))
    if ps.ecog_max is not None and patient.karnofsky is not None:
        ecog = next(e for e, (low, _high) in ECOG_TO_KARNOFSKY.items() if patient.karnofsky >= low)
        status = "met" if ecog <= ps.ecog_max else "not_met"
        outcomes.append(_Outcome(status, f"patient's Karnofsky {patient.karnofsky} corresponds to ECOG {ecog}; "
                                         f"trial requires ECOG at most {ps.ecog_max}"))
    return outcomes


def _performance(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    ps = doc.facts.performance_status
    wanted = [(name, limit, at_most, mine) for name, limit, at_most, mine in (
        ("ECOG", ps.ecog_max, True, patient.ecog),
        ("Karnofsky", ps.karnofsky_min, False, patient.karnofsky),
        ("Lansky", ps.lansky_min, False, patient.lansky),
    ) if limit is not None]
    if not wanted:
        return
    text, span = _sentence_of_kind(doc, "performance", "Performance status")
    direct = [_scale_outcome(n, mine, limit, at_most) for n, limit, at_most, mine in wanted if mine is not None]
    outcomes = direct or _converted(ps, patient)
    if not outcomes:
        scales = ", ".join(n for n, *_ in wanted)
        outcomes = [_Outcome("unknown", f"trial sets a {scales} limit; patient's performance status not given")]
    for o in outcomes:
        out.criteria.append(CriterionVerdict(kind="performance_status", status=o.status, criterion=text,
                                             explanation=o.explanation, span=span))


def _disease_scales(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    """A stage or class the trial requires or excludes (NYHA class, Hoehn and Yahr stage): the patient's value
    inside or outside the range; unknown when the profile gives no value of that scale."""
    for limit in doc.facts.disease_scales:
        text, span = _sentence(doc, limit.criterion)
        name = scale_name(limit.scale)
        wanted = f"trial {'requires' if limit.polarity == 'required' else 'excludes'} {describe(limit)}"
        value = patient.disease_scales.get(limit.scale)
        if value is None:
            status: VerdictStatus = "unknown"
            explanation = f"{wanted}; patient's {name} not given"
        else:
            inside = (limit.low is None or value >= limit.low) and (limit.high is None or value <= limit.high)
            status = _limit_status(inside, limit.polarity)
            explanation = f"{wanted}; patient's {name} is {value:g}"
        out.criteria.append(CriterionVerdict(kind="disease_scale", status=status, criterion=text,
                                             explanation=explanation, span=span))


def _limit_status(inside: bool | None, polarity: Polarity) -> VerdictStatus:
    """met when the patient's value lies inside a required range or outside an excluded one, not met the other
    way, unknown when it is not known which (None)."""
    if inside is None:
        return "unknown"
    return "met" if inside == (polarity == "required") else "not_met"


def _stages(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    """A cancer stage the trial enrols or excludes: the patient's stage inside or outside the limit; unknown when
    the profile gives no stage, a stage less precise than the limit ("III" against "IIIB or higher"), a stage of
    another staging system, or a stage outside a limit the criterion offers an alternative to ("stage IIIB/IV or
    locally advanced disease": the patient may qualify by the alternative); an alternative that is a recurrence
    alone ("stage IV or recurrent") is decided by the profile's `recurrent` when it gives it. A trial whose
    criteria give no stage limit is judged by the stages its registry conditions name, when the patient's cancer is
    one they name (`nlp.stages.condition_limit`)."""
    limits = [(limit, *_sentence(doc, limit.criterion), "") for limit in doc.facts.stages]
    registry = None if limits else condition_limit(tuple(doc.conditions), tuple(patient.conditions))
    if registry is not None:
        low, high, words = registry
        # no criterion states it (criterion -1): the verdict quotes the conditions
        named = CancerStage(low=low, high=high, words=words, polarity="required", criterion=-1, span=(0, 0))
        limits.append((named, f"conditions: {'; '.join(doc.conditions)}", None, " (its registry conditions)"))
    for limit, text, span, source in limits:
        wanted = f"trial {'enrols' if limit.polarity == 'required' else 'excludes'} {describe_stage(limit)}{source}"
        interval = stage_interval(patient.stage, patient.stage_system or limit.system) if patient.stage else None
        if interval is None:
            status: VerdictStatus = "unknown"
            explanation = f"{wanted}; the patient's stage is not given"
        elif limit.system and patient.stage_system and limit.system != patient.stage_system:
            status, explanation = "unknown", f"{wanted}; the patient's stage {patient.stage} is of another system " \
                                             f"({system_ids()[patient.stage_system]})"
        else:
            inside = compare(interval, limit.low, limit.high)
            status = _limit_status(inside, limit.polarity)
            explanation = f"{wanted}; the patient's stage is {patient.stage}"
            if inside is None:
                explanation += ", which does not say on which side of the limit it lies"
            elif inside is False and limit.alternative and limit.polarity == "required":
                if patient.recurrent is not None and recurrence_only(limit.alternative):
                    status = "met" if patient.recurrent else "not_met"
                    explanation += (", outside the stages, and a recurrence, the alternative the criterion offers"
                                    if patient.recurrent else ", outside the stages, and a cancer just found is not "
                                    "a recurrence, the alternative the criterion offers")
                else:
                    status = "unknown"
                    explanation += ", outside the stages, but the criterion offers an alternative the stage does " \
                                   "not decide"
        out.criteria.append(CriterionVerdict(kind="stage", status=status, criterion=text, explanation=explanation,
                                             span=span))


def _title_state(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    """A trial whose title is for the patient's cancer come back or resisting treatment ("Patients With Recurrent
    or Refractory Non-Hodgkin's Lymphoma", `nlp.stages.title_recurrence`): not met by a cancer the profile says was
    just found (`recurrent` false); no verdict when the profile is silent, the title offers another state beside
    these, or names another disease than the patient's first cancer."""
    if patient.recurrent is not False:
        return
    states = title_recurrence(doc.title)
    if states is None:
        return
    cancer = next((m.id for c in patient.conditions for m in diseases.map_condition(c) if diseases.is_cancer(m.id)),
                  None)
    named = diseases.map_condition(doc.title[doc.title.find(states) + len(states):])
    if cancer is None or not any(diseases.overlaps(cancer, t.id) and not diseases.is_basket(t.id) for t in named):
        return
    out.criteria.append(CriterionVerdict(
        kind="stage", status="not_met", criterion=f"title: {doc.title}",
        explanation=f"trial is for {states.lower()} disease; the patient's cancer was just found: no recurrence, nor a "
                    "treatment it resisted"))


def therapy_terms(name: str) -> set[str]:
    """A drug name plus its classes, lower-case: larotrectinib -> {larotrectinib, trk inhibitor, ...}."""
    name = name.strip().lower()
    drugs, classes = drugs_and_classes([name])
    return {name, *drugs, *classes}


def _prior_therapy(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    """One verdict per rule. Several therapies one criterion requires are often alternatives or examples ("a
    taxane such as paclitaxel or docetaxel", "a fluoropyrimidine, oxaliplatin or irinotecan"), sometimes all
    needed: when the patient had one of them, the others the patient lacks are unknown, not unmet. A broad class
    (chemotherapy, radiotherapy, insulin ...) the patient's therapies do not name is unknown either way: a list of
    drugs, typed or read from a note, does not say the patient never had one; so is a rule on a drug or class
    within a broad class the patient had without saying which ("chemotherapy" against a taxane rule). A list that
    may be partial (`prior_therapies_complete` false: read from a note) leaves a required therapy it does not name
    unknown; an excluded one it does not name stays met, a named one met or not met as for a whole history. A required
    therapy the patient had is unknown when its criterion puts a count or a duration on it (`therapy_qualifiers.json`:
    "failed at least two anti-convulsant regimens", "treated with levodopa for at least one year"): a profile holds
    neither."""
    had = {t.name: therapy_terms(t.name) for t in patient.prior_therapies or []}
    verdicts = []
    for rule in doc.facts.prior_therapies:
        text, span = _sentence(doc, rule.criterion)
        verdicts.append(_therapy_verdict(rule, had, patient.prior_therapies is None,
                                         patient.prior_therapies_complete, text, span))
    met_in = {r.criterion for r, v in zip(doc.facts.prior_therapies, verdicts, strict=True)
              if r.polarity == "required" and v.status == "met"}
    for rule, verdict in zip(doc.facts.prior_therapies, verdicts, strict=True):
        if rule.polarity == "required" and verdict.status == "not_met" and rule.criterion in met_in:
            verdict = verdict.model_copy(update={"status": "unknown", "explanation": (
                f"no prior {rule.drug_or_class.lower()} in the patient's therapies, but the patient had another "
                "therapy this criterion names: alternatives or all needed? ask")})
        out.criteria.append(verdict)


THERAPY_QUALIFIERS_PATH = Path(__file__).with_name("therapy_qualifiers.json")


@cache
def _therapy_qualifier() -> re.Pattern[str]:
    """The count and duration words of therapy_qualifiers.json as one case-insensitive regex."""
    data = json.loads(THERAPY_QUALIFIERS_PATH.read_text(encoding="utf-8"))
    number = "(?:" + "|".join(data["numbers"]) + ")"
    patterns = [p.replace("{n}", number) for p in (*data["count"], *data["duration"])]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


def _therapy_verdict(rule: PriorTherapy, had: dict[str, set[str]], untold: bool, complete: bool, text: str,
                     span: tuple[int, int] | None) -> CriterionVerdict:
    target = rule.drug_or_class.lower()
    matched = [name for name, terms in had.items() if target in terms]
    required = rule.polarity == "required"
    status: VerdictStatus
    if untold:
        status = "unknown"
        why = f"trial {'requires' if required else 'excludes'} prior {target}; patient's prior therapies not given"
    elif matched and required and (qualified := _therapy_qualifier().search(text)):
        status = "unknown"
        why = (f"patient had {matched[0]} ({target}); trial requires prior {target}, \"{qualified.group()}\": how "
               "many or how long is not in the profile")
    elif matched:
        status = "met" if required else "not_met"
        why = f"patient had {matched[0]} ({target}); trial {'requires' if required else 'excludes'} prior {target}"
    elif is_broad_class(target):
        status = "unknown"
        why = (f"no {target} among the patient's therapies, which does not say the patient never had it; trial "
               f"{'requires' if required else 'excludes'} prior {target}")
    elif wider := sorted({normalize_drug(name) or "" for name in had} & broad_classes_of(target)):
        status = "unknown"
        why = (f"patient had {wider[0]}, not said which; trial {'requires' if required else 'excludes'} prior "
               f"{target}")
    elif required and not complete:
        status = "unknown"
        why = (f"no prior {target} in the patient's therapies, but the list may be partial (read from a note, not "
               f"the whole treatment history); trial requires prior {target}")
    else:
        status = "not_met" if required else "met"
        why = f"no prior {target} in the patient's therapies; trial {'requires' if required else 'excludes'} it"
    return CriterionVerdict(kind="prior_therapy", status=status, criterion=text or f"prior {target}",
                            explanation=why, span=span)


def _current_therapy(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    """A drug or class the trial forbids taking now or within a washout window (`TrialCriteria.current_therapies`):
    not met when the patient takes it now (a therapy marked `current`, by name or class). Otherwise no verdict, as
    for an excluded disease: the profile lists what the patient takes, not all they do not take."""
    taking = {t.name: therapy_terms(t.name) for t in patient.prior_therapies or [] if t.current}
    if not taking:
        return
    judged: set[int] = set()
    for rule in doc.facts.current_therapies:
        target = rule.drug_or_class.lower()
        name = next((name for name, terms in taking.items() if target in terms), None)
        if name is None or rule.criterion in judged:
            continue
        judged.add(rule.criterion)
        text, span = _sentence(doc, rule.criterion)
        out.criteria.append(CriterionVerdict(
            kind="prior_therapy", status="not_met", criterion=text or f"no current {target}", span=span,
            explanation=f"patient takes {name} ({target}) now; trial excludes its current or recent use"))


def _cns(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    rule = doc.facts.cns_metastases
    if rule.allowed in (None, "yes"):
        return
    text, span = _sentence(doc, rule.criterion)
    allowed = "stable (treated) CNS metastases only" if rule.allowed == "stable_only" else "no CNS metastases"
    status: VerdictStatus
    if patient.cns_metastases is None:
        status, why = "unknown", f"trial allows {allowed}; patient's CNS status not given"
    else:
        bad = {"stable_only": {"active"}, "no": {"active", "stable"}}[rule.allowed]
        status = "not_met" if patient.cns_metastases in bad else "met"
        shown = "no" if patient.cns_metastases == "none" else patient.cns_metastases
        why = f"patient has {shown} CNS metastases; trial allows {allowed}"
    out.criteria.append(CriterionVerdict(kind="cns_metastases", status=status,
                                         criterion=text or "CNS metastases", explanation=why, span=span))


_UNIT_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _ConditionLabs:
    """Lab values one condition decides (a row of condition_labs.json, its condition mapped to a term)."""

    term: str
    name: str
    above: dict[str, dict[str, float]]
    below: dict[str, dict[str, float]]
    undecided: re.Pattern[str]


@cache
def _condition_labs() -> tuple[_ConditionLabs, ...]:
    rows = json.loads(CONDITION_LABS_PATH.read_text(encoding="utf-8"))["conditions"]
    found = []
    for row in rows:
        term = diseases.map_condition(row["condition"])[0].id
        words = "|".join(re.escape(w) for w in row["undecided_words"])
        found.append(_ConditionLabs(term, row["condition"], row.get("above", {}), row.get("below", {}),
                                    re.compile(rf"\b(?:{words})\b", re.I)))
    return tuple(found)


def _unit_key(lab: Lab) -> str | None:
    """The lab's unit as condition_labs.json writes it ("mg/dl", "umol/l", "ml/min", "uln"); None when unitless."""
    if lab.uln_multiple:
        return "uln"
    if lab.unit is None:
        return None
    unit = _UNIT_SPACE.sub("", lab.unit.lower()).replace("µ", "u").replace("μ", "u")
    return "ml/min" if unit.startswith("ml/min") else unit


def _decided(lab: Lab, bounds: dict[str, float], ceiling: bool) -> bool:
    """Whether a patient beyond `bounds` (above them for a ceiling, below for a floor) fails the lab's limit: in the
    lab's unit, or, unitless, in every unit the bounds name."""
    unit = _unit_key(lab)
    limits = [bounds[unit]] if unit in bounds else list(bounds.values()) if unit is None else []
    if ceiling:
        return bool(limits) and lab.comparator in ("<", "<=") and all(lab.value <= b for b in limits)
    return bool(limits) and lab.comparator in (">", ">=") and all(lab.value >= b for b in limits)


@lru_cache(maxsize=256)
def _deciding_labs(conditions: tuple[str, ...]) -> tuple[tuple[_ConditionLabs, str], ...]:
    """The condition_labs.json rows a patient's present conditions fall under, each with the condition's words: once
    per patient, not once per candidate trial."""
    had = [d for d in understand(conditions) if not d.historical]
    return tuple((row, d.text) for row in _condition_labs() for d in had
                 if any(diseases.is_within(i, row.term) for i in d.ids))


def _labs(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    """A lab threshold the patient's condition decides (`condition_labs.json`: end-stage renal disease against a
    creatinine ceiling or a clearance floor): not met, one verdict per criterion. Otherwise no verdict: the profile
    holds no lab values, and a criterion that offers another way in (dialysis, an exception) or names a ratio over the
    analyte (a misread "protein:creatinine ratio") is not decided."""
    rows = _deciding_labs(tuple(patient.conditions)) if doc.facts.labs else ()
    judged: set[int | None] = set()
    for lab in doc.facts.labs:
        for row, words in rows:
            text, span = _sentence(doc, lab.criterion)
            if lab.criterion in judged or row.undecided.search(text):
                continue
            beyond = ("above", row.above) if lab.analyte in row.above else ("below", row.below)
            if lab.analyte not in beyond[1] or not _decided(lab, beyond[1][lab.analyte], beyond[0] == "above"):
                continue
            judged.add(lab.criterion)
            limit = f"{lab.analyte.replace('_', ' ')} {lab.comparator} {lab.value:g}" + (
                " x ULN" if lab.uln_multiple else f" {lab.unit}" if lab.unit else "")
            has = words if words.lower() == row.name else f"{words} ({row.name})"
            out.criteria.append(CriterionVerdict(
                kind="lab", status="not_met", criterion=text or limit, span=span,
                explanation=f"trial requires {limit}; the patient has {has}, which puts "
                            f"{lab.analyte.replace('_', ' ')} {beyond[0]} that"))


UNCERTAIN_WORDS = {
    "conditional": "only under a condition",
    "cohort": "for one cohort, arm, part or phase only",
    "either": "as one of several alternatives",
}


def _uncertain(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    """Facts the text makes conditional, cohort-only or either/or: unknown, one verdict per criterion and reason (a
    procedure rule only when the patient had one like it, or when it is one of alternatives the trial requires; a
    current-therapy rule only when the patient takes the drug now, reported under "prior_therapy": a silent profile
    stays silent). A lab threshold gives no verdict, as a certain one gives none (a profile holds no lab values); the
    trial's facts show it as uncertain."""
    grouped: dict[tuple[int, Uncertainty, CriterionKind], list[UncertainFact]] = {}
    had = _patient_procedures(patient)
    taking = [therapy_terms(t.name) for t in patient.prior_therapies or [] if t.current]
    for fact in doc.facts.uncertain:
        if (p := fact.procedure) is not None and procedure_status(
                p.procedure, "required" if fact.reason == "either" and p.polarity == "required" else "excluded",
                had)[0] is None:
            continue  # only a requirement among alternatives asks every patient; a condition asks one who had it
        if fact.kind == "lab":
            continue
        if (c := fact.current_therapy) is not None and not any(c.drug_or_class.lower() in t for t in taking):
            continue
        kind: CriterionKind = "prior_therapy" if fact.kind == "current_therapy" else fact.kind
        grouped.setdefault((fact.criterion, fact.reason, kind), []).append(fact)
    for (criterion, reason, kind), facts in grouped.items():
        named = [(b.polarity, _describe(b)) for f in facts if (b := f.biomarker) is not None]
        named += [(t.polarity, f"prior {t.drug_or_class}") for f in facts if (t := f.therapy) is not None]
        named += [(p.polarity, f"a prior {procedure_name(p.procedure)}")
                  for f in facts if (p := f.procedure) is not None]
        named += [("excluded", f"current {c.drug_or_class}") for f in facts if (c := f.current_therapy) is not None]
        words = [
            f"{'requires' if polarity == 'required' else 'excludes'} "
            f"{_and_or(list(dict.fromkeys(d for p, d in named if p == polarity)), 'or')}"
            for polarity in dict.fromkeys(p for p, _ in named)
        ]
        why = f"trial {' and '.join(words) or f'states a {kind} rule'} {UNCERTAIN_WORDS[reason]}; not judged"
        text, span = _sentence(doc, criterion)
        out.criteria.append(CriterionVerdict(kind=kind, status="unknown", criterion=text or why,
                                             explanation=why, span=span))


def _patient_procedures(patient: PatientProfile, planned: bool = False) -> list[tuple[str, str]]:
    """(id, words) of each procedure the profile names as had (or as planned, not had yet) that
    nlp/vocab/procedures.jsonl knows."""
    names = patient.planned_procedures if planned else patient.procedures
    return [(found, words) for words in names if (found := normalize_procedure(words)) is not None]


def procedure_status(rule: str, polarity: str, had: list[tuple[str, str]]) -> tuple[VerdictStatus | None, str]:
    """The verdict on a procedure rule for the procedures the patient had (id, words), and the words it rests on:
    the procedure or a kind below it decides (excluded: not met, required: met); a broader one of the patient's
    ("transplant" for a trial's kidney transplant) or a kind below a generic rule ("transplant") leaves it unknown;
    none named: required is unknown, excluded has no verdict (a silent profile stays silent)."""
    decided = [words for found, words in had if is_a(found, rule) and not (is_generic(rule) and found != rule)]
    if decided:
        return ("not_met" if polarity == "excluded" else "met"), decided[0]
    related = [words for found, words in had if is_a(rule, found) or is_a(found, rule)]
    if related:
        return "unknown", related[0]
    return ("unknown" if polarity == "required" else None), ""


def _procedures(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    """A procedure the trial excludes or requires (transplant, named surgery), judged against the profile's; a
    required one the patient has not had but has planned (it or a kind below it) is not met."""
    had = _patient_procedures(patient)
    planned = _patient_procedures(patient, planned=True)
    for rule in doc.facts.procedures:
        status, words = procedure_status(rule.procedure, rule.polarity, had)
        if status is None:
            continue
        name = procedure_name(rule.procedure)
        wanted = f"trial {'requires' if rule.polarity == 'required' else 'excludes'} a prior {name}"
        explanation = f"{wanted}; the patient had {words}" if words else f"{wanted}; the patient's procedures " \
                                                                         "do not name it"
        if status == "unknown" and words:
            explanation = f"{wanted}; the patient had {words}, which may or may not be one"
        elif status == "unknown" and rule.polarity == "required" and (
                only_planned := [w for found, w in planned if is_a(found, rule.procedure)]):
            status, explanation = "not_met", f"{wanted}; the patient's {only_planned[0]} is planned, not had"
        text, span = _sentence(doc, rule.criterion)
        out.criteria.append(CriterionVerdict(kind="procedure", status=status, criterion=text,
                                             explanation=explanation, span=span))


def evaluate(doc: IndexDocument, patient: PatientProfile, until_not_met: bool = False) -> Evaluation:
    """Every criterion verdict of `doc` for `patient`, plus the biomarker specificity used in ranking.

    `until_not_met` stops after the first kind of criterion with a verdict not met: the trial is not eligible
    whatever the rest say, and a caller that drops such trials needs no more (the verdicts are then incomplete)."""
    out = Evaluation()
    for judge in (_biomarkers, _age, _sex, _performance, _disease_scales, _stages, _title_state, _prior_therapy,
                  _current_therapy, _procedures, _cns, _labs, _uncertain):
        judged = len(out.criteria)
        judge(doc, patient, out)
        if until_not_met and any(v.status == "not_met" for v in out.criteria[judged:]):
            break
    return out
