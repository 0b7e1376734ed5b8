"""Molecular results as reports list them: one result a line, a status after a colon, a status of the next noun."""

from __future__ import annotations

from nlp.notes import read_note


def _biomarkers(note: str) -> list[dict]:
    return read_note(note).profile.get("biomarkers", [])


def test_a_result_does_not_carry_over_to_the_next_line_of_a_result_list():
    note = "Molecular results:\nERBB2 - not amplified\nTMB: 3 mut/Mb (low)\n"
    assert _biomarkers(note) == [{"gene": "ERBB2", "status": "negative", "alteration": "amplification"}]


def test_each_line_of_a_result_list_keeps_its_own_result():
    note = "NGS panel:\nKRAS G12D detected\nMSI: stable, TMB 4 mut/Mb (low)\nNRAS wild-type\n"
    assert _biomarkers(note) == [
        {"gene": "KRAS", "alteration": "mutation", "variant": "G12D"},
        {"gene": "NRAS", "status": "negative", "alteration": "mutation"},
    ]


def test_normal_qualifies_the_noun_after_it_not_the_gene_before_the_comma():
    note = "Acute myeloid leukemia diagnosed in 2024. NPM1 mutated, normal karyotype."
    assert _biomarkers(note) == [{"gene": "NPM1", "alteration": "mutation"}]


def test_normal_right_after_a_gene_still_reads_it_wild_type():
    note = "Acute myeloid leukemia. NPM1 mutated, FLT3 normal, normal cytogenetics."
    assert _biomarkers(note) == [
        {"gene": "NPM1", "alteration": "mutation"},
        {"gene": "FLT3", "status": "negative", "alteration": "mutation"},
    ]


def test_a_status_after_a_colon_in_a_pathology_table_is_read():
    note = ("Invasive ductal carcinoma of the left breast.\n"
            "Estrogen receptor: Positive\n"
            "Progesterone receptor: Negative (<1%)\n"
            "HER2: 2+ by IHC, FISH not amplified\n")
    assert _biomarkers(note) == [
        {"gene": "ESR1", "alteration": "expression"},
        {"gene": "PGR", "status": "negative", "alteration": "expression"},
        {"gene": "ERBB2", "status": "negative", "alteration": "amplification"},
    ]


def test_mgmt_promoter_methylation_is_no_alteration_the_profile_has_a_kind_for():
    assert _biomarkers("Glioblastoma. MGMT promoter methylated.") == []
    assert _biomarkers("Glioblastoma. MGMT promoter unmethylated.") == []


def test_not_amplified_rules_out_the_amplification_alone_beside_an_equivocal_ihc_score():
    note = "Gastric adenocarcinoma. HER2 IHC 2+, FISH not amplified."
    assert _biomarkers(note) == [{"gene": "ERBB2", "status": "negative", "alteration": "amplification"}]


def test_a_gene_labelling_its_line_of_a_result_list_takes_the_status_after_the_colon():
    note = "Colon adenocarcinoma.\nMolecular results:\n- KRAS: wild-type\n- BRAF V600E: not detected\n"
    assert _biomarkers(note)[0] == {"gene": "KRAS", "status": "negative", "alteration": "mutation"}
