"""Public API of the NLP stage: eligibility text or API v2 study → `TrialCriteria`.

    >>> from nlp.extract import extract_text
    >>> facts = extract_text("Inclusion Criteria:\\n* Age 18 to 75 years\\n* ECOG 0-1", nct_id="NCT0")
    >>> facts.age.min_years, facts.age.max_years, facts.performance_status.ecog_max
    (18.0, 75.0, 1)

`extract_text` reads the text alone; `extract_study` also merges the registry's minimumAge, maximumAge
and sex (`age.source` says which gave the window; the registry's ages are the authority, the text only fills a
bound the registry lacks, and `age_in_text` keeps the text's reading when it disagrees) and reads whom the trial is
for (`nlp.trial_diseases`: conditions, title, keywords and the criteria that state the disease); `extract_studies`
streams many studies through `nlp.pipe`, in order, and `extract_texts` does the same for (text, nct_id) pairs.
Empty or missing criteria give a valid record with nulls; lone surrogates in a text are read as U+FFFD
(`core.encoding`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import get_args

from spacy.tokens import Doc

from core.encoding import scrub_text
from nlp.cns import for_a_cancer as cns_for_a_cancer
from nlp.models import AgeWindow, PerformanceStatus, RegistrySex, TrialCriteria
from nlp.pipeline import get_nlp, make_doc_text
from nlp.sections import criteria_offsets
from nlp.stages import for_a_cancer
from nlp.text import clean_texts
from nlp.trial_diseases import trial_diseases

_REGISTRY_AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*", re.I)
_UNIT_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / 8766,
    "minute": 1 / 525960,
}
_SEXES: dict[str, RegistrySex] = {sex: sex for sex in get_args(RegistrySex)}
_AGE_TOLERANCE_YEARS = 0.01  # registry ages are rounded to 4 decimals, the text's to 3: "1 Month" is both
# A registry maximum counts whole years ("21 Years": until the 22nd birthday), which a text writes "under 22" or
# "up to 21": a text maximum up to a year above the registry's is the same limit.
_MAX_AGE_CONVENTION_YEARS = 1.0
_LIST_KINDS = {"biomarkers": "biomarker", "prior_therapies": "prior_therapy", "current_therapies": "prior_therapy",
               "labs": "lab", "procedures": "procedure", "uncertain": "uncertain"}


def _text(value: object) -> str:
    """A criteria text as the pipeline reads it: "" unless a string, lone surrogates replaced (same length)."""
    return scrub_text(value)[0] if isinstance(value, str) else ""


def eligibility_text(study: dict) -> str:
    """The eligibility criteria text of an API v2 study object ("" when it has none)."""
    module = (study.get("protocolSection") or {}).get("eligibilityModule") or {}
    return _text(module.get("eligibilityCriteria"))


def _nct_id(study: dict) -> str | None:
    return ((study.get("protocolSection") or {}).get("identificationModule") or {}).get("nctId")


def registry_age_years(value: object) -> float | None:
    """An API v2 age string in years: "16 Years" → 16.0, "6 Months" → 0.5; None for "N/A" or missing."""
    if not isinstance(value, str):
        return None
    match = _REGISTRY_AGE.fullmatch(value)
    if not match:
        return None
    return round(float(match.group(1)) * _UNIT_YEARS[match.group(2).lower()], 4)


def _criteria(doc: Doc, text: str, found: dict) -> list[dict]:
    kinds: dict[int, set[str]] = {i: set(k) for i, k in (doc._.kinds or {}).items()}
    for field, kind in _LIST_KINDS.items():
        for fact in found.get(field) or ():
            if fact.criterion is not None:
                kinds.setdefault(fact.criterion, set()).add(kind)
    cns = found.get("cns_metastases")
    if cns is not None and cns.criterion is not None:
        kinds.setdefault(cns.criterion, set()).add("cns_metastases")
    criteria = criteria_offsets(doc)
    texts = clean_texts(text, [(c.start_char, c.end_char) for c in criteria])
    return [
        {
            "section": c.section,
            "text": texts[i],
            "span": (c.start_char, c.end_char),
            "kinds": sorted(kinds.get(i, ())),
        }
        for i, c in enumerate(criteria)
    ]


def _assemble(doc: Doc, text: str, nct_id: str | None) -> TrialCriteria:
    found = doc._.facts or {}
    age = found.get("age") or AgeWindow()
    if age.min_years is not None or age.max_years is not None:
        age = age.model_copy(update={"source": "text"})
    data = {
        "nct_id": nct_id,
        "age": age,
        "performance_status": found.get("performance_status") or PerformanceStatus(),
        "biomarkers": found.get("biomarkers") or [],
        "prior_therapies": found.get("prior_therapies") or [],
        "current_therapies": found.get("current_therapies") or [],
        "labs": found.get("labs") or [],
        "disease_scales": found.get("disease_scales") or [],
        "stages": found.get("stages") or [],
        "procedures": found.get("procedures") or [],
        "uncertain": found.get("uncertain") or [],
        "criteria": _criteria(doc, text, found),
    }
    if found.get("cns_metastases") is not None:
        data["cns_metastases"] = found["cns_metastases"]
    return TrialCriteria.model_validate(data)  # one validation of the whole record: fast, and checked


def merge_registry_age(text_age: AgeWindow, study: dict) -> tuple[AgeWindow, AgeWindow | None]:
    """The trial's age window, and the text's own window when it disagrees with the registry's.

    The registry's structured minimumAge/maximumAge are the authority: the text only fills a bound the registry
    lacks (a registry maximum of 21 and a text reading "from birth" give 0 to 21), and never when that would
    empty the window. A text bound that differs from a registry bound is returned as the disagreement, for the
    verdict to show beside the registry's window, never to narrow it.
    """
    module = (study.get("protocolSection") or {}).get("eligibilityModule") or {}
    reg_min, reg_max = registry_age_years(module.get("minimumAge")), registry_age_years(module.get("maximumAge"))
    if reg_min is None and reg_max is None:
        return text_age, None
    if text_age.source != "text":
        return AgeWindow(min_years=reg_min, max_years=reg_max, source="registry"), None
    low = reg_min if reg_min is not None else text_age.min_years
    high = reg_max if reg_max is not None else text_age.max_years
    if low is not None and high is not None and low > high:
        low, high = reg_min, reg_max
    window = AgeWindow(min_years=low, max_years=high, source="both")
    said_low, said_high = text_age.min_years, text_age.max_years
    low_differs = said_low is not None and (low is None or abs(said_low - low) > _AGE_TOLERANCE_YEARS)
    high_differs = said_high is not None and (
        high is None or not -_AGE_TOLERANCE_YEARS <= said_high - high <= _MAX_AGE_CONVENTION_YEARS
    )
    return window, (text_age if low_differs or high_differs else None)


def _with_registry(facts: TrialCriteria, study: dict) -> TrialCriteria:
    module = (study.get("protocolSection") or {}).get("eligibilityModule") or {}
    facts.age, facts.age_in_text = merge_registry_age(facts.age, study)
    sex = str(module.get("sex") or "ALL").upper()
    facts.sex = _SEXES.get(sex, "ALL")
    facts.diseases = trial_diseases(study, facts.criteria)
    return cns_for_a_cancer(for_a_cancer(facts))


def extract_text(text: str | None, nct_id: str | None = None) -> TrialCriteria:
    """Facts of one eligibility text; the age window comes from the text alone."""
    text = _text(text)
    return _assemble(get_nlp()(make_doc_text(text)), text, nct_id)


def extract_study(study: dict) -> TrialCriteria:
    """Facts of one API v2 study object, registry age and sex merged in."""
    text = eligibility_text(study)
    return _with_registry(_assemble(get_nlp()(make_doc_text(text)), text, _nct_id(study)), study)


def extract_studies(studies: Iterable[dict], batch_size: int = 64) -> Iterator[TrialCriteria]:
    """Facts of many API v2 study objects, batched through `nlp.pipe`, in input order."""
    texts = ((eligibility_text(study), study) for study in studies)
    pairs = ((make_doc_text(text), (text, study)) for text, study in texts)
    for doc, (text, study) in get_nlp().pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield _with_registry(_assemble(doc, text, _nct_id(study)), study)


def extract_texts(records: Iterable[tuple[str | None, str | None]], batch_size: int = 64) -> Iterator[TrialCriteria]:
    """Facts of many (eligibility text, nct_id) pairs, batched through `nlp.pipe`, in input order."""
    pairs = ((make_doc_text(text), (text, nct_id)) for text, nct_id in ((_text(t), n) for t, n in records))
    for doc, (text, nct_id) in get_nlp().pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield _assemble(doc, text, nct_id)
