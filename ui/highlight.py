"""HTML for protocol text with the words a fact came from highlighted.

    >>> highlight("Age \\\\>= 12 years", [Mark(4, 7, "age")])
    'Age <mark class="tm-age" title="age">&gt;=</mark> 12 years'

Spans are `[start, end)` offsets into the text exactly as the registry gave it, markdown escapes
(`\\<`, `\\>`, `\\[`, `\\.`) included; the escapes are removed for display, the offsets stay right.
Overlapping marks are merged, keeping the first mark's label.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # markdown escapes any ASCII punctuation (CommonMark)

STYLE = """
<style>
.tm-text { white-space: pre-wrap; line-height: 1.5; font-size: 0.92rem; }
.tm-text mark { padding: 0 2px; border-radius: 3px; background: #fde68a; }
.tm-text mark.tm-biomarker { background: #bfdbfe; }
.tm-text mark.tm-age, .tm-text mark.tm-sex { background: #ddd6fe; }
.tm-text mark.tm-performance_status { background: #bbf7d0; }
.tm-text mark.tm-prior_therapy { background: #fecaca; }
.tm-text mark.tm-cns_metastases { background: #fed7aa; }
.tm-text mark.tm-disease_scale { background: #99f6e4; }
.tm-text mark.tm-stage { background: #fbcfe8; }
.tm-text mark.tm-procedure { background: #fde68a; }
.tm-text mark.tm-diagnosis { background: #d9f99d; }
.tm-text mark.tm-absent_condition { background: #e5e7eb; text-decoration: line-through; }
.tm-status { padding: 1px 6px; border-radius: 8px; white-space: nowrap; font-weight: 600; }
.tm-status.tm-met { background: #dcfce7; color: #166534; }
.tm-status.tm-not_met { background: #fee2e2; color: #991b1b; }
.tm-status.tm-unknown { background: #f3f4f6; color: #374151; }
table.tm-criteria { width: 100%; font-size: 0.9rem; border-collapse: collapse; table-layout: auto; }
table.tm-criteria td, table.tm-criteria th { vertical-align: top; padding: 4px 6px; overflow-wrap: break-word;
  text-align: left; }
table.tm-criteria td:nth-child(-n+3) { white-space: nowrap; }
table.tm-criteria td.tm-text { width: 45%; }
table.tm-criteria td:last-child { width: 28%; }
.tm-legend { font-size: 0.8rem; margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px 10px; }
.tm-legend mark { padding: 0 4px; border-radius: 3px; }
@media (max-width: 640px) {
  table.tm-criteria thead { display: none; }
  table.tm-criteria, table.tm-criteria tbody, table.tm-criteria tr,
  table.tm-criteria td { display: block; width: auto; }
  table.tm-criteria tr { border-top: 1px solid #e5e7eb; padding: 6px 0; }
  table.tm-criteria td, table.tm-criteria td:nth-child(-n+3) { padding: 2px 0; white-space: normal; }
  table.tm-criteria td.tm-text, table.tm-criteria td:last-child { width: auto; }
  table.tm-criteria td::before { content: attr(data-label) ": "; font-weight: 600; font-size: 0.8rem; color: #4b5563; }
}
</style>
"""
LEGEND = {"biomarker": "biomarker", "age": "age", "sex": "sex", "performance_status": "performance status",
          "prior_therapy": "prior therapy", "cns_metastases": "CNS metastases", "disease_scale": "disease scale",
          "stage": "cancer stage", "procedure": "procedure", "diagnosis": "diagnosis",
          "absent_condition": "condition not had"}


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    label: str


def unescape(text: str) -> str:
    """Registry markdown escapes removed: `\\<` becomes `<`."""
    return _ESCAPE.sub(r"\1", text)


def _merged(marks: Iterable[Mark], length: int) -> list[Mark]:
    clipped = sorted(
        (Mark(max(0, m.start), min(length, m.end), m.label) for m in marks if m.end > m.start),
        key=lambda m: (m.start, -m.end),
    )
    merged: list[Mark] = []
    for mark in clipped:
        if mark.start >= mark.end:
            continue
        if merged and mark.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Mark(last.start, max(last.end, mark.end), last.label)
        else:
            merged.append(mark)
    return merged


def _css_class(label: str) -> str:
    return "tm-" + re.sub(r"[^a-z_]", "", label.split(":", 1)[0].strip().lower().replace(" ", "_"))


def highlight(text: str, marks: Iterable[Mark]) -> str:
    """`text` as HTML, unescaped, with every mark wrapped in `<mark>` titled by its label."""
    pieces: list[str] = []
    cursor = 0
    for mark in _merged(marks, len(text)):
        pieces.append(html.escape(unescape(text[cursor : mark.start]), quote=False))
        inner = html.escape(unescape(text[mark.start : mark.end]), quote=False)
        label = html.escape(mark.label)
        pieces.append(f'<mark class="{_css_class(mark.label)}" title="{label}">{inner}</mark>')
        cursor = mark.end
    pieces.append(html.escape(unescape(text[cursor:]), quote=False))
    return "".join(pieces)


def legend_html(kinds: Iterable[str] | None = None) -> str:
    """What the highlight colours mean, for the kinds given (every kind by default)."""
    shown = [k for k in (kinds if kinds is not None else LEGEND) if k in LEGEND]
    if not shown:
        return ""
    chips = "".join(f'<mark class="{_css_class(k)}">{html.escape(LEGEND[k])}</mark>' for k in shown)
    return f'<div class="tm-text tm-legend"><span>Highlighted words:</span>{chips}</div>'


def highlighted_block(text: str, marks: Iterable[Mark]) -> str:
    """A self-contained HTML block (style included) for `st.html`."""
    return f'{STYLE}<div class="tm-text">{highlight(text, marks)}</div>'
