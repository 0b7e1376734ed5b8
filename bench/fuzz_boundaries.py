"""The property-based suite of the boundaries (tests/test_properties.py), run much longer than in `make test`.

    .venv/bin/python bench/fuzz_boundaries.py [--examples 2000] [-k profile]

Runs every property of `tests/test_properties.py` — patient profiles of any JSON shape, profile files and uploads
of any bytes, notes and criteria texts of any unicode (lone surrogates and control characters included), study
objects with any field of any type — with `--examples` generated cases each (TRIALMATCH_FUZZ_EXAMPLES; `make test`
runs 25). The only outcomes allowed are a result or the project's own error naming the field; hypothesis prints
the smallest failing input of any other. Prints the pytest summary and the wall time, with the load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="generated cases per property")
    parser.add_argument("-k", dest="keyword", default=None, help="only the properties whose name matches")
    args = parser.parse_args()
    env = {**os.environ, "TRIALMATCH_FUZZ_EXAMPLES": str(args.examples)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=0",
               str(ROOT / "tests" / "test_properties.py")]
    if args.keyword:
        command += ["-k", args.keyword]
    started = time.monotonic()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.examples} examples per property", flush=True)
    done = subprocess.run(command, cwd=ROOT, env=env)
    print(f"{time.monotonic() - started:.0f} s")
    raise SystemExit(done.returncode)


if __name__ == "__main__":
    main()
