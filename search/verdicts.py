"""Per-criterion verdicts: does this patient meet each fact nlp extracted from this trial?

    >>> verdicts = evaluate(document, patient)            # doctest: +SKIP
    >>> [(v.kind, v.status) for v in verdicts.criteria]   # doctest: +SKIP
    [('biomarker', 'met'), ('age', 'met'), ('performance_status', 'unknown')]

Shared by every backend: retrieval finds candidates, this module judges them. A criterion the patient
profile says nothing about is `unknown`, never `met`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from nlp.models import Biomarker, Criterion, PriorTherapy
from search.documents import drugs_and_classes
from search.models import CriterionVerdict, IndexDocument, PatientBiomarker, PatientProfile

_RANK = {"met": 2, "unknown": 1, "not_met": 0}
# Approximate ECOG <-> Karnofsky equivalence (Oken et al. 1982), used only when the patient lacks the scale.
ECOG_TO_KARNOFSKY = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20), 5: (0, 0)}


@dataclass
class Evaluation:
    criteria: list[CriterionVerdict] = field(default_factory=list)
    specificity: int = 1  # 3 exact biomarker, 2 through an `any` alteration, 1 none named, 0 not shown met


@dataclass
class _Outcome:
    status: str
    explanation: str
    exact: bool = False


def _best(outcomes: Iterable[_Outcome]) -> _Outcome:
    return max(outcomes, key=lambda o: (_RANK[o.status], o.exact))


def _sentence(doc: IndexDocument, index: int | None) -> tuple[str, tuple[int, int] | None]:
    criteria: list[Criterion] = doc.facts.criteria
    if index is not None and 0 <= index < len(criteria):
        return criteria[index].text, tuple(criteria[index].span)
    return "", None


def _sentence_of_kind(doc: IndexDocument, kind: str, fallback: str) -> tuple[str, tuple[int, int] | None]:
    for c in doc.facts.criteria:
        if any(kind in k for k in c.kinds):
            return c.text, tuple(c.span)
    return fallback, None


def _describe(b: Biomarker) -> str:
    what = b.variant or ("any alteration" if b.alteration == "any" else b.alteration)
    threshold = f" (at least {b.min_copies:g} copies)" if b.min_copies is not None else ""
    return f"{b.gene} {what}{threshold}"


def _patient_marker(p: PatientBiomarker) -> str:
    copies = f", {p.copies:g} copies" if p.copies is not None else ""
    return f"{p.gene} {p.variant or p.alteration}{copies}"


def _entry(b: Biomarker, carried: list[PatientBiomarker], profiled: bool) -> _Outcome:
    """How a patient's alterations of b.gene compare with one required biomarker entry.

    A profile listing biomarkers lists the patient's known alterations: a gene it leaves out is taken as
    not altered. A profile listing none says nothing, so the entry is unknown."""
    if not carried:
        if profiled:
            return _Outcome("not_met", f"trial requires {_describe(b)}; the patient's biomarkers do not include it")
        return _Outcome("unknown", f"trial requires {_describe(b)}; the profile lists no biomarkers")
    outcomes = []
    for p in carried:
        if b.alteration not in ("any", p.alteration):
            outcomes.append(_Outcome("not_met", f"trial requires {_describe(b)}; patient has {_patient_marker(p)}"))
        elif b.variant and not p.variant:
            outcomes.append(_Outcome("unknown", f"trial requires variant {b.variant}; patient's variant not given"))
        elif b.variant and b.variant.replace(" ", "").lower() != p.variant.replace(" ", "").lower():
            outcomes.append(_Outcome("not_met", f"trial requires {_describe(b)}; patient has {_patient_marker(p)}"))
        elif p.alteration == "amplification" and b.min_copies is not None and p.copies is None:
            outcomes.append(_Outcome("unknown", f"trial requires at least {b.min_copies:g} copies of {b.gene}; "
                                                "patient's copy number not given"))
        elif p.alteration == "amplification" and b.min_copies is not None and p.copies < b.min_copies:
            outcomes.append(_Outcome("not_met", f"patient has {_patient_marker(p)}; "
                                                f"trial requires at least {b.min_copies:g}"))
        else:
            outcomes.append(_Outcome("met", f"patient has {_patient_marker(p)}; trial requires {_describe(b)}",
                                     exact=b.alteration == p.alteration))
    return _best(outcomes)


def _biomarkers(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    by_gene: dict[str, list[PatientBiomarker]] = {}
    for p in patient.biomarkers:
        by_gene.setdefault(p.gene, []).append(p)
    groups: dict[str, list[Biomarker]] = {}
    for i, b in enumerate(doc.facts.biomarkers):
        if b.polarity == "required":
            groups.setdefault(b.any_of or f"#{i}", []).append(b)
    group_outcomes = []
    for entries in groups.values():
        outcome = _best(_entry(b, by_gene.get(b.gene, []), bool(by_gene)) for b in entries)
        if len(entries) > 1 and outcome.status != "met":
            outcome.explanation = f"none of {', '.join(_describe(b) for b in entries)} shown: {outcome.explanation}"
        text, span = _sentence(doc, entries[0].criterion)
        out.criteria.append(CriterionVerdict(kind="biomarker", status=outcome.status, criterion=text or
                                             f"requires {_describe(entries[0])}", explanation=outcome.explanation,
                                             span=span))
        group_outcomes.append(outcome)
    if group_outcomes:
        all_met = all(o.status == "met" for o in group_outcomes)
        out.specificity = (3 if any(o.exact for o in group_outcomes) else 2) if all_met else 0
    for b in doc.facts.biomarkers:
        if b.polarity != "excluded":
            continue
        carried = by_gene.get(b.gene, [])
        hit = _entry(b, carried, bool(by_gene))
        if hit.status == "met":
            outcome = _Outcome("not_met", f"patient carries {_patient_marker(carried[0])}, which the trial excludes")
        elif by_gene:
            outcome = _Outcome("met", f"the patient's biomarkers do not include the excluded {_describe(b)}")
        else:
            outcome = _Outcome("unknown", f"trial excludes {_describe(b)}; the profile lists no biomarkers")
        text, span = _sentence(doc, b.criterion)
        out.criteria.append(CriterionVerdict(kind="biomarker", status=outcome.status,
                                             criterion=text or f"excludes {_describe(b)}",
                                             explanation=outcome.explanation, span=span))


def _age(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    age = doc.facts.age
    if age.min_years is None and age.max_years is None:
        return
    bounds = " and ".join(filter(None, [
        f"at least {age.min_years:g} years" if age.min_years is not None else "",
        f"at most {age.max_years:g} years" if age.max_years is not None else ""]))
    text, span = _sentence_of_kind(doc, "age", f"Age: {bounds} (registry)")
    if patient.age is None:
        status, why = "unknown", f"trial requires age {bounds}; patient's age not given"
    elif (age.min_years is not None and patient.age < age.min_years) or (
            age.max_years is not None and patient.age > age.max_years):
        status, why = "not_met", f"patient is {patient.age:g}; trial requires {bounds}"
    else:
        status, why = "met", f"patient is {patient.age:g}; trial requires {bounds}"
    out.criteria.append(CriterionVerdict(kind="age", status=status, criterion=text, explanation=why, span=span))


def _sex(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    if doc.facts.sex == "ALL":
        return
    wanted = doc.facts.sex.lower()
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


def therapy_terms(name: str) -> set[str]:
    """A drug name plus its classes, lower-case: larotrectinib -> {larotrectinib, trk inhibitor, ...}."""
    name = name.strip().lower()
    drugs, classes = drugs_and_classes([name])
    return {name, *drugs, *classes}


def _prior_therapy(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    had = {t.name: therapy_terms(t.name) for t in patient.prior_therapies or []}
    for rule in doc.facts.prior_therapies:
        text, span = _sentence(doc, rule.criterion)
        out.criteria.append(_therapy_verdict(rule, had, patient.prior_therapies is None, text, span))


def _therapy_verdict(rule: PriorTherapy, had: dict[str, set[str]], untold: bool, text: str,
                     span: tuple[int, int] | None) -> CriterionVerdict:
    target = rule.drug_or_class.lower()
    matched = [name for name, terms in had.items() if target in terms]
    required = rule.polarity == "required"
    if untold:
        status = "unknown"
        why = f"trial {'requires' if required else 'excludes'} prior {target}; patient's prior therapies not given"
    elif matched:
        status = "met" if required else "not_met"
        why = f"patient had {matched[0]} ({target}); trial {'requires' if required else 'excludes'} prior {target}"
    else:
        status = "not_met" if required else "met"
        why = f"no prior {target} in the patient's therapies; trial {'requires' if required else 'excludes'} it"
    return CriterionVerdict(kind="prior_therapy", status=status, criterion=text or f"prior {target}",
                            explanation=why, span=span)


def _cns(doc: IndexDocument, patient: PatientProfile, out: Evaluation) -> None:
    rule = doc.facts.cns_metastases
    if rule.allowed in (None, "yes"):
        return
    text, span = _sentence(doc, rule.criterion)
    allowed = "stable (treated) CNS metastases only" if rule.allowed == "stable_only" else "no CNS metastases"
    if patient.cns_metastases is None:
        status, why = "unknown", f"trial allows {allowed}; patient's CNS status not given"
    else:
        bad = {"stable_only": {"active"}, "no": {"active", "stable"}}[rule.allowed]
        status = "not_met" if patient.cns_metastases in bad else "met"
        shown = "no" if patient.cns_metastases == "none" else patient.cns_metastases
        why = f"patient has {shown} CNS metastases; trial allows {allowed}"
    out.criteria.append(CriterionVerdict(kind="cns_metastases", status=status,
                                         criterion=text or "CNS metastases", explanation=why, span=span))


def evaluate(doc: IndexDocument, patient: PatientProfile) -> Evaluation:
    """Every criterion verdict of `doc` for `patient`, plus the biomarker specificity used in ranking."""
    out = Evaluation()
    for judge in (_biomarkers, _age, _sex, _performance, _prior_therapy, _cns):
        judge(doc, patient, out)
    return out
