"""Free-text patient notes (clinic note, pathology or NGS report) → the patient profile, with evidence.

    >>> from nlp.notes import read_note
    >>> reading = read_note("58-year-old woman with lung adenocarcinoma. EGFR exon 19 deletion. ECOG 1.")
    >>> reading.profile["age"], reading.profile["sex"], reading.profile["biomarkers"]
    (58.0, 'female', [{'gene': 'EGFR', 'alteration': 'mutation', 'variant': 'exon 19 deletion'}])

`read_note(text) -> NoteReading` (`profile`: the JSON form `trialmatch match --patient` reads, only the fields
found; `evidence`: `{field, text, span}` per field; `warnings`); `decode_note(bytes)` decodes strictly as UTF-8.
Both raise `NoteError` with a message saying how to fix the input. Modules: `text` (decoding, sentences),
`context` (negation, family, hypothetical cues), `demographics` (age, sex), `diagnosis` (disease terms),
`clinical` (biomarkers, performance status, therapies, CNS metastases), `reader` (the whole note).
"""

from nlp.notes.models import NoteError, NoteEvidence, NoteReading
from nlp.notes.reader import read_note
from nlp.notes.text import decode_note

__all__ = ["NoteError", "NoteEvidence", "NoteReading", "decode_note", "read_note"]
