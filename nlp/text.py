"""Text helpers shared by the NLP components: escape masking that keeps offsets, and display cleanup.

    >>> mask_escapes(r"ECOG \\< 2")
    'ECOG  < 2'
    >>> clean_text("ECOG \\\\< 2,\\n   wrapped")
    'ECOG < 2, wrapped'

ClinicalTrials.gov markdown escapes punctuation (`\\<`, `\\>`, `\\[`, `\\.`). The pipeline reads a masked copy
in which each backslash becomes a space, so every character offset in the Doc equals the offset in the
registry's text; `clean_text` is for humans: escapes removed, whitespace collapsed.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def mask_escapes(text: str) -> str:
    """`text` with markdown escape backslashes and control characters replaced by spaces (same length)."""
    return _CONTROL.sub(" ", _ESCAPE.sub(" ", text))


def clean_text(text: str) -> str:
    """`text` unescaped, with control characters dropped and runs of whitespace collapsed to one space."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", _ESCAPE.sub("", text))).strip()
