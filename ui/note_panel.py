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

import json

import streamlit as st

from nlp.notes import NoteReading
from search.patient import PatientError
from ui import patient_form
from ui.highlight import Mark, highlighted_block

NOTE_TEXT = "find_note_text"
NOTE_READ = "find_note_read"  # {"text": the note as read, "reading": NoteReading}


def _value(reading: NoteReading, field: str) -> str:
    """The value an evidence field names: "age", "biomarkers[1]", "disease_scales.nyha"."""
    key, _, index = field.partition("[")
    key, _, member = key.partition(".")
    value = reading.profile[key]
    value = value[int(index.rstrip("]"))] if index else value
    value = value[member] if member else value
    return value if isinstance(value, str) else json.dumps(value)


def _read(text: str) -> None:
    from search.notes import note_profile  # loads the NLP pipeline: only a pasted note needs it

    try:
        profile, reading = note_profile(text)
    except PatientError as exc:
        st.error(f"{exc}. The form is unchanged.", icon=":material/description:")
        return
    patient_form.prefill(profile)
    st.session_state[NOTE_READ] = {"text": text, "reading": reading}
    st.success("The form now holds what the note says; check each field against its source below, correct the "
               "form, then press Find trials.")


def _show(text: str, reading: NoteReading) -> None:
    marks = [Mark(e.span[0], e.span[1], e.field.split("[")[0]) for e in reading.evidence]
    st.html(highlighted_block(text, marks))
    st.dataframe([{"field": e.field, "value": _value(reading, e.field), "from the note": " ".join(e.text.split())}
                  for e in reading.evidence], hide_index=True, use_container_width=True)
    for warning in reading.warnings:
        st.warning(warning, icon=":material/info:")


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
