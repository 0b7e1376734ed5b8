"""One text policy where text enters trialmatch: registry records, criteria texts, patient files.

    >>> decode_bytes(b"caf\\xe9 au lait")
    ('caf\\ufffd au lait', True)
    >>> load_json('{"title": "a \\\\ud800 b"}', "study.json")
    ({'title': 'a \\ufffd b'}, True)
    >>> scrub_text("ECOG \\udc00 2")
    ('ECOG \\ufffd 2', True)

Invalid UTF-8 byte sequences and lone surrogates (legal in JSON as `\\ud800`, unencodable anywhere after)
become U+FFFD, one character for one, so text offsets are unchanged; the second value says whether
anything was replaced, which runs count and report as "repaired". JSON nested deeper than
`MAX_JSON_DEPTH` raises `JsonDepthError` naming the document and the field where it goes too deep: no
record, criteria text or patient profile nests that far, and deeper nesting would exhaust the recursion
of whatever reads it next.
"""

from __future__ import annotations

import json
import re
from typing import Any

REPLACEMENT = "\ufffd"
MAX_JSON_DEPTH = 100
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN_PATH = 4


class JsonDepthError(ValueError):
    """A JSON document nests deeper than MAX_JSON_DEPTH; the message names the document and the field.

    `reason` is the message without the document, for callers that name the record themselves."""

    def __init__(self, where: str, field: str) -> None:
        self.reason = (f"{field} nests deeper than {MAX_JSON_DEPTH} levels; "
                       "give plain values, lists and objects as the format describes")
        super().__init__(f"{where}: {self.reason}")


def decode_bytes(data: bytes) -> tuple[str, bool]:
    """`data` as UTF-8 text (a byte-order mark dropped), invalid byte sequences replaced by U+FFFD."""
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors="replace"), True


def scrub_text(text: str) -> tuple[str, bool]:
    """`text` with every lone surrogate replaced by U+FFFD (same length)."""
    if text.isascii() or _SURROGATE.search(text) is None:  # isascii reads a flag the string keeps: no scan
        return text, False
    return _SURROGATE.sub(REPLACEMENT, text), True


def clean_json(value: Any, where: str) -> tuple[Any, bool]:
    """Parsed JSON `value` with lone surrogates replaced in every string and key; raises JsonDepthError
    when it nests deeper than MAX_JSON_DEPTH (`where` names the document in the message)."""
    repaired = [False]

    def text(item: str) -> str:
        cleaned, changed = scrub_text(item)
        if changed:
            repaired[0] = True
        return cleaned

    def walk(item: Any, depth: int, path: tuple) -> Any:
        if isinstance(item, str):
            return text(item)
        if not isinstance(item, dict | list):
            return item
        if depth >= MAX_JSON_DEPTH:
            raise JsonDepthError(where, _field(path))
        if isinstance(item, list):
            return [walk(element, depth + 1, (path, i)) for i, element in enumerate(item)]
        return {text(key) if isinstance(key, str) else key: walk(element, depth + 1, (path, key))
                for key, element in item.items()}

    cleaned = walk(value, 0, ())
    return cleaned, repaired[0]


def _field(path: tuple) -> str:
    """The field a (parent, key) chain leads to, its first few steps: `biomarkers[0][0][0]…`."""
    parts: list[str | int] = []
    while path:
        path, key = path
        parts.append(key)
    parts.reverse()
    shown = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts[:_SHOWN_PATH]).lstrip(".")
    return (shown or "the document") + ("…" if len(parts) > _SHOWN_PATH else "")


def load_json(data: bytes | str, where: str) -> tuple[Any, bool]:
    """Decode and parse one JSON document under the policy: (value, whether anything was repaired).

    Raises json.JSONDecodeError for text that is not JSON, JsonDepthError for nesting past the cap."""
    text, repaired = decode_bytes(data) if isinstance(data, bytes) else (data, False)
    if not isinstance(data, bytes):
        text = text.removeprefix("\ufeff")
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonDepthError(where, "the document") from None
    value, scrubbed = clean_json(value, where)
    return value, repaired or scrubbed
