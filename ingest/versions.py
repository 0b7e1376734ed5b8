"""Which version of a study to keep when several sources (or runs) bring different ones.

    >>> api = {"protocolSection": {"statusModule": {"lastUpdatePostDateStruct": {"date": "2024-05-01"}}},
    ...        "derivedSection": {"miscInfoModule": {"versionHolder": "2026-04-29"}}}
    >>> legacy = {"protocolSection": {"statusModule": {"lastUpdatePostDateStruct": {"date": "2024-05-01"}}}}
    >>> compare_versions(api, legacy), compare_versions(legacy, api), compare_versions(api, api)
    (1, -1, 0)

In order: the later `lastUpdatePostDate` wins (when both carry one); then a record as the API v2 serves it
(stamped with `derivedSection.miscInfoModule.versionHolder`) wins over one converted from a legacy record
(`ingest.legacy_xml` and hand conversions carry no stamp); then the one with more non-empty modules. The
store never lets a version that compares lower replace the stored one, so the same sources give the same
store whatever order they are read in.
"""

from __future__ import annotations

from typing import Any

from ingest.studies import last_update_of


def _from_api(study: dict[str, Any]) -> bool:
    derived = study.get("derivedSection")
    misc = derived.get("miscInfoModule") if isinstance(derived, dict) else None
    return isinstance(misc, dict) and bool(misc.get("versionHolder"))


def _modules(study: dict[str, Any]) -> int:
    """Non-empty modules across the study's sections."""
    return sum(
        1
        for section in study.values() if isinstance(section, dict)
        for module in section.values() if isinstance(module, dict) and module
    )


def _sign(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


def compare_versions(a: dict[str, Any], b: dict[str, Any]) -> int:
    """1 when version `a` of a study should be kept over `b`, -1 when `b` should, 0 when neither is better."""
    date_a, date_b = last_update_of(a), last_update_of(b)
    if date_a and date_b and date_a != date_b:
        return _sign(date_a, date_b)
    return _sign(_from_api(a), _from_api(b)) or _sign(_modules(a), _modules(b))
