"""Find trials: a patient form (or an uploaded patient JSON) in, ranked trials with per-criterion verdicts out.

    streamlit run ui/app.py            # then choose "Find trials"

The patient lives in this session's memory only (st.session_state); matching runs in the search stage.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import streamlit as st

from search.backend import Backend, BackendError
from search.gazetteer import PlaceAmbiguous, PlaceError
from search.geo import place_patient
from search.matching import match_patient
from search.models import IndexDocument, MatchResult, PatientProfile
from search.patient import PatientError, parse_patient, parse_patient_json
from ui import guards, note_panel, patient_form, resources
from ui.form_errors import form_problems, labelled
from ui.results import md_escape, render_card, results_csv, results_json

REQUEST = "find_request"
RESULTS = "find_results"
UPLOADED = "find_uploaded_file"
PLACES = "find_place_candidates"
RESUBMIT = "find_resubmit"
PLACE_CHOICE = "find_place_choice"


@dataclass(frozen=True)
class Found:
    """One search's ranked results, their trials' index documents, and how long matching took."""

    results: list[MatchResult]
    documents: dict[str, IndexDocument]
    seconds: float


def _choices() -> patient_form.FormChoices:
    return patient_form.FormChoices(
        genes=resources.gene_options(),
        drugs=resources.drug_options(),
        conditions=list(dict.fromkeys([*resources.disease_options(), *sorted(resources.facet("conditions"))])),
    )


def _remember(patient: PatientProfile, statuses: Sequence[str] | None, top: int) -> None:
    st.session_state[REQUEST] = {"patient": patient, "statuses": statuses, "top": top}
    st.session_state[RESULTS] = {}


def _load_upload() -> None:
    uploaded = st.file_uploader(
        "Load a patient JSON instead of typing", type=["json"], max_upload_size=1,
        help='The same JSON as `trialmatch match --patient`, e.g. {"age": 52, "biomarkers": [...]}',
    )
    if uploaded is None or uploaded.file_id == st.session_state.get(UPLOADED):
        return
    st.session_state[UPLOADED] = uploaded.file_id
    try:
        patient = place_patient(parse_patient_json(uploaded.getvalue(), uploaded.name), resources.gazetteer())
    except PatientError as exc:
        st.error(str(exc))
        return
    except PlaceError as exc:
        st.error(f"{uploaded.name}: location.near: {exc}")
        return
    patient_form.prefill(patient)
    _remember(patient, *patient_form.search_settings())
    st.success(f"Loaded {uploaded.name}: the form shows it; edit and press Find trials to search again.")


def _use_place() -> None:
    """The user picked one of the candidates of an ambiguous place: put it in the form and search with it."""
    label = st.session_state[PLACE_CHOICE]
    pending: patient_form.Submitted = st.session_state.pop(PLACES)["submitted"]
    st.session_state[f"{patient_form.KEY}near"] = label
    location = dict(pending.profile["location"], near=label)
    st.session_state[RESUBMIT] = replace(pending, profile=pending.profile | {"location": location})


def _pick_place() -> None:
    """An ambiguous place: its candidates to choose from (the choice re-runs the search)."""
    pending = st.session_state.get(PLACES)
    if not pending:
        return
    with st.container(border=True, key="place-candidates"):
        st.warning(f"“{pending['near']}” names several places: choose the one you mean.", icon=":material/map:")
        st.radio("Place", pending["labels"], key=PLACE_CHOICE, label_visibility="collapsed")
        st.button("Search near this place", type="primary", on_click=_use_place)


def _submitted(choices: patient_form.FormChoices) -> None:
    submitted = patient_form.render_form(choices) or st.session_state.pop(RESUBMIT, None)
    if submitted is None:
        _pick_place()
        return
    st.session_state.pop(PLACES, None)
    problems = form_problems(submitted.profile)
    if problems:
        st.error("Please correct the form:\n" + "\n".join(f"- {md_escape(p)}" for p in problems),
                 icon=":material/edit:")
        st.session_state.pop(REQUEST, None)
        return
    try:
        patient = place_patient(parse_patient(submitted.profile), resources.gazetteer())
    except PlaceAmbiguous as exc:
        st.session_state[PLACES] = {"near": submitted.profile["location"]["near"], "submitted": submitted,
                                    "labels": [c.label for c in exc.candidates]}
        st.session_state.pop(REQUEST, None)
        _pick_place()
        return
    except PlaceError as exc:
        st.error(f"Location: {exc}", icon=":material/location_off:")
        st.session_state.pop(REQUEST, None)
        return
    except PatientError as exc:
        st.error(f"Please correct the form: {labelled(str(exc))}", icon=":material/edit:")
        st.session_state.pop(REQUEST, None)
        return
    _remember(patient, submitted.statuses, submitted.top)


def _documents(backend: Backend, results: list[MatchResult]) -> dict[str, IndexDocument]:
    """The index documents of the results, whose eligibility text shows each verdict's decisive words."""
    if not results:
        return {}
    ids = [r.nct_id for r in results]
    docs = backend.search(None, {"field": "nct_id", "operator": "in", "value": ids}, size=len(ids))
    return {d.nct_id: d for d in docs}


def _results(include_ineligible: bool) -> Found | None:
    """Results of the remembered request for this toggle position, computed once per request."""
    request = st.session_state.get(REQUEST)
    if request is None:
        return None
    memo = st.session_state[RESULTS]
    if include_ineligible not in memo:
        backend = resources.backend()
        started = time.perf_counter()
        found = match_patient(
            request["patient"], backend, top=request["top"], statuses=request["statuses"],
            include_ineligible=include_ineligible,
        )
        seconds = time.perf_counter() - started
        memo[include_ineligible] = Found(found, _documents(backend, found), seconds)
    return memo[include_ineligible]


def _show(found: Found, include_ineligible: bool) -> None:
    results = found.results
    location = st.session_state[REQUEST]["patient"].location
    if location is not None:
        st.caption(f"Within {location.radius_km:,.0f} km of {location.label or location.near}"
                   + ("; trials that list no site location included" if location.include_unlocated else ""))
    if not results:
        hint = "" if include_ineligible else " Turn on “Show not-eligible trials” to see why trials were ruled out, or"
        st.info(
            f"No trial matches this patient.{hint} widen the trial status filter or the location's radius, or "
            "check the diagnosis and biomarkers.",
            icon=":material/search_off:",
        )
        return
    eligible = sum(r.verdict == "potentially_eligible" for r in results)
    st.caption(f"{len(results)} trials ({eligible} potentially eligible) in {found.seconds:.2f} s")
    downloads = st.container(horizontal=True)
    downloads.download_button("Download CSV", results_csv(results), "trialmatch-results.csv", "text/csv",
                              on_click="ignore", icon=":material/download:")
    downloads.download_button("Download JSON", results_json(results), "trialmatch-results.json",
                              "application/json", on_click="ignore", icon=":material/download:")
    for rank, result in enumerate(results, 1):
        render_card(rank, result, found.documents.get(result.nct_id), location)


def main() -> None:
    st.title("Find trials")
    guards.privacy_notice()
    backend = guards.backend_or_stop()
    guards.require_trials(backend)
    try:
        choices = _choices()
    except BackendError as exc:
        guards.backend_error(exc)
        st.stop()
    _load_upload()
    note_panel.render()
    _submitted(choices)
    include_ineligible = st.toggle("Show not-eligible trials, with why not", key="find_include_ineligible")
    try:
        outcome = _results(include_ineligible)
    except BackendError as exc:
        guards.backend_error(exc)
        return
    if outcome is not None:
        _show(outcome, include_ineligible)


main()
