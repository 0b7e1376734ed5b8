"""Compare (analysts): choose trials by gene, alteration, condition, drug or NCT list; compare their rules.

    streamlit run ui/app.py            # then choose "Compare", pick NTRK1, NTRK2, NTRK3

One sortable row per trial (status, phase, age window, ECOG/KPS, biomarker and prior-therapy rules,
CNS-metastases rule), a CSV download, and four Altair charts over the same trials.
"""

from __future__ import annotations

from typing import Literal, get_args

import streamlit as st

from core.statuses import status_label
from nlp import vocab
from nlp.models import Alteration, Polarity
from search.backend import BackendError
from ui import guards, resources
from ui.compare_table import (
    Selection,
    age_chart,
    alteration_chart,
    compare_frame,
    ecog_chart,
    parse_nct_list,
    selection_filter,
    status_phase_chart,
)
from ui.links import trial_href
from ui.patient_form import STATUS_CHOICES

ALTERATION_CHOICES = get_args(Alteration)
POLARITY_CHOICES = {**{p: p for p in get_args(Polarity)}, "either": None}
MAX_TRIALS = 1000
KEEP: Literal["session"] = "session"  # the choices survive visits to other pages (session memory only)


def _genes(chosen: list[str]) -> list[str]:
    """Chosen symbols and aliases as HGNC symbols (NTRK → NTRK1, NTRK2, NTRK3; TRKA → NTRK1)."""
    genes: dict[str, None] = {}
    for text in chosen:
        refs = vocab.normalize_gene(text)
        for ref in refs or []:
            genes[ref.gene] = None
        if not refs:
            genes[text.strip().upper()] = None
    return list(genes)


def _selection() -> Selection | None:
    with st.form("compare"):
        c_gene, c_alt, c_pol = st.columns([3, 2, 1])
        genes = c_gene.multiselect("Genes", resources.gene_options(), key="cmp_genes", accept_new_options=True,
                                   placeholder="e.g. NTRK1, NTRK2, NTRK3 (or NTRK)", persist_state=KEEP)
        alterations = c_alt.multiselect("Alterations", ALTERATION_CHOICES, key="cmp_alterations", persist_state=KEEP)
        polarity = c_pol.selectbox("Biomarker role", list(POLARITY_CHOICES), key="cmp_polarity", persist_state=KEEP)
        c_cond, c_drug = st.columns(2)
        conditions = c_cond.multiselect("Conditions", sorted(resources.facet("conditions")), key="cmp_conditions",
                                        accept_new_options=True, persist_state=KEEP)
        drugs = c_drug.multiselect("Drugs or classes", resources.drug_options(), key="cmp_drugs",
                                   accept_new_options=True, placeholder="e.g. larotrectinib, trk inhibitor",
                                   persist_state=KEEP)
        c_ids, c_status = st.columns(2)
        ids_text = c_ids.text_area("NCT ids", key="cmp_ids", height=68, placeholder="NCT04879121, NCT02576431",
                                   persist_state=KEEP)
        statuses = c_status.multiselect("Trial status (empty: any)", STATUS_CHOICES, key="cmp_statuses",
                                        persist_state=KEEP, format_func=status_label)
        pressed = st.form_submit_button("Compare", type="primary")
    if not pressed:
        return st.session_state.get("cmp_selection")
    nct_ids, leftovers = parse_nct_list(ids_text)
    if leftovers:
        st.warning(f"Left out, not NCT ids: {', '.join(leftovers[:5])}{' …' if len(leftovers) > 5 else ''}. "
                   "Write ids like NCT04879121, separated by commas; the table shows the rest.",
                   icon=":material/warning:")
    selection = Selection(
        genes=_genes(genes), alterations=alterations, polarity=POLARITY_CHOICES[polarity],
        conditions=conditions, drugs=[d.strip().lower() for d in drugs], nct_ids=nct_ids, statuses=statuses,
    )
    st.session_state["cmp_selection"] = selection
    return selection


def _show(docs) -> None:
    frame = compare_frame(docs)
    st.caption(f"{len(docs)} trials" + (f" (first {MAX_TRIALS})" if len(docs) >= MAX_TRIALS else ""))
    frame.insert(0, "trial", [trial_href(n) for n in frame["nct_id"]])
    st.dataframe(
        frame, hide_index=True,
        column_config={
            "trial": st.column_config.LinkColumn("open", display_text="open", width="small"),
            "title": st.column_config.TextColumn(width="medium"),
            "min age": st.column_config.NumberColumn(format="%.1f"),
            "max age": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    st.download_button("Download CSV", frame.drop(columns="trial").to_csv(index=False).encode("utf-8"),
                       "trialmatch-compare.csv", "text/csv", on_click="ignore", icon=":material/download:")
    left, right = st.columns(2)
    left.altair_chart(alteration_chart(docs))
    right.altair_chart(ecog_chart(docs))
    left.altair_chart(age_chart(docs))
    right.altair_chart(status_phase_chart(docs))


def main() -> None:
    st.title("Compare trials")
    backend = guards.backend_or_stop()
    guards.require_trials(backend)
    try:
        selection = _selection()
        if selection is None:
            st.info("Choose genes, alterations, conditions, drugs or NCT ids, then press Compare.")
            return
        if selection.is_empty():
            st.info("Choose at least one gene, alteration, condition, drug or NCT id to compare trials.")
            return
        docs = backend.search(None, selection_filter(selection), size=MAX_TRIALS)
    except BackendError as exc:
        guards.backend_error(exc)
        return
    if not docs:
        st.info("No indexed trial matches this choice; widen it (e.g. biomarker role “either”, no status filter).")
        return
    _show(docs)


main()
