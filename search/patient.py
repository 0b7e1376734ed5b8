"""Read and validate a patient profile: JSON file for the CLI, dict for the UI.

    >>> parse_patient({"age": 52, "biomarkers": [{"gene": "TRKA", "alteration": "amplified", "copies": 9}]})
    ... .biomarkers[0].gene  # doctest: +SKIP
    'NTRK1'

Gene aliases go through `nlp.vocab.normalize_gene` (HER2 -> ERBB2, TRKA -> NTRK1, ETV6-NTRK3 -> NTRK3
fusion); alteration, sex, CNS and outcome synonyms come from `patient_terms.json`. Every problem raises
`PatientError("<field>: <what is wrong>")`, naming the field so the user can fix it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from nlp.vocab import normalize_gene
from search.models import PatientProfile

TERMS_PATH = Path(__file__).with_name("patient_terms.json")


class PatientError(ValueError):
    """The patient profile is invalid; the message starts with the field at fault."""


@cache
def _terms() -> dict[str, dict[str, str]]:
    return json.loads(TERMS_PATH.read_text(encoding="utf-8"))


def _choice(value, table: str, field: str):
    """Map a synonym to its canonical value; None stays None; anything else unknown is an error."""
    if value is None:
        return None
    terms = _terms()[table]
    key = value.strip().lower() if isinstance(value, str) else value
    if key not in terms:
        choices = ", ".join(sorted(set(terms.values())))
        raise PatientError(f"{field}: unknown value {value!r}; use one of {choices}")
    return terms[key]


def _biomarker(entry, field: str) -> dict:
    if not isinstance(entry, dict):
        raise PatientError(f"{field}: expected an object like {{\"gene\": \"NTRK1\", \"alteration\": \"fusion\"}}")
    entry = dict(entry)
    gene = entry.get("gene")
    if not isinstance(gene, str) or not gene.strip():
        raise PatientError(f"{field}.gene: missing; give a gene symbol such as NTRK1 or ERBB2")
    refs = normalize_gene(gene)
    if not refs:
        raise PatientError(f"{field}.gene: unknown gene {gene!r}; use an HGNC symbol such as NTRK1 or ERBB2")
    if len({r.gene for r in refs}) > 1:
        names = ", ".join(sorted({r.gene for r in refs}))
        raise PatientError(f"{field}.gene: {gene!r} names several genes ({names}); give the one the report names")
    ref = refs[0]
    alteration = _choice(entry.get("alteration"), "alterations", f"{field}.alteration")
    if ref.alteration and ref.alteration != "any":
        if alteration and alteration != ref.alteration:
            raise PatientError(f"{field}.alteration: {gene!r} is a {ref.alteration}, not {alteration}")
        alteration = ref.alteration
    if alteration is None:
        choices = ", ".join(sorted(set(_terms()["alterations"].values())))
        raise PatientError(f"{field}.alteration: missing; use one of {choices}")
    entry.update(gene=ref.gene, alteration=alteration, variant=entry.get("variant") or ref.variant)
    return entry


def _therapy(entry, field: str) -> dict:
    if isinstance(entry, str):
        entry = {"name": entry}
    if not isinstance(entry, dict):
        raise PatientError(f"{field}: expected an object like {{\"name\": \"larotrectinib\", \"outcome\": null}}")
    entry = dict(entry)
    if isinstance(entry.get("name"), str):
        entry["name"] = entry["name"].strip().lower()
    entry["outcome"] = _choice(entry.get("outcome"), "therapy_outcomes", f"{field}.outcome")
    return entry


def _field_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def parse_patient(data: dict) -> PatientProfile:
    """Validate a profile dict, normalising aliases and synonyms; raises PatientError naming the field."""
    if not isinstance(data, dict):
        raise PatientError(f"patient: expected a JSON object, got {type(data).__name__}")
    data = dict(data)
    if isinstance(data.get("conditions"), str):
        data["conditions"] = [data["conditions"]]
    if isinstance(data.get("sex"), str):
        data["sex"] = _choice(data["sex"], "sexes", "sex")
    if isinstance(data.get("cns_metastases"), str):
        data["cns_metastases"] = _choice(data["cns_metastases"], "cns_metastases", "cns_metastases")
    if isinstance(data.get("biomarkers"), list):
        data["biomarkers"] = [_biomarker(b, f"biomarkers[{i}]") for i, b in enumerate(data["biomarkers"])]
    if isinstance(data.get("prior_therapies"), list):
        data["prior_therapies"] = [_therapy(t, f"prior_therapies[{i}]") for i, t in enumerate(data["prior_therapies"])]
    for key in ("age", "ecog", "karnofsky", "lansky"):
        if isinstance(data.get(key), bool):
            raise PatientError(f"{key}: expected a number, got {data[key]!r}")
    try:
        profile = PatientProfile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        got = error.get("input")
        shown = "" if isinstance(got, dict) else f", got {json.dumps(got)[:60]}"
        raise PatientError(f"{_field_path(error['loc']) or 'patient'}: {error['msg'].lower()}{shown}") from None
    if any(not c.strip() for c in profile.conditions):
        raise PatientError("conditions: an entry is empty; give disease names such as 'glioma'")
    if not profile.conditions and not profile.biomarkers:
        raise PatientError("conditions: give at least one condition or one biomarker")
    return profile


def load_patient(path: Path | str) -> PatientProfile:
    """Read a profile from a JSON file; a missing or malformed file raises PatientError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PatientError(f"patient file {path}: not found; give the path of a JSON profile") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PatientError(f"patient file {path}: cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PatientError(f"patient file {path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_patient(data)
