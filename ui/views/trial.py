"""Trial: one trial's registry facts, sites, eligibility text with every extracted fact, and similar trials.

    streamlit run ui/app.py            # then open /trial?nct=NCT04879121

The trial comes from the `?nct=` query parameter (set by the links on the other pages) or the box below.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from core.statuses import phase_label, status_label
from search.backend import BackendError
from search.models import IndexDocument
from search.similar import similar_trials
from ui import guards
from ui.facts import fact_marks, fact_rows
from ui.highlight import highlighted_block, legend_html
from ui.links import TRIAL_PARAM, ctgov_link, trial_link
from ui.results import contact_markdown, md_escape

NCT_ID = re.compile(r"^NCT\d{8}$")
SIMILAR_TOP = 10


def _chosen_id() -> str | None:
    current = st.query_params.get(TRIAL_PARAM, "")
    typed = st.text_input("Open a trial by NCT id", value=current, placeholder="NCT04879121", max_chars=20)
    nct_id = typed.strip().upper()
    if not nct_id:
        st.info("Enter an NCT id, or open a trial from Find trials or Compare.")
        return None
    if not NCT_ID.match(nct_id):
        st.error(f"“{typed.strip()}” is not an NCT id: write NCT followed by 8 digits, e.g. NCT04879121.")
        return None
    if nct_id != current:
        st.query_params[TRIAL_PARAM] = nct_id
    return nct_id


def _header(doc: IndexDocument) -> None:
    st.header(md_escape(doc.title or doc.nct_id))
    if doc.official_title and doc.official_title != doc.title:
        st.caption(md_escape(doc.official_title))
    badges = st.container(horizontal=True)
    badges.badge(doc.nct_id, color="gray")
    badges.badge(status_label(doc.overall_status), color="blue")
    for phase in doc.phases:
        badges.badge(phase_label(phase), color="orange")
    ctgov_link(doc.nct_id)
    left, right = st.columns(2)
    left.markdown(f"**Sponsor:** {md_escape(doc.sponsor or 'not stated')}")
    left.markdown("**Conditions:** " + md_escape(", ".join(doc.conditions) or "not stated"))
    right.markdown("**Interventions:** " + md_escape(", ".join(doc.interventions) or "not stated"))
    if doc.intervention_classes:
        right.markdown("**Drug classes:** " + md_escape(", ".join(doc.intervention_classes)))
    if doc.last_update:
        right.markdown(f"**Last update:** {doc.last_update}")
    if doc.summary:
        st.markdown("**Summary**")
        st.markdown(md_escape(doc.summary))


def _contact(doc: IndexDocument) -> None:
    """How to get in touch: the central contacts, else the sites' contacts, else the registry page."""
    st.subheader("How to get in touch")
    if doc.contacts:
        st.markdown("\n".join(f"- {contact_markdown(c)}" for c in doc.contacts))
    elif any(s.contacts for s in doc.sites):
        st.markdown("The registry names no central contact; each site's contact is listed under Sites below.")
    else:
        st.markdown("The registry names no contact for this trial: the sponsor "
                    f"({md_escape(doc.sponsor or 'not stated')}) and the registry page are the way in.")
    ctgov_link(doc.nct_id)


def _sites(doc: IndexDocument) -> None:
    placed = [s for s in doc.sites if s.lat is not None and s.lon is not None]
    st.subheader(f"Sites ({len(doc.sites)})")
    if not doc.sites:
        st.caption("The registry lists no sites for this trial.")
        return
    if placed:
        st.map(pd.DataFrame({"lat": [s.lat for s in placed], "lon": [s.lon for s in placed]}), height=300, zoom=3)
    if any(s.placed for s in doc.sites):
        st.caption("Sites the registry gives no coordinates for are shown at their ZIP code or city.")
    st.dataframe(
        pd.DataFrame([{"facility": s.facility, "city": s.city, "state": s.state, "zip": s.zip, "country": s.country,
                       "status": status_label(s.status) if s.status else "",
                       "contact": " · ".join(" ".join(p for p in (c.name, c.phone, c.email) if p) for c in s.contacts)}
                      for s in doc.sites]),
        hide_index=True,
    )


def _eligibility(doc: IndexDocument) -> None:
    st.subheader("Eligibility")
    rows = fact_rows(doc.facts)
    if rows:
        st.table(pd.DataFrame(rows, columns=["kind", "value", "polarity", "criterion"]), hide_index=True)
    else:
        st.caption("No structured facts were extracted from this trial's criteria.")
    if doc.eligibility_text:
        with st.expander("Eligibility criteria as registered, extracted facts highlighted", expanded=True):
            marks = fact_marks(doc.facts, doc.eligibility_text)
            st.html(highlighted_block(doc.eligibility_text, marks)
                    + legend_html(sorted({m.label.split(":")[0] for m in marks})))
    else:
        st.caption("The registry gives no eligibility criteria text.")


def _similar(doc: IndexDocument, backend) -> None:
    st.subheader("Similar trials")
    try:
        similar = similar_trials(doc.nct_id, backend, top=SIMILAR_TOP)
    except BackendError as exc:
        guards.backend_error(exc)
        return
    if not similar:
        st.info("No similar trial in the index.")
        return
    for result in similar:
        with st.container(border=True, key=f"similar-{result.nct_id}"):
            st.markdown(f"**{md_escape(result.title or result.nct_id)}** · {result.nct_id} · "
                        f"score {result.score:.2f}")
            if result.reasons:
                st.markdown(md_escape(" · ".join(result.reasons)))
            links = st.container(horizontal=True)
            trial_link(result.nct_id, container=links)
            ctgov_link(result.nct_id, container=links)


def main() -> None:
    st.title("Trial")
    backend = guards.backend_or_stop()
    nct_id = _chosen_id()
    if nct_id is None:
        return
    try:
        doc = backend.get(nct_id)
    except BackendError as exc:
        guards.backend_error(exc)
        return
    if doc is None:
        st.warning(f"{nct_id} is not in the index: check the id, or ingest and index it first.")
        return
    _header(doc)
    _contact(doc)
    _eligibility(doc)
    _sites(doc)
    _similar(doc, backend)


main()
