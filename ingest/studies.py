"""Checks and fingerprints of API v2 study objects, shared by the loaders, the client and the store.

    >>> study = {"protocolSection": {"identificationModule": {"nctId": "NCT04879121"}}}
    >>> study_problem(study) is None, nct_id_of(study)
    (True, 'NCT04879121')
    >>> text, digest = serialize(study)
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ingest.study_shape import shape_problem

NCT_ID = re.compile(r"^NCT\d{8}$")


def study_problem(study: Any) -> str | None:
    """Why `study` is not a usable API v2 study object, or None when it is."""
    if not isinstance(study, dict):
        return f"expected a study object, got {type(study).__name__}"
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        return "missing protocolSection (not an API v2 study object)"
    ident = protocol.get("identificationModule")
    nct_id = ident.get("nctId") if isinstance(ident, dict) else None
    if not isinstance(nct_id, str) or not nct_id.strip():
        return "missing protocolSection.identificationModule.nctId"
    if not NCT_ID.match(nct_id.strip().upper()):
        return f"malformed NCT id {nct_id!r} (expected NCT followed by 8 digits)"
    shape = shape_problem(study)
    return f"{shape}; correct the field or leave it out" if shape else None


def nct_id_of(study: dict[str, Any]) -> str:
    """The study's NCT id, upper-cased; call `study_problem` first."""
    return study["protocolSection"]["identificationModule"]["nctId"].strip().upper()


def last_update_of(study: dict[str, Any]) -> str | None:
    """The registry's `lastUpdatePostDate` of the study, if it carries one."""
    status = study["protocolSection"].get("statusModule") or {}
    date = (status.get("lastUpdatePostDateStruct") or {}).get("date")
    return date if isinstance(date, str) else None


def serialize(study: dict[str, Any]) -> tuple[str, str]:
    """The study's compact JSON text and its content hash (SHA-256), from a single serialization.

    The hash ignores `derivedSection.miscInfoModule.versionHolder`: the API stamps every record with the
    date of its data release there, and counting that as a change would mark every study as changed on
    every refresh. The text is produced here with fixed separators, so the stamp appears in it exactly as
    `"versionHolder":"<date>"` (a quote inside a JSON string value is always escaped) and is cut out of
    the hashed text. Key order is the source's; the API and the legacy mapping keep it stable.
    """
    text = json.dumps(study, ensure_ascii=False, separators=(",", ":"))
    derived = study.get("derivedSection")
    misc = derived.get("miscInfoModule") if isinstance(derived, dict) else None
    hashed = text
    if isinstance(misc, dict) and "versionHolder" in misc:
        stamp = '"versionHolder":' + json.dumps(misc["versionHolder"], ensure_ascii=False)
        hashed = text.replace(stamp + ",", "").replace("," + stamp, "").replace(stamp, "")
    return text, hashlib.sha256(hashed.encode("utf-8")).hexdigest()
