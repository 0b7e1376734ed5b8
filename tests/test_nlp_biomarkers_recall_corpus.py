"""Biomarker classes the whole-corpus recall audit of issue 13 found (a marker named beside a status or alteration
word, and no fact and no uncertain entry for it), each on real wording of ../shared."""

from __future__ import annotations

from tests.test_nlp_biomarkers import exclusion, inclusion, triples


def test_a_cd_antigen_written_with_a_hyphen_is_its_gene():
    assert triples(inclusion("Aggressive B-cell non-Hodgkin lymphoma, CD-20 positive, in first relapse or refractory "
                             "to first- or second-line chemotherapy (non-platinum)")) == {
        ("MS4A1", "expression", "required")
    }
    assert triples(inclusion("Diagnosis of CLL - CD-20 positive, and meeting published criteria (Hallek, 2008).")) == {
        ("MS4A1", "expression", "required")
    }


def test_terminal_deoxynucleotidyl_transferase_named_tdt_is_its_gene():
    assert triples(inclusion("TdT positive acute lymphocytic leukemia or blastic chronic myelogenous leukemia")) == {
        ("DNTT", "expression", "required")
    }


def test_the_alpha_isoform_of_pi3k_is_pik3ca():
    assert triples(inclusion("Tissue block or biopsy confirmation of PI3K alpha mutation on tumor genotyping.")) == {
        ("PIK3CA", "mutation", "required")
    }
    assert triples(exclusion("Prior treatment with a PI3K alpha inhibitor")) == set()


def test_the_long_name_of_her2_with_its_symbol_bracketed_before_the_number_is_erbb2():
    text = inclusion("Patients must have a histologically confirmed diagnosis of invasive breast carcinoma with "
                     "positive estrogen and/or progesterone receptor status, and negative human epidermal growth "
                     "factor receptor (HER-2), for whom endocrine therapy is planned.")
    assert triples(text) == {
        ("ESR1", "expression", "required"),
        ("PGR", "expression", "required"),
        ("ERBB2", "any", "excluded"),
    }
    text = inclusion("Estrogen Receptor (ER)-, Progesterone Receptor (PR)-, and Human Epidermal Growth Factor Receptor "
                     "(HER)2-negative (triple-negative) cancer of the breast.")
    assert triples(text) == {
        ("ESR1", "expression", "excluded"),
        ("PGR", "expression", "excluded"),
        ("ERBB2", "any", "excluded"),
    }
