"""The Compare page's data: a filter from the analyst's choices, one table row per trial, four charts.

    filters = selection_filter(Selection(genes=["NTRK1", "NTRK2", "NTRK3"]))
    frame = compare_frame(backend.search(None, filters, size=500))
    st.dataframe(frame); st.altair_chart(alteration_chart(docs))

Filters follow the search stage's grammar (`search.backend`): the gene and alteration choices hold for
the same biomarker fact, the other choices are ANDed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from core.statuses import phase_label, status_label
from search.models import IndexDocument
from ui import facts as words

NCT_PATTERN = re.compile(r"NCT\d{8}", re.IGNORECASE)
NO_UPPER_AGE = 100.0


@dataclass(frozen=True)
class Selection:
    """What the analyst chose; empty lists mean "no constraint"."""

    genes: list[str] = field(default_factory=list)
    alterations: list[str] = field(default_factory=list)
    polarity: str | None = "required"
    conditions: list[str] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)
    nct_ids: list[str] = field(default_factory=list)
    statuses: Sequence[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.genes or self.alterations or self.conditions or self.drugs or self.nct_ids)


def parse_nct_list(text: str) -> tuple[list[str], list[str]]:
    """NCT ids found in free text (any separators), upper-cased and unique, and the leftover words."""
    ids = list(dict.fromkeys(m.upper() for m in NCT_PATTERN.findall(text)))
    leftovers = [w for w in re.split(r"[\s,;]+", NCT_PATTERN.sub(" ", text)) if w]
    return ids, leftovers


def _leaf(field_name: str, values: Sequence[str]) -> dict:
    return {"field": field_name, "operator": "in", "value": list(values)}


def selection_filter(selection: Selection) -> dict | None:
    """The backend filter for a selection (None when nothing constrains it)."""
    conditions: list[dict] = []
    if selection.genes:
        conditions.append(_leaf("biomarkers.gene", selection.genes))
    if selection.alterations:
        conditions.append(_leaf("biomarkers.alteration", selection.alterations))
    if (selection.genes or selection.alterations) and selection.polarity:
        conditions.append(_leaf("biomarkers.polarity", [selection.polarity]))
    if selection.conditions:
        conditions.append(_leaf("conditions", selection.conditions))
    if selection.drugs:
        conditions.append({"operator": "OR", "conditions": [
            _leaf("interventions", selection.drugs), _leaf("intervention_classes", selection.drugs)]})
    if selection.nct_ids:
        conditions.append(_leaf("nct_id", selection.nct_ids))
    if selection.statuses:
        conditions.append(_leaf("overall_status", selection.statuses))
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"operator": "AND", "conditions": conditions}


def _row(doc: IndexDocument) -> dict:
    f = doc.facts
    return {
        "nct_id": doc.nct_id,
        "title": doc.title,
        "status": status_label(doc.overall_status),
        "phase": ", ".join(phase_label(p) for p in doc.phases),
        "age window": words.age_window(f),
        "min age": f.age.min_years,
        "max age": f.age.max_years,
        "ECOG max": f.performance_status.ecog_max,
        "KPS min": f.performance_status.karnofsky_min,
        "Lansky min": f.performance_status.lansky_min,
        "required biomarkers": "; ".join(words.biomarker_rules(f, "required")),
        "excluded biomarkers": "; ".join(words.biomarker_rules(f, "excluded")),
        "prior therapy required": "; ".join(words.therapy_rules(f, "required")),
        "prior therapy excluded": "; ".join(words.therapy_rules(f, "excluded")),
        "CNS metastases": words.cns_rule(f),
        "interventions": ", ".join(doc.interventions),
        "sponsor": doc.sponsor or "",
    }


def compare_frame(docs: Sequence[IndexDocument]) -> pd.DataFrame:
    """One row per trial with the columns analysts compare (sortable, exported as CSV)."""
    frame = pd.DataFrame([_row(d) for d in docs], columns=list(_row(IndexDocument(nct_id="x"))))
    return frame.astype({"min age": "Float64", "max age": "Float64", "ECOG max": "Int64", "KPS min": "Int64",
                         "Lansky min": "Int64"})


def _alteration_rows(docs: Sequence[IndexDocument]) -> pd.DataFrame:
    rows = [
        {"alteration": alteration, "nct_id": d.nct_id}
        for d in docs
        for alteration in dict.fromkeys(b.alteration for b in d.facts.biomarkers if b.polarity == "required")
    ]
    return pd.DataFrame(rows, columns=["alteration", "nct_id"])


def alteration_chart(docs: Sequence[IndexDocument]) -> alt.Chart:
    """Trials by required alteration type."""
    return alt.Chart(_alteration_rows(docs), title="Required alteration types").mark_bar().encode(
        x=alt.X("distinct(nct_id):Q", title="trials", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("alteration:N", sort="-x", title=None),
        tooltip=["alteration:N", alt.Tooltip("distinct(nct_id):Q", title="trials")],
    )


def age_chart(docs: Sequence[IndexDocument]) -> alt.Chart:
    """One bar per trial from its minimum to its maximum age (no maximum drawn to 100)."""
    rows = [
        {"nct_id": d.nct_id, "from": d.facts.age.min_years or 0.0,
         "to": d.facts.age.max_years if d.facts.age.max_years is not None else NO_UPPER_AGE,
         "window": words.age_window(d.facts)}
        for d in docs
    ]
    frame = pd.DataFrame(rows, columns=["nct_id", "from", "to", "window"])
    return alt.Chart(frame, title="Age windows (years; open-ended drawn to 100)").mark_bar().encode(
        x=alt.X("from:Q", title="age", scale=alt.Scale(domain=[0, NO_UPPER_AGE])),
        x2="to:Q",
        y=alt.Y("nct_id:N", sort="x", title=None),
        tooltip=["nct_id:N", "window:N"],
    )


def ecog_chart(docs: Sequence[IndexDocument]) -> alt.Chart:
    """How many trials allow each ECOG maximum."""
    rows = [
        {"ECOG max": str(e) if (e := d.facts.performance_status.ecog_max) is not None else "not stated",
         "nct_id": d.nct_id}
        for d in docs
    ]
    frame = pd.DataFrame(rows, columns=["ECOG max", "nct_id"])
    return alt.Chart(frame, title="ECOG maximum").mark_bar().encode(
        x=alt.X("ECOG max:N", sort=["0", "1", "2", "3", "4", "5", "not stated"], title="ECOG max"),
        y=alt.Y("count():Q", title="trials", axis=alt.Axis(tickMinStep=1)),
        tooltip=["ECOG max:N", alt.Tooltip("count():Q", title="trials")],
    )


def status_phase_chart(docs: Sequence[IndexDocument]) -> alt.Chart:
    """Trials by phase, stacked by overall status."""
    rows = [
        {"phase": phase_label(phase), "status": status_label(d.overall_status or "UNKNOWN"), "nct_id": d.nct_id}
        for d in docs
        for phase in (d.phases or ["NA"])
    ]
    frame = pd.DataFrame(rows, columns=["phase", "status", "nct_id"])
    return alt.Chart(frame, title="Status by phase").mark_bar().encode(
        x=alt.X("phase:N", title="phase"),
        y=alt.Y("count():Q", title="trials", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("status:N", title="status"),
        tooltip=["phase:N", "status:N", alt.Tooltip("count():Q", title="trials")],
    )
