"""The TREC PM evaluation's pieces: topic strings to profiles, and the ranking metrics on a worked example."""

from __future__ import annotations

import math
import re

import pytest

from bench.eval_matching import ProfileSupport, condense, ndcg_at, precision_at, r_precision, scores
from bench.trec import TopicError, parse_demographic, parse_gene_part, read_qrels, read_topics, topic_profile
from search.patient import parse_patient


def _topic(year: int, number: int):
    return next(t for t in read_topics(year) if t.number == number)


def test_the_topic_files_hold_30_and_50_topics_with_qrels_for_each():
    assert [len(read_topics(2017)), len(read_topics(2018))] == [30, 50]
    qrels = read_qrels(2017)
    assert sorted(qrels) == list(range(1, 31))
    assert set(qrels[1].values()) <= {0, 1, 2}


def test_a_topic_with_two_variants_becomes_two_mutations_with_age_and_sex():
    topic = _topic(2017, 2)
    assert (topic.disease, topic.gene, topic.demographic) == ("Colon cancer", "KRAS (G13D), BRAF (V600E)",
                                                              "52-year-old male")
    assert topic_profile(topic).profile == {
        "age": 52.0, "sex": "male", "conditions": ["Colon cancer"],
        "biomarkers": [{"gene": "KRAS", "alteration": "mutation", "variant": "G13D"},
                       {"gene": "BRAF", "alteration": "mutation", "variant": "V600E"}],
    }


@pytest.mark.parametrize(("year", "number", "biomarkers"), [
    (2017, 1, [{"gene": "CDK4", "alteration": "amplification"}]),
    (2017, 3, [{"gene": "NF2", "alteration": "mutation", "variant": "K322"},
               {"gene": "AKT1", "alteration": "mutation", "variant": "E17K"}]),
    (2017, 8, [{"gene": "EML4-ALK", "alteration": "fusion"}]),
    (2017, 9, [{"gene": "KIT", "alteration": "mutation", "variant": "A502_Y503dup"}]),
    (2017, 13, [{"gene": "BRCA2", "alteration": "any"}]),
    (2017, 22, [{"gene": "ERBB2", "alteration": "amplification"}]),
    (2017, 23, [{"gene": "PTEN", "alteration": "any"}]),
    (2017, 30, [{"gene": "RB1", "alteration": "any"}, {"gene": "TP53", "alteration": "any"},
                {"gene": "KRAS", "alteration": "any"}]),
    (2018, 11, [{"gene": "KIT", "alteration": "mutation", "variant": "L576P"},
                {"gene": "KIT", "alteration": "amplification"}]),
    (2018, 15, [{"gene": "NF1", "alteration": "mutation"}]),
    (2018, 16, [{"gene": "NTRK1", "alteration": "fusion"}]),
    (2018, 17, [{"gene": "TP53", "alteration": "any"}]),
    (2018, 19, [{"gene": "PD-L1", "alteration": "expression", "status": "negative"}]),
])
def test_gene_fields_of_real_topics_become_biomarkers_of_the_right_kind(year, number, biomarkers):
    assert topic_profile(_topic(year, number)).profile["biomarkers"] == biomarkers


def test_a_gene_field_naming_no_gene_is_left_out_with_its_reason():
    profile = topic_profile(_topic(2018, 20))
    assert profile.profile["biomarkers"] == []
    (left_out,) = profile.left_out
    assert left_out.text == "high tumor mutational burden" and "names no gene" in left_out.note
    assert parse_gene_part("high serum LDH levels").biomarker is None


@pytest.mark.parametrize(("text", "expected"), [
    ("38-year-old male", (38.0, "male")), ("4-year-old female", (4.0, "female")),
    ("a 67 year old woman", (67.0, "female")),
])
def test_demographics_give_age_and_sex(text, expected):
    assert parse_demographic(text) == expected


def test_a_demographic_without_age_and_sex_is_an_error_naming_the_field():
    with pytest.raises(TopicError, match=re.escape("topic 2017/9 demographic: expected '<age>-year-old male|female'")):
        parse_demographic("adult", "topic 2017/9 demographic")


def test_every_topic_gives_a_profile_the_matcher_accepts_once_unsupported_biomarkers_are_dropped():
    support = ProfileSupport.probe()
    for year in (2017, 2018):
        for topic in read_topics(year):
            runnable, dropped = support.runnable(topic_profile(topic).profile)
            patient = parse_patient(runnable)
            assert patient.conditions == [topic.disease] and patient.age is not None and patient.sex
            assert len(patient.biomarkers) + len(dropped) == len(topic_profile(topic).profile["biomarkers"])


def test_the_fallback_drops_kind_unknown_and_negative_biomarkers_only_when_unsupported():
    profile = topic_profile(_topic(2018, 5)).profile | {"biomarkers": [
        {"gene": "BRAF", "alteration": "mutation", "variant": "V600E"}, {"gene": "PTEN", "alteration": "any"},
        {"gene": "PD-L1", "alteration": "expression", "status": "negative"}]}
    kept, dropped = ProfileSupport(kind_unknown=False, negative_status=False).runnable(profile)
    assert [b["gene"] for b in kept["biomarkers"]] == ["BRAF"] and [b["gene"] for b in dropped] == ["PTEN", "PD-L1"]
    kept, dropped = ProfileSupport(kind_unknown=True, negative_status=True).runnable(profile)
    assert kept == profile and dropped == []


def test_metrics_on_a_hand_computed_condensed_list():
    # Judged: A=2, B=0, C=1, D=0, E=2 (E never retrieved); X is not judged and is cut from the list.
    judged = {"A": 2, "B": 0, "C": 1, "D": 0, "E": 2}
    ranking = ["A", "X", "B", "C", "D"]
    ranked = condense(ranking, judged)
    assert ranked == [2, 0, 1, 0]
    # DCG = (2^2-1)/log2(2) + (2^1-1)/log2(4) = 3 + 0.5; ideal [2, 2, 1, 0, 0] = 3 + 3/log2(3) + 0.5
    assert ndcg_at(ranked, judged.values()) == pytest.approx(3.5 / (3.5 + 3 / math.log2(3)))
    assert ndcg_at(ranked, judged.values()) == pytest.approx(0.64901, abs=1e-5)
    assert precision_at(ranked) == pytest.approx(0.2)  # 2 relevant in a list shorter than 10
    assert r_precision(ranked, judged.values()) == pytest.approx(2 / 3)  # R = 3 (A, C, E); [2, 0, 1]
    assert scores(["E", "A", "C"], judged) == {"ndcg@10": pytest.approx(1.0), "p@10": pytest.approx(0.3),
                                               "r-prec": pytest.approx(1.0)}


def test_metrics_of_a_topic_without_relevant_trials_are_zero_not_an_error():
    assert scores(["A"], {"A": 0}) == {"ndcg@10": 0.0, "p@10": 0.0, "r-prec": 0.0}
