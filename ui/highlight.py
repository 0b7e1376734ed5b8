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

_ESCAPE = re.compile(r"\\([\\<>\[\]().*_#+!`{}|~-])")

STYLE = """
<style>
.tm-text { white-space: pre-wrap; line-height: 1.5; font-size: 0.92rem; }
.tm-text mark { padding: 0 2px; border-radius: 3px; background: #fde68a; }
.tm-text mark.tm-biomarker { background: #bfdbfe; }
.tm-text mark.tm-age, .tm-text mark.tm-sex { background: #ddd6fe; }
.tm-text mark.tm-performance_status { background: #bbf7d0; }
.tm-text mark.tm-prior_therapy { background: #fecaca; }
.tm-text mark.tm-cns_metastases { background: #fed7aa; }
.tm-status { padding: 1px 6px; border-radius: 8px; white-space: nowrap; font-weight: 600; }
.tm-status.tm-met { background: #dcfce7; color: #166534; }
.tm-status.tm-not_met { background: #fee2e2; color: #991b1b; }
.tm-status.tm-unknown { background: #f3f4f6; color: #374151; }
</style>
"""


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


def highlighted_block(text: str, marks: Iterable[Mark]) -> str:
    """A self-contained HTML block (style included) for `st.html`."""
    return f'{STYLE}<div class="tm-text">{highlight(text, marks)}</div>'
