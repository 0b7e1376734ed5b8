"""Biomarker classes left open by the whole-corpus reading of issue 13, each on sentences written in the shape of
real criteria of `../shared/corpus` and `../shared/ctgov`."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text


def _groups(line: str, section: str = "Inclusion") -> list[list[tuple[str, str, str, str]]]:
    """(gene, alteration, polarity, variant or "") facts of one criterion, in a list of alternatives each: facts
    sharing an any_of group form one list, a fact of its own a list of one."""
    facts = extract_text(f"{section} Criteria:\n- {line}\n- ECOG 0-2\n").biomarkers
    grouped: dict[str, list[tuple[str, str, str, str]]] = {}
    for n, b in enumerate(facts):
        grouped.setdefault(b.any_of or f"alone {n}", []).append((b.gene, b.alteration, b.polarity, b.variant or ""))
    return sorted(sorted(group) for group in grouped.values())


@pytest.mark.parametrize(
    "line",
    [
        "Patients confirmed to have the del ex19, L858R, G719X, or L861Q mutation among EGFR mutations",
        "EGFR sensitizing mutation (del exon 19 or L858R) confirmed by a validated test",
        "Documented presence of an EGFR exon 19 deltion or exon 21 (L858R) substitution",
        "EGFR mutation (ex19 del or L858R)",
    ],
)
def test_the_short_and_misspelt_forms_of_the_exon_19_deletion_name_the_variant(line):
    variants = {variant for group in _groups(line) for _, _, _, variant in group}
    assert {"exon 19 deletion", "L858R"} <= variants


@pytest.mark.parametrize(
    ("line", "alone", "alternatives"),
    [
        ("Histologically confirmed HER2+ and ER+ or PR+ metastatic breast cancer",
         ("ERBB2", "any"), {("ESR1", "expression"), ("PGR", "expression")}),
        ("Breast cancer that is HER2 positive and ER positive and/or PR positive",
         ("ERBB2", "any"), {("ESR1", "expression"), ("PGR", "expression")}),
        ("ER+ or PR+ and HER2+ advanced breast cancer",
         ("ERBB2", "any"), {("ESR1", "expression"), ("PGR", "expression")}),
        ("Histologically confirmed HER2 + and ER+ or PR + (i.e., HR+) postmenopausal women with metastatic cancer",
         ("ERBB2", "any"), {("ESR1", "expression"), ("PGR", "expression")}),
        ("Pathologically confirmed ER+ and/or PR+ HER2+ metastatic breast cancer",
         ("ERBB2", "any"), {("ESR1", "expression"), ("PGR", "expression")}),
    ],
)
def test_a_receptor_joined_by_and_to_an_either_or_pair_is_required_on_its_own(line, alone, alternatives):
    groups = _groups(line)
    assert [(*alone, "required", "")] in groups
    assert sorted((*pair, "required", "") for pair in alternatives) in groups


def test_receptors_joined_by_or_alone_stay_one_group_of_alternatives():
    assert _groups("ER+ or PR+ breast cancer") == [
        [("ESR1", "expression", "required", ""), ("PGR", "expression", "required", "")]]


def test_genes_joined_by_and_alone_are_each_required():
    assert _groups("KRAS and NRAS wild-type colorectal cancer") == [
        [("KRAS", "mutation", "excluded", "")], [("NRAS", "mutation", "excluded", "")]]


@pytest.mark.parametrize(
    "line",
    [
        "Diagnosis of acute promyelocytic leukemia (WHO classification of APL with t(15;17)(q22;q12), (PML/RARA and "
        "variants))",
        "APL with t(15;17)(q22;q12), PML-RARA, or variant translocations involving RARA",
        "Newly diagnosed APL with PML/RARA or its variant rearrangements",
    ],
)
def test_the_variants_of_a_fusion_are_fusions_not_mutations(line):
    facts = {(gene, alteration) for group in _groups(line) for gene, alteration, _, _ in group}
    assert ("RARA", "fusion") in facts
    assert not {alteration for _, alteration in facts} - {"fusion"}


def test_a_named_fusion_offered_as_an_alternative_joins_with_both_its_genes():
    groups = _groups("Acute myeloid leukaemia with PML-RARA or t(8;21)")
    assert [sorted(gene for gene, _, _, _ in group) for group in groups] == [["PML", "RARA", "RUNX1", "RUNX1T1"]]
