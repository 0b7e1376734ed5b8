"""The extraction benchmarks' pieces: the held-back fifth of dev2, the whole-corpus diff's counting and the speed
bench's accounts."""

from __future__ import annotations

from pathlib import Path

import srsly

from bench.eval_extraction import GOLD_DIR, held_back_ids
from bench.extraction_diff import _facts, compare
from bench.extraction_speed import component_seconds
from nlp.extract import eligibility_text, extract_text
from nlp.pipeline import get_nlp

DEV2 = list(srsly.read_jsonl(Path(GOLD_DIR) / "extraction_dev2.jsonl"))


def test_the_held_back_fifth_is_a_fixed_fifth_of_dev2_whatever_the_line_order():
    held = held_back_ids(DEV2)
    assert len(held) == round(len(DEV2) / 5)
    assert held == held_back_ids(list(reversed(DEV2)))
    assert held <= {row["nct_id"] for row in DEV2}


def test_the_diff_counts_a_changed_age_and_an_added_biomarker_by_kind():
    before_facts, before_texts = _facts(extract_text("Inclusion Criteria:\n- Age 18 to 65 years\n- ECOG 0-1"))
    after_facts, after_texts = _facts(
        extract_text("Inclusion Criteria:\n- Age 18 years or older\n- ECOG 0-1\n- BRAF V600E mutation")
    )
    before = {"k": {"key": "k", "facts": before_facts, "texts": before_texts}}
    after = {"k": {"key": "k", "facts": after_facts, "texts": after_texts}}
    changed, added, removed, examples = compare(before, after)
    assert changed == {"age.max_years": 1, "biomarkers": 1}
    assert (added["biomarkers"], removed["biomarkers"]) == (1, 0)
    assert examples["age.max_years"] == [("k", 65.0, None)]
    assert after_texts["age"] == ["Age 18 years or older"]


def test_the_speed_bench_counts_the_disease_reading_after_the_pipeline_components():
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT0", "briefTitle": "Drug X in Patients With Breast Cancer"},
            "conditionsModule": {"conditions": ["Breast Cancer"]},
            "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n* Histologically confirmed breast "
                                                         "cancer\n\nExclusion Criteria:\n* Known HIV infection"},
        }
    }
    spent = component_seconds([study], [eligibility_text(study)])
    assert list(spent) == ["tokenizer", *get_nlp().pipe_names, "trial_diseases"]
