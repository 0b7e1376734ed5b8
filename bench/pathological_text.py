"""Extraction time on pathological criteria texts: each pattern at 1/4 MB and 1 MB, target < 5 s at 1 MB.

    .venv/bin/python bench/pathological_text.py [--mb 1.0] [--patterns nested_parentheses,lab_list]

Issue 14 found two texts that one record could use to stall `extract` and `index`: nested parentheses
("((((...))))", quadratic in spaCy's suffix search) and a repeated lab list ("ANC ≥ 1.5 x 10^9/L, platelets
≥ 100,000/mm3 and " × n, quadratic in `nlp.labs`). Each pattern is built to the size asked, run once through
`nlp.extract.extract_text` (the pipeline built and warmed beforehand, outside the timing), at a quarter of
the size and at the full size: the ratio of the two times is about 4 when the time is linear in the text
and about 16 when it is quadratic. The target holds for the two patterns of the issue; the others are more
shapes a hostile record could take (a long word, a run of one punctuation mark, a dense biomarker list,
thousands of bullets), timed for their ratio. Prints one line per
pattern and size, and the load average, since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from nlp.extract import extract_text

TARGET_SECONDS = 5.0
MB = 1_000_000


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: unit * max(1, size // len(unit))


PATTERNS: dict[str, Callable[[int], str]] = {
    "nested_parentheses": lambda size: "(" * (size // 2) + ")" * (size // 2),
    "lab_list": _repeat("ANC ≥ 1.5 x 10^9/L, platelets ≥ 100,000/mm3 and "),
    "long_word": lambda size: "x" * size,
    "dashes": lambda size: "-" * size,
    "biomarker_list": _repeat("NTRK1 fusion, ALK rearrangement or EGFR exon 19 deletion and "),
    "bullets": _repeat("* ECOG 0-1, age ≥ 18 years, no prior TRK inhibitor\n"),
}
ISSUE_PATTERNS = ("nested_parentheses", "lab_list")


def timed(text: str) -> float:
    started = time.perf_counter()
    extract_text(text, nct_id="NCT00000000")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="full size of each text, in millions of characters")
    parser.add_argument("--patterns", default=",".join(PATTERNS), help="comma-separated pattern names")
    args = parser.parse_args()
    extract_text("Inclusion Criteria:\n* ECOG 0-1\n* ANC ≥ 1.5 x 10^9/L")  # build and warm the pipeline
    size = int(args.mb * MB)
    missed = []
    print(f"load average {os.getloadavg()[0]:.2f}; target < {TARGET_SECONDS:g} s at {size:,} characters")
    for name in args.patterns.split(","):
        quarter, full = timed(PATTERNS[name](size // 4)), timed(PATTERNS[name](size))
        verdict = ("ok" if full < TARGET_SECONDS else "MISSED") if name in ISSUE_PATTERNS else "(no target)"
        if verdict == "MISSED":
            missed.append(name)
        print(f"{name:20s} {size // 4:>9,} chars {quarter:6.2f} s   {size:>9,} chars {full:6.2f} s   "
              f"ratio {full / max(quarter, 1e-9):4.1f}   {verdict}")
    if missed:
        raise SystemExit(f"over {TARGET_SECONDS:g} s: {', '.join(missed)}")


if __name__ == "__main__":
    main()
