"""Patient profiles: aliases and synonyms normalised, every invalid value named by its field."""

from __future__ import annotations

import json
import re

import pytest

from search.notes import note_profile
from search.patient import PatientError, load_patient, parse_patient

ISSUE_EXAMPLE = {
    "age": 52, "sex": "female", "conditions": ["metastatic colorectal adenocarcinoma"], "ecog": 1,
    "karnofsky": None, "lansky": None,
    "biomarkers": [{"gene": "NTRK1", "alteration": "amplification", "copies": 9, "variant": None}],
    "prior_therapies": [{"name": "larotrectinib", "outcome": "progression"}],
    "cns_metastases": "none", "location": {"lat": 29.76, "lon": -95.36, "radius_km": 200},
}


def marker(**entry):
    return parse_patient({"biomarkers": [entry]}).biomarkers[0]


def test_the_issue_example_profile_parses():
    assert parse_patient(ISSUE_EXAMPLE).biomarkers[0].copies == 9


def test_her2_is_read_as_erbb2():
    assert marker(gene="HER2", alteration="amplification").gene == "ERBB2"


def test_trka_is_read_as_ntrk1():
    assert marker(gene="TRKA", alteration="fusion").gene == "NTRK1"


def test_etv6_ntrk3_is_an_ntrk3_fusion_with_its_variant():
    m = marker(gene="ETV6-NTRK3")
    assert (m.gene, m.alteration, m.variant) == ("NTRK3", "fusion", "ETV6-NTRK3")


def test_alteration_synonyms_are_accepted():
    assert marker(gene="EGFR", alteration="Amplified").alteration == "amplification"


def test_a_gene_without_its_kind_is_positive_of_unknown_kind():
    m = marker(gene="BRCA2")
    assert (m.gene, m.alteration, m.status) == ("BRCA2", "any", "positive")


def test_a_negative_result_is_read_from_the_status_field():
    m = marker(gene="ALK", status="negative")
    assert (m.gene, m.alteration, m.status) == ("ALK", "any", "negative")


@pytest.mark.parametrize(("gene", "expected"), [
    ("HER2-negative", ("ERBB2", "any", "negative")),
    ("ALK-positive", ("ALK", "any", "positive")),
    ("BRCA2-altered", ("BRCA2", "any", "positive")),
    ("KRAS wild-type", ("KRAS", "mutation", "negative")),
    ("ER+", ("ESR1", "expression", "positive")),
    ("PR-", ("PGR", "expression", "negative")),
    ("PD-L1 positive", ("CD274", "expression", "positive")),
])
def test_a_result_word_glued_to_the_gene_is_read(gene, expected):
    m = marker(gene=gene)
    assert (m.gene, m.alteration, m.status) == expected


@pytest.mark.parametrize(("gene", "alteration", "kind"), [
    ("ER", "positive", "expression"), ("PR", "positive", "expression"), ("PD-L1", "positive", "expression"),
    ("HER2", "positive", "any"), ("ALK", "positive", "any"),
    ("HER2", "positive by IHC", "expression"), ("HER2", "FISH positive", "amplification"),
    ("ALK", "positive by IHC", "expression"), ("ROS1", "FISH positive", "fusion"),
])
def test_positive_means_expression_only_for_receptors_read_by_ihc(gene, alteration, kind):
    assert marker(gene=gene, alteration=alteration).alteration == kind


def test_a_negative_gene_family_stands_for_each_member():
    profile = parse_patient({"biomarkers": [{"gene": "NTRK", "status": "negative"}]})
    assert [(m.gene, m.status) for m in profile.biomarkers] == [
        ("NTRK1", "negative"), ("NTRK2", "negative"), ("NTRK3", "negative")]


def test_tested_genes_expand_families_and_aliases():
    profile = parse_patient({"conditions": ["x"], "tested_genes": ["NTRK", "HER2", "ALK", "TRKA"]})
    assert profile.tested_genes == ["NTRK1", "NTRK2", "NTRK3", "ERBB2", "ALK"]


def test_the_same_gene_positive_and_negative_is_one_error_naming_the_entry():
    data = {"biomarkers": [{"gene": "HER2", "alteration": "amplification"}, {"gene": "HER2-negative"}]}
    with pytest.raises(PatientError, match=r"^biomarkers\[1\]\.status: ERBB2 is given positive in biomarkers\[0\] "
                                           r"and negative in biomarkers\[1\]"):
        parse_patient(data)


def test_a_negative_for_another_kind_does_not_contradict_a_positive():
    profile = parse_patient({"biomarkers": [{"gene": "KRAS", "alteration": "amplification"},
                                            {"gene": "KRAS", "alteration": "wild-type"}]})
    assert [(m.alteration, m.status) for m in profile.biomarkers] == [
        ("amplification", "positive"), ("mutation", "negative")]


def test_a_single_condition_string_becomes_a_list():
    assert parse_patient({"conditions": "glioma"}).conditions == ["glioma"]


def test_search_text_alone_is_a_profile_and_an_empty_one_is_named():
    assert parse_patient({"search_text": "painful swelling of the thigh"}).conditions == []
    with pytest.raises(PatientError, match="^search_text: empty"):
        parse_patient({"search_text": "  ", "conditions": ["glioma"]})
    with pytest.raises(PatientError, match="^conditions: give at least one condition or one biomarker"):
        parse_patient({"age": 40})


def test_a_note_without_a_diagnosis_searches_by_its_own_words_not_the_facts_read():
    profile, reading = note_profile("A 57-year-old man with epigastric pain radiating to the back and vomiting. "
                                    "ECOG 0.")
    assert (profile.age, profile.ecog, profile.conditions) == (57.0, 0, [])
    assert profile.search_text == "epigastric pain radiating back vomiting"
    assert any("own words" in w for w in reading.warnings)


def test_prior_therapy_names_are_lower_cased():
    assert parse_patient({"conditions": ["x"], "prior_therapies": ["Larotrectinib"]}).prior_therapies[0].name == (
        "larotrectinib")


@pytest.mark.parametrize(("data", "field"), [
    ({"conditions": ["x"], "age": -5}, "age"),
    ({"conditions": ["x"], "age": "fifty"}, "age"),
    ({"conditions": ["x"], "ecog": 9}, "ecog"),
    ({"conditions": ["x"], "karnofsky": 150}, "karnofsky"),
    ({"conditions": ["x"], "sex": "other"}, "sex"),
    ({"conditions": ["x"], "cns_metastases": "maybe"}, "cns_metastases"),
    ({"biomarkers": [{"gene": "NTRK1", "alteration": "amplification", "copies": -3}]}, "biomarkers[0].copies"),
    ({"biomarkers": [{"gene": "NTRK1", "alteration": "wobble"}]}, "biomarkers[0].alteration"),
    ({"biomarkers": [{"gene": "NOTAGENE", "alteration": "fusion"}]}, "biomarkers[0].gene"),
    ({"biomarkers": [{"gene": "NTRK", "alteration": "fusion"}]}, "biomarkers[0].gene"),
    ({"biomarkers": [{"gene": "ETV6-NTRK3", "alteration": "amplification"}]}, "biomarkers[0].alteration"),
    ({"biomarkers": [{"gene": "ALK", "status": "maybe"}]}, "biomarkers[0].status"),
    ({"biomarkers": [{"gene": "HER2-negative", "status": "positive"}]}, "biomarkers[0].status"),
    ({"biomarkers": [{"gene": "ALK", "alteration": "fusion"}, {"gene": "NTRK", "status": "negative", "copies": -1}]},
     "biomarkers[1].copies"),
    ({"conditions": ["x"], "tested_genes": ["NTRK", "NOTAGENE"]}, "tested_genes[1]"),
    ({"conditions": ["x"], "tested_genes": ["ETV6-NTRK3"]}, "tested_genes[0]"),
    ({"conditions": ["x"], "tested_genes": {"NTRK1": True}}, "tested_genes"),
    ({"conditions": ["x"], "prior_therapies": [{"name": "x", "outcome": "cured"}]}, "prior_therapies[0].outcome"),
    ({"conditions": ["x"], "location": {"lat": 200, "lon": 0}}, "location.lat"),
    ({"conditions": ["x"], "location": {"lat": 29.76}}, "location.lon"),
    ({"conditions": ["x"], "location": {"radius_km": 50}}, "location.near"),
    ({"conditions": ["x"], "location": {"near": "77030", "radius_mi": -5}}, "location.radius_mi"),
    ({"conditions": ["x"], "location": {"near": "77030", "radius_mi": 5, "radius_km": 8}}, "location.radius_mi"),
    ({"conditions": ["x"], "location": 77030}, "location"),
    ({"conditions": ["x"], "height": 180}, "height"),
    ({"age": 40}, "conditions"),
    ({"conditions": [""]}, "conditions"),
])
def test_an_invalid_value_names_its_field(data, field):
    with pytest.raises(PatientError, match=rf"^{re.escape(field)}: "):
        parse_patient(data)


def test_a_location_in_words_keeps_its_words_and_takes_miles_as_km():
    location = parse_patient({"conditions": ["x"], "location": {"near": "Houston, TX", "radius_mi": 100}}).location
    assert (location.near, location.lat, location.radius_km) == ("Houston, TX", None, 160.934)


def test_a_location_without_a_radius_reaches_100_km():
    assert parse_patient({"conditions": ["x"], "location": {"near": "77030"}}).location.radius_km == 100


def test_a_boolean_is_not_an_age():
    with pytest.raises(PatientError, match="^age: "):
        parse_patient({"conditions": ["x"], "age": True})


def test_load_patient_reads_a_json_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(ISSUE_EXAMPLE))
    assert load_patient(path).age == 52


def test_a_missing_patient_file_is_a_patient_error(tmp_path):
    with pytest.raises(PatientError, match="not found"):
        load_patient(tmp_path / "nope.json")


def test_malformed_json_is_a_patient_error(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"age": 52,')
    with pytest.raises(PatientError, match="not valid JSON"):
        load_patient(path)


def test_a_note_with_a_diagnosis_also_searches_by_its_other_words_unless_the_json_gives_some():
    note = "62-year-old woman with hypothyroidism after thyroiditis, on levothyroxine; TSH 8."
    profile, _reading = note_profile(note)
    assert profile.conditions and "levothyroxine" in profile.search_text.split()
    assert note_profile(note, {"search_text": "thyroid"})[0].search_text == "thyroid"


def test_a_notes_therapy_list_is_partial_unless_the_json_says_it_is_whole():
    note = "Metastatic colorectal adenocarcinoma, progressed on FOLFOX."
    assert note_profile(note)[0].prior_therapies_complete is False
    assert note_profile(note, {"prior_therapies_complete": True})[0].prior_therapies_complete is True
    assert note_profile("Metastatic colorectal adenocarcinoma. ECOG 1.")[0].prior_therapies is None
    assert parse_patient({"conditions": ["glioma"], "prior_therapies": []}).prior_therapies_complete is True
