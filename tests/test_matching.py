"""Matching: per-criterion verdicts on hand-built trials, ranking, and scenarios on the real NTRK trials."""

from __future__ import annotations

import pytest

from nlp.models import (
    AgeWindow,
    Biomarker,
    CnsMetastases,
    Criterion,
    CurrentTherapy,
    Lab,
    PerformanceStatus,
    PriorTherapy,
    TrialCriteria,
    UncertainFact,
)
from search.backends import open_backend
from search.elastic import ElasticBackend
from search.embedded import EmbeddedBackend
from search.fields import match_view
from search.matching import judge, match_patient, score_of
from search.models import IndexDocument
from search.patient import PatientError, parse_patient
from search.verdicts import evaluate
from tests.backend_suite import documents, indexed_corpus

MODEL_TRIAL = "NCT04879121"
FUSION_ONLY = ["NCT02576431", "NCT02637687"]


def patient(**fields):
    fields.setdefault("conditions", ["metastatic colorectal adenocarcinoma"])
    return parse_patient(fields)


def ntrk_amp(copies=9, **fields):
    return patient(biomarkers=[{"gene": "NTRK1", "alteration": "amplification", "copies": copies}], **fields)


NTRK_TESTED = ["NTRK1", "NTRK2", "NTRK3"]


def trial(**facts) -> IndexDocument:
    criteria = [Criterion(section="inclusion", text="the protocol sentence", span=(0, 21))]
    return IndexDocument(nct_id="NCT00000009", title="t", overall_status="RECRUITING",
                         facts=TrialCriteria(criteria=criteria, **facts))


def marker(gene="NTRK1", alteration="amplification", **kw) -> Biomarker:
    return Biomarker(gene=gene, alteration=alteration, criterion=0, span=(0, 21), **kw)


def kinds(doc, who, kind):
    return [v.status for v in evaluate(doc, who).criteria if v.kind == kind]


# -- biomarker rules ----------------------------------------------------------------------------------------

def test_enough_copies_meet_an_amplification_threshold():
    assert kinds(trial(biomarkers=[marker(min_copies=7)]), ntrk_amp(9), "biomarker") == ["met"]


def test_too_few_copies_do_not_meet_an_amplification_threshold():
    assert kinds(trial(biomarkers=[marker(min_copies=7)]), ntrk_amp(5), "biomarker") == ["not_met"]


def test_unknown_copies_leave_an_amplification_threshold_unknown():
    who = patient(biomarkers=[{"gene": "NTRK1", "alteration": "amplification"}])
    assert kinds(trial(biomarkers=[marker(min_copies=7)]), who, "biomarker") == ["unknown"]


def test_amplification_never_satisfies_a_fusion_requirement():
    assert kinds(trial(biomarkers=[marker(alteration="fusion")]), ntrk_amp(), "biomarker") == ["not_met"]


def test_one_entry_of_an_any_of_group_suffices():
    group = [marker(g, "amplification", any_of="a") for g in ("NTRK1", "NTRK2", "NTRK3")]
    assert kinds(trial(biomarkers=group), ntrk_amp(), "biomarker") == ["met"]


def test_an_any_alteration_is_met_by_every_alteration():
    assert kinds(trial(biomarkers=[marker(alteration="any")]), ntrk_amp(), "biomarker") == ["met"]


def test_the_criterion_sentence_and_span_come_with_the_verdict():
    verdict = evaluate(trial(biomarkers=[marker()]), ntrk_amp()).criteria[0]
    assert (verdict.criterion, verdict.span) == ("the protocol sentence", (0, 21))


def test_carrying_an_excluded_biomarker_is_not_met():
    doc = trial(biomarkers=[marker("ALK", "fusion", polarity="excluded")])
    who = patient(biomarkers=[{"gene": "ALK", "alteration": "fusion"}])
    assert kinds(doc, who, "biomarker") == ["not_met"]


def test_a_gene_left_out_of_a_biomarker_profile_is_unknown():
    assert kinds(trial(biomarkers=[marker("KRAS", "mutation")]), ntrk_amp(), "biomarker") == ["unknown"]


def test_a_required_gene_the_patient_was_tested_for_without_a_finding_is_not_met():
    who = ntrk_amp(tested_genes=["KRAS"])
    assert kinds(trial(biomarkers=[marker("KRAS", "mutation")]), who, "biomarker") == ["not_met"]


def test_a_profile_without_biomarkers_leaves_a_biomarker_requirement_unknown():
    assert kinds(trial(biomarkers=[marker()]), patient(), "biomarker") == ["unknown"]


def test_an_excluded_biomarker_the_profile_leaves_out_is_unknown():
    doc = trial(biomarkers=[marker("ALK", "fusion", polarity="excluded")])
    assert kinds(doc, ntrk_amp(), "biomarker") == ["unknown"]


def test_an_excluded_biomarker_of_a_gene_tested_without_a_finding_is_met():
    doc = trial(biomarkers=[marker("ALK", "fusion", polarity="excluded")])
    assert kinds(doc, ntrk_amp(tested_genes=["ALK"]), "biomarker") == ["met"]


def test_a_different_variant_of_the_required_gene_is_not_met():
    doc = trial(biomarkers=[marker("KRAS", "mutation", variant="G12C")])
    who = patient(biomarkers=[{"gene": "KRAS", "alteration": "mutation", "variant": "G12D"}])
    assert kinds(doc, who, "biomarker") == ["not_met"]


def test_exact_alteration_is_more_specific_than_any_alteration():
    exact = evaluate(trial(biomarkers=[marker()]), ntrk_amp()).specificity
    loose = evaluate(trial(biomarkers=[marker(alteration="any")]), ntrk_amp()).specificity
    none = evaluate(trial(), ntrk_amp()).specificity
    assert exact > loose > none


# -- other criteria -----------------------------------------------------------------------------------------

def test_an_age_below_the_minimum_is_not_met():
    assert kinds(trial(age=AgeWindow(min_years=16)), ntrk_amp(age=15), "age") == ["not_met"]


def test_a_missing_age_is_unknown():
    assert kinds(trial(age=AgeWindow(min_years=16)), ntrk_amp(), "age") == ["unknown"]


def test_a_trial_for_women_only_is_not_met_by_a_man():
    assert kinds(trial(sex="FEMALE"), ntrk_amp(sex="male"), "sex") == ["not_met"]


def test_an_ecog_above_the_maximum_is_not_met():
    assert kinds(trial(performance_status=PerformanceStatus(ecog_max=1)), ntrk_amp(ecog=2),
                 "performance_status") == ["not_met"]


def test_evaluation_until_not_met_stops_after_the_first_kind_not_met():
    doc = trial(age=AgeWindow(min_years=18), performance_status=PerformanceStatus(ecog_max=1),
                biomarkers=[marker()])
    who = ntrk_amp(age=15, ecog=2)
    full = evaluate(doc, who)
    assert [(v.kind, v.status) for v in full.criteria] == [
        ("biomarker", "met"), ("age", "not_met"), ("performance_status", "not_met")]
    assert evaluate(doc, who, until_not_met=True).criteria == full.criteria[:2]


def test_ecog_is_converted_when_the_trial_only_sets_karnofsky():
    assert kinds(trial(performance_status=PerformanceStatus(karnofsky_min=70)), ntrk_amp(ecog=1),
                 "performance_status") == ["met"]


def test_progression_on_larotrectinib_counts_as_a_prior_trk_inhibitor():
    rule = PriorTherapy(drug_or_class="trk inhibitor", polarity="required", criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=[{"name": "larotrectinib", "outcome": "progression"}])
    assert kinds(trial(prior_therapies=[rule]), who, "prior_therapy") == ["met"]


def test_an_excluded_prior_drug_class_is_not_met():
    rule = PriorTherapy(drug_or_class="trk inhibitor", polarity="excluded", criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=[{"name": "Larotrectinib sulfate"}])
    assert kinds(trial(prior_therapies=[rule]), who, "prior_therapy") == ["not_met"]


def test_a_broad_class_the_patient_list_does_not_name_is_unknown():
    rules = [PriorTherapy(drug_or_class="chemotherapy", polarity=p, criterion=0, span=(0, 21))
             for p in ("required", "excluded")]
    who = ntrk_amp(prior_therapies=[{"name": "larotrectinib"}])
    assert kinds(trial(prior_therapies=rules), who, "prior_therapy") == ["unknown", "unknown"]


def test_a_drug_of_broad_classes_alone_the_patient_list_does_not_name_is_unknown():
    rule = PriorTherapy(drug_or_class="warfarin", polarity="required", criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=[{"name": "larotrectinib"}])
    assert kinds(trial(prior_therapies=[rule]), who, "prior_therapy") == ["unknown"]


def test_a_drug_within_an_excluded_broad_class_is_not_met():
    rule = PriorTherapy(drug_or_class="chemotherapy", polarity="excluded", criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=[{"name": "FOLFOX"}])
    assert kinds(trial(prior_therapies=[rule]), who, "prior_therapy") == ["not_met"]


def test_unnamed_chemotherapy_leaves_a_rule_on_a_chemotherapy_class_unknown():
    rule = PriorTherapy(drug_or_class="taxane", polarity="required", criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=[{"name": "chemotherapy"}])
    assert kinds(trial(prior_therapies=[rule]), who, "prior_therapy") == ["unknown"]


def test_a_required_drug_a_partial_list_does_not_name_is_unknown_saying_the_list_may_be_partial():
    rule = PriorTherapy(drug_or_class="methotrexate", polarity="required", criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=[{"name": "prednisone"}], prior_therapies_complete=False)
    [verdict] = [v for v in evaluate(trial(prior_therapies=[rule]), who).criteria if v.kind == "prior_therapy"]
    assert verdict.status == "unknown" and "partial" in verdict.explanation
    assert kinds(trial(prior_therapies=[rule]), ntrk_amp(prior_therapies=[{"name": "prednisone"}]),
                 "prior_therapy") == ["not_met"]


def test_a_partial_list_judges_the_therapies_it_names_and_an_excluded_one_it_does_not_name_as_a_whole_list():
    rules = [PriorTherapy(drug_or_class=d, polarity=p, criterion=0, span=(0, 21))
             for d, p in (("trk inhibitor", "required"), ("trk inhibitor", "excluded"), ("methotrexate", "excluded"))]
    who = ntrk_amp(prior_therapies=[{"name": "larotrectinib"}], prior_therapies_complete=False)
    assert kinds(trial(prior_therapies=rules), who, "prior_therapy") == ["met", "not_met", "met"]


@pytest.mark.parametrize("taken, status", [
    ([{"name": "prednisone", "current": True}], ["not_met"]),
    ([{"name": "prednisone"}], []),
    ([{"name": "warfarin", "current": True}], []),
])
def test_a_drug_taken_now_breaks_a_rule_against_its_current_use(taken, status):
    rule = CurrentTherapy(drug_or_class="corticosteroid", criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=taken, prior_therapies_complete=False)
    assert kinds(trial(current_therapies=[rule]), who, "prior_therapy") == status


def test_octreotide_taken_now_breaks_a_washout_of_somatostatin_analogues():
    rule = CurrentTherapy(drug_or_class="somatostatin analogue", criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=[{"name": "octreotide", "current": True}], prior_therapies_complete=False)
    assert kinds(trial(current_therapies=[rule]), who, "prior_therapy") == ["not_met"]


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_a_therapy_taken_now_is_a_json_boolean(value):
    with pytest.raises(PatientError, match=r"prior_therapies\.0\.current|prior_therapies\[0\]\.current"):
        patient(prior_therapies=[{"name": "warfarin", "current": value}])


@pytest.mark.parametrize("value", ["no", 0, None])
def test_prior_therapies_complete_is_a_json_boolean(value):
    with pytest.raises(PatientError, match="prior_therapies_complete"):
        patient(prior_therapies_complete=value)


def test_prior_therapies_not_given_are_unknown():
    rule = PriorTherapy(drug_or_class="trk inhibitor", polarity="excluded", criterion=0, span=(0, 21))
    assert kinds(trial(prior_therapies=[rule]), ntrk_amp(), "prior_therapy") == ["unknown"]


def test_active_cns_metastases_fail_a_stable_only_rule():
    doc = trial(cns_metastases=CnsMetastases(allowed="stable_only", criterion=0))
    assert kinds(doc, ntrk_amp(cns_metastases="active"), "cns_metastases") == ["not_met"]


def test_a_cohort_only_marker_is_unknown_with_its_sentence_whatever_the_patient_has():
    cohort = UncertainFact(reason="cohort", biomarker=marker(), criterion=0, span=(0, 21))
    verdicts = [v for v in evaluate(trial(uncertain=[cohort]), ntrk_amp()).criteria if v.kind == "biomarker"]
    assert [(v.status, v.criterion) for v in verdicts] == [("unknown", "the protocol sentence")]
    assert "cohort" in verdicts[0].explanation


def test_a_cohort_only_prior_therapy_is_unknown_even_for_a_patient_who_had_it():
    rule = PriorTherapy(drug_or_class="trk inhibitor", polarity="excluded", criterion=0, span=(0, 21))
    cohort = UncertainFact(kind="prior_therapy", reason="cohort", therapy=rule, criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=[{"name": "larotrectinib"}])
    verdicts = [v for v in evaluate(trial(uncertain=[cohort]), who).criteria if v.kind == "prior_therapy"]
    assert [v.status for v in verdicts] == ["unknown"]
    assert verdicts[0].explanation.startswith("trial excludes prior trk inhibitor for one cohort")


def test_a_lab_limit_for_liver_metastases_only_gives_no_verdict_as_a_certain_limit_gives_none():
    limit = Lab(analyte="ast", comparator="<=", value=5.0, uln_multiple=True, criterion=0, span=(0, 21))
    conditional = UncertainFact(kind="lab", reason="conditional", lab=limit, criterion=0, span=(0, 21))
    certain = judge(trial(labs=[limit]), ntrk_amp(), 0.5)
    result = judge(trial(uncertain=[conditional]), ntrk_amp(), 0.5)
    assert result.criteria == certain.criteria
    assert result.verdict == certain.verdict == "potentially_eligible"


@pytest.mark.parametrize("taken, status", [
    ([{"name": "prednisone", "current": True}], ["unknown"]),
    ([{"name": "prednisone"}], []),
])
def test_a_cohort_only_current_therapy_is_unknown_for_a_patient_taking_it(taken, status):
    rule = CurrentTherapy(drug_or_class="corticosteroid", criterion=0, span=(0, 21))
    cohort = UncertainFact(kind="current_therapy", reason="cohort", current_therapy=rule, criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=taken, prior_therapies_complete=False)
    assert kinds(trial(uncertain=[cohort]), who, "prior_therapy") == status


def test_an_uncertain_fact_alone_leaves_the_patient_potentially_eligible():
    either = UncertainFact(reason="either", biomarker=marker(polarity="excluded"), criterion=0, span=(0, 21))
    doc = trial(uncertain=[either])
    assert evaluate(doc, ntrk_amp()).criteria[0].status == "unknown"
    assert "not_met" not in [v.status for v in evaluate(doc, ntrk_amp()).criteria]


# -- retrieval and ranking (hand-built trials, embedded backend) --------------------------------------------

@pytest.fixture
def small(tmp_path):
    backend = EmbeddedBackend(tmp_path / "index")
    backend.upsert(documents())
    return backend


def test_the_exact_amplification_trial_ranks_first(small):
    assert match_patient(ntrk_amp(age=40), small)[0].nct_id == "NCT00000001"


def test_a_basket_trial_is_found_for_a_tumour_it_does_not_name(small):
    who = patient(biomarkers=[{"gene": "NTRK2", "alteration": "fusion"}])
    assert match_patient(who, small)[0].nct_id == "NCT00000002"


def test_closed_trials_are_left_out_by_default(small):
    assert "NCT00000003" not in [r.nct_id for r in match_patient(ntrk_amp(age=10), small)]


def test_any_status_includes_closed_trials(small):
    assert "NCT00000003" in [r.nct_id for r in match_patient(ntrk_amp(age=10), small, statuses=None)]


def test_ineligible_trials_come_after_eligible_ones_when_included(small):
    results = match_patient(ntrk_amp(age=40), small, statuses=None, include_ineligible=True)
    verdicts = [r.verdict for r in results]
    assert verdicts == sorted(verdicts, key=lambda v: v != "potentially_eligible") and "not_eligible" in verdicts


def test_open_trials_rank_before_closed_ones_among_the_eligible(small):
    ranked = [r.nct_id for r in match_patient(ntrk_amp(age=18), small, statuses=None)]
    assert ranked.index("NCT00000001") < ranked.index("NCT00000003")


def test_a_patient_with_only_query_syntax_for_conditions_matches_nothing(small):
    assert match_patient(patient(conditions=['*:* OR 1=1 {"match_all": {}}']), small) == []


def test_a_trial_for_the_patients_own_non_cancer_disease_is_retrieved_by_its_term_without_sharing_a_word(tmp_path):
    from nlp.models import DiseaseFacts, DiseaseTerm
    obesity = DiseaseFacts(terms=[DiseaseTerm(id="DOID:9970", name="obesity", source="title", text="Obese")])
    backend = EmbeddedBackend(tmp_path / "index")
    backend.upsert([trial(diseases=obesity).model_copy(update={"title": "Diet in Obese Women"})])
    found = match_patient(patient(conditions=["obesity"]), backend, statuses=None)
    assert [(r.nct_id, r.criteria[0].status) for r in found] == [("NCT00000009", "met")]


def test_a_negative_result_is_no_reason_to_retrieve_trials_of_that_gene(small):
    who = patient(conditions=["zzyzx"], biomarkers=[{"gene": "NTRK", "status": "negative"}])
    assert match_patient(who, small, statuses=None, include_ineligible=True) == []


# -- scenarios on the real NTRK trials with the API v2 studies as distractors -------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    settings = indexed_corpus(tmp_path_factory.getbasetemp())
    backend = open_backend(settings)
    yield backend
    backend.close()


def verdict_of(results, nct_id):
    return next(r for r in results if r.nct_id == nct_id)


def test_the_slim_match_view_gives_the_same_verdicts_as_the_full_document(corpus):
    who = ntrk_amp(9, age=52, sex="female", ecog=1, prior_therapies=[{"name": "larotrectinib"}],
                   cns_metastases="stable")
    docs = corpus.search(size=1000)
    assert [evaluate(match_view(d), who) for d in docs] == [evaluate(d, who) for d in docs]


def test_the_slim_match_view_quotes_the_criterion_a_current_therapy_breaks(corpus):
    who = ntrk_amp(9, prior_therapies=[{"name": n, "current": True} for n in ("chemotherapy", "corticosteroid",
                                                                             "radiotherapy", "warfarin")])
    docs = [d for d in corpus.search(size=1000) if d.facts.current_therapies]
    assert docs
    assert [evaluate(match_view(d), who) for d in docs] == [evaluate(d, who) for d in docs]


def test_the_slim_match_view_keeps_the_lab_thresholds_a_patients_renal_failure_decides(corpus):
    who = ntrk_amp(9, conditions=["infantile fibrosarcoma", "end-stage renal disease"])
    docs = [d for d in corpus.search(size=1000) if d.facts.labs]
    full = [evaluate(d, who) for d in docs]
    assert any(v.kind == "lab" for e in full for v in e.criteria)
    assert [evaluate(match_view(d), who) for d in docs] == full
@pytest.mark.parametrize("who", [
    {"conditions": ["metastatic colorectal adenocarcinoma"], "ecog": 2,
     "biomarkers": [{"gene": "NTRK1", "alteration": "amplification", "copies": 9}]},
    {"conditions": ["non-small cell lung cancer", "hypertension"], "ecog": 1,
     "biomarkers": [{"gene": "ETV6-NTRK3"}], "prior_therapies": [{"name": "larotrectinib", "outcome": "progression"}]},
    {"conditions": ["breast cancer"], "cns_metastases": "active"},
])
def test_a_match_gives_the_eligible_trials_of_a_match_that_keeps_the_ineligible(corpus, who):
    """Without age or sex both matches retrieve the same candidates: dropping a trial at its first criterion not met
    changes neither which trials are eligible nor their verdicts, scores and order."""
    who = parse_patient(who)
    every = match_patient(who, corpus, statuses=None, include_ineligible=True, top=1000)
    assert any(r.verdict == "not_eligible" for r in every)
    eligible = [r for r in every if r.verdict == "potentially_eligible"]
    assert match_patient(who, corpus, statuses=None, top=1000) == eligible


def test_an_ntrk1_amplified_patient_gets_the_model_trial_first(corpus):
    assert match_patient(ntrk_amp(9, age=52), corpus)[0].nct_id == MODEL_TRIAL


@pytest.mark.parametrize("nct_id", FUSION_ONLY)
def test_fusion_only_trials_say_biomarker_not_met_for_an_amplification_when_ntrk1_3_were_tested(corpus, nct_id):
    who = ntrk_amp(9, age=52, tested_genes=[*NTRK_TESTED, "ETV6"])  # SCOUT also offers an ETV6 rearrangement
    results = match_patient(who, corpus, statuses=None, include_ineligible=True, top=50)
    assert "not_met" in [v.status for v in verdict_of(results, nct_id).criteria if v.kind == "biomarker"]


@pytest.mark.parametrize("nct_id", FUSION_ONLY)
def test_fusion_only_trials_leave_an_amplification_unknown_when_ntrk2_and_ntrk3_were_not_tested(corpus, nct_id):
    results = match_patient(ntrk_amp(9, age=52), corpus, statuses=None, include_ineligible=True, top=50)
    statuses = {v.status for v in verdict_of(results, nct_id).criteria if v.kind == "biomarker"}
    assert "unknown" in statuses and "not_met" not in statuses


def test_five_copies_do_not_meet_the_model_trial_biomarker(corpus):
    results = match_patient(ntrk_amp(5, age=52, tested_genes=NTRK_TESTED), corpus, include_ineligible=True, top=50)
    assert [v.status for v in verdict_of(results, MODEL_TRIAL).criteria if v.kind == "biomarker"] == ["not_met"]


def test_age_fifteen_does_not_meet_the_model_trial_age(corpus):
    results = match_patient(ntrk_amp(9, age=15), corpus, include_ineligible=True, top=50)
    assert [v.status for v in verdict_of(results, MODEL_TRIAL).criteria if v.kind == "age"] == ["not_met"]


def test_age_fifteen_leaves_the_model_trial_out_of_eligible_results(corpus):
    assert MODEL_TRIAL not in [r.nct_id for r in match_patient(ntrk_amp(9, age=15), corpus, top=50)]


def test_an_etv6_ntrk3_fusion_patient_gets_a_fusion_basket_trial_not_the_amplification_trial(corpus):
    who = patient(age=40, conditions=["salivary gland carcinoma"], biomarkers=[{"gene": "ETV6-NTRK3"}])
    ranked = [r.nct_id for r in match_patient(who, corpus, top=10)]
    fusion_baskets = {"NCT02576431", "NCT02568267", "NCT03093116"}
    # NTRK1 and NTRK2 were not tested, so the amplification trial stays possible (unknown), but ranks lower
    assert ranked[0] in fusion_baskets
    assert MODEL_TRIAL not in ranked or ranked.index(MODEL_TRIAL) > max(ranked.index(n) for n in fusion_baskets
                                                                        if n in ranked)


def test_a_patient_progressing_on_larotrectinib_is_eligible_for_selitrectinib(corpus):
    who = patient(age=30, biomarkers=[{"gene": "NTRK1", "alteration": "fusion"}],
                  prior_therapies=[{"name": "larotrectinib", "outcome": "progression"}])
    results = match_patient(who, corpus, top=50, include_ineligible=True)
    statuses = [v.status for v in verdict_of(results, "NCT03215511").criteria if v.kind == "prior_therapy"]
    assert "met" in statuses and "not_met" not in statuses


def test_a_patient_progressing_on_larotrectinib_is_not_eligible_for_startrk2(corpus):
    who = patient(age=30, biomarkers=[{"gene": "NTRK1", "alteration": "fusion"}],
                  prior_therapies=[{"name": "larotrectinib", "outcome": "progression"}])
    result = verdict_of(match_patient(who, corpus, top=50, include_ineligible=True), "NCT02568267")
    assert result.verdict == "not_eligible"
    assert "not_met" in [v.status for v in result.criteria if v.kind == "prior_therapy"]


def test_an_infant_with_an_etv6_ntrk3_fusion_is_potentially_eligible_for_scout(corpus):
    who = patient(age=0.5, conditions=["infantile fibrosarcoma"], biomarkers=[{"gene": "ETV6-NTRK3"}])
    result = verdict_of(match_patient(who, corpus, statuses=None, include_ineligible=True, top=50), "NCT02637687")
    assert "met" in [v.status for v in result.criteria if v.kind == "biomarker"]
    assert result.verdict == "potentially_eligible"


def test_a_her2_breast_cancer_patient_gets_a_breast_cancer_trial_first(corpus):
    who = patient(age=50, sex="female", conditions=["HER2-positive metastatic breast cancer"],
                  biomarkers=[{"gene": "HER2", "alteration": "amplification"}])
    top = match_patient(who, corpus, top=3)
    assert top and "breast" in " ".join(corpus.get(top[0].nct_id).conditions).lower()


@pytest.mark.elasticsearch
def test_elasticsearch_gives_the_model_trial_first_too(corpus, es_url):
    elastic = ElasticBackend(es_url, index="test-matching-scenario")
    try:
        elastic.rebuild(corpus.search(size=1000))
        assert match_patient(ntrk_amp(9, age=52), elastic)[0].nct_id == MODEL_TRIAL
    finally:
        elastic.drop()
        elastic.close()


# -- ranking: tiers and what the trial is about ---------------------------------------------------------------

def test_gene_mentions_read_gene_names_in_the_text_case_sensitively():
    from search.documents import gene_mentions
    assert gene_mentions(["HER2-positive tumours; MET amplification", "criteria met", "c-KIT"]) == [
        "ERBB2", "MET", "KIT"]


def test_gene_mentions_fold_the_case_only_of_tokens_with_a_digit_or_after_c_dash():
    from search.documents import gene_mentions
    assert gene_mentions(["Patients who met the criteria at max dose; eGFR > 60 by kit assay"]) == []
    assert gene_mentions(["her2 and p53 status", "c-kit or c-myc expression", "Flt3 ligand"]) == [
        "ERBB2", "TP53", "KIT", "MYC", "FLT3"]


def test_gene_mentions_leave_out_two_letter_names_which_abbreviate_other_things_as_often():
    from search.documents import gene_mentions
    assert gene_mentions(["partial response (PR); paliperidone extended release (ER); PR interval > 250 msec",
                          "ER and PR positive, AR, FH"]) == []
    assert gene_mentions(["PgR-positive, ESR1 mutation"]) == ["PGR", "ESR1"]


def test_gene_mentions_read_hyphenated_gene_symbols_whole():
    from search.documents import gene_mentions
    assert gene_mentions(["frequency of RAS mutations (H-, K-, and N-RAS)", "K-ras mutant tumours",
                          "no overexpression of HER-2", "bcl-2 and mdm-2 expression"]) == [
        "NRAS", "KRAS", "ERBB2", "BCL2", "MDM2"]


def test_gene_mentions_leave_out_hyphenated_lower_case_words():
    from search.documents import gene_mentions
    assert gene_mentions(["no selective estrogen-receptor modulators"]) == []


def test_a_trial_naming_the_patients_gene_only_in_its_text_ranks_above_one_naming_no_biomarker():
    from search.matching import judge
    who = patient(biomarkers=[{"gene": "CDK4", "alteration": "amplification"}])
    plain = trial()
    about = trial().model_copy(update={"nct_id": "NCT00000010", "gene_mentions": ["CDK4"]})
    assert judge(about, who, 0.0).score > judge(plain, who, 1.0).score


def test_a_trial_requiring_the_patients_gene_of_a_kind_not_known_to_fit_ranks_above_one_naming_it_in_its_text():
    from search.matching import judge
    who = patient(biomarkers=[{"gene": "KIT", "alteration": "mutation", "variant": "A502_Y503dup"}])
    requires = trial(biomarkers=[marker(gene="KIT", alteration="expression", polarity="required")])
    names = trial().model_copy(update={"nct_id": "NCT00000010", "gene_mentions": ["KIT"]})
    assert kinds(requires, who, "biomarker") == ["unknown"]
    assert judge(requires, who, 0.0).score > judge(names, who, 1.0).score


def test_a_trial_requiring_the_patients_very_variant_ranks_above_one_requiring_the_kind_of_alteration():
    from search.matching import judge
    who = patient(biomarkers=[{"gene": "BRAF", "alteration": "mutation", "variant": "V600E"}])
    variant = trial(biomarkers=[marker(gene="BRAF", alteration="mutation", variant="v600e")])
    kind = trial(biomarkers=[marker(gene="BRAF", alteration="mutation")]).model_copy(update={"nct_id": "NCT00000010"})
    assert kinds(variant, who, "biomarker") == kinds(kind, who, "biomarker") == ["met"]
    assert judge(variant, who, 0.0).score > judge(kind, who, 1.0).score


def test_a_trial_for_the_primary_diagnosis_ranks_above_one_for_a_comorbidity_more_relevant_by_its_words():
    from nlp.models import DiseaseFacts, DiseaseTerm
    from search.matching import judge
    def for_disease(term_id, name, nct_id):
        facts = DiseaseFacts(terms=[DiseaseTerm(id=term_id, name=name, source="condition", text=name)])
        return trial().model_copy(update={"nct_id": nct_id, "facts": TrialCriteria(diseases=facts)})
    who = patient(conditions=["Parkinson's disease", "hypertension"])
    primary = judge(for_disease("DOID:14330", "Parkinson's disease", "NCT00000011"), who, 0.0)
    comorbidity = judge(for_disease("DOID:10763", "hypertension", "NCT00000012"), who, 1.0)
    assert (primary.criteria[0].status, comorbidity.criteria[0].status) == ("met", "met")
    assert primary.score > comorbidity.score


def test_eligible_trials_with_the_diagnosis_met_rank_above_those_with_it_unknown():
    from nlp.models import DiseaseFacts, DiseaseTerm
    from search.matching import judge
    def for_disease(term_id, name, nct_id):
        facts = DiseaseFacts(terms=[DiseaseTerm(id=term_id, name=name, source="condition", text=name)])
        return trial().model_copy(update={"nct_id": nct_id, "facts": TrialCriteria(diseases=facts)})
    who = patient(conditions=["lung cancer"])
    met = judge(for_disease("DOID:1324", "lung cancer", "NCT00000011"), who, 0.0)
    unknown = judge(for_disease("DOID:3908", "lung non-small cell carcinoma", "NCT00000012"), who, 1.0)
    assert (met.verdict, unknown.verdict, met.score > unknown.score) == (
        "potentially_eligible", "potentially_eligible", True)


def test_a_trial_for_the_patients_disease_ranks_above_a_basket_the_patient_fits_only_as_any_solid_tumour(shared_dir):
    from search.matching import judge
    who = patient(conditions=["liposarcoma"], age=38, sex="male",
                  biomarkers=[{"gene": "CDK4", "alteration": "amplification"}])
    liposarcoma = legacy_document(shared_dir, "NCT00004180")  # "Rosiglitazone in Treating Patients With Liposarcoma"
    basket = legacy_document(shared_dir, "NCT00002587")  # "Paclitaxel Plus Topotecan in Treating Patients With Solid
    # Tumors": completed as well, no biomarker, fewer unknown criteria
    assert [v.status for v in judge(basket, who, 1.0).criteria if v.kind == "diagnosis"] == ["met"]
    assert judge(liposarcoma, who, 0.0).score > judge(basket, who, 1.0).score


def test_a_basket_whose_keywords_list_the_patients_cancer_ranks_above_a_basket_that_does_not(shared_dir):
    from search.matching import judge
    who = patient(conditions=["Prostate cancer"], age=56, sex="male")
    listing = legacy_document(shared_dir, "NCT00499291")  # "... Advanced or Refractory Solid Tumors", condition
    # "Cancer", keywords "recurrent prostate cancer", "stage IV prostate cancer" among about 80
    basket = legacy_document(shared_dir, "NCT00002587").model_copy(  # "... Solid Tumors", no cancer in its keywords
        update={"overall_status": listing.overall_status})
    diagnoses = [[v.status for v in judge(d, who, 0.0).criteria if v.kind == "diagnosis"] for d in (listing, basket)]
    assert diagnoses == [["met"], ["met"]]
    assert judge(listing, who, 0.0).score > judge(basket, who, 1.0).score


def test_a_trial_whose_registry_names_the_patients_cancer_ranks_above_a_basket_whose_keywords_list_it(shared_dir):
    from search.matching import judge
    who = patient(conditions=["Prostate cancer"], age=56, sex="male")
    listing = legacy_document(shared_dir, "NCT00499291")
    prostate = legacy_document(shared_dir, "NCT00007540").model_copy(  # "Study of Prostate Cancer in Black and
        update={"overall_status": listing.overall_status})  # White U.S. Veterans"
    assert judge(prostate, who, 0.0).score > judge(listing, who, 1.0).score


def test_a_basket_requiring_the_patients_gene_still_ranks_above_a_trial_for_the_disease_naming_no_biomarker(shared_dir):
    import json

    from nlp.extract import extract_study
    from search.documents import build_document
    from search.matching import judge
    who = patient(conditions=["liposarcoma"], biomarkers=[{"gene": "NTRK1", "alteration": "fusion"}])
    study = json.loads((shared_dir / "ctgov" / "ntrk" / "NCT02576431.json").read_text(encoding="utf-8"))
    navigate = build_document(study, extract_study(study))  # NTRK fusion-positive solid tumours
    liposarcoma = legacy_document(shared_dir, "NCT00004180").model_copy(
        update={"overall_status": navigate.overall_status})
    assert judge(navigate, who, 0.0).score > judge(liposarcoma, who, 1.0).score


def legacy_document(shared_dir, nct_id: str) -> IndexDocument:
    from ingest.legacy_xml import study_from_xml
    from nlp.extract import extract_study
    from search.documents import build_document
    study = study_from_xml((shared_dir / "ctgov" / "legacy-xml" / f"{nct_id}.xml").read_bytes())
    return build_document(study, extract_study(study))


@pytest.mark.parametrize(("nct_id", "condition", "gene"), [
    ("NCT00003591", "pancreatic adenocarcinoma", "TP53"),  # the description: "Correlate p53 status with ..."
    ("NCT00003095", "breast cancer", "NRAS"),  # "the frequency of RAS gene mutations (H-, K-, and N-RAS)"
], ids=["gene-named-only-in-the-detailed-description", "hyphenated-gene-name"])
def test_a_trial_whose_text_names_the_patients_gene_ranks_as_about_it(shared_dir, nct_id, condition, gene):
    from search.matching import judge
    doc = legacy_document(shared_dir, nct_id)
    who = patient(conditions=[condition], age=60, sex="female", biomarkers=[{"gene": gene, "alteration": "any"}])
    assert gene in doc.gene_mentions
    unaware = doc.model_copy(update={"gene_mentions": [g for g in doc.gene_mentions if g != gene]})
    assert judge(doc, who, 0.0).score > judge(unaware, who, 0.0).score


def test_a_basket_for_biomarker_positive_solid_tumours_meets_a_lung_cancer_diagnosis(shared_dir):
    import json

    from nlp.extract import extract_study
    from search.diagnosis import diagnosis_verdict, understand
    from search.documents import build_document
    study = json.loads((shared_dir / "ctgov" / "ntrk" / "NCT02576431.json").read_text(encoding="utf-8"))
    doc = build_document(study, extract_study(study))  # "NTRK Fusion Positive Solid Tumors", lists NSCLC
    assert diagnosis_verdict(doc, understand(["Lung cancer"])).status == "met"


class _Ranked:
    """A backend stub that returns `docs` in order, minus the excluded ids, and records each request."""

    def __init__(self, docs):
        self.docs, self.requests = docs, []

    def retrieve(self, request):
        from search.backend import Hit
        self.requests.append(request)
        kept = [d for d in self.docs if d.nct_id not in set(request.exclude)]
        return [Hit(d, 1.0) for d in kept[:request.size]]

    def search(self, query=None, filters=None, size=20):
        return []

    def whereabouts(self, nct_ids):
        return []


def test_too_few_eligible_candidates_bring_a_deeper_retrieval_of_the_next_ones_only():
    male_only = [trial().model_copy(update={"nct_id": f"NCT1{i:07d}", "facts": TrialCriteria(sex="MALE")})
                 for i in range(40)]
    open_to_all = [trial().model_copy(update={"nct_id": f"NCT2{i:07d}"}) for i in range(5)]
    backend = _Ranked(male_only + open_to_all)
    results = match_patient(patient(sex="female"), backend, top=20)
    assert [r.nct_id for r in results] == sorted(d.nct_id for d in open_to_all)
    assert [len(r.exclude) for r in backend.requests] == [0, 40]


@pytest.mark.parametrize(("target", "polarity", "status"), [
    ("oxaliplatin", "excluded", "not_met"), ("fluoropyrimidine", "required", "met"),
    ("platinum", "excluded", "not_met"), ("irinotecan", "excluded", "met"),
])
def test_a_regimen_the_patient_had_counts_as_its_drugs_and_their_classes(target, polarity, status):
    rule = PriorTherapy(drug_or_class=target, polarity=polarity, criterion=0, span=(0, 21))
    who = ntrk_amp(prior_therapies=[{"name": "mFOLFOX6", "outcome": "progression"}])
    assert kinds(trial(prior_therapies=[rule]), who, "prior_therapy") == [status]


def test_another_therapy_of_the_same_criterion_makes_a_missing_one_unknown_not_unmet():
    rules = [PriorTherapy(drug_or_class=name, polarity="required", criterion=0, span=(0, 21))
             for name in ("taxane", "paclitaxel", "docetaxel")]
    other = PriorTherapy(drug_or_class="trastuzumab", polarity="required", criterion=1, span=(22, 40))
    doc = trial(prior_therapies=[*rules, other])
    assert kinds(doc, ntrk_amp(prior_therapies=[{"name": "docetaxel"}]), "prior_therapy") == [
        "met", "unknown", "met", "not_met"]
    assert kinds(doc, ntrk_amp(prior_therapies=[{"name": "larotrectinib"}]), "prior_therapy") == ["not_met"] * 4


def test_unknowns_of_one_kind_weigh_as_one_question_in_the_ranking(shared_dir):
    from search.matching import judge
    who = patient(conditions=["metastatic colorectal adenocarcinoma"], age=58, sex="female",
                  biomarkers=[{"gene": "KRAS", "alteration": "mutation", "variant": "G12D"}])
    # both completed colorectal cancer trials naming no biomarker, two criteria met; the treatment history
    # answers the three prior-therapy unknowns of the first at once, the second also asks about brain metastases
    one_history = legacy_document(shared_dir, "NCT00004142")  # "Radiofrequency Ablation Followed By Hepatic ..."
    more_kinds = legacy_document(shared_dir, "NCT00003287")  # "Combination Chemotherapy in Treating Patients ..."
    asked = judge(one_history, who, 0.0)
    other = judge(more_kinds, who, 0.9)
    unknown_kinds = [sorted({v.kind for v in r.criteria if v.status == "unknown"}) for r in (asked, other)]
    assert unknown_kinds == [["performance_status", "prior_therapy"],
                             ["cns_metastases", "performance_status", "prior_therapy"]]
    assert (asked.counts["unknown"], other.counts["unknown"]) == (4, 3)
    assert asked.score > other.score


@pytest.mark.parametrize(
    ("higher", "lower"),
    [
        # one more met criterion (or one question fewer) outranks the best text relevance
        (dict(met=3, asked=1, relevance=0.0), dict(met=2, asked=1, relevance=1.0)),
        # a basket whose keywords list the disease outranks any balance and relevance below it
        (dict(for_the_disease=1, met=0, asked=49, relevance=0.0), dict(met=49, asked=0, relevance=1.0)),
        # naming the disease outranks a keyword list naming it with the best balance and relevance
        (dict(for_the_disease=2, met=0, asked=49, relevance=0.0),
         dict(for_the_disease=1, met=49, asked=0, relevance=1.0)),
        # the primary diagnosis outranks naming the disease with the best balance and relevance
        (dict(primary=True, met=0, asked=49, relevance=0.0),
         dict(for_the_disease=2, met=49, asked=0, relevance=1.0)),
        (dict(specificity=1, met=0, asked=49), dict(primary=True, for_the_disease=2, met=49, relevance=1.0)),
    ],
    ids=["balance-over-relevance", "listed-over-balance", "named-over-listed", "primary-over-disease",
         "specificity-over-primary"],
)
def test_the_score_orders_results_by_each_ranking_key_before_the_next(higher, lower):
    base = dict(tier=2, open_=True, specificity=0, primary=False, for_the_disease=0, met=0, asked=0,
                relevance=0.0)
    assert score_of(**{**base, **higher}) > score_of(**{**base, **lower})


def test_the_slim_match_view_keeps_only_the_lab_thresholds_a_condition_can_decide(corpus):
    docs = [d for d in corpus.search(size=1000) if d.facts.labs]
    kept = {lab.analyte for d in docs for lab in match_view(d).facts.labs}
    assert kept and kept <= {"creatinine", "creatinine_clearance", "gfr"}
    assert {lab.analyte for d in docs for lab in d.facts.labs} - kept


def test_a_trial_for_a_kind_of_the_patients_cancer_requiring_their_gene_ranks_with_trials_for_the_disease(shared_dir):
    from search.matching import judge
    who = patient(conditions=["Lung cancer"], age=70, sex="male",
                  biomarkers=[{"gene": "ERBB2", "alteration": "amplification"}])
    her2_nsclc = legacy_document(shared_dir, "NCT00003881")  # "Trastuzumab Plus Chemotherapy in Treating Patients
    # With Advanced Non-small Cell Lung Cancer": NSCLC, HER2 positive required
    lung = legacy_document(shared_dir, "NCT00004930").model_copy(  # "Inhaled Doxorubicin in Treating Patients With
        update={"overall_status": her2_nsclc.overall_status})  # Primary Lung Cancer ...", no biomarker named
    asked, plain = judge(her2_nsclc, who, 0.0), judge(lung, who, 1.0)
    diagnoses = [[v.status for v in r.criteria if v.kind == "diagnosis"] for r in (asked, plain)]
    assert diagnoses == [["unknown"], ["met"]]  # the verdict still asks whether the lung cancer is an NSCLC
    assert asked.score > plain.score


def test_a_trial_for_a_kind_of_the_patients_cancer_naming_no_gene_of_theirs_stays_below_trials_for_the_disease(
        shared_dir):
    from search.matching import judge
    who = patient(conditions=["Lung cancer"], age=70, sex="male",
                  biomarkers=[{"gene": "ALK", "alteration": "fusion"}])
    her2_nsclc = legacy_document(shared_dir, "NCT00003881")
    lung = legacy_document(shared_dir, "NCT00004930").model_copy(update={"overall_status": her2_nsclc.overall_status})
    assert judge(her2_nsclc, who, 1.0).score < judge(lung, who, 0.0).score


class _Recording:
    """A backend that records the retrieval requests of a match and finds nothing."""

    def __init__(self):
        self.requests = []

    def retrieve(self, request):
        self.requests.append(request)
        return []

    def whereabouts(self, nct_ids):
        return []


def test_retrieval_text_leaves_out_the_function_words_of_the_conditions():
    recording = _Recording()
    match_patient(patient(conditions=["Quality of Life in Advanced Cancer", "Stage IV Non-small Cell Lung Cancer"]),
                  recording)
    assert recording.requests[0].text.split() == ["quality", "life", "cancer", "stage", "non", "small", "cell", "lung"]
