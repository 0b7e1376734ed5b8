"""Biomarker classes the recall audit of issue 13 found missed in untuned text (criteria naming a marker with no
fact and no uncertain entry), each on sentences written here."""

from __future__ import annotations

from nlp.extract import extract_text
from tests.test_nlp_biomarkers import exclusion, facts, inclusion, triples


def test_the_verb_express_states_a_marker_s_expression_and_co_expression_a_diagnosis():
    assert triples(inclusion("Tumour tissue confirmed to express the CD20 antigen")) == {
        ("MS4A1", "expression", "required")
    }
    assert triples(exclusion("Tumours that express CD19")) == {("CD19", "expression", "excluded")}
    assert triples(inclusion("Leukaemic B-cells that co-express CD5 with CD19 or CD20")) == set()
    assert triples(inclusion("Co-expression of the CD5, CD19 and CD23 surface antigens")) == set()


def _uncertain(text: str) -> set[tuple[str, str, str]]:
    return {(u.reason, u.biomarker.gene, u.biomarker.alteration) for u in extract_text(text).uncertain if u.biomarker}


def test_a_marker_asked_of_patients_named_by_something_other_than_their_cancer_is_conditional():
    text = inclusion("Patients with bright surface immunoglobulin levels must have CD23 expression")
    assert triples(text) == set() and _uncertain(text) == {("conditional", "FCER2", "expression")}
    text = inclusion("Patients who lack CD23 on their cells should have cyclin D1 overexpression")
    assert ("CCND1", "expression", "required") not in triples(text)
    assert ("conditional", "CCND1", "expression") in _uncertain(text)
    assert triples(inclusion("Patients with metastatic colorectal cancer must have KRAS wild-type tumours")) == {
        ("KRAS", "mutation", "excluded")
    }


def test_a_cluster_of_differentiation_antigen_written_out_is_its_gene():
    assert triples(inclusion("Must express cluster of differentiation antigen 20 (CD20) antigen")) == {
        ("MS4A1", "expression", "required")
    }
    assert triples(inclusion("Positive expression of cluster of differentiation 19 by flow cytometry")) == {
        ("CD19", "expression", "required")
    }
    assert triples(exclusion("Cluster of Differentiation 33 positive leukaemia")) == {
        ("CD33", "expression", "excluded")
    }


def test_tumour_antigens_of_vaccine_trials_are_their_genes():
    assert triples(inclusion("The tumour must stain positive for CEA by immunohistochemistry")) == {
        ("CEACAM5", "expression", "required")
    }
    assert triples(inclusion("Tumour must express carcinoembryonic antigen")) == {("CEACAM5", "expression", "required")}
    assert triples(inclusion("Melanoma with gp100 positive tumour cells")) == {("PMEL", "expression", "required")}
    assert triples(inclusion("Tumour must express MART-1/Melan-A antigen")) == {("MLANA", "expression", "required")}
    assert triples(inclusion("Tyrosinase positive melanoma")) == {("TYR", "expression", "required")}
    assert triples(inclusion("Tumour expresses MAGE-A3")) == {("MAGEA3", "expression", "required")}
    assert triples(inclusion("Serum CEA above the upper limit of normal")) == set()
    assert triples(inclusion("Survivin- and/or carcinoembryonic antigen-positive tumour by IHC")) == {
        ("BIRC5", "expression", "required"),
        ("CEACAM5", "expression", "required"),
    }


def test_a_ratio_that_divides_by_a_marker_is_no_copy_number_of_it():
    assert triples(inclusion("CA 125/carcinoembryonic antigen ratio greater than 25")) == set()
    assert triples(inclusion("HER2/CEP17 ratio of at least 2.0")) == {("ERBB2", "amplification", "required")}


def test_a_marker_joined_by_and_for_to_a_tested_one_is_tested_too():
    text = inclusion(
        "Availability of tumour tissue for analysis of CD20 antigen staining with antibody L26, and for expression"
        " of CD19 and CD22 antigens by immunohistochemistry"
    )
    assert triples(text) == set()
    assert triples(inclusion("EGFR mutation and for ALK rearrangement")) == {
        ("EGFR", "mutation", "required"),
        ("ALK", "fusion", "required"),
    }


def test_a_status_before_a_gene_is_read_across_a_method_or_a_bracketed_gloss():
    text = inclusion("At least 30% of tumour cells positive (at least 1+) for mesothelin by immunohistochemistry")
    assert triples(text) == {("MSLN", "expression", "required")}
    assert triples(inclusion("Positive immunohistochemistry for CD20")) == {("MS4A1", "expression", "required")}
    assert triples(inclusion("ER positive (at least 10%) and PgR negative")) == {
        ("ESR1", "expression", "required"),
        ("PGR", "expression", "excluded"),
    }
    text = inclusion("A t(11;14) by in-situ hybridization (FISH) or positive immunohistochemistry for cyclin D1")
    assert triples(text) == {
        ("IGH", "fusion", "required"), ("CCND1", "fusion", "required"), ("CCND1", "expression", "required")
    }


def test_the_retinoblastoma_protein_written_rb1_is_its_gene():
    assert triples(inclusion("Confirmed Rb1 positive recurrent CNS tumours")) == {("RB1", "any", "required")}
    assert triples(inclusion("Retinoblastoma protein (Rb1) positive tumours")) == {("RB1", "any", "required")}
    assert triples(inclusion("Retinoblastoma in remission")) == set()


def test_a_bracket_the_gene_s_own_long_name_opens_only_glosses_it():
    assert triples(inclusion("KRAS (Kirsten ras sarcoma viral oncogene) wild-type")) == {
        ("KRAS", "mutation", "excluded")
    }
    assert triples(inclusion("KRAS (or NTRK) fusion")) == {
        ("KRAS", "fusion", "required"),
        ("NTRK1", "fusion", "required"),
        ("NTRK2", "fusion", "required"),
        ("NTRK3", "fusion", "required"),
    }


def test_a_share_of_stained_cells_or_a_receptor_content_after_a_marker_states_its_status():
    assert triples(inclusion("Progesterone receptor at least 20 fmol/mg protein or positive by IHC")) == {
        ("PGR", "expression", "required")
    }
    assert triples(inclusion("Tumour with ER ≥ 10% of stained nuclei")) == {("ESR1", "expression", "required")}
    assert triples(inclusion("Oestrogen receptor (≥ 5%) positive disease")) == {("ESR1", "expression", "required")}
    assert triples(inclusion("Breast cancer with ER < 1% and PgR < 1%")) == {
        ("ESR1", "expression", "excluded"),
        ("PGR", "expression", "excluded"),
    }
    assert triples(inclusion("KRAS at least 10% of alleles")) == set()
    assert triples(inclusion("ER at least 10 days after surgery")) == set()
    assert triples(inclusion("Responding disease: a PR (≥ 50% reduction in tumour size) or a CR")) == set()
    assert triples(inclusion("Ki-67 ≥ 20% on the diagnostic biopsy")) == set()


def test_a_hormone_receptor_named_without_its_own_word_receptor_is_still_the_receptor():
    alternatives = {("ESR1", "expression", "required"), ("PGR", "expression", "required")}
    assert triples(inclusion("Tumour that is oestrogen receptor positive and/or progesterone positive")) == alternatives
    assert triples(inclusion("Estrogen- or progesterone-receptor positive by immunohistochemistry")) == alternatives
    assert triples(inclusion("Oestrogen- and/or progesterone-receptor positive tumour")) == alternatives
    assert triples(inclusion("Breast cancer positive for estrogen/progesterone receptor")) == alternatives
    assert triples(inclusion("Tumour expressing oestrogen and/or progesterone receptors")) == alternatives
    assert triples(exclusion("Progesterone-negative tumours")) == {("PGR", "expression", "required")}
    assert triples(inclusion("Prior progesterone therapy allowed")) == set()


def test_an_alteration_before_a_list_of_the_following_markers_is_each_marker_s_alternative():
    text = inclusion("Expression of one (1) or more of the following antigens: HER2, NY-ESO-1 and MAGE-A3, by RT-PCR")
    found = facts(text)
    assert {(b.gene, b.alteration, b.polarity) for b in found} == {
        ("ERBB2", "expression", "required"),
        ("CTAG1B", "expression", "required"),
        ("MAGEA3", "expression", "required"),
    }
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None
    assert triples(inclusion("Mutation in one of the following genes: KRAS, NRAS or BRAF")) == {
        ("KRAS", "mutation", "required"),
        ("NRAS", "mutation", "required"),
        ("BRAF", "mutation", "required"),
    }
    assert triples(exclusion("Amplification of any of the following: MET, ERBB2")) == {
        ("MET", "amplification", "excluded"),
        ("ERBB2", "amplification", "excluded"),
    }
    assert triples(inclusion("Tissue for one of the following tests: KRAS, NRAS")) == set()


def test_cancer_testis_and_myeloma_antigens_of_vaccine_trials_are_their_genes():
    assert triples(inclusion("Tumour cells express MAGE-1 by RT-PCR")) == {("MAGEA1", "expression", "required")}
    assert triples(inclusion("Sp17 or AKAP-4 expression in tumour cells")) == {
        ("SPA17", "expression", "required"),
        ("AKAP4", "expression", "required"),
    }
    assert triples(inclusion("Myeloma cells positive for HM1.24 by flow cytometry")) == {
        ("BST2", "expression", "required")
    }
    assert triples(inclusion("Expression of Ropporin, PTTG-1 or Span-xb by immunocytochemistry")) == {
        ("ROPN1", "expression", "required"),
        ("PTTG1", "expression", "required"),
        ("SPANXB1", "expression", "required"),
    }


def test_a_method_said_in_a_sentence_of_its_own_marker_refines_that_marker_only():
    text = inclusion(
        "Expression of one or more of the following antigens: NY-ESO-1, HER2 or MAGE-A3, by RT-PCR or "
        "immunocytochemistry. For HER2, positive FISH results are acceptable."
    )
    found = triples(text)
    assert {("CTAG1B", "expression", "required"), ("MAGEA3", "expression", "required")} <= found
    assert not {("CTAG1B", "amplification", "required"), ("MAGEA3", "amplification", "required")} & found
    text = inclusion("HER2-positive breast cancer. HER2-positive is defined as IHC 3+ or a positive FISH test.")
    assert triples(text) == {("ERBB2", "expression", "required"), ("ERBB2", "amplification", "required")}
