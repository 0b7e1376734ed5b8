"""Lab thresholds and current-therapy rules that hold for part of the patients only: a cohort's, or under a
condition. They go to `uncertain` (matching reports them unknown) instead of standing as rules for everyone."""

from __future__ import annotations

import json

from nlp.extract import extract_text


def _lab(x) -> tuple:
    return x.analyte, x.comparator, x.value, x.uln_multiple


def rules_and_uncertain(text: str) -> tuple[list[tuple], list[tuple]]:
    facts = extract_text(text)
    uncertain = [(u.reason, *_lab(u.lab)) for u in facts.uncertain if u.kind == "lab" and u.lab is not None]
    return [_lab(x) for x in facts.labs], uncertain


def test_a_lab_under_a_cohort_header_holds_for_that_cohort_only():
    text = ("Inclusion Criteria:\n\n* Age 18 years or older\n* Hemoglobin >= 9 g/dL\n\nCohort A:\n\n"
            "* Platelets >= 100,000/mm^3\n\nExclusion Criteria:\n\n* Pregnancy")
    assert rules_and_uncertain(text) == ([("hemoglobin", ">=", 9.0, False)],
                                         [("cohort", "platelets", ">=", 100000.0, False)])


def test_a_lab_after_a_cohort_label_in_its_criterion_holds_for_that_cohort_only():
    text = ("Inclusion Criteria:\n\n* Cohort 2: absolute neutrophil count (ANC) >= 1,000/mm^3\n"
            "* Total bilirubin <= 1.5 x ULN\n\nExclusion Criteria:\n\n* Pregnancy")
    assert rules_and_uncertain(text) == ([("bilirubin", "<=", 1.5, True)], [("cohort", "anc", ">=", 1000.0, False)])


def test_the_liver_metastases_limit_in_brackets_is_uncertain_and_the_general_limit_a_rule():
    text = ("Inclusion Criteria:\n\n* AST/ALT <= 2.5 x ULN (<= 5 x ULN for patients with liver metastases)\n\n"
            "Exclusion Criteria:\n\n* Pregnancy")
    assert rules_and_uncertain(text) == (
        [("ast", "<=", 2.5, True), ("alt", "<=", 2.5, True)],
        [("conditional", "ast", "<=", 5.0, True), ("conditional", "alt", "<=", 5.0, True)],
    )


def test_a_bare_multiple_under_a_condition_borrows_the_comparator_of_the_general_limit():
    text = ("Exclusion Criteria:\n\n* Bilirubin > 1.5 times ULN (3 times ULN if liver metastases are present)\n\n"
            "Inclusion Criteria:\n\n* Age 18 years or older")
    assert rules_and_uncertain(text) == ([("bilirubin", "<=", 1.5, True)],
                                         [("conditional", "bilirubin", "<=", 3.0, True)])


def test_a_lab_a_condition_opens_is_uncertain():
    text = ("Inclusion Criteria:\n\n* Creatinine <= 1.5 mg/dL\n"
            "* For patients with hepatic involvement, alkaline phosphatase <= 5 x ULN\n\n"
            "Exclusion Criteria:\n\n* Pregnancy")
    assert rules_and_uncertain(text) == ([("creatinine", "<=", 1.5, False)],
                                         [("conditional", "alkaline_phosphatase", "<=", 5.0, True)])


def test_a_lab_every_phase_header_states_stays_a_rule_and_one_phase_alone_is_uncertain():
    text = ("Inclusion Criteria for Phase I:\n\n* ANC >= 1,500/mm^3\n* Hemoglobin >= 10 g/dL\n\n"
            "Inclusion Criteria for Phase II:\n\n* ANC >= 1,500/mm^3\n\nExclusion Criteria:\n\n* Pregnancy")
    assert rules_and_uncertain(text) == ([("anc", ">=", 1500.0, False), ("anc", ">=", 1500.0, False)],
                                         [("cohort", "hemoglobin", ">=", 10.0, False)])


def test_a_lab_without_subgroup_or_condition_is_a_rule():
    text = "Inclusion Criteria:\n\n* Platelets >= 100,000/mm^3, AST <= 2.5 x ULN\n\nExclusion Criteria:\n\n* Pregnancy"
    assert rules_and_uncertain(text) == ([("platelets", ">=", 100000.0, False), ("ast", "<=", 2.5, True)], [])


def _registry_criteria(shared_dir, nct_id: str) -> str:
    study = json.loads((shared_dir / "ctgov" / "api-v2" / "studies" / f"{nct_id}.json").read_text())
    return study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]


def test_a_real_record_allowing_higher_transaminases_for_hepatic_involvement(shared_dir):
    # "AST/SGOT and ALT/SGPT =< 3 x ULN; in patients with known hepatic involvement, AST and ALT =< 5 x ULN are
    # allowed"
    rules, uncertain = rules_and_uncertain(_registry_criteria(shared_dir, "NCT02227940"))
    assert {("ast", "<=", 3.0, True), ("alt", "<=", 3.0, True)} <= set(rules)
    assert not any(r[0] in ("ast", "alt") and r[2] == 5.0 for r in rules)
    assert {("conditional", "ast", "<=", 5.0, True), ("conditional", "alt", "<=", 5.0, True)} <= set(uncertain)


def test_a_real_record_whose_hepatic_limits_are_cohort_1s(shared_dir):
    # "Cohort 1: Adequate hepatic function: bilirubin <= ULN, ALT (SGPT) and AST (SGOT) <= 1.5 x ULN or Cohort 2: ..."
    rules, uncertain = rules_and_uncertain(_registry_criteria(shared_dir, "NCT00139620"))
    assert not {"bilirubin", "ast", "alt"} & {r[0] for r in rules}
    assert {("cohort", "bilirubin", "<=", 1.0, True), ("cohort", "ast", "<=", 1.5, True)} <= set(uncertain)
    assert ("creatinine", "<=", 1.5, True) in rules


def test_a_current_therapy_under_a_part_header_is_uncertain_not_dropped():
    text = ("Inclusion Criteria:\n\n* Age 18 years or older\n\nExclusion Criteria:\n\n* Concurrent warfarin\n\n"
            "Exclusion Criteria for Part B:\n\n* Concurrent use of corticosteroids\n")
    facts = extract_text(text)
    assert [t.drug_or_class for t in facts.current_therapies] == ["warfarin"]
    assert [(u.kind, u.reason, u.current_therapy.drug_or_class) for u in facts.uncertain
            if u.current_therapy is not None] == [("current_therapy", "cohort", "corticosteroid")]


def test_a_condition_after_a_second_limit_is_that_limits_not_the_next_analytes():
    text = ("Inclusion Criteria:\n\n* AST <= 2.5 x ULN or <= 5 x ULN in patients with liver metastases, and "
            "bilirubin <= 1.5 x ULN\n* Patients are eligible if ANC >= 1,500/mm^3\n\nExclusion Criteria:\n\n"
            "* Pregnancy")
    assert rules_and_uncertain(text) == (
        [("ast", "<=", 2.5, True), ("bilirubin", "<=", 1.5, True), ("anc", ">=", 1500.0, False)],
        [("conditional", "ast", "<=", 5.0, True)],
    )


def test_a_bracket_opened_by_a_condition_with_its_own_limit_leaves_the_limit_before_it_a_rule():
    text = ("Exclusion Criteria:\n\n* AST and/or ALT greater than 2.5 times the upper limit of normal (if related to "
            "liver metastases greater than five times the upper limit of normal)\n\nInclusion Criteria:\n\n"
            "* Age 18 years or older")
    assert rules_and_uncertain(text)[0] == [("ast", "<=", 2.5, True), ("alt", "<=", 2.5, True)]


def test_a_condition_that_runs_into_its_own_analyte_governs_the_limit_after_it():
    text = ("Exclusion Criteria:\n\n* Liver function abnormality as defined by AST/ALT > 2.5 x ULN, for subjects "
            "with liver involvement AST/ALT > 5 x ULN.\n\nInclusion Criteria:\n\n"
            "* Absolute neutrophil count (ANC) >= 1 x 10^9/L. For patients with malignant bone marrow infiltration, "
            "ANC >= 0.75 x 10^9/L.\n* Creatinine clearance >= 60 mL/min for patients with creatinine > ULN")
    rules, uncertain = rules_and_uncertain(text)
    assert rules == [("ast", "<=", 2.5, True), ("alt", "<=", 2.5, True), ("anc", ">=", 1.0, False)]
    assert {("conditional", "ast", "<=", 5.0, True), ("conditional", "alt", "<=", 5.0, True),
            ("conditional", "anc", ">=", 0.75, False), ("conditional", "creatinine_clearance", ">=", 60.0, False)
            } <= set(uncertain)
