"""Offline ingest throughput: the 6,928 legacy XML records and a large JSONL built from them.

    .venv/bin/python bench/ingest_throughput.py [--copies 5] [--out bench/results/ingest_throughput.json]

In one run, in a temporary directory: (1) ingest ../shared/ctgov/legacy-xml into a fresh store;
(2) write the stored studies `--copies` times (NCT ids renumbered per copy) to a JSONL file and ingest
that into another fresh store; (3) time the bare parse of the same inputs — `lxml.etree.fromstring` on
every XML file, `json.loads` on every JSONL line — and report ingest speed in studies/s and MB/s and the
ratio of ingest time to bare parse time.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from lxml import etree

from ingest.store import RawStore
from ingest.sync import ingest_files

LEGACY = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov" / "legacy-xml"


def timed_ingest(store_path: Path, source: Path) -> tuple[tuple[float, float], int]:
    """(wall seconds, CPU seconds of this process) and the number of records ingested."""
    with RawStore(store_path) as store:
        started, cpu = time.perf_counter(), time.process_time()
        summary = ingest_files(store, [source])
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert summary.failed == 0, summary.failures[:3]
    return (elapsed, cpu), summary.added + summary.changed + summary.unchanged


def build_jsonl(store_path: Path, out: Path, copies: int) -> int:
    lines = 0
    with RawStore(store_path) as store, out.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            for stored in store.iter_studies():
                study = stored.raw
                ident = study["protocolSection"]["identificationModule"]
                ident["nctId"] = f"NCT{copy}{ident['nctId'][4:]}" if copy else ident["nctId"]
                handle.write(json.dumps(study, ensure_ascii=False) + "\n")
                lines += 1
    return lines


def bare_xml_parse(files: list[Path]) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    for path in files:
        etree.fromstring(path.read_bytes())
    return time.perf_counter() - started, time.process_time() - cpu


def bare_json_parse(path: Path) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as handle:
        for line in handle:
            json.loads(line)
    return time.perf_counter() - started, time.process_time() - cpu


def row(name: str, count: int, megabytes: float, ingest: tuple[float, float], parse: tuple[float, float]) -> dict:
    """Wall-clock figures, plus CPU-time figures that hold up better on a busy machine."""
    (ingest_s, ingest_cpu), (parse_s, parse_cpu) = ingest, parse
    return {
        "input": name,
        "studies": count,
        "MB": round(megabytes, 1),
        "ingest_s": round(ingest_s, 2),
        "studies_per_s": round(count / ingest_s),
        "MB_per_s": round(megabytes / ingest_s, 1),
        "bare_parse_s": round(parse_s, 2),
        "bare_parse_MB_per_s": round(megabytes / parse_s, 1),
        "ingest_to_parse_ratio": round(ingest_s / parse_s, 1),
        "ingest_cpu_s": round(ingest_cpu, 2),
        "studies_per_cpu_s": round(count / ingest_cpu),
        "bare_parse_cpu_s": round(parse_cpu, 2),
        "cpu_ratio": round(ingest_cpu / parse_cpu, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=5, help="copies of the legacy set in the JSONL")
    parser.add_argument("--out", type=Path, default=Path("bench/results/ingest_throughput.json"))
    args = parser.parse_args()
    files = sorted(LEGACY.glob("*.xml"))
    xml_mb = sum(p.stat().st_size for p in files) / 1e6
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        xml_times, xml_n = timed_ingest(tmp_dir / "xml.sqlite", LEGACY)
        results.append(row("legacy XML files", xml_n, xml_mb, xml_times, bare_xml_parse(files)))
        jsonl = tmp_dir / "studies.jsonl"
        build_jsonl(tmp_dir / "xml.sqlite", jsonl, args.copies)
        jsonl_times, jsonl_n = timed_ingest(tmp_dir / "jsonl.sqlite", jsonl)
        results.append(row("JSONL", jsonl_n, jsonl.stat().st_size / 1e6, jsonl_times, bare_json_parse(jsonl)))
    for result in results:
        print("  ".join(f"{k}={v}" for k, v in result.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
