"""Patient-to-trial ranking quality on TREC Precision Medicine 2017 and 2018, against a BM25 baseline.

    .venv/bin/python bench/eval_matching.py [--per-topic] [--out eval.json] [--work-dir DIR] [--top 500]

Every shared ClinicalTrials.gov record (../shared/ctgov: legacy-xml, api-v2/studies, api-v2/pages, ntrk) is
ingested and indexed once, with the product's own `ingest_files` and `index_pending`, into an embedded index
under --work-dir, keyed by a hash of the code and data that build index documents (the repo modules a fresh
interpreter loads to ingest, extract and index one record of each source, and every data file beside them)
and of the sources: a rerun with unchanged extraction reuses it. Each topic becomes a patient profile
(bench/trec.py) and runs in process through `match_patient`, as `trialmatch match --top 500 --status any
--include-ineligible` would. BM25 (rank_bm25 Okapi, default k1, b, epsilon) ranks the same records by title,
conditions, keywords, summary and criteria text for the query disease + gene + demographic, lower-cased and
split on non-alphanumerics, cut at the same depth (trials scoring 0 are not returned).

Both rankings are condensed to the judged trials we hold before scoring: NDCG@10 (gain 2^rel - 1), P@10
(rel >= 1) and R-precision, averaged over the topics with at least one relevant judged trial held. A topic
that fails to run scores 0 and is listed with its reason. 2017 is the tuning year and 2018 the test year:
tune on 2017, only report 2018. `--out` also keeps, per topic, the first ten judged trials of each ranking
with their relevance, and the relevant judged trials the system did not return.

Until the profile accepts biomarkers of unknown kind (`"alteration": "any"`) and negative status
(`"status": "negative"`), those biomarkers are dropped from the profile (fallback DROP_UNSUPPORTED_BIOMARKERS)
and the topics affected are counted in the output.

`--backend elasticsearch` ranks with the Elasticsearch backend instead: the embedded index's documents are
copied into the index `eval-matching-<key>` (reused while it holds them all) at TRIALMATCH_ES_URL, else at a
local Elasticsearch started with tests/es_server.py for the run.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rank_bm25 import BM25Okapi

from bench.trec import TopicProfile, read_qrels, read_topics, topic_profile
from core.settings import Settings
from ingest.store import RawStore
from ingest.sync import ingest_files
from search.backends import open_backend
from search.elastic import ElasticBackend
from search.embedded import EmbeddedBackend
from search.matching import match_patient
from search.patient import PatientError, parse_patient
from workflows import indexing

ROOT = Path(__file__).resolve().parents[1]

SHARED_CTGOV = ROOT.parent / "shared" / "ctgov"
SOURCES = [SHARED_CTGOV / "legacy-xml", SHARED_CTGOV / "api-v2" / "studies", SHARED_CTGOV / "api-v2" / "pages",
           SHARED_CTGOV / "ntrk"]
YEARS = {2017: "tuning year", 2018: "test year"}
CUTOFF = 10
KEPT_INDEXES = 3
CACHE_FORMAT = 1
TOKEN = re.compile(r"[a-z0-9]+")
FALLBACK = "DROP_UNSUPPORTED_BIOMARKERS"


# --- metrics on condensed lists -------------------------------------------------------------------------------

def condense(ranking: Sequence[str], judged: dict[str, int]) -> list[int]:
    """Relevance of each judged trial in rank order; trials without a judgment are cut out."""
    return [judged[nct_id] for nct_id in ranking if nct_id in judged]


def ndcg_at(ranked: Sequence[int], judged: Iterable[int], k: int = CUTOFF) -> float:
    """NDCG@k with gain 2^rel - 1; the ideal ranking orders every judged relevance held."""
    def dcg(rels: Sequence[int]) -> float:
        return sum((2 ** rel - 1) / math.log2(rank + 2) for rank, rel in enumerate(rels[:k]))

    ideal = dcg(sorted(judged, reverse=True))
    return dcg(ranked) / ideal if ideal else 0.0


def precision_at(ranked: Sequence[int], k: int = CUTOFF) -> float:
    """Share of the first k that are relevant (rel >= 1); a shorter list counts its missing ranks as misses."""
    return sum(rel >= 1 for rel in ranked[:k]) / k


def r_precision(ranked: Sequence[int], judged: Iterable[int]) -> float:
    """Precision at R, R = the number of relevant judged trials held."""
    r = sum(rel >= 1 for rel in judged)
    return sum(rel >= 1 for rel in ranked[:r]) / r if r else 0.0


def scores(ranking: Sequence[str], judged: dict[str, int]) -> dict[str, float]:
    ranked = condense(ranking, judged)
    return {"ndcg@10": ndcg_at(ranked, judged.values()), "p@10": precision_at(ranked),
            "r-prec": r_precision(ranked, judged.values())}


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {m: sum(r[m] for r in rows) / len(rows) if rows else 0.0 for m in ("ndcg@10", "p@10", "r-prec")}


# --- the index, built once per extraction version -------------------------------------------------------------

CLOSURE_SCRIPT = """
import sys
from pathlib import Path

import workflows.indexing
from ingest.loaders import iter_source
from ingest.sync import ingest_files
from nlp.extract import extract_studies
from search.documents import build_document

studies = [next(s.study for s in iter_source(Path(source)) if s.study) for source in sys.argv[1:]]
for study, criteria in zip(studies, extract_studies(studies)):
    build_document(study, criteria)
print("\\n".join(sorted({m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None)})))
"""


def _repo_files_building_documents() -> list[Path]:
    """Repo modules a fresh interpreter loads to read, extract and index one record of each source, and every
    data file beside them (components and readers imported on first use are caught this way)."""
    run = subprocess.run([sys.executable, "-c", CLOSURE_SCRIPT, *map(str, SOURCES)], cwd=ROOT,
                         capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(f"cannot list the code that builds index documents: {run.stderr.strip()[-800:]}")
    loaded = run.stdout.split()
    paths = {Path(f).resolve() for f in loaded}
    sources = sorted(p for p in paths if p.is_relative_to(ROOT) and len(p.relative_to(ROOT).parts) > 1
                     and not p.relative_to(ROOT).parts[0].startswith("."))
    directories = {p.parent for p in sources}
    data = sorted(f for d in directories for f in d.rglob("*")
                  if f.is_file() and f.suffix not in (".py", ".pyc") and "__pycache__" not in f.parts)
    return sources + data


def index_key() -> str:
    """Hash of what decides the index documents: their code and data, and the shared sources."""
    digest = hashlib.sha256(f"format {CACHE_FORMAT}\n".encode())
    for path in _repo_files_building_documents():
        digest.update(f"{path.relative_to(ROOT)}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for source in SOURCES:
        files = sorted(source.rglob("*"))
        digest.update(f"{source.relative_to(ROOT.parent)} {len(files)} "
                      f"{sum(f.stat().st_size for f in files if f.is_file())}\n".encode())
    return digest.hexdigest()[:16]


def build_index(work_dir: Path, rebuild: bool) -> tuple[Settings, dict]:
    """Settings of an embedded index of every shared record, built unless one for this key is there."""
    key = index_key()
    data_dir = work_dir / f"index-{key}"
    ready = data_dir / "ready.json"
    if ready.exists() and not rebuild:
        info = json.loads(ready.read_text())
        ready.touch()
        print(f"index: reusing {data_dir} ({info['indexed']} trials, key {key})", file=sys.stderr)
        return Settings.load(data_dir=data_dir, backend="embedded"), info | {"reused": True}
    started = time.monotonic()
    partial = work_dir / f".partial-{key}-{time.time_ns()}"
    partial.mkdir(parents=True)
    try:
        settings = Settings.load(data_dir=partial, backend="embedded")
        with RawStore(settings.store_path) as store:
            summary = ingest_files(store, SOURCES)
        print(f"index: {summary.total} records ingested, extracting and indexing (key {key}) ...", file=sys.stderr)
        report = indexing.index_pending(settings, rebuild=True, progress=_progress)
        print(file=sys.stderr)
        info = {"key": key, "records": summary.total, "ingest_failed": summary.failed, "indexed": report.indexed,
                "index_failed": report.failed, "index_failures": report.failures,
                "seconds": round(time.monotonic() - started, 1)}
        (partial / "ready.json").write_text(json.dumps(info, indent=1))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if ready.exists():  # another run built the same index meanwhile: use that one
        shutil.rmtree(partial)
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
        partial.rename(data_dir)
    _prune(work_dir)
    print(f"index: built {data_dir} in {info['seconds']} s", file=sys.stderr)
    return Settings.load(data_dir=data_dir, backend="embedded"), info | {"reused": False}


def elastic_copy(settings: Settings, key: str, url: str) -> ElasticBackend:
    """An Elasticsearch index of the embedded index's documents, filled unless it holds them all already."""
    embedded = EmbeddedBackend(settings.index_dir)
    elastic = ElasticBackend(url, index=f"eval-matching-{key}", timeout=300)
    try:
        total = embedded.count()
        if elastic.count() != total:
            print(f"index: copying {total} documents into Elasticsearch at {url}", file=sys.stderr)
            elastic.rebuild(embedded.search(size=total))
    finally:
        embedded.close()
    return elastic


def _progress(done: int, total: int) -> None:
    print(f"\rindex: {done}/{total}", end="", file=sys.stderr, flush=True)


def _prune(work_dir: Path) -> None:
    """Keep the most recently used indexes only (other checkouts may share the work dir)."""
    built = sorted((d for d in work_dir.glob("index-*") if (d / "ready.json").exists()),
                   key=lambda d: (d / "ready.json").stat().st_mtime, reverse=True)
    for old in built[KEPT_INDEXES:]:
        shutil.rmtree(old, ignore_errors=True)


# --- the two systems ------------------------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def bm25_text(study: dict) -> str:
    """Title, conditions, keywords, summary and criteria text of an API v2 study."""
    section = study.get("protocolSection") or {}
    ident = section.get("identificationModule") or {}
    conditions = section.get("conditionsModule") or {}
    return " ".join([
        ident.get("briefTitle") or ident.get("officialTitle") or "",
        *(conditions.get("conditions") or []), *(conditions.get("keywords") or []),
        (section.get("descriptionModule") or {}).get("briefSummary") or "",
        (section.get("eligibilityModule") or {}).get("eligibilityCriteria") or "",
    ])


class Bm25:
    def __init__(self, settings: Settings):
        with RawStore(settings.store_path) as store:
            studies = [(s.nct_id, tokens(bm25_text(s.raw))) for s in store.iter_studies()]
        self.ids = [nct_id for nct_id, _ in studies]
        self.model = BM25Okapi([toks for _, toks in studies])

    def rank(self, query: str, top: int) -> list[str]:
        """The `top` best trials with a positive score, best first (ties by NCT id)."""
        scored = sorted(((-s, nct_id) for nct_id, s in zip(self.ids, self.model.get_scores(tokens(query)),
                                                            strict=True) if s > 0))
        return [nct_id for _, nct_id in scored[:top]]


@dataclass
class ProfileSupport:
    """Which of the issue's new profile forms the code under test accepts."""

    kind_unknown: bool
    negative_status: bool

    @classmethod
    def probe(cls) -> ProfileSupport:
        def accepts(biomarker: dict) -> bool:
            try:
                parse_patient({"conditions": ["melanoma"], "biomarkers": [biomarker]})
            except PatientError:
                return False
            return True
        return cls(kind_unknown=accepts({"gene": "BRAF", "alteration": "any"}),
                   negative_status=accepts({"gene": "BRAF", "alteration": "mutation", "status": "negative"}))

    def runnable(self, profile: dict) -> tuple[dict, list[dict]]:
        """The profile without the biomarkers this code cannot take (fallback DROP_UNSUPPORTED_BIOMARKERS)."""
        dropped = [b for b in profile["biomarkers"]
                   if (not self.kind_unknown and b.get("alteration", "any") == "any")
                   or (not self.negative_status and b.get("status") == "negative")]
        kept = [b for b in profile["biomarkers"] if b not in dropped]
        return profile | {"biomarkers": kept}, dropped


@dataclass
class TopicRun:
    topic: str
    disease: str
    gene: str
    judged_held: int
    relevant_held: int
    system: dict[str, float]
    bm25: dict[str, float]
    system_found: int = 0
    bm25_found: int = 0
    system_top10: list[tuple[str, int]] = field(default_factory=list, repr=False)
    bm25_top10: list[tuple[str, int]] = field(default_factory=list, repr=False)
    relevant_missed: list[str] = field(default_factory=list, repr=False)
    dropped: list[dict] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    error: str | None = None


def run_topic(tp: TopicProfile, judged: dict[str, int], backend, bm25: Bm25, support: ProfileSupport,
              top: int) -> TopicRun:
    topic = tp.topic
    profile, dropped = support.runnable(tp.profile)
    ranking: list[str] = []
    error = None
    try:
        results = match_patient(parse_patient(profile), backend, top=top, statuses=None, include_ineligible=True)
        ranking = [r.nct_id for r in results]
    except Exception as exc:  # noqa: BLE001 - a failing topic is reported with its reason, the run goes on
        error = f"{type(exc).__name__}: {exc}"
    baseline = bm25.rank(topic.query, top)
    return TopicRun(
        topic=topic.label, disease=topic.disease, gene=topic.gene, judged_held=len(judged),
        relevant_held=sum(rel >= 1 for rel in judged.values()), system=scores(ranking, judged),
        bm25=scores(baseline, judged), system_found=len(condense(ranking, judged)),
        bm25_found=len(condense(baseline, judged)), dropped=dropped,
        system_top10=_top_judged(ranking, judged), bm25_top10=_top_judged(baseline, judged),
        relevant_missed=sorted(n for n, rel in judged.items() if rel >= 1 and n not in set(ranking)),
        left_out=[f"{p.text} ({p.note})" for p in tp.left_out], error=error,
    )


def _top_judged(ranking: Sequence[str], judged: dict[str, int]) -> list[tuple[str, int]]:
    return [(nct_id, judged[nct_id]) for nct_id in ranking if nct_id in judged][:CUTOFF]


def evaluate_year(year: int, backend, bm25: Bm25, held: set[str], support: ProfileSupport, top: int) -> dict:
    qrels = read_qrels(year)
    topics = read_topics(year)
    runs = []
    for topic in topics:
        judged = {nct_id: rel for nct_id, rel in qrels.get(topic.number, {}).items() if nct_id in held}
        runs.append(run_topic(topic_profile(topic), judged, backend, bm25, support, top))
    counted = [r for r in runs if r.relevant_held]
    system, baseline = mean([r.system for r in counted]), mean([r.bm25 for r in counted])
    judged_all = {(t, n) for t, docs in qrels.items() for n in docs}
    return {
        "year": year, "role": YEARS[year], "topics": len(topics), "topics_counted": len(counted),
        "judged": len(judged_all), "judged_held": sum(r.judged_held for r in runs),
        "judged_trials_held": len({n for _, n in judged_all if n in held}),
        "relevant_held": sum(r.relevant_held for r in runs),
        "system": system, "bm25": baseline,
        "ratio": {m: system[m] / baseline[m] if baseline[m] else None for m in system},
        "failures": [{"topic": r.topic, "reason": r.error} for r in runs if r.error],
        "topics_with_dropped_biomarkers": sum(bool(r.dropped) for r in runs),
        "dropped_biomarkers": sum(len(r.dropped) for r in runs),
        "topics_with_parts_left_out": sum(bool(r.left_out) for r in runs),
        "per_topic": [asdict(r) for r in runs],
    }


# --- report ---------------------------------------------------------------------------------------------------

def _figures(values: dict[str, float | None]) -> str:
    return "  ".join(f"{values[m]:7.3f}" if values[m] is not None else "      -" for m in ("ndcg@10", "p@10", "r-prec"))


def print_year(result: dict, support: ProfileSupport, per_topic: bool) -> None:
    print(f"\nTREC PM {result['year']} ({result['role']}): {result['topics_counted']} of {result['topics']} topics "
          f"have a relevant judged trial held; judged pairs held {result['judged_held']} of {result['judged']} "
          f"({result['judged_trials_held']} distinct trials), relevant pairs held {result['relevant_held']}")
    print(f"  {'':<10} {'NDCG@10':>7}  {'P@10':>7}  {'R-prec':>7}")
    print(f"  {'system':<10} {_figures(result['system'])}")
    print(f"  {'BM25':<10} {_figures(result['bm25'])}")
    print(f"  {'ratio':<10} {_figures(result['ratio'])}")
    if not (support.kind_unknown and support.negative_status):
        print(f"  fallback {FALLBACK}: {result['dropped_biomarkers']} biomarkers dropped from "
              f"{result['topics_with_dropped_biomarkers']} topics (kind unknown or negative status unsupported)")
    if result["topics_with_parts_left_out"]:
        print(f"  {result['topics_with_parts_left_out']} topics have gene-field parts naming no gene, "
              "left out of the profile (still in the BM25 query)")
    print(f"  topics that failed to run: {len(result['failures']) or 'none'}")
    for failure in result["failures"]:
        print(f"    {failure['topic']}: {failure['reason']}")
    if per_topic:
        print(f"  {'topic':<8} {'R':>3} {'held':>4} {'found':>5}  system ndcg/p10/rprec   "
              f"{'found':>5}  bm25 ndcg/p10/rprec   disease | gene")
        for r in result["per_topic"]:
            mark = "" if r["relevant_held"] else "  (not counted)"
            notes = "".join(f"  [dropped {b['gene']} {b.get('alteration', 'any')}]" for b in r["dropped"])
            notes += "".join(f"  [left out: {text}]" for text in r["left_out"])
            notes += f"  [FAILED: {r['error']}]" if r["error"] else ""
            s, b = r["system"], r["bm25"]
            print(f"  {r['topic']:<8} {r['relevant_held']:>3} {r['judged_held']:>4} {r['system_found']:>5}  "
                  f"{s['ndcg@10']:.3f} {s['p@10']:.2f} {s['r-prec']:.3f}      {r['bm25_found']:>5}  "
                  f"{b['ndcg@10']:.3f} {b['p@10']:.2f} {b['r-prec']:.3f}      "
                  f"{r['disease']} | {r['gene']}{mark}{notes}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "trialmatch-eval-matching",
                        help="where the index is built and kept between runs")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index even if one for this key exists")
    parser.add_argument("--top", type=int, default=500, help="ranking depth of both systems (CLI maximum 500)")
    parser.add_argument("--years", type=int, nargs="+", default=list(YEARS), choices=list(YEARS))
    parser.add_argument("--per-topic", action="store_true", help="print one line per topic")
    parser.add_argument("--out", type=Path, help="write every figure and per-topic result as JSON")
    parser.add_argument("--backend", choices=["embedded", "elasticsearch"], default="embedded",
                        help="the backend the system ranks with (elasticsearch: TRIALMATCH_ES_URL, else a local one)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    settings, index_info = build_index(args.work_dir.resolve(), args.rebuild)
    bm25 = Bm25(settings)
    held = set(bm25.ids)
    support = ProfileSupport.probe()
    print(f"records held: {len(held)}; index: {index_info['indexed']} trials, {index_info['index_failed']} failed; "
          f"profile accepts kind-unknown biomarkers: {support.kind_unknown}, negative status: "
          f"{support.negative_status}; system = match_patient(top={args.top}, statuses=any, "
          f"include_ineligible=True); BM25 = rank_bm25 Okapi defaults, same depth")
    results = []
    with contextlib.ExitStack() as stack:
        if args.backend == "elasticsearch":
            url = os.environ.get("TRIALMATCH_ES_URL")
            if not url:
                from tests.es_server import LocalElasticsearch

                url = stack.enter_context(LocalElasticsearch(heap="1g")).url
            backend = elastic_copy(settings, index_info["key"], url)
        else:
            backend = open_backend(settings)
        stack.callback(backend.close)
        for year in sorted(args.years):
            year_started = time.monotonic()
            result = evaluate_year(year, backend, bm25, held, support, args.top)
            result["seconds"] = round(time.monotonic() - year_started, 1)
            print_year(result, support, args.per_topic)
            results.append(result)
    seconds = round(time.monotonic() - started, 1)
    print(f"\ntotal {seconds} s (index {'reused' if index_info['reused'] else 'built'}; "
          + ", ".join(f"{r['year']} {r['seconds']} s" for r in results) + ")")
    if args.out:
        payload = {"command": " ".join(["bench/eval_matching.py", *(argv if argv is not None else sys.argv[1:])]),
                   "backend": args.backend, "index": index_info, "records_held": len(held),
                   "profile_support": asdict(support), "top": args.top, "seconds": seconds, "years": results}
        args.out.write_text(json.dumps(payload, indent=1))
    return 1 if any(r["failures"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
