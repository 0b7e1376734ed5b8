"""Biomarker facts from criteria text: genes, alterations, variants, thresholds, groups and polarity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.eval_extraction import Counts, score_biomarkers
from nlp.extract import extract_study, extract_text
from nlp.models import Biomarker

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def facts(text: str) -> list[Biomarker]:
    return extract_text(text).biomarkers


def triples(text: str) -> set[tuple[str, str, str]]:
    return {(b.gene, b.alteration, b.polarity) for b in facts(text)}


def inclusion(*lines: str) -> str:
    return "Inclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines) + "Exclusion Criteria:\n- Pregnancy"


def exclusion(*lines: str) -> str:
    return "Inclusion Criteria:\n- Solid tumour\nExclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines)


def study(nct_id: str) -> dict:
    return json.loads((SHARED / "ctgov" / "ntrk" / f"{nct_id}.json").read_text())


def test_model_trial_gives_three_amplifications_with_seven_copies_in_one_group():
    found = extract_study(study("NCT04879121")).biomarkers
    assert {(b.gene, b.alteration, b.polarity, b.min_copies) for b in found} == {
        ("NTRK1", "amplification", "required", 7.0),
        ("NTRK2", "amplification", "required", 7.0),
        ("NTRK3", "amplification", "required", 7.0),
    }
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


def test_model_trial_fact_spans_point_at_the_genes_in_the_registry_text():
    record = study("NCT04879121")
    text = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    start, end = extract_study(record).biomarkers[0].span
    assert text[start:end] == "NTRK1, NTRK2, or NTRK3 gene amplification"


@pytest.mark.parametrize(
    "nct_id", ["NCT02122913", "NCT02576431", "NCT02637687", "NCT02568267", "NCT03093116", "NCT03215511"]
)
def test_ntrk_fusion_trials_require_fusions_never_amplification(nct_id):
    found = {(b.gene, b.alteration) for b in extract_study(study(nct_id)).biomarkers if b.polarity == "required"}
    assert {("NTRK1", "fusion"), ("NTRK2", "fusion"), ("NTRK3", "fusion")} <= found
    assert not any(alteration == "amplification" for _, alteration in found)


def test_gene_family_expands_to_its_members():
    assert triples(inclusion("Tumour with a documented NTRK gene fusion")) == {
        ("NTRK1", "fusion", "required"),
        ("NTRK2", "fusion", "required"),
        ("NTRK3", "fusion", "required"),
    }


@pytest.mark.parametrize(
    ("alias", "gene"),
    [("HER2/neu", "ERBB2"), ("PD-L1", "CD274"), ("TRKA", "NTRK1"), ("c-KIT", "KIT"), ("c-MET", "MET")],
)
def test_clinical_aliases_become_hgnc_symbols(alias, gene):
    assert {b.gene for b in facts(inclusion(f"{alias} amplification"))} == {gene}


def test_named_variant_implies_its_gene_and_a_mutation():
    found = facts(exclusion("Primary T790M mutation-positive patient"))
    assert [(b.gene, b.alteration, b.variant, b.polarity) for b in found] == [("EGFR", "mutation", "T790M", "excluded")]


def test_variant_next_to_its_gene_is_kept_on_the_fact():
    found = facts(inclusion("Confirmed KRAS G12C mutation"))
    assert [(b.gene, b.variant) for b in found] == [("KRAS", "G12C")]


def test_exon_19_deletion_is_a_mutation_not_a_deletion():
    assert triples(inclusion("EGFR exon 19 deletion")) == {("EGFR", "mutation", "required")}


def test_fusion_partners_both_become_fusion_facts():
    assert triples(inclusion("Philadelphia chromosome positive CML")) == {
        ("BCR", "fusion", "required"),
        ("ABL1", "fusion", "required"),
    }


def test_words_sharing_a_gene_symbol_are_not_genes():
    assert facts(inclusion("Acute lymphoblastic leukemia (ALL) in first relapse", "Criteria met at screening")) == []


def test_exclusion_criterion_excludes_the_marker():
    assert triples(exclusion("Known EGFR mutation or ALK rearrangement")) == {
        ("EGFR", "mutation", "excluded"),
        ("ALK", "fusion", "excluded"),
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("No known EGFR mutation", ("EGFR", "mutation", "excluded")),
        ("KRAS wild-type tumour", ("KRAS", "mutation", "excluded")),
        ("HER2-negative breast cancer", ("ERBB2", "any", "excluded")),
        ("Tumour without ALK rearrangement", ("ALK", "fusion", "excluded")),
        ("Absence of EGFR-sensitising mutation", ("EGFR", "mutation", "excluded")),
        ("ER-negative disease", ("ESR1", "expression", "excluded")),
    ],
)
def test_negated_inclusion_excludes_the_marker(line, expected):
    assert triples(inclusion(line)) == {expected}


def test_negation_carries_over_a_listed_alternative_past_a_parenthesis():
    line = "No sensitizing EGFR mutation (L858R or exon 19 deletions) or anaplastic lymphoma kinase (ALK) fusion"
    assert triples(inclusion(line)) == {("EGFR", "mutation", "excluded"), ("ALK", "fusion", "excluded")}


def test_negated_exclusion_requires_the_marker():
    assert triples(exclusion("Tumour without pathogenic POLE mutation")) == {("POLE", "mutation", "required")}


def test_not_eligible_in_an_inclusion_list_excludes():
    assert triples(inclusion("Patients with HER2-positive disease are not eligible")) == {("ERBB2", "any", "excluded")}


def test_pseudo_negation_does_not_negate():
    assert triples(inclusion("NSCLC with KRAS non-G12C mutations")) == {("KRAS", "mutation", "required")}


def test_what_does_not_exclude_a_patient_does_not_negate_the_marker_before_it():
    line = "Philadelphia chromosome-positive leukaemia, and a prior autologous transplant does not exclude"
    assert triples(inclusion(line)) == {("BCR", "fusion", "required"), ("ABL1", "fusion", "required")}


def test_an_exclusion_word_opening_a_run_in_item_does_not_negate_the_marker_before_it():
    text = (
        "DISEASE CHARACTERISTICS: Chronic myeloid leukaemia in first chronic phase Philadelphia chromosome-positive"
        " Marrow fibrosis less than grade 3 Ineligible for allogeneic transplantation"
    )
    assert triples(text) == {("BCR", "fusion", "required"), ("ABL1", "fusion", "required")}


def test_a_negation_does_not_reach_past_a_must_opening_the_next_run_in_item():
    text = (
        "DISEASE CHARACTERISTICS: Stage IV adenocarcinoma in remission with no other concurrent chemotherapy"
        " Must have documented HER-2 protein overexpression in the tumour"
    )
    assert triples(text) == {("ERBB2", "expression", "required")}


def test_listed_alternatives_share_one_any_of_group():
    found = facts(inclusion("Tumour with KRAS, NRAS or BRAF mutation"))
    assert {b.gene for b in found} == {"KRAS", "NRAS", "BRAF"}
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


def test_genes_required_together_share_no_group():
    found = facts(inclusion("ER and PR positive breast cancer"))
    assert {(b.gene, b.alteration) for b in found} == {("ESR1", "expression"), ("PGR", "expression")}
    assert {b.any_of for b in found} == {None}


def test_ihc_and_fish_results_refine_positive_status():
    assert triples(exclusion("HER2+ (3+ by IHC or FISH+) breast cancer")) == {
        ("ERBB2", "expression", "excluded"),
        ("ERBB2", "amplification", "excluded"),
    }


@pytest.mark.parametrize("method", ["FISH", "fluorescence in situ hybridization"])
def test_in_situ_positivity_of_a_fusion_driver_means_fusion(method):
    assert triples(inclusion(f"ALK-positive NSCLC by {method}")) == {("ALK", "fusion", "required")}


@pytest.mark.parametrize("line", ["ROS1-positive NSCLC by IHC", "ROS1 positive by immunohistochemistry"])
def test_ihc_positivity_of_a_fusion_driver_means_expression(line):
    assert triples(inclusion(line)) == {("ROS1", "expression", "required")}


@pytest.mark.parametrize("line", ["ALK positive by FISH or IHC", "NSCLC that is ALK-positive by IHC or by FISH"])
def test_fish_or_ihc_positivity_of_a_fusion_driver_is_fusion_or_expression(line):
    found = facts(inclusion(line))
    assert {(b.gene, b.alteration, b.polarity) for b in found} == {
        ("ALK", "fusion", "required"),
        ("ALK", "expression", "required"),
    }
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


def test_an_excluded_fish_or_ihc_positivity_excludes_both_kinds():
    assert triples(exclusion("Tumour positive for ROS1 by FISH or IHC")) == {
        ("ROS1", "fusion", "excluded"),
        ("ROS1", "expression", "excluded"),
    }


def test_positive_status_without_method_is_any():
    assert triples(inclusion("PD-L1 positive tumour")) == {("CD274", "any", "required")}


def test_triple_negative_style_list_excludes_each_receptor():
    assert triples(inclusion("ER, PR and HER2 negative breast cancer")) == {
        ("ESR1", "expression", "excluded"),
        ("PGR", "expression", "excluded"),
        ("ERBB2", "any", "excluded"),
    }


@pytest.mark.parametrize("line", ["Triple-negative breast cancer", "Metastatic TNBC"])
def test_triple_negative_excludes_the_three_receptors(line):
    assert triples(inclusion(line)) == {
        ("ESR1", "expression", "excluded"),
        ("PGR", "expression", "excluded"),
        ("ERBB2", "any", "excluded"),
    }


def test_receptor_profile_word_requires_hr_as_alternatives_and_excludes_her2():
    found = facts(inclusion("HR+/HER2- advanced breast cancer"))
    assert {(b.gene, b.alteration, b.polarity) for b in found} == {
        ("ESR1", "expression", "required"),
        ("PGR", "expression", "required"),
        ("ERBB2", "any", "excluded"),
    }
    assert len({b.any_of for b in found if b.gene in ("ESR1", "PGR")}) == 1


def test_signs_glued_to_symbols_give_each_gene_its_own_status():
    assert triples(inclusion("ER+ and/or PR+, HER2- breast cancer")) == {
        ("ESR1", "expression", "required"),
        ("PGR", "expression", "required"),
        ("ERBB2", "any", "excluded"),
    }


def test_status_right_after_a_gene_belongs_to_that_gene():
    assert triples(inclusion("Metastatic hormone receptor-positive HER2-negative breast cancer")) == {
        ("ESR1", "expression", "required"),
        ("PGR", "expression", "required"),
        ("ERBB2", "any", "excluded"),
    }


def test_status_after_a_gene_in_brackets_belongs_to_that_gene_not_the_next():
    assert triples(inclusion("Estrogen receptor (ER) negative and PD-L1 positive tumour")) == {
        ("ESR1", "expression", "excluded"),
        ("CD274", "any", "required"),
    }


def test_a_hyphen_glued_to_a_long_name_or_her2_neu_is_a_negative_status():
    assert triples(inclusion("Human epidermal growth factor receptor 2- (HER2/neu-) gastric cancer")) == {
        ("ERBB2", "any", "excluded"),
    }


def test_suspended_hyphen_is_not_a_negative_sign():
    assert facts(exclusion("Treatment with an EGFR- or HER2 inhibiting drug")) == []


def test_protein_change_not_in_the_vocabulary_is_a_mutation():
    found = facts(inclusion("BRAF K601E mutation"))
    assert [(b.gene, b.alteration, b.variant) for b in found] == [("BRAF", "mutation", "K601E")]


def test_method_with_threshold_is_expression():
    assert triples(inclusion("PD-L1 TPS ≥ 1%")) == {("CD274", "expression", "required")}


def test_negative_ihc_scores_are_not_positive_expression():
    line = "HER2 negative: HER2 IHC 0, 1+, or 2+ with negative FISH"
    assert triples(inclusion(line)) == {
        ("ERBB2", "any", "excluded"), ("ERBB2", "expression", "excluded"), ("ERBB2", "amplification", "excluded")
    }


def test_copy_number_threshold_sets_min_copies():
    found = facts(inclusion("MET amplification with gene copy number >= 6"))
    assert [(b.gene, b.alteration, b.min_copies) for b in found] == [("MET", "amplification", 6.0)]


@pytest.mark.parametrize(
    "line",
    [
        "Prior treatment with an EGFR inhibitor",
        "Prior anti-PD-L1 therapy",
        "Drugs that target either EGFR or IGFR",
        "Prior treatment with c-MET signaling inhibitor",
    ],
)
def test_genes_named_as_drug_targets_give_no_biomarker(line):
    assert facts(exclusion(line)) == []


@pytest.mark.parametrize(
    "line",
    [
        "Willing to provide tumour tissue for PD-L1 biomarker analysis",
        "Documentation of KRAS status must be performed prior to enrollment",
        "Known KRAS mutation status",
        "Priority will be given to subjects with HER2 positive solid tumour",
        "Tumour tissue available for evaluation of PD-L1 expression",
        "Estrogen receptor + and/or progesterone receptor + or unknown status",
    ],
)
def test_markers_only_tested_or_of_unknown_status_give_no_fact(line):
    assert facts(inclusion(line)) == []


def test_a_condition_on_unknown_status_keeps_the_requirement_stated_before_it():
    line = (
        "Solid tumour with a documented KRAS G12D mutation. If KRAS mutation status is unknown, archival tissue can"
        " be sent to the central laboratory."
    )
    assert triples(inclusion(line)) == {("KRAS", "mutation", "required")}
    assert facts(inclusion("Solid tumour with a documented KRAS G12D mutation, or KRAS status unknown")) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Germline BRCA1 or BRCA2 mutation; patients whose BRCA status is unknown will be screened for BRCA"
            " mutation before enrolment",
            {("BRCA1", "mutation", "required"), ("BRCA2", "mutation", "required")},
        ),
        (
            "Non-squamous NSCLC. Patients of unknown EGFR mutation status will require testing; patients whose"
            " tumour harbours an activating EGFR mutation will not be eligible",
            {("EGFR", "mutation", "excluded")},
        ),
    ],
)
def test_an_unknown_status_the_criterion_has_tested_keeps_the_requirement(line, expected):
    assert triples(inclusion(line)) == expected
    assert facts(inclusion("ER+ or ER status unknown (tissue will be tested centrally)")) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Evidence of CD20 antigen expression in the tumour tissue", {("MS4A1", "expression", "required")}),
        ("Tumour with MUC1 antigens positive by IHC", {("MUC1", "expression", "required")}),
    ],
)
def test_the_word_antigen_between_a_marker_and_its_status_says_nothing_of_either(line, expected):
    assert triples(inclusion(line)) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Solid tumours of types known to overexpress EGFR",
        "Advanced cancers that commonly overexpress HER2, such as gastric cancer",
    ],
)
def test_a_marker_a_tumour_type_is_known_to_express_is_no_requirement(line):
    assert facts(inclusion(line)) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("CD52 positive peripheral T-cell lymphoma", {("CD52", "expression", "required")}),
        ("CD123+ acute myeloid leukaemia", {("IL3RA", "expression", "required")}),
        ("Tumour NY-ESO-1 positive by immunohistochemistry", {("CTAG1B", "expression", "required")}),
        (
            "Lymphocytes that are CD5 and CD23 positive",
            {("CD5", "expression", "required"), ("FCER2", "expression", "required")},
        ),
        (
            "Breast cancer that is ER+ and/or PGR+",
            {("ESR1", "expression", "required"), ("PGR", "expression", "required")},
        ),
    ],
)
def test_cluster_of_differentiation_and_tumour_antigen_markers_are_genes(line, expected):
    assert triples(inclusion(line)) == expected
    assert facts(inclusion("No requirement for tumour expression of NY-ESO-1")) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Relapsed Hodgkin lymphoma. CD30 has to be positive", {("TNFRSF8", "expression", "required")}),
        ("Colorectal cancer; KRAS must be wild-type", {("KRAS", "mutation", "excluded")}),
        ("NSCLC in which EGFR is mutated", {("EGFR", "mutation", "required")}),
        ("Breast cancer whose HER2 status should be negative", {("ERBB2", "any", "excluded")}),
    ],
)
def test_a_status_said_of_a_marker_through_a_verb_is_its_status(line, expected):
    assert triples(inclusion(line)) == expected


@pytest.mark.parametrize(
    "line", ["Central confirmation of T790M+ mutation status", "Documented EGFR T790M-positive status"]
)
def test_a_named_variant_with_its_positive_sign_before_the_word_status_is_required(line):
    assert triples(inclusion(line)) == {("EGFR", "mutation", "required")}
    assert facts(inclusion("Central confirmation of T790M mutation status")) == []


@pytest.mark.parametrize(
    "line", ["EGFR exon 19 deletion or L858R mutation", "Activating EGFR mutation (exon 19 deletion and/or L858R)"]
)
def test_named_variants_of_one_gene_joined_by_or_are_alternatives(line):
    found = facts(inclusion(line))
    assert {(b.gene, b.variant) for b in found} >= {("EGFR", "exon 19 deletion"), ("EGFR", "L858R")}
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None
    both = facts(inclusion("EGFR T790M and L858R mutations"))
    assert {b.variant for b in both} == {"T790M", "L858R"} and all(b.any_of is None for b in both)


def test_with_or_without_applies_to_what_follows_only():
    line = "EGFR activating mutation (exon 19 deletion or L858R), with or without T790M mutation"
    assert triples(inclusion(line)) == {("EGFR", "mutation", "required")}


def test_either_positive_or_negative_gives_no_fact():
    assert facts(inclusion("Confirmed PD-L1-positive or -negative SCCHN")) == []


def test_stratified_mutant_and_wild_type_cohorts_cancel_out():
    assert facts(inclusion("Cohort 2 (16 patients: 8 KRAS wild-type and 8 KRAS mutant)")) == []


def test_exception_clause_gives_no_fact():
    assert facts(exclusion("Any malignancy other than an ALK-positive tumour")) == []


def test_dev_gold_biomarker_f1_meets_the_targets():
    loose, strict = Counts(), Counts()
    for line in (SHARED / "gold" / "extraction_dev.jsonl").read_text().splitlines():
        row = json.loads(line)
        found = extract_text(row["criteria"], nct_id=row["nct_id"])
        score_biomarkers(row["nct_id"], row["expected"]["biomarkers"], found, loose, strict)
    assert loose.f1()[2] >= 0.93, loose.errors
    assert strict.f1()[2] >= 0.88, strict.errors


# -- the whole-population rule: cohort-only, conditional and either/or facts are uncertain, not requirements ------


def uncertain(text: str) -> set[tuple[str, str, str, str]]:
    return {
        (u.reason, u.biomarker.gene, u.biomarker.alteration, u.biomarker.polarity)
        for u in extract_text(text).uncertain
        if u.biomarker
    }


def test_a_marker_under_a_cohort_label_is_uncertain_not_required():
    text = inclusion("Cohort A: any advanced solid tumour", "Cohort B: NSCLC with a KRAS G12C mutation")
    assert facts(text) == []
    assert uncertain(text) == {("cohort", "KRAS", "mutation", "required")}


def test_a_marker_every_cohort_label_states_stays_required():
    text = inclusion("Part 1: HER2-positive breast cancer", "Part 2: HER2-positive gastric cancer")
    assert triples(text) == {("ERBB2", "any", "required")}


def test_a_marker_required_only_for_patients_meeting_a_condition_is_uncertain():
    text = inclusion("Prior trastuzumab is required for patients who have HER2-overexpressing tumours")
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"conditional"}


def test_a_subject_naming_the_marker_before_what_it_must_do_is_a_condition():
    text = inclusion("Patients who are hormone-receptor positive must have failed hormonal therapy")
    assert facts(text) == []
    assert ("conditional", "ESR1", "expression", "required") in uncertain(text)


@pytest.mark.parametrize(
    "line",
    [
        "Measurable disease is required. Patients with lung cancer carrying an EGFR or ALK alteration must have "
        "progressed on a matching targeted agent",
        "HER2-positive patients, defined as IHC 3+ or FISH ratio of 2.0 or more, must have received trastuzumab",
        "Hormone receptor positive patients must also have progressed on endocrine therapy",
        "Patients with BCR-ABL positive leukaemia may be up to 70 years old",
    ],
)
def test_a_marker_naming_the_subject_of_its_sentence_before_what_it_must_do_is_a_condition(line):
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"conditional"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Measurable disease. Patients must have an EGFR-mutant tumour", {("EGFR", "mutation", "required")}),
        ("HER2-positive patients with measurable disease", {("ERBB2", "any", "required")}),
        ("Patients with HER2-positive disease may be eligible", set()),
    ],
)
def test_a_marker_the_sentence_asks_for_or_allows_is_no_condition(line, expected):
    assert triples(inclusion(line)) == expected
    assert uncertain(inclusion(line)) == set()


@pytest.mark.parametrize(
    "text",
    [
        inclusion("Oestrogen receptor positive tumours must have failed hormonal therapy", "Measurable disease"),
        "DISEASE CHARACTERISTICS: Metastatic breast cancer ER positive tumours must be refractory to tamoxifen"
        " Measurable disease",
    ],
)
def test_a_marker_naming_the_tumours_a_treatment_history_is_asked_of_is_a_condition(text):
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"conditional"}


@pytest.mark.parametrize(
    "line",
    [
        "HER2 positive tumours must be confirmed by FISH",
        "HER2 positive metastatic breast cancer patients must have progressed on trastuzumab",
    ],
)
def test_a_marker_naming_tumours_a_test_is_asked_of_or_the_enrolled_patients_stays_required(line):
    assert {(b.gene, b.polarity) for b in facts(inclusion(line))} == {("ERBB2", "required")}


def test_a_negation_far_after_the_marker_in_a_run_on_criterion_does_not_negate_it():
    line = (
        "Diagnosis of relapsed CD20+ diffuse large B-cell lymphoma Failed to achieve a complete response after at "
        "least 2 courses of standard chemotherapy OR relapsed after complete response and not eligible for transplant"
    )
    assert triples(inclusion(line)) == {("MS4A1", "expression", "required")}


def test_a_subject_naming_the_marker_that_is_not_eligible_still_excludes_it():
    line = "Patients with KRAS-mutant tumours are not eligible and should receive standard care"
    assert triples(inclusion(line)) == {("KRAS", "mutation", "excluded")}


@pytest.mark.parametrize(
    "line", ["ER positive or negative breast cancer", "Philadelphia chromosome-positive or -negative CML"]
)
def test_either_status_is_uncertain_not_excluded(line):
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"either"}


def test_one_item_of_a_list_of_alternatives_is_uncertain():
    text = (
        "Inclusion Criteria:\n- High-risk disease with one of the following:\n"
        "    - Tumour larger than 5 cm\n    - Oestrogen receptor negative\n    - Grade 3\n"
    )
    assert facts(text) == []
    assert uncertain(text) == {("either", "ESR1", "expression", "excluded")}


@pytest.mark.parametrize(
    "header", ["1 of the following", "at least 2 of the following", "two or more of the following"]
)
def test_a_list_asking_for_a_number_of_its_items_offers_them_as_alternatives(header):
    text = (
        f"Inclusion Criteria:\n- Relapse risk shown by {header}:\n"
        "    - Residual disease after induction\n    - Philadelphia chromosome positive\n    - Age over 60\n"
    )
    assert facts(text) == []
    assert {(reason, gene) for reason, gene, *_ in uncertain(text)} == {("either", "BCR"), ("either", "ABL1")}


def test_a_marker_qualifying_one_cancer_of_a_nested_list_of_cancers_is_uncertain():
    text = (
        "Inclusion Criteria:\n- Advanced solid tumour of a type listed here:\n"
        "    - Gastric adenocarcinoma\n    - Urothelial carcinoma\n    - HER2-negative breast cancer\n"
        "    - Pancreatic cancer\n- ECOG 0-1\n"
    )
    assert facts(text) == []
    assert uncertain(text) == {("either", "ERBB2", "any", "excluded")}


def test_a_nested_list_of_requirements_on_one_cancer_is_no_list_of_alternatives():
    text = (
        "Inclusion Criteria:\n- Disease:\n"
        "    - Histologically confirmed NSCLC\n    - Stage IV NSCLC\n    - EGFR-mutant NSCLC\n"
    )
    assert triples(text) == {("EGFR", "mutation", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "First remission with high-risk cytogenetics [t(9;22), t(4;11) or other MLL rearrangements] or more than "
        "one induction cycle needed to reach remission",
        "Lung cancer with a driver alteration (EGFR mutation or ALK rearrangement) or squamous cell histology",
    ],
)
def test_markers_in_brackets_glossing_a_feature_offered_beside_another_are_uncertain(line):
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"either"}


def test_markers_in_brackets_glossing_the_only_feature_stay_required():
    line = "Lung cancer with a driver alteration (EGFR mutation or ALK rearrangement)"
    assert triples(inclusion(line)) == {("EGFR", "mutation", "required"), ("ALK", "fusion", "required")}


def test_a_marker_every_alternative_states_stays_required():
    text = (
        "Inclusion Criteria:\n- One of the following:\n"
        "    - Stage IV NSCLC with an EGFR exon 19 deletion\n    - Recurrent NSCLC with an EGFR exon 19 deletion\n"
    )
    assert ("EGFR", "mutation", "required") in triples(text)


def test_a_marker_one_inclusion_criterion_requires_and_another_excludes_defines_cohorts():
    text = inclusion(
        "Stage IIA neuroblastoma without MYCN amplification", "Stage IV neuroblastoma with MYCN amplification"
    )
    assert facts(text) == []
    assert {(reason, gene) for reason, gene, *_ in uncertain(text)} == {("cohort", "MYCN")}


def test_markers_offered_as_alternatives_in_one_criterion_share_one_group():
    found = facts(inclusion("Documented ETV6 rearrangement (or NTRK3 rearrangement) by FISH"))
    assert {b.gene for b in found} == {"ETV6", "NTRK3"}
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


def test_scout_offers_an_etv6_rearrangement_instead_of_an_ntrk_fusion():
    found = [b for b in extract_study(study("NCT02637687")).biomarkers if b.polarity == "required"]
    groups = {b.any_of for b in found if b.gene in ("ETV6", "NTRK3")}
    assert len(groups) == 1 and None not in groups
    assert {b.gene for b in found if b.any_of in groups} >= {"ETV6", "NTRK1", "NTRK2", "NTRK3"}


# -- words around the genes: measurements, therapy context, coordinated lists, notation ---------------------------


def test_a_measured_share_of_positive_cells_is_no_requirement():
    assert facts(inclusion("Known percentage of Ki67-positive cells")) == []


def test_an_upper_bound_on_a_score_is_no_positive_status():
    assert facts(inclusion("NSCLC with a PD-L1 tumour proportion score < 50%")) == []


def test_a_gene_named_by_the_target_of_a_prior_therapy_is_no_biomarker():
    assert facts(inclusion("Must have had targeted therapy for abnormalities in ALK or EGFR")) == []


def test_genes_listed_after_two_alteration_words_take_both():
    assert triples(inclusion("Tumour with a mutation or fusion involving NTRK1, RET or ALK")) == {
        (gene, alteration, "required") for gene in ("NTRK1", "RET", "ALK") for alteration in ("mutation", "fusion")
    }


def test_genes_each_followed_by_the_word_gene_are_one_list():
    assert triples(inclusion("Absence of rearrangements in the ALK gene and ROS1 gene")) == {
        ("ALK", "fusion", "excluded"), ("ROS1", "fusion", "excluded")
    }


def test_a_gene_word_before_another_genes_alteration_keeps_the_genes_apart():
    assert triples(exclusion("Known sensitizing mutation in the EGFR gene or ALK fusion oncogene")) == {
        ("EGFR", "mutation", "excluded"), ("ALK", "fusion", "excluded")
    }


def test_a_long_gene_name_with_its_symbol_in_brackets_is_that_gene():
    assert triples(inclusion("Kirsten rat sarcoma viral oncogene homolog [KRAS] G12D mutation")) == {
        ("KRAS", "mutation", "required")
    }


def test_entities_left_in_registry_text_are_read_as_their_characters():
    found = facts(inclusion("HER2 copy number &gt; 6&#xD;"))
    assert [(b.gene, b.alteration, b.min_copies) for b in found] == [("ERBB2", "amplification", 6.0)]


def test_a_digit_in_a_gene_name_is_not_a_copy_number():
    assert [b.min_copies for b in facts(inclusion("HER2 copy number > 4"))] == [4.0]


def test_test_defined_alternatives_are_one_group_with_the_copy_number():
    found = facts(inclusion("HER2 3+ by IHC or amplified by FISH, > 6 copies"))
    assert {(b.alteration, b.min_copies) for b in found} == {("expression", None), ("amplification", 6.0)}
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


@pytest.mark.parametrize(("section", "polarity"), [(inclusion, "required"), (exclusion, "excluded")])
def test_cytogenetic_notation_is_the_fusion_it_names_with_the_criterions_polarity(section, polarity):
    assert triples(section("Presence of t(9;22) by cytogenetics")) == {
        ("BCR", "fusion", polarity), ("ABL1", "fusion", polarity)
    }


def test_er_negative_or_er_low_excludes_oestrogen_receptor_expression():
    assert triples(inclusion("ER-negative or ER-low breast cancer")) == {("ESR1", "expression", "excluded")}


def test_cyclin_d1_positive_is_ccnd1_expression():
    assert triples(inclusion("Mantle cell lymphoma, cyclin D1 positive")) == {("CCND1", "expression", "required")}


def test_plus_or_minus_is_either_status():
    text = inclusion("Hormone receptor status: ER +/-, PR +/-")
    assert facts(text) == []
    assert {(reason, gene) for reason, gene, *_ in uncertain(text)} == {("either", "ESR1"), ("either", "PGR")}


def test_a_benign_kind_of_variant_is_no_exclusion_of_the_gene():
    assert facts(exclusion("BRCA1 and/or BRCA2 mutations that are considered to be non-deleterious")) == []


def test_a_share_of_negative_metaphases_is_a_measurement():
    assert triples(inclusion("BCR-ABL rearrangement", "Less than 50% Ph-negative metaphases after 1 year")) == {
        ("BCR", "fusion", "required"), ("ABL1", "fusion", "required")
    }


def test_a_positive_status_with_its_threshold_in_cells_is_still_a_requirement():
    line = "Positive estrogen receptor (at least 10% positive nuclei by immunohistochemistry)"
    assert triples(inclusion(line)) == {("ESR1", "expression", "required")}


def test_mismatch_repair_proteins_named_as_the_test_of_dmmr_are_no_markers():
    line = "MSI-H or dMMR; dMMR status by IHC for MMR protein expression (MLH1, MSH2, MSH6, PMS2)"
    assert facts(inclusion(line)) == []


def test_a_method_offered_beside_a_scored_one_is_read_too():
    line = "HER2 overexpression 3+ by immunohistochemistry (IHC) or fluorescence in situ hybridization (FISH)"
    assert {b.alteration for b in facts(inclusion(line))} == {"expression", "amplification"}


def test_a_sub_bullet_allowing_amplification_by_fish_adds_the_amplification():
    text = "Inclusion Criteria:\n- Overexpression of HER-2 by IHC (3+)\n    - 0-2+ allowed if amplification by FISH\n"
    assert {b.alteration for b in facts(text)} == {"expression", "amplification"}


def test_saying_how_a_status_is_determined_keeps_the_status_required():
    line = "HER-2-overexpressing breast cancer. The HER-2 status can be determined by IHC (3+) or by FISH."
    assert ("ERBB2", "expression", "required") in triples(inclusion(line))


def test_a_marker_required_by_one_alternative_and_excluded_by_another_criterion_is_uncertain():
    text = (
        "Inclusion Criteria:\n- Standard risk ALL:\n    - BCR-ABL negative\n"
        "- High risk ALL with one of the following:\n    - BCR-ABL positive\n    - Hypodiploidy\n"
    )
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"cohort", "either"}


def test_a_definition_of_a_stated_negative_status_requires_nothing():
    line = "HER2/neu-negative breast carcinoma. HER2/neu will be considered negative if IHC of 0% or negative FISH."
    assert triples(inclusion(line)) == {
        ("ERBB2", "any", "excluded"), ("ERBB2", "expression", "excluded"), ("ERBB2", "amplification", "excluded")
    }


# -- over-extraction classes read in the whole corpus: what a criterion names without requiring it ----------------


def test_a_marker_required_only_where_the_criterion_says_it_applies_is_uncertain():
    text = inclusion("PD-L1 expression by IHC. This is a requirement only for the dose expansion part.")
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"conditional"}
    text = inclusion("Local testing with no ALK rearrangement (applicable to non-squamous patients only)")
    assert facts(text) == []


def test_a_criterion_opening_with_if_makes_its_marker_conditional():
    text = inclusion("If the histology is adenocarcinoma, the tumour must be EGFR wild-type")
    assert facts(text) == []
    assert uncertain(text) == {("conditional", "EGFR", "mutation", "excluded")}


def test_a_cohort_label_ending_in_a_dash_governs_the_criterion_and_its_profiles():
    text = inclusion("Part 2 - metastatic triple-negative breast cancer after one prior line")
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"cohort"}
    assert triples(inclusion("Metastatic triple-negative breast cancer after one prior line")) == {
        ("ESR1", "expression", "excluded"), ("PGR", "expression", "excluded"), ("ERBB2", "any", "excluded")
    }


def test_a_method_whose_result_is_said_not_to_suffice_gives_no_alternative():
    text = inclusion("ERBB2 amplification by FISH; overexpression by IHC alone will not be sufficient")
    assert triples(text) == {("ERBB2", "amplification", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "Family history of a BRCA2 mutation in a first-degree relative",
        "Enough archival tissue to evaluate for HER2 overexpression",
        "Central review including an assay for tumour p53 expression",
        "It is recommended that patients with HER2-positive disease receive trastuzumab beforehand",
    ],
)
def test_markers_of_relatives_tests_and_recommendations_are_no_requirement(line):
    assert facts(inclusion(line)) == []


def test_a_therapy_specific_for_a_mutated_gene_is_prior_therapy_not_a_marker():
    assert facts(exclusion("Prior targeted therapies specific for mutated BRAF or for MEK")) == []


def test_a_cohort_marker_its_own_criterion_also_gives_unknown_status_is_not_shared_by_the_cohorts():
    text = inclusion(
        "Participants with no prior therapy: enrolment is limited to tumours that harbour activating EGFR mutations",
        "Participants with prior therapy: those whose tumours harbour wild-type EGFR or unknown EGFR status, or those"
        " with EGFR mutations never treated with erlotinib",
    )
    assert facts(text) == []
    assert ("either", "EGFR", "mutation", "required") in uncertain(text)


def test_a_marker_offered_beside_a_requirement_that_names_none_is_uncertain():
    text = inclusion("Must have a lifetime risk of at least 20% by a risk model or be a carrier of a BRCA2 mutation")
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"either"}
    assert triples(inclusion("Must have an EGFR mutation or have an ALK fusion")) == {
        ("EGFR", "mutation", "required"), ("ALK", "fusion", "required")
    }


def test_an_or_joining_what_patients_did_after_the_marker_leaves_it_required():
    line = "CD20-positive B-cell lymphoma in patients who have relapsed after chemotherapy or are refractory to it"
    assert triples(inclusion(line)) == {("MS4A1", "expression", "required")}


def test_one_item_of_an_inline_list_of_alternatives_is_uncertain():
    line = "High-risk disease with any of the following: tumour over 5 cm; ER and PR negative; lymphovascular invasion"
    assert facts(inclusion(line)) == []
    line = "Tumour with one of the following: ER positive; PR positive"
    assert triples(inclusion(line)) == {("ESR1", "expression", "required"), ("PGR", "expression", "required")}


def test_an_item_of_a_list_written_at_its_headers_indentation_is_an_alternative():
    text = inclusion(
        "At least one of the following:",
        "Partial response to a prior tyrosine kinase inhibitor",
        "A documented EGFR exon 19 deletion",
        "ECOG 0-1",
    )
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"either"}


def test_items_that_each_require_a_marker_are_alternatives_of_one_group():
    text = (
        "Inclusion Criteria:\n- Breast cancer, one of the following:\n"
        "    - Oestrogen receptor positive\n    - Progesterone receptor positive\n- ECOG 0-1\n"
    )
    found = facts(text)
    assert {(b.gene, b.alteration, b.polarity) for b in found} == {
        ("ESR1", "expression", "required"), ("PGR", "expression", "required")
    }
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


def test_a_marker_under_one_item_of_a_list_of_alternatives_is_uncertain():
    text = (
        "Inclusion Criteria:\n- One of the following diagnoses:\n"
        "    - Chronic myeloid leukaemia in chronic phase\n        - Philadelphia chromosome with BCR rearrangement\n"
        "    - Myelofibrosis\n    - Multiple myeloma\n- ECOG 0-1\n"
    )
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"either"}


def test_a_marker_under_every_item_of_a_list_of_alternatives_stays_required():
    text = (
        "Inclusion Criteria:\n- One of the following diagnoses:\n"
        "    - Chronic myeloid leukaemia in blast crisis\n        - Philadelphia chromosome positive\n"
        "    - Acute lymphoblastic leukaemia\n        - Philadelphia chromosome positive\n- ECOG 0-1\n"
    )
    assert triples(text) == {("BCR", "fusion", "required"), ("ABL1", "fusion", "required")}


def test_an_item_a_trailing_or_offers_instead_of_another_inside_a_longer_list_is_an_alternative():
    text = (
        "DISEASE CHARACTERISTICS:\n* Histologically confirmed small invasive breast cancer\n"
        "  * Low or intermediate grade (T1 or T2) OR\n  * Oestrogen and/or progesterone receptor positive\n"
        "  * Largest mass no greater than 5 cm\n* No metastases\n"
    )
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"either"}


def test_a_marker_of_one_cancer_in_a_list_of_the_cancers_that_may_enrol_is_uncertain():
    text = (
        "Inclusion Criteria:\n- Diagnosis of a haematological malignancy:\n"
        "    - Acute myeloid leukaemia after induction failure, in relapse, or in second remission\n"
        "    - Acute lymphoblastic leukaemia in first remission with t(9;22) or t(4;11)\n"
        "    - Non-Hodgkin lymphoma that failed to achieve remission after two induction regimens\n"
        "    - Bone marrow failure unresponsive to therapy\n- ECOG 0-1\n"
    )
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"either"}


def test_a_marker_of_its_own_line_beside_lines_naming_lymphoma_types_stays_required():
    text = (
        "DISEASE CHARACTERISTICS:\n* B-cell non-Hodgkin lymphoma of these types:\n* Diffuse large B-cell lymphoma\n"
        "* Burkitt lymphoma\n* Mantle cell lymphoma\n* Tumours must be CD20 positive\n* No CNS involvement\n"
    )
    assert triples(text) == {("MS4A1", "expression", "required")}


@pytest.mark.parametrize("line", ["MYCN nonamplified, favourable histology", "MYCN not amplified"])
def test_a_negated_alteration_word_is_that_alteration_excluded(line):
    assert triples(inclusion(line)) == {("MYCN", "amplification", "excluded")}


def test_a_marker_the_criterion_allows_into_one_arm_only_is_a_cohorts():
    text = inclusion("Tumours with an EGFR exon 20 insertion are eligible for treatment in the sequential arm")
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"cohort"}


def test_a_criterion_opening_with_for_and_a_cohort_before_a_comma_is_labelled():
    text = inclusion("For the expansion cohort portion, patients must have NSCLC with ALK rearrangement by FISH")
    assert facts(text) == []
    assert uncertain(text) == {("cohort", "ALK", "fusion", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "A KIT mutation other than those in exon 11 or exon 9",
        "Core binding factor leukaemia with t(8;21) lacking additional abnormalities",
        "Any NRAS mutation except Q61K",
        "HER2-positive disease not previously\n   treated with trastuzumab",
        "EGFR-mutant lung cancer who have not received an EGFR inhibitor",
    ],
)
def test_an_exclusion_narrowed_by_an_exception_right_after_the_marker_is_conditional(line):
    assert facts(exclusion(line)) == []
    assert {reason for reason, *_ in uncertain(exclusion(line))} == {"conditional"}


def test_an_exception_after_a_required_marker_keeps_the_requirement():
    assert triples(inclusion("A KIT mutation other than those in exon 11")) == {("KIT", "mutation", "required")}


def test_unless_after_a_marker_makes_it_conditional_but_not_unless_otherwise_approved():
    text = inclusion("Not in first remission with t(8;21) unless induction therapy failed")
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"conditional"}
    assert triples(inclusion("No KRAS mutation, unless otherwise approved by the sponsor")) == {
        ("KRAS", "mutation", "excluded")
    }


def test_a_label_closing_the_criterion_before_introduces_the_next_one():
    text = inclusion("Archival tissue available for biomarker studies. For Phase 2 Part 2", "CCND1 amplification")
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"cohort"}


def test_mismatch_repair_proteins_in_a_note_after_the_dmmr_criterion_are_no_markers():
    text = inclusion(
        "MSI-H or dMMR by immunohistochemistry for MLH1, MSH2, MSH6 and PMS2 protein expression",
        "Note: loss of MLH1 and PMS2 commonly occur together",
    )
    assert facts(text) == []


@pytest.mark.parametrize(
    "line",
    [
        "MET-positive status (Phase 2 only) by central laboratory",
        "A participant assigned to the combination arms must have KRAS wild-type colorectal cancer",
        "Patients of the second stratum must have Philadelphia chromosome-positive ALL",
        "Dose expansion portion of the study - NSCLC with an ALK rearrangement",
    ],
)
def test_a_marker_its_clause_puts_in_one_cohort_is_uncertain(line):
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"cohort"}


def test_a_marker_every_cohort_clause_of_the_criterion_requires_stays_required():
    line = (
        "Before entry in the Phase I part, HER2 overexpression by local testing. "
        "Before entry in the Phase II part, HER2 overexpression confirmed centrally."
    )
    assert ("ERBB2", "expression", "required") in triples(inclusion(line))


def test_a_phase_of_the_disease_is_no_cohort():
    assert triples(inclusion("Patients in the chronic phase of Philadelphia chromosome-positive CML")) == {
        ("BCR", "fusion", "required"), ("ABL1", "fusion", "required")
    }


@pytest.mark.parametrize(
    "line",
    [
        "PD-L1 expression will be evaluated centrally on archival tissue",
        "Solid tumours commonly associated with TP53 mutation",
        "The expansion will consist of predominantly TP53-mutated patients",
    ],
)
def test_tests_the_study_does_and_descriptions_of_tumour_types_are_no_requirement(line):
    assert facts(inclusion(line)) == []


@pytest.mark.parametrize(
    "line",
    [
        "For HER2-positive disease, prior trastuzumab is required",
        "Prior EGFR tyrosine kinase inhibitor therapy is required for EGFR-mutant tumours",
    ],
)
def test_a_marker_naming_whom_a_requirement_is_for_is_conditional(line):
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"conditional"}


def test_a_marker_of_a_family_member_is_no_exclusion():
    assert facts(exclusion("Germline BRCA2 mutation in a family member")) == []
    assert facts(inclusion("Documented BRCA mutation in the family")) == []


@pytest.mark.parametrize("line", ["Positive or negative for PD-L1 expression", "Either EGFR mutant or wild-type"])
def test_either_status_written_before_or_around_the_gene_is_uncertain(line):
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"either"}


def test_a_marker_whose_patients_are_also_eligible_is_an_alternative_not_a_requirement():
    line = "KRAS-mutant tumours. Tumours with an activating NRAS mutation will also be eligible"
    assert triples(inclusion(line)) == {("KRAS", "mutation", "required")}
    assert uncertain(inclusion(line)) == {("either", "NRAS", "mutation", "required")}


def test_a_requirement_whose_opposite_status_is_also_eligible_is_either_status():
    line = "CD20 positive B-cell lymphoma; patients whose lymphoma lacks CD20 expression are also eligible"
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"either"}


def test_an_either_status_ends_at_the_comma_before_the_next_gene():
    line = "Oestrogen receptor negative or positive, and HER2 negative by FISH"
    assert triples(inclusion(line)) == {("ERBB2", "any", "excluded"), ("ERBB2", "amplification", "excluded")}


@pytest.mark.parametrize(
    "line",
    [
        "Advanced solid tumours, including but not limited to PIK3CA-mutant cancers",
        "First remission with high-risk features (e.g., Philadelphia chromosome-positive)",
        "Other cancers with relevant aberrations (e.g. KRAS mutations) may be considered",
        "Remission with high-risk cytogenetics (e.g. t(1;19), t(4;11) or other MLL rearrangements) or slow response",
    ],
)
def test_a_marker_given_as_an_example_of_what_may_enrol_is_no_requirement(line):
    assert facts(inclusion(line)) == []


def test_a_marker_given_as_an_example_of_what_is_excluded_stays_excluded():
    assert triples(inclusion("No favourable cytogenetics (e.g., t(8;21))")) == {
        ("RUNX1", "fusion", "excluded"), ("RUNX1T1", "fusion", "excluded")
    }


def test_an_example_in_brackets_ends_at_its_closing_bracket():
    line = "B-cell markers in the absence of T-cell markers (e.g., CD3) with expression of CD19"
    assert triples(inclusion(line)) == {("CD19", "expression", "required")}


def test_a_receptor_profile_of_one_cohort_is_uncertain():
    text = inclusion("Patients in the triple negative breast cancer cohort of Part B must have had chemotherapy")
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"cohort"}


@pytest.mark.parametrize(
    "line",
    [
        "Human epidermal growth factor receptor type 2 (HER2)-negative disease",
        "Human epidermal growth factor receptor-2 negative",
    ],
)
def test_her2_spelled_out_with_type_or_a_hyphen_is_erbb2_not_egfr(line):
    assert triples(inclusion(line)) == {("ERBB2", "any", "excluded")}


def test_a_marker_in_a_bracketed_list_of_alternatives_that_name_none_is_uncertain():
    text = inclusion("High-risk neuroblastoma (stage 4, or MYCN amplified, or multiply recurrent localized disease)")
    assert facts(text) == []
    assert {reason for reason, *_ in uncertain(text)} == {"either"}


@pytest.mark.parametrize(
    "line",
    [
        "Hormone receptor positive (ER-positive, PR-positive, or both)",
        "High-risk cytogenetics (t(9;22) or t(4;11))",
        "Patients (including those with HER2-positive disease who should have had trastuzumab or lapatinib before)",
    ],
)
def test_brackets_listing_only_markers_or_holding_a_sentence_keep_their_markers(line):
    assert facts(inclusion(line)) != []


def test_a_marker_of_another_cancer_is_no_exclusion_but_one_of_this_cancer_is():
    assert facts(exclusion("History of another cancer (e.g., EGFR-mutant lung cancer) within 3 years")) == []
    line = "AML secondary to a prior malignancy and without good-risk features of t(8;21)"
    assert triples(inclusion(line)) == {("RUNX1", "fusion", "excluded"), ("RUNX1T1", "fusion", "excluded")}


def test_a_method_name_broken_by_a_hard_wrap_still_offers_its_alternative():
    text = (
        "Inclusion Criteria:\r\n\r\n          -  HER2 overexpression 3+ by immunohistochemistry (IHC) or"
        " fluorescence in situ\r\n             hybridization (FISH)\r\n"
    )
    assert triples(text) == {("ERBB2", "expression", "required"), ("ERBB2", "amplification", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "Phase 2 Cohort C (thyroid cancer): thyroid cancer with a RET rearrangement",
        "Phase II portion of the study - CLL; patients lacking CD23 must not have cyclin D1 overexpression",
    ],
)
def test_a_label_with_a_gloss_in_brackets_or_words_before_its_dash_governs_the_criterion(line):
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"cohort"}


def test_patients_with_a_bracketed_definition_before_a_colon_are_no_cohort_label():
    line = "Patients with high-risk ALL (presence of features: MRD over 1%, or t(9;22) [BCR-ABL]) were removed"
    assert ("BCR", "fusion", "excluded") in triples(exclusion(line))


def test_list_items_ending_in_and_or_are_alternatives_of_one_group():
    text = (
        "Inclusion Criteria:\n- Hormone receptor status:\n"
        "    - Oestrogen receptor positive AND/OR\n    - Progesterone receptor positive\n"
    )
    found = facts(text)
    assert {(b.gene, b.polarity) for b in found} == {("ESR1", "required"), ("PGR", "required")}
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


def test_a_marker_among_at_least_one_of_several_features_is_uncertain():
    line = "Node-negative disease with at least one high-risk feature: tumour over 2 cm, ER negative, grade 3"
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"either"}


def test_alternatives_an_exclusion_lists_each_exclude():
    line = "Any one of the following high-risk factors: MIPI score of 6-11, Ki67 over 30%, TP53 abnormality"
    assert triples(exclusion(line)) == {("TP53", "any", "excluded")}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Oestrogen receptor- or progesterone receptor-positive disease", {("ESR1", "required"), ("PGR", "required")}),
        ("Estrogen receptor- and progesterone receptor-negative tumour", {("ESR1", "excluded"), ("PGR", "excluded")}),
    ],
)
def test_a_receptor_name_ending_in_a_hyphen_shares_the_status_after_the_next_receptor(line, expected):
    found = facts(inclusion(line))
    assert {(b.gene, b.polarity) for b in found} == expected
    assert all(b.alteration == "expression" for b in found)


def test_an_allowance_after_a_bracketed_aside_still_makes_the_marker_optional():
    line = "Overexpression of HER2 (score 2+ or 3+ by immunohistochemistry) allowed after prior trastuzumab"
    assert facts(inclusion(line)) == []


def test_an_allowance_inside_a_bracket_after_the_marker_speaks_of_something_else():
    line = "Triple-negative disease (ER, PR and HER2 negative on a biopsy of a metastasis; conversion not allowed)"
    assert {(b.gene, b.polarity) for b in facts(inclusion(line))} == {
        ("ESR1", "excluded"), ("PGR", "excluded"), ("ERBB2", "excluded")
    }


def cohort_markers(text: str) -> set[tuple[str, str, str]]:
    return {(u.biomarker.gene, u.biomarker.alteration, u.biomarker.polarity)
            for u in extract_text(text).uncertain if u.biomarker and u.reason == "cohort"}


def test_a_marker_under_a_subgroup_header_is_cohort_only():
    text = "Inclusion Criteria:\n\n* Age 18 or older\n\nFor Part 2:\n\n* KRAS G12C mutation\nExclusion Criteria:\n* HIV"
    assert facts(text) == []
    assert cohort_markers(text) == {("KRAS", "mutation", "required")}


def test_a_marker_every_subgroup_header_requires_holds_for_all():
    text = "Inclusion Criteria:\n\nFor Part 1:\n\n* KRAS G12C mutation\n\nFor Part 2:\n\n* KRAS G12C mutation\n* ECOG 1"
    assert triples(text) == {("KRAS", "mutation", "required")}
    assert cohort_markers(text) == set()


@pytest.mark.parametrize(
    "closed", ["Phase 1 (Closed):", "Phase 1 (enrollment complete):", "Part 1 (closed to enrollment):"]
)
def test_a_closed_subgroups_markers_are_dropped(closed):
    text = (
        f"Inclusion Criteria:\n\n* {closed}\n\n  * Any solid tumour, or one with a BRAF V600E mutation\n\n"
        "* Phase 2:\n\n  * A documented NTRK1 gene fusion"
    )
    assert triples(text) == {("NTRK1", "fusion", "required")}


def test_a_list_a_requirement_opens_inside_a_subgroup_stays_in_it():
    text = (
        "Inclusion Criteria:\n- Age 18 or older\n- PHASE II:\n- Measurable disease\n"
        "- Disease status must be as follows:\n    - Gastric adenocarcinoma\n    - HER2-negative cancer\n"
        "- MET expression by IHC\n"
    )
    assert facts(text) == []
    assert cohort_markers(text) == {("ERBB2", "any", "excluded"), ("MET", "expression", "required")}


def test_a_test_the_study_does_of_a_later_mention_leaves_the_requirement_before_it():
    line = "Blasts must be CD30 positive (whenever possible CD30 expression will be assessed by both methods)"
    assert triples(inclusion(line)) == {("TNFRSF8", "expression", "required")}
    assert facts(inclusion("PD-L1 expression will be assessed centrally")) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Inclusion Criteria:\n\n          1. Two prior lines of therapy. Patients\n"
            "             who are ER-positive must have had endocrine therapy.\n",
            "conditional",
        ),
        (
            "Inclusion Criteria:\n\n          -  A solid tumour and any of the\n"
            "             following: * ovarian cancer after platinum; * a BRCA1 mutation\n",
            "either",
        ),
    ],
)
def test_a_cue_broken_by_a_hard_wrap_still_governs_the_marker(text, reason):
    assert facts(text) == []
    assert {r for r, *_ in uncertain(text)} == {reason}


def test_a_receptor_profile_does_not_require_the_member_the_criterion_gives_either_status():
    line = "Hormone receptor-positive [ER positive and PgR positive or negative] breast cancer"
    assert {(b.gene, b.polarity) for b in facts(inclusion(line))} == {("ESR1", "required")}
    assert ("either", "PGR", "expression", "required") in uncertain(inclusion(line))


def test_a_marker_eligible_if_a_condition_holds_is_conditional():
    line = "Relapsed ALL. Philadelphia chromosome positive ALL eligible if failed a prior tyrosine kinase inhibitor."
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"conditional"}


@pytest.mark.parametrize(
    "line",
    [
        "Progression after anti-EGFR therapy (cetuximab) for Kirsten rat sarcoma (KRAS) wild-type patients",
        "Progression after prior erlotinib in EGFR-mutant patients",
    ],
)
def test_a_marker_naming_the_patients_a_therapy_was_for_is_conditional(line):
    assert facts(inclusion(line)) == []
    assert {reason for reason, *_ in uncertain(inclusion(line))} == {"conditional"}


@pytest.mark.parametrize(
    "line",
    [
        "Chronic myelogenous leukemia with molecular evidence for bcr/abl gene rearrangement",
        "Chronic myelogenous leukemia that is bcr-abl positive",
        "Chronic myelogenous leukemia that is Bcr/Abl positive",
    ],
)
def test_bcr_abl_in_lower_or_title_case_is_the_fusion(line):
    assert triples(inclusion(line)) == {("BCR", "fusion", "required"), ("ABL1", "fusion", "required")}


@pytest.mark.parametrize(
    "method", ["immunochemistry", "immunocytochemistry", "immunocytochemical staining", "Immunocytochemistry"]
)
def test_immunochemistry_and_immunocytochemistry_are_the_expression_method(method):
    assert triples(inclusion(f"HER2 positive (2+ or 3+) by {method} or FISH")) == {
        ("ERBB2", "expression", "required"),
        ("ERBB2", "amplification", "required"),
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Hormone receptor status: Estrogen receptor positive", {("ESR1", "required")}),
        ("Hormone receptor status: ER negative and PR negative", {("ESR1", "excluded"), ("PGR", "excluded")}),
    ],
)
def test_a_status_label_whose_value_names_a_marker_gives_that_marker(line, expected):
    assert {(b.gene, b.polarity) for b in facts(inclusion(line))} == expected


def test_a_status_label_whose_value_names_no_marker_gives_no_fact():
    line = "Estrogen receptor positive tumours must have failed hormonal therapy Hormone receptor status: Unspecified"
    assert facts(inclusion(line)) == []


def test_a_run_in_sub_header_label_starts_a_new_clause_in_flattened_pdq_text():
    text = (
        "DISEASE CHARACTERISTICS: Invasive breast cancer Prior lumpectomy allowed if margins are clear"
        " Hormone receptor status: Estrogen receptor positive\n\nPATIENT CHARACTERISTICS: Age: 18 and over"
    )
    assert {(b.gene, b.polarity) for b in facts(text)} == {("ESR1", "required")}


def test_a_stated_rearrangement_positive_by_fish_or_ihc_is_fusion_or_expression():
    found = facts(inclusion("NSCLC with an ALK rearrangement defined as positive by FISH or positive by IHC"))
    assert {(b.gene, b.alteration) for b in found} == {("ALK", "fusion"), ("ALK", "expression")}
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


@pytest.mark.parametrize("gene", ["FGFR2", "ROS1"])
def test_a_stated_fusion_positive_by_fish_stays_the_fusion(gene):
    assert triples(inclusion(f"{gene} fusion positive by FISH")) == {(gene, "fusion", "required")}


def test_a_ratio_beside_a_stated_fusion_adds_no_amplification():
    line = (
        "Ph positive CML, developing imatinib resistance (loss of molecular remission defined as at least a 1 log"
        " increase in the BCR-ABL/ABL ratio, in 2 time points at least 1 month apart)"
    )
    assert "amplification" not in {b.alteration for b in facts(inclusion(line))}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("NSCLC that is ALK-positive as assessed by the approved Ventana immunohistochemistry test", {"expression"}),
        ("ROS1 positivity must be determined by a validated fluorescence in situ hybridization test", {"fusion"}),
        ("HER2 positivity must be documented by fluorescence in situ hybridization (FISH)", {"amplification"}),
    ],
)
def test_a_positive_result_reads_the_method_a_by_phrase_names(line, expected):
    assert {b.alteration for b in facts(inclusion(line))} == expected


def test_a_method_listed_beside_an_amplification_is_not_read_through_a_by_phrase():
    line = "NTRK1 gene amplification identified through molecular assays (such as IHC or NGS)"
    assert triples(inclusion(line)) == {("NTRK1", "amplification", "required")}


@pytest.mark.parametrize(("line", "label"), [
    ("Cohort B: NSCLC with a KRAS G12C mutation", True),  # a cohort word before the colon
    ("Phase 2 Cohort C (thyroid cancer): RET fusion-positive", True),  # a bracket after the cohort word glosses it
    ("Part 2 - metastatic triple-negative breast cancer", True),  # a dash after the cohort word and its id
    ("Phase II portion of the study - histologically confirmed NSCLC", True),  # a dash after a cohort noun
    ("For the expansion cohort, patients must have a BRAF V600E mutation", True),  # "For ...," with a cohort word
    ("For patients with brain metastases, stable disease for 4 weeks", True),  # "patients with" names a cohort
    ("For women of childbearing potential, a negative pregnancy test", False),  # "For ...," without a cohort word
    ("Histologically confirmed NSCLC: EGFR mutation by any test", False),  # a colon without a cohort word
    ("Patients (with measurable disease) in cohort A: KRAS mutation", False),  # a bracket before any cohort noun
    ("EGFR mutation. Cohort A: any tumour", False),  # a full stop ends the opening
    ("Measurable disease per RECIST in any of the expansion cohorts", False),  # no colon, dash or comma
])
def test_a_cohort_label_is_read_at_the_criterions_opening(line, label):
    from nlp.biomarkers.scopes import cohort_label
    from nlp.pipeline import get_nlp
    from nlp.polarity import cue_finder, doc_context

    nlp = get_nlp()
    doc = nlp(f"Inclusion Criteria:\n- {line}")
    cues = doc_context(doc, cue_finder(nlp)).cues(0)
    assert cohort_label(doc, cues.span, cues) is label
