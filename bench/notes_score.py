"""Score what parse-note reads from a note against a hand label, field by field (bench/eval_notes.py uses it).

    >>> label = {"age": 45, "sex": "male", "conditions": [["glioma"]], "ecog": 1}
    >>> read = {"age": 45.0, "sex": "male", "conditions": ["glioma"]}
    >>> sorted(k for k, ok in score_note(read, label).items() if not ok)
    ['performance']

A label (one line of `bench/notes_own.jsonl`) gives `conditions` as items, each a list of acceptable terms, the
primary diagnosis first; `optional_conditions` may be read or not (symptoms, metastatic sites). A read condition
fits an item when it maps to one of its terms or a term below it (`nlp.diseases`; "history of X" as X), or, for
words the disease vocabulary does not know ("chest pain"), when the words are the same. `absent_conditions` /
`optional_absent` and `prior_therapies` / `optional_therapies` (names, any case, singular or plural) are items the
same way. A list field is right when every item is read and nothing is read outside the items. Biomarkers are
compared as the matcher sees them (`parse_patient`: HER2 is ERBB2, a negative family is each member): the set of
(gene, status), plus the alteration where the label names one. Performance is ECOG and Karnofsky exact (null = none
stated), CNS metastases exact, age within half a year.
"""

from __future__ import annotations

import re
from typing import Any

from nlp.diseases import is_basket, is_within, map_condition
from search.patient import PatientError, parse_patient

FIELDS = ("age", "sex", "diagnosis (first)", "conditions", "absent_conditions", "biomarkers", "performance",
          "prior_therapies", "cns_metastases")
_PAST = re.compile(r"^history of\s+", re.I)


def _ids(term: str) -> list[str]:
    return [m.id for m in map_condition(_PAST.sub("", term)) if not is_basket(m.id)]


def _words(term: str) -> str:
    return " ".join(re.findall(r"\w+", _PAST.sub("", term).lower()))


def fits_condition(read: str, terms: list[str]) -> bool:
    """The read condition names one of the terms, or a disease below one."""
    got = _ids(read)
    for term in terms:
        want = _ids(term)
        if got and want and any(is_within(g, w) for g in got for w in want) or _words(read) == _words(term):
            return True
    return False


def _list_right(read: list[str], required: list[list[str]], optional: list[list[str]], fits) -> bool:
    return all(any(fits(r, item) for r in read) for item in required) and all(
        any(fits(r, item) for item in required + optional) for r in read)


def _therapy_fits(read: str, names: list[str]) -> bool:
    """The same name, singular or plural ("corticosteroid" for "corticosteroids")."""
    return read.lower().removesuffix("s") in {n.lower().removesuffix("s") for n in names}


def _markers(entries: list[dict]) -> list[Any]:
    try:
        return parse_patient({"conditions": ["x"], "biomarkers": entries}).biomarkers
    except PatientError:
        return []


def _biomarkers_right(read: list[dict], label: list[dict]) -> bool:
    got, want = _markers(read), _markers(label)
    if {(b.gene, b.status) for b in got} != {(b.gene, b.status) for b in want}:
        return False
    named = {(b.gene, b.status, b.alteration) for b in got}
    return all((b.gene, b.status, b.alteration) in named for b, entry in zip(want, _expanded(label), strict=True)
               if entry.get("alteration"))


def _expanded(label: list[dict]) -> list[dict]:
    """Each label entry once per PatientBiomarker it becomes (a negative family is one per member)."""
    return [entry for entry in label for _ in _markers([entry])]


def score_note(profile: dict, label: dict) -> dict[str, bool]:
    """Whether each field of FIELDS was read right."""
    age, conditions = profile.get("age"), profile.get("conditions", [])
    therapies = [t["name"] if isinstance(t, dict) else t for t in profile.get("prior_therapies") or []]
    return {
        "age": age is None and label["age"] is None
        or age is not None and label["age"] is not None and abs(age - label["age"]) <= 0.5,
        "sex": profile.get("sex") == label["sex"],
        "diagnosis (first)": bool(conditions) and bool(label["conditions"])
        and fits_condition(conditions[0], label["conditions"][0])
        or not conditions and not label["conditions"],
        "conditions": _list_right(conditions, label["conditions"], label.get("optional_conditions", []),
                                  fits_condition),
        "absent_conditions": _list_right(profile.get("absent_conditions", []), label.get("absent_conditions", []),
                                         label.get("optional_absent", []), fits_condition),
        "biomarkers": _biomarkers_right(profile.get("biomarkers", []), label.get("biomarkers", [])),
        "performance": profile.get("ecog") == label.get("ecog") and profile.get("karnofsky") == label.get("karnofsky"),
        "prior_therapies": _list_right(therapies, label.get("prior_therapies", []),
                                       label.get("optional_therapies", []), _therapy_fits),
        "cns_metastases": profile.get("cns_metastases") == label.get("cns_metastases"),
    }
