"""Disease mapping on real registry conditions, ontology relations and the diagnosis verdict."""

from __future__ import annotations

import importlib.util
import json
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest

from nlp import diseases
from nlp.diseases import (
    ancestors,
    descendants,
    is_basket,
    is_cancer,
    is_haematologic,
    is_solid,
    is_within,
    judge,
    map_condition,
    most_specific,
    normalize,
    overlaps,
    relation,
    sources,
    suggest,
    term,
)

ROOT = Path(__file__).resolve().parents[1]
CTGOV = ROOT.parent / "shared" / "ctgov"
ONTOLOGY = ROOT.parent / "shared" / "ontology"
CANCER = "DOID:162"


@cache
def registry_conditions(record: str) -> frozenset[str]:
    """The condition strings of a record in ../shared/ctgov: API v2 study or page JSON, or legacy XML."""
    path = CTGOV / record
    if path.suffix == ".xml":
        return frozenset(node.text for node in ET.parse(path).getroot().findall("condition"))
    data = json.loads(path.read_text(encoding="utf-8"))
    studies = data["studies"] if "studies" in data else [data]
    return frozenset(
        c for study in studies for c in study["protocolSection"].get("conditionsModule", {}).get("conditions", [])
    )


REAL_CONDITIONS = [
    # API v2 records
    ("api-v2/studies/NCT00456846.json", "Metastatic Breast Cancer", ["DOID:1612"]),
    ("ntrk/NCT02576431.json", "Carcinoma, Non-Small-Cell Lung", ["DOID:3908"]),
    ("ntrk/NCT02122913.json", "Solid Tumors Harboring NTRK Fusion", ["TM:solid_tumor"]),
    ("ntrk/NCT04879121.json", "Metastatic Malignant Solid Neoplasm", ["TM:solid_tumor"]),
    ("ntrk/NCT02576431.json", "Colorectal Neoplasms", ["DOID:9256"]),
    ("ntrk/NCT02576431.json", "Carcinoma, Ductal, Breast", ["DOID:3007"]),
    ("ntrk/NCT02576431.json", "Brain Neoplasm, Primary", ["DOID:1319"]),
    ("ntrk/NCT02568267.json", "Lymphoma, Large-Cell, Anaplastic", ["DOID:0050744"]),
    ("ntrk/NCT02568267.json", "Salivary Gland Cancers", ["DOID:8850"]),
    ("api-v2/studies/NCT02391480.json", "Acute Myeloid Leukemia (AML)", ["DOID:9119"]),
    ("api-v2/studies/NCT01929941.json", "NHL (Non-Hodgkin Lymphoma)", ["DOID:0060060"]),
    ("api-v2/studies/NCT01929941.json", "Advanced Cancer", ["DOID:162"]),
    ("api-v2/studies/NCT00619060.json", "Healthy", ["TM:healthy_volunteer"]),
    ("api-v2/pages/ruhruh66_ild_studies.json", "Healthy Participants", ["TM:healthy_volunteer"]),
    ("api-v2/studies/NCT02644369.json", "Triple Negative Breast Cancer", ["DOID:0060081"]),
    ("api-v2/studies/NCT02644369.json", "Squamous Cell Cancer of Head and Neck", ["DOID:5520"]),
    ("api-v2/studies/NCT03096054.json", "D. Squamous Carcinoma of the Oesophagus", ["DOID:3748"]),
    ("api-v2/studies/NCT03295227.json", "Stage IVB Thymoma AJCC v8", ["DOID:3275"]),
    ("api-v2/studies/NCT06855589.json", "Prostate Cancer (Adenocarcinoma)", ["DOID:2526"]),
    ("api-v2/studies/NCT07254910.json", "CRC (Colorectal Cancer)", ["DOID:9256"]),
    ("api-v2/studies/NCT03666559.json", "Recurrent IDH1/2 Mutated Glioma", ["TM:glioma"]),
    ("api-v2/studies/NCT02227940.json", "Metastatic Pancreatic Adenocarcinoma", ["DOID:4074"]),
    ("api-v2/studies/NCT06092203.json", "Pediatric ALL", ["DOID:9952"]),
    ("api-v2/pages/xiaoyibao_condition_query_response.json", "Recurrent NSCLC", ["DOID:3908"]),
    ("api-v2/pages/xiaoyibao_condition_query_response.json", "Colorectal Carcinoma", ["DOID:0080199"]),
    ("api-v2/studies/NCT00293423.json", "Brain and Central Nervous System Tumors", ["DOID:1319", "DOID:3620"]),
    ("api-v2/studies/NCT02299791.json", "Cardiovascular Diseases", ["DOID:1287"]),
    ("api-v2/studies/NCT06471660.json", "Dementia, Vascular", ["DOID:8725"]),
    ("api-v2/studies/NCT01518517.json", "Acute Lymphoblastic Leukemia, in Relapse", ["DOID:9952"]),
    # legacy XML records
    ("legacy-xml/NCT00000118.xml", "HIV Infections", ["DOID:526"]),
    ("legacy-xml/NCT00000620.xml", "Diabetes Mellitus, Type 2", ["DOID:9352"]),
    ("legacy-xml/NCT00490867.xml", "Type 2 Diabetes", ["DOID:9352"]),
    ("legacy-xml/NCT00000658.xml", "Lymphoma, Non-Hodgkin", ["DOID:0060060"]),
    ("legacy-xml/NCT00000660.xml", "Sarcoma, Kaposi", ["DOID:8632"]),
    ("legacy-xml/NCT00000611.xml", "Breast Neoplasms", ["DOID:1612"]),
    ("legacy-xml/NCT00001257.xml", "Healthy Volunteers", ["TM:healthy_volunteer"]),
    ("legacy-xml/NCT00002482.xml", "Unspecified Adult Solid Tumor, Protocol Specific", ["TM:solid_tumor"]),
    (
        "legacy-xml/NCT00002502.xml",
        "Multiple Myeloma and Plasma Cell Neoplasm",
        ["DOID:9538", "TM:plasma_cell_neoplasm"],
    ),
    ("legacy-xml/NCT00002455.xml", "Melanoma (Skin)", ["DOID:8923"]),
    ("legacy-xml/NCT00001570.xml", "Kidney Neoplasms", ["DOID:263"]),
    ("legacy-xml/NCT00003970.xml", "Stage IV Adult Hodgkin Lymphoma", ["DOID:8567"]),
    ("legacy-xml/NCT00003875.xml", "Recurrent Adult Acute Myeloid Leukemia", ["DOID:9119"]),
    ("legacy-xml/NCT00000475.xml", "Heart Failure, Congestive", ["DOID:6000"]),
    ("legacy-xml/NCT00002504.xml", "Precancerous/Nonmalignant Condition", ["TM:precancerous_condition"]),
    ("legacy-xml/NCT00002538.xml", "Primary Peritoneal Cavity Cancer", ["DOID:1725"]),
    ("legacy-xml/NCT00000640.xml", "Pneumonia, Pneumocystis Carinii", ["DOID:11339"]),
    ("legacy-xml/NCT00003486.xml", "Adenocarcinoma of the Colon", ["DOID:234"]),
    ("legacy-xml/NCT00001165.xml", "Neoplasm Metastasis", ["DOID:162"]),
    ("legacy-xml/NCT00000591.xml", "Myelodysplastic Syndromes", ["DOID:0050908"]),
    ("legacy-xml/NCT00000192.xml", "Opioid-Related Disorders", ["DOID:2559"]),
    ("legacy-xml/NCT00001178.xml", "Alzheimer's Disease", ["DOID:10652"]),
    ("legacy-xml/NCT00000517.xml", "Cerebrovascular Accident", ["TM:stroke"]),
    ("legacy-xml/NCT00491218.xml", "Angina", ["TM:angina_pectoris"]),
    ("legacy-xml/NCT00000462.xml", "Angina Pectoris", ["TM:angina_pectoris"]),
    ("legacy-xml/NCT00001534.xml", "Left Ventricular Hypertrophy", ["TM:left_ventricular_hypertrophy"]),
    ("legacy-xml/NCT00463762.xml", "Abscess, Intra-Abdominal", ["TM:abscess"]),
    ("legacy-xml/NCT00005812.xml", "Leptomeningeal Metastases", ["TM:leptomeningeal_metastasis"]),
    # qualifier words the longest match left out: the broader term would take every kind (issue 12)
    ("legacy-xml/NCT00496808.xml", "Ductal Carcinoma In Situ", ["ONCOTREE:DCIS"]),
    ("legacy-xml/NCT00004074.xml", "Stage IV Squamous Cell Carcinoma of the Nasopharynx", ["DOID:9261"]),
    (
        "legacy-xml/NCT00004074.xml",
        "Recurrent Squamous Cell Carcinoma of the Lip and Oral Cavity",
        ["DOID:8564", "DOID:8618"],
    ),
    ("legacy-xml/NCT00004221.xml", "Ovarian Endometrioid Adenocarcinoma", ["DOID:5828"]),
    ("legacy-xml/NCT05482516.xml", "Adenocarcinoma of Biliary Tract", ["DOID:4896"]),
    ("legacy-xml/NCT00002852.xml", "Adenosquamous Cell Lung Cancer", ["DOID:1324"]),
    ("legacy-xml/NCT00499811.xml", "Primary Central Nervous System Non-Hodgkin Lymphoma", ["DOID:0060060"]),
    ("legacy-xml/NCT00499811.xml", "Recurrent Adult Lymphoblastic Lymphoma", ["TM:lymphoblastic_lymphoma"]),
    ("legacy-xml/NCT00499811.xml", "Recurrent Adult Diffuse Small Cleaved Cell Lymphoma", ["DOID:0060060"]),
    ("legacy-xml/NCT00001582.xml", "T-cell Lymphoma", ["DOID:0081312"]),
    ("legacy-xml/NCT00005811.xml", "Recurrent Childhood Small Noncleaved Cell Lymphoma", ["DOID:707"]),
    ("legacy-xml/NCT00006363.xml", "Adult Acute Monoblastic Leukemia (M5a)", ["DOID:9119"]),
    ("legacy-xml/NCT00006363.xml", "Adult Acute Minimally Differentiated Myeloid Leukemia (M0)", ["DOID:0081085"]),
    ("legacy-xml/NCT00000589.xml", "Leukemia, Myelocytic, Acute", ["DOID:9119"]),
    ("api-v2/studies/NCT07477366.json", "Relapsed B-Cell Non-Hodgkin Lymphoma", ["DOID:707"]),
]


@pytest.mark.parametrize(("record", "condition", "expected"), REAL_CONDITIONS)
def test_real_registry_conditions_map_to_their_terms(record, condition, expected):
    assert condition in registry_conditions(record), f"{condition!r} is not a condition of {record}"
    assert [m.id for m in map_condition(condition)] == expected


@pytest.mark.parametrize(
    ("record", "condition", "adenoma"),
    [
        ("legacy-xml/NCT00001860.xml", "Pituitary Neoplasm", "DOID:3829"),
        ("legacy-xml/NCT00003514.xml", "Pituitary Tumor", "DOID:3829"),
        ("legacy-xml/NCT00001277.xml", "Parathyroid Neoplasm", "DOID:7608"),
    ],
)
def test_a_tumour_of_a_gland_whose_tumours_are_adenomas_is_no_cancer(record, condition, adenoma):
    """Pituitary and parathyroid tumours are adenomas but for a rare carcinoma: "pituitary neoplasm" is no cancer."""
    assert condition in registry_conditions(record)
    assert [m.id for m in map_condition(condition)] == [adenoma]
    assert not is_cancer(adenoma)


@pytest.mark.parametrize(
    ("record", "condition"),
    [
        ("legacy-xml/NCT00000632.xml", "HIV Seronegativity"),
        ("api-v2/studies/NCT07254910.json", "CRC Screening"),
        ("api-v2/studies/NCT07264790.json", "High Risk for Breast Cancer"),
        ("api-v2/studies/NCT06397573.json", "Abdominal Cancer"),
        ("api-v2/studies/NCT02227940.json", "ALK Positive"),
    ],
)
def test_conditions_naming_no_disease_the_person_has_map_to_nothing(record, condition):
    assert condition in registry_conditions(record)
    assert map_condition(condition) == []


def test_a_disease_inside_a_sentence_is_found_with_its_span():
    text = "Histologically confirmed metastatic colorectal adenocarcinoma with measurable disease"
    [match] = map_condition(text)
    assert (match.id, match.name) == ("DOID:0050861", "colorectal adenocarcinoma")
    assert match.text == "colorectal adenocarcinoma"
    assert text[match.start : match.end] == match.text


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("A Study of Drug X in Advanced Solid Tumors", ["TM:solid_tumor"]),
        ("Drug Y in Cancer Patients With a Specific Genetic Mutation", ["DOID:162"]),
        ("Exercise for Patients Treated as Cancer Outpatients", ["DOID:162"]),
    ],
)
def test_a_function_word_before_a_basket_term_names_no_site(title, expected):
    """ "Abdominal Cancer" is an unknown kind of cancer, but "in" or "as" before "Cancer" names no site."""
    assert [m.id for m in map_condition(title)] == expected


def test_coordinated_sites_share_the_head_noun():
    assert [m.name for m in map_condition("Patients with lung or breast cancer")] == ["lung cancer", "breast cancer"]
    listed = map_condition("bacterial, viral, or fungal infection")
    assert [m.id for m in listed] == ["DOID:104", "DOID:934", "DOID:1564"]


def test_a_non_prefix_negates_the_term_it_precedes():
    assert [m.name for m in map_condition("Non-melanoma skin cancer")] == ["skin cancer"]
    assert [m.id for m in map_condition("non-small cell carcinoma")] == ["DOID:3908"]


def test_shorthands_need_their_capitals():
    assert [m.id for m in map_condition("ALL in second remission")] == ["DOID:9952"]
    assert map_condition("all patients must sign consent") == []
    assert [m.id for m in map_condition("mCRPC")] == ["DOID:0080909"]


def test_normalize_drops_registry_wording_and_reorders_of_phrases():
    assert normalize("Metastatic Carcinomas of the Colon") == "colon carcinoma"
    assert normalize("Stage IIIB Non-small Cell Lung Tumours") == "non small cell lung tumor"
    assert normalize("Type II Diabetes") == "type 2 diabetes"
    assert normalize("Leukaemia") == normalize("leukemia")


def test_nsclc_lies_within_lung_cancer():
    nsclc, lung = map_condition("NSCLC")[0], map_condition("Lung Cancer")[0]
    assert is_within(nsclc, lung) and not is_within(lung, nsclc)
    assert lung.id in ancestors(nsclc.id) and nsclc.id in descendants(lung.id)


def test_a_patient_with_urinary_symptoms_may_or_may_not_have_the_prostate_disease_a_trial_names():
    symptoms = map_condition("lower urinary tract symptoms")[0]
    assert relation(symptoms, map_condition("Benign Prostatic Hyperplasia")) == "unknown"
    assert relation(map_condition("BPH")[0], map_condition("LUTS")) == "met"


def test_breast_and_colorectal_cancer_are_disjoint():
    assert not overlaps("DOID:1612", "DOID:9256")


def test_infantile_fibrosarcoma_is_a_solid_cancer_and_aml_is_not():
    [fibrosarcoma] = map_condition("infantile fibrosarcoma")
    [aml] = map_condition("AML")
    assert is_cancer(fibrosarcoma) and is_solid(fibrosarcoma) and not is_haematologic(fibrosarcoma)
    assert is_cancer(aml) and is_haematologic(aml) and not is_solid(aml)
    assert not is_cancer(map_condition("Type 2 Diabetes")[0])


def test_every_solid_cancer_lies_below_solid_tumour():
    solid = set(descendants("TM:solid_tumor"))
    assert "DOID:8418" in solid and "DOID:9256" in solid and "DOID:9119" not in solid
    assert all(is_solid(t) for t in solid if is_cancer(t))


def test_colorectal_adenocarcinoma_is_an_adenocarcinoma():
    assert is_within("DOID:0050861", "DOID:299")  # a parent inferred from the name; the ontology lacks it
    assert overlaps("DOID:0050861", "DOID:219")  # colon adenocarcinoma lies below both


@pytest.mark.parametrize(
    ("patient", "trial", "verdict"),
    [
        ("metastatic colorectal adenocarcinoma", ["Colorectal Neoplasms"], "met"),
        ("NSCLC", ["Lung Cancer"], "met"),
        ("infantile fibrosarcoma", ["Solid Tumors Harboring NTRK Fusion"], "met"),
        ("AML", ["Leukemia"], "met"),
        ("metastatic colorectal adenocarcinoma", ["Breast Cancer"], "not_met"),
        ("metastatic colorectal adenocarcinoma", ["Neoplasms", "Kidney Neoplasms"], "not_met"),
        ("AML", ["Advanced Solid Tumors"], "not_met"),
        ("breast cancer", ["Healthy Volunteers"], "not_met"),
        ("NSCLC", ["Small Cell Lung Cancer"], "not_met"),
        ("Lung Cancer", ["NSCLC"], "unknown"),
        ("metastatic colorectal adenocarcinoma", ["Colon Cancer"], "unknown"),
        ("glioblastoma", ["Brain Tumor"], "unknown"),
    ],
)
def test_diagnosis_relation(patient, trial, verdict):
    [patient_term] = map_condition(patient)
    trial_terms = most_specific([m for text in trial for m in map_condition(text)])
    assert relation(patient_term, trial_terms) == verdict


@pytest.mark.parametrize(
    "patient", ["brain stem glioma", "spinal cord glioma", "optic nerve glioma", "cerebellar astrocytoma"]
)
def test_gliomas_named_by_their_site_lie_below_glioma(patient):
    assert "Glioma" in registry_conditions("legacy-xml/NCT00463203.xml")
    [patient_term] = map_condition(patient)
    assert relation(patient_term, map_condition("Glioma")) == "met"


@pytest.mark.parametrize(
    ("record", "condition", "patient", "verdict"),
    [
        ("legacy-xml/NCT00003521.xml", "Soft Tissue Sarcoma", "retroperitoneal liposarcoma", "met"),
        ("legacy-xml/NCT00490451.xml", "Sarcoma, Soft Tissue", "leiomyosarcoma of the thigh", "met"),
        ("legacy-xml/NCT00490451.xml", "Sarcoma, Soft Tissue", "embryonal rhabdomyosarcoma", "met"),
        ("legacy-xml/NCT00003521.xml", "Soft Tissue Sarcoma", "synovial sarcoma", "met"),
        ("legacy-xml/NCT00003521.xml", "Soft Tissue Sarcoma", "malignant peripheral nerve sheath tumor", "met"),
        ("legacy-xml/NCT00003521.xml", "Soft Tissue Sarcoma", "angiosarcoma of the scalp", "met"),
        ("legacy-xml/NCT00001188.xml", "Sarcoma", "osteosarcoma of the femur", "met"),
        ("legacy-xml/NCT00001188.xml", "Sarcoma", "chondrosarcoma", "met"),
        ("legacy-xml/NCT00001188.xml", "Sarcoma", "myxoid liposarcoma", "met"),
        ("legacy-xml/NCT00003292.xml", "Adult Fibrosarcoma", "myxofibrosarcoma", "met"),
        ("legacy-xml/NCT00495924.xml", "Adenocarcinoma", "cystadenocarcinoma", "met"),
        ("legacy-xml/NCT00001188.xml", "Sarcoma", "gliosarcoma", "not_met"),
        ("legacy-xml/NCT00003521.xml", "Soft Tissue Sarcoma", "osteosarcoma", "not_met"),
        ("legacy-xml/NCT00001251.xml", "Lymphoma", "gastric lymphoma", "met"),
        ("legacy-xml/NCT00001251.xml", "Lymphoma", "primary CNS lymphoma", "met"),
        ("legacy-xml/NCT00495872.xml", "Solid Tumors", "thymoma", "met"),
        ("legacy-xml/NCT00495872.xml", "Solid Tumors", "thymic carcinoma", "met"),
        ("legacy-xml/NCT00495872.xml", "Solid Tumors", "primary CNS lymphoma", "not_met"),
        ("legacy-xml/NCT00001251.xml", "Lymphoma", "small lymphocytic lymphoma", "met"),
        ("legacy-xml/NCT00001251.xml", "Lymphoma", "adult T-cell leukemia/lymphoma", "met"),
        ("legacy-xml/NCT00463463.xml", "Non-Hodgkin's Lymphoma", "B-lymphoblastic leukemia/lymphoma", "met"),
        ("legacy-xml/NCT00000591.xml", "Myelodysplastic Syndromes", "chronic myelomonocytic leukemia", "not_met"),
        ("legacy-xml/NCT00002465.xml", "Malignant Mesothelioma", "pleural mesothelioma", "met"),
        ("legacy-xml/NCT00002465.xml", "Malignant Mesothelioma", "peritoneal mesothelioma", "met"),
        ("legacy-xml/NCT00001171.xml", "Glioma", "diffuse glioma", "met"),
        ("legacy-xml/NCT00001171.xml", "Glioma", "gliomatosis cerebri", "met"),
        ("legacy-xml/NCT00009984.xml", "Refractory Chronic Lymphocytic Leukemia", "hairy cell leukemia", "not_met"),
        ("legacy-xml/NCT00009984.xml", "Refractory Chronic Lymphocytic Leukemia", "T-cell prolymphocytic leukemia",
         "not_met"),
        ("legacy-xml/NCT00001567.xml", "Hairy Cell Leukemia", "chronic lymphocytic leukemia", "not_met"),
        ("legacy-xml/NCT00005803.xml", "Prolymphocytic Leukemia", "B-cell prolymphocytic leukemia", "met"),
    ],
)
def test_a_cancer_lies_in_its_branch_and_below_the_family_it_is_named_for(record, condition, patient, verdict):
    """Sarcoma subtypes lie below sarcoma and the soft tissue ones below soft tissue sarcoma; the branch decides solid
    or haematologic (a site lymphoma is a lymphoma, thymic tumours are solid); family members the ontology subsets
    file elsewhere meet a trial for the family; hairy cell and prolymphocytic leukaemia, which DO files under chronic
    lymphocytic leukaemia, are lymphoid leukaemias of their own (WHO haematolymphoid tumours, 5th ed.)."""
    assert condition in registry_conditions(record)
    [patient_term] = map_condition(patient)
    assert relation(patient_term, map_condition(condition)) == verdict


def test_the_lymphoid_oncotree_groups_are_haematologic_and_thymic_tumours_solid():
    assert is_haematologic("ONCOTREE:TLL") and is_haematologic("ONCOTREE:LNM")
    assert is_solid("ONCOTREE:TNET") and is_solid("DOID:3275") and is_solid("DOID:3284")
    assert is_haematologic("DOID:10011") and "DOID:1781" in ancestors("DOID:10011")  # thyroid lymphoma, thyroid cancer


FAMILIES = ROOT / "nlp" / "vocab" / "disease_families.jsonl"
FAMILY_ROWS = [row for row in map(json.loads, FAMILIES.read_text(encoding="utf-8").splitlines()) if "family" in row]


@pytest.mark.parametrize("row", FAMILY_ROWS, ids=[row["family"] for row in FAMILY_ROWS])
def test_every_cancer_named_for_a_family_lies_below_it_unless_listed_outside_with_a_reason(row):
    family, outside = row["family"], row.get("outside", {})
    named = re.compile(r"\b(?:" + "|".join(map(re.escape, row["words"])) + r")\b", re.IGNORECASE)
    members = {t for t in descendants(CANCER) if t != family and named.search(term(t).name)}
    assert members, f"no cancer is named with {row['words']}: fix {FAMILIES.name}"
    gaps = sorted(f"{t} {term(t).name}" for t in members - set(outside) if family not in ancestors(t))
    assert not gaps, f"named for {term(family).name} but not below it: {gaps}"
    for t, reason in outside.items():
        assert t in members and family not in ancestors(t) and reason, f"stale or unexplained exception {t}"


@pytest.mark.parametrize(
    ("patient", "trial", "verdict"),
    [
        ("acute myeloid leukemia", "Myeloid Neoplasms", "met"),
        ("chronic myeloid leukemia", "Myeloid Neoplasm", "met"),
        ("myelodysplastic syndrome", "Myeloid Neoplasms", "met"),
        ("myeloid sarcoma", "Myeloid Neoplasm", "met"),
        ("chronic myelomonocytic leukemia", "Myelodysplastic/Myeloproliferative Neoplasm", "met"),
        ("germinoma", "Germ Cell Tumor", "met"),
        ("intracranial germinoma", "Germ Cell Tumors", "met"),
        ("gestational choriocarcinoma", "Germ Cell Tumor", "not_met"),
        ("small cell neuroendocrine carcinoma", "Neuroendocrine Tumors", "met"),
        ("rectal neuroendocrine tumor", "Neuroendocrine Tumors", "met"),
        ("glioblastoma", "Adult-Type Diffuse Glioma", "met"),
        ("oligodendroglioma", "Diffuse Glioma", "met"),
        ("gliomatosis cerebri", "Diffuse Glioma", "met"),
        ("diffuse glioma", "Brain Tumor", "unknown"),
        ("acute monocytic leukemia", "Acute Myeloid Leukemia", "met"),
        ("acute myeloid leukemia", "Adult Acute Monoblastic Leukemia (M5a)", "met"),
        ("acute myeloid leukemia", "Adult Acute Minimally Differentiated Myeloid Leukemia (M0)", "unknown"),
        ("Hodgkin lymphoma", "Recurrent Adult Lymphoblastic Lymphoma", "not_met"),
    ],
)
def test_family_members_meet_a_trial_named_for_the_family(patient, trial, verdict):
    [patient_term] = map_condition(patient)
    assert relation(patient_term, map_condition(trial)) == verdict


def test_names_that_only_look_like_a_histology_stay_out_of_it():
    assert not is_within("DOID:4236", "DOID:1115")  # carcinosarcoma is no sarcoma
    assert not is_within("DOID:8538", "DOID:1115")  # reticulosarcoma is a lymphoma
    assert not is_within("DOID:2647", "DOID:3302")  # parachordoma is no chordoma


def test_an_unmapped_side_is_unknown():
    assert relation(None, ["DOID:1612"]) == "unknown"
    assert relation("DOID:1612", []) == "unknown"


def test_judge_names_the_deciding_trial_term_and_explains():
    met = judge("DOID:3908", ["DOID:1612", "DOID:1324"])
    assert (met.verdict, met.trial) == ("met", "DOID:1324")
    assert "lung cancer" in met.reason and "lung non-small cell carcinoma" in met.reason
    not_met = judge("DOID:9256", ["DOID:1612"])
    assert not_met.reason == "trial is for breast cancer; the patient has colorectal cancer"


def test_a_histology_named_with_its_site_is_the_site_s_kind_and_excludes_other_sites():
    # NCT00004074 lists "Stage IV Squamous Cell Carcinoma of the Nasopharynx": not any squamous cell carcinoma
    trial = map_condition("Stage IV Squamous Cell Carcinoma of the Nasopharynx")
    assert relation(map_condition("lung squamous cell carcinoma")[0], trial) == "not_met"


def test_carcinoma_in_situ_is_no_basket_of_every_carcinoma():
    # NCT00003857's title: "... in Treating Women With Ductal Carcinoma in Situ"; MeSH and registries write "Carcinoma
    # in Situ" too
    trial = map_condition("Carcinoma in Situ")
    assert [m.id for m in trial] == ["TM:carcinoma_in_situ"]
    verdicts = [relation(map_condition(p)[0], trial) for p in ("DCIS", "invasive ductal carcinoma", "breast cancer")]
    assert verdicts == ["met", "not_met", "unknown"]


def test_the_mesh_heading_of_dcis_is_dcis():
    # NCT00496808's condition browse term (mesh_term), in MeSH's inverted order
    assert [m.id for m in map_condition("Carcinoma, Intraductal, Noninfiltrating")] == ["ONCOTREE:DCIS"]


def test_the_primary_tumour_of_a_criterion_names_no_disease():
    assert map_condition("The primary tumor must be resected") == []


def test_a_generic_term_beside_specific_ones_is_not_a_basket():
    listed = map_condition("Neoplasms") + map_condition("Kidney Neoplasms")
    assert [m.name for m in most_specific(listed)] == ["kidney cancer"]
    assert is_basket(map_condition("Neoplasms")[0]) and not is_basket("DOID:263")
    solid_or_lymphoma = most_specific(["TM:solid_tumor", "DOID:0060058", "TM:solid_tumor"])
    assert solid_or_lymphoma == ["TM:solid_tumor", "DOID:0060058"]


def test_unknown_term_ids_are_refused_with_the_fix():
    with pytest.raises(KeyError, match="use an id from map_condition"):
        term("DOID:nonsense")


def test_suggest_offers_names_and_synonyms_by_prefix():
    labels = [label.lower() for label, _ in suggest("colorectal", limit=8)]
    assert labels[:3] == ["colorectal cancer", "colorectal carcinoma", "colorectal adenocarcinoma"]
    assert all(f" {label}".count(" colorectal") for label in labels)
    assert ("NSCLC", "DOID:3908") not in suggest("nsclc")  # acronyms are found by map_condition, not offered


def test_vocabulary_header_names_sources_releases_and_licences():
    header = sources()
    by_name = {source["file"]: source for source in header["sources"]}
    assert by_name["DO_cancer_slim.obo"]["release"] == "2026-07-31"
    assert by_name["DO_NCIthesaurus_subset.obo"]["licence"] == "CC0 1.0"
    oncotree = by_name["oncotree_2025_10_03.json"]
    assert oncotree["licence"] == "CC BY 4.0"
    assert oncotree["attribution"] == "OncoTree, Memorial Sloan Kettering Cancer Center"


def test_shipped_vocabulary_is_what_the_script_builds_from_the_shared_ontologies():
    spec = importlib.util.spec_from_file_location("build_disease_vocab", ROOT / "scripts" / "build_disease_vocab.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    rebuilt = builder.render(builder.build(ONTOLOGY))
    assert diseases.DISEASES_PATH.read_text(encoding="utf-8") == rebuilt, "run scripts/build_disease_vocab.py"


def test_a_layer_row_pointing_at_an_unknown_term_is_refused_with_the_line(tmp_path, monkeypatch):
    layer = tmp_path / "disease_layer.jsonl"
    layer.write_text('{"alias": "NSCLC", "id": "DOID:0000000"}\n', encoding="utf-8")
    monkeypatch.setattr(diseases, "LAYER_PATH", layer)
    diseases._vocabulary.cache_clear()
    try:
        with pytest.raises(ValueError, match="alias 'NSCLC' points at unknown term 'DOID:0000000': fix the id"):
            diseases._vocabulary()
    finally:
        monkeypatch.undo()
        diseases._vocabulary.cache_clear()


def test_a_repeated_condition_is_mapped_once_and_each_caller_gets_its_own_list(monkeypatch):
    text = "Recurrent Glioblastoma Multiforme of the Adult"
    first = diseases.map_condition(text)
    first.clear()
    monkeypatch.setattr(diseases, "_tokens", lambda *_: pytest.fail("a memoised text was tokenised again"))
    again = diseases.map_condition(text)
    assert [m.name for m in again] == ["glioblastoma"] and again is not diseases.map_condition(text)


def test_the_vocabulary_stays_out_of_every_garbage_collection():
    import gc
    vocab = diseases._vocabulary()
    assert not any(o is vocab.ancestors or o is vocab.trie for o in gc.get_objects())
