"""Paste a note on Find trials: the note read into the patient form, each filled field shown with its source.

    note_panel.render()   # on the Find trials page, before the form is drawn

The navigator pastes a clinic note, pathology or molecular report and presses "Read note": the profile read by
`search.notes.note_profile` fills the form (`patient_form.prefill`), and the note is shown with the words of every
filled field highlighted, beside a table of field, value and source. The navigator corrects the form and searches.
An empty note, one without facts or without a diagnosis or biomarker gives one message and leaves the form as it
was. The note lives only in this session's memory (st.session_state), like every patient value: never cached
across sessions, written or logged.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from nlp.notes import NoteReading
from search.patient import PatientError
from ui import patient_form
from ui.form_errors import ROW_LABELS, label_of, labelled
from ui.highlight import Mark, highlighted_block, legend_html
from ui.results import md_escape

NOTE_TEXT = "find_note_text"
NOTE_READ = "find_note_read"  # {"text": the note as read, "reading": NoteReading}
MARK_KINDS = {"conditions": "diagnosis", "absent_conditions": "absent_condition", "biomarkers": "biomarker",
              "prior_therapies": "prior_therapy",
              "ecog": "performance_status", "karnofsky": "performance_status", "lansky": "performance_status",
              "disease_scales": "disease_scale", "procedures": "procedure", "planned_procedures": "procedure"}


def field_label(field: str) -> str:
    """The form's name of an evidence field: "biomarkers[1]" → "Biomarker 2", "conditions[0]" → "Diagnosis"."""
    return label_of(field if field.partition("[")[0] in ROW_LABELS else field.partition("[")[0])


def mark_kind(field: str) -> str:
    """The highlight colour of an evidence field: the kind its words are in a trial's text ("biomarkers[0]" →
    "biomarker", "ecog" → "performance_status"), so the note and the criteria tables read alike."""
    name = field.partition("[")[0].partition(".")[0]
    return MARK_KINDS.get(name, name)


def _number(value: float) -> str:
    return f"{value:g}"


def _biomarker_words(marker: dict[str, Any]) -> str:
    """"NTRK1 amplification, 9 copies", "NTRK3 fusion (ETV6-NTRK3)", "KRAS mutation, negative"."""
    alteration = marker.get("alteration")
    words = " ".join(w for w in (marker["gene"], alteration if alteration not in (None, "any") else None) if w)
    if marker.get("variant"):
        words += f" ({marker['variant']})"
    if marker.get("copies") is not None:
        words += f", {_number(marker['copies'])} copies"
    return words + (", negative" if marker.get("status") == "negative" else "")


def _therapy_words(therapy: dict[str, Any]) -> str:
    """"folfirinox, progression", "larotrectinib, taking now"."""
    return ", ".join(w for w in (therapy["name"], therapy.get("outcome"),
                                 "taking now" if therapy.get("current") else None) if w)


def value_words(field: str, value: Any) -> str:
    """A value read from the note as the form shows it, in words: 58, not 58.0; a biomarker or a therapy as a
    phrase, not its JSON."""
    if isinstance(value, dict):
        return _biomarker_words(value) if field.startswith("biomarkers") else _therapy_words(value)
    if field == "recurrent":
        return patient_form.RECURRENCE_WORDS[value]
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _value(reading: NoteReading, field: str) -> str:
    """The value an evidence field names ("age", "biomarkers[1]", "disease_scales.nyha"), in words."""
    key, _, index = field.partition("[")
    key, _, member = key.partition(".")
    value = reading.profile[key]
    value = value[int(index.rstrip("]"))] if index else value
    value = value[member] if member else value
    return value_words(field, value)


def note_problem(message: str) -> str:
    """A problem of the note in the panel's words: without the field name "note" the command line prefixes."""
    text = message.removeprefix("note: ")
    return text[:1].upper() + text[1:]


def _read(text: str) -> None:
    from search.notes import NothingToMatch, note_profile  # loads the NLP pipeline: only a pasted note needs it

    if not text.strip():
        st.error("The note is empty: paste a clinic note, pathology or molecular report above, then press Read "
                 "note.", icon=":material/description:")
        return
    try:
        profile, reading = note_profile(text)
    except NothingToMatch:
        st.error("The note names no diagnosis or biomarker to match on, nor words enough to search by. The form is "
                 "unchanged: add the diagnosis to the note, or type it in the form.", icon=":material/description:")
        return
    except PatientError as exc:
        st.error(f"{note_problem(str(exc))}. The form is unchanged.", icon=":material/description:")
        return
    patient_form.prefill(profile)
    st.session_state[NOTE_READ] = {"text": text, "reading": reading}
    st.success("The form now holds what the note says; check each field against its source below, correct the "
               "form, then press Find trials.")


def _show(text: str, reading: NoteReading) -> None:
    marks = [Mark(e.span[0], e.span[1], mark_kind(e.field)) for e in reading.evidence]
    st.html(highlighted_block(text, marks) + legend_html(sorted({m.label for m in marks})))
    st.table([{"field": field_label(e.field), "value": md_escape(_value(reading, e.field)),
               "from the note": md_escape(" ".join(e.text.split()))}
              for e in reading.evidence], hide_index=True)  # its cells wrap: a long label reads whole at any width
    for warning in reading.warnings:
        st.warning(note_problem(labelled(warning)), icon=":material/info:")


def render() -> None:
    """The "Paste a note" panel: a text box, the Read note button, and what the last note read filled."""
    read = st.session_state.get(NOTE_READ)
    with st.expander("Paste a note", expanded=read is not None, icon=":material/description:"):
        text = st.text_area("Clinic note, pathology or molecular report", key=NOTE_TEXT, height=160,
                            help="Read on this server by trialmatch's own rules; the note stays in this browser "
                                 "session and is never stored or logged.")
        if st.button("Read note", key="find_note_button", icon=":material/auto_fix_high:"):
            _read(text)
            read = st.session_state.get(NOTE_READ)
        if read is not None:
            _show(read["text"], read["reading"])
