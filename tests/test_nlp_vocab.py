"""Gene, variant and drug vocabularies shared by extraction and patient matching."""

from __future__ import annotations

import pytest

from nlp.vocab import (
    GeneRef,
    drug_classes,
    drug_vocabulary,
    gene_aliases,
    gene_family_names,
    gene_symbols,
    normalize_gene,
    positive_alteration,
)


@pytest.mark.parametrize(
    ("text", "genes"),
    [
        ("HER2", ["ERBB2"]),
        ("HER2/neu", ["ERBB2"]),
        ("PD-L1", ["CD274"]),
        ("TRKA", ["NTRK1"]),
        ("TrkC", ["NTRK3"]),
        ("c-KIT", ["KIT"]),
        ("c-MET", ["MET"]),
        ("CD20", ["MS4A1"]),
        ("estrogen receptor", ["ESR1"]),
        ("NTRK", ["NTRK1", "NTRK2", "NTRK3"]),
        ("BRCA1/2", ["BRCA1", "BRCA2"]),
        ("RAS", ["KRAS", "NRAS", "HRAS"]),
        ("IDH", ["IDH1", "IDH2"]),
    ],
)
def test_normalize_gene_gives_hgnc_symbols(text, genes):
    assert [ref.gene for ref in normalize_gene(text)] == genes


def test_fusion_variant_names_its_gene_alteration_and_variant():
    assert normalize_gene("ETV6-NTRK3") == [GeneRef(gene="NTRK3", alteration="fusion", variant="ETV6-NTRK3")]


def test_point_variant_implies_its_gene():
    assert normalize_gene("V600E") == [GeneRef(gene="BRAF", alteration="mutation", variant="V600E")]


def test_unknown_name_gives_nothing():
    assert normalize_gene("not a gene") == []


def test_lower_case_alias_resolves_when_unambiguous():
    assert [ref.gene for ref in normalize_gene("her2")] == ["ERBB2"]


@pytest.mark.parametrize(("gene", "method", "alteration"), [
    ("ESR1", None, "expression"), ("PGR", None, "expression"), ("ERBB2", None, "any"), ("ALK", None, "any"),
    ("ERBB2", "ihc", "expression"), ("ALK", "ihc", "expression"), ("ERBB2", "ish", "amplification"),
    ("ROS1", "ish", "fusion"), ("BRCA1", None, "mutation"), ("BRCA2", None, "mutation"),
])
def test_a_positive_result_speaks_of_the_alteration_its_gene_and_method_imply(gene, method, alteration):
    assert positive_alteration(gene, method) == alteration


def test_gene_family_names_are_the_names_normalize_gene_expands():
    names = gene_family_names()
    assert "NTRK" in names and all(len(normalize_gene(name)) > 1 for name in names)


def test_vocabulary_covers_several_hundred_oncology_genes():
    symbols = gene_symbols()
    assert len(symbols) >= 300
    assert {"ALK", "ROS1", "RET", "BRAF", "KRAS", "EGFR", "PIK3CA", "PTEN", "PALB2", "TP53", "ESR1"} <= set(symbols)


def test_aliases_map_clinical_spellings_to_symbols():
    aliases = gene_aliases()
    assert aliases["HER2"] == "ERBB2" and aliases["c-KIT"] == "KIT" and aliases["TRKB"] == "NTRK2"


def test_words_that_are_not_genes_are_not_aliases():
    assert not {"ALL", "met", "ret", "Met", "atm"} & set(gene_aliases())


def test_aliases_carry_no_status_signs():
    assert not [alias for alias in gene_aliases() if alias.endswith(("+", "-"))]


@pytest.mark.parametrize("drug", ["larotrectinib", "entrectinib", "repotrectinib", "selitrectinib", "Vitrakvi"])
def test_trk_inhibitors_belong_to_the_trk_inhibitor_class(drug):
    assert "trk inhibitor" in drug_classes(drug)


@pytest.mark.parametrize(
    ("drug", "cls"),
    [
        ("osimertinib", "egfr inhibitor"),
        ("sotorasib", "kras g12c inhibitor"),
        ("olaparib", "parp inhibitor"),
        ("palbociclib", "cdk4/6 inhibitor"),
        ("pembrolizumab", "pd-1 inhibitor"),
        ("atezolizumab", "pd-l1 inhibitor"),
        ("ipilimumab", "ctla-4 inhibitor"),
        ("carboplatin", "platinum"),
        ("docetaxel", "taxane"),
        ("doxorubicin", "anthracycline"),
        ("trastuzumab", "anti-her2"),
    ],
)
def test_drug_classes(drug, cls):
    assert cls in drug_classes(drug)


def test_generations_separate_first_from_later_inhibitors():
    assert "second-generation trk inhibitor" in drug_classes("selitrectinib")
    assert "second-generation trk inhibitor" not in drug_classes("larotrectinib")
    assert "third-generation egfr inhibitor" in drug_classes("osimertinib")


def test_class_name_is_its_own_class():
    assert drug_classes("TRK inhibitor") == {"trk inhibitor"}


def test_drug_vocabulary_is_lower_case_names_and_classes():
    vocabulary = drug_vocabulary()
    assert {"larotrectinib", "trk inhibitor", "platinum"} <= set(vocabulary)
    assert all(name == name.lower() for name in vocabulary)
