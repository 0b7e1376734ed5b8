"""Map a legacy `<clinical_study>` XML record (AllPublicXML dump, TREC corpora) into the API v2 study shape.

    >>> study = study_from_xml(Path("NCT00002306.xml").read_bytes())  # doctest: +SKIP
    >>> study["protocolSection"]["eligibilityModule"]["minimumAge"]  # doctest: +SKIP
    '13 Years'

Enumerations (statuses, phases, sponsor classes ...) are mapped by `legacy_xml.json` beside this module.
Text blocks lose the dump's hard wrapping: paragraphs and `-` bullets become single lines, bullets are
written as API v2 markdown `* `; the words are unchanged. Ages of "N/A" mean no limit and are left out.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

_MAPS_PATH = Path(__file__).with_name("legacy_xml.json")
_BULLET = re.compile(r"^(\s*)(?:-|\*|•)\s+(.*)$")
_DAY_DATE = re.compile(r"^([A-Z][a-z]+) (\d{1,2}), (\d{4})$")
_MONTH_DATE = re.compile(r"^([A-Z][a-z]+) (\d{4})$")


class LegacyXmlError(ValueError):
    """The XML is not a usable `<clinical_study>` record; the message says why."""


@cache
def _maps() -> dict[str, dict[str, Any]]:
    return json.loads(_MAPS_PATH.read_text(encoding="utf-8"))


def study_from_xml(data: bytes) -> dict[str, Any]:
    """The API v2 study object of one legacy XML record."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise LegacyXmlError(f"invalid XML: {exc}") from exc
    if root is None or root.tag != "clinical_study":
        tag = None if root is None else root.tag
        raise LegacyXmlError(f"not a <clinical_study> record (root element <{tag}>)")
    return study_from_element(root)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


def study_from_element(root: etree._Element) -> dict[str, Any]:
    nct_id = _text(root, "id_info/nct_id")
    if not nct_id:
        raise LegacyXmlError("XML record has no <id_info><nct_id>")
    protocol = {
        "identificationModule": _identification(root, nct_id),
        "statusModule": _status(root),
        "sponsorCollaboratorsModule": _sponsors(root),
        "descriptionModule": _drop_empty(
            {
                "briefSummary": _textblock(root, "brief_summary/textblock"),
                "detailedDescription": _textblock(root, "detailed_description/textblock"),
            }
        ),
        "conditionsModule": _drop_empty(
            {"conditions": _texts(root, "condition"), "keywords": _texts(root, "keyword")}
        ),
        "designModule": _design(root),
        "armsInterventionsModule": _arms(root),
        "outcomesModule": _drop_empty(
            {
                "primaryOutcomes": _outcomes(root, "primary_outcome"),
                "secondaryOutcomes": _outcomes(root, "secondary_outcome"),
                "otherOutcomes": _outcomes(root, "other_outcome"),
            }
        ),
        "eligibilityModule": _eligibility(root),
        "contactsLocationsModule": _contacts(root),
    }
    derived = {
        "conditionBrowseModule": _browse(root, "condition_browse"),
        "interventionBrowseModule": _browse(root, "intervention_browse"),
    }
    return {
        "protocolSection": _drop_empty(protocol),
        "derivedSection": _drop_empty(derived),
        "hasResults": root.find("clinical_results") is not None,
    }


def _identification(root: etree._Element, nct_id: str) -> dict[str, Any]:
    return _drop_empty(
        {
            "nctId": nct_id.strip().upper(),
            "orgStudyIdInfo": _drop_empty({"id": _text(root, "id_info/org_study_id")}),
            "secondaryIdInfos": [{"id": i} for i in _texts(root, "id_info/secondary_id")],
            "briefTitle": _text(root, "brief_title"),
            "officialTitle": _text(root, "official_title"),
            "acronym": _text(root, "acronym"),
        }
    )


def _status(root: etree._Element) -> dict[str, Any]:
    return _drop_empty(
        {
            "statusVerifiedDate": _date(_text(root, "verification_date")),
            "overallStatus": _mapped("overall_status", _text(root, "overall_status")),
            "lastKnownStatus": _mapped("overall_status", _text(root, "last_known_status")),
            "whyStopped": _text(root, "why_stopped"),
            "expandedAccessInfo": _drop_empty(
                {"hasExpandedAccess": _yes_no(_text(root, "has_expanded_access"))}
            ),
            "startDateStruct": _date_struct(root, "start_date"),
            "primaryCompletionDateStruct": _date_struct(root, "primary_completion_date"),
            "completionDateStruct": _date_struct(root, "completion_date"),
            "studyFirstSubmitDate": _date(_text(root, "study_first_submitted")),
            "studyFirstSubmitQcDate": _date(_text(root, "study_first_submitted_qc")),
            "studyFirstPostDateStruct": _date_struct(root, "study_first_posted"),
            "resultsFirstSubmitDate": _date(_text(root, "results_first_submitted")),
            "resultsFirstPostDateStruct": _date_struct(root, "results_first_posted"),
            "lastUpdateSubmitDate": _date(_text(root, "last_update_submitted")),
            "lastUpdatePostDateStruct": _date_struct(root, "last_update_posted"),
        }
    )


def _sponsors(root: etree._Element) -> dict[str, Any]:
    return _drop_empty(
        {
            "leadSponsor": _agency(root.find("sponsors/lead_sponsor")),
            "collaborators": [_agency(c) for c in root.findall("sponsors/collaborator")],
        }
    )


def _agency(element: etree._Element | None) -> dict[str, Any]:
    if element is None:
        return {}
    return _drop_empty(
        {"name": _text(element, "agency"), "class": _mapped("agency_class", _text(element, "agency_class"))}
    )


def _design(root: etree._Element) -> dict[str, Any]:
    study_type = _text(root, "study_type")
    design = {
        "studyType": _mapped("study_type", study_type),
        "patientRegistry": True if study_type and "Patient Registry" in study_type else None,
        "phases": _maps()["phase"].get(_text(root, "phase") or "", []),
        "designInfo": _drop_empty(
            {
                "allocation": _mapped("allocation", _text(root, "study_design_info/allocation")),
                "primaryPurpose": _mapped("primary_purpose", _text(root, "study_design_info/primary_purpose")),
            }
        ),
    }
    enrollment = root.find("enrollment")
    if enrollment is not None and (enrollment.text or "").strip().isdigit():
        design["enrollmentInfo"] = _drop_empty(
            {"count": int(enrollment.text.strip()), "type": _mapped("date_type", enrollment.get("type"))}
        )
    return _drop_empty(design)


def _arms(root: etree._Element) -> dict[str, Any]:
    arms = [
        _drop_empty(
            {
                "label": _text(arm, "arm_group_label"),
                "type": _mapped("arm_group_type", _text(arm, "arm_group_type")),
                "description": _textblock(arm, "description"),
            }
        )
        for arm in root.findall("arm_group")
    ]
    interventions = [
        _drop_empty(
            {
                "type": _mapped("intervention_type", _text(i, "intervention_type")),
                "name": _text(i, "intervention_name"),
                "description": _textblock(i, "description"),
                "armGroupLabels": _texts(i, "arm_group_label"),
                "otherNames": _texts(i, "other_name"),
            }
        )
        for i in root.findall("intervention")
    ]
    return _drop_empty({"armGroups": arms, "interventions": interventions})


def _outcomes(root: etree._Element, tag: str) -> list[dict[str, Any]]:
    return [
        _drop_empty(
            {
                "measure": _text(o, "measure"),
                "description": _textblock(o, "description"),
                "timeFrame": _text(o, "time_frame"),
            }
        )
        for o in root.findall(tag)
    ]


def _eligibility(root: etree._Element) -> dict[str, Any]:
    element = root.find("eligibility")
    if element is None:
        return {}
    return _drop_empty(
        {
            "eligibilityCriteria": _textblock(element, "criteria/textblock"),
            "healthyVolunteers": _healthy(_text(element, "healthy_volunteers")),
            "sex": _mapped("gender", _text(element, "gender")),
            "minimumAge": _age(_text(element, "minimum_age")),
            "maximumAge": _age(_text(element, "maximum_age")),
            "studyPopulation": _textblock(element, "study_pop/textblock"),
        }
    )


def _people(element: etree._Element, *tags: str) -> list[dict[str, Any]]:
    """Contacts (`overall_contact`, `contact`, their `_backup`s) as API v2 contacts: name, role, phone, email."""
    found = []
    for tag in tags:
        for person in element.findall(tag):
            name = " ".join(filter(None, (_text(person, part) for part in ("first_name", "middle_name", "last_name"))))
            degrees = _text(person, "degrees")
            found.append(_drop_empty({
                "name": f"{name}, {degrees}" if name and degrees else name or None, "role": "CONTACT",
                "phone": _text(person, "phone"), "phoneExt": _text(person, "phone_ext"),
                "email": _text(person, "email"),
            }))
    return [c for c in found if set(c) - {"role"}]


def _contacts(root: etree._Element) -> dict[str, Any]:
    officials = [
        _drop_empty(
            {
                "name": _text(o, "last_name"),
                "affiliation": _text(o, "affiliation"),
                "role": _mapped("official_role", _text(o, "role")),
            }
        )
        for o in root.findall("overall_official")
    ]
    locations = [
        _drop_empty(
            {
                "facility": _text(loc, "facility/name"),
                "status": _mapped("overall_status", _text(loc, "status")),
                "city": _text(loc, "facility/address/city"),
                "state": _text(loc, "facility/address/state"),
                "zip": _text(loc, "facility/address/zip"),
                "country": _text(loc, "facility/address/country"),
                "contacts": _people(loc, "contact", "contact_backup"),
            }
        )
        for loc in root.findall("location")
    ]
    central = _people(root, "overall_contact", "overall_contact_backup")
    return _drop_empty({"centralContacts": central, "overallOfficials": officials, "locations": locations})


def _browse(root: etree._Element, tag: str) -> dict[str, Any]:
    return _drop_empty({"meshes": [{"term": t} for t in _texts(root, f"{tag}/mesh_term")]})


def _text(element: etree._Element, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _texts(element: etree._Element, path: str) -> list[str]:
    return [t for t in (((e.text or "").strip()) for e in element.findall(path)) if t]


def _mapped(table: str, value: str | None) -> str | None:
    if value is None:
        return None
    return _maps()[table].get(value, value.upper().replace(", ", "_").replace(" ", "_").replace("-", "_"))


def _yes_no(value: str | None) -> bool | None:
    return None if value is None else value.lower() == "yes"


def _healthy(value: str | None) -> bool | None:
    return None if value is None else value.lower().startswith("accepts")


def _age(value: str | None) -> str | None:
    if value is None or value.upper() == "N/A":
        return None
    return value


def _date(value: str | None) -> str | None:
    """'October 2, 2007' → '2007-10-02'; 'October 2007' → '2007-10'; anything else unchanged."""
    if value is None:
        return None
    months = _maps()["months"]
    if (m := _DAY_DATE.match(value)) and m[1] in months:
        return f"{m[3]}-{months[m[1]]}-{int(m[2]):02d}"
    if (m := _MONTH_DATE.match(value)) and m[1] in months:
        return f"{m[2]}-{months[m[1]]}"
    return value


def _date_struct(root: etree._Element, tag: str) -> dict[str, Any]:
    element = root.find(tag)
    if element is None or not (element.text or "").strip():
        return {}
    return _drop_empty({"date": _date(element.text.strip()), "type": _mapped("date_type", element.get("type"))})


def _textblock(element: etree._Element, path: str) -> str | None:
    raw = _text(element, path)
    return reflow(raw) if raw else None


def reflow(text: str) -> str:
    """Undo the dump's hard wrapping: one line per paragraph or bullet, `* ` bullets, words unchanged."""
    blocks: list[tuple[int | None, str]] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        bullet = _BULLET.match(lines[0])
        if bullet:
            words = [bullet[2].strip(), *(line.strip() for line in lines[1:])]
            blocks.append((len(bullet[1].expandtabs()), " ".join(words)))
        else:
            blocks.append((None, " ".join(line.strip() for line in lines)))
    indents = sorted({indent for indent, _ in blocks if indent is not None})
    out: list[str] = []
    previous_bullet = False
    for indent, body in blocks:
        if indent is None:
            out.append(("\n" if out else "") + body)
            previous_bullet = False
            continue
        prefix = "  " * indents.index(indent) + "* "
        out.append(("" if previous_bullet or not out else "\n") + prefix + body)
        previous_bullet = True
    return "\n".join(out)


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v not in (None, "", [], {})}
