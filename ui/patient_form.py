"""The patient form of the Find trials page: widgets in, a plain profile dict out, and back again.

    submitted = render_form(FormChoices(genes=["NTRK1"], drugs=["larotrectinib"], conditions=["Solid Tumor"]))
    if submitted:
        patient = parse_patient(submitted.profile)      # search.patient validates and names bad fields

`render_form` draws the widgets (their values live only in the browser session's memory) and, when the
user presses Find trials, returns the profile dict in the JSON shape `trialmatch match --patient` reads.
`prefill(profile)` puts a loaded patient JSON into the widgets so it can be reviewed and edited.

A biomarker row is a result: Positive or Negative, with the alteration when the report names it. Positive
without one means the kind is not known ("any"), except for receptors read by IHC (ER, PR, PD-L1), where
it is expression; HER2 by IHC is Positive with "expression (IHC)". Negative without one rules out every
kind (ER, PR, PD-L1: expression). "Genes tested" lists what the patient's tests covered: a gene there and
in no row counts as tested without a finding; a gene in neither is unknown to the matcher.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import streamlit as st

from core.statuses import OPEN_STATUSES, STATUSES, status_label
from nlp.disease_scales import scale_ids, scale_name, scale_step
from nlp.procedures import procedure_ids
from nlp.stages import system_ids
from search.models import (
    DEFAULT_RADIUS_KM,
    BiomarkerStatus,
    CnsStatus,
    PatientAlteration,
    PatientProfile,
    PatientSex,
    TherapyOutcome,
)
from ui.form_errors import FIELD_LABELS

ALTERATIONS = get_args(PatientAlteration)
RESULTS = get_args(BiomarkerStatus)
ALTERATION_LABELS = {"expression": "expression (IHC)"}
OUTCOMES = get_args(TherapyOutcome)
SEXES = get_args(PatientSex)
CNS_CHOICES = get_args(CnsStatus)
ECOG_CHOICES = tuple(range(6))
PERCENT_CHOICES = tuple(range(100, -1, -10))
STAGE_CHOICES = ("0", "I", "IA", "IB", "II", "IIA", "IIB", "IIC", "III", "IIIA", "IIIB", "IIIC", "IV", "IVA", "IVB",
                 "IVC")
STATUS_CHOICES = (*OPEN_STATUSES, *(s for s in STATUSES if s not in OPEN_STATUSES))
KEY = "pf_"
ROWS = {"biomarker": f"{KEY}biomarker_rows", "therapy": f"{KEY}therapy_rows"}
MAX_ROWS = 10
UNITS = ("km", "mi")
SEARCH_KEYS = (f"{KEY}statuses", f"{KEY}top")
RECURRENCE_WORDS = {False: "First occurrence, just found", True: "Came back after treatment"}


@dataclass(frozen=True)
class FormChoices:
    """Autocomplete lists offered by the form (from the vocabularies and the index)."""

    genes: list[str] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Submitted:
    """What the user asked for: the profile dict, the statuses to search (None = any) and how many trials."""

    profile: dict[str, Any]
    statuses: Sequence[str] | None
    top: int


def defaults() -> dict[str, Any]:
    """Every widget key of the form with its empty value."""
    values: dict[str, Any] = {
        f"{KEY}age": None, f"{KEY}sex": None, f"{KEY}cns": None, f"{KEY}conditions": [], f"{KEY}absent_conditions": [],
        f"{KEY}search_text": "",
        f"{KEY}tested": [], f"{KEY}procedures": [], f"{KEY}planned_procedures": [],
        f"{KEY}ecog": None, f"{KEY}karnofsky": None, f"{KEY}lansky": None, f"{KEY}no_therapy": False,
        f"{KEY}stage": None, f"{KEY}stage_system": None, f"{KEY}recurrent": None,
        **{f"{KEY}scale_{scale}": None for scale in scale_ids()},
        f"{KEY}therapies_complete": True,
        f"{KEY}near": "", f"{KEY}radius": DEFAULT_RADIUS_KM, f"{KEY}unit": "km", f"{KEY}unlocated": False,
        f"{KEY}statuses": list(OPEN_STATUSES), f"{KEY}top": 20,
        ROWS["biomarker"]: 1, ROWS["therapy"]: 1,
    }
    for i in range(MAX_ROWS):
        values |= {f"{KEY}gene_{i}": None, f"{KEY}status_{i}": RESULTS[0], f"{KEY}alteration_{i}": None,
                   f"{KEY}copies_{i}": None,
                   f"{KEY}variant_{i}": "", f"{KEY}drug_{i}": None, f"{KEY}outcome_{i}": None,
                   f"{KEY}current_{i}": False}
    return values


def init_state() -> None:
    """Give every form key its empty value the first time; the widgets keep it from then on.

    The widgets use `persist_state="session"`, so what the user typed survives visits to other pages
    (in this browser session's memory only).
    """
    state = st.session_state
    for key, value in defaults().items():
        if key not in state:
            state[key] = value


def search_settings() -> tuple[list[str] | None, int]:
    """The trial statuses to search (None = any) and how many trials to show, as the form holds them."""
    init_state()
    return st.session_state[f"{KEY}statuses"] or None, int(st.session_state[f"{KEY}top"])


def _rows(kind: str) -> int:
    return int(st.session_state[ROWS[kind]])


def _add_row(kind: str) -> None:
    st.session_state[ROWS[kind]] = min(MAX_ROWS, _rows(kind) + 1)


def procedure_choices() -> list[str]:
    """The procedure names the form suggests: the vocabulary's (nlp/vocab/procedures.jsonl), sorted."""
    return sorted(procedure_ids().values())


def _with(options: list[str], *current: Any) -> list[str]:
    """Options plus any current value not among them (typed or loaded), so a selection stays valid."""
    extra = [v for v in current if isinstance(v, str) and v and v not in options]
    return [*options, *dict.fromkeys(extra)]


def prefill(profile: PatientProfile) -> None:
    """Put a validated patient into the form's widgets (call before `render_form` in the same run);
    the search settings (trial status, how many trials) stay as the user set them."""
    values = {k: v for k, v in defaults().items() if k not in SEARCH_KEYS}
    values |= {
        f"{KEY}age": profile.age, f"{KEY}sex": profile.sex, f"{KEY}conditions": list(profile.conditions),
        f"{KEY}absent_conditions": list(profile.absent_conditions),
        f"{KEY}search_text": profile.search_text or "",
        f"{KEY}tested": list(profile.tested_genes), f"{KEY}procedures": list(profile.procedures),
        f"{KEY}planned_procedures": list(profile.planned_procedures),
        f"{KEY}ecog": profile.ecog, f"{KEY}karnofsky": profile.karnofsky, f"{KEY}lansky": profile.lansky,
        f"{KEY}stage": profile.stage, f"{KEY}stage_system": profile.stage_system, f"{KEY}recurrent": profile.recurrent,
        **{f"{KEY}scale_{scale}": value for scale, value in profile.disease_scales.items()},
        f"{KEY}cns": profile.cns_metastases, f"{KEY}no_therapy": profile.prior_therapies == [],
        f"{KEY}therapies_complete": profile.prior_therapies_complete,
        ROWS["biomarker"]: max(1, min(MAX_ROWS, len(profile.biomarkers))),
        ROWS["therapy"]: max(1, min(MAX_ROWS, len(profile.prior_therapies or []))),
    }
    for i, marker in enumerate(profile.biomarkers[:MAX_ROWS]):
        kind = None if marker.alteration == "any" else marker.alteration
        values |= {f"{KEY}gene_{i}": marker.gene, f"{KEY}status_{i}": marker.status, f"{KEY}alteration_{i}": kind,
                   f"{KEY}copies_{i}": marker.copies, f"{KEY}variant_{i}": marker.variant or ""}
    for i, therapy in enumerate((profile.prior_therapies or [])[:MAX_ROWS]):
        values |= {f"{KEY}drug_{i}": therapy.name, f"{KEY}outcome_{i}": therapy.outcome,
                   f"{KEY}current_{i}": therapy.current}
    if location := profile.location:
        near = location.near or (f"{location.lat:g}, {location.lon:g}" if location.placed else "")
        values |= {f"{KEY}near": near, f"{KEY}radius": location.radius_km, f"{KEY}unit": "km",
                   f"{KEY}unlocated": location.include_unlocated}
    for key, value in values.items():
        st.session_state[key] = value


def _label(row: int) -> Literal["visible", "collapsed"]:
    """Labels above the first row only; later rows line up under them."""
    return "visible" if row == 0 else "collapsed"


def _biomarker_rows(genes: list[str]) -> list[dict[str, Any]]:
    rows = []
    for i in range(_rows("biomarker")):
        c_gene, c_status, c_alt, c_copies, c_variant = st.columns([3, 2, 3, 2, 3])
        gene = c_gene.selectbox(
            "Gene", _with(genes, st.session_state.get(f"{KEY}gene_{i}")), key=f"{KEY}gene_{i}",
            persist_state="session", accept_new_options=True, placeholder="e.g. NTRK1, HER2, TRKA",
            label_visibility=_label(i),
        )
        status = c_status.selectbox(
            "Result", RESULTS, key=f"{KEY}status_{i}", persist_state="session", format_func=str.capitalize,
            help="Positive: found. Negative: tested and not found (a gene family such as NTRK is accepted)",
            label_visibility=_label(i),
        )
        alteration = c_alt.selectbox(
            "Alteration", ALTERATIONS, key=f"{KEY}alteration_{i}", persist_state="session",
            placeholder="kind not known", format_func=lambda a: ALTERATION_LABELS.get(a, a),
            help="Leave empty when the report does not say; for ER, PR and PD-L1 a positive means expression",
            label_visibility=_label(i),
        )
        copies = c_copies.number_input(
            "Copies", min_value=None, max_value=None, step=1.0, format="%g", key=f"{KEY}copies_{i}",
            persist_state="session",
            help="Copy number, for an amplification", label_visibility=_label(i),
        )
        variant = c_variant.text_input(
            "Variant", key=f"{KEY}variant_{i}", persist_state="session", placeholder="e.g. V600E, ETV6-NTRK3",
            max_chars=80, label_visibility=_label(i),
        )
        if gene:
            rows.append({"gene": gene, "status": status, "alteration": alteration or status, "copies": copies,
                         "variant": variant.strip() or None})
    return rows


def _tested(genes: list[str]) -> list[str]:
    return st.multiselect(
        "Genes tested", _with(genes, *st.session_state.get(f"{KEY}tested", [])), key=f"{KEY}tested",
        persist_state="session", accept_new_options=True, placeholder="e.g. NTRK, ALK, ROS1, HER2",
        help="Genes the patient's tests covered (a panel's genes; families such as NTRK expand). A gene listed "
             "here and in no row above counts as tested without a finding; a gene in neither is unknown.",
    )


def _therapy_rows(drugs: list[str]) -> list[dict[str, Any]]:
    rows = []
    for i in range(_rows("therapy")):
        c_drug, c_outcome, c_current = st.columns([3, 2, 1], vertical_alignment="bottom")
        name = c_drug.selectbox(
            "Drug or class", _with(drugs, st.session_state.get(f"{KEY}drug_{i}")), key=f"{KEY}drug_{i}",
            persist_state="session", accept_new_options=True, placeholder="e.g. larotrectinib",
            label_visibility=_label(i),
        )
        outcome = c_outcome.selectbox(
            "Outcome", OUTCOMES, key=f"{KEY}outcome_{i}", persist_state="session", placeholder="unknown",
            label_visibility=_label(i),
        )
        current = c_current.checkbox(
            "Taking now", key=f"{KEY}current_{i}", persist_state="session",
            help="The patient takes it now: a trial that excludes its concurrent or recent use is not met",
        )
        if name:
            rows.append({"name": name, "outcome": outcome, "current": current})
    return rows


def _performance() -> tuple[int | None, int | None, int | None]:
    c_ecog, c_kps, c_lansky = st.columns(3)
    ecog = c_ecog.selectbox("ECOG", ECOG_CHOICES, key=f"{KEY}ecog", persist_state="session", placeholder="unknown")
    karnofsky = c_kps.selectbox(
        "Karnofsky (KPS)", PERCENT_CHOICES, key=f"{KEY}karnofsky", persist_state="session", placeholder="unknown"
    )
    lansky = c_lansky.selectbox(
        "Lansky", PERCENT_CHOICES, key=f"{KEY}lansky", persist_state="session", placeholder="unknown",
        help="Play-performance scale for children under 16",
    )
    return ecog, karnofsky, lansky


def _stage_and_scales() -> tuple[str | None, str | None, bool | None, dict[str, float]]:
    """The cancer's stage with its staging system, whether the cancer came back, and the patient's value on each
    disease scale (NYHA class, Hoehn and Yahr stage); empty ones are unknown to the matcher."""
    scales = scale_ids()
    c_stage, c_system, c_recurrent = st.columns(3)
    stage = c_stage.selectbox(
        "Cancer stage", _with(list(STAGE_CHOICES), st.session_state.get(f"{KEY}stage")), key=f"{KEY}stage",
        persist_state="session", accept_new_options=True, placeholder="unknown",
        help="The stage with its substage (IIIB); a stage less precise than a trial's limit is unknown there. "
             "'Metastatic' alone is no stage: choose the stage the chart gives",
    )
    systems = system_ids()
    system = c_system.selectbox(
        "Staging system", list(systems), key=f"{KEY}stage_system", persist_state="session", placeholder="not named",
        format_func=lambda s: systems[s], help="Leave empty for the usual system of the cancer (AJCC/TNM)",
    )
    recurrent = c_recurrent.selectbox(
        "Recurrence", [False, True], key=f"{KEY}recurrent", persist_state="session", placeholder="not known",
        format_func=RECURRENCE_WORDS.__getitem__,
        help="Decides a trial's 'stage IV or recurrent disease' for a patient outside the stages; leave empty when "
             "the chart does not say",
    )
    values: dict[str, float] = {}
    for column, (scale, (lowest, highest)) in zip(st.columns(len(scales)), scales.items(), strict=True):
        value = column.number_input(
            scale_name(scale), min_value=None, max_value=None, step=scale_step(scale), format="%g",
            key=f"{KEY}scale_{scale}", persist_state="session", placeholder="unknown",
            help=f"From {lowest:g} to {highest:g}",
        )
        if value is not None:
            values[scale] = value
    return stage, system, recurrent, values


def _location() -> dict[str, Any] | None:
    """The location the patient can travel to, or None; open whenever a place is set, so it stays in view."""
    with st.expander("Location (optional): only trials with a site within the radius",
                     expanded=bool(st.session_state.get(f"{KEY}near"))):
        c_near, c_radius, c_unit = st.columns([4, 2, 1])
        near = c_near.text_input(
            "Near", key=f"{KEY}near", persist_state="session", max_chars=120,
            placeholder="Houston, TX · 77030 · Lyon, France · 29.76, -95.36",
            help="A city (with its state or country when the name is shared), a US ZIP or other postal code, or "
                 "latitude, longitude. Resolved offline; nothing is sent anywhere.",
        )
        radius = c_radius.number_input("Radius", min_value=None, max_value=None, step=10.0, key=f"{KEY}radius",
                                       persist_state="session", format="%g")
        unit = c_unit.selectbox("Unit", UNITS, key=f"{KEY}unit", persist_state="session")
        unlocated = st.checkbox("Also show trials that list no site location", key=f"{KEY}unlocated",
                                persist_state="session")
    if not near.strip():
        return None
    return {"near": near.strip(), f"radius_{unit}": radius, "include_unlocated": unlocated}


def render_form(choices: FormChoices) -> Submitted | None:
    """Draw the patient form; the submitted request when Find trials was pressed, else None."""
    init_state()
    with st.form("patient"):
        c_age, c_sex, c_cns = st.columns(3)
        # no bounds on the widget: an out-of-range value reaches form_problems, which says what is wrong
        age = c_age.number_input("Age (years)", min_value=None, max_value=None, step=1.0, key=f"{KEY}age",
                                 persist_state="session", format="%g")
        sex = c_sex.selectbox("Sex", SEXES, key=f"{KEY}sex", persist_state="session", placeholder="unknown")
        cns = c_cns.selectbox("CNS metastases", CNS_CHOICES, key=f"{KEY}cns", persist_state="session",
                              placeholder="unknown")
        conditions = st.multiselect(
            "Diagnosis", _with(choices.conditions, *st.session_state.get(f"{KEY}conditions", [])),
            key=f"{KEY}conditions", persist_state="session", accept_new_options=True,
            placeholder="type a diagnosis, e.g. metastatic colorectal adenocarcinoma",
            help="Free text; suggestions are the disease vocabulary's names and synonyms, then the conditions of "
                 "indexed trials. The diagnosis is matched against whom each trial is for",
        )
        absent_conditions = st.multiselect(
            FIELD_LABELS["absent_conditions"],
            _with(choices.conditions, *st.session_state.get(f"{KEY}absent_conditions", [])),
            key=f"{KEY}absent_conditions", persist_state="session", accept_new_options=True,
            placeholder="e.g. diabetes mellitus, when the chart says the patient has none",
            help="Conditions the patient is known not to have ('no history of diabetes mellitus'); a pasted note "
                 "fills them. A trial for none but these is not met; they are never searched by",
        )
        search_text = st.text_input(
            "Other words to search by", key=f"{KEY}search_text", persist_state="session", max_chars=1000,
            placeholder="e.g. symptoms or findings, when the diagnosis is not known yet",
            help="Words that find trials by relevance only; nothing here is judged. A pasted note with no "
                 "diagnosis puts its own words here",
        )
        st.markdown("**Biomarkers**")
        biomarkers = _biomarker_rows(choices.genes)
        st.form_submit_button("Add a biomarker row", on_click=_add_row, args=("biomarker",))
        tested = _tested(choices.genes)
        ecog, karnofsky, lansky = _performance()
        stage, stage_system, recurrent, scales = _stage_and_scales()
        procedures = st.multiselect(
            "Procedures", _with(procedure_choices(), *st.session_state.get(f"{KEY}procedures", [])),
            key=f"{KEY}procedures", persist_state="session", accept_new_options=True,
            placeholder="e.g. kidney transplant, transsphenoidal surgery",
            help="Transplants and surgeries the patient has had; a trial that excludes one (or a kind of it) is not "
                 "met, one that requires it is met. A name trialmatch does not know is kept and decides nothing",
        )
        planned_procedures = st.multiselect(
            "Planned procedures, not had yet",
            _with(procedure_choices(), *st.session_state.get(f"{KEY}planned_procedures", [])),
            key=f"{KEY}planned_procedures", persist_state="session", accept_new_options=True,
            placeholder="e.g. radical hysterectomy (offered), kidney transplant (scheduled)",
            help="Surgeries or transplants planned, offered or declined: a trial that requires one already done is "
                 "not met unless Procedures names it; a trial that excludes one is not judged by it",
        )
        st.markdown("**Prior therapies**")
        therapies = _therapy_rows(choices.drugs)
        c_add, c_none, c_complete = st.columns([2, 2, 3])
        c_add.form_submit_button("Add a therapy row", on_click=_add_row, args=("therapy",))
        no_therapy = c_none.checkbox("No prior systemic therapy", key=f"{KEY}no_therapy", persist_state="session")
        complete = c_complete.checkbox(
            "This list is the whole treatment history", key=f"{KEY}therapies_complete", persist_state="session",
            help="Unchecked when a pasted note filled the list (a note names some therapies, never all): a therapy "
                 "a trial requires that the list does not name is then unknown rather than not met",
        )
        location = _location()
        c_status, c_top = st.columns([3, 1])
        statuses = c_status.multiselect(
            "Trial status", STATUS_CHOICES, key=f"{KEY}statuses", persist_state="session", format_func=status_label,
            help="Leave empty to search trials of any status",
        )
        top = c_top.number_input("Trials to show", 1, 100, step=5, key=f"{KEY}top", persist_state="session")
        pressed = st.form_submit_button("Find trials", type="primary")
    if not pressed:
        return None
    profile = {
        "age": int(age) if age is not None and age == int(age) else age, "sex": sex,
        "conditions": [c.strip() for c in conditions if c.strip()],
        "absent_conditions": [c.strip() for c in absent_conditions if c.strip()],
        "search_text": search_text.strip() or None,
        "ecog": ecog, "karnofsky": karnofsky, "lansky": lansky, "stage": stage, "stage_system": stage_system,
        "recurrent": recurrent, "disease_scales": scales, "biomarkers": biomarkers, "tested_genes": tested,
        "procedures": [p.strip() for p in procedures if p.strip()],
        "planned_procedures": [p.strip() for p in planned_procedures if p.strip()],
        "prior_therapies": therapies or ([] if no_therapy else None), "prior_therapies_complete": complete,
        "cns_metastases": cns, "location": location,
    }
    return Submitted(profile=profile, statuses=statuses or None, top=int(top))
