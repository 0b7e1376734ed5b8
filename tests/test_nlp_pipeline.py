"""The pipeline's tokenizer and entity ruler: the same tokens as the affix rules searched anew each time, the same
entities as spaCy's stock EntityRuler, written without a Span each."""

from __future__ import annotations

import json
import random
from pathlib import Path

import spacy
from spacy.pipeline import EntityRuler
from spacy.tokenizer import Tokenizer

from nlp.extract import extract_studies, extract_study
from nlp.pipeline import get_nlp, make_doc_text
from nlp.polarity import cue_finder
from nlp.sections import CriterionSpans, criteria_offsets
from nlp.text import doc_text


def entities(doc) -> tuple[list, list]:
    return (
        [(e.start, e.end, e.label_, e.ent_id_, e.kb_id_) for e in doc.ents],
        [(t.ent_iob_, t.ent_type_, t.ent_id_) for t in doc],
    )


def _unkept(nlp) -> Tokenizer:
    """A tokenizer with the same rules whose affix searches are the bare regular expressions, kept nowhere."""
    kept = nlp.tokenizer.tokenizer
    return Tokenizer(
        nlp.vocab,
        rules=kept.rules,
        prefix_search=kept.prefix_search.__self__.search,
        suffix_search=kept.suffix_search.__self__.search,
        infix_finditer=kept.infix_finditer.__self__.finditer,
        token_match=kept.token_match,
        url_match=kept.url_match,
    )


def test_kept_affix_searches_give_the_tokens_of_searching_anew_on_registry_texts(shared_dir: Path):
    lines = (shared_dir / "corpus" / "eligibility-texts.jsonl").read_text().splitlines()
    texts = [make_doc_text(json.loads(line)["criteria"] or "") for line in random.Random(3).sample(lines, 300)]
    nlp = get_nlp()
    unkept = _unkept(nlp)
    for text in texts + texts:  # the second time round, the searches' results are the kept ones
        assert [t.text for t in nlp.make_doc(text)] == [t.text for t in unkept(text)], text[:200]


def test_a_repeated_word_gives_the_same_tokens_wherever_it_is_glued():
    nlp = get_nlp()
    text = "(vaccines) vaccines. vaccines, e.g.,vaccines ECOG<2, ECOG≤2; 0–1 ages:18-75 (e.g., AST/ALT)."
    for _ in range(2):
        assert [t.text for t in nlp.make_doc(text)] == [t.text for t in _unkept(nlp)(text)]


def test_the_tokenizer_still_serialises_its_affix_rules():
    tokenizer = get_nlp().tokenizer.tokenizer
    copy = Tokenizer(spacy.blank("en").vocab).from_bytes(tokenizer.to_bytes())
    text = "Age>=18; ECOG 0–1 (e.g., AST/ALT)."
    assert [t.text for t in copy(text)] == [t.text for t in tokenizer(text)]


def test_entities_equal_the_stock_entity_ruler_on_registry_texts(shared_dir: Path):
    lines = (shared_dir / "corpus" / "eligibility-texts.jsonl").read_text().splitlines()
    texts = [json.loads(line)["criteria"] or "" for line in random.Random(7).sample(lines, 300)] + ["", "   "]
    nlp = get_nlp()
    ruler = nlp.get_pipe("entity_ruler")
    found = 0
    for text in texts:
        ours, stock = nlp.make_doc(make_doc_text(text)), nlp.make_doc(make_doc_text(text))
        matches = ruler.match(ours)
        ruler.set_annotations(ours, matches)
        EntityRuler.set_annotations(ruler, stock, matches)
        assert entities(ours) == entities(stock), text[:200]
        found += len(ours.ents)
    assert found > 1000  # genes, drugs, scales, comparators ... were found, not just empty docs compared


def test_a_doc_that_already_has_entities_keeps_them_where_no_pattern_overlaps():
    nlp = get_nlp()
    doc = nlp.make_doc("Prior larotrectinib for an NTRK fusion")
    doc.ents = [doc.char_span(0, 5, label="TIME")]
    ruler = nlp.get_pipe("entity_ruler")
    ruler(doc)
    assert [(e.text, e.label_) for e in doc.ents][0] == ("Prior", "TIME")
    assert {"larotrectinib", "NTRK"} <= {e.text for e in doc.ents}


_WRAPPED = (
    "Inclusion Criteria:\n\n"
    "          -  Adequate general condition, graded 0 or 1 on the scale of the Eastern Cooperative\n"
    "             Oncology Group, and a tumour with a rearrangement of the anaplastic lymphoma\n"
    "             kinase gene\n"
)


def test_a_scale_or_gene_name_a_hard_wrapped_line_breaks_is_one_entity():
    doc = get_nlp()(make_doc_text(_WRAPPED))
    assert [(" ".join(e.text.split()), e.ent_id_) for e in doc.ents if e.label_ in ("SCALE", "GENE")] == [
        ("Eastern Cooperative Oncology Group", "ecog"),
        ("anaplastic lymphoma kinase", "ALK"),
    ]


def test_a_performance_scale_a_hard_wrapped_line_breaks_gives_its_grade():
    text = (
        "Inclusion Criteria:\n\n"
        "          -  Adequate general condition: a World Health Organization performance\n"
        "             status of 0 or 1 at screening\n"
    )
    assert get_nlp()(make_doc_text(text))._.facts["performance_status"].ecog_max == 1


def test_a_name_is_not_matched_across_a_blank_line_or_a_new_item():
    apart = "Inclusion Criteria:\n\n  -  Eastern Cooperative\n\n     Oncology Group 0-1\n"
    items = "Inclusion Criteria:\n  -  Eastern Cooperative\n  -  Oncology Group 0-1\n"
    for text in (apart, items):
        assert not [e for e in get_nlp()(make_doc_text(text)).ents if e.label_ == "SCALE"], text


def test_other_labels_are_read_only_as_written_on_one_line():
    text = (
        "Exclusion Criteria:\n\n"
        "          -  Patients must have a CT or MRI scan of the head to look for disease of the central\n"
        "             nervous system within 42 days prior to registration\n"
    )
    assert not [e for e in get_nlp()(make_doc_text(text)).ents if e.label_ == "CNS"]


def _study(nct_id: str, criteria: str, minimum_age: str) -> dict:
    return {"protocolSection": {
        "identificationModule": {"nctId": nct_id, "briefTitle": "A study of larotrectinib in solid tumours"},
        "conditionsModule": {"conditions": ["Solid Tumor"]},
        "eligibilityModule": {"eligibilityCriteria": criteria, "minimumAge": minimum_age, "sex": "ALL"},
    }}


def test_many_studies_give_the_records_of_each_study_alone_in_order():
    studies = [
        _study("NCT1", "Inclusion Criteria:\n* Age 18 to 75 years\n* ECOG 0-1\n* NTRK fusion", "18 Years"),
        _study("NCT2", "Exclusion Criteria:\n* Prior larotrectinib \\< 6 months", "12 Years"),
        _study("NCT3", "", "N/A"),
    ]
    assert list(extract_studies(studies, batch_size=2)) == [extract_study(s) for s in studies]


def test_the_cue_finders_text_test_never_rules_out_a_cue_it_finds_on_registry_texts(shared_dir: Path):
    lines = (shared_dir / "corpus" / "eligibility-texts.jsonl").read_text().splitlines()
    texts = [make_doc_text(json.loads(line)["criteria"] or "") for line in random.Random(5).sample(lines, 200)]
    nlp = get_nlp()
    finder = cue_finder(nlp)
    kinds, ruled_out = set(), 0
    for doc in nlp.pipe(texts):
        for span, offsets in zip(CriterionSpans(doc), criteria_offsets(doc), strict=True):
            text = doc_text(doc)[offsets.start_char : offsets.end_char]
            found = {c.kind for c in finder.find(span).items}
            kinds |= found
            assert all(finder.may_find(text, kind) for kind in found), text
            ruled_out += not finder.may_find(text, "use_list_header")
    assert len(kinds) > 20 and ruled_out > 1000  # many kinds were checked, and the test does rule criteria out


def test_the_cue_finders_text_test_reads_a_list_header_across_a_line_break_and_any_case():
    finder = cue_finder(get_nlp())
    assert finder.may_find("Not using any of the medications LISTED\n      BELOW:", "use_list_header")
    assert not finder.may_find("Patients must meet all of the criteria below:", "use_list_header")
