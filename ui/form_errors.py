"""Every problem of the patient form at once, each named by the label the user sees.

    problems = form_problems(submitted.profile)
    # ["Age (years): input should be less than or equal to 120, got 300",
    #  "Biomarker 2: gene: unknown gene 'NOTAGENE'; use an HGNC symbol such as NTRK1 or ERBB2"]

`search.patient.parse_patient` stops at the first problem and names fields as the JSON does
("biomarkers[1].gene"); the form checks each field (and each row) on its own with the same parser, so
nothing is judged twice differently, and turns the JSON names into the form's labels.
"""

from __future__ import annotations

import re
from typing import Any

from nlp.disease_scales import scale_name
from search.patient import PatientError, parse_patient

FIELD_LABELS = {
    "age": "Age (years)", "sex": "Sex", "conditions": "Diagnosis",
    "absent_conditions": "Conditions the patient does not have", "ecog": "ECOG", "karnofsky": "Karnofsky (KPS)",
    "lansky": "Lansky", "tested_genes": "Genes tested", "cns_metastases": "CNS metastases",
    "prior_therapies": "Prior therapies", "biomarkers": "Biomarkers", "location": "Location",
    "search_text": "Other words to search by", "stage": "Cancer stage", "stage_system": "Staging system",
    "recurrent": "Recurrence", "procedures": "Procedures", "planned_procedures": "Planned procedures, not had yet",
    "location.near": "Location: near", "location.radius_km": "Location: radius",
    "location.radius_mi": "Location: radius", "location.lat": "Location: near", "location.lon": "Location: near",
    "patient": "Form",
}
ROW_LABELS = {"biomarkers": "Biomarker", "prior_therapies": "Prior therapy"}
PART_LABELS = {"gene": "gene", "alteration": "alteration", "status": "result", "copies": "copies",
               "variant": "variant", "name": "drug or class", "outcome": "outcome"}
_ROW = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\](?:\.(?P<part>\w+))?$")
_ROWS_NAMED = re.compile(rf"\b({'|'.join(ROW_LABELS)})\[(\d+)\]")
ANY_CONDITION = {"conditions": ["cancer"]}  # lets a field be checked without the rule "conditions or biomarkers ..."


def label_of(field: str) -> str:
    """The form's name of a JSON field: "biomarkers[0].gene" → "Biomarker 1: gene", "conditions" → "Diagnosis"."""
    if m := _ROW.match(field):
        if m["list"] == "tested_genes":
            return FIELD_LABELS["tested_genes"]
        name = f"{ROW_LABELS.get(m['list'], m['list'])} {int(m['index']) + 1}"
        return f"{name}: {PART_LABELS.get(m['part'], m['part'])}" if m["part"] else name
    if field.startswith("disease_scales."):
        return scale_name(field.removeprefix("disease_scales."))
    return FIELD_LABELS.get(field, field)


def labelled(message: str) -> str:
    """A PatientError message in the form's words: its leading field and the rows it names by their labels."""
    field, sep, rest = message.partition(": ")
    if not sep or " " in field:
        return message
    rest = _ROWS_NAMED.sub(lambda m: f"{ROW_LABELS[m[1]].lower()} {int(m[2]) + 1}", rest)
    return f"{label_of(field)}: {rest}"


def _problem(data: dict[str, Any], index: int | None = None) -> str | None:
    try:
        parse_patient(data)
    except PatientError as exc:
        message = str(exc)
        if index is not None:
            message = re.sub(r"^(\w+)\[0\]", lambda m: f"{m[1]}[{index}]", message)
        return labelled(message)
    return None


def form_problems(profile: dict[str, Any]) -> list[str]:
    """Every problem of the form's profile dict, in form order, each starting with the form's label."""
    problems: list[str] = []
    if not profile.get("conditions") and not profile.get("biomarkers") and not profile.get("search_text"):
        problems += [p for p in [_problem({})] if p]
    for key, value in profile.items():
        if value is None or value == []:
            continue
        if key in ROW_LABELS and isinstance(value, list):
            rows = [_problem(ANY_CONDITION | {key: [entry]}, i) for i, entry in enumerate(value)]
            problems += [p for p in rows if p]
            if any(rows):
                continue
        problems += [p for p in [_problem(ANY_CONDITION | {key: value})] if p]
    if not problems:
        problems += [p for p in [_problem(profile)] if p]
    return list(dict.fromkeys(problems))
