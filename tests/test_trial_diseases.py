"""Whom a trial is for, read from real records in ../shared/ctgov: terms with their source, basket, enrolment."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from ingest.loaders import iter_source
from nlp.extract import extract_study
from nlp.models import Criterion, DiseaseFacts
from nlp.trial_diseases import trial_diseases

CTGOV = Path(__file__).resolve().parents[2] / "shared" / "ctgov"


@cache
def facts(nct_id: str) -> DiseaseFacts:
    for folder in ("ntrk", "api-v2/studies"):
        path = CTGOV / folder / f"{nct_id}.json"
        if path.exists():
            return extract_study(json.loads(path.read_text(encoding="utf-8"))).diseases
    path = CTGOV / "legacy-xml" / f"{nct_id}.xml"
    study = next(item.study for item in iter_source(path))
    assert study is not None
    return extract_study(study).diseases


def names(nct_id: str) -> list[str]:
    return [t.name for t in facts(nct_id).terms]


def test_a_solid_tumour_trial_is_a_basket_that_enrols_patients():
    found = facts("NCT04879121")
    assert (found.basket, found.enrols, "solid tumour" in names("NCT04879121")) == (True, "patients", True)


def test_each_term_says_where_the_trial_names_it():
    solid = next(t for t in facts("NCT04879121").terms if t.name == "solid tumour")
    assert (solid.source, solid.text) == ("condition", "Malignant Solid Neoplasm")


def test_a_term_stated_in_a_criterion_points_at_it():
    cns = next(t for t in facts("NCT04879121").terms if t.source == "sentence")
    assert (cns.name, cns.text, cns.criterion is not None) == ("central nervous system cancer", "CNS tumors", True)


def test_a_single_cancer_trial_is_no_basket():
    assert (names("NCT03424005"), facts("NCT03424005").basket) == (["triple-negative breast cancer"], False)


def test_a_ductal_carcinoma_in_situ_trial_is_no_basket():
    # conditions "Ductal Carcinoma In Situ; Carcinoma, Intraductal, Noninfiltrating": read as nothing, the criterion's
    # "primary tumors" made it a basket that took every cancer
    found = facts("NCT00496808")
    assert (names("NCT00496808"), found.basket) == (["Breast Ductal Carcinoma In Situ"], False)


def test_a_generic_term_listed_beside_specific_ones_makes_no_basket():
    # conditions "Neoplasms; Kidney Neoplasms; Urologic Neoplasms ...", a title about renal cell carcinoma
    found = facts("NCT06676527")
    assert found.basket is False and "cancer" not in names("NCT06676527")


@pytest.mark.parametrize(("nct_id", "kind", "family"), [
    ("NCT00004066", "leiomyosarcoma", "soft tissue sarcoma"),  # "... Leiomyosarcoma or Soft Tissue Sarcoma"
    ("NCT00003955", "rhabdomyosarcoma", "sarcoma"),  # "... Metastatic Rhabdomyosarcoma or Sarcoma"
    ("NCT00003414", "Hodgkin's lymphoma", "lymphoma"),  # "... Refractory Lymphoma or Hodgkin's Disease"
])
def test_a_family_the_title_offers_as_an_alternative_to_a_kind_of_it_is_kept(nct_id, kind, family):
    assert {kind, family} <= set(names(nct_id))


def test_a_title_naming_biomarker_positive_solid_tumours_makes_a_basket():
    # NAVIGATE lists many cancers one by one beside "Solid Tumors"; its title: "NTRK Fusion Positive Solid Tumors"
    found = facts("NCT02576431")
    assert found.basket is True and {"colorectal cancer", "solid tumour"} <= set(names("NCT02576431"))


def test_the_generic_kind_a_basket_title_names_decides_beside_a_narrower_generic_condition():
    study = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000001",
                                 "briefTitle": "Drug X in Patients With Solid Tumors Harboring a Gene Fusion"},
        "conditionsModule": {"conditions": ["Carcinoma", "Sarcoma", "Colorectal Cancer"]}}}
    found = trial_diseases(study, [])
    assert found.basket is True and {"solid tumour", "carcinoma", "sarcoma"} <= {t.name for t in found.terms}


@pytest.mark.parametrize(("nct_id", "kind"), [
    ("NCT00003985", "solid tumour"),  # "... Patients With Solid Tumors"; "Histologically ... proven solid tumor that is
    # refractory"; conditions "Lung Cancer; Unspecified Adult Solid Tumor"
    ("NCT02465060", "solid tumour"),  # NCI-MATCH: "... Advanced Refractory Solid Tumors, Lymphomas, or Multiple
    # Myeloma"; "histologically documented solid tumors or ... lymphoma ... and meet one of the following criteria"
    ("NCT00004114", "hematologic cancer"),  # "... Advanced Hematologic Cancer"; "Histologically proven advanced
    # hematologic malignancy"; conditions "Leukemia; Lymphoma; Myelodysplastic Syndromes"
])
def test_a_generic_kind_the_title_and_an_inclusion_criterion_both_state_makes_a_basket(nct_id, kind):
    found = facts(nct_id)
    assert found.basket is True and kind in names(nct_id)


@pytest.mark.parametrize("nct_id", [
    "NCT00007813",  # "Histologically proven malignant solid tumor, including any of the following:"
    "NCT00005804",  # "Histologically proven hematologic malignancy of 1 of the following types:"
])
def test_a_generic_kind_stated_with_a_list_of_the_kinds_taken_makes_no_basket(nct_id):
    assert facts(nct_id).basket is False


def study(title: str, conditions: list[str], *inclusion: str) -> DiseaseFacts:
    record = {"protocolSection": {"identificationModule": {"nctId": "NCT00000001", "briefTitle": title},
                                  "conditionsModule": {"conditions": conditions}}}
    return trial_diseases(record, [Criterion(section="inclusion", text=t, span=(0, len(t))) for t in inclusion])


def test_a_generic_kind_stated_before_an_open_list_makes_a_basket():
    found = study("Drug X in Treating Patients With Solid Tumors", ["Breast Cancer", "Lung Cancer"],
                  "Histologically confirmed solid tumor, including but not limited to breast or lung cancer")
    assert found.basket is True and "solid tumour" in {t.name for t in found.terms}


def test_cancer_in_the_title_and_a_criterion_makes_no_basket_it_also_names_kinds_the_vocabulary_lacks():
    found = study("Drug X in Treating Patients With Advanced Cancer", ["Bladder Cancer", "Urethral Cancer"],
                  "Histologically confirmed cancer of the urothelium")
    assert found.basket is False and "cancer" not in {t.name for t in found.terms}


def test_non_cancer_words_in_a_cancer_trial_do_not_decide():
    # NAVIGATE's bilirubin criterion names Gilbert's disease; the conditions name cancers
    assert "Gilbert syndrome" not in names("NCT02576431")


@pytest.mark.parametrize(("title", "condition", "statement", "kept"), [
    ("Etanercept for Wegener's Granulomatosis", "Wegener's Granulomatosis",
     "Diagnosis of WG, excluding infections, malignancies, and other forms of vasculitis that may mimic WG.",
     "granulomatosis with polyangiitis"),
    ("Immunoglobulin in Patients With Myasthenia Gravis", "Myasthenia Gravis",
     "Patients with generalized myasthenia gravis. No evidence of thymoma on chest CT", "myasthenia gravis"),
])
def test_a_cancer_a_criterion_names_does_not_replace_the_non_cancer_disease_the_registry_names(
        title, condition, statement, kept):
    assert kept in {t.name for t in study(title, [condition], statement).terms}


def test_a_cancer_a_criterion_states_is_kept_beside_the_registry_non_cancer_condition():
    found = study("Compression Sleeves for Lymphedema", ["Lymphedema"], "Histologically confirmed breast cancer")
    assert {"breast cancer", "lymphedema"} <= {t.name for t in found.terms}


@pytest.mark.parametrize("statement", [
    "NTRK fusions are found by a certified laboratory. Patients with infantile fibrosarcoma or congenital mesoblastic "
    "nephroma may be enrolled based on an ETV6 FISH test.",
    "Patients with pancreatic adenocarcinoma are eligible if the fusion was found in plasma",
    "Patients with glioblastoma may participate once their steroid dose is stable",
    "Participants with melanoma are also eligible",
    "Subjects with uveal melanoma are allowed",
    "Cohort B: patients with histologically confirmed colorectal adenocarcinoma",
    "For the expansion part, histologically confirmed non-small cell lung cancer",
    "Arm 2 enrols patients with metastatic breast cancer",
])
def test_a_sentence_permitting_or_naming_a_subgroup_does_not_narrow_a_basket(statement):
    found = study("Drug X in Adults With Advanced Cancer", ["Solid Tumors Harboring NTRK Fusion"],
                  "Advanced solid tumor with no satisfactory standard therapy", statement)
    assert [t.name for t in found.terms] == ["solid tumour"] and found.basket is True


def test_the_population_sentence_of_a_criterion_still_states_the_disease_beside_a_subgroup_sentence():
    found = study("Drug X in Adults With Advanced Cancer", ["Neoplasms"],
                  "Histologically confirmed non-small cell lung cancer. Patients with brain metastases may be "
                  "enrolled if stable; patients with small cell lung cancer are also eligible.")
    assert [t.name for t in found.terms] == ["lung non-small cell carcinoma"]


def test_a_subgroup_that_takes_any_solid_tumour_still_makes_the_trial_a_basket():
    found = study("Drug X in Subjects With Cancer", ["Cancer", "Breast Cancer", "Prostate Cancer"],
                  "Participants in the dose escalation cohorts must have histological confirmation of locally advanced "
                  "or metastatic solid tumor",
                  "Participants in the expansion cohorts must have histological confirmation of breast or prostate "
                  "cancer")
    assert found.basket is True and {"breast cancer", "prostate cancer"} <= {t.name for t in found.terms}


def test_a_basket_whose_subgroup_sentence_names_rare_tumours_stays_a_basket():
    # selitrectinib: "Solid Tumors Harboring NTRK Fusion"; "Patients with infantile fibrosarcoma (IFS) or congenital
    # mesoblastic nephroma (CMN) may be enrolled based on an ETV6+ FISH test"
    assert (facts("NCT03215511").basket, names("NCT03215511")) == (True, ["solid tumour"])


def test_a_registry_screening_study_enrols_people_without_the_disease():
    assert facts("NCT07254910").enrols == "without_disease"


def test_an_observational_study_titled_as_screening_for_a_cancer_enrols_people_without_it():
    assert facts("NCT06588166").enrols == "without_disease"


def test_supportive_care_enrols_patients():
    assert (facts("NCT02288169").enrols, names("NCT02288169")) == ("patients", ["cancer"])


def test_prevention_with_healthy_volunteers_of_the_disease_itself_enrols_people_without_it():
    assert facts("NCT00006392").enrols == "without_disease"  # selenium and vitamin E in preventing prostate cancer


@pytest.mark.parametrize("nct_id", [
    "NCT00003365",  # "Sulindac and Plant Compounds in Preventing Colon Cancer": individuals at risk, volunteers "No"
    "NCT00002644",  # "Tamoxifen for the Prevention of Breast Cancer in High-Risk Women"
    "NCT00005094",  # "Celecoxib to Prevent Colorectal Cancer in Patients Who Have Undergone Surgery to Remove Polyps"
])
def test_prevention_of_the_cancer_itself_named_by_the_title_enrols_people_without_it(nct_id):
    assert facts(nct_id).enrols == "without_disease"


@pytest.mark.parametrize("nct_id", [
    "NCT00003623",  # "... in Preventing the Recurrence of Cancer in Patients With Early Stage Bladder Cancer"
    "NCT00003097",  # "Low Fat Diet to Prevent Disease Progression in Patients With Skin Cancer"
    "NCT00008385",  # "Selenium in Preventing Tumor Growth in Patients With Previously Resected Stage I NSCLC"
])
def test_prevention_of_a_recurrence_or_progression_enrols_patients(nct_id):
    assert facts(nct_id).enrols == "patients"


def test_a_screening_purpose_with_patients_stated_in_the_title_enrols_patients():
    # "Early Detection of Second Lung Cancer in Patients With Stage I Non-small Cell Lung Cancer"
    assert facts("NCT00002667").enrols == "patients"


@pytest.mark.parametrize("nct_id", ["NCT05432297", "NCT06905561"])
def test_prevention_in_patients_who_are_no_volunteers_enrols_patients(nct_id):
    assert facts(nct_id).enrols == "patients"


def test_a_screening_protocol_for_a_non_cancer_disease_is_not_read_as_cancer_screening():
    assert facts("NCT00001732").enrols == "patients"


# -- diseases a criterion excludes in so many words (hand-written criteria) -------------------------------------

def excluded(*criteria: tuple[str, str], conditions=("AL Amyloidosis",)) -> list[str]:
    study = {"protocolSection": {"conditionsModule": {"conditions": list(conditions)}}}
    read = [Criterion(section=section, text=text, span=(0, len(text))) for section, text in criteria]
    return [f"{t.name} @{t.criterion}" for t in trial_diseases(study, read).excluded]


def test_an_exclusion_criterion_that_only_names_a_disease_excludes_it():
    assert excluded(("exclusion", "Pregnant women"), ("exclusion", "Subjects suffering from multiple myeloma;")) == [
        "multiple myeloma @1"]


def test_an_inclusion_criterion_opening_with_no_excludes_the_diseases_it_names():
    assert excluded(("inclusion", "No known diabetes mellitus or asthma"), ("inclusion", "Diabetes mellitus")) == [
        "diabetes mellitus @0", "asthma @0"]


def excluded_with_kinds(section: str, text: str, kinds: list[str], condition: str = "Heart Failure") -> list[str]:
    study = {"protocolSection": {"conditionsModule": {"conditions": [condition]}}}
    read = [Criterion(section=section, text=text, span=(0, len(text)), kinds=kinds)]
    return [t.name for t in trial_diseases(study, read).excluded]


@pytest.mark.parametrize(("section", "text", "names"), [
    ("inclusion", "No diabetes mellitus or fasting glucose greater than or equal to 120 mg/dl.",
     ["diabetes mellitus"]),
    ("exclusion", "Asthma or COPD, or FEV1 < 50% of predicted", ["asthma", "chronic obstructive pulmonary disease"]),
    ("exclusion", "Cirrhosis or bilirubin > 2 mg/dL or albumin < 3 g/dL", ["liver cirrhosis"]),
])
def test_a_disease_given_as_an_alternative_to_a_lab_threshold_is_excluded(section, text, names):
    """The lab is read as a lab; the disease before "or" is excluded whatever the value."""
    assert excluded_with_kinds(section, text, ["lab"]) == names


def test_an_inclusion_item_offering_a_lab_threshold_as_an_alternative_excludes_nothing():
    """ "No history of cardiac disease OR Left ventricular ejection fraction greater than 50%": either is enough, so
    cardiac disease with a good ejection fraction is eligible."""
    text = ("No history of cardiac disease OR Left ventricular ejection fraction greater than 50% by MUGA or "
            "echocardiogram")
    assert excluded_with_kinds("inclusion", text, ["lab"], condition="Breast Cancer") == []


@pytest.mark.parametrize("text", [
    "Diabetes mellitus with HbA1c > 8%",
    "Diabetes mellitus or glucose intolerance with fasting glucose > 126 mg/dl",
])
def test_a_disease_qualified_by_a_lab_threshold_is_not_read_as_excluded(text):
    assert excluded_with_kinds("exclusion", text, ["lab"]) == []


@pytest.mark.parametrize(("text", "names"), [
    ("Presence of anti-HIV or anti-HCV with HCV RNA in serum.",
     ["human immunodeficiency virus infectious disease @0", "hepatitis C @0"]),
    ("Hepatitis B surface antigen positive", ["hepatitis B @0"]),
    ("HIV seropositive", ["human immunodeficiency virus infectious disease @0"]),
])
def test_an_infection_written_as_its_serology_is_excluded(text, names):
    assert excluded(("exclusion", text)) == names


@pytest.mark.parametrize("text", [
    "Uncontrolled hypertension",
    "Severe pulmonary hypertension",
    "History of asthma within the past 5 years",
    "Diabetes mellitus requiring insulin",
    "Other malignancy",
    "Hypertension unless controlled by medication",
])
def test_a_disease_in_some_form_or_time_only_is_not_read_as_excluded(text):
    assert excluded(("exclusion", text)) == []


def test_two_disease_names_side_by_side_name_a_narrower_condition_and_are_not_read_as_excluded():
    assert excluded(("exclusion", "Evidence of AIDS dementia."), ("exclusion", "HIV encephalopathy")) == []
    assert excluded(("exclusion", "HIV or dementia")) == [
        "human immunodeficiency virus infectious disease @0", "dementia @0"]


def test_a_broad_term_introducing_kinds_of_it_is_not_excluded_but_one_listed_beside_them_is():
    """ "Known infection with HIV, hepatitis B, or hepatitis C" excludes these infections, not every infection."""
    assert excluded(("exclusion", "Known infection with HIV, hepatitis B, or hepatitis C")) == [
        "human immunodeficiency virus infectious disease @0", "hepatitis B @0", "hepatitis C @0"]
    assert excluded(("exclusion", "History of heart disease or coronary artery disease")) == [
        "heart disease @0", "coronary artery disease @0"]


def test_generic_terms_and_terms_the_trials_own_disease_lies_in_are_never_excluded():
    assert excluded(("exclusion", "Prior malignancy"), ("exclusion", "History of lung cancer"),
                    conditions=("Non-small Cell Lung Cancer",)) == []


def test_the_items_after_a_criterion_introducing_allowed_exceptions_are_not_excluded():
    assert excluded(("exclusion", "No other malignancy except the following:"), ("exclusion", "Multiple myeloma"),
                    ("exclusion", "Asthma")) == []


@pytest.mark.parametrize("opening", [
    "No other cancer, except the FOLLOWING",
    "No other malignancy unless it is one of the following  --",
    "Prior malignancies are excluded except:",
])
def test_an_exceptions_opening_ending_in_capitals_or_without_a_colon_still_opens_the_exceptions(opening):
    assert excluded(("exclusion", opening), ("exclusion", "Multiple myeloma")) == []


def test_a_trial_accepting_healthy_volunteers_excludes_no_disease_its_criteria_may_hold_for_one_group_only():
    study = {"protocolSection": {"conditionsModule": {"conditions": ["Asthma"]},
                                 "eligibilityModule": {"healthyVolunteers": True}}}
    text = "No history of diabetes mellitus"
    assert trial_diseases(study, [Criterion(section="inclusion", text=text, span=(0, len(text)))]).excluded == []


@pytest.mark.parametrize(("nct_id", "kind", "family"), [
    ("NCT00005803", "chronic lymphocytic leukemia/small lymphocytic lymphoma", "non-Hodgkin lymphoma"),
    ("NCT00004922", "neuroendocrine carcinoma", "neuroendocrine tumor"),  # the family in the title
    ("NCT00462605", "chronic myelomonocytic leukemia", "myelodysplastic/myeloproliferative neoplasm"),
])
def test_a_family_listed_beside_a_kind_of_it_is_kept_apart_as_a_family(nct_id, kind, family):
    found = facts(nct_id)
    assert kind in names(nct_id) and family not in names(nct_id)
    assert family in [t.name for t in found.families]


def conditions(*listed: str) -> DiseaseFacts:
    return trial_diseases({"protocolSection": {"conditionsModule": {"conditions": list(listed)}}}, [])


def test_a_specific_family_beside_its_kind_is_a_family_and_a_generic_term_is_none():
    found = conditions("Breast Cancer", "Triple Negative Breast Cancer")
    assert ([t.name for t in found.terms], [(t.name, t.source) for t in found.families]) == (
        ["triple-negative breast cancer"], [("breast cancer", "condition")])
    assert conditions("Neoplasms", "Kidney Neoplasms").families == []


def test_a_family_listed_beside_the_kind_the_title_names_is_no_family():
    study = {"protocolSection": {"identificationModule": {"briefTitle": "A Drug in Patients With Osteosarcoma"},
                                 "conditionsModule": {"conditions": ["Sarcoma"]}}}
    found = trial_diseases(study, [])
    assert ([t.name for t in found.terms], found.families) == (["osteosarcoma"], [])


def test_the_cancers_keywords_list_for_a_basket_naming_no_specific_one_are_kept_apart_and_do_not_decide():
    # NCT00499291: condition "Cancer", title "... Patients With Advanced or Refractory Solid Tumors", and about 80
    # keywords naming the kinds taken ("recurrent prostate cancer", "stage IV gastric cancer" ...)
    found = facts("NCT00499291")
    listed = {t.name: t.source for t in found.listed}
    assert (names("NCT00499291"), found.basket) == (["solid tumour"], True)
    assert (listed.get("prostate cancer"), listed.get("stomach cancer"), len(listed) > 20) == (
        "keyword", "keyword", True)


def test_keywords_list_no_cancer_for_a_trial_whose_registry_names_a_specific_one():
    # NCT00004180: title "Rosiglitazone in Treating Patients With Liposarcoma", keyword "adult liposarcoma"
    assert (names("NCT00004180"), facts("NCT00004180").listed) == (["liposarcoma"], [])


def test_a_basket_keeps_no_listed_cancer_outside_it():
    study = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000001", "briefTitle": "Drug X in Patients With Solid Tumors"},
        "conditionsModule": {"conditions": ["Solid Tumor"], "keywords": ["breast cancer", "acute myeloid leukemia"]}}}
    assert [t.name for t in trial_diseases(study, []).listed] == ["breast cancer"]


def test_a_lab_criterion_whose_first_word_names_no_disease_is_not_read_before_its_labs():
    """`_openings_may_name` lets `_excluded` skip mapping the text after each "or" of a lab criterion: over the lab
    criteria of 800 corpus texts, wherever it says no, no opening `_before_a_lab` gives names a disease alone, and it
    says no to most of them."""
    import random

    from nlp.extract import extract_texts
    from nlp.trial_diseases import _before_a_lab, _named_only, _openings_may_name

    lines = (CTGOV.parent / "corpus" / "eligibility-texts.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in random.Random(5).sample(lines, 800)]
    criteria = [c for record in extract_texts((row["criteria"], row.get("nct_id")) for row in rows)
                for c in record.criteria if "lab" in c.kinds]
    refused = [c for c in criteria if not _openings_may_name(c.text, c.section)]
    assert len(refused) > len(criteria) / 2 > 100
    assert not [c.text for c in refused
                if any(_named_only(opening, c.section) for opening in _before_a_lab(c.text, c.section))]
    assert any(_named_only(opening, c.section) for c in criteria for opening in _before_a_lab(c.text, c.section))


@pytest.mark.parametrize(("title", "conditions", "taken"), [
    ("Drug X in Children With Relapsed Solid Or Primary CNS Tumors", ["Solid Tumors", "CNS Tumors"],
     {"solid tumour", "central nervous system cancer"}),
    ("Drug X in Treating Patients With Solid Tumors or Lymphoma", ["Lung Cancer", "Lymphoma"],
     {"solid tumour", "lung cancer", "lymphoma"}),
    ("Drug X in Treating Patients With Lymphoma or Solid Tumours", ["Lymphoma", "Solid Tumors"],
     {"solid tumour", "lymphoma"}),
])
def test_a_title_offering_a_generic_kind_beside_a_specific_one_makes_a_basket(title, conditions, taken):
    found = study(title, conditions)
    assert found.basket is True and {t.name for t in found.terms} == taken


def test_a_generic_kind_only_the_registry_lists_does_not_join_the_basket_the_title_offers():
    # PDQ records list "Unspecified Adult Solid Tumor, Protocol Specific" for trials the title keeps to blood cancers
    found = study("Donor Stem Cell Transplant in Treating Patients With Aplastic Anemia or Hematologic Cancer",
                  ["Leukemia", "Lymphoma", "Unspecified Adult Solid Tumor, Protocol Specific"])
    assert found.basket is True and "solid tumour" not in {t.name for t in found.terms}
    assert "hematologic cancer" in {t.name for t in found.terms}


def test_a_title_naming_a_kind_beside_no_generic_one_stays_no_basket():
    found = study("Drug X for Locally Advanced Or Metastatic Breast Cancer", ["Breast Cancer"])
    assert (found.basket, [t.name for t in found.terms]) == (False, ["breast cancer"])


def test_entrectinib_for_solid_or_primary_cns_tumours_is_a_basket():
    # STARTRK-NG: conditions "Solid Tumors; CNS Tumors", title "... Metastatic Solid Or Primary CNS Tumors": the most
    # specific rule had kept only the CNS tumour, turning away every patient with another solid tumour
    assert facts("NCT02650401").basket is True and "solid tumour" in names("NCT02650401")
