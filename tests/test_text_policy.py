"""Text that enters trialmatch with lone surrogates or invalid UTF-8 is repaired, counted and never costs a run.

Each case is one of issue 14's defects, reproduced on a real record of ../shared with one bad character added.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.encoding import decode_bytes, load_json, scrub_text
from ingest.loaders import iter_source
from ingest.store import RawStore
from ingest.sync import ingest_files
from nlp.extract import extract_text
from nlp.models import TrialCriteria
from tests.test_extract_cli import trialmatch

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NTRK = SHARED / "ctgov" / "ntrk"
MODEL = NTRK / "NCT04879121.json"
NEIGHBOURS = sorted(p for p in NTRK.glob("NCT*.json") if p != MODEL)
CORPUS = SHARED / "corpus" / "eligibility-texts.jsonl"


def with_lone_surrogate(tmp_path: Path, field: str) -> Path:
    """The model trial with `" \\ud800"` (a legal JSON escape) appended to one of its text fields."""
    text = MODEL.read_text(encoding="utf-8")
    study = json.loads(text)
    module, key = {"title": ("identificationModule", "briefTitle"),
                   "criteria": ("eligibilityModule", "eligibilityCriteria")}[field]
    original = study["protocolSection"][module][key]
    escaped = json.dumps(original, ensure_ascii=False)
    assert escaped in text
    path = tmp_path / f"surrogate-{field}.json"
    path.write_text(text.replace(escaped, escaped[:-1] + ' \\ud800"', 1), encoding="utf-8")
    return path


def test_invalid_bytes_and_lone_surrogates_become_replacement_characters_of_the_same_length():
    assert decode_bytes("Grade ≥ 2".encode() + b"\xff") == ("Grade ≥ 2\ufffd", True)
    assert decode_bytes("Grade ≥ 2".encode()) == ("Grade ≥ 2", False)
    assert load_json('{"a": ["x \\udfff y", {"\\ud800": 1}]}', "t.json") == ({"a": ["x \ufffd y", {"\ufffd": 1}]}, True)
    assert load_json('{"a": "\\ud83d\\ude00"}', "t.json") == ({"a": "😀"}, False)


def test_scrub_text_passes_ascii_and_surrogate_free_text_as_is_and_repairs_a_lone_surrogate():
    assert scrub_text("ECOG 0-1") == ("ECOG 0-1", False)
    assert scrub_text("ECOG ≤ 2") == ("ECOG ≤ 2", False)
    assert scrub_text("ECOG ≤ 2 \udc00") == ("ECOG ≤ 2 \ufffd", True)


def test_a_lone_surrogate_in_one_study_is_repaired_and_its_neighbours_are_stored(tmp_path: Path):
    bad = with_lone_surrogate(tmp_path, "title")
    with RawStore(tmp_path / "store.sqlite") as store:
        summary = ingest_files(store, [*NEIGHBOURS, bad])
        stored = store.get("NCT04879121")
        assert (summary.added, summary.changed, summary.failed, summary.repaired) == (9, 0, 0, 1)
        assert stored is not None and stored.raw["protocolSection"]["identificationModule"]["briefTitle"].endswith(
            " \ufffd"
        )
        assert store.count() == 9


def test_the_ingest_summary_says_how_many_records_were_repaired(tmp_path: Path):
    bad = with_lone_surrogate(tmp_path, "title")
    done = trialmatch(tmp_path, "ingest", *(f"--source={p}" for p in [*NEIGHBOURS, bad]))
    assert done.returncode == 0, done.stderr
    assert "1 repaired" in done.stdout


def test_a_lone_surrogate_in_a_criteria_text_is_extracted_like_the_rest(tmp_path: Path):
    bad = with_lone_surrogate(tmp_path, "criteria")
    out = tmp_path / "facts.jsonl"
    done = trialmatch(tmp_path, "extract", "--input", str(bad), "--output", str(out))
    assert done.returncode == 0, done.stderr
    facts = TrialCriteria.model_validate_json(out.read_text(encoding="utf-8"))
    assert (facts.nct_id, facts.age.min_years, facts.performance_status.ecog_max) == ("NCT04879121", 16, 3)
    assert "repaired 1" in done.stderr


def test_extract_text_reads_a_text_with_a_lone_surrogate():
    facts = extract_text("Inclusion Criteria:\n* ECOG 0-1 \ud800\n* Age 18 years or older", nct_id="NCT0")
    assert (facts.performance_status.ecog_max, facts.age.min_years) == (1, 18)
    assert "\ufffd" in facts.model_dump_json()


def test_an_invalid_byte_on_the_first_line_of_a_text_jsonl_costs_only_that_line(tmp_path: Path):
    lines = CORPUS.read_bytes().splitlines()[:3]
    source = tmp_path / "texts.jsonl"
    source.write_bytes(b"\n".join([lines[0][:-2] + b"\xff" + lines[0][-2:], *lines[1:]]) + b"\n")
    out = tmp_path / "facts.jsonl"
    done = trialmatch(tmp_path, "extract", "--input", str(source), "--output", str(out))
    assert done.returncode == 0, done.stderr
    ids = [json.loads(line)["nct_id"] for line in out.read_text().splitlines()]
    assert ids == [json.loads(line)["nct_id"] for line in lines]
    assert "repaired 1" in done.stderr


def test_extract_names_and_counts_lines_without_an_id_or_a_text_instead_of_emitting_null_ids(tmp_path: Path):
    good = CORPUS.read_text(encoding="utf-8").splitlines()[0]
    source = tmp_path / "texts.jsonl"
    source.write_text("\n".join([
        good,
        json.dumps({"criteria": "Inclusion Criteria:\n* ECOG 0-1"}),
        json.dumps({"nct_id": "NCT00000001", "criteria": ["not", "a", "text"]}),
        json.dumps({"nct_id": 7, "criteria": "ECOG 0-1"}),
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "facts.jsonl"
    done = trialmatch(tmp_path, "extract", "--input", str(source), "--output", str(out))
    assert done.returncode == 0, done.stderr
    facts = [json.loads(line) for line in out.read_text().splitlines()]
    assert [f["nct_id"] for f in facts] == [json.loads(good)["nct_id"]]
    assert "skipped 3 records" in done.stderr
    assert f"skipped {source}:2: nct_id: missing" in done.stderr
    assert f"skipped {source}:3: criteria: expected the eligibility text as a string, got list" in done.stderr
    assert f"skipped {source}:4: nct_id: missing" in done.stderr


def test_loaders_flag_the_repaired_record_only(tmp_path: Path):
    bad = with_lone_surrogate(tmp_path, "title")
    loaded = list(iter_source(bad)) + list(iter_source(NTRK / "NCT02576431.json"))
    assert [item.repaired for item in loaded] == [True, False]


def test_a_study_nested_too_deep_is_skipped_with_a_reason(tmp_path: Path):
    study = json.loads(MODEL.read_text(encoding="utf-8"))
    study["protocolSection"]["conditionsModule"]["keywords"] = json.loads("[" * 150 + "]" * 150)
    deep = tmp_path / "deep.json"
    deep.write_text(json.dumps(study))
    with RawStore(tmp_path / "store.sqlite") as store:
        summary = ingest_files(store, [NTRK / "NCT02576431.json", deep])
    assert (summary.added, summary.failed) == (1, 1)
    assert "protocolSection.conditionsModule.keywords" in summary.failures[0].reason


def test_a_lone_surrogate_escape_in_an_api_page_is_repaired_and_the_page_stored(tmp_path: Path):
    from ingest.client import CtgovClient
    from ingest.query import StudyQuery
    from ingest.sync import ingest_live
    from tests.fake_ctgov import FakeCtgov, recorded_studies

    studies = recorded_studies()
    studies[0]["protocolSection"]["identificationModule"]["briefTitle"] += " \ud800"
    with FakeCtgov(studies=studies) as api, CtgovClient(api.url, rate_per_minute=100_000) as client:
        with RawStore(tmp_path / "store.sqlite") as store:
            summary = ingest_live(store, client, StudyQuery(term="cancer"), page_size=25)
            assert (summary.failed, summary.repaired, summary.added) == (0, 1, store.count())
