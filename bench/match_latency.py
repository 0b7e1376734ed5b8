"""Index build time, on-disk size and match/similar latency at registry scale, embedded and Elasticsearch.

    $ .venv/bin/python bench/match_latency.py --sizes 100000 600000 --backends embedded elasticsearch

The corpus replicates the real records (../shared/ctgov/ntrk and api-v2/studies, extracted once with nlp)
under new NCT ids, varying status, age limits, copy thresholds, site coordinates and a title word, so
every replica is a distinct document. 200 patient profiles (seeded) mix NTRK, ERBB2, EGFR, KRAS, BRAF and
ALK alterations with conditions taken from the corpus; latency is wall time per `match_patient(top=20)`
and per `similar_trials(top=10)` call, after one warm-up call. Elasticsearch comes from TRIALMATCH_ES_URL,
else a local one is started with tests/es_server.py (heap --es-heap). For Elasticsearch the index's search
statistics also give the search requests per match and the server's mean query and fetch time per request.
Prints one JSON object per size and backend, then a summary table and the Elasticsearch/embedded ratios.
`--top-lists DIR` also writes each profile's top-20 results (every field) to DIR/<backend>-<size>.json, so a
change meant to be faster, not different, is checked by comparing the files of two checkouts (`cmp`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ingest.loaders import iter_source
from nlp.extract import extract_studies
from search.documents import build_document
from search.elastic import ElasticBackend
from search.embedded import EmbeddedBackend
from search.matching import match_patient
from search.models import IndexDocument, PatientProfile
from search.patient import parse_patient
from search.similar import similar_trials

REPO = Path(__file__).resolve().parents[1]

SHARED = REPO.parent / "shared"
SOURCES = [SHARED / "ctgov" / "ntrk", SHARED / "ctgov" / "api-v2" / "studies"]
STATUSES = ["RECRUITING", "RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED", "TERMINATED"]
TITLE_WORDS = ["Study", "Trial", "Protocol", "Cohort", "Extension", "Substudy", "Program", "Registry"]
PATIENT_MARKERS = [
    {"gene": "NTRK1", "alteration": "amplification", "copies": 9}, {"gene": "NTRK1", "alteration": "fusion"},
    {"gene": "ETV6-NTRK3"}, {"gene": "HER2", "alteration": "amplification"},
    {"gene": "EGFR", "alteration": "mutation", "variant": "L858R"},
    {"gene": "KRAS", "alteration": "mutation", "variant": "G12C"},
    {"gene": "BRAF", "alteration": "mutation", "variant": "V600E"}, {"gene": "ALK", "alteration": "fusion"},
]
SAMPLES = 200


def base_documents() -> list[IndexDocument]:
    studies = [loaded.study for source in SOURCES for loaded in iter_source(source) if loaded.study]
    return [build_document(s, c) for s, c in zip(studies, extract_studies(studies), strict=True)]


def replicas(base: list[IndexDocument], n: int, seed: int = 7) -> Iterator[IndexDocument]:
    rnd = random.Random(seed)
    for i in range(n):
        doc = base[i % len(base)]
        facts = doc.facts
        older = facts.age.min_years + rnd.choice([0, 0, 1, 2]) if facts.age.min_years is not None else None
        fits = older is not None and (facts.age.max_years is None or older <= facts.age.max_years)
        age = facts.age.model_copy(update={"min_years": older}) if fits else facts.age
        markers = [b.model_copy(update={"min_copies": b.min_copies + rnd.choice([0, 0, 1, -1])})
                   if b.min_copies is not None else b for b in facts.biomarkers]
        sites = [s.model_copy(update={"lat": s.lat + rnd.uniform(-0.5, 0.5), "lon": s.lon + rnd.uniform(-0.5, 0.5)})
                 if s.lat is not None and s.lon is not None else s for s in doc.sites[:20]]
        yield doc.model_copy(update={
            "nct_id": f"NCT9{i:07d}",
            "title": f"{doc.title} {rnd.choice(TITLE_WORDS)} {i % 97}",
            "overall_status": rnd.choice(STATUSES),
            "facts": facts.model_copy(update={"age": age, "biomarkers": markers}),
            "sites": sites,
        })


def patients(base: list[IndexDocument], seed: int = 11) -> list[PatientProfile]:
    rnd = random.Random(seed)
    conditions = sorted({c for d in base for c in d.conditions})
    profiles = []
    for _ in range(SAMPLES):
        data = {"age": rnd.randint(18, 85), "sex": rnd.choice(["female", "male"]), "ecog": rnd.choice([0, 1, 2]),
                "conditions": rnd.sample(conditions, rnd.choice([1, 2])),
                "biomarkers": [rnd.choice(PATIENT_MARKERS)] if rnd.random() < 0.8 else []}
        if rnd.random() < 0.3:
            data["location"] = {"lat": rnd.uniform(25, 48), "lon": rnd.uniform(-120, -70), "radius_km": 300}
        profiles.append(parse_patient(data))
    return profiles


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1)}


def timed(calls) -> dict[str, float]:
    calls[0]()
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(backend, name: str, size: int, base: list[IndexDocument], profiles: list[PatientProfile],
            size_of, top_lists: Path | None = None) -> dict:
    started = time.monotonic()
    written = backend.rebuild(replicas(base, size))
    build_s = time.monotonic() - started
    ids = [f"NCT9{random.Random(size).randrange(size):07d}" for _ in range(SAMPLES)]
    result = {"backend": name, "documents": written, "build_s": round(build_s, 1),
              "disk_mb": round(size_of() / 1e6, 1)}
    before = search_stats(backend) if isinstance(backend, ElasticBackend) else None
    result["match"] = timed([lambda p=p: match_patient(p, backend, top=20) for p in profiles])
    if before is not None:
        result["match_requests"] = requests_per_call(before, search_stats(backend), len(profiles) + 1)
    result["similar"] = timed([lambda i=i: similar_trials(i, backend, top=10) for i in ids])
    if top_lists is not None:
        top_lists.mkdir(parents=True, exist_ok=True)
        lists = [[r.model_dump(mode="json") for r in match_patient(p, backend, top=20)] for p in profiles]
        (top_lists / f"{name}-{size}.json").write_text(json.dumps(lists, indent=1))
    print(json.dumps(result), flush=True)
    return result


def search_stats(backend: ElasticBackend) -> dict:
    """The index's search counters: requests (query phases), and time spent in the query and fetch phases."""
    stats = backend.client.indices.stats(index=backend.alias, metric="search")
    return stats["_all"]["primaries"]["search"]


def requests_per_call(before: dict, after: dict, calls: int) -> dict[str, float]:
    """Search requests per call and the server's mean query and fetch time per request (the rest of a call's
    time is the client: HTTP, decoding hits, verdicts)."""
    queries = after["query_total"] - before["query_total"]
    per_query = max(1, queries)
    return {"searches": round(queries / calls, 2),
            "query_ms": round((after["query_time_in_millis"] - before["query_time_in_millis"]) / per_query, 1),
            "fetch_ms": round((after["fetch_time_in_millis"] - before["fetch_time_in_millis"]) / per_query, 1)}


def es_size(backend: ElasticBackend) -> int:
    backend.client.indices.refresh(index=backend.alias)
    stats = backend.client.indices.stats(index=backend.alias, metric="store")
    return stats["_all"]["primaries"]["store"]["size_in_bytes"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backends", nargs="+", default=["embedded", "elasticsearch"],
                        choices=["embedded", "elasticsearch"])
    parser.add_argument("--work-dir", type=Path, default=None, help="where the embedded index goes (temp dir)")
    parser.add_argument("--es-heap", default="2g")
    parser.add_argument("--keep", action="store_true", help="keep the indexes afterwards")
    parser.add_argument("--top-lists", type=Path, default=None,
                        help="write each profile's top-20 results to this directory, one file per backend and size")
    args = parser.parse_args()

    base = base_documents()
    profiles = patients(base)
    print(f"{len(base)} base documents, {len(profiles)} patient profiles", file=sys.stderr)
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="tm-bench-"))
    server = None
    results = []
    try:
        es_url = os.environ.get("TRIALMATCH_ES_URL")
        if "elasticsearch" in args.backends and not es_url:
            from tests.es_server import LocalElasticsearch

            server = LocalElasticsearch(heap=args.es_heap).start()
            es_url = server.url
        for size in args.sizes:
            if "embedded" in args.backends:
                path = work / f"embedded-{size}" / "index"
                embedded = EmbeddedBackend(path)
                results.append({"size": size, **measure(embedded, "embedded", size, base, profiles,
                                                         lambda p=path: disk_bytes(p.parent), args.top_lists)})
                embedded.close()
                if not args.keep:
                    shutil.rmtree(path.parent, ignore_errors=True)
            if "elasticsearch" in args.backends:
                elastic = ElasticBackend(es_url, index=f"bench-{size}", timeout=120)
                results.append({"size": size, **measure(elastic, "elasticsearch", size, base, profiles,
                                                         lambda e=elastic: es_size(e), args.top_lists)})
                if not args.keep:
                    elastic.drop()
                elastic.close()
    finally:
        if server is not None:
            server.stop()
    print(f"{'size':>8} {'backend':<14} {'build s':>8} {'disk MB':>8} {'match p50/p95 ms':>18} "
          f"{'similar p50/p95 ms':>20}")
    for r in results:
        print(f"{r['size']:>8} {r['backend']:<14} {r['build_s']:>8} {r['disk_mb']:>8} "
              f"{r['match']['p50_ms']:>8}/{r['match']['p95_ms']:<9} "
              f"{r['similar']['p50_ms']:>9}/{r['similar']['p95_ms']}")
    for size in args.sizes:
        by_backend = {r["backend"]: r for r in results if r["size"] == size}
        if len(by_backend) == 2:
            es, emb = by_backend["elasticsearch"]["match"], by_backend["embedded"]["match"]
            print(f"{size:>8} match elasticsearch/embedded: p50 {es['p50_ms'] / emb['p50_ms']:.2f}, "
                  f"p95 {es['p95_ms'] / emb['p95_ms']:.2f}; Elasticsearch per match: "
                  f"{by_backend['elasticsearch']['match_requests']}")


if __name__ == "__main__":
    main()
