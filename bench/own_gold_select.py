"""Draw the trials of the project's own labelled extraction set (`bench/own_gold.jsonl`, issue 13), deterministically.

    .venv/bin/python bench/own_gold_select.py                 # print the 40 drawn trials, one JSON object a line
    .venv/bin/python bench/own_gold_select.py --skeleton out.jsonl   # and write unlabelled rows to label by hand

The pool: records of `../shared/ctgov/legacy-xml` and `../shared/ctgov/api-v2/studies` whose NCT id ends in 7, that
are in none of `../shared/gold/*.jsonl`, have an eligibility text, and are cancer trials (a registry condition or the
brief or official title maps to a cancer term of `nlp.diseases`). It is split into three layouts: legacy records in
the PDQ layout ("DISEASE CHARACTERISTICS:" / "PATIENT CHARACTERISTICS:" sections), other legacy records, and API v2
studies. Each layout gets a quota (14, 14, 12), filled first from the records whose criteria name a gene or tumour
marker (`MARKER`: marker-rich trials are preferred, as biomarkers are scored most), then from the others, each drawn
with one `random.Random(707)` over the sorted ids; the API v2 layout's shortfall moves to the legacy layouts. The
eligibility text is the one the extractor reads from the record: the API v2 `eligibilityCriteria`, or for a legacy
record that of `ingest.legacy_xml.study_from_xml` (hard wrapping reflowed, words unchanged). Nothing here runs the
extractor.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import srsly

from ingest.legacy_xml import study_from_xml
from nlp.diseases import is_cancer, map_condition

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = 707
LAST_DIGIT = "7"
QUOTAS = {"legacy-pdq": 14, "legacy-other": 14, "api-v2": 12}
PDQ = re.compile(r"(DISEASE|PATIENT) CHARACTERISTICS:")
# A gene or tumour marker named in the criteria: only to prefer marker-rich trials, never to label them.
MARKER = re.compile(
    r"\b(?:HER-?2|erb-?B-?2|neu|EGFR|ALK|K-?RAS|N-?RAS|BRAF|NTRK\d?|PD-?L1|BCR[-/ ]?ABL|Philadelphia|FLT-?3|c-?KIT|KIT|"
    r"c-?MET|MET|ROS-?1|RET|BRCA\d?|IDH\d?|PIK3CA|JAK2|NPM1|MYCN|N-?myc|FGFR\d?|CD274|TP53|p53|MLL|KMT2A|PML|"
    r"RARA?|MGMT|CCND1|VHL|t\(9;22\)|t\(15;17\)|"
    r"(?:ER|PR|PgR)[- ]?(?:positive|negative|\+|-)|estrogen[- ]receptor|oestrogen[- ]receptor|progesterone[- ]receptor|"
    r"hormone[- ]receptor[- ]positive)(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    nct_id: str
    layout: str
    source: str
    criteria: str
    marker: bool


def gold_ids(gold_dir: Path) -> set[str]:
    """Every trial id of the shared gold sets."""
    return {row["nct_id"] for path in sorted(gold_dir.glob("*.jsonl")) for row in srsly.read_jsonl(path)}


def _is_cancer_trial(protocol: dict) -> bool:
    ident = protocol.get("identificationModule") or {}
    phrases = list((protocol.get("conditionsModule") or {}).get("conditions") or [])
    phrases += [ident.get("briefTitle") or "", ident.get("officialTitle") or ""]
    return any(is_cancer(match) for phrase in phrases for match in map_condition(phrase))


def _candidate(study: dict, source: str, legacy: bool) -> Candidate | None:
    protocol = study.get("protocolSection") or {}
    criteria = (protocol.get("eligibilityModule") or {}).get("eligibilityCriteria") or ""
    nct_id = (protocol.get("identificationModule") or {}).get("nctId") or ""
    if not criteria.strip() or not nct_id.endswith(LAST_DIGIT) or not _is_cancer_trial(protocol):
        return None
    layout = "api-v2" if not legacy else "legacy-pdq" if PDQ.search(criteria) else "legacy-other"
    return Candidate(nct_id, layout, source, criteria, bool(MARKER.search(criteria)))


def candidates(shared: Path = SHARED) -> list[Candidate]:
    """The pool, sorted by NCT id: cancer trials ending in 7 outside the shared gold sets."""
    excluded = gold_ids(shared / "gold")
    found: dict[str, Candidate] = {}
    for path in sorted((shared / "ctgov" / "legacy-xml").glob(f"NCT*{LAST_DIGIT}.xml")):
        if path.stem not in excluded:
            cand = _candidate(study_from_xml(path.read_bytes()), f"legacy-xml/{path.name}", legacy=True)
            if cand:
                found[cand.nct_id] = cand
    for path in sorted((shared / "ctgov" / "api-v2" / "studies").glob(f"NCT*{LAST_DIGIT}.json")):
        if path.stem not in excluded:
            cand = _candidate(json.loads(path.read_text(encoding="utf-8")), f"api-v2/studies/{path.name}", legacy=False)
            if cand:
                found[cand.nct_id] = cand
    return [found[k] for k in sorted(found)]


def _draw(rng: random.Random, pool: list[Candidate], total: int) -> list[Candidate]:
    marked = [c for c in pool if c.marker]
    plain = [c for c in pool if not c.marker]
    chosen = rng.sample(marked, min(total, len(marked)))
    return chosen + rng.sample(plain, min(total - len(chosen), len(plain)))


def select(pool: list[Candidate], seed: int = SEED) -> list[Candidate]:
    """The drawn trials: api-v2 first (its shortfall moves to the legacy layouts, split evenly), then legacy."""
    rng = random.Random(seed)
    by_layout = {layout: [c for c in pool if c.layout == layout] for layout in QUOTAS}
    chosen = _draw(rng, by_layout["api-v2"], QUOTAS["api-v2"])
    short = QUOTAS["api-v2"] - len(chosen)
    for i, layout in enumerate(("legacy-pdq", "legacy-other")):
        chosen += _draw(rng, by_layout[layout], QUOTAS[layout] + (short + 1 - i) // 2)
    return sorted(chosen, key=lambda c: c.nct_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skeleton", type=Path, help="also write unlabelled rows (nct_id, criteria) to this file")
    args = parser.parse_args(argv)
    pool = candidates()
    chosen = select(pool)
    for layout in QUOTAS:
        in_pool = [c for c in pool if c.layout == layout]
        got = [c for c in chosen if c.layout == layout]
        print(
            f"{layout:13s} pool {len(in_pool):4d} ({sum(c.marker for c in in_pool)} naming a marker)  "
            f"drawn {len(got):2d} ({sum(c.marker for c in got)} naming a marker)",
            file=sys.stderr,
        )
    for c in chosen:
        print(json.dumps({"nct_id": c.nct_id, "layout": c.layout, "source": c.source, "marker": c.marker}))
    if args.skeleton:
        srsly.write_jsonl(args.skeleton, ({"nct_id": c.nct_id, "criteria": c.criteria} for c in chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
