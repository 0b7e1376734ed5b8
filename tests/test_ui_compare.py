"""Compare page: choose trials by gene, condition, drug or NCT ids; table, CSV and charts (AppTest)."""

from __future__ import annotations

import json
import re

import pytest

from nlp.models import Biomarker, TrialCriteria
from search.models import IndexDocument
from tests.ui_data import MODEL_TRIAL, NTRK_TRIALS, app_test, texts, use_built_data_dir
from ui import resources
from ui.compare_table import Selection, compare_frame, parse_nct_list, selection_filter

COMPARE = "views/compare.py"


@pytest.fixture
def data_dir(tmp_path_factory, monkeypatch):
    return use_built_data_dir(tmp_path_factory, monkeypatch)


def compare(at, **choices):
    for key, value in choices.items():
        widget = at.text_area(key=f"cmp_{key}") if key == "ids" else at.multiselect(key=f"cmp_{key}")
        widget.set_value(value)
    next(b for b in at.button if b.label == "Compare").click()
    return at.run()


def test_ntrk_genes_list_the_nine_ntrk_trials(data_dir):
    at = compare(app_test(COMPARE), genes=["NTRK1", "NTRK2", "NTRK3"])
    assert not at.exception
    assert set(at.dataframe[0].value["nct_id"]) == NTRK_TRIALS


def test_the_gene_family_alias_ntrk_selects_the_same_trials(data_dir):
    at = compare(app_test(COMPARE), genes=["NTRK"])
    assert set(at.dataframe[0].value["nct_id"]) == NTRK_TRIALS


def test_the_model_trial_row_holds_its_rules(data_dir):
    at = compare(app_test(COMPARE), ids="NCT04879121")
    row = at.dataframe[0].value.set_index("nct_id").loc[MODEL_TRIAL]
    assert row["age window"] == "≥16 y"
    assert (row["ECOG max"], row["KPS min"]) == (3, 70)
    assert "NTRK1/NTRK2/NTRK3 amplification ≥7 copies" in row["required biomarkers"]


def test_an_nct_list_selects_exactly_those_trials(data_dir):
    at = compare(app_test(COMPARE), ids="NCT04879121, nct02576431\nNCT03215511")
    assert sorted(at.dataframe[0].value["nct_id"]) == ["NCT02576431", "NCT03215511", "NCT04879121"]


def test_words_that_are_not_nct_ids_are_reported_and_the_table_keeps_the_rest(data_dir):
    at = compare(app_test(COMPARE), ids="NCT04879121, larotrectinib, NCT0257643")
    assert not at.exception
    assert any("not NCT ids: larotrectinib, NCT0257643" in w for w in texts(at.warning))
    assert list(at.dataframe[0].value["nct_id"]) == ["NCT04879121"]


def test_statuses_and_phases_read_as_words(data_dir):
    at = compare(app_test(COMPARE), ids="NCT04879121")
    row = at.dataframe[0].value.iloc[0]
    assert (row["status"], row["phase"]) == ("Recruiting", "Phase 2")


def test_four_charts_and_a_csv_download_accompany_the_table(data_dir):
    at = compare(app_test(COMPARE), genes=["NTRK1", "NTRK2", "NTRK3"])
    assert len(at.get("vega_lite_chart")) == 4
    assert any(b.label == "Download CSV" for b in at.get("download_button"))


def test_a_drug_class_selects_the_trials_of_its_drugs(data_dir):
    at = compare(app_test(COMPARE), drugs=["trk inhibitor"])
    found = set(at.dataframe[0].value["nct_id"])
    assert found <= NTRK_TRIALS and {"NCT04879121", "NCT02576431", "NCT02568267"} <= found


def test_a_choice_no_trial_matches_gives_a_hint(data_dir):
    at = compare(app_test(COMPARE), ids="NCT00000000")
    assert any("No indexed trial matches this choice" in i for i in texts(at.info))


def test_nct_ids_are_found_in_free_text_and_leftovers_kept():
    assert parse_nct_list("nct04879121;NCT02576431 NCT04879121 foo") == (["NCT04879121", "NCT02576431"], ["foo"])


def test_gene_and_alteration_choices_hold_for_the_same_biomarker():
    chosen = selection_filter(Selection(genes=["NTRK1"], alterations=["fusion"], polarity="required"))
    assert chosen == {"operator": "AND", "conditions": [
        {"field": "biomarkers.gene", "operator": "in", "value": ["NTRK1"]},
        {"field": "biomarkers.alteration", "operator": "in", "value": ["fusion"]},
        {"field": "biomarkers.polarity", "operator": "in", "value": ["required"]},
    ]}


def test_alternative_genes_with_the_same_rule_share_one_phrase():
    markers = [Biomarker(gene=g, alteration="fusion", any_of="g1", criterion=0, span=(0, 4))
               for g in ("NTRK1", "NTRK3")]
    excluded = Biomarker(gene="EGFR", alteration="mutation", polarity="excluded", criterion=1, span=(5, 9))
    doc = IndexDocument(nct_id="NCT00000001", facts=TrialCriteria(biomarkers=[*markers, excluded]))
    row = compare_frame([doc]).iloc[0]
    assert (row["required biomarkers"], row["excluded biomarkers"]) == ("NTRK1/NTRK3 fusion", "EGFR mutation")


def test_gene_suggestions_hold_one_spelling_per_name():
    options = resources.gene_options()
    spellings = [re.sub(r"[^0-9A-Z]", "", o.upper()) for o in options]
    assert len(spellings) == len(set(spellings))
    assert {"NTRK1", "NTRK", "TRKA", "HER2"} <= set(options) and not {"TrkA", "Trk-A", "B-RAF"} & set(options)


def test_an_age_limit_under_a_year_reads_in_months(data_dir):
    at = compare(app_test(COMPARE), ids="NCT03215511, NCT02637687")
    windows = at.dataframe[0].value.set_index("nct_id")["age window"]
    assert (windows["NCT03215511"], windows["NCT02637687"]) == ("≥1 mo", "0–21 y")


def test_every_count_axis_counts_whole_trials(data_dir):
    at = compare(app_test(COMPARE), genes=["NTRK"])
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    counts = [axis for spec in specs for axis in spec["encoding"].values()
              if isinstance(axis, dict) and axis.get("title") == "trials"]
    assert len(counts) == 3 and all(axis["axis"]["tickMinStep"] == 1 for axis in counts)
