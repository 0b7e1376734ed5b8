"""Property-based tests of every boundary a user or a record reaches: whatever arrives, the outcome is a result or
the project's own error naming the field, never a traceback.

Boundaries: a patient profile of any JSON shape (`parse_patient`; the file of `match --patient` and the UI upload,
`parse_patient_json`; then `match_patient`), a clinic note of any text (`note_profile`, `match --note`), criteria
text of any unicode, lone surrogates and control characters included (`extract_text`), and a study object with
any field of any type (`study_problem` where ingest reads it, then the store, extraction and the index document).
The example count is bounded for `make test` (TRIALMATCH_FUZZ_EXAMPLES, default 25 a property: well under a
minute together); `bench/fuzz_boundaries.py` runs the same properties with many more.
"""

from __future__ import annotations

import copy
import json
import os
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.encoding import load_json, scrub_text
from ingest.store import RawStore
from ingest.studies import study_problem
from nlp.extract import extract_study, extract_text
from nlp.models import TrialCriteria
from search.documents import build_document
from search.embedded import EmbeddedBackend
from search.matching import match_patient
from search.models import IndexDocument, PatientProfile
from search.notes import note_profile
from search.patient import PatientError, parse_patient, parse_patient_json
from tests.backend_suite import documents

EXAMPLES = int(os.environ.get("TRIALMATCH_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
MODEL = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov" / "ntrk" / "NCT04879121.json"
FIELD = r"[A-Za-z_]\w*(?:\[\d+\])*(?:\.\w+(?:\[\d+\])*)*…?"  # a field path: biomarkers[0].alteration

any_char = st.characters(codec=None, exclude_categories=())  # surrogates and control characters included
any_text = st.text(any_char, max_size=40)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | any_text
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(any_text, inner, max_size=4), max_leaves=12)


def words(*choices: str) -> st.SearchStrategy:
    """A field's plausible words, or any JSON value in their place."""
    return st.sampled_from(choices) | json_values


biomarker = st.fixed_dictionaries({}, optional={
    "gene": words("NTRK1", "HER2", "ALK-positive", "NTRK", "ETV6-NTRK3", "KRAS G12C", "EGFR"),
    "alteration": words("fusion", "amplification", "mutation", "positive", "negative", "wild-type"),
    "status": words("positive", "negative"),
    "copies": words("9") | st.floats(allow_nan=False, allow_infinity=False) | st.integers(),
    "variant": words("G12C", "V600E"),
}) | json_values
therapy = st.fixed_dictionaries({}, optional={
    "name": words("larotrectinib", "carboplatin"), "outcome": words("progression", "intolerance", "response"),
}) | json_values
profiles = st.fixed_dictionaries({}, optional={
    "age": st.integers(-5, 130) | json_values,
    "sex": words("female", "male", "F"),
    "conditions": st.lists(words("glioma", "breast cancer", "NSCLC"), max_size=3) | json_values,
    "ecog": st.integers(-1, 6) | json_values,
    "karnofsky": st.integers(-10, 110) | json_values,
    "lansky": json_values,
    "biomarkers": st.lists(biomarker, max_size=3) | json_values,
    "tested_genes": st.lists(words("NTRK", "ALK", "HER2"), max_size=3) | json_values,
    "prior_therapies": st.lists(therapy, max_size=3) | json_values,
    "prior_therapies_complete": st.booleans() | json_values,
    "cns_metastases": words("none", "stable", "active"),
    "location": st.fixed_dictionaries({}, optional={"lat": json_values | st.floats(-100, 100),
                                                    "lon": json_values | st.floats(-200, 200),
                                                    "radius_km": json_values}) | json_values,
}) | json_values
fragments = st.sampled_from([
    "Inclusion Criteria:\n", "Exclusion Criteria:\n", "* ", "- ", "1. ", "\n", "  ", "ECOG ", "0-1", "≥", "\\<",
    "&gt;", "<br>", "(", ")", "age 18 years", "NTRK1 fusion", "ANC ≥ 1.5 x 10^9/L", "no prior larotrectinib",
    "brain metastases", "Karnofsky ≥ 70%", "HER2-negative", "\ud800", "\x00", "\x1b", "\u202e", "\ufeff", "\r",
])
criteria_texts = st.lists(fragments | st.text(any_char, max_size=12), max_size=30).map("".join)


def assert_names_a_field(error: Exception, data: object, where: str = "") -> None:
    """The message starts with a field of the profile or of `data` (a key, then its path:
    `biomarkers[0].alteration`), or with `patient` / `note` when the whole profile or note is at fault."""
    message = str(error).removeprefix(f"{where}: ") if where else str(error)
    head = message.partition(": ")[0]
    # a file's keys are read with lone surrogates replaced (core.encoding), so a message names a key as read
    given = [k for key in data if isinstance(key, str) for k in (key, scrub_text(key)[0])] if isinstance(data, dict) \
        else []
    keys = [*PatientProfile.model_fields, *given]
    assert head in ("patient", "note") or any(
        head == k or head.startswith((f"{k}.", f"{k}[")) for k in keys
    ), f"the message does not start with the field: {error}"


@cache
def backend() -> EmbeddedBackend:
    import tempfile

    index = EmbeddedBackend(Path(tempfile.mkdtemp(prefix="tm-properties-")) / "index")
    index.upsert(documents())
    return index


@cache
def model_study() -> dict:
    return json.loads(MODEL.read_text(encoding="utf-8"))


@FUZZ
@given(profiles)
def test_a_profile_of_any_shape_is_a_profile_or_an_error_naming_the_field(data):
    try:
        profile = parse_patient(data)
    except PatientError as exc:
        assert_names_a_field(exc, data)
        return
    assert isinstance(profile, PatientProfile)
    assert all(isinstance(r.nct_id, str) for r in match_patient(profile, backend(), top=5, statuses=None))


@FUZZ
@given(profiles)
def test_a_profile_file_or_upload_of_any_shape_is_read_or_named(data):
    where = "patient.json"
    try:
        profile = parse_patient_json(json.dumps(data).encode(), where)
    except PatientError as exc:
        assert str(exc).startswith(f"{where}")
        if not str(exc).startswith(f"{where} is not valid JSON"):
            assert_names_a_field(exc, data, where)
        return
    assert isinstance(profile, PatientProfile)


@FUZZ
@given(st.binary(max_size=200) | st.text(any_char, max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_as_a_profile_file_are_a_patient_error_or_a_profile(data):
    try:
        parse_patient_json(data, "patient.json")
    except PatientError as exc:
        assert str(exc).startswith("patient.json")


@FUZZ
@given(criteria_texts)
def test_any_criteria_text_gives_criteria_whose_spans_index_the_text(text):
    facts = extract_text(text, nct_id="NCT00000000")
    assert TrialCriteria.model_validate_json(facts.model_dump_json()).nct_id == "NCT00000000"
    assert all(0 <= c.span[0] <= c.span[1] <= len(text) for c in facts.criteria)


@FUZZ
@given(st.text(any_char, max_size=300) | criteria_texts, profiles)
def test_any_note_is_a_profile_or_an_error_naming_the_field(note, overrides):
    try:
        profile, _reading = note_profile(note, overrides if isinstance(overrides, dict) else None)
    except PatientError as exc:
        assert_names_a_field(exc, overrides)
        return
    assert isinstance(profile, PatientProfile)


STUDY_FIELDS = [
    ("protocolSection",), ("protocolSection", "identificationModule"), ("protocolSection", "statusModule"),
    ("protocolSection", "identificationModule", "briefTitle"), ("protocolSection", "conditionsModule", "conditions"),
    ("protocolSection", "conditionsModule", "keywords"), ("protocolSection", "designModule", "phases"),
    ("protocolSection", "designModule", "designInfo"), ("protocolSection", "armsInterventionsModule", "interventions"),
    ("protocolSection", "eligibilityModule"), ("protocolSection", "eligibilityModule", "eligibilityCriteria"),
    ("protocolSection", "eligibilityModule", "minimumAge"), ("protocolSection", "eligibilityModule", "sex"),
    ("protocolSection", "eligibilityModule", "healthyVolunteers"),
    ("protocolSection", "statusModule", "lastUpdatePostDateStruct"), ("protocolSection", "contactsLocationsModule"),
    ("protocolSection", "contactsLocationsModule", "locations"),
    ("protocolSection", "contactsLocationsModule", "centralContacts"),
    ("protocolSection", "sponsorCollaboratorsModule"),
    ("derivedSection",), ("derivedSection", "miscInfoModule"), ("hasResults",),
]
sites = st.lists(st.fixed_dictionaries({}, optional={
    "facility": json_values, "city": words("Houston"), "country": words("United States"), "zip": json_values,
    "geoPoint": st.fixed_dictionaries({}, optional={"lat": json_values, "lon": json_values}) | json_values,
    "contacts": st.lists(st.dictionaries(st.sampled_from(["name", "phone", "email"]), json_values), max_size=2),
}) | json_values, max_size=3)


@st.composite
def studies(draw) -> dict:
    """The model trial with up to three of its fields (or modules) replaced by any JSON value."""
    study = copy.deepcopy(model_study())
    for path in draw(st.lists(st.sampled_from(STUDY_FIELDS), min_size=1, max_size=3)):
        value = draw(sites if path[-1] in ("locations", "centralContacts") else json_values)
        node = study
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = value
    return study


@FUZZ
@given(studies())
def test_a_study_with_any_field_of_any_type_is_stored_extracted_and_indexed_or_skipped_naming_it(tmp_path, study):
    study, _repaired = load_json(json.dumps(study), "fuzzed.json")  # a study arrives as JSON text (files, API pages)
    problem = study_problem(study)
    if problem is not None:
        assert re.match(rf"(?:{FIELD}: |missing |malformed )", problem), problem
        return
    with RawStore(tmp_path / f"store-{os.getpid()}.sqlite") as store:
        assert store.upsert(study, "fuzzed.json") in ("added", "changed", "unchanged")
    criteria = extract_study(study)
    assert isinstance(build_document(study, criteria), IndexDocument)


@FUZZ
@given(json_values)
def test_any_json_value_as_a_study_is_a_study_or_a_reason(value):
    problem = study_problem(value)
    assert problem is None or isinstance(problem, str)


@pytest.mark.parametrize("field", ["conditions", "phases"])
def test_a_list_of_numbers_where_the_registry_gives_words_is_named(field):
    study = copy.deepcopy(model_study())
    module = "conditionsModule" if field == "conditions" else "designModule"
    study["protocolSection"].setdefault(module, {})[field] = ["x", 7]
    assert study_problem(study) == (f"protocolSection.{module}.{field}[1]: expected a string, got a number; "
                                    "correct the field or leave it out")


def test_ingest_skips_a_study_whose_field_has_the_wrong_type_and_keeps_its_neighbours(tmp_path):
    from ingest.sync import ingest_files

    study = copy.deepcopy(model_study())
    study["protocolSection"]["contactsLocationsModule"]["locations"] = "Houston, Texas"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(study))
    with RawStore(tmp_path / "store.sqlite") as store:
        summary = ingest_files(store, [MODEL.parent / "NCT02576431.json", bad])
    assert (summary.added, summary.failed) == (1, 1)
    assert summary.failures[0].reason == ("protocolSection.contactsLocationsModule.locations: expected a list, "
                                          "got a string; correct the field or leave it out")
