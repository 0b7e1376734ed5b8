"""Find trials, "Paste a note": the note fills the form with its sources shown; bad notes leave the form as it was."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.test_nlp_notes import trec_topic
from tests.ui_data import app_test, use_built_data_dir

NOTE = ("52-year-old woman with metastatic colorectal adenocarcinoma. NGS: NTRK1 amplification (9 copies). "
        "ECOG 1. Brain metastases treated with SRS, stable.")


@pytest.fixture
def data_dir(tmp_path_factory, monkeypatch) -> Path:
    return use_built_data_dir(tmp_path_factory, monkeypatch)


def read(at, note: str):
    at.text_area(key="find_note_text").set_value(note)
    at.button(key="find_note_button").click()
    return at.run()


def test_a_pasted_note_fills_the_form_and_shows_each_field_with_its_source(data_dir):
    at = read(app_test("views/find.py"), NOTE)
    state = at.session_state
    assert (state["pf_age"], state["pf_sex"], state["pf_conditions"]) == (
        52.0, "female", ["metastatic colorectal adenocarcinoma"])
    assert (state["pf_gene_0"], state["pf_alteration_0"], state["pf_copies_0"], state["pf_ecog"],
            state["pf_cns"]) == ("NTRK1", "amplification", 9.0, 1, "stable")
    table = at.table[0].value
    assert list(table["from the note"])[:2] == ["52-year-old", "woman"]
    assert not at.exception and "find_request" not in state  # the navigator checks, then searches


def test_the_filled_form_searches_like_a_typed_one(data_dir):
    at = read(app_test("views/find.py"), NOTE)
    next(b for b in at.button if b.label == "Find trials").click()
    at.run()
    assert at.session_state["find_request"]["patient"].biomarkers[0].copies == 9.0


def test_a_real_trec_patient_note_fills_age_sex_and_diagnosis(data_dir):
    at = read(app_test("views/find.py"), trec_topic(1))
    assert (at.session_state["pf_age"], at.session_state["pf_sex"]) == (45.0, "male")
    assert at.session_state["pf_conditions"][0] == "anaplastic astrocytoma of the spine"


def test_a_note_of_symptoms_fills_the_search_words_and_searches_by_them(data_dir):
    at = read(app_test("views/find.py"), "A 66-year-old man presents with a peripheral lesion on CT; electromagnetic "
                                         "navigation bronchoscopy is planned to reach it.")
    assert (at.session_state["pf_conditions"], at.session_state["pf_age"]) == ([], 66.0)
    assert at.session_state["pf_search_text"].startswith("peripheral lesion electromagnetic navigation")
    assert any("own words" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Find trials").click()
    at.run()
    assert at.session_state["find_request"]["patient"].search_text.endswith("reach") and not at.exception


@pytest.mark.parametrize(("note", "says"), [("   ", "The note is empty: paste"),
                                            ("Lovely weather today.", "No patient facts found"),
                                            ("A 60-year-old man, ECOG 1.", "names no diagnosis or biomarker")])
def test_a_note_without_facts_is_one_message_and_the_form_is_untouched(data_dir, note, says):
    at = read(app_test("views/find.py", state={"pf_age": 33.0}), note)
    assert [e.value for e in at.error] == [e.value for e in at.error if says in e.value] and len(at.error) == 1
    assert "note:" not in at.error[0].value and "--patient" not in at.error[0].value  # no command-line words
    assert at.session_state["pf_age"] == 33 and not at.exception


CLINIC_NOTE = """Oncology clinic note
Ms. R is a 58 year old woman with metastatic pancreatic adenocarcinoma, liver metastases.
She received FOLFIRINOX for 6 months with progression on CT.
ECOG performance status 1. No known brain metastases.
NGS (FoundationOne CDx): ETV6-NTRK3 fusion detected; KRAS wild-type; TMB 4 mut/Mb; MSI stable.
Labs: creatinine 0.9, bilirubin 1.1.
Follow up in 2 weeks."""


def test_the_source_table_names_each_field_by_its_form_label_and_its_value_in_words(data_dir):
    at = read(app_test("views/find.py"), CLINIC_NOTE)
    table = at.table[0].value
    rows = dict(zip(table["from the note"], zip(table["field"], table["value"], strict=True), strict=True))
    assert rows["58 year old"] == ("Age (years)", "58")
    assert rows["metastatic pancreatic adenocarcinoma"] == ("Diagnosis", "metastatic pancreatic adenocarcinoma")
    assert rows["KRAS wild-type"] == ("Biomarker 3", "KRAS mutation, negative")
    assert rows["FOLFIRINOX"] == ("Prior therapy 1", "folfirinox, progression")
    shown = list(zip(table["field"], table["value"], strict=True))
    assert ("Biomarker 1", "NTRK3 fusion (ETV6-NTRK3)") in shown
    assert not any("{" in value or "[" in field for field, value in shown)


def test_the_note_never_reaches_the_log(data_dir, caplog):
    caplog.set_level(logging.DEBUG)
    read(app_test("views/find.py"), NOTE)
    assert "colorectal" not in caplog.text and "NTRK1 amplification" not in caplog.text


def test_a_notes_therapies_leave_the_whole_history_box_unchecked_and_the_search_keeps_the_list_partial(data_dir):
    at = app_test("views/find.py").run()
    assert at.checkbox(key="pf_therapies_complete").value is True  # typed input: a whole history by default
    at = read(at, NOTE + " Progressed on FOLFOX.")
    assert (at.session_state["pf_drug_0"], at.checkbox(key="pf_therapies_complete").value) == ("folfox", False)
    next(b for b in at.button if b.label == "Find trials").click()
    at.run()
    assert at.session_state["find_request"]["patient"].prior_therapies_complete is False


def test_a_notes_stage_and_disease_scale_fill_the_form_and_reach_the_search(data_dir):
    note = ("61-year-old man with stage IIIB lung adenocarcinoma. Heart failure, NYHA class II. "
            "Parkinson disease, Hoehn and Yahr stage 2.5.")
    at = read(app_test("views/find.py"), note)
    state = at.session_state
    assert (state["pf_stage"], state["pf_scale_nyha"], state["pf_scale_hoehn_yahr"]) == ("IIIB", 2, 2.5)
    next(b for b in at.button if b.label == "Find trials").click()
    searched = at.run().session_state["find_request"]["patient"]
    assert (searched.stage, searched.disease_scales) == ("IIIB", {"nyha": 2, "hoehn_yahr": 2.5})


def test_a_notes_procedures_fill_the_form_and_reach_the_search(data_dir):
    note = "64-year-old woman with multiple myeloma, s/p allogeneic transplant in 2015. Status post splenectomy."
    at = read(app_test("views/find.py"), note)
    assert at.session_state["pf_procedures"] == ["allogeneic stem cell transplant", "splenectomy"]
    next(b for b in at.button if b.label == "Find trials").click()
    searched = at.run().session_state["find_request"]["patient"]
    assert searched.procedures == ["allogeneic stem cell transplant", "splenectomy"]


def test_a_notes_planned_procedures_fill_the_form_apart_and_reach_the_search(data_dir):
    note = ("The patient is a 37-year-old woman who came to the clinic for a routine Pap smear. The test revealed "
            "stage 1B of cervical cancer. She was offered a radical hysterectomy.")
    at = read(app_test("views/find.py"), note)
    assert (at.session_state["pf_procedures"], at.session_state["pf_planned_procedures"]) == ([], ["hysterectomy"])
    next(b for b in at.button if b.label == "Find trials").click()
    searched = at.run().session_state["find_request"]["patient"]
    assert (searched.procedures, searched.planned_procedures) == ([], ["hysterectomy"])


def test_the_notes_words_are_coloured_by_kind_as_in_a_trials_text_with_a_legend(data_dir):
    at = read(app_test("views/find.py"), CLINIC_NOTE)
    note = at.html[0].value
    assert 'class="tm-biomarker" title="biomarker">ETV6-NTRK3 fusion detected</mark>' in note
    assert 'class="tm-diagnosis" title="diagnosis">metastatic pancreatic adenocarcinoma</mark>' in note
    assert 'class="tm-performance_status" title="performance_status">ECOG performance status 1</mark>' in note
    assert "Highlighted words:" in note and ">prior therapy</mark>" in note


ABSENT_NOTE = ("A 62-year-old man with metastatic colorectal adenocarcinoma. NGS: NTRK1 amplification (9 copies). "
               "He has no history of diabetes mellitus.")


def test_a_notes_absent_conditions_fill_their_own_field_with_their_source_and_reach_the_search(data_dir):
    at = read(app_test("views/find.py"), ABSENT_NOTE)
    assert at.multiselect(key="pf_absent_conditions").value == ["diabetes mellitus"]
    assert at.multiselect(key="pf_absent_conditions").label == "Conditions the patient does not have"
    table = at.table[0].value
    rows = dict(zip(table["from the note"], zip(table["field"], table["value"], strict=True), strict=True))
    assert rows["diabetes mellitus"] == ("Conditions the patient does not have", "diabetes mellitus")
    assert 'class="tm-absent_condition" title="absent_condition">diabetes mellitus</mark>' in at.html[0].value
    next(b for b in at.button if b.label == "Find trials").click()
    searched = at.run().session_state["find_request"]["patient"]
    assert searched.absent_conditions == ["diabetes mellitus"]


def test_a_corrected_absent_condition_is_what_the_search_uses(data_dir):
    at = read(app_test("views/find.py"), ABSENT_NOTE)
    at.multiselect(key="pf_absent_conditions").set_value(["asthma"])
    next(b for b in at.button if b.label == "Find trials").click()
    assert at.run().session_state["find_request"]["patient"].absent_conditions == ["asthma"]
