"""Read and validate a patient profile: JSON file for the CLI, dict for the UI.

    >>> parse_patient({"age": 52, "biomarkers": [{"gene": "TRKA", "alteration": "amplified", "copies": 9}]})
    ... .biomarkers[0].gene  # doctest: +SKIP
    'NTRK1'

Gene aliases go through `nlp.vocab.normalize_gene` (HER2 -> ERBB2, TRKA -> NTRK1, ETV6-NTRK3 -> NTRK3
fusion); alteration, result, sex, CNS and outcome synonyms come from `patient_terms.json`. A biomarker is
positive unless its `status` (or a result word: "negative", "wild-type", "HER2-negative") says negative; its
alteration is "any" (kind unknown) unless given. "positive"/"negative" as words mean expression for receptors
read by IHC (ER, PR, PD-L1) and any kind otherwise; "positive by IHC" means expression for every gene, "FISH
positive" amplification (fusion for ALK), as the extractor reads trials. `tested_genes` lists the genes the
patient's tests covered (families and aliases expand: NTRK -> NTRK1-3). Every problem raises
`PatientError("<field>: <what is wrong>")`, naming the field so the user can fix it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.encoding import JsonDepthError, load_json
from nlp.disease_scales import scale_ids
from nlp.stages import names_a_cancer, patient_stage, read_stage, system_ids
from nlp.vocab import GeneRef, normalize_gene, positive_alteration
from search.geo import KM_PER_MILE
from search.models import PatientBiomarker, PatientProfile
from search.verdicts import same_variant

TERMS_PATH = Path(__file__).with_name("patient_terms.json")


class PatientError(ValueError):
    """The patient profile is invalid; the message starts with the field at fault."""


@cache
def _terms() -> dict:
    return json.loads(TERMS_PATH.read_text(encoding="utf-8"))


def _choice(value, table: str, field: str):
    """Map a synonym to its canonical value; None stays None; anything else unknown is an error."""
    if value is None:
        return None
    terms = _terms()[table]
    choices = ", ".join(sorted(set(terms.values())))
    if not isinstance(value, str):
        raise PatientError(f"{field}: expected one of {choices}, got {json.dumps(value)[:60]}")
    key = value.strip().lower()
    if key not in terms:
        raise PatientError(f"{field}: unknown value {value!r}; use one of {choices}")
    return terms[key]


@cache
def _result_words() -> re.Pattern[str]:
    """A gene name followed by a result or alteration word: "HER2-negative", "ER+", "KRAS wild-type"."""
    terms = _terms()
    words = sorted({*terms["alterations"], *terms["results"]}, key=len, reverse=True)
    return re.compile(rf"(?P<gene>.+?)[\s-]*(?P<word>{'|'.join(map(re.escape, words))})", re.IGNORECASE)


def _reading(word: str, gene: str, field: str) -> tuple[str | None, str]:
    """(status, alteration) that a result or alteration word states of `gene`; status None when it says none.

    "positive"/"negative" speak of what the gene's result means: expression for a receptor read by IHC
    (ER, PR, PD-L1), the kind unknown ("any") otherwise; "by IHC"/"by FISH" say it through the method."""
    terms = _terms()
    key = " ".join(word.strip().lower().split())
    if key in terms["alterations"]:
        return None, terms["alterations"][key]
    if key not in terms["results"]:
        words = sorted({*terms["alterations"].values(), "positive", "negative", "wild-type", "positive by IHC"})
        raise PatientError(f"{field}: unknown value {word!r}; use one of {', '.join(words)}")
    status, meaning = terms["results"][key]
    if meaning in ("ihc", "ish"):
        return status, positive_alteration(gene, meaning)
    if meaning == "result":
        return status, "expression" if gene in terms["read_by_ihc"] else positive_alteration(gene)
    return status, meaning


def _gene(text, field: str) -> tuple[list[GeneRef], str | None]:
    """The genes a name denotes, plus the result word glued to it ("ALK-positive" -> ALK, "positive")."""
    if text is not None and not isinstance(text, str):
        raise PatientError(f"{field}: expected a gene symbol such as NTRK1, got {json.dumps(text)[:60]}")
    if not text or not text.strip():
        raise PatientError(f"{field}: missing; give a gene symbol such as NTRK1 or ERBB2")
    refs = normalize_gene(text)
    if refs:
        return refs, None
    glued = _result_words().fullmatch(" ".join(text.split()))
    refs = normalize_gene(glued["gene"]) if glued else []
    if not glued or not refs:
        raise PatientError(f"{field}: unknown gene {text!r}; use an HGNC symbol such as NTRK1 or ERBB2")
    return refs, glued["word"]


def _result(entry: dict, glued: str | None, gene: str, field: str) -> tuple[str, str]:
    """(status, alteration) of one entry for `gene`, from its status, its alteration and a word glued to the gene."""
    said: list[tuple[str | None, str | None]] = [(_choice(entry.get("status"), "statuses", f"{field}.status"), None)]
    if glued:
        said.append(_reading(glued, gene, f"{field}.gene"))
    alteration = entry.get("alteration")
    if alteration is not None:
        if not isinstance(alteration, str):
            raise PatientError(f"{field}.alteration: expected a word such as fusion, got {json.dumps(alteration)[:60]}")
        said.append(_reading(alteration, gene, f"{field}.alteration"))
    statuses = {status for status, _kind in said if status}
    if len(statuses) > 1:
        raise PatientError(f"{field}.status: {entry.get('gene')!r} is given both positive and negative in one "
                           "entry; give the result the report states")
    kinds = list(dict.fromkeys(kind for _status, kind in said if kind and kind != "any"))
    if len(kinds) > 1:
        raise PatientError(f"{field}.alteration: {entry.get('gene')!r} is given as {' and '.join(kinds)}; "
                           "give one alteration per entry")
    return (statuses.pop() if statuses else "positive"), (kinds[0] if kinds else "any")


def _biomarker(entry, field: str) -> list[dict]:
    """One profile entry as PatientBiomarker dicts: one, or one per member of a gene family given negative."""
    if not isinstance(entry, dict):
        raise PatientError(f"{field}: expected an object like {{\"gene\": \"NTRK1\", \"alteration\": \"fusion\"}}")
    entry = dict(entry)
    gene = entry.get("gene")
    refs, glued = _gene(gene, f"{field}.gene")
    results = [_result(entry, glued, ref.gene, field) for ref in refs]
    if len({r.gene for r in refs}) > 1 and results[0][0] == "positive":
        names = ", ".join(sorted({r.gene for r in refs}))
        raise PatientError(f"{field}.gene: {gene!r} names several genes ({names}); give the one the report names "
                           "(a family is accepted for a negative result)")
    entries = []
    for ref, (status, kind) in zip(refs, results, strict=True):
        if ref.alteration and ref.alteration != "any":
            if kind not in ("any", ref.alteration):
                raise PatientError(f"{field}.alteration: {gene!r} is a {ref.alteration}, not {kind}")
            kind = ref.alteration
        entries.append(entry | {"gene": ref.gene, "alteration": kind, "status": status,
                                "variant": entry.get("variant") or ref.variant})
    return entries


def _tested_genes(value) -> list[str]:
    """HGNC symbols of the genes a test covered; families and aliases expand ("NTRK" -> NTRK1, NTRK2, NTRK3)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise PatientError('tested_genes: expected a list of gene names such as ["NTRK", "ALK", "HER2"]')
    genes = []
    for i, name in enumerate(value):
        refs, glued = _gene(name, f"tested_genes[{i}]")
        if glued or any(r.variant for r in refs):
            raise PatientError(f"tested_genes[{i}]: {name!r} is a result, not a gene; list the genes the test "
                               "covered (e.g. NTRK3) and put results under biomarkers")
        genes += [r.gene for r in refs]
    return list(dict.fromkeys(genes))


def _covers(negative: PatientBiomarker, positive: PatientBiomarker) -> bool:
    """Does a negative result rule out what a positive one states (same gene, kind and variant)?"""
    return (negative.alteration in ("any", positive.alteration)
            and (negative.variant is None or same_variant(negative.variant, positive.variant)))


def _check_results(markers: list[PatientBiomarker], fields: list[str]) -> None:
    """One gene both positive and negative for the same alteration is a contradiction: name the entry."""
    for i, negative in enumerate(markers):
        if negative.status != "negative":
            continue
        for j, positive in enumerate(markers):
            if positive.status == "positive" and positive.gene == negative.gene and _covers(negative, positive):
                raise PatientError(f"{fields[max(i, j)]}.status: {negative.gene} is given positive in {fields[j]} and "
                                   f"negative in {fields[i]}; keep the result the report states")


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


def _location(value) -> dict:
    """`{"near": "77030", "radius_mi": 60}` or `{"lat", "lon", "radius_km"}` as the Location model reads it."""
    if isinstance(value, str):
        value = {"near": value}
    if not isinstance(value, dict):
        raise PatientError('location: expected an object like {"near": "Houston, TX", "radius_km": 100}')
    value = dict(value)
    if "radius_mi" in value:
        miles = value.pop("radius_mi")
        if "radius_km" in value:
            raise PatientError("location.radius_mi: give radius_km or radius_mi, not both")
        if isinstance(miles, bool) or not isinstance(miles, int | float) or miles <= 0:
            raise PatientError(f"location.radius_mi: expected a positive number of miles, got {json.dumps(miles)[:60]}")
        value["radius_km"] = round(miles * KM_PER_MILE, 3)
    if isinstance(value.get("near"), str) and not value["near"].strip():
        value.pop("near")
    lat, lon = value.get("lat"), value.get("lon")
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise PatientError(f"location.{missing}: missing; give both lat and lon, or a place as near")
    if lat is None and value.get("near") is None:
        raise PatientError('location.near: missing; give a city, a ZIP code or "lat, lon" (e.g. "Houston, TX")')
    return value


def _field_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _disease_scales(values: dict) -> None:
    """Each key a scale id of nlp/vocab/disease_scales.jsonl, each value a number on its scale."""
    scales = scale_ids()
    for key, value in values.items():
        if key not in scales:
            raise PatientError(f"disease_scales.{key}: not a known scale; use one of {', '.join(sorted(scales))}")
        lowest, highest = scales[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not lowest <= value <= highest:
            raise PatientError(f"disease_scales.{key}: expected a number from {lowest:g} to {highest:g}, "
                               f"got {json.dumps(value)[:60]}")


def _stage(data: dict) -> None:
    """`stage` checked and written as a stage ('stage 3b' → 'IIIB', 'FIGO IIIC' → 'IIIC' of system 'figo'); without
    one, the stage a condition names ('stage IV lung adenocarcinoma'), when the conditions name one alone.

    "metastatic" is not read as stage IV: distant metastasis is stage IV in most AJCC solid-tumour systems, but not
    in all (differentiated thyroid cancer under 55 years is stage II with distant metastases; lymphomas and
    myeloma are not staged by M), and a note's "metastatic" often means nodal spread (stage III): a stage the
    patient was not given would turn trials not met that may enrol them."""
    systems = system_ids()
    system = data.get("stage_system")
    if system is not None and system not in systems:
        raise PatientError(f"stage_system: {json.dumps(system)[:60]} is not a known staging system; use one of "
                           f"{', '.join(sorted(systems))}")
    value = data.get("stage")
    if value is None:
        conditions = data.get("conditions")
        found = {(m.system, m.words) for c in (conditions if isinstance(conditions, list) else [])
                 if isinstance(c, str) and names_a_cancer([c]) and (m := patient_stage(c))}
        if len(found) == 1:
            (named, data["stage"]), = found
            data["stage_system"] = system or named
        return
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    read = read_stage(value) if isinstance(value, str) else None
    if read is None:
        raise PatientError(f"stage: expected a cancer stage, a numeral 0-IV with its substage such as 'IIIB', 'IV' "
                           f"or 'stage 2A', got {json.dumps(value)[:60]}")
    named, shown, _interval = read
    if named and system and named != system:
        raise PatientError(f"stage_system: {system} differs from the system the stage names ({named}); give one")
    data["stage"], data["stage_system"] = shown, system or named


def parse_patient(data: dict) -> PatientProfile:
    """Validate a profile dict, normalising aliases and synonyms; raises PatientError naming the field."""
    if not isinstance(data, dict):
        raise PatientError(f"patient: expected a JSON object, got {type(data).__name__}")
    data = dict(data)
    for key in ("conditions", "absent_conditions"):
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
    if isinstance(data.get("sex"), str):
        data["sex"] = _choice(data["sex"], "sexes", "sex")
    if isinstance(data.get("cns_metastases"), str):
        data["cns_metastases"] = _choice(data["cns_metastases"], "cns_metastases", "cns_metastases")
    origin: list[int] = []  # the entry of the input each biomarker comes from (a negative family expands)
    if isinstance(data.get("biomarkers"), list):
        expanded = [(i, e) for i, b in enumerate(data["biomarkers"]) for e in _biomarker(b, f"biomarkers[{i}]")]
        data["biomarkers"] = [e for _i, e in expanded]
        origin = [i for i, _e in expanded]
    if data.get("tested_genes") is None:
        data.pop("tested_genes", None)
    else:
        data["tested_genes"] = _tested_genes(data["tested_genes"])
    if isinstance(data.get("prior_therapies"), list):
        data["prior_therapies"] = [_therapy(t, f"prior_therapies[{i}]") for i, t in enumerate(data["prior_therapies"])]
    if data.get("location") is not None:
        data["location"] = _location(data["location"])
    for key in ("age", "ecog", "karnofsky", "lansky"):
        if isinstance(data.get(key), bool):
            raise PatientError(f"{key}: expected a number, got {data[key]!r}")
    if isinstance(data.get("disease_scales"), dict):
        _disease_scales(data["disease_scales"])
    for key in ("procedures", "planned_procedures"):
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
    _stage(data)
    try:
        profile = PatientProfile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        got = error.get("input")
        shown = "" if isinstance(got, dict) else f", got {json.dumps(got)[:60]}"
        loc = error["loc"]
        if loc[:1] == ("biomarkers",) and len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(origin):
            loc = ("biomarkers", origin[loc[1]], *loc[2:])
        raise PatientError(f"{_field_path(loc) or 'patient'}: {error['msg'].lower()}{shown}") from None
    _check_results(profile.biomarkers, [f"biomarkers[{i}]" for i in origin])
    for key, names in (("conditions", profile.conditions), ("absent_conditions", profile.absent_conditions)):
        if any(not c.strip() for c in names):
            raise PatientError(f"{key}: an entry is empty; give disease names such as 'glioma'")
    for key, names in (("procedures", profile.procedures), ("planned_procedures", profile.planned_procedures)):
        if any(not p.strip() for p in names):
            raise PatientError(f"{key}: an entry is empty; give procedure names such as 'kidney transplant'")
    if profile.search_text is not None and not profile.search_text.strip():
        raise PatientError("search_text: empty; give words to find trials by, or leave the field out")
    if not profile.conditions and not profile.biomarkers and not profile.search_text:
        raise PatientError("conditions: give at least one condition or one biomarker, or words to search by "
                           "(search_text)")
    return profile


def load_patient(path: Path | str) -> PatientProfile:
    """Read a profile from a JSON file; a missing or malformed file raises PatientError.

    The file is read under `core.encoding`'s text policy: invalid UTF-8 becomes U+FFFD (and then fails the
    check of its field), nesting past the cap is an error naming the field."""
    path = Path(path)
    return parse_patient_json(_file_bytes(path), f"patient file {path}")


def read_patient_file(path: Path | str) -> Any:
    """The JSON value of a profile file, not yet validated (`match --note` lays its fields over the note's);
    a missing file or malformed JSON raises PatientError."""
    path = Path(path)
    return _json_value(_file_bytes(path), f"patient file {path}")


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PatientError(f"patient file {path}: not found; give the path of a JSON profile") from None
    except OSError as exc:
        raise PatientError(f"patient file {path}: cannot be read ({exc})") from None


def _json_value(data: bytes, where: str) -> Any:
    try:
        value, _repaired = load_json(data, where)
    except JsonDepthError as exc:
        raise PatientError(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise PatientError(f"{where} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    return value


def parse_patient_json(data: bytes, where: str) -> PatientProfile:
    """A profile from the bytes of a JSON document; every error starts with `where` (a file, an upload)."""
    value = _json_value(data, where)
    try:
        return parse_patient(value)
    except PatientError as exc:
        raise PatientError(f"{where}: {exc}") from None
