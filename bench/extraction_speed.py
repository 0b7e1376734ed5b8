"""Extraction speed: trials per second of the full NLP pipeline against the bare spaCy tokenizer.

    .venv/bin/python bench/extraction_speed.py [--batch-size 64] [--rounds 1] [--components]
                                              [--out bench/results/extraction_speed.json]

Loads the 6,928 legacy XML records and the API v2 studies of `../shared/ctgov` (through
`ingest.loaders.iter_source`, before any timing), then, in the same run and on the same eligibility
texts: (1) the bare `spacy.blank("en")` tokenizer through `nlp.pipe`, (2) `nlp.extract.extract_studies`
(masking, every component, the `TrialCriteria` models, registry ages merged). Prints trials/s of both
and their ratio; targets are ≥ 400 trials/s and a ratio ≥ 0.3. With `--rounds N` each is timed N times
alternately and the best round is kept, which damps the noise of other work on the machine. Every round
starts cold, as a new process on new texts would: a new `spacy.blank("en")`, and a newly built pipeline
(built outside the timing), so neither side reuses the tokenizer cache filled by an earlier round, and the disease
vocabulary is loaded anew (outside the timing), so no round reuses the condition mappings of an earlier one.
Each round also times, for reference, the bare tokenizer given the pipeline's larger tokenizer cache
(`TOKENIZER_CACHE_CHUNKS`): how much of the ratio is the components and how much the cache.
`--components` adds the CPU seconds each pipeline component spends on the same texts, and those of
`nlp.trial_diseases` (whom each trial is for, read from its registry fields and its split criteria), which
`extract_studies` runs after the pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import spacy

from ingest.loaders import iter_source
from nlp import diseases
from nlp.extract import eligibility_text, extract_studies
from nlp.pipeline import TOKENIZER_CACHE_CHUNKS, get_nlp, make_doc_text
from nlp.trial_diseases import trial_diseases

ROOT = Path(__file__).resolve().parents[1]

CTGOV = ROOT.parent / "shared" / "ctgov"
SOURCES = (CTGOV / "legacy-xml", CTGOV / "api-v2" / "studies")
TARGET_RATE = 400.0
TARGET_RATIO = 0.3


def load_studies() -> list[dict]:
    studies = []
    for source in SOURCES:
        studies += [loaded.study for loaded in iter_source(source) if loaded.study is not None]
    return studies


def time_tokenizer(texts: list[str], batch_size: int, cache_chunks: int | None = None) -> float:
    blank = spacy.blank("en")
    if cache_chunks is not None:
        blank.tokenizer.max_cache_size = cache_chunks
    started = time.perf_counter()
    for _ in blank.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - started


def fresh_pipeline() -> None:
    """Build the shared pipeline anew, so its tokenizer cache is empty, and load the disease vocabulary anew, so
    the conditions `map_condition` keeps from an earlier round do not flatter this one."""
    get_nlp.cache_clear()
    get_nlp()
    diseases._vocabulary.cache_clear()
    diseases._vocabulary()


def time_pipeline(studies: list[dict], batch_size: int) -> float:
    fresh_pipeline()
    started = time.perf_counter()
    for _ in extract_studies(studies, batch_size=batch_size):
        pass
    return time.perf_counter() - started


def component_seconds(studies: list[dict], texts: list[str]) -> dict[str, float]:
    """CPU seconds of the tokenizer and each component over `texts` (the eligibility texts of `studies`), one Doc at
    a time, then of `trial_diseases` over the studies and their criteria (split beforehand, outside the timing)."""
    criteria = [record.criteria for record in extract_studies(studies)]
    fresh_pipeline()
    nlp = get_nlp()
    spent = {"tokenizer": 0.0} | {name: 0.0 for name in nlp.pipe_names}
    for text in texts:
        started = time.process_time()
        doc = nlp.make_doc(make_doc_text(text))
        spent["tokenizer"] += time.process_time() - started
        for name, component in nlp.pipeline:
            started = time.process_time()
            doc = component(doc)
            spent[name] += time.process_time() - started
    started = time.process_time()
    for study, read in zip(studies, criteria, strict=True):
        trial_diseases(study, read)
    spent["trial_diseases"] = time.process_time() - started
    return {name: round(seconds, 2) for name, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=1, help="time each side this many times; keep the best")
    parser.add_argument("--components", action="store_true", help="also print CPU seconds per component")
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    studies = load_studies()
    texts = [eligibility_text(s) for s in studies]
    tokenizer_best = same_cache_best = pipeline_best = float("inf")
    for _ in range(args.rounds):
        tokenizer_best = min(tokenizer_best, time_tokenizer(texts, args.batch_size))
        pipeline_best = min(pipeline_best, time_pipeline(studies, args.batch_size))
        same_cache_best = min(same_cache_best, time_tokenizer(texts, args.batch_size, TOKENIZER_CACHE_CHUNKS))
    n = len(studies)
    figures = {
        "trials": n,
        "characters": sum(len(t) for t in texts),
        "batch_size": args.batch_size,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "tokenizer_trials_per_s": round(n / tokenizer_best, 1),
        "pipeline_trials_per_s": round(n / pipeline_best, 1),
        "ratio": round(tokenizer_best / pipeline_best, 3),
        "tokenizer_same_cache_trials_per_s": round(n / same_cache_best, 1),
        "ratio_same_cache": round(same_cache_best / pipeline_best, 3),
    }
    if args.components:
        figures["component_cpu_seconds"] = component_seconds(studies, texts)
    print(
        f"{n} trials ({figures['characters']:,} characters), batch size {args.batch_size}, "
        f"best of {args.rounds}, load average {figures['load_average_1min']} on {figures['cpus']} CPUs"
    )
    print(f"bare spacy.blank('en') tokenizer: {figures['tokenizer_trials_per_s']:8.1f} trials/s")
    print(
        f"full extraction pipeline:         {figures['pipeline_trials_per_s']:8.1f} trials/s"
        f"  (target ≥ {TARGET_RATE:.0f})"
    )
    print(f"ratio pipeline / tokenizer:       {figures['ratio']:8.3f}  (target ≥ {TARGET_RATIO})")
    print(
        f"for reference, the bare tokenizer with the pipeline's {TOKENIZER_CACHE_CHUNKS:,}-chunk cache: "
        f"{figures['tokenizer_same_cache_trials_per_s']:.1f} trials/s, ratio {figures['ratio_same_cache']:.3f}"
    )
    if args.components:
        print("CPU seconds: " + ", ".join(f"{k} {v}" for k, v in figures["component_cpu_seconds"].items()))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
