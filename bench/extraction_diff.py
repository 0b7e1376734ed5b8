"""Whole-corpus regression report: what a change to the NLP rules changes, counted by kind of fact, with a sample.

    .venv/bin/python bench/extraction_diff.py --before main                 # against a git ref (HEAD, a commit ...)
    .venv/bin/python bench/extraction_diff.py --save /tmp/before.jsonl      # keep today's facts ...
    .venv/bin/python bench/extraction_diff.py --before /tmp/before.jsonl    # ... and compare with them later
    options: [--sample 8] [--seed 0] [--kind age] [--save PATH]

Extracts every text of `../shared/corpus/eligibility-texts.jsonl` (text alone, as `extract` reads it) and every
shared record of `../shared/ctgov` (legacy XML, API v2 studies, NTRK; registry age and sex merged) with the code of
this checkout ("after"), and compares with "before": either a JSONL file written by `--save`, or the same
extraction run by the code of a git ref (exported with `git archive` to a temporary directory and imported from
there in a child process). Facts are compared per record and kind: the fields of `age`, `performance_status`,
`cns_metastases` and `sex` as values, each list of `TrialCriteria` (biomarkers, prior therapies, labs, and any list
added later) as a set of items without their spans and criterion indexes. Prints, by kind, the records changed and
the items added and removed, then a seeded sample of changed records per kind with before → after and the criteria
that state the fact, to read.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import srsly

from ingest.loaders import iter_source
from nlp.extract import extract_studies, extract_texts
from nlp.models import TrialCriteria

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "eligibility-texts.jsonl"
RECORD_SOURCES = (
    SHARED / "ctgov" / "legacy-xml",
    SHARED / "ctgov" / "api-v2" / "studies",
    SHARED / "ctgov" / "ntrk",
)
_WHERE = ("criterion", "span")  # where a fact was found, not what it is
_CRITERION_KIND = {"biomarkers": "biomarker", "prior_therapies": "prior_therapy", "labs": "lab", "age_in_text": "age"}
_TEXT_CHARS = 300


def _items(values: list) -> list[str]:
    """A list of facts as a sorted list of JSON strings, without where each was found: comparable as a set."""
    return sorted(
        {json.dumps({k: v for k, v in x.items() if k not in _WHERE} if isinstance(x, dict) else x, sort_keys=True)
         for x in values}
    )


def _facts(record: TrialCriteria) -> tuple[dict[str, object], dict[str, list[str]]]:
    """The comparable facts of one record by kind, and the texts of the criteria that state each field."""
    dumped = record.model_dump(exclude={"nct_id", "criteria"})
    criteria = record.criteria
    facts: dict[str, object] = {}
    texts: dict[str, list[str]] = {}
    for name, value in dumped.items():
        if isinstance(value, list):
            facts[name] = _items(value)
            indexes = sorted({item["criterion"] for item in value if item.get("criterion") is not None})
        elif isinstance(value, dict):
            kept = {key: v for key, v in value.items() if key not in _WHERE}
            facts.update({f"{name}.{key}": _items(v) if isinstance(v, list) else v for key, v in kept.items()})
            kind = _CRITERION_KIND.get(name, name)
            indexes = [i for i, c in enumerate(criteria) if kind in c.kinds]
        else:
            facts[name] = value
            indexes = []
        texts[name] = [criteria[i].text[:_TEXT_CHARS] for i in indexes if i < len(criteria)]
    return facts, texts


def _corpus_rows() -> list[dict]:
    return list(srsly.read_jsonl(CORPUS))


def _records() -> list[tuple[str, dict]]:
    found = []
    for source in RECORD_SOURCES:
        found += [(f"{source.name}:{Path(one.source).name}", one.study) for one in iter_source(source) if one.study]
    return found


def extract_all() -> Iterator[dict]:
    """One {"key", "facts", "texts"} per corpus text and shared record, in a fixed order."""
    rows = _corpus_rows()
    pairs = ((row.get("criteria"), row.get("nct_id")) for row in rows)
    for n, (row, record) in enumerate(zip(rows, extract_texts(pairs), strict=True)):
        facts, texts = _facts(record)
        yield {"key": f"corpus:{n}:{row.get('source')}:{row.get('nct_id')}", "facts": facts, "texts": texts}
    records = _records()
    for (key, _), record in zip(records, extract_studies(study for _, study in records), strict=True):
        facts, texts = _facts(record)
        yield {"key": key, "facts": facts, "texts": texts}


def _before_from_ref(ref: str, out: Path) -> None:
    """Run this script's `--save` with the nlp code of git `ref`, exported to a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="extraction-diff-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True, check=False
        )
        if archive.returncode:
            raise SystemExit(f"--before {ref}: not a file and not a git ref here ({archive.stderr.decode().strip()})")
        archive_path = Path(tmp) / "ref.tar"
        archive_path.write_bytes(archive.stdout)
        code = Path(tmp) / "code"
        with tarfile.open(archive_path) as tar:
            tar.extractall(code, filter="data")
        env = os.environ | {"PYTHONPATH": str(code)}
        subprocess.run([sys.executable, __file__, "--save", str(out), "--only-save"], env=env, cwd=code, check=True)


def _load(path: Path) -> dict[str, dict]:
    return {row["key"]: row for row in srsly.read_jsonl(path)}


def compare(before: dict[str, dict], after: dict[str, dict]) -> tuple[Counter, Counter, Counter, dict[str, list]]:
    """Records changed, items added and items removed by kind, and the changed (key, before, after) by kind."""
    changed, added, removed = Counter(), Counter(), Counter()
    examples: dict[str, list] = {}
    for key in sorted(before.keys() & after.keys()):
        old, new = before[key]["facts"], after[key]["facts"]
        for kind in sorted(old.keys() | new.keys()):
            was, now = old.get(kind), new.get(kind)
            if was == now:
                continue
            changed[kind] += 1
            if isinstance(was, list) or isinstance(now, list):
                added[kind] += len(set(now or []) - set(was or []))
                removed[kind] += len(set(was or []) - set(now or []))
            examples.setdefault(kind, []).append((key, was, now))
    return changed, added, removed, examples


def _show(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return json.dumps(value)


def report(before: dict[str, dict], after: dict[str, dict], sample: int, seed: int, kind: str | None) -> None:
    changed, added, removed, examples = compare(before, after)
    only = sorted(before.keys() ^ after.keys())
    print(f"records compared: {len(before.keys() & after.keys())}; present on one side only: {len(only)}")
    if not changed:
        print("no fact changed")
    for name in sorted(changed):
        extra = f"  +{added[name]} -{removed[name]} items" if name in added or name in removed else ""
        print(f"{name:40s} {changed[name]:6d} records changed{extra}")
    rng = random.Random(seed)
    for name in sorted(examples):
        if kind and not name.startswith(kind):
            continue
        picked = examples[name] if len(examples[name]) <= sample else rng.sample(examples[name], sample)
        print(f"\n== {name}: {min(sample, len(examples[name]))} of {len(examples[name])}")
        field = name.split(".")[0]
        for key, was, now in picked:
            print(f"{key}\n  before {_show(was)}\n  after  {_show(now)}")
            texts = dict.fromkeys(before[key]["texts"].get(field, []) + after[key]["texts"].get(field, []))
            for text in texts:
                print(f"    | {text}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a JSONL file written by --save, or a git ref whose code gives 'before'")
    parser.add_argument("--save", type=Path, help="write this checkout's facts to this JSONL file")
    parser.add_argument("--only-save", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, default=8, help="changed records shown per kind")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample")
    parser.add_argument("--kind", help="show samples only of kinds starting with this (age, biomarkers ...)")
    args = parser.parse_args(argv)
    if not args.before and not args.save:
        parser.error("give --before (a saved JSONL or a git ref) and/or --save PATH")
    for path in (CORPUS, *RECORD_SOURCES):
        if not path.exists():
            print(f"{path} not found: the shared data must sit beside the project as ../shared", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="extraction-diff-") as tmp:
        before_path = None
        if args.before:
            before_path = Path(args.before)
            if not before_path.is_file():
                before_path = Path(tmp) / "before.jsonl"
                _before_from_ref(args.before, before_path)
        after_path = args.save or Path(tmp) / "after.jsonl"
        srsly.write_jsonl(after_path, extract_all())
        if args.only_save or before_path is None:
            return 0
        report(_load(before_path), _load(after_path), args.sample, args.seed, args.kind)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
