"""The TREC Clinical Trials and SIGIR readers of bench/eval_notes.py, on the shared files with their line-end quirks."""

from __future__ import annotations

from bench.trec_ct import read_qrels, read_topics, read_trialgpt


def test_qrels_ending_lines_with_cr_cr_lf_read_every_judgment():
    qrels = read_qrels("trec2021")
    assert sum(map(len, qrels.values())) == 35832 and qrels["1"]["NCT00002569"] == 1


def test_qrels_ending_lines_with_crlf_read_every_judgment():
    assert sum(map(len, read_qrels("trec2022").values())) == 35394


def test_the_2022_file_holds_the_2022_topics_whatever_its_header_says():
    topics = read_topics("trec2022")
    assert len(topics) == 50 and topics[0].text.startswith("A 19-year-old male came to clinic")


def test_trialgpt_texts_cover_the_trec_topics():
    assert set(read_trialgpt("trec2021")) == {t.number for t in read_topics("trec2021")}


def test_trialgpt_sigir_has_a_patient_201428_where_the_topics_have_the_group_201426():
    topics = {t.number for t in read_topics("sigir")}
    assert len(topics) == 59 and set(read_trialgpt("sigir")) ^ topics == {"201426", "201428"}
