"""Similar trials: same algorithm on both backends, reasons name what is shared."""

from __future__ import annotations

import pytest

from search.backends import open_backend
from search.elastic import ElasticBackend
from search.similar import TrialNotFound, compact_genes, salient_terms, similar_trials
from tests.backend_suite import indexed_corpus

NTRK_TRIALS = {"NCT02576431", "NCT02637687", "NCT02122913", "NCT02097810", "NCT02568267", "NCT02650401",
               "NCT03093116", "NCT03215511"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    backend = open_backend(indexed_corpus(tmp_path_factory.getbasetemp()))
    yield backend
    backend.close()


def test_trials_like_the_model_trial_are_the_other_ntrk_trials(corpus):
    assert {r.nct_id for r in similar_trials("NCT04879121", corpus, top=5)} <= NTRK_TRIALS


def test_a_trial_is_never_similar_to_itself(corpus):
    assert "NCT04879121" not in [r.nct_id for r in similar_trials("NCT04879121", corpus, top=20)]


def test_a_shared_drug_is_a_reason(corpus):
    reasons = {r.nct_id: r.reasons for r in similar_trials("NCT04879121", corpus, top=10)}
    assert "shares larotrectinib" in reasons["NCT02576431"]


def test_shared_fusion_genes_are_a_compact_reason(corpus):
    reasons = {r.nct_id: r.reasons for r in similar_trials("NCT02576431", corpus, top=10)}
    assert "shares NTRK1/2/3 fusion" in reasons["NCT02568267"]


def test_results_are_ordered_by_score(corpus):
    scores = [r.score for r in similar_trials("NCT02568267", corpus, top=10)]
    assert scores == sorted(scores, reverse=True)


def test_an_unknown_trial_raises_trial_not_found(corpus):
    with pytest.raises(TrialNotFound, match="NCT99999999"):
        similar_trials("NCT99999999", corpus)


def test_salient_terms_leave_out_stop_words(corpus):
    terms = salient_terms(corpus.get("NCT04879121"))
    assert "larotrectinib" in terms and "the" not in terms and "treatment" not in terms


def test_gene_families_are_compacted():
    assert (compact_genes(["NTRK1", "NTRK2", "NTRK3"]), compact_genes(["ALK", "ROS1"])) == ("NTRK1/2/3", "ALK, ROS1")


@pytest.mark.elasticsearch
def test_elasticsearch_finds_the_same_leading_trials(corpus, es_url):
    elastic = ElasticBackend(es_url, index="test-similar-same")
    try:
        elastic.rebuild(corpus.search(size=1000))
        embedded = [r.nct_id for r in similar_trials("NCT02576431", corpus, top=3)]
        assert [r.nct_id for r in similar_trials("NCT02576431", elastic, top=3)] == embedded
    finally:
        elastic.drop()
        elastic.close()
