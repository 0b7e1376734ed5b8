"""Patients from free text: TREC Clinical Trials 2021 / 2022 and SIGIR 2016 topics through `match --note`, beside BM25.

    .venv/bin/python bench/eval_notes.py [--sets trec2021 trec2022 sigir] [--per-topic] [--excluded] [--out f.json]

Every shared ClinicalTrials.gov record is indexed once (bench/eval_matching.py's `build_index`, keyed by the code
that builds index documents). Each topic text is read in process exactly as `trialmatch match --note FILE --status
any --include-ineligible --top 500` does (`search.notes.note_profile`, then `match_patient`); TrialGPT's patient
texts for the same topics are a second input (`--inputs`): they are the topic texts themselves for 74 of 75
(2021), 48 of 50 (2022) and 58 of 59 (SIGIR) topics, white space aside, so the two inputs score nearly alike; the
SIGIR set holds a patient 201428 where the topics hold the group 201426. BM25 (rank_bm25 Okapi over title,
conditions, keywords, summary and criteria; query = the same text) runs in the same process on the same records, at
the same depth.

Both rankings are condensed to the judged trials we hold (topics without a relevant judged trial held are not
counted) and scored with NDCG@10 (gain 2^rel - 1) and P@10 (eligible, rel 2, counted relevant; a short list counts
its missing ranks as misses). "excluded share": of the judged results the system labels potentially_eligible,
the share assessors judged excluded (TREC CT rel 1) — over the whole ranking and within the condensed top 10.
A topic whose note gives no diagnosis or biomarker is found by its own words (`search_text`, as `match --note`
does) and counted among "words alone"; one that gives no profile at all returns nothing (scores 0) and is listed.
2021 is the tuning year, 2022 the test year (reported, never tuned to); SIGIR is reported for reference (its
rel 1 means "partially relevant", so it has no excluded share).

Per-field accuracy of parse-note on `bench/notes_labels_2021.jsonl` (30 TREC CT 2021 topics labelled by hand:
age, sex, diagnosis, biomarkers, ECOG): age within half a year, sex, ECOG exact (null = none stated); biomarkers
as the set of (gene, status) pairs, plus the alteration where the label names one; diagnosis correct when the
first condition maps to one of the label's terms or a term below it ("first"), and, leniently, when any condition
does ("any"). Speed: median of 20 reads of a 2 KB note and one read of a 1 MB note made of distinct topic texts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.eval_matching import Bm25, build_index, condense, ndcg_at
from bench.notes_score import FIELDS, score_note
from bench.trec_ct import read_qrels, read_topics, read_trialgpt
from nlp.diseases import is_basket, is_within, map_condition
from nlp.notes import read_note
from search.backends import open_backend
from search.matching import match_patient
from search.notes import note_profile
from search.patient import PatientError

LABELS = Path(__file__).with_name("notes_labels_2021.jsonl")
OWN_NOTES = Path(__file__).with_name("notes_own.jsonl")
ROLES = {"trec2021": "tuning year", "trec2022": "test year", "sigir": "reference"}
CUTOFF = 10
ELIGIBLE, EXCLUDED = 2, 1


@dataclass
class TopicRun:
    topic: str
    judged_held: int
    relevant_held: int
    system: dict[str, float]
    bm25: dict[str, float]
    conditions: list[str] = field(default_factory=list)
    words_only: bool = False  # no diagnosis or biomarker read: found by the note's own words (search_text)
    eligible_judged: int = 0
    eligible_excluded: int = 0
    top10_eligible_judged: int = 0
    top10_eligible_excluded: int = 0
    excluded_cases: list[dict] = field(default_factory=list, repr=False)
    error: str | None = None


def precision(ranked: list[int], k: int = CUTOFF) -> float:
    return sum(rel >= ELIGIBLE for rel in ranked[:k]) / k


def metrics(ranking: list[str], judged: dict[str, int]) -> dict[str, float]:
    ranked = condense(ranking, judged)
    return {"ndcg@10": ndcg_at(ranked, judged.values()), "p@10": precision(ranked)}


def run_topic(text: str, number: str, judged: dict[str, int], backend, bm25: Bm25, top: int) -> TopicRun:
    ranking: list[str] = []
    run = TopicRun(number, len(judged), sum(r >= 1 for r in judged.values()), {}, {})
    try:
        profile, _reading = note_profile(text)
        run.conditions = profile.conditions
        run.words_only = not profile.conditions and not profile.biomarkers
        results = match_patient(profile, backend, top=top, statuses=None, include_ineligible=True)
        ranking = [r.nct_id for r in results]
        judged_rank = 0
        for r in results:
            if r.nct_id not in judged:
                continue
            judged_rank += 1
            if r.verdict != "potentially_eligible":
                continue
            excluded = judged[r.nct_id] == EXCLUDED
            run.eligible_judged += 1
            run.eligible_excluded += excluded
            if judged_rank <= CUTOFF:
                run.top10_eligible_judged += 1
                run.top10_eligible_excluded += excluded
            if excluded:
                run.excluded_cases.append({"nct_id": r.nct_id, "rank": judged_rank, "criteria": [
                    f"{v.kind}:{v.status}" for v in r.criteria]})
    except PatientError as exc:
        run.error = str(exc)
    run.system = metrics(ranking, judged)
    run.bm25 = metrics(bm25.rank(text, top), judged)
    return run


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {m: sum(r[m] for r in rows) / len(rows) if rows else 0.0 for m in ("ndcg@10", "p@10")}


def evaluate(name: str, source: str, backend, bm25: Bm25, held: set[str], top: int) -> dict:
    qrels = read_qrels(name)
    texts = {t.number: t.text for t in read_topics(name)}
    if source == "trialgpt":
        texts = read_trialgpt(name)
    runs = []
    for number, text in texts.items():
        judged = {n: rel for n, rel in qrels.get(number, {}).items() if n in held}
        runs.append(run_topic(text, number, judged, backend, bm25, top))
    counted = [r for r in runs if r.relevant_held]
    system, baseline = _mean([r.system for r in counted]), _mean([r.bm25 for r in counted])
    share = _share(sum(r.eligible_excluded for r in runs), sum(r.eligible_judged for r in runs))
    top_share = _share(sum(r.top10_eligible_excluded for r in runs), sum(r.top10_eligible_judged for r in runs))
    return {"set": name, "input": source, "role": ROLES[name], "topics": len(runs), "topics_counted": len(counted),
            "judged_held": sum(r.judged_held for r in runs), "system": system, "bm25": baseline,
            "ratio": {m: system[m] / baseline[m] if baseline[m] else None for m in system},
            "excluded_share": share, "excluded_share_top10": top_share,
            "eligible_judged": sum(r.eligible_judged for r in runs),
            "no_profile": [{"topic": r.topic, "reason": r.error} for r in runs if r.error],
            "words_only": [r.topic for r in runs if r.words_only],
            "per_topic": [asdict(r) for r in runs]}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- parse-note accuracy and speed --------------------------------------------------------------------------------

def _diagnosis_hits(conditions: list[str], labels: list[str]) -> tuple[bool, bool]:
    wanted = [m.id for label in labels for m in map_condition(label)]
    found = [[m.id for m in map_condition(c) if not is_basket(m.id)] for c in conditions]

    def fits(ids: list[str]) -> bool:
        return any(is_within(got, want) for got in ids for want in wanted)

    return (bool(found) and fits(found[0])), any(fits(ids) for ids in found)


def _marker_key(entry: dict, with_alteration: bool) -> tuple:
    alteration = entry.get("alteration") if with_alteration else None
    return entry["gene"], entry.get("status", "positive"), alteration


def accuracy() -> dict:
    topics = {t.number: t.text for t in read_topics("trec2021")}
    fields = ("age", "sex", "diagnosis (first)", "diagnosis (any)", "biomarkers", "ecog")
    hits = dict.fromkeys(fields, 0)
    misses: list[str] = []
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for label in labels:
        try:
            profile = read_note(topics[label["topic"]]).profile
        except ValueError as exc:
            profile = {}
            misses.append(f"{label['topic']}: {exc}")
        age = profile.get("age")
        got = {
            "age": age is not None and label["age"] is not None and abs(age - label["age"]) <= 0.5
            or age is None and label["age"] is None,
            "sex": profile.get("sex") == label["sex"],
            "ecog": profile.get("ecog") == label["ecog"],
        }
        got["diagnosis (first)"], got["diagnosis (any)"] = _diagnosis_hits(profile.get("conditions", []),
                                                                           label["diagnosis"])
        found = profile.get("biomarkers", [])
        got["biomarkers"] = {_marker_key(b, False) for b in found} == {_marker_key(b, False)
                                                                       for b in label["biomarkers"]} and all(
            _marker_key(b, True) in {_marker_key(f, True) for f in found} for b in label["biomarkers"]
            if b.get("alteration"))
        for name in fields:
            hits[name] += got[name]
            key = name.split()[0]
            if not got[name]:
                misses.append(f"topic {label['topic']} {name}: labelled {label.get(key)!r}, "
                              f"read {profile.get(key.replace('diagnosis', 'conditions'))!r}")
    return {"topics": len(labels), "accuracy": {k: v / len(labels) for k, v in hits.items()}, "misses": misses}


def own_accuracy(path: Path = OWN_NOTES) -> dict:
    """Per-field accuracy of parse-note on notes written and labelled for it (`bench/notes_score.py`)."""
    labels = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    hits = dict.fromkeys(FIELDS, 0)
    misses: list[str] = []
    for label in labels:
        try:
            profile = read_note(label["text"]).profile
        except ValueError as exc:
            profile = {}
            misses.append(f"{label['id']}: {exc}")
        for name, right in score_note(profile, label).items():
            hits[name] += right
            if not right:
                misses.append(f"{label['id']} {name}: read {_read_field(profile, name)!r}")
    return {"notes": len(labels), "accuracy": {k: v / len(labels) for k, v in hits.items()}, "misses": misses}


def _read_field(profile: dict, name: str) -> object:
    if name == "performance":
        return {k: profile[k] for k in ("ecog", "karnofsky") if k in profile}
    if name == "prior_therapies":
        return [t["name"] for t in profile.get(name, [])]
    return profile.get(name.replace("diagnosis (first)", "conditions"))


def speed() -> dict:
    texts = [t.text for name in ("trec2021", "trec2022", "sigir") for t in read_topics(name)]
    read_note(texts[0])  # the pipeline is built on first use
    two_kb = " ".join(texts)[:2048]
    times = []
    for _ in range(20):
        started = time.perf_counter()
        read_note(two_kb)
        times.append(time.perf_counter() - started)
    big, n = [], 0
    while sum(map(len, big)) < 1_000_000:
        big.append(f"Note {n}. " + texts[n % len(texts)])
        n += 1
    one_mb = "\n".join(big)[:1_000_000]
    started = time.perf_counter()
    read_note(one_mb)
    return {"2kb_median_ms": statistics.median(times) * 1000, "1mb_seconds": time.perf_counter() - started,
            "load": os.getloadavg()}


# --- report -------------------------------------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return f"{100 * value:5.1f}%" if value is not None else "    -"


def print_result(r: dict, per_topic: bool, excluded: bool) -> None:
    ratio = r["ratio"]["ndcg@10"]
    print(f"\n{r['set']} ({r['role']}), input {r['input']}: {r['topics_counted']} of {r['topics']} topics counted, "
          f"{r['judged_held']} judged pairs held")
    print(f"  system  NDCG@10 {r['system']['ndcg@10']:.3f}  P@10 {r['system']['p@10']:.3f}")
    print(f"  BM25    NDCG@10 {r['bm25']['ndcg@10']:.3f}  P@10 {r['bm25']['p@10']:.3f}")
    print(f"  ratio   NDCG@10 {ratio:.2f}x" if ratio is not None else "  ratio   -")
    if r["set"] != "sigir":
        print(f"  judged potentially_eligible results judged excluded: {_pct(r['excluded_share'])} of "
              f"{r['eligible_judged']} (top 10: {_pct(r['excluded_share_top10'])})")
    print(f"  topics without a diagnosis or biomarker: {len(r['words_only'])} found by the note's words alone, "
          f"{len(r['no_profile'])} without a profile")
    for row in r["per_topic"] if per_topic else []:
        print(f"  {row['topic']:>6} R{row['relevant_held']:>3} sys {row['system']['ndcg@10']:.3f} "
              f"bm25 {row['bm25']['ndcg@10']:.3f} excl {row['eligible_excluded']}/{row['eligible_judged']}  "
              f"{'; '.join(row['conditions'][:4]) or ('(words only)' if row['words_only'] else row['error'])}")
    for row in r["per_topic"] if excluded else []:
        for case in row["excluded_cases"]:
            print(f"  excluded {row['topic']:>6} {case['nct_id']} rank {case['rank']}: {' '.join(case['criteria'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "trialmatch-eval-matching",
                        help="where the index is built and kept between runs (shared with eval_matching.py)")
    parser.add_argument("--sets", nargs="+", default=list(ROLES), choices=list(ROLES))
    parser.add_argument("--inputs", nargs="+", default=["topic", "trialgpt"], choices=["topic", "trialgpt"])
    parser.add_argument("--top", type=int, default=500, help="ranking depth of both systems (CLI maximum 500)")
    parser.add_argument("--per-topic", action="store_true", help="one line per topic")
    parser.add_argument("--excluded", action="store_true",
                        help="list each judged-excluded trial the system calls potentially eligible")
    parser.add_argument("--no-speed", action="store_true", help="skip the parse-note timing")
    parser.add_argument("--out", type=Path, help="write every figure and per-topic result as JSON")
    parser.add_argument("--accuracy-only", action="store_true",
                        help="only the parse-note per-field accuracy (labelled topics and bench/notes_own.jsonl)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    fields = accuracy()
    print(f"parse-note per-field accuracy on {fields['topics']} labelled TREC CT 2021 topics: "
          + ", ".join(f"{k} {v:.3f}" for k, v in fields["accuracy"].items()))
    for miss in fields["misses"]:
        print(f"  miss {miss}")
    own = own_accuracy()
    print(f"parse-note per-field accuracy on {own['notes']} notes of our own ({OWN_NOTES.name}): "
          + ", ".join(f"{k} {v:.3f}" for k, v in own["accuracy"].items()))
    for miss in own["misses"]:
        print(f"  miss {miss}")
    if args.accuracy_only:
        return 0
    timing = None if args.no_speed else speed()
    if timing:
        print(f"parse-note speed: 2 KB note median {timing['2kb_median_ms']:.1f} ms, 1 MB note "
              f"{timing['1mb_seconds']:.2f} s (load average {timing['load'][0]:.1f})")
    settings, index_info = build_index(args.work_dir.resolve(), rebuild=False)
    bm25 = Bm25(settings)
    held = set(bm25.ids)
    print(f"records held: {len(held)}; system = note_profile + match_patient(top={args.top}, statuses=any, "
          "include_ineligible=True), as match --note; BM25 = rank_bm25 Okapi defaults, same depth")
    backend = open_backend(settings)
    results = []
    try:
        for name in args.sets:
            for source in args.inputs:
                result = evaluate(name, source, backend, bm25, held, args.top)
                print_result(result, args.per_topic, args.excluded)
                results.append(result)
    finally:
        backend.close()
    seconds = round(time.monotonic() - started, 1)
    print(f"\ntotal {seconds} s")
    if args.out:
        args.out.write_text(json.dumps({"command": " ".join(["bench/eval_notes.py", *(argv or sys.argv[1:])]),
                                        "index": index_info, "records_held": len(held), "accuracy": fields,
                                        "own_notes_accuracy": own,
                                        "speed": timing, "seconds": seconds, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
