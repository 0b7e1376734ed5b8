"""Splitting eligibility text into inclusion / exclusion criteria, each with its span in the original text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.extract import extract_study, extract_text
from nlp.pipeline import get_nlp, make_doc_text
from nlp.sections import criterion_of, split_criteria

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MODEL_TRIAL = SHARED / "ctgov" / "ntrk" / "NCT04879121.json"


def criteria(text: str) -> list[tuple[str, str]]:
    return [(section, text[start:end]) for start, end, section in split_criteria(text)]


@pytest.fixture(scope="module")
def model_trial() -> dict:
    return json.loads(MODEL_TRIAL.read_text())


def test_markdown_bullets_become_one_criterion_each_under_their_header():
    text = "Inclusion Criteria:\n\n* Age >= 18\n* ECOG 0-1\n\nExclusion Criteria:\n\n* Pregnancy\n"
    assert criteria(text) == [("inclusion", "Age >= 18"), ("inclusion", "ECOG 0-1"), ("exclusion", "Pregnancy")]


@pytest.mark.parametrize(
    "header",
    ["Key Exclusion Criteria:", "-EXCLUSION CRITERIA:", "Exclusion criteria：", "EXCLUSION CRITERIA",
     "Main Exclusion Criteria:", "Part B Exclusion Criteria:", "Non-inclusion Criteria:", "Exclusion_Criteria",
     "Exclusion Criteria - for Phase I", "Laboratory Exclusion Criteria (at Screening)", "-  Exclusion Criteria:"],
)
def test_header_spellings_of_the_registry_open_their_section(header: str):
    text = f"Inclusion Criteria:\n- Adults\n{header}\n- Pregnancy"
    assert criteria(text)[-1] == ("exclusion", "Pregnancy")
    assert len(criteria(text)) == 2


def test_a_sentence_mentioning_inclusion_is_not_a_header():
    text = "Exclusion Criteria:\n- Inclusion of Women and Minorities in another study\n- Pregnancy"
    assert [section for section, _ in criteria(text)] == ["exclusion", "exclusion"]


def test_hard_wrapped_legacy_lines_join_into_one_criterion():
    text = (
        "        Inclusion Criteria:\n\n"
        "          -  Histologically confirmed adenocarcinoma of the lung that is metastatic or\n"
        "             unresectable and for which standard curative measures do not exist\n\n"
        "          -  Age 18 or older\n"
    )
    found = criteria(text)
    assert len(found) == 2
    assert found[0][1].endswith("measures do not exist")


def test_numbered_and_lettered_lists_split_into_criteria():
    text = "Inclusion Criteria:\n  1. Adults\n  2. ECOG 0-1\n     a) measurable disease\n     b) no prior therapy"
    assert [c for _, c in criteria(text)] == ["Adults", "ECOG 0-1", "measurable disease", "no prior therapy"]


def test_a_numbered_list_run_together_on_one_line_is_split_at_its_numbers():
    text = "INCLUSION CRITERIA 1. Age over 18 2. Male EXCLUSION CRITERIA 1. Pregnant 2. Nursing"
    assert criteria(text) == [
        ("inclusion", "Age over 18"), ("inclusion", "Male"), ("exclusion", "Pregnant"), ("exclusion", "Nursing"),
    ]


def test_text_before_any_header_is_inclusion_unless_it_reads_as_exclusion():
    assert criteria("Adults with asthma") == [("inclusion", "Adults with asthma")]
    assert criteria("Patients will be excluded if:\n- pregnant")[-1] == ("exclusion", "pregnant")


def test_a_header_with_a_parenthesis_over_two_lines_is_all_header():
    text = "Exclusion Criteria (Patients meeting any of the following are\nineligible for the trial):\n- Pregnancy"
    assert criteria(text) == [("exclusion", "Pregnancy")]


def test_criterion_spans_are_offsets_into_the_escaped_registry_text(model_trial: dict):
    facts = extract_study(model_trial)
    raw = model_trial["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    ecog = next(c for c in facts.criteria if c.text.startswith("Eastern Cooperative"))
    start, end = ecog.span
    assert raw[start:end].startswith("Eastern Cooperative Oncology Group (ECOG) score =< 3\\.")
    assert ecog.text.startswith("Eastern Cooperative Oncology Group (ECOG) score =< 3. If enrolled")


def test_model_trial_has_its_fourteen_inclusion_and_ten_exclusion_criteria(model_trial: dict):
    sections = [c.section for c in extract_study(model_trial).criteria]
    assert (sections.count("inclusion"), sections.count("exclusion")) == (14, 10)
    assert sections == sorted(sections, key=["inclusion", "exclusion"].index)


def test_nested_sub_bullets_are_criteria_of_their_own(model_trial: dict):
    texts = [c.text for c in extract_study(model_trial).criteria]
    assert "Myocardial infarction within 3 months of screening" in texts
    assert "Stroke within 3 months of screening" in texts


def test_criterion_of_maps_a_character_to_its_criterion():
    doc = get_nlp()(make_doc_text("Inclusion Criteria:\n* Age >= 18\nExclusion Criteria:\n* Pregnancy"))
    assert criterion_of(doc, doc.text.index("Pregnancy")) == 1
    assert criterion_of(doc, 0) is None


def test_every_criterion_of_the_real_corpus_lies_inside_its_text_in_order():
    lines = (SHARED / "corpus" / "eligibility-texts.jsonl").read_text().splitlines()[::4]
    for line in lines:
        text = json.loads(line)["criteria"]
        spans = [(start, end) for start, end, _ in split_criteria(make_doc_text(text))]
        assert all(0 <= s < e <= len(text) and text[s:e].strip() for s, e in spans)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_legacy_texts_with_an_exclusion_header_get_exclusion_criteria():
    rows = [json.loads(line) for line in (SHARED / "corpus" / "eligibility-texts.jsonl").read_text().splitlines()]
    with_header = [r["criteria"] for r in rows if "\n        Exclusion Criteria:" in r["criteria"]][:300]
    missing = [t for t in with_header if "exclusion" not in (s for _, _, s in split_criteria(make_doc_text(t)))]
    assert with_header and missing == []


def test_a_line_of_one_number_ends_the_wrapped_criterion_before_it():
    text = (
        "Inclusion Criteria:\n\n"
        "          -  Patients with an Eastern Cooperative Oncology Group (ECOG) performance score of 0 or\n"
        "             1.\n\n"
        "          -  Age 18 years or older\n"
    )
    assert criteria(text) == [
        ("inclusion", "Patients with an Eastern Cooperative Oncology Group (ECOG) performance score of 0 or\n"
                      "             1."),
        ("inclusion", "Age 18 years or older"),
    ]
    assert extract_text(text).performance_status.ecog_max == 1
