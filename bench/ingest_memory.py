"""Memory of ingesting the whole legacy XML set: resident memory sampled after every committed batch.

    .venv/bin/python bench/ingest_memory.py [--passes 2] [--out bench/results/ingest_memory.json]

Ingest streams records, so resident memory must level off after the first batches and not grow with
the number of studies. The set is ingested `--passes` times into one fresh store (the second pass
re-reads every record and finds it unchanged), and the RSS after the first 1,000 studies is compared
with the RSS at the end; the peak (`ru_maxrss`) is reported too.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
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
        self.offset = 0

    def advance(self, studies: int, pages: int = 0) -> None:
        super().advance(studies, pages)
        self.samples.append((self.offset + self.studies, rss_mb()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("bench/results/ingest_memory.json"))
    args = parser.parse_args()
    start_mb = rss_mb()
    samples: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp, RawStore(Path(tmp) / "studies.sqlite") as store:
        for _ in range(args.passes):
            sampler = Sampler()
            sampler.offset = samples[-1][0] if samples else 0
            ingest_files(store, [LEGACY], sampler)
            samples.extend(sampler.samples)
        stored = store.count()
    after_first_1000 = next(mb for n, mb in samples if n >= 1000)
    result = {
        "studies_processed": samples[-1][0],
        "studies_stored": stored,
        "rss_before_mb": round(start_mb, 1),
        "rss_after_1000_mb": round(after_first_1000, 1),
        "rss_at_end_mb": round(samples[-1][1], 1),
        "rss_max_sampled_mb": round(max(mb for _, mb in samples), 1),
        "peak_ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "growth_after_1000_mb": round(samples[-1][1] - after_first_1000, 1),
        "samples": [(n, round(mb, 1)) for n, mb in samples[:: max(1, len(samples) // 12)]],
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
