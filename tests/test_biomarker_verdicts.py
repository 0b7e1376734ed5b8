"""Biomarker verdicts on real trials: every cell of the tested-vs-untested table, thresholds, variants, groups.

Each trial is a real record (../shared/ctgov/ntrk and api-v2/studies) run through the real pipeline; a cell
keeps the one biomarker fact it is about, so the verdict asserted is that fact's.
"""

from __future__ import annotations

import pytest

from nlp.extract import extract_text
from search.backends import open_backend
from search.models import IndexDocument
from search.patient import parse_patient
from search.verdicts import evaluate
from tests.backend_suite import indexed_corpus

MODEL_TRIAL = "NCT04879121"  # one of NTRK1, NTRK2 or NTRK3 amplification, at least 7 copies
# (trial, gene, kind, polarity) of the table's four columns; the patient names HER2, an alias of ERBB2
COLUMNS = {
    "requires ALK fusion": ("NCT02568267", "ALK", "fusion", "required"),  # an ALK gene rearrangement
    "requires any ALK alteration": ("NCT02097810", "ALK", "any", "required"),  # an ALK molecular alteration
    "excludes ALK fusion": ("NCT03191786", "ALK", "fusion", "excluded"),  # no ALK fusion oncogene detected
    "excludes any HER2 alteration": ("NCT04296370", "ERBB2", "any", "excluded"),  # HER2-negative breast cancer
}
NAMES = {"ALK": "ALK", "ERBB2": "HER2"}
ROWS = ("the kind", "another kind only", "positive, kind unknown", "negative", "tested, nothing found", "nothing")
TABLE = {  # row: (requires K, requires any, excludes K, excludes any)
    "the kind": ("met", "met", "not_met", "not_met"),
    "another kind only": ("not_met", "met", "met", "not_met"),
    "positive, kind unknown": ("unknown", "met", "unknown", "not_met"),
    "negative": ("not_met", "not_met", "met", "met"),
    "tested, nothing found": ("not_met", "not_met", "met", "met"),
    "nothing": ("unknown", "unknown", "unknown", "unknown"),
}


@pytest.fixture(scope="module")
def trials(tmp_path_factory) -> dict[str, IndexDocument]:
    backend = open_backend(indexed_corpus(tmp_path_factory.getbasetemp()))
    try:
        return {d.nct_id: d for d in backend.search(size=1000)}
    finally:
        backend.close()


def only(doc: IndexDocument, gene: str, kind: str, polarity: str) -> IndexDocument:
    """The trial with just its biomarker facts of `gene`, `kind` and `polarity` (the record must have one), and no
    uncertain ones."""
    kept = [b for b in doc.facts.biomarkers if (b.gene, b.alteration, b.polarity) == (gene, kind, polarity)]
    assert kept, f"{doc.nct_id} has no {polarity} {gene} {kind}: the extraction changed, choose another trial"
    return doc.model_copy(update={"facts": doc.facts.model_copy(update={"biomarkers": kept, "uncertain": []})})


def profile(row: str, gene: str, kind: str):
    """A colorectal-cancer patient whose profile says `row` of `gene` (named by its alias where it has one)."""
    name = NAMES[gene]
    biomarkers, tested = [{"gene": "KRAS", "alteration": "mutation"}], ["EGFR"]  # other genes, never the one asked
    if row == "the kind":
        biomarkers.append({"gene": name, "alteration": kind if kind != "any" else "amplification"})
    elif row == "another kind only":
        biomarkers.append({"gene": name, "alteration": "mutation"})
    elif row == "positive, kind unknown":
        biomarkers.append({"gene": name})
    elif row == "negative":
        biomarkers.append({"gene": name, "status": "negative"})
    elif row == "tested, nothing found":
        tested.append(name)
    return parse_patient({"conditions": ["colorectal adenocarcinoma"], "biomarkers": biomarkers,
                          "tested_genes": tested})


def statuses(doc: IndexDocument, who) -> list[str]:
    return [v.status for v in evaluate(doc, who).criteria if v.kind == "biomarker"]


def explanations(doc: IndexDocument, who) -> list[str]:
    return [v.explanation for v in evaluate(doc, who).criteria if v.kind == "biomarker"]


@pytest.mark.parametrize("column", list(COLUMNS))
@pytest.mark.parametrize("row", ROWS)
def test_every_cell_of_the_biomarker_table(trials, row, column):
    nct_id, gene, kind, polarity = COLUMNS[column]
    doc = only(trials[nct_id], gene, kind, polarity)
    expected = TABLE[row][list(COLUMNS).index(column)]
    assert set(statuses(doc, profile(row, gene, kind))) == {expected}


def test_an_untested_gene_is_explained_as_not_tested(trials):
    doc = only(trials["NCT02568267"], "ALK", "fusion", "required")
    assert explanations(doc, profile("nothing", "ALK", "fusion"))[0].endswith("ALK was not tested: unknown")


def test_a_gene_tested_without_a_finding_is_explained_as_such(trials):
    doc = only(trials["NCT02568267"], "ALK", "fusion", "required")
    assert explanations(doc, profile("tested, nothing found", "ALK", "fusion"))[0].endswith(
        "the patient's test covered ALK and found nothing: not met")


def test_a_negative_for_one_kind_leaves_another_kind_unknown(trials):
    doc = only(trials["NCT02568267"], "ALK", "fusion", "required")
    who = parse_patient({"conditions": ["lung adenocarcinoma"], "biomarkers": [
        {"gene": "ALK", "alteration": "mutation", "status": "negative"}]})
    assert statuses(doc, who) == ["unknown"]


def test_an_esr1_mutation_says_nothing_of_oestrogen_receptor_expression(trials):
    doc = only(trials["NCT00089661"], "ESR1", "expression", "required")
    who = parse_patient({"conditions": ["breast cancer"], "biomarkers": [{"gene": "ESR1", "alteration": "mutation"}]})
    assert statuses(doc, who) == ["unknown"]


def test_an_er_positive_patient_meets_an_oestrogen_receptor_requirement(trials):
    doc = only(trials["NCT00089661"], "ESR1", "expression", "required")
    assert statuses(doc, parse_patient({"conditions": ["breast cancer"], "biomarkers": [{"gene": "ER+"}]})) == ["met"]


def test_a_her2_negative_patient_meets_a_her2_negative_breast_cancer_exclusion_of_her2(trials):
    doc = only(trials["NCT04296370"], "ERBB2", "any", "excluded")
    who = parse_patient({"conditions": ["breast cancer"], "biomarkers": [{"gene": "HER2-negative"}]})
    assert statuses(doc, who) == ["met"]


# -- thresholds and variants still apply --------------------------------------------------------------------

def ntrk1_amplified(copies, tested=("NTRK1", "NTRK2", "NTRK3")):
    marker = {"gene": "NTRK1", "alteration": "amplification"} | ({"copies": copies} if copies is not None else {})
    return parse_patient({"conditions": ["colorectal adenocarcinoma"], "biomarkers": [marker],
                          "tested_genes": list(tested)})


@pytest.mark.parametrize(("copies", "expected"), [(9, "met"), (5, "not_met"), (None, "unknown")])
def test_the_copy_number_threshold_of_the_model_trial_still_applies(trials, copies, expected):
    assert statuses(trials[MODEL_TRIAL], ntrk1_amplified(copies)) == [expected]


@pytest.mark.parametrize(("marker", "expected"), [
    ({"gene": "EGFR", "alteration": "mutation", "variant": "L858R"}, "not_met"),
    ({"gene": "EGFR", "alteration": "mutation", "variant": "T790M"}, "met"),
    ({"gene": "EGFR", "alteration": "mutation"}, "unknown"),
    ({"gene": "EGFR", "alteration": "mutation", "variant": "T790M", "status": "negative"}, "unknown"),
    ({"gene": "EGFR", "alteration": "wild-type"}, "met"),
])
def test_an_excluded_variant_is_judged_by_the_patient_variant(trials, marker, expected):
    doc = only(trials["NCT03191786"], "EGFR", "mutation", "excluded")
    doc = doc.model_copy(update={"facts": doc.facts.model_copy(update={
        "biomarkers": [b for b in doc.facts.biomarkers if b.variant == "L858R"]})})
    who = parse_patient({"conditions": ["non-small cell lung cancer"], "biomarkers": [marker]})
    assert statuses(doc, who) == [expected]


# -- any_of groups: met when one member is met, not met when all are not met, unknown otherwise -------------

def test_a_group_is_met_when_one_member_is_met(trials):
    assert statuses(trials[MODEL_TRIAL], ntrk1_amplified(9, tested=())) == ["met"]


def test_a_group_is_not_met_when_every_member_is_not_met(trials):
    assert statuses(trials[MODEL_TRIAL], ntrk1_amplified(5)) == ["not_met"]


def test_a_group_is_unknown_when_a_member_was_not_tested(trials):
    who = ntrk1_amplified(5, tested=("NTRK1", "NTRK2"))
    assert statuses(trials[MODEL_TRIAL], who) == ["unknown"]
    assert explanations(trials[MODEL_TRIAL], who)[0].endswith(
        "the patient's test covered NTRK2 and found nothing; NTRK3 was not tested: unknown")


def test_a_negative_gene_family_makes_a_fusion_group_not_met(trials):
    who = parse_patient({"conditions": ["colorectal adenocarcinoma"], "biomarkers": [
        {"gene": "NTRK", "status": "negative"}]})
    assert set(statuses(trials["NCT02576431"], who)) == {"not_met"}


# -- a fusion driver positive "by FISH or IHC": ALK fusion or ALK expression, one group ---------------------

def fish_or_ihc(trials) -> IndexDocument:
    """The ALK-fusion trial with its ALK facts replaced by what "ALK positive by FISH or IHC" extracts to."""
    doc = trials[COLUMNS["requires ALK fusion"][0]]
    found = extract_text("Inclusion Criteria:\n* ALK positive by FISH or IHC").biomarkers
    return doc.model_copy(update={"facts": doc.facts.model_copy(update={"biomarkers": found, "uncertain": []})})


@pytest.mark.parametrize(("marker", "expected"), [
    ({"gene": "ALK", "alteration": "fusion"}, "met"),
    ({"gene": "ALK", "alteration": "expression"}, "met"),
    ({"gene": "ALK-positive"}, "unknown"),
    ({"gene": "ALK", "alteration": "mutation"}, "unknown"),
    ({"gene": "ALK", "alteration": "positive by IHC"}, "met"),
])
def test_a_fish_or_ihc_positivity_is_met_by_either_kind(trials, marker, expected):
    who = parse_patient({"conditions": ["lung adenocarcinoma"], "biomarkers": [marker]})
    assert statuses(fish_or_ihc(trials), who) == [expected]


def test_an_ihc_positive_patient_leaves_a_stated_alk_fusion_open(trials):
    doc = only(trials[COLUMNS["requires ALK fusion"][0]], "ALK", "fusion", "required")
    who = parse_patient({"conditions": ["lung adenocarcinoma"], "biomarkers": [
        {"gene": "ALK", "alteration": "positive by IHC"}]})
    assert statuses(doc, who) == ["unknown"]
