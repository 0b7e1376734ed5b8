"""Offline loaders: every real format in ../shared/ctgov is detected and read; bad records are skipped."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from core.statuses import STATUSES
from ingest.legacy_xml import _maps, reflow
from ingest.loaders import SourceError, iter_source

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CTGOV = SHARED / "ctgov"
STUDIES = CTGOV / "api-v2" / "studies"
PAGES = CTGOV / "api-v2" / "pages"
LEGACY = CTGOV / "legacy-xml"


def ids(loaded) -> list[str]:
    return [item.study["protocolSection"]["identificationModule"]["nctId"] for item in loaded if item.study]


def test_a_single_study_json_file_yields_that_study():
    loaded = list(iter_source(STUDIES / "NCT00001579.json"))
    assert ids(loaded) == ["NCT00001579"]
    assert loaded[0].reason is None


def test_a_recorded_search_page_yields_each_of_its_studies():
    page = json.loads((PAGES / "xiaoyibao_condition_query_response.json").read_text())
    loaded = list(iter_source(PAGES / "xiaoyibao_condition_query_response.json"))
    assert ids(loaded) == [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]]


def test_a_json_list_of_studies_yields_each_study(tmp_path: Path):
    studies = [json.loads(p.read_text()) for p in sorted(STUDIES.glob("*.json"))[:5]]
    (tmp_path / "list.json").write_text(json.dumps(studies))
    assert ids(iter_source(tmp_path / "list.json")) == [p.stem for p in sorted(STUDIES.glob("*.json"))[:5]]


def test_json_lines_are_read_one_study_per_line_with_line_numbers(tmp_path: Path):
    files = sorted(STUDIES.glob("*.json"))[:3]
    (tmp_path / "s.jsonl").write_text("".join(json.dumps(json.loads(p.read_text())) + "\n" for p in files))
    loaded = list(iter_source(tmp_path / "s.jsonl"))
    assert ids(loaded) == [p.stem for p in files]
    assert loaded[2].source.endswith("s.jsonl:3")


def test_json_lines_without_the_jsonl_suffix_are_detected(tmp_path: Path):
    files = sorted(STUDIES.glob("*.json"))[:2]
    (tmp_path / "dump.json").write_text("\n".join(json.dumps(json.loads(p.read_text())) for p in files))
    assert ids(iter_source(tmp_path / "dump.json")) == [p.stem for p in files]


def test_a_directory_is_walked_recursively_in_name_order():
    loaded = list(iter_source(STUDIES))
    assert len(loaded) == 125
    assert ids(loaded) == sorted(ids(loaded))


def test_a_bulk_zip_of_per_study_json_files_is_read(tmp_path: Path):
    files = sorted(STUDIES.glob("*.json"))[:4]
    with zipfile.ZipFile(tmp_path / "ctg-studies.json.zip", "w") as archive:
        for path in files:
            archive.write(path, arcname=path.name)
    loaded = list(iter_source(tmp_path / "ctg-studies.json.zip"))
    assert ids(loaded) == [p.stem for p in files]
    assert loaded[0].source.endswith(f"ctg-studies.json.zip!{files[0].name}")


def test_a_legacy_xml_record_is_mapped_to_the_api_v2_shape():
    (loaded,) = iter_source(LEGACY / "NCT00000102.xml")
    protocol = loaded.study["protocolSection"]
    assert protocol["identificationModule"]["nctId"] == "NCT00000102"
    assert protocol["statusModule"]["overallStatus"] == "COMPLETED"
    assert protocol["statusModule"]["lastUpdatePostDateStruct"] == {"date": "2005-06-24", "type": "ESTIMATED"}
    assert protocol["designModule"]["phases"] == ["PHASE1", "PHASE2"]
    assert protocol["eligibilityModule"]["sex"] == "ALL"
    assert protocol["eligibilityModule"]["minimumAge"] == "14 Years"
    assert protocol["eligibilityModule"]["maximumAge"] == "35 Years"


def test_legacy_contacts_become_central_and_site_contacts():
    (loaded,) = iter_source(LEGACY / "NCT00000169.xml")
    module = loaded.study["protocolSection"]["contactsLocationsModule"]
    assert module["centralContacts"] == [{"name": "Lisa A. Jones, Ph.D.", "role": "CONTACT",
                                          "phone": "1-614-292-7097", "email": "jones.809@osu.edu"}]
    first = module["locations"][0]
    assert (first["city"], first["zip"], first["status"]) == ("Eutaw", "35462", "RECRUITING")
    assert first["contacts"] == [{"name": "Sandral Hullett, MD, et al", "role": "CONTACT",
                                  "phone": "205-372-3674", "email": "kleinstein@icare.opt.uab.edu"}]


def test_a_legacy_record_without_contacts_gets_no_contact_fields():
    (loaded,) = iter_source(LEGACY / "NCT00000102.xml")
    module = loaded.study["protocolSection"].get("contactsLocationsModule", {})
    assert "centralContacts" not in module
    assert all("contacts" not in loc for loc in module.get("locations", []))


def test_a_legacy_age_of_na_means_no_limit_and_is_left_out():
    (loaded,) = iter_source(LEGACY / "NCT00000104.xml")
    eligibility = loaded.study["protocolSection"]["eligibilityModule"]
    assert "maximumAge" not in eligibility
    assert eligibility["sex"] == "FEMALE"


def test_every_legacy_record_in_a_sample_maps_with_criteria_and_status():
    loaded = [item for path in sorted(LEGACY.glob("NCT*.xml"))[:200] for item in iter_source(path)]
    assert len(loaded) == 200
    assert all(item.study for item in loaded)
    assert all(item.study["protocolSection"]["statusModule"].get("overallStatus") for item in loaded)


def test_legacy_status_labels_map_onto_exactly_the_api_statuses():
    assert sorted(_maps()["overall_status"].values()) == sorted(STATUSES)
    loaded = [item for path in sorted(LEGACY.glob("NCT*.xml"))[:200] for item in iter_source(path)]
    assert {item.study["protocolSection"]["statusModule"]["overallStatus"] for item in loaded} <= set(STATUSES)


def test_legacy_hard_wrapped_bullets_become_one_markdown_line_each():
    text = (
        "\n        Inclusion Criteria:\n\n          -  Patients must have a baseline culture\n"
        "             positive for Cryptococcus.\n\n          -  Written consent.\n\n"
        "               -  From a guardian\n"
    )
    assert reflow(text) == (
        "Inclusion Criteria:\n\n* Patients must have a baseline culture positive for Cryptococcus.\n"
        "* Written consent.\n  * From a guardian"
    )


def test_broken_json_is_skipped_with_the_parser_message(tmp_path: Path):
    (tmp_path / "broken.json").write_text('{"protocolSection": {"identificationModule": ')
    (loaded,) = iter_source(tmp_path / "broken.json")
    assert loaded.study is None
    assert loaded.reason.startswith("invalid JSON")


def test_a_record_without_protocol_section_is_skipped_with_its_reason(tmp_path: Path):
    study = json.dumps(json.loads((STUDIES / "NCT00001579.json").read_text()))
    (tmp_path / "s.jsonl").write_text('{"derivedSection": {}}\n' + study + "\n")
    first, second = iter_source(tmp_path / "s.jsonl")
    assert first.reason == "missing protocolSection (not an API v2 study object)"
    assert second.study is not None


def test_xml_without_an_nct_id_is_skipped_with_its_reason(tmp_path: Path):
    record = (LEGACY / "NCT00000102.xml").read_text().replace("<nct_id>NCT00000102</nct_id>", "")
    (tmp_path / "no-id.xml").write_text(record)
    (loaded,) = iter_source(tmp_path / "no-id.xml")
    assert loaded.study is None
    assert "nct_id" in loaded.reason


def test_a_file_of_unknown_format_in_a_directory_is_reported_not_fatal(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "NCT00001579.json").write_text((STUDIES / "NCT00001579.json").read_text())
    loaded = list(iter_source(tmp_path))
    assert ids(loaded) == ["NCT00001579"]
    assert [item.reason for item in loaded if item.study is None] == [
        "not a study file (expected .json, .xml, .zip, .jsonl, .ndjson)"
    ]


def test_a_missing_path_raises_source_error(tmp_path: Path):
    with pytest.raises(SourceError, match="does not exist"):
        list(iter_source(tmp_path / "nope"))


def test_a_top_level_file_of_unknown_format_raises_source_error(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SourceError, match="not a format trialmatch reads"):
        list(iter_source(tmp_path / "notes.txt"))
