"""Match results on the Find trials page: one card per trial, and CSV/JSON exports.

    for rank, result in enumerate(results, 1):
        render_card(rank, result, documents.get(result.nct_id))
    st.download_button("CSV", results_csv(results), "trialmatch-results.csv")

A card shows the verdict badge, the met / not met / unknown counts, "why not" for a not-eligible
trial, and a per-criterion table whose protocol sentences have the decisive words highlighted.
Exports are built in memory for the download and never written to disk.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Literal

import pandas as pd
import streamlit as st

from search.models import CriterionVerdict, IndexDocument, MatchResult
from ui.decisive import verdict_view
from ui.highlight import STYLE, highlight
from ui.links import ctgov_link, ctgov_url, trial_link

VERDICT_BADGE: dict[str, tuple[str, Literal["green", "red"], str]] = {
    "potentially_eligible": ("Potentially eligible", "green", ":material/check_circle:"),
    "not_eligible": ("Not eligible", "red", ":material/block:"),
}


def md_escape(text: str) -> str:
    """`text` with markdown's special characters escaped, to show it literally."""
    return re.sub(r"([\\`*_\[\]<>#|~$])", r"\\\1", text)


def why_not(result: MatchResult) -> list[str]:
    """The explanations of the criteria the patient does not meet."""
    return [c.explanation for c in result.criteria if c.status == "not_met"]


def criteria_table_html(criteria: Sequence[CriterionVerdict], doc: IndexDocument | None) -> str:
    """An HTML table: status, kind, the protocol sentence (decisive words marked), the explanation."""
    rows = "".join(
        f"<tr><td><span class='tm-status tm-{c.status}'>{c.status.replace('_', ' ')}</span></td>"
        f"<td>{html.escape(c.kind.replace('_', ' '))}</td>"
        f'<td class="tm-text">{highlight(*verdict_view(c, doc))}</td><td>{html.escape(c.explanation)}</td></tr>'
        for c in criteria
    )
    return (
        f"{STYLE}<table class='tm-criteria' style='width:100%;font-size:0.9rem'>"
        "<thead><tr><th>Status</th><th>Kind</th><th>Protocol sentence</th><th>Why</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_card(rank: int, result: MatchResult, doc: IndexDocument | None) -> None:
    """One trial as a bordered card (keyed `card-<NCT id>` so browsers and tests can find it);
    `doc` is the trial's index document, whose eligibility text locates the decisive words."""
    label, color, icon = VERDICT_BADGE[result.verdict]
    counts = result.counts
    with st.container(border=True, key=f"card-{result.nct_id}"):
        st.markdown(f"**{rank}. {md_escape(result.title or result.nct_id)}**")
        badges = st.container(horizontal=True)
        badges.badge(label, color=color, icon=icon)
        badges.badge(f"{result.nct_id}", color="gray")
        badges.badge((result.status or "status unknown").replace("_", " ").lower(), color="blue")
        badges.badge(
            f"{counts.get('met', 0)} met · {counts.get('not_met', 0)} not met · {counts.get('unknown', 0)} unknown",
            color="violet",
        )
        if result.verdict == "not_eligible":
            st.markdown("**Why not:** " + md_escape("; ".join(why_not(result))))
        if result.criteria:
            with st.expander(f"Criteria ({len(result.criteria)})"):
                st.html(criteria_table_html(result.criteria, doc))
        links = st.container(horizontal=True)
        trial_link(result.nct_id, container=links)
        ctgov_link(result.nct_id, container=links)


def _diagnosis(result: MatchResult) -> str:
    """The diagnosis criterion in one cell: "met: trial is for solid tumour; the patient has ..."."""
    found = next((c for c in result.criteria if c.kind == "diagnosis"), None)
    return f"{found.status.replace('_', ' ')}: {found.explanation}" if found else ""


def results_frame(results: Sequence[MatchResult]) -> pd.DataFrame:
    """One row per trial in rank order, for the CSV export."""
    return pd.DataFrame(
        [
            {
                "rank": rank, "nct_id": r.nct_id, "title": r.title, "status": r.status, "verdict": r.verdict,
                "score": round(r.score, 4), "met": r.counts.get("met", 0), "not_met": r.counts.get("not_met", 0),
                "unknown": r.counts.get("unknown", 0), "diagnosis": _diagnosis(r), "why_not": " | ".join(why_not(r)),
                "url": ctgov_url(r.nct_id),
            }
            for rank, r in enumerate(results, 1)
        ],
        columns=["rank", "nct_id", "title", "status", "verdict", "score", "met", "not_met", "unknown",
                 "diagnosis", "why_not", "url"],
    )


def results_csv(results: Sequence[MatchResult]) -> bytes:
    return results_frame(results).to_csv(index=False).encode("utf-8")


def results_json(results: Sequence[MatchResult]) -> bytes:
    """The same shape as `trialmatch match --json`."""
    payload = {"results": [r.model_dump(mode="json", exclude={"counts"}) for r in results]}
    return json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")
