"""Words for the facts nlp extracted from a trial: biomarker rules, age windows, fact lists and marks.

    >>> biomarker_rules(TrialCriteria(biomarkers=[
    ...     Biomarker(gene=g, alteration="amplification", min_copies=7, any_of="a", criterion=1, span=(0, 1))
    ...     for g in ("NTRK1", "NTRK2", "NTRK3")]), "required")
    ['NTRK1/NTRK2/NTRK3 amplification ≥7 copies']

Used by the Trial page (facts listed and highlighted in the eligibility text) and the Compare page
(one row per trial).
"""

from __future__ import annotations

from nlp.disease_scales import describe
from nlp.models import Biomarker, Lab, Polarity, TrialCriteria
from nlp.procedures import procedure_name
from nlp.stages import describe as describe_stage
from search.verdicts import UNCERTAIN_WORDS
from ui.decisive import pattern_marks
from ui.highlight import Mark


def _number(value: float) -> str:
    return f"{value:g}"


def _biomarker_words(markers: list[Biomarker]) -> str:
    first = markers[0]
    genes = "/".join(dict.fromkeys(m.gene for m in markers))
    words = [genes]
    if first.variant:
        words.append(first.variant)
    if first.alteration != "any" or not first.variant:
        words.append(first.alteration if first.alteration != "any" else "alteration")
    if first.min_copies is not None:
        words.append(f"≥{_number(first.min_copies)} copies")
    return " ".join(words)


def biomarker_rules(facts: TrialCriteria, polarity: Polarity) -> list[str]:
    """One phrase per rule of this polarity; alternatives (an any_of group) share a phrase when they can."""
    markers = [b for b in facts.biomarkers if b.polarity == polarity]
    phrases: list[str] = []
    groups: dict[str, list[Biomarker]] = {}
    for marker in markers:
        groups.setdefault(marker.any_of or f"_{id(marker)}", []).append(marker)
    for group in groups.values():
        shapes: dict[tuple, list[Biomarker]] = {}
        for marker in group:
            shapes.setdefault((marker.alteration, marker.variant, marker.min_copies), []).append(marker)
        phrases.append(" or ".join(_biomarker_words(same) for same in shapes.values()))
    return list(dict.fromkeys(phrases))


def therapy_rules(facts: TrialCriteria, polarity: Polarity) -> list[str]:
    return list(dict.fromkeys(t.drug_or_class for t in facts.prior_therapies if t.polarity == polarity))


def _age(years: float) -> str:
    """"16 y", and under a year in months: "1 mo" for 0.0833."""
    return f"{round(years * 12, 1):g} mo" if 0 < years < 1 else f"{_number(years)} y"


def age_window(facts: TrialCriteria) -> str:
    low, high = facts.age.min_years, facts.age.max_years
    if low is None:
        return "no limit stated" if high is None else f"≤{_age(high)}"
    if high is None:
        return f"≥{_age(low)}"
    if (low == 0 or low >= 1) and high >= 1:
        return f"{_number(low)}–{_number(high)} y"
    return f"{_age(low)}–{_age(high)}"


def performance_rule(facts: TrialCriteria) -> str:
    ps = facts.performance_status
    parts = []
    if ps.ecog_max is not None:
        parts.append(f"ECOG ≤{ps.ecog_max}")
    if ps.karnofsky_min is not None:
        parts.append(f"KPS ≥{ps.karnofsky_min}")
    if ps.lansky_min is not None:
        parts.append(f"Lansky ≥{ps.lansky_min}")
    return ", ".join(parts)


AGE_SOURCES = {"text": "from the criteria text", "registry": "from the registry", "both": "registry and text"}
CNS_WORDS = {"yes": "allowed", "stable_only": "stable only", "no": "excluded"}


def cns_rule(facts: TrialCriteria) -> str:
    return CNS_WORDS.get(facts.cns_metastases.allowed or "", "")


EXCERPT = 100


def _criterion_text(facts: TrialCriteria, index: int | None) -> str:
    """The start of the criterion a fact came from (the whole text is highlighted below the table)."""
    if index is None or not 0 <= index < len(facts.criteria):
        return ""
    text = facts.criteria[index].text
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def fact_rows(facts: TrialCriteria) -> list[dict[str, str]]:
    """Every extracted fact as {kind, value, polarity, criterion}, for the Trial page's fact table; an uncertain fact
    its criterion names more than once is one row (the facts keep each mention's span)."""
    rows: list[dict[str, str]] = []
    if facts.age.min_years is not None or facts.age.max_years is not None:
        source = AGE_SOURCES.get(facts.age.source or "text", "")
        rows.append({"kind": "age", "value": f"{age_window(facts)} ({source})",
                     "polarity": "required", "criterion": ""})
    if facts.sex != "ALL":
        rows.append({"kind": "sex", "value": facts.sex.lower(), "polarity": "required", "criterion": ""})
    if performance_rule(facts):
        rows.append({"kind": "performance status", "value": performance_rule(facts), "polarity": "required",
                     "criterion": ""})
    for b in facts.biomarkers:
        value = _biomarker_words([b]) + (" (one of alternatives)" if b.any_of else "")
        rows.append({"kind": "biomarker", "value": value, "polarity": b.polarity,
                     "criterion": _criterion_text(facts, b.criterion)})
    for t in facts.prior_therapies:
        rows.append({"kind": "prior therapy", "value": t.drug_or_class, "polarity": t.polarity,
                     "criterion": _criterion_text(facts, t.criterion)})
    seen: set[tuple[str, str, str, int]] = set()
    for u in facts.uncertain:
        value = _biomarker_words([u.biomarker]) if u.biomarker else u.therapy.drug_or_class if u.therapy else \
            procedure_name(u.procedure.procedure) if u.procedure else _lab_value(u.lab) if u.lab else \
            u.current_therapy.drug_or_class if u.current_therapy else u.kind
        polarity = u.biomarker.polarity if u.biomarker else u.therapy.polarity if u.therapy else \
            u.procedure.polarity if u.procedure else "required" if u.lab else \
            "excluded" if u.current_therapy else ""
        kind = f"{u.kind.replace('_', ' ')} (uncertain: {UNCERTAIN_WORDS[u.reason]})"
        if (kind, value, polarity, u.criterion) in seen:
            continue  # one fact named again in its criterion ("ALK positivity; ALK positivity can be assessed ...")
        seen.add((kind, value, polarity, u.criterion))
        rows.append({"kind": kind, "value": value, "polarity": polarity,
                     "criterion": _criterion_text(facts, u.criterion)})
    if facts.cns_metastases.allowed:
        rows.append({"kind": "CNS metastases", "value": cns_rule(facts), "polarity": "required",
                     "criterion": _criterion_text(facts, facts.cns_metastases.criterion)})
    for limit in facts.disease_scales:
        rows.append({"kind": "disease scale", "value": describe(limit), "polarity": limit.polarity,
                     "criterion": _criterion_text(facts, limit.criterion)})
    for stage in facts.stages:
        rows.append({"kind": "cancer stage", "value": describe_stage(stage), "polarity": stage.polarity,
                     "criterion": _criterion_text(facts, stage.criterion)})
    for procedure in facts.procedures:
        rows.append({"kind": "procedure", "value": f"prior {procedure_name(procedure.procedure)}",
                     "polarity": procedure.polarity, "criterion": _criterion_text(facts, procedure.criterion)})
    for lab in facts.labs:
        rows.append({"kind": "lab", "value": _lab_value(lab),
                     "polarity": "required", "criterion": _criterion_text(facts, lab.criterion)})
    return rows


def _lab_value(lab: Lab) -> str:
    unit = "× ULN" if lab.uln_multiple else (lab.unit or "")
    return f"{lab.analyte} {lab.comparator} {_number(lab.value)} {unit}".strip()


def fact_marks(facts: TrialCriteria, text: str) -> list[Mark]:
    """Marks over the eligibility `text`: the exact words of biomarkers and prior therapies, plus, in each
    criterion, the decisive words of its facts (copy numbers, ECOG and lab limits, age ranges ...); a
    criterion whose facts no pattern finds is marked whole."""
    marks = [
        *(Mark(b.span[0], b.span[1], f"biomarker: {_biomarker_words([b])} ({b.polarity})") for b in facts.biomarkers),
        *(Mark(t.span[0], t.span[1], f"prior_therapy: {t.drug_or_class} ({t.polarity})")
          for t in facts.prior_therapies),
        *(Mark(d.span[0], d.span[1], f"disease_scale: {describe(d)} ({d.polarity})") for d in facts.disease_scales),
        *(Mark(s.span[0], s.span[1], f"stage: {describe_stage(s)} ({s.polarity})") for s in facts.stages),
        *(Mark(p.span[0], p.span[1], f"procedure: {procedure_name(p.procedure)} ({p.polarity})")
          for p in facts.procedures),
    ]
    for criterion in facts.criteria:
        start, end = criterion.span
        found = [Mark(start + m.start, start + m.end, m.label)
                 for kind in criterion.kinds for m in pattern_marks(kind, text[start:end])]
        if found:
            marks.extend(found)
        elif criterion.kinds and not any(start <= m.start < end for m in marks):
            marks.append(Mark(start, end, ", ".join(criterion.kinds)))
    return marks
