"""Extraction work grows linearly with the text: the two texts of issue 14 that stalled a run, counted in the
work they cause (never timed here; bench/pathological_text.py times them at 1 MB)."""

from __future__ import annotations

import json
from pathlib import Path

from nlp import labs
from nlp.chunks import MAX_CHUNK_CHARS, tokenize
from nlp.extract import extract_text
from nlp.pipeline import get_nlp, make_doc_text
from nlp.polarity import cue_finder
from nlp.sections import MAX_CRITERION_CHARS, criteria_offsets, split_criteria

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "eligibility-texts.jsonl"
LAB_LIST = "ANC ≥ 1.5 x 10^9/L, platelets ≥ 100,000/mm3 and "


class _Counting:
    """A Span standing in for itself, counting how often its token offsets are read."""

    reads = 0

    def __init__(self, span) -> None:
        self._span = span

    def __getattr__(self, name: str):
        if name in ("start", "end"):
            _Counting.reads += 1
        return getattr(self._span, name)


def test_nested_parentheses_cost_no_suffix_search_over_the_whole_chunk():
    tokenizer = get_nlp().tokenizer.tokenizer
    scanned = []
    search = tokenizer.suffix_search
    tokenizer.suffix_search = lambda text: (scanned.append(len(text)), search(text))[1]
    try:
        text = "Inclusion Criteria: ECOG 0-1 " + "(" * 2000 + ")" * 2000
        scanned.clear()  # setting the search reloads spaCy's special cases, which searches them
        doc = tokenize(tokenizer, text)
    finally:
        tokenizer.suffix_search = search
    assert doc.text == text
    assert [t.text for t in doc][-4000:] == list("(" * 2000 + ")" * 2000)
    assert sum(scanned) < 10 * MAX_CHUNK_CHARS


def test_a_long_chunk_between_unicode_spaces_is_cut_in_linear_time():
    tokenizer = get_nlp().tokenizer.tokenizer
    text = "ECOG\u00a0" + "(" * 300 + ")" * 300 + "\u2003x"
    doc = tokenize(tokenizer, text)
    assert doc.text == text
    assert [t.text for t in doc if not t.is_space][1:601] == list("(" * 300 + ")" * 300)


def test_a_text_without_long_chunks_is_tokenized_by_spacy_as_before():
    tokenizer = get_nlp().tokenizer.tokenizer
    text = "Inclusion Criteria:\n* ANC ≥ 1.5 x 10^9/L (or ≥1500/mm3); ECOG≤2, age>=18 http://www.fda.gov/x"
    assert [(t.text, t.whitespace_) for t in tokenize(tokenizer, text)] == [
        (t.text, t.whitespace_) for t in tokenizer(text)
    ]


def test_a_repeated_lab_list_reads_each_entity_a_bounded_number_of_times():
    reads = {}
    for units in (100, 400):
        text = "Inclusion Criteria:\n* " + LAB_LIST * units
        doc = get_nlp()(make_doc_text(text))
        criterion = criteria_offsets(doc)[0]
        found = [e for e in doc.ents if e.label_ == "LAB"]
        comparators = [e for e in doc.ents if e.label_ == "COMPARATOR"]
        _Counting.reads = 0
        cues = cue_finder(get_nlp()).find(doc[criterion.start : criterion.end])
        counted = labs._criterion(doc, doc.text, 0, criterion, [_Counting(e) for e in found],
                                  [_Counting(e) for e in comparators], cues)
        assert counted == labs._criterion(doc, doc.text, 0, criterion, found, comparators, cues)
        assert [(lab.analyte, lab.value, reason) for lab, reason in counted] == [("anc", 1.5, None),
                                                                                  ("platelets", 100000.0, None)]
        reads[units] = _Counting.reads
    assert reads[400] < 5 * reads[100]


def test_a_criterion_longer_than_the_cap_is_read_in_pieces_cut_at_whitespace():
    text = "Inclusion Criteria:\n* " + LAB_LIST * 500
    pieces = split_criteria(text)
    assert len(LAB_LIST * 500) == 24_000 and len(pieces) == 3
    assert all(end - start <= MAX_CRITERION_CHARS for start, end, _ in pieces)
    assert all(text[start - 1].isspace() for start, _end, _ in pieces)
    facts = extract_text(text)
    assert {(lab.analyte, lab.value) for lab in facts.labs} == {("anc", 1.5), ("platelets", 100000.0)}


def test_the_longest_real_criterion_is_not_cut():
    record = next(json.loads(line) for line in CORPUS.open(encoding="utf-8") if '"NCT02938520"' in line)
    lengths = [end - start for start, end, _ in split_criteria(make_doc_text(record["criteria"]))]
    assert max(lengths) == 7948 < MAX_CRITERION_CHARS
