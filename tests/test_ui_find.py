"""Find trials page: the patient form, uploads, results, exports and the page's error messages (AppTest)."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pandas as pd
import pytest

from core.settings import Settings
from ingest.store import RawStore
from ingest.sync import ingest_files
from search.elastic import ElasticBackend
from tests.ui_data import MODEL_TRIAL, NTRK_DIR, STUDIES_DIR, app_test, texts, use_built_data_dir, use_data_dir
from ui.results import results_csv, results_json
from workflows.indexing import index_pending

DIAGNOSIS = "metastatic colorectal adenocarcinoma"


@pytest.fixture
def data_dir(tmp_path_factory, monkeypatch) -> Path:
    return use_built_data_dir(tmp_path_factory, monkeypatch)


def fill(at, *, age=52, gene="NTRK1", alteration="amplification", copies=9, diagnosis=DIAGNOSIS, tested=None):
    if age is not None:
        at.number_input(key="pf_age").set_value(age)
    if diagnosis:
        at.multiselect(key="pf_conditions").set_value([diagnosis])
    if gene:
        at.selectbox(key="pf_gene_0").set_value(gene)
    if alteration:
        at.selectbox(key="pf_alteration_0").set_value(alteration)
    if copies is not None:
        at.number_input(key="pf_copies_0").set_value(copies)
    if tested:
        at.multiselect(key="pf_tested").set_value(tested)
    return at


def patient_markers(at) -> list[tuple[str, str, str]]:
    return [(b.gene, b.alteration, b.status) for b in at.session_state["find_request"]["patient"].biomarkers]


def submit(at):
    next(b for b in at.button if b.label == "Find trials").click()
    return at.run()


def card_ids(at) -> list[str]:
    """NCT ids of the result cards, in page order (each card shows its id as a gray badge)."""
    return [m.value.removeprefix(":gray-badge[").removesuffix("]") for m in at.markdown
            if m.value.startswith(":gray-badge[NCT")]


def test_ntrk1_amplified_patient_gets_the_model_trial_first(data_dir):
    at = submit(fill(app_test()))
    assert not at.exception
    assert card_ids(at)[0] == MODEL_TRIAL


def test_a_result_card_shows_verdict_counts_and_links(data_dir):
    at = submit(fill(app_test()))
    markdown = texts(at.markdown)
    assert any("Potentially eligible" in m for m in markdown)
    assert any(m.startswith(":violet-badge[") and " met · " in m for m in markdown)
    assert any(f"https://clinicaltrials.gov/study/{MODEL_TRIAL}" in m for m in markdown)
    assert any(link.proto.query_string == f"nct={MODEL_TRIAL}" for link in at.page_link)


def test_the_criteria_table_highlights_the_decisive_words(data_dir):
    at = submit(fill(app_test()))
    first_table = at.html[0].value
    assert "<mark" in first_table and "copies" in first_table


def test_results_take_under_a_second(data_dir):
    at = submit(fill(app_test()))
    caption = next(c for c in texts(at.caption) if " trials (" in c)
    assert float(caption.rsplit(" in ", 1)[1].removesuffix(" s")) < 1.0


def test_too_few_copies_show_the_model_trial_as_not_eligible_with_why_not(data_dir):
    at = submit(fill(app_test(), copies=5, tested=["NTRK"]))
    assert MODEL_TRIAL not in card_ids(at)
    at.toggle(key="find_include_ineligible").set_value(True).run()
    assert MODEL_TRIAL in card_ids(at)
    assert any(m.startswith("**Why not:**") and "7" in m for m in texts(at.markdown))


def test_an_empty_form_says_what_to_give(data_dir):
    at = submit(app_test())
    assert not at.exception
    assert any("at least one condition or one biomarker" in e for e in texts(at.error))


def test_an_unknown_gene_is_named_in_the_error(data_dir):
    at = submit(fill(app_test(state={"pf_gene_0": "NOTAGENE1"}), gene=None))  # typed, not offered
    assert any("Biomarker 1: gene" in e and "NOTAGENE1" in e for e in texts(at.error))


def test_a_gene_alias_is_accepted(data_dir):
    at = submit(fill(app_test(), gene="TRKA"))
    assert not at.error
    assert card_ids(at)[0] == MODEL_TRIAL


def test_no_matching_trial_gives_a_hint_not_an_empty_page(data_dir):
    at = fill(app_test(), gene=None, alteration=None, copies=None, diagnosis="zzyzx unobtainium syndrome")
    at.multiselect(key="pf_statuses").set_value(["WITHHELD"])
    at = submit(at)
    assert not at.exception
    assert any("No trial matches this patient" in i for i in texts(at.info))


def test_an_uploaded_patient_json_fills_the_form_and_searches(data_dir):
    at = app_test()
    patient = {"age": 52, "conditions": [DIAGNOSIS],
               "biomarkers": [{"gene": "NTRK1", "alteration": "amplification", "copies": 9}]}
    at.file_uploader[0].upload("patient.json", json.dumps(patient).encode(), "application/json")
    at.run()
    assert not at.exception
    assert at.selectbox(key="pf_gene_0").value == "NTRK1"
    assert at.number_input(key="pf_copies_0").value == 9
    assert card_ids(at)[0] == MODEL_TRIAL


def test_an_uploaded_partial_therapy_list_unchecks_the_whole_history_box_and_a_bad_flag_is_named(data_dir):
    at = app_test()
    patient = {"conditions": [DIAGNOSIS], "prior_therapies": [{"name": "FOLFOX"}], "prior_therapies_complete": False}
    at.file_uploader[0].upload("patient.json", json.dumps(patient).encode(), "application/json")
    at.run()
    assert at.checkbox(key="pf_therapies_complete").value is False
    at = app_test()
    bad = patient | {"prior_therapies_complete": "maybe"}
    at.file_uploader[0].upload("patient.json", json.dumps(bad).encode(), "application/json")
    at.run()
    assert any("prior_therapies_complete: input should be a valid boolean" in e for e in texts(at.error))


def test_an_uploaded_file_that_is_not_json_is_reported(data_dir):
    at = app_test()
    at.file_uploader[0].upload("patient.json", b"{not json", "application/json")
    at.run()
    assert any("is not valid JSON" in e for e in texts(at.error))


def test_the_form_keeps_its_values_after_visiting_another_page(data_dir):
    at = submit(fill(app_test()))
    at.switch_page("views/index.py").run()
    at.switch_page("views/find.py").run()
    assert at.selectbox(key="pf_gene_0").value == "NTRK1"
    assert card_ids(at)[0] == MODEL_TRIAL


def test_the_privacy_notice_is_on_the_page(data_dir):
    at = app_test()
    assert any("nothing is saved to disk, cached or logged" in c for c in texts(at.caption))


def test_patient_values_reach_neither_disk_nor_logs(data_dir, caplog):
    marker = "quokka-fibrosarcoma-8231"
    files = lambda: {p: p.stat().st_mtime_ns for p in data_dir.rglob("*") if p.is_file()}  # noqa: E731
    before = files()
    with caplog.at_level(logging.DEBUG):
        at = submit(fill(app_test(), diagnosis=marker))
    assert not at.exception and at.session_state["find_request"]["patient"].conditions == [marker]
    assert marker not in caplog.text
    assert files() == before


def test_an_empty_index_says_how_to_fill_it(tmp_path, monkeypatch):
    use_data_dir(monkeypatch, tmp_path)
    at = app_test()
    assert not at.exception
    assert any("The trial index is empty" in i for i in texts(at.info))


def test_an_unreachable_elasticsearch_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_ES_URL", "http://127.0.0.1:9")
    use_data_dir(monkeypatch, tmp_path, backend="elasticsearch")
    at = app_test()
    assert not at.exception
    assert any("The trial index cannot be used" in e and "elasticsearch" in e.lower() for e in texts(at.error))


def test_the_csv_and_json_exports_keep_the_rank_order(data_dir):
    at = submit(fill(app_test()))
    results = at.session_state["find_results"][False].results
    csv_lines = results_csv(results).decode().splitlines()
    assert csv_lines[0].startswith("rank,nct_id,title,status,verdict")
    assert csv_lines[1].startswith(f"1,{MODEL_TRIAL},")
    first = json.loads(results_json(results))["results"][0]
    assert (first["nct_id"], sorted(first)) == (
        MODEL_TRIAL, ["contacts", "criteria", "nct_id", "nearest_site", "score", "status", "title", "verdict"])


def test_the_csv_export_has_the_diagnosis_verdict(data_dir):
    at = submit(fill(app_test()))
    frame = pd.read_csv(io.BytesIO(results_csv(at.session_state["find_results"][False].results)))
    assert frame["diagnosis"][0].startswith("met: trial is for solid tumour")


@pytest.mark.elasticsearch
def test_on_elasticsearch_the_ntrk1_amplified_patient_also_gets_the_model_trial_first(es_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_ES_URL", es_url)
    monkeypatch.setenv("TRIALMATCH_ES_INDEX", "tm-ui-find-test")
    settings = Settings.load(data_dir=tmp_path, backend="elasticsearch")
    with RawStore(settings.store_path) as store:
        ingest_files(store, [NTRK_DIR, STUDIES_DIR])
    index_pending(settings)
    use_data_dir(monkeypatch, tmp_path, backend="elasticsearch")
    try:
        at = submit(fill(app_test()))
        assert not at.exception
        assert card_ids(at)[0] == MODEL_TRIAL
    finally:
        ElasticBackend(es_url, index="tm-ui-find-test").drop()


def test_a_second_biomarker_row_can_be_added_and_is_searched(data_dir):
    at = fill(app_test())
    next(b for b in at.button if b.label == "Add a biomarker row").click()
    at.run()
    at.selectbox(key="pf_gene_1").set_value("KRAS")
    at.selectbox(key="pf_alteration_1").set_value("mutation")
    at = submit(at)
    genes = [b.gene for b in at.session_state["find_request"]["patient"].biomarkers]
    assert genes == ["NTRK1", "KRAS"]
    # the KRAS row finds the trial of RAS/RAF/MEK/ERK mutations, which this patient meets too
    assert set(card_ids(at)[:2]) == {MODEL_TRIAL, "NCT06310382"}


def test_too_few_copies_leave_the_model_trial_open_when_ntrk2_and_ntrk3_were_not_tested(data_dir):
    at = submit(fill(app_test(), copies=5))
    assert MODEL_TRIAL in card_ids(at)


def test_genes_tested_expand_a_family(data_dir):
    at = submit(fill(app_test(), tested=["NTRK", "HER2"]))
    assert at.session_state["find_request"]["patient"].tested_genes == ["NTRK1", "NTRK2", "NTRK3", "ERBB2"]


@pytest.mark.parametrize(("gene", "expected"), [("ER", ("ESR1", "expression", "positive")),
                                                ("PD-L1", ("CD274", "expression", "positive")),
                                                ("HER2", ("ERBB2", "any", "positive")),
                                                ("ALK", ("ALK", "any", "positive"))])
def test_positive_without_an_alteration_is_expression_only_for_receptors(data_dir, gene, expected):
    at = submit(fill(app_test(), gene=gene, alteration=None, copies=None))
    assert not at.error
    assert patient_markers(at) == [expected]


def test_her2_positive_by_ihc_is_expression(data_dir):
    at = submit(fill(app_test(), gene="HER2", alteration="expression", copies=None))
    assert patient_markers(at) == [("ERBB2", "expression", "positive")]


def test_a_negative_result_is_read_as_such(data_dir):
    at = fill(app_test(), gene="ALK", alteration=None, copies=None)
    at.selectbox(key="pf_status_0").set_value("negative")
    at = submit(at)
    assert not at.error
    assert patient_markers(at) == [("ALK", "any", "negative")]


def test_a_gene_positive_and_negative_is_one_error_naming_the_row(data_dir):
    at = fill(app_test(), gene="HER2", alteration="amplification", copies=None)
    next(b for b in at.button if b.label == "Add a biomarker row").click()
    at.run()
    at.selectbox(key="pf_gene_1").set_value("ERBB2")
    at.selectbox(key="pf_status_1").set_value("negative")
    at = submit(at)
    assert any("Biomarker 2: result" in e and "ERBB2" in e and "biomarker 1" in e for e in texts(at.error))


def test_an_uploaded_negative_result_and_tested_genes_fill_the_form(data_dir):
    at = app_test()
    patient = {"conditions": [DIAGNOSIS], "tested_genes": ["NTRK", "ALK"],
               "biomarkers": [{"gene": "KRAS", "alteration": "wild-type"}]}
    at.file_uploader[0].upload("patient.json", json.dumps(patient).encode(), "application/json")
    at.run()
    assert not at.exception
    assert at.multiselect(key="pf_tested").value == ["NTRK1", "NTRK2", "NTRK3", "ALK"]
    assert (at.selectbox(key="pf_status_0").value, at.selectbox(key="pf_alteration_0").value) == (
        "negative", "mutation")


@pytest.mark.parametrize(("near", "found"), [("29.76, -95.37", True), ("77030", True), ("Houston, TX", True),
                                           ("Boston, MA", False)])
def test_a_location_keeps_only_trials_with_a_site_in_reach(data_dir, near, found):
    at = fill(app_test())
    at.text_input(key="pf_near").set_value(near)
    at.number_input(key="pf_radius").set_value(100.0)
    at = submit(at)
    assert not at.exception and not at.error
    assert (MODEL_TRIAL in card_ids(at)) is found


def test_a_card_shows_the_nearest_site_with_its_distance(data_dir):
    at = fill(app_test())
    at.text_input(key="pf_near").set_value("77030")
    at = submit(at)
    assert any(m.startswith(":material/location_on: **Nearest site:**") and "M D Anderson Cancer Center" in m
               and " km" in m for m in texts(at.markdown))


def test_a_card_shows_the_central_contact_of_its_record(data_dir):
    at = fill(app_test(), gene=None, alteration=None, copies=None, diagnosis="thymoma", age=60)
    at = submit(at)
    assert any(m.startswith(":material/call: **Contact:**") and "Anne S. Tsao" in m
               and "mailto:astsao@mdanderson.org" in m for m in texts(at.markdown))


def test_the_location_stays_open_after_a_search(data_dir):
    at = fill(app_test())
    at.text_input(key="pf_near").set_value("Houston, TX")
    at = submit(at)
    location = next(e for e in at.expander if e.label.startswith("Location"))
    assert location.proto.expanded
    assert any("Within 100 km of Houston, Texas, United States" in c for c in texts(at.caption))


def test_an_ambiguous_place_offers_its_candidates_and_searches_the_chosen_one(data_dir):
    at = fill(app_test())
    at.text_input(key="pf_near").set_value("Springfield")
    at = submit(at)
    assert not card_ids(at)
    assert "Springfield, Illinois, United States" in at.radio(key="find_place_choice").options
    at.radio(key="find_place_choice").set_value("Springfield, Illinois, United States")
    next(b for b in at.button if b.label == "Search near this place").click()
    at.run()
    assert not at.exception
    assert at.text_input(key="pf_near").value == "Springfield, Illinois, United States"
    assert any("Within 100 km of Springfield, Illinois, United States" in c for c in texts(at.caption))


def test_an_unknown_place_is_one_message_and_nothing_is_searched(data_dir):
    at = fill(app_test())
    at.text_input(key="pf_near").set_value("Atlantis under the sea")
    at = submit(at)
    assert any(e.startswith("Location: no place called 'Atlantis under the sea'") for e in texts(at.error))
    assert not card_ids(at)


def test_a_bad_form_names_every_problem_by_its_label(data_dir):
    at = submit(fill(app_test(state={"pf_gene_0": "NOTAGENE1"}), gene=None, age=300))
    (error,) = texts(at.error)
    assert "Age (years):" in error and "Biomarker 1: gene:" in error
    assert "biomarkers[" not in error and "age:" not in error


def test_an_uploaded_location_in_words_fills_the_form(data_dir):
    at = app_test()
    patient = {"conditions": [DIAGNOSIS], "biomarkers": [{"gene": "NTRK1", "alteration": "amplification",
                                                          "copies": 9}],
               "location": {"near": "77030", "radius_mi": 50}}
    at.file_uploader[0].upload("patient.json", json.dumps(patient).encode(), "application/json")
    at.run()
    assert not at.exception
    assert (at.text_input(key="pf_near").value, round(at.number_input(key="pf_radius").value)) == ("77030", 80)
    assert card_ids(at)[0] == MODEL_TRIAL


def test_an_uploaded_stage_and_disease_scale_fill_the_form_and_reach_the_search(data_dir):
    at = app_test()
    patient = {"conditions": [DIAGNOSIS], "stage": "3b", "stage_system": "ajcc", "recurrent": False,
               "disease_scales": {"nyha": 2}}
    at.file_uploader[0].upload("patient.json", json.dumps(patient).encode(), "application/json")
    at.run()
    assert not at.exception
    assert (at.selectbox(key="pf_stage").value, at.selectbox(key="pf_stage_system").value) == ("IIIB", "ajcc")
    assert at.selectbox(key="pf_recurrent").value is False
    assert at.number_input(key="pf_scale_nyha").value == 2
    searched = submit(at).session_state["find_request"]["patient"]
    assert (searched.stage, searched.stage_system, searched.recurrent, searched.disease_scales) == (
        "IIIB", "ajcc", False, {"nyha": 2})


def test_a_bad_disease_scale_value_is_named_by_its_label(data_dir):
    at = submit(fill(app_test(state={"pf_scale_nyha": 7})))
    (error,) = texts(at.error)
    assert "- NYHA class: expected a number from 1 to 4, got 7" in error and "disease_scales" not in error


def test_a_therapy_the_patient_takes_now_keeps_its_mark_through_the_form(data_dir):
    at = app_test()
    patient = {"conditions": [DIAGNOSIS], "prior_therapies": [{"name": "FOLFOX", "outcome": "progression"},
                                                              {"name": "warfarin", "current": True}]}
    at.file_uploader[0].upload("patient.json", json.dumps(patient).encode(), "application/json")
    at.run()
    assert (at.checkbox(key="pf_current_0").value, at.checkbox(key="pf_current_1").value) == (False, True)
    searched = submit(at).session_state["find_request"]["patient"]
    assert [(t.name, t.current) for t in searched.prior_therapies] == [("folfox", False), ("warfarin", True)]


def test_uploaded_procedures_fill_the_form_and_reach_the_search(data_dir):
    at = app_test()
    patient = {"conditions": [DIAGNOSIS], "procedures": ["renal transplant", "tonsillectomy"]}
    at.file_uploader[0].upload("patient.json", json.dumps(patient).encode(), "application/json")
    at.run()
    assert not at.exception
    assert at.multiselect(key="pf_procedures").value == ["renal transplant", "tonsillectomy"]
    searched = submit(at).session_state["find_request"]["patient"]
    assert searched.procedures == ["renal transplant", "tonsillectomy"]


def test_uploaded_planned_procedures_fill_the_form_and_reach_the_search(data_dir):
    at = app_test()
    patient = {"conditions": [DIAGNOSIS], "planned_procedures": ["radical hysterectomy"]}
    at.file_uploader[0].upload("patient.json", json.dumps(patient).encode(), "application/json")
    at.run()
    assert not at.exception
    assert at.multiselect(key="pf_planned_procedures").value == ["radical hysterectomy"]
    searched = submit(at).session_state["find_request"]["patient"]
    assert searched.planned_procedures == ["radical hysterectomy"]


def test_a_sentence_giving_several_verdicts_is_one_row_that_says_each_why(shared_dir):
    import json

    from nlp.extract import extract_study
    from search.documents import build_document
    from search.patient import parse_patient
    from search.verdicts import evaluate
    from ui.results import criteria_table_html

    study = json.loads((shared_dir / "ctgov" / "ntrk" / "NCT02568267.json").read_text())
    doc = build_document(study, extract_study(study))
    patient = parse_patient({"age": 52, "conditions": ["metastatic colorectal adenocarcinoma"], "ecog": 1,
                             "biomarkers": [{"gene": "NTRK1", "alteration": "amplification", "copies": 9}]})
    table = criteria_table_html(evaluate(doc, patient).criteria, doc)
    assert table.count("who have tumors that harbor those respective gene rearrangements") == 1
    assert all(f"prior {drug} inhibitor" in table for drug in ("trk", "ros1", "alk"))


def test_a_navigator_enters_conditions_the_patient_does_not_have_and_an_upload_fills_them(data_dir):
    at = fill(app_test())
    at.multiselect(key="pf_absent_conditions").set_value(["diabetes mellitus"])
    assert submit(at).session_state["find_request"]["patient"].absent_conditions == ["diabetes mellitus"]
    at = app_test()
    patient = {"conditions": [DIAGNOSIS], "absent_conditions": ["asthma"]}
    at.file_uploader[0].upload("patient.json", json.dumps(patient).encode(), "application/json")
    at.run()
    assert at.multiselect(key="pf_absent_conditions").value == ["asthma"]
