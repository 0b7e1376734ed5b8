"""Text shapes that hid a marker (issue 13), each seen in one record of ../shared but each a class: a dash other than
"-" inside a fusion's name."""

from __future__ import annotations

from nlp.pipeline import make_doc_text
from tests.test_nlp_biomarkers import inclusion, triples

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

