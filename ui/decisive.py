"""The decisive words of a criterion verdict: which words of the protocol sentence the verdict turned on.

    text, marks = verdict_view(verdict, doc)      # doc: the trial's IndexDocument (or None)
    html = highlight(text, marks)

A verdict's `span` locates its criterion in the trial's eligibility text. Biomarker and prior-therapy
verdicts mark the exact words nlp extracted inside that criterion; the per-kind patterns in
`decisive_words.json` add what carries no span of its own (a copy-number threshold, an ECOG limit, an
age range, a CNS-metastases condition), and alone mark verdicts without a trial document.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from search.models import CriterionVerdict, IndexDocument
from ui.highlight import Mark

PATTERNS_PATH = Path(__file__).with_name("decisive_words.json")


@cache
def _patterns() -> dict[str, list[re.Pattern[str]]]:
    data = json.loads(PATTERNS_PATH.read_text(encoding="utf-8"))
    return {kind: [re.compile(p, re.IGNORECASE) for p in patterns]
            for kind, patterns in data.items() if not kind.startswith("_")}


def pattern_marks(kind: str, text: str) -> list[Mark]:
    """Marks for the words of `text` the patterns of `kind` find."""
    return [Mark(m.start(), m.end(), kind) for p in _patterns().get(kind, []) for m in p.finditer(text)
            if m.group().strip()]


def _fact_spans(kind: str, doc: IndexDocument) -> list[tuple[int, int]]:
    if kind == "biomarker":
        return [b.span for b in doc.facts.biomarkers]
    if kind == "prior_therapy":
        return [t.span for t in doc.facts.prior_therapies]
    if kind == "procedure":
        return [p.span for p in doc.facts.procedures]
    return []


def verdict_view(verdict: CriterionVerdict, doc: IndexDocument | None) -> tuple[str, list[Mark]]:
    """The text to show for a verdict (its criterion as registered, else the verdict's sentence) and its marks."""
    text = doc.eligibility_text if doc else ""
    span = verdict.span
    if not (doc and span and 0 <= span[0] < span[1] <= len(text)):
        return verdict.criterion, pattern_marks(verdict.kind, verdict.criterion)
    start, end = span
    sentence = text[start:end]
    marks = [Mark(s - start, e - start, verdict.kind) for s, e in _fact_spans(verdict.kind, doc)
             if start <= s and e <= end]
    return sentence, marks + pattern_marks(verdict.kind, sentence)
