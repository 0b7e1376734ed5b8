"""Biomarker classes the recall audit of issue 13 found missed in untuned text (criteria naming a marker with no
fact and no uncertain entry), each on sentences written here."""

from __future__ import annotations

from nlp.extract import extract_text
from tests.test_nlp_biomarkers import exclusion, inclusion, triples


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
