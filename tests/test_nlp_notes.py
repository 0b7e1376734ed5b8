"""Reading a patient note: every field with its span, negation, family and hypothetical context left out."""

from __future__ import annotations

import re

import pytest

from nlp.notes import NoteError, decode_note, read_note
from tests.conftest import SHARED

TOPICS_2021 = SHARED / "benchmarks" / "trec-ct" / "topics" / "topics2021.xml"


def trec_topic(number: int) -> str:
    text = TOPICS_2021.read_text(encoding="utf-8")
    return re.search(rf'<topic number="{number}">\s*(.*?)\s*</topic>', text, re.S).group(1)


def evidence(reading, field: str) -> str:
    return next(e.text for e in reading.evidence if e.field == field)


def test_every_field_carries_the_span_of_the_words_it_was_read_from():
    note = "Patient is a 45-year-old man with metastatic colorectal adenocarcinoma. ECOG 1."
    reading = read_note(note)
    assert all(note[e.span[0]:e.span[1]] == e.text for e in reading.evidence)
    assert [(e.field, e.text) for e in reading.evidence] == [
        ("age", "45-year-old"), ("sex", "man"), ("conditions[0]", "metastatic colorectal adenocarcinoma"),
        ("ecog", "ECOG 1")]


@pytest.mark.parametrize(("note", "age"), [
    ("A 45-year-old woman", 45.0), ("age 6 months, girl", 0.5), ("48 M with a h/o HTN", 48.0),
    ("58 yo F presents with cough", 58.0), ("The patient is 70 years old.", 70.0)])
def test_age_is_read_in_years_from_its_usual_forms(note, age):
    assert read_note(note).profile["age"] == age


def test_an_age_in_a_family_members_clause_is_not_the_patients():
    assert read_note("Girl with asthma; her mother, age 30, has lupus.").profile.get("age") is None


@pytest.mark.parametrize(("note", "sex"), [
    ("A 45-year-old woman", "female"), ("48 M with a h/o HTN", "male"), ("58 yo F presents", "female"),
    ("Seen today. She reports cough and her fever is gone.", "female"),
    ("He has hypertension; his mother had breast cancer.", "male")])
def test_sex_is_read_from_nouns_letters_and_pronouns(note, sex):
    assert read_note(note).profile["sex"] == sex


def test_the_biomarker_results_of_the_issue_are_read_positive_and_negative():
    note = ("EGFR exon 19 deletion. NTRK1 amplification (9 copies). KRAS wild-type. HER2-negative. "
            "ALK negative by FISH. PD-L1 TPS 60%. Hypertension.")
    markers = read_note(note).profile["biomarkers"]
    assert {"gene": "EGFR", "alteration": "mutation", "variant": "exon 19 deletion"} in markers
    assert {"gene": "NTRK1", "alteration": "amplification", "copies": 9.0} in markers
    assert {"gene": "KRAS", "status": "negative", "alteration": "mutation"} in markers
    assert {"gene": "ERBB2", "status": "negative"} in markers
    assert {"gene": "ALK", "status": "negative"} in markers
    assert {"gene": "CD274", "alteration": "expression"} in markers


def test_a_fusion_named_by_its_partners_is_the_drivers_fusion():
    markers = read_note("Lung adenocarcinoma with ETV6-NTRK3 fusion.").profile["biomarkers"]
    assert {"gene": "NTRK3", "alteration": "fusion", "variant": "ETV6-NTRK3"} in markers


def test_a_gene_stated_positive_and_negative_is_left_out_with_a_warning():
    reading = read_note("Breast cancer. ALK-positive. ALK negative by FISH.")
    assert "biomarkers" not in reading.profile and any("ALK" in w for w in reading.warnings)


def test_negated_family_and_hypothetical_diagnoses_are_not_the_patients():
    reading = read_note("No history of diabetes. Mother had breast cancer. Rule out pneumonia. Hypertension.")
    assert reading.profile["conditions"] == ["hypertension"]


def test_a_biomarker_of_a_relative_is_left_out():
    reading = read_note("Colon adenocarcinoma. BRCA2 mutation in her sister.")
    assert "biomarkers" not in reading.profile


def test_an_otherwise_healthy_patient_is_no_healthy_volunteer():
    assert "conditions" not in read_note("57-year-old man with abdominal pain. He is otherwise healthy.").profile
    assert read_note("A 30-year-old healthy volunteer.").profile["conditions"] == ["healthy volunteer"]


@pytest.mark.parametrize("note, conditions", [
    ("62-year-old man with type 2 diabetes. FBS: 180 mg/dl.", ["type 2 diabetes mellitus"]),
    ("Labs: FBS = 126. Known BPH.", ["benign prostatic hyperplasia"]),
    ("Child with ALL 3 yrs ago, now in remission.", ["history of acute lymphoblastic leukemia"]),
    ("BPH: on tamsulosin.", ["benign prostatic hyperplasia"]),
    ("Past medical history:\n1. BPH\n2. COPD",
     ["benign prostatic hyperplasia", "chronic obstructive pulmonary disease"]),
])
def test_an_abbreviation_followed_by_a_value_is_a_test_result_not_a_diagnosis(note, conditions):
    assert read_note(note).profile["conditions"] == conditions


def test_the_cancer_comes_first_with_its_stage_words():
    reading = read_note("Hypertension and asthma. Now with metastatic lung adenocarcinoma.")
    assert reading.profile["conditions"][0] == "metastatic lung adenocarcinoma"


def test_performance_status_is_the_value_the_note_states():
    profile = read_note("Glioma. ECOG 0-1. KPS 80%.").profile
    assert (profile["ecog"], profile["karnofsky"]) == (1, 80)


def test_prior_therapies_carry_the_outcome_their_clause_states():
    profile = read_note("Lung adenocarcinoma. She progressed on osimertinib; stopped larotrectinib for toxicity. "
                        "Never received crizotinib.").profile
    assert profile["prior_therapies"] == [{"name": "osimertinib", "outcome": "progression"},
                                          {"name": "larotrectinib", "outcome": "intolerance"}]


@pytest.mark.parametrize(("note", "status"), [
    ("Melanoma. Brain metastases treated with SRS, stable.", "stable"),
    ("Melanoma. No brain metastases.", "none"),
    ("Melanoma. New untreated brain metastases.", "active")])
def test_cns_metastases_are_none_stable_or_active(note, status):
    assert read_note(note).profile["cns_metastases"] == status


def test_cns_metastases_without_their_state_are_left_to_the_navigator():
    reading = read_note("Melanoma with brain metastases.")
    assert "cns_metastases" not in reading.profile and any("cns_metastases" in w for w in reading.warnings)


def test_a_real_trec_patient_reads_age_sex_and_the_tumour_first():
    reading = read_note(trec_topic(1))
    assert (reading.profile["age"], reading.profile["sex"]) == (45.0, "male")
    assert reading.profile["conditions"][0] == "anaplastic astrocytoma of the spine"  # with its site (nlp.sites)


@pytest.mark.parametrize("note", ["", "   \n\t", "The weather was fine and the train was on time."])
def test_an_empty_note_or_one_without_facts_is_one_clear_error(note):
    with pytest.raises(NoteError, match="^note: .*paste"):
        read_note(note)


def test_bytes_that_are_not_utf8_are_refused_naming_the_offset():
    with pytest.raises(NoteError, match=r"not UTF-8 text \(byte 0xe9 at offset 4\)"):
        decode_note("45 yo caf\u00e9".encode("latin-1")[:0] + b"45 y\xe9")


def test_a_note_of_a_megabyte_is_read_up_to_a_bound_with_a_warning():
    note = (trec_topic(1) + "\n") * (1_000_000 // (len(trec_topic(1)) + 1))
    reading = read_note(note)
    assert reading.profile["age"] == 45.0 and any("only the first 200,000" in w for w in reading.warnings)


def test_a_regimen_is_a_prior_therapy_by_its_name():
    profile = read_note("Metastatic colon adenocarcinoma, s/p 4 cycles of FOLFOX, then progressed on FOLFIRI. "
                        "DLBCL in 2010, treated with R-CHOP.").profile
    assert [t["name"] for t in profile["prior_therapies"]] == ["folfox", "folfiri", "r-chop"]
    assert profile["prior_therapies"][1]["outcome"] == "progression"


def test_a_contracted_negation_leaves_the_diagnosis_out():
    reading = read_note("Parkinson disease. He doesn't have any signs of dementia; he didn’t have a stroke.")
    assert reading.profile["conditions"] == ["Parkinson's disease"]


@pytest.mark.parametrize(("note", "conditions"), [
    ("Ultrasound showed several gallstones. History of hypercholesterolemia.",
     ["cholecystolithiasis", "history of hypercholesterolemia"]),
    ("Seen for lower urinary tract symptoms: frequency and weak stream.", ["lower urinary tract symptoms"]),
    ("COPD on home oxygen. Pulm HTN on sildenafil.",
     ["chronic obstructive pulmonary disease", "pulmonary hypertension"]),
])
def test_common_diagnoses_are_read_by_the_names_notes_use(note, conditions):
    assert read_note(note).profile["conditions"] == conditions


@pytest.mark.parametrize(("note", "conditions"), [
    ("Type 2 diabetes. History of hepatitis B.", ["type 2 diabetes mellitus", "history of hepatitis B"]),
    ("S/p appendectomy for appendicitis in 2015. Hypertension.", ["hypertension", "history of appendicitis"]),
    ("Childhood asthma. Now with COPD.", ["chronic obstructive pulmonary disease", "history of asthma"]),
    ("Hodgkin lymphoma 10 years ago, now in remission.", ["history of Hodgkin's lymphoma"]),
    ("History of asthma. Asthma exacerbation today.", ["asthma"]),
])
def test_a_condition_every_mention_of_which_is_past_reads_as_a_history(note, conditions):
    assert read_note(note).profile["conditions"] == conditions


def test_broad_therapy_classes_and_non_oncology_drugs_are_prior_therapies():
    profile = read_note("Astrocytoma s/p radiation and chemotherapy. On warfarin and insulin glargine.").profile
    assert [t["name"] for t in profile["prior_therapies"]] == ["radiotherapy", "chemotherapy", "warfarin", "insulin"]


@pytest.mark.parametrize("sentence", [
    "He is a candidate for corticosteroid therapy.",
    "Chemotherapy is planned.",
    "She is allergic to heparin.",
    "He has insulin resistance.",
    "No prior chemotherapy.",
])
def test_a_therapy_not_given_is_not_a_prior_therapy(sentence):
    profile = read_note(f"Asthma. {sentence}").profile
    assert "prior_therapies" not in profile


@pytest.mark.parametrize("sentence, current", [
    ("He is on warfarin for atrial fibrillation.", True),
    ("She currently uses an inhaled corticosteroid twice daily.", True),
    ("She was discharged on her home meds, prednisone taper and a proton pump inhibitor.", True),
    ("He was on warfarin in the past.", False),
    ("He is on surveillance after failing imatinib.", False),
    ("Previously treated with warfarin.", False),
])
def test_a_therapy_the_patient_takes_now_is_marked_current(sentence, current):
    therapy = read_note(f"Asthma. {sentence}").profile["prior_therapies"][0]
    assert therapy.get("current", False) is current


@pytest.mark.parametrize("sentence, name", [
    ("She is on anti-depressants.", "antidepressant"),
    ("He is on direct antiviral drugs.", "antiviral"),
    ("She is on stable doses of octreotide LAR.", "octreotide"),
])
def test_non_oncology_drugs_a_trial_may_exclude_are_read(sentence, name):
    assert read_note(f"Acromegaly. {sentence}").profile["prior_therapies"] == [{"name": name, "current": True}]


@pytest.mark.parametrize("sentence, names", [
    ("She is on velcade and dexamethasone.", ["bortezomib", "dexamethasone"]),
    ("Pain controlled; on XELODA since March.", ["capecitabine"]),
    ("He was treated with avastin and folfiri.", ["bevacizumab", "folfiri"]),
])
def test_a_drug_name_of_five_letters_or_more_is_read_in_any_case(sentence, names):
    profile = read_note(f"Metastatic colon cancer. {sentence}").profile
    assert [t["name"] for t in profile["prior_therapies"]] == names


def test_a_short_drug_name_is_read_only_as_the_vocabulary_spells_it():
    assert "prior_therapies" not in read_note("Chronic lymphocytic leukemia, fcr 2.1 on the panel.").profile
    assert read_note("Chronic lymphocytic leukemia, received 6 cycles of FCR.").profile["prior_therapies"] == [
        {"name": "fcr"}]


@pytest.mark.parametrize("sentence, name", [
    ("She was started on carbidopa-levodopa.", "levodopa"),
    ("He takes Sinemet three times daily.", "levodopa"),
    ("He received 6 cycles of FCR.", "fcr"),
    ("Lymphoma treated with R-CVP.", "r-cvp"),
    ("Treated with the VAD regimen.", "vad"),
    ("He received Campath.", "alemtuzumab"),
    ("High-dose melphalan and autologous transplant.", "melphalan"),
    ("He takes lactulose.", "lactulose"),
    ("She injects Copaxone daily.", "glatiramer"),
    ("Treated with somatropin as a child.", "somatropin"),
])
def test_common_drugs_and_regimens_of_clinic_notes_are_read(sentence, name):
    assert [t["name"] for t in read_note(f"Asthma. {sentence}").profile["prior_therapies"]] == [name]


@pytest.mark.parametrize("sentence, names", [
    ("He was maintained on Dilantin and phenobarbital.", ["phenytoin", "phenobarbital"]),
    ("The seizure required 20 mg valium to cease.", ["diazepam"]),
    ("He uses fluticasone 500 mcg/salmeterol 50 mcg twice daily.", ["fluticasone", "salmeterol"]),
    ("He takes Levodopa and Trihexyphenidyl.", ["levodopa", "trihexyphenidyl"]),
    ("Hepatitis C treated with IFN and RBV.", ["interferon", "ribavirin"]),
    ("She received cyclophosphamides and prednisone.", ["cyclophosphamide", "prednisone"]),
    ("Vasculitis treated with CYC.", ["cyclophosphamide"]),
])
def test_drugs_of_neurology_lung_and_liver_notes_are_read(sentence, names):
    assert [t["name"] for t in read_note(f"Asthma. {sentence}").profile["prior_therapies"]] == names


@pytest.mark.parametrize("sentence, name", [
    ("She is treating with GH since 6 months ago.", "somatropin"),
    ("He was treated with growth hormone as a child.", "somatropin"),
])
def test_growth_hormone_is_a_therapy_only_after_a_treatment_word(sentence, name):
    assert [t["name"] for t in read_note(f"Short stature. {sentence}").profile["prior_therapies"]] == [name]


@pytest.mark.parametrize("sentence", [
    "Random GH level is 4 ug/L.",
    "MRI showed a GH-secreting adenoma.",
    "Growth hormone deficiency was excluded.",
    "Interferon gamma release assay was positive.",
])
def test_a_hormone_or_a_test_named_like_a_drug_is_no_therapy(sentence):
    assert "prior_therapies" not in read_note(f"Acromegaly. {sentence}").profile


@pytest.mark.parametrize("sentence, name", [
    ("He was given a diagnosis of encephalopathy and started on lactulose.", "lactulose"),
    ("He doubled his oral corticosteroids in the past week.", "corticosteroid"),
    ("She is treating with GH since 6 months ago.", "somatropin"),
])
def test_a_drug_just_started_or_its_dose_raised_is_taken_now(sentence, name):
    therapies = read_note(f"Asthma. {sentence}").profile["prior_therapies"]
    assert therapies == [{"name": name, "current": True}]


@pytest.mark.parametrize(("note", "conditions"), [
    ("64-year-old woman with multiple myeloma, s/p allogeneic transplant with recurrent disease and with systemic "
     "amyloidosis, on hemodialysis for ESRD.", ["multiple myeloma", "amyloidosis", "end-stage renal disease"]),
    ("22-year-old woman with a 5 yr history of systemic mastocytosis, presenting with flushing.",
     ["systemic mastocytosis"]),
    ("A 10-year history of type 2 diabetes. Long-standing history of asthma.",
     ["type 2 diabetes mellitus", "asthma"]),
])
def test_a_history_cue_does_not_reach_a_condition_the_patient_has_now(note, conditions):
    # "s/p" speaks of the procedure it heads, not of what follows a comma or "with"; "a 5 yr history of" is a
    # condition the patient has had for five years, still
    assert read_note(note).profile["conditions"] == conditions


@pytest.mark.parametrize(("note", "conditions"), [
    ("Hypertension. Prior CVA. He recalls that he might have had a stroke 10-15 years ago.",
     ["hypertension", "history of stroke"]),  # a stroke he may have had is not a stroke he has
    ("Pancreatitis s/p ERCP. Hypertension.", ["hypertension", "history of pancreatitis"]),
    ("Colon cancer status post hemicolectomy for colon cancer in 2015. Hypertension.",
     ["hypertension", "history of colon cancer"]),
    ("History of hypertension, asthma and CAD. Presents with pneumonia.",
     ["pneumonia", "history of hypertension", "history of asthma", "history of coronary artery disease"]),
])
def test_a_history_cue_still_reaches_the_conditions_it_heads(note, conditions):
    assert read_note(note).profile["conditions"] == conditions
