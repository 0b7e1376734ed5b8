"""Highlighting protocol text and decisive words: hand-written cases and the model trial's criteria."""

from __future__ import annotations

import json
from pathlib import Path

from search.models import CriterionVerdict
from ui.decisive import pattern_marks, verdict_view
from ui.highlight import Mark, highlight, unescape

MODEL_TRIAL = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov" / "ntrk" / "NCT04879121.json"


def marked(html: str) -> list[str]:
    return [part.split(">", 1)[1] for part in html.split("</mark>")[:-1]]


def test_a_span_is_wrapped_in_a_mark_titled_by_its_label():
    assert highlight("ECOG 0-1", [Mark(0, 4, "performance_status")]) == (
        '<mark class="tm-performance_status" title="performance_status">ECOG</mark> 0-1'
    )


def test_registry_escapes_are_removed_without_shifting_the_spans():
    text = r"Bilirubin \< 2.5 x ULN"
    assert marked(highlight(text, [Mark(10, 16, "lab")])) == ["&lt; 2.5"]
    assert unescape(text) == "Bilirubin < 2.5 x ULN"


def test_every_markdown_escape_of_punctuation_is_removed_caret_and_ampersand_too():
    text = r"WBC at least 2,000/mm\^3 \& platelets \>= 100,000/mm\^3"
    assert unescape(text) == "WBC at least 2,000/mm^3 & platelets >= 100,000/mm^3"
    assert marked(highlight(text, [Mark(0, 24, "lab")])) == ["WBC at least 2,000/mm^3"]


def test_html_in_the_protocol_text_is_shown_not_run():
    html = highlight("<script>alert(1)</script> age", [Mark(26, 29, "age")])
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_overlapping_marks_merge_into_one():
    assert marked(highlight("NTRK1 fusion positive", [Mark(0, 12, "a"), Mark(6, 21, "b")])) == [
        "NTRK1 fusion positive"
    ]


def test_marks_outside_the_text_are_clipped_or_dropped():
    assert marked(highlight("age 18", [Mark(4, 99, "age"), Mark(50, 60, "x"), Mark(3, 3, "empty")])) == ["18"]


def test_ecog_and_karnofsky_limits_are_the_decisive_words_of_the_model_trial():
    study = json.loads(MODEL_TRIAL.read_text())
    text = study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    sentence = next(line for line in text.splitlines() if "ECOG" in line)
    words = [sentence[m.start : m.end] for m in pattern_marks("performance_status", sentence)]
    assert {"ECOG", "=< 3", "KPS", ">= 70 %"} <= set(words)


def test_a_verdict_without_a_trial_document_highlights_its_own_sentence():
    verdict = CriterionVerdict(kind="age", status="met", criterion="At least 16 years of age",
                               explanation="patient is 52", span=(0, 24))
    text, marks = verdict_view(verdict, None)
    assert text == "At least 16 years of age"
    assert [text[m.start : m.end] for m in marks] == ["At least 16 years of age"]


def test_a_disease_scale_limit_is_a_fact_row_and_its_words_are_marked(shared_dir):
    from nlp.extract import extract_study
    from ui.facts import fact_marks, fact_rows
    study = json.loads((shared_dir / "ctgov" / "api-v2" / "studies" / "NCT01407380.json").read_text())
    facts = extract_study(study)
    text = study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    rows = [r for r in fact_rows(facts) if r["kind"] == "disease scale"]
    assert [(r["value"], r["polarity"]) for r in rows] == [("NYHA class 3 to 4", "excluded")]
    assert rows[0]["criterion"].startswith("Uncontrolled congestive heart failure (New York Heart Association")
    marks = [m for m in fact_marks(facts, text) if m.label.startswith("disease_scale")]
    assert [text[m.start:m.end] for m in marks] == ["New York Heart Association Classification 3 or 4"]
    assert 'class="tm-disease_scale"' in highlight(text, marks)


def test_a_stage_limit_is_a_fact_row_and_its_words_are_marked(shared_dir):
    from nlp.extract import extract_study, extract_text
    from nlp.models import TrialCriteria
    from ui.facts import fact_marks, fact_rows
    study = json.loads((shared_dir / "ctgov" / "api-v2" / "studies" / "NCT00006046.json").read_text())
    facts = extract_study(study)
    rows = [r for r in fact_rows(facts) if r["kind"] == "cancer stage"]
    assert [(r["value"], r["polarity"], r["criterion"]) for r in rows] == [
        ("stage IV", "required", "Histologically proven stage IV colorectal carcinoma.")]
    text = study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    marks = [m for m in fact_marks(facts, text) if m.label.startswith("stage")]
    assert [text[m.start:m.end] for m in marks] == ["stage IV"]
    assert 'class="tm-stage"' in highlight(text, marks)
    alternative = extract_text("Inclusion Criteria:\n- Stage IIIB/IV or recurrent disease after surgery").stages
    assert [r["value"] for r in fact_rows(TrialCriteria(stages=alternative))] == [
        "stage IIIB to IV (or recurrent disease after surgery)"]


def test_a_lab_limit_for_hepatic_involvement_only_is_an_uncertain_fact_row(shared_dir):
    from nlp.extract import extract_study
    from ui.facts import fact_rows
    study = json.loads((shared_dir / "ctgov" / "api-v2" / "studies" / "NCT02227940.json").read_text())
    rows = [r for r in fact_rows(extract_study(study)) if r["kind"] == "lab (uncertain: only under a condition)"]
    assert [(r["value"], r["polarity"]) for r in rows] == [("ast <= 5 × ULN", "required"),
                                                           ("alt <= 5 × ULN", "required")]
    assert rows[0]["criterion"].startswith("Aspartate aminotransferase (AST)/serum glutamic")


def test_an_uncertain_fact_row_says_in_words_why_it_is_uncertain(shared_dir):
    from nlp.extract import extract_study
    from ui.facts import fact_rows
    study = json.loads((shared_dir / "ctgov" / "ntrk" / "NCT02637687.json").read_text())
    kinds = {r["kind"] for r in fact_rows(extract_study(study)) if "uncertain" in r["kind"]}
    assert "biomarker (uncertain: for one cohort, arm, part or phase only)" in kinds
    assert not any(k.endswith(("cohort)", "conditional)", "either)")) for k in kinds)
