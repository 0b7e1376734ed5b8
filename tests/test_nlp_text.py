"""Text helpers: escape masking keeps every offset, display cleanup unescapes and collapses whitespace."""

from __future__ import annotations

import json
import random
from pathlib import Path

from nlp.sections import split_criteria
from nlp.text import clean_text, clean_texts, mask_escapes


def test_masking_keeps_length_and_offsets_of_escapes_entities_and_tags():
    text = "ECOG \\< 2 &gt; 1<br>next &amp; <b>bold</b>\x07"
    masked = mask_escapes(text)
    assert len(masked) == len(text)
    assert masked.index("< 2") == text.index("< 2")
    assert masked.index("next") == text.index("next")
    assert "\x07" not in masked and "<br>" not in masked and "<b>" not in masked


def test_clean_text_unescapes_and_collapses_whitespace():
    assert clean_text("ECOG \\< 2,\n   wrapped &amp; <b>bold</b>") == "ECOG < 2, wrapped & bold"


def test_clean_texts_equals_clean_text_of_each_criterion_on_registry_texts(shared_dir: Path):
    lines = (shared_dir / "corpus" / "eligibility-texts.jsonl").read_text().splitlines()
    texts = [json.loads(line)["criteria"] or "" for line in random.Random(4).sample(lines, 400)]
    texts += ["Inclusion Criteria:\n* Age \\>= 18\n* ANC &ge; 1500\n* a\x0bb <br>c", "* plain\n  wrapped   text"]
    escaped = 0
    for text in texts:
        spans = [(start, end) for start, end, _ in split_criteria(mask_escapes(text))]
        assert clean_texts(text, spans) == [clean_text(text[start:end]) for start, end in spans]
        escaped += "\\" in text or "&" in text
    assert 0 < escaped < len(texts)  # both paths are exercised
