"""The diagnosis criterion: every verdict on hand-built trials, and patients of several cancers on the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import iter_source
from nlp.extract import extract_study
from nlp.models import Criterion, DiseaseFacts, DiseaseTerm, TrialCriteria
from search.backends import open_backend
from search.diagnosis import describe, diagnosis_verdict, excluded_verdicts, understand
from search.documents import build_document
from search.matching import judge, match_patient
from search.models import IndexDocument
from search.patient import parse_patient
from tests.backend_suite import indexed_corpus

CTGOV = Path(__file__).resolve().parents[2] / "shared" / "ctgov"
MODEL_TRIAL = "NCT04879121"
SENTENCE = "Histologically confirmed non-small cell lung cancer"


def trial(*terms: tuple[str, str, str], basket=False, enrols="patients", conditions=("x",),
          families: tuple[tuple[str, str, str], ...] = ()) -> IndexDocument:
    facts = DiseaseFacts(basket=basket, enrols=enrols, terms=[
        DiseaseTerm(id=i, name=n, source=source, text=n, criterion=0 if source == "sentence" else None)
        for i, n, source in terms], families=[DiseaseTerm(id=i, name=n, source=source, text=n)
                                            for i, n, source in families])
    criteria = [Criterion(section="inclusion", text=SENTENCE, span=(0, len(SENTENCE)))]
    return IndexDocument(nct_id="NCT00000009", title="A trial", conditions=list(conditions),
                         facts=TrialCriteria(criteria=criteria, diseases=facts))


BREAST = ("DOID:1612", "breast cancer", "condition")
LUNG = ("DOID:1324", "lung cancer", "condition")
NSCLC = ("DOID:3908", "lung non-small cell carcinoma", "sentence")
SOLID = ("TM:solid_tumor", "solid tumour", "condition")


def verdict(doc, *conditions):
    return diagnosis_verdict(doc, understand(list(conditions)))


def test_a_patient_term_below_the_trial_term_is_met():
    found = verdict(trial(LUNG, conditions=["Lung Cancer"]), "stage IV NSCLC")
    assert (found.status, found.criterion) == ("met", "conditions: Lung Cancer")
    assert found.explanation == ("trial is for lung cancer; the patient has lung non-small cell carcinoma, "
                                 "a kind of lung cancer")


def test_a_basket_the_patient_disease_falls_in_is_met():
    assert verdict(trial(SOLID, basket=True), "metastatic colorectal adenocarcinoma").status == "met"


def test_a_haematologic_cancer_is_not_in_a_solid_tumour_basket():
    assert verdict(trial(SOLID, basket=True), "acute myeloid leukemia").status == "not_met"


def test_a_disjoint_disease_is_not_met_with_a_plain_explanation():
    found = verdict(trial(BREAST), "colorectal cancer")
    assert (found.status, found.explanation) == ("not_met", "trial is for breast cancer; the patient has "
                                                            "colorectal cancer")


def test_a_trial_for_people_without_the_disease_is_not_met():
    found = verdict(trial(("DOID:9256", "colorectal cancer", "condition"), enrols="without_disease"),
                    "colorectal cancer")
    assert found.status == "not_met" and "without colorectal cancer" in found.explanation


def test_a_patient_term_broader_than_the_trial_term_is_unknown_and_quotes_the_sentence():
    found = verdict(trial(NSCLC), "lung cancer")
    assert (found.status, found.criterion, found.span) == ("unknown", SENTENCE, (0, len(SENTENCE)))


NHL = ("DOID:0060060", "non-Hodgkin lymphoma", "condition")
SLL = ("DOID:6354", "chronic lymphocytic leukemia/small lymphocytic lymphoma", "condition")


def test_a_patient_in_a_family_listed_beside_a_kind_of_it_but_outside_the_kind_is_unknown():
    doc = trial(SLL, families=(NHL,), conditions=["Non-Hodgkin Lymphoma", "Small Lymphocytic Lymphoma"])
    found = verdict(doc, "diffuse large B-cell lymphoma")
    assert (found.status, found.criterion) == ("unknown",
                                               "conditions: Non-Hodgkin Lymphoma; Small Lymphocytic Lymphoma")
    assert found.explanation == (
        "the trial lists non-Hodgkin lymphoma and chronic lymphocytic leukemia/small lymphocytic lymphoma, a kind "
        "of it; the patient has diffuse large B-cell lymphoma, another kind of non-Hodgkin lymphoma: ask whether "
        "the trial takes it")


def test_a_patient_of_the_listed_kind_stays_met_and_one_outside_the_family_not_met():
    doc = trial(SLL, families=(NHL,))
    assert verdict(doc, "small lymphocytic lymphoma").status == "met"
    assert verdict(doc, "Hodgkin lymphoma").status == "not_met"
    assert verdict(doc, "breast cancer").status == "not_met"


def record(nct_id: str) -> IndexDocument:
    path = CTGOV / "legacy-xml" / f"{nct_id}.xml"
    study = next(item.study for item in iter_source(path))
    assert study is not None
    return build_document(study, extract_study(study))


@pytest.mark.parametrize(("nct_id", "kind", "other", "outside"), [
    ("NCT00005803", "small lymphocytic lymphoma", "diffuse large B-cell lymphoma", "breast cancer"),
    ("NCT00004922", "neuroendocrine carcinoma", "pancreatic neuroendocrine tumor", "acute myeloid leukemia"),
    ("NCT00462605", "chronic myelomonocytic leukemia", "juvenile myelomonocytic leukemia", "Hodgkin lymphoma"),
])
def test_real_records_listing_a_family_beside_a_kind_ask_about_the_family_s_other_kinds(nct_id, kind, other,
                                                                                         outside):
    doc = record(nct_id)
    assert [verdict(doc, c).status for c in (kind, other, outside)] == ["met", "unknown", "not_met"]


def test_an_unmapped_diagnosis_is_unknown():
    found = verdict(trial(BREAST), "feeling poorly")
    assert found.status == "unknown" and "'feeling poorly' is not a disease" in found.explanation


def test_a_trial_naming_no_disease_is_unknown():
    assert verdict(trial(), "breast cancer").status == "unknown"


def test_no_diagnosis_in_the_profile_is_unknown():
    assert verdict(trial(BREAST)).status == "unknown"


def test_a_patient_with_several_conditions_is_matched_on_any_of_them():
    assert verdict(trial(BREAST), "colorectal cancer", "breast cancer").status == "met"


def test_the_user_sees_what_the_diagnosis_was_understood_as():
    assert [describe(d) for d in understand(["metastatic colorectal adenocarcinoma"])] == [
        "metastatic colorectal adenocarcinoma → colorectal adenocarcinoma"]


EXCLUSION = "Subjects suffering from multiple myeloma or diabetes mellitus or heart disease"


def excluding(*terms: tuple[str, str]) -> IndexDocument:
    doc = trial(("DOID:9120", "amyloidosis", "condition"))
    doc.facts.criteria.append(Criterion(section="exclusion", text=EXCLUSION, span=(60, 60 + len(EXCLUSION))))
    doc.facts.diseases.excluded = [DiseaseTerm(id=i, name=n, source="sentence", text=n, criterion=1) for i, n in terms]
    return doc


MYELOMA, DIABETES, HEART = ("DOID:9538", "multiple myeloma"), ("DOID:9351", "diabetes mellitus"), ("DOID:114",
                                                                                                    "heart disease")


def test_a_disease_the_trial_excludes_and_the_patient_has_is_not_met_quoting_the_criterion():
    found = excluded_verdicts(excluding(MYELOMA), understand(["amyloidosis", "multiple myeloma"]))
    assert [(v.kind, v.status, v.criterion, v.explanation) for v in found] == [
        ("diagnosis", "not_met", EXCLUSION, "trial excludes multiple myeloma; the patient has multiple myeloma")]


def test_a_patient_term_below_a_narrow_excluded_term_is_not_met():
    found = excluded_verdicts(excluding(DIABETES), understand(["type 2 diabetes mellitus"]))
    assert [v.explanation for v in found] == [
        "trial excludes diabetes mellitus; the patient has type 2 diabetes mellitus, a kind of diabetes mellitus"]


def test_a_broad_excluded_term_rules_out_only_the_patient_with_that_very_term():
    assert excluded_verdicts(excluding(HEART), understand(["mitral valve prolapse"])) == []
    assert len(excluded_verdicts(excluding(HEART), understand(["heart disease"]))) == 1


def test_a_patient_term_below_the_excluded_one_but_not_a_named_kind_of_it_gives_no_verdict():
    hepatitis = excluding(("DOID:2237", "hepatitis"))
    hepatitis.facts.diseases.excluded[0].text = "Acute hepatitis"  # an ontology synonym narrower than the term
    assert excluded_verdicts(hepatitis, understand(["hepatitis C"])) == []
    assert excluded_verdicts(excluding(("DOID:409", "liver disease")), understand(["hepatitis C"])) == []
    assert len(excluded_verdicts(excluding(("DOID:2237", "hepatitis")), understand(["hepatitis"]))) == 1


def test_an_excluded_disease_the_patient_is_not_known_to_have_gives_no_verdict():
    assert excluded_verdicts(excluding(MYELOMA, DIABETES), understand(["amyloidosis"])) == []


def test_several_excluded_diseases_of_one_criterion_give_one_verdict_and_the_trial_is_not_eligible():
    patient = parse_patient({"conditions": ["amyloidosis", "multiple myeloma", "type 2 diabetes mellitus"]})
    result = judge(excluding(MYELOMA, DIABETES), patient, 0.5)
    assert result.verdict == "not_eligible"
    assert [(v.kind, v.status) for v in result.criteria] == [("diagnosis", "met"), ("diagnosis", "not_met")]


# -- patients on the NTRK trials plus the API v2 studies ------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    backend = open_backend(indexed_corpus(tmp_path_factory.getbasetemp()))
    yield backend
    backend.close()


def eligible(corpus, **fields):
    fields.setdefault("age", 52)
    return [r for r in match_patient(parse_patient(fields), corpus, top=50)]


def diagnosis_of(result):
    return next(v for v in result.criteria if v.kind == "diagnosis")


def test_the_readme_patient_gets_the_model_trial_first_and_no_trial_for_another_disease_or_screening(corpus):
    results = eligible(corpus, sex="female", conditions=["metastatic colorectal adenocarcinoma"], ecog=1,
                       biomarkers=[{"gene": "NTRK1", "alteration": "amplification", "copies": 9}],
                       tested_genes=["NTRK1", "NTRK2", "NTRK3"])
    assert results[0].nct_id == MODEL_TRIAL
    assert [r.nct_id for r in results if diagnosis_of(r).status != "met"] == []
    for r in results:
        doc = corpus.get(r.nct_id)
        assert doc.facts.diseases.enrols == "patients"
        assert doc.facts.diseases.basket or "colorectal cancer" in diagnosis_of(r).explanation, r.nct_id


def test_a_her2_breast_cancer_patient_sees_no_colorectal_or_lung_trial_as_eligible(corpus):
    results = eligible(corpus, sex="female", conditions=["HER2-positive metastatic breast cancer"],
                       biomarkers=[{"gene": "HER2", "alteration": "amplification"}])
    assert results and diagnosis_of(results[0]).status == "met"
    for r in results:
        names = [t.name for t in corpus.get(r.nct_id).facts.diseases.terms]
        assert not names or not all("colorectal" in n or "lung" in n for n in names), r.nct_id


def test_a_lung_adenocarcinoma_patient_gets_lung_trials_before_baskets_and_unknowns(corpus):
    results = eligible(corpus, sex="male", conditions=["lung adenocarcinoma"],
                       biomarkers=[{"gene": "KRAS", "variant": "G12C", "alteration": "mutation"}])
    statuses = [diagnosis_of(r).status for r in results]
    assert statuses[0] == "met" and statuses == sorted(statuses, key=["met", "unknown"].index)


def test_a_prostate_cancer_patient_is_not_offered_breast_cancer_trials(corpus):
    results = eligible(corpus, sex="male", conditions=["metastatic castration-resistant prostate cancer"])
    assert all("breast" not in diagnosis_of(r).explanation.split(";")[0] for r in results)
    assert any(diagnosis_of(r).status == "met" for r in results)


def test_a_condition_of_the_patients_past_is_ruled_out_only_by_a_criterion_excluding_a_history_too():
    past = understand(["history of multiple myeloma"])
    assert excluded_verdicts(excluding(MYELOMA), past) == []
    history = excluding(MYELOMA)
    history.facts.criteria[1] = history.facts.criteria[1].model_copy(update={"text": "History of multiple myeloma"})
    assert [v.explanation for v in excluded_verdicts(history, past)] == [
        "trial excludes multiple myeloma; the patient has a history of multiple myeloma"]
    assert len(excluded_verdicts(history, understand(["multiple myeloma"]))) == 1


STROKE = ("TM:stroke", "stroke", "condition")
STROKE_NOTE = ("74-year-old man with type 2 diabetes mellitus and a history of stroke without residual deficits, "
               "referred for carotid bruits.")


def test_a_trial_for_a_disease_the_patient_had_in_the_past_only_asks_whether_it_takes_a_past_one():
    from search.notes import note_profile
    past = understand(note_profile(STROKE_NOTE)[0].conditions)
    found = diagnosis_verdict(trial(STROKE, conditions=["Stroke"]), past)
    assert found.status == "unknown"
    assert found.explanation == ("trial is for stroke; the patient has a history of stroke, of the past: ask whether "
                                 "the trial takes it")


def test_a_disease_the_patient_has_now_beside_its_history_stays_met():
    assert verdict(trial(STROKE), "history of stroke", "acute ischemic stroke").status == "met"
    assert verdict(trial(STROKE), "stroke").status == "met"
