"""Disease-mapping coverage and speed over every registry record in ../shared/ctgov.

    .venv/bin/python bench/disease_coverage.py [--source ../shared/ctgov] [--top 30] [--mapped 0] [--rounds 3]

Reads every study `ingest.loaders.iter_source` finds under `--source` (API v2 studies and pages, the NTRK set,
legacy XML; one record per NCT id), maps each `conditionsModule.conditions` string with `nlp.diseases.map_condition`
and prints: the share of condition strings (every occurrence, and distinct strings) that map to at least one term,
the same share for oncology-worded strings, the share of records with at least one mapped condition, the `--top`
most frequent unmapped strings, and the mapping speed in conditions/s (CPU time, best of `--rounds` passes over all
occurrences) with the vocabulary's load time (CPU and wall; the machine may be shared). `--mapped N` also lists the
N most frequent mapped strings with their terms, for review.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

from ingest.loaders import iter_source

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_SOURCE = ROOT.parent / "shared" / "ctgov"
ONCOLOGY_WORDING = re.compile(
    r"cancer|carcinom|tumou?r|neoplas|lymphom|leuk[ae]?mi|sarcom|melanom|myelom|malignan|glioma|blastoma", re.I
)


def conditions_by_record(source: Path) -> dict[str, list[str]]:
    """NCT id → its registry condition strings, one entry per record."""
    records: dict[str, list[str]] = {}
    for loaded in iter_source(source):
        if loaded.study is None:
            continue
        protocol = loaded.study.get("protocolSection", {})
        nct_id = protocol.get("identificationModule", {}).get("nctId")
        if nct_id and nct_id not in records:
            records[nct_id] = [c for c in protocol.get("conditionsModule", {}).get("conditions", []) if c.strip()]
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="records to read (default ../shared/ctgov)")
    parser.add_argument("--top", type=int, default=30, help="how many unmapped strings to list")
    parser.add_argument("--mapped", type=int, default=0, help="also list this many frequent mapped strings")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over all conditions (best is kept)")
    args = parser.parse_args(argv)

    started, started_cpu = time.perf_counter(), time.process_time()
    from nlp import diseases

    diseases.sources()
    load_seconds, load_cpu = time.perf_counter() - started, time.process_time() - started_cpu

    records = conditions_by_record(args.source)
    occurrences = [c for conditions in records.values() for c in conditions]
    distinct = Counter(occurrences)
    mapped = {text: diseases.map_condition(text) for text in distinct}

    best = float("inf")
    for _ in range(max(1, args.rounds)):
        start = time.process_time()
        for text in occurrences:
            diseases.map_condition(text)
        best = min(best, time.process_time() - start)

    hit_occurrences = sum(count for text, count in distinct.items() if mapped[text])
    hit_distinct = sum(1 for text in distinct if mapped[text])
    hit_records = sum(1 for conditions in records.values() if any(mapped[c] for c in conditions))
    with_conditions = sum(1 for conditions in records.values() if conditions)
    oncology = [text for text in occurrences if ONCOLOGY_WORDING.search(text)]
    hit_oncology = sum(1 for text in oncology if mapped[text])
    header = diseases.sources()
    releases = ", ".join(f"{s['name']} {s['release']}" if "release" in s else s["name"] for s in header["sources"])

    print(f"records: {len(records):,} under {args.source} ({with_conditions:,} with conditions)")
    print(
        f"vocabulary: {header['terms']:,} terms ({releases}); "
        f"loaded in {load_cpu:.2f} s CPU ({load_seconds:.2f} s wall, import included)"
    )
    print(
        f"condition strings mapped to >= 1 term: {hit_occurrences:,}/{len(occurrences):,} "
        f"({hit_occurrences / len(occurrences):.1%}) of occurrences, "
        f"{hit_distinct:,}/{len(distinct):,} ({hit_distinct / len(distinct):.1%}) of distinct strings"
    )
    print(
        f"  of which oncology-worded (cancer, carcinoma, tumour, lymphoma ...): {hit_oncology:,}/{len(oncology):,} "
        f"({hit_oncology / len(oncology):.1%})"
    )
    print(
        f"records with >= 1 mapped condition: {hit_records:,}/{with_conditions:,} ({hit_records / with_conditions:.1%})"
    )
    print(
        f"speed: {len(occurrences) / best:,.0f} conditions/s ({len(occurrences):,} in {best:.2f} s, best of "
        f"{max(1, args.rounds)})"
    )
    print(f"\ntop {args.top} unmapped strings (occurrences):")
    for text, count in [(t, c) for t, c in distinct.most_common() if not mapped[t]][: args.top]:
        print(f"  {count:5d}  {text}")
    if args.mapped:
        print(f"\ntop {args.mapped} mapped strings:")
        for text, count in [(t, c) for t, c in distinct.most_common() if mapped[t]][: args.mapped]:
            terms = "; ".join(f"{m.name} [{m.id}]" for m in mapped[text])
            print(f"  {count:5d}  {text} -> {terms}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
