"""The pipeline's entity ruler: the same entities as spaCy's stock EntityRuler, written without a Span each."""

from __future__ import annotations

import json
import random
from pathlib import Path

from spacy.pipeline import EntityRuler

from nlp.pipeline import get_nlp, make_doc_text


def entities(doc) -> tuple[list, list]:
    return (
        [(e.start, e.end, e.label_, e.ent_id_, e.kb_id_) for e in doc.ents],
        [(t.ent_iob_, t.ent_type_, t.ent_id_) for t in doc],
    )


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
