"""Text shapes that hid a marker (issue 13), each seen in one record of ../shared but each a class: a dash other than
"-" inside a fusion's name, a gene list broken by a name no vocabulary knows (one the tokenizer splits), an allowance
that "only" restricts, a negation inside a bracketed aside after a symbol in brackets, an exon number glued to its
word."""

from __future__ import annotations

from nlp.extract import extract_text
from nlp.pipeline import make_doc_text
from tests.test_nlp_biomarkers import exclusion, inclusion, triples

BCR_ABL = {("BCR", "fusion", "required"), ("ABL1", "fusion", "required")}


def test_a_fusion_written_with_a_unicode_hyphen_or_an_en_dash_is_read_as_with_a_hyphen():
    for dash in ("\u2010", "\u2011", "\u2013", "\u2212"):
        text = inclusion(f"Diagnosis of BCR{dash}ABL positive CML blast crisis or Ph+ ALL")
        assert triples(text) == BCR_ABL, dash


def test_folding_dashes_keeps_every_offset_and_leaves_number_ranges_alone():
    text = "BCR\u2010ABL, EML4\u2013ALK, ages 18\u201375, ECOG 0 \u2013 1"
    masked = make_doc_text(text)
    assert len(masked) == len(text)
    assert masked == "BCR-ABL, EML4-ALK, ages 18\u201375, ECOG 0 \u2013 1"


def test_a_gene_list_ending_in_a_name_the_tokenizer_splits_shares_its_status():
    assert triples(inclusion("KRAS, BRAF and PI3K wild type in primary tumor or metastatic tissue.")) == {
        ("KRAS", "mutation", "excluded"),
        ("BRAF", "mutation", "excluded"),
    }


def test_a_gene_list_broken_by_an_unknown_name_shares_its_status():
    assert triples(inclusion("KRAS, PI3K and BRAF wild type in primary tumor or metastatic tissue.")) == {
        ("KRAS", "mutation", "excluded"),
        ("BRAF", "mutation", "excluded"),
    }
    assert triples(exclusion("Known KRAS, TYK2 or BRAF mutation")) == {
        ("KRAS", "mutation", "excluded"),
        ("BRAF", "mutation", "excluded"),
    }


def test_required_alternatives_listed_with_an_unknown_name_are_uncertain():
    """A patient with the unnamed member's mutation may enrol too: the group the text offers is not all read."""
    facts = extract_text(inclusion("Mutation or gene fusion involving MyD88, JAK2, JAK3, TYK2, or IRAK1 that are "
                                   "known or suspected to be activating"))
    assert facts.biomarkers == []
    assert {(u.reason, u.biomarker.gene) for u in facts.uncertain if u.biomarker} == {
        ("either", "MYD88"), ("either", "JAK2"), ("either", "JAK3")
    }
    assert triples(inclusion("KRAS and TYK2 mutations")) == {("KRAS", "mutation", "required")}


def test_a_word_between_genes_that_is_no_symbol_still_parts_them():
    assert triples(inclusion("KRAS, Exon and BRAF wild type")) == {("BRAF", "mutation", "excluded")}


def test_an_allowance_that_only_restricts_requires_what_it_allows():
    text = inclusion("Only epidermal growth factor receptor (EGFR) and anaplastic lymphoma kinase (ALK) wild-type are "
                     "allowed")
    assert triples(text) == {("EGFR", "mutation", "excluded"), ("ALK", "mutation", "excluded")}
    assert triples(inclusion("EGFR and ALK wild-type are allowed")) == set()  # an allowance of one status among others


def test_a_bracketed_aside_after_a_symbol_in_brackets_does_not_negate_the_marker_before_it():
    text = inclusion("Subjects must not have received treatment for their metastatic disease. Only epidermal growth "
                     "factor receptor (EGFR) and anaplastic lymphoma kinase (ALK) wild-type are allowed (ie, EGFR "
                     "mutation and ALK translocation / re arrangement excluded). Non squamous cell histologies "
                     "require testing if status is unknown.")
    assert triples(text) == {("EGFR", "mutation", "excluded"), ("ALK", "mutation", "excluded")}


def test_an_exon_number_glued_to_its_word_is_stepped_over_like_a_spaced_one():
    assert triples(inclusion("absence of an NPM1 exon12 mutation")) == {("NPM1", "mutation", "excluded")}
    assert triples(inclusion("absence of an NPM1 exon 12 mutation")) == {("NPM1", "mutation", "excluded")}
