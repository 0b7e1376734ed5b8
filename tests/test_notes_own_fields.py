"""Fields of real-shaped notes (the classes bench/notes_own.jsonl found parse-note missing), written apart."""

from __future__ import annotations

import pytest

from nlp.notes import read_note


@pytest.mark.parametrize(("note", "age", "sex"), [
    ("Leukemia service\n62F with newly diagnosed acute myeloid leukemia.", 62.0, "female"),
    ("Rheumatology return visit\n45F with seropositive rheumatoid arthritis.", 45.0, "female"),
    ("SURGICAL PATHOLOGY REPORT\nPatient: 49 F\nSpecimen: right breast core biopsy", 49.0, "female"),
    ("GI clinic\nPt: 71 M\nReason for visit: Crohn disease follow-up.", 71.0, "male")])
def test_an_age_and_sex_opening_a_line_below_a_header_are_the_patients(note, age, sex):
    profile = read_note(note).profile
    assert (profile.get("age"), profile.get("sex")) == (age, sex)


def test_a_count_opening_a_line_is_no_age():
    profile = read_note("Lab summary\n3 M units of heparin given; 52-year-old woman with lupus.").profile
    assert profile["age"] == 52.0


@pytest.mark.parametrize(("note", "status"), [
    ("67 yo M with stage IV lung adenocarcinoma. Brain MRI negative for metastases. ECOG 1.", "none"),
    ("61 y/o M with metastatic renal cell carcinoma. MRI brain: no metastases.", "none"),
    ("52 yo F with metastatic breast cancer. MRI brain 11/2025: new 1.2 cm right cerebellar metastasis, untreated, "
     "asymptomatic.", "active"),
    ("62 yo woman, metastatic melanoma, lung and brain involvement. Brain mets treated with SRS 05/2025; MRI 10/2025 "
     "shows stable treated brain metastases, no new lesions.", "stable")])
def test_the_cns_status_is_the_one_a_brain_imaging_result_or_a_later_mention_states(note, status):
    assert read_note(note).profile.get("cns_metastases") == status


def test_a_metastasis_outside_brain_imaging_is_no_cns_fact():
    reading = read_note("64 yo M with pancreatic adenocarcinoma. CT chest/abdomen/pelvis: no evidence of metastatic "
                        "disease. Liver MRI: no metastases.")
    assert "cns_metastases" not in reading.profile


def test_a_clinic_named_after_a_disease_is_no_condition_of_the_patients():
    note = ("Movement Disorders Clinic\n71-year-old man with idiopathic Parkinson's disease, Hoehn and Yahr stage 2.\n"
            "PMH: BPH, depression.")
    conditions = read_note(note).profile["conditions"]
    assert conditions[0] == "Parkinson's disease"
    assert not any("movement" in c for c in conditions)


def test_an_abbreviation_ending_a_hyphenated_drug_code_is_no_condition():
    note = ("52 yo F with HER2-positive metastatic breast cancer. Prior: trastuzumab emtansine (T-DM1), progression "
            "06/2025.")
    conditions = read_note(note).profile["conditions"]
    assert len(conditions) == 1 and "breast cancer" in conditions[0]


@pytest.mark.parametrize(("note", "entry"), [
    ("Somatic NGS: BRCA2 frameshift mutation (VAF 41%).", {"gene": "BRCA2", "alteration": "mutation"}),
    ("Tumor NGS: RET M918T mutation.", {"gene": "RET", "alteration": "mutation", "variant": "M918T"}),
    ("TP53 truncating mutation detected.", {"gene": "TP53", "alteration": "mutation"}),
    ("ATM not mutated.", {"gene": "ATM", "status": "negative", "alteration": "mutation"}),
    ("HER2 1+ (negative) by IHC.", {"gene": "ERBB2", "status": "negative"})])
def test_biomarker_results_of_molecular_reports_are_read(note, entry):
    assert entry in read_note(note).profile["biomarkers"]


def test_a_germline_negative_does_not_undo_the_tumours_positive_result():
    markers = read_note("Tumor NGS: RET M918T mutation. Germline RET negative.").profile["biomarkers"]
    assert markers == [{"gene": "RET", "alteration": "mutation", "variant": "M918T"}]


def test_a_germline_negative_alone_is_read():
    markers = read_note("Germline testing: negative for BRCA1, BRCA2, PALB2.").profile["biomarkers"]
    assert {(m["gene"], m.get("status")) for m in markers} == {(g, "negative") for g in ("BRCA1", "BRCA2", "PALB2")}


def test_a_plan_header_reaches_over_the_semicolons_of_its_plan():
    note = ("51 year old female with EGFR exon 19 deletion NSCLC. Progressed on osimertinib.\n"
            "Plan: SRS to brain lesions; then osimertinib + savolitinib on trial if eligible.")
    assert [t["name"] for t in read_note(note).profile["prior_therapies"]] == ["osimertinib"]


def test_a_therapy_a_report_says_the_patient_may_be_eligible_for_is_not_given():
    note = ("Colorectal adenocarcinoma, MSI-high.\nComment: MSI-H status supports eligibility for immune checkpoint "
            "inhibitor therapy.")
    assert "prior_therapies" not in read_note(note).profile


@pytest.mark.parametrize(("line", "wanted"), [
    ("PMH: COPD, GERD.", {"chronic obstructive pulmonary disease", "gastroesophageal reflux disease"}),
    ("PMH: HTN, CAD, GERD", {"hypertension", "coronary artery disease", "gastroesophageal reflux disease"})])
def test_a_history_list_of_abbreviations_in_capitals_is_read_item_by_item(line, wanted):
    conditions = read_note(f"57-year-old male with oropharyngeal cancer.\n{line}").profile["conditions"]
    assert wanted <= set(conditions)


def test_a_diagnosis_in_capitals_is_still_read():
    note = "SURGICAL PATHOLOGY REPORT\nFINAL DIAGNOSIS: INVASIVE DUCTAL CARCINOMA, GRADE 3."
    assert read_note(note).profile["conditions"][0] in ("invasive ductal carcinoma", "breast ductal carcinoma")


def test_a_patient_admitted_to_a_department_named_after_a_disease_keeps_it():
    note = ("The patient is a 60-year-old woman admitted to the stroke department with aspiration pneumonia. "
            "Stool samples were positive for Clostridium difficile toxin.")
    assert "stroke" in read_note(note).profile["conditions"]
