"""Memory of ingesting the whole legacy XML set: resident memory sampled after every committed batch.

    .venv/bin/python bench/ingest_memory.py [--passes 2] [--tracemalloc] [--source PATH]
                                            [--out bench/results/ingest_memory.json]

Ingest streams records, so resident memory must level off after the first batches and not grow with
the number of studies. The set is ingested `--passes` times into one fresh store (the second pass
re-reads every record and finds it unchanged), and the RSS after the first 1,000 studies is compared
with the RSS at the end; the peak (`ru_maxrss`) is reported too. With `--tracemalloc` (slower) the
Python heap is sampled as well, which separates objects kept alive from allocator and SQLite caches.
`--source` measures another input instead (e.g. a large JSONL of distinct studies, all of them added).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import tracemalloc
from pathlib import Path

from ingest.progress import RunProgress
from ingest.store import RawStore
from ingest.sync import ingest_files

LEGACY = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov" / "legacy-xml"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class Sampler(RunProgress):
    def __init__(self) -> None:
        super().__init__("memory")
        self.samples: list[tuple[int, float]] = []
        self.heap: list[float] = []
        self.offset = 0

    def advance(self, studies: int, pages: int = 0) -> None:
        super().advance(studies, pages)
        self.samples.append((self.offset + self.studies, rss_mb()))
        if tracemalloc.is_tracing():
            self.heap.append(tracemalloc.get_traced_memory()[0] / 1e6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--tracemalloc", action="store_true", help="also sample the Python heap")
    parser.add_argument("--source", type=Path, default=LEGACY, help="what to ingest (default: the legacy XML set)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/ingest_memory.json"))
    args = parser.parse_args()
    start_mb = rss_mb()
    if args.tracemalloc:
        tracemalloc.start()
    samples: list[tuple[int, float]] = []
    heap: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, RawStore(Path(tmp) / "studies.sqlite") as store:
        for _ in range(args.passes):
            sampler = Sampler()
            sampler.offset = samples[-1][0] if samples else 0
            ingest_files(store, [args.source], sampler)
            samples.extend(sampler.samples)
            heap.extend(sampler.heap)
        stored = store.count()
    first = next(i for i, (n, _) in enumerate(samples) if n >= 1000)
    after_first_1000 = samples[first][1]
    result = {
        "studies_processed": samples[-1][0],
        "studies_stored": stored,
        "rss_before_mb": round(start_mb, 1),
        "rss_after_1000_mb": round(after_first_1000, 1),
        "rss_at_end_mb": round(samples[-1][1], 1),
        "rss_max_sampled_mb": round(max(mb for _, mb in samples), 1),
        "peak_ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "growth_after_1000_mb": round(samples[-1][1] - after_first_1000, 1),
        "python_heap_after_1000_mb": round(heap[first], 1) if heap else None,
        "python_heap_at_end_mb": round(heap[-1], 1) if heap else None,
        "python_heap_max_mb": round(max(heap), 1) if heap else None,
        "samples": [(n, round(mb, 1)) for n, mb in samples[:: max(1, len(samples) // 12)]],
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
