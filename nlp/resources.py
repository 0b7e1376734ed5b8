"""Reading nlp's data files: entity patterns (`nlp/patterns/*.jsonl`) and word lists (`nlp/vocab/*.jsonl`).

    >>> from nlp.resources import pattern_phrases, phrase_regex, read_vocab
    >>> pattern_phrases("units.jsonl", "UNIT")["years"]
    'year'
    >>> phrase_regex(["or older", "older"])
    'or\\\\s*older|older'
    >>> sorted({row["kind"] for row in read_vocab("age_terms.jsonl")})[:2]
    ['age_cue', 'duration_after']

The pipeline, the rule components and the vocabulary look-ups all read their data through this module, so no
component imports the pipeline that assembles it.
"""

from __future__ import annotations

import re
from pathlib import Path

import srsly

PATTERNS_DIR = Path(__file__).resolve().parent / "patterns"
VOCAB_DIR = Path(__file__).resolve().parent / "vocab"


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        raise FileNotFoundError(f"nlp data file {path} is missing: restore it from the repository (git checkout)")
    return list(srsly.read_jsonl(path))


def pattern_files() -> list[Path]:
    """Every entity-pattern file, sorted: what the pipeline's entity ruler reads."""
    return sorted(PATTERNS_DIR.glob("*.jsonl"))


def read_patterns(filename: str) -> list[dict]:
    """The `{"label", "pattern", "id"}` lines of `nlp/patterns/<filename>`."""
    return _rows(PATTERNS_DIR / filename)


def read_vocab(filename: str) -> list[dict]:
    """The rows of the word list `nlp/vocab/<filename>`."""
    return _rows(VOCAB_DIR / filename)


def pattern_phrases(filename: str, label: str) -> dict[str, str]:
    """Lower-case phrase → id for the patterns of `label` in `nlp/patterns/<filename>` (token patterns joined)."""
    phrases = {}
    for row in read_patterns(filename):
        if row.get("label") != label:
            continue
        pattern = row["pattern"]
        if isinstance(pattern, str):
            phrase = pattern.lower()
        else:
            phrase = " ".join(str(t.get("LOWER", t.get("ORTH", t.get("TEXT", "")))).lower() for t in pattern)
        phrases[phrase] = row.get("id") or phrase
    return phrases


def phrase_regex(phrases: list[str]) -> str:
    """A regex alternation of `phrases` (longest first), spaces matching any run of whitespace."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s*".join(re.escape(word) for word in p.split()) for p in ordered)


def phrase_regex_by_first_letter(phrases: list[str]) -> str:
    """`phrase_regex(phrases)` with the phrases grouped behind the letter or digit they open with, longest first
    within each group ("a(?:nn\\s*arbor|jcc)|f(?:igo)"), for a case-sensitive regex: at each position the regex
    engine tries the one group of the character there instead of every phrase, and a phrase matches where it did
    (no phrase of another group can match there). Quicker to search a long text with when the phrases are many."""
    groups: dict[str, list[str]] = {}
    for phrase in sorted(set(phrases), key=lambda p: (-len(p), p)):
        if not phrase[:1].isalnum():
            raise ValueError(f"phrase {phrase!r} must open with a letter or digit to be grouped by it")
        groups.setdefault(phrase[0], []).append(phrase_regex([phrase])[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in sorted(groups.items()))
