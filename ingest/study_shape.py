"""The JSON types of the study fields trialmatch reads, checked where a study enters (`study_problem`).

    >>> shape_problem({"protocolSection": {"conditionsModule": {"conditions": ["glioma", 7]}}})
    'protocolSection.conditionsModule.conditions[1]: expected a string, got a number'
    >>> shape_problem({"protocolSection": {"designModule": {"phases": ["PHASE2"]}}}) is None
    True

`study_shape.json` beside this module lists each field read by extraction, indexing and the gazetteer with its
type in the API v2 description (`[]` stands for each item of a list). A field that is absent or null is fine (a
null list item is not); one of another type makes the study unusable, and ingest skips it naming the field, so
every study in the store can be read without checking types again. Fields trialmatch does not read are not
checked.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SHAPE_PATH = Path(__file__).with_name("study_shape.json")
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "number": (int, float), "boolean": (bool,),
}
_ARTICLES = {"object": "an object", "array": "a list", "string": "a string", "number": "a number",
             "boolean": "true or false"}


class _Node:
    def __init__(self) -> None:
        self.kind: str | None = None
        self.fields: dict[str, _Node] = {}
        self.items: _Node | None = None


@cache
def _shape() -> _Node:
    root = _Node()
    for path, kind in json.loads(SHAPE_PATH.read_text(encoding="utf-8")).items():
        if path.startswith("_"):
            continue
        node = root
        for part in path.split("."):
            name, lists = part.rstrip("[]"), part.count("[]")
            node = node.fields.setdefault(name, _Node())
            for _ in range(lists):
                node.items = node.items or _Node()
                node = node.items
        node.kind = kind
    return root


def _type_name(value: Any) -> str:
    """`a string`, `a number` ... for the JSON type of `value`."""
    for name, types in _TYPES.items():
        if isinstance(value, types) and not (name == "number" and isinstance(value, bool)):
            return _ARTICLES[name]
    return type(value).__name__


def _problem(value: Any, node: _Node, path: str, in_list: bool = False) -> str | None:
    if value is None:
        return f"{path}: expected {_ARTICLES[node.kind]}, got null" if in_list and node.kind else None
    if node.kind is not None and (
        not isinstance(value, _TYPES[node.kind]) or (node.kind == "number" and isinstance(value, bool))
    ):
        return f"{path}: expected {_ARTICLES[node.kind]}, got {_type_name(value)}"
    if node.items is not None and isinstance(value, list):
        for i, item in enumerate(value):
            if problem := _problem(item, node.items, f"{path}[{i}]", in_list=True):
                return problem
    if node.fields and isinstance(value, dict):
        for name, child in node.fields.items():
            if problem := _problem(value.get(name), child, f"{path}.{name}" if path else name):
                return problem
    return None


def shape_problem(study: dict[str, Any]) -> str | None:
    """The first field of `study` whose JSON type is not the one trialmatch reads, or None."""
    return _problem(study, _shape(), "")
