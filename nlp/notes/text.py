"""A note's text: decoded strictly as UTF-8, and split into sentences for the criteria pipeline.

    >>> sentence_text("ECOG 1. KRAS wild-type; ALK negative.")
    'ECOG 1.\\nKRAS wild-type;\\nALK negative.'

The pipeline reads each line of its text as a criterion; `sentence_text` puts a line break in place of the first
white-space character after a sentence or clause end (". ; ! ?" before a capital, a digit or a gene-like word), so
the text keeps its length and every offset the pipeline gives is an offset into the note as pasted.
"""

from __future__ import annotations

import re

from nlp.notes.models import NoteError

MAX_NOTE_BYTES = 2_000_000  # a note beyond this is no clinic note: refused rather than read for minutes
_SENTENCE_END = re.compile(r"(?<=[.;!?])[ \t]+(?=[\"'(\[]?[A-Z0-9])|(?<=;)[ \t]+(?=\S)")
_LINE = re.compile(r"[^\s](?:[^\n]*[^\s])?")
_ABBREVIATIONS = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|St|vs|approx|e\.g|i\.e|No|Fig|pt|Pt)|\b[A-Z])\.$")


def decode_note(raw: bytes, where: str = "note") -> str:
    """The note's text; bytes that are not UTF-8 raise NoteError naming where and the first bad byte."""
    if len(raw) > MAX_NOTE_BYTES:
        raise NoteError(f"{where}: {len(raw):,} bytes is longer than a note ({MAX_NOTE_BYTES:,} at most); "
                        "paste the clinic note, pathology or molecular report alone")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NoteError(f"{where}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                        "save or export the note as UTF-8 and try again") from None


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line of a `sentence_text`, trimmed of white space."""
    return [(m.start(), m.end()) for m in _LINE.finditer(text)]


def sentence_text(note: str) -> str:
    """`note` with a line break at each sentence end (same length, offsets unchanged)."""
    def cut(match: re.Match[str]) -> str:
        if _ABBREVIATIONS.search(note, max(0, match.start() - 8), match.start()):
            return match.group()
        return "\n" + match.group()[1:]

    return _SENTENCE_END.sub(cut, note)
