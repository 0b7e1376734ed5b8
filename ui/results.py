"""Match results on the Find trials page: one card per trial, and CSV/JSON exports.

    for rank, result in enumerate(results, 1):
        render_card(rank, result, documents.get(result.nct_id))
    st.download_button("CSV", results_csv(results), "trialmatch-results.csv")

A card shows the verdict badge, status, phases and the met / not met / unknown counts; the sponsor and
conditions; with a location, the nearest site and its distance (or "no site location listed"); whom to
contact; "why not" for a not-eligible trial (one sentence per criterion); and a per-criterion table (inclusion
or exclusion, the protocol sentence with its decisive words highlighted, a legend of the colours), which
stacks into one column on narrow screens. Exports are built in memory and never written to disk.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Literal

import pandas as pd
import streamlit as st

from core.statuses import phase_label, status_label
from search.models import Contact, CriterionVerdict, IndexDocument, Location, MatchResult, NearestSite
from ui.decisive import verdict_view
from ui.highlight import STYLE, highlight, legend_html
from ui.links import ctgov_link, ctgov_url, trial_link

VERDICT_BADGE: dict[str, tuple[str, Literal["green", "red"], str]] = {
    "potentially_eligible": ("Potentially eligible", "green", ":material/check_circle:"),
    "not_eligible": ("Not eligible", "red", ":material/block:"),
}


def md_escape(text: str) -> str:
    """`text` with markdown's special characters escaped, to show it literally."""
    return re.sub(r"([\\`*_\[\]<>#|~$])", r"\\\1", text)


_VERDICT_SUFFIX = re.compile(r"\s*:\s*(?:not met|met|unknown)\s*\.?\s*$", re.IGNORECASE)
KIND_LABELS = {"performance_status": "Performance status", "prior_therapy": "Prior therapy",
               "cns_metastases": "CNS metastases", "stage": "Cancer stage"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def plain(explanation: str) -> str:
    """An explanation as a sentence: the verdict word at its end dropped (the row shows it), a capital, a stop."""
    text = _VERDICT_SUFFIX.sub("", explanation).strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


def why_not(result: MatchResult) -> list[str]:
    """One plain sentence per criterion the patient does not meet ("Age: patient is 52; ..."), each said once."""
    return list(dict.fromkeys(f"{kind_label(c.kind)}: {plain(c.explanation)}"
                              for c in result.criteria if c.status == "not_met"))


def section_of(verdict: CriterionVerdict, doc: IndexDocument | None) -> str:
    """Whether the verdict's sentence is an inclusion or an exclusion criterion, or a registry field."""
    if verdict.span is None or doc is None:
        return "Registry field"
    for criterion in doc.facts.criteria:
        if criterion.span[0] <= verdict.span[0] < criterion.span[1]:
            return criterion.section.capitalize()
    return "Eligibility text"


def sentence_rows(criteria: Sequence[CriterionVerdict]) -> list[list[CriterionVerdict]]:
    """The verdicts grouped one row per protocol sentence, kind and status, in order: a sentence excluding "Trk,
    ROS1, or ALK inhibitors" gives three verdicts and one row that says each why."""
    rows: dict[tuple, list[CriterionVerdict]] = {}
    for c in criteria:
        rows.setdefault((c.status, c.kind, c.span or c.criterion), []).append(c)
    return list(rows.values())


def criteria_table_html(criteria: Sequence[CriterionVerdict], doc: IndexDocument | None) -> str:
    """An HTML table: status, kind, inclusion or exclusion, the protocol sentence (decisive words marked), why;
    one row per sentence, kind and status (`sentence_rows`).

    Each cell carries its column name (`data-label`), so on a narrow screen the rows stack into labelled lines."""
    views = [(row, *verdict_view(row[0], doc)) for row in sentence_rows(criteria)]
    rows = "".join(
        f"<tr><td data-label='Status'><span class='tm-status tm-{c.status}'>{c.status.replace('_', ' ')}</span></td>"
        f"<td data-label='Kind'>{html.escape(kind_label(c.kind))}</td>"
        f"<td data-label='Criterion'>{html.escape(section_of(c, doc))}</td>"
        f"<td data-label='Protocol sentence' class='tm-text'>{highlight(text, marks)}</td>"
        f"<td data-label='Why'>{html.escape(' '.join(dict.fromkeys(plain(v.explanation) for v in row)))}</td></tr>"
        for row, text, marks in views for c in row[:1]
    )
    marked = sorted({row[0].kind for row, _, marks in views if marks})
    return (
        f"{STYLE}<table class='tm-criteria'>"
        "<thead><tr><th>Status</th><th>Kind</th><th>Criterion</th><th>Protocol sentence</th><th>Why</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>{legend_html(marked)}"
    )


def site_text(site: NearestSite) -> str:
    """"M D Anderson Cancer Center, Houston, Texas, United States — 8 km (Recruiting)"."""
    where = ", ".join(dict.fromkeys(p for p in (site.facility, site.city, site.state, site.country) if p))
    status = f" ({status_label(site.status)})" if site.status else ""
    distance = "under 1 km" if site.distance_km < 1 else f"{site.distance_km:,.0f} km"
    return f"{where or 'site'} — {distance}{status}"


def contact_markdown(contact: Contact) -> str:
    """A contact as markdown with tel: and mailto: links."""
    parts = [md_escape(contact.name)] if contact.name else []
    if contact.phone:
        digits = re.sub(r"[^\d+]", "", contact.phone.split(" ext")[0])
        parts.append(f"[{md_escape(contact.phone)}](tel:{digits})" if digits else md_escape(contact.phone))
    if contact.email:
        parts.append(f"[{md_escape(contact.email)}](mailto:{contact.email})")
    return " · ".join(parts)


def _facts_line(doc: IndexDocument | None) -> str | None:
    if doc is None:
        return None
    conditions = doc.conditions[:3] + ([f"{len(doc.conditions) - 3} more"] if len(doc.conditions) > 3 else [])
    parts = [f"**Sponsor:** {md_escape(doc.sponsor)}" if doc.sponsor else None,
             f"**Conditions:** {md_escape('; '.join(conditions))}" if conditions else None]
    return " · ".join(p for p in parts if p) or None


def render_card(rank: int, result: MatchResult, doc: IndexDocument | None, location: Location | None = None) -> None:
    """One trial as a bordered card (keyed `card-<NCT id>` so browsers and tests can find it);
    `doc` is the trial's index document (sponsor, conditions; its eligibility text locates the decisive words),
    `location` the patient's (the card then shows the nearest site, or that the trial lists none)."""
    label, color, icon = VERDICT_BADGE[result.verdict]
    counts = result.counts
    with st.container(border=True, key=f"card-{result.nct_id}"):
        st.markdown(f"**{rank}. {md_escape(result.title or result.nct_id)}**")
        badges = st.container(horizontal=True)
        badges.badge(label, color=color, icon=icon)
        badges.badge(f"{result.nct_id}", color="gray")
        badges.badge(status_label(result.status), color="blue")
        for phase in doc.phases if doc else []:
            badges.badge(phase_label(phase), color="orange")
        badges.badge(
            f"{counts.get('met', 0)} met · {counts.get('not_met', 0)} not met · {counts.get('unknown', 0)} unknown",
            color="violet",
        )
        if facts := _facts_line(doc):
            st.markdown(facts)
        if result.nearest_site is not None:
            st.markdown(f":material/location_on: **Nearest site:** {md_escape(site_text(result.nearest_site))}")
        elif location is not None:
            st.markdown(":material/location_off: No site location listed")
        if result.contacts:
            st.markdown(":material/call: **Contact:** " + " ; ".join(contact_markdown(c) for c in result.contacts[:2]))
        if result.verdict == "not_eligible":
            st.markdown("**Why not:**\n" + "\n".join(f"- {md_escape(line)}" for line in why_not(result)))
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
