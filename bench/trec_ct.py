"""TREC Clinical Trials 2021/2022 and SIGIR 2016 patient topics, their qrels, and TrialGPT's patient texts.

    >>> topics = read_topics("trec2021")
    >>> len(topics), topics[0].number, topics[0].text[:30]  # doctest: +SKIP
    (75, '1', 'Patient is a 45-year-old man w')

Sources (`../shared/benchmarks/`): `trec-ct/topics/topics2021.xml`, `topics2022.xml` (its header says 2021; it
holds the 2022 topics) as `<topic number="N">text</topic>`; `sigir2016/topics-2014_2015-description.topics`
(`<TOP><NUM>20141</NUM><TITLE>text</TITLE></TOP>`); qrels `trec-ct/qrels/qrels2021.txt` (lines end CR CR LF),
`qrels2022.txt` (CRLF) and `sigir2016/qrels-clinical_trials.txt`, each line `topic 0 NCT-id relevance` (TREC CT:
0 not relevant, 1 excluded, 2 eligible; SIGIR: 0 not relevant, 1 partially, 2 relevant), split on any of \\r\\n,
\\r, \\n with empty lines dropped. TrialGPT's texts: `trialgpt-queries/<trec_2021|trec_2022|sigir>/queries.jsonl`,
`{"_id": "trec-2021<N>" | "sigir-<N>", "text"}`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
TREC_CT = BENCHMARKS / "trec-ct"
SETS = {
    "trec2021": (TREC_CT / "topics" / "topics2021.xml", TREC_CT / "qrels" / "qrels2021.txt",
                 BENCHMARKS / "trialgpt-queries" / "trec_2021" / "queries.jsonl", "trec-2021"),
    "trec2022": (TREC_CT / "topics" / "topics2022.xml", TREC_CT / "qrels" / "qrels2022.txt",
                 BENCHMARKS / "trialgpt-queries" / "trec_2022" / "queries.jsonl", "trec-2022"),
    "sigir": (BENCHMARKS / "sigir2016" / "topics-2014_2015-description.topics",
              BENCHMARKS / "sigir2016" / "qrels-clinical_trials.txt",
              BENCHMARKS / "trialgpt-queries" / "sigir" / "queries.jsonl", "sigir-"),
}
_TREC_TOPIC = re.compile(r'<topic number="(\d+)">\s*(.*?)\s*</topic>', re.S)
_SIGIR_TOPIC = re.compile(r"<NUM>\s*(\d+)\s*</NUM>\s*<TITLE>\s*(.*?)\s*</TITLE>", re.S)
_LINES = re.compile(r"\r\n|\r|\n")


class BenchmarkError(ValueError):
    """A topic, qrels or query file cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Topic:
    number: str
    text: str


def read_topics(name: str) -> list[Topic]:
    """The topics of one set, in file order."""
    path = SETS[name][0]
    pattern = _SIGIR_TOPIC if name == "sigir" else _TREC_TOPIC
    topics = [Topic(number, text) for number, text in pattern.findall(path.read_text(encoding="utf-8"))]
    if not topics:
        raise BenchmarkError(f"{path}: no topics found")
    return topics


def read_qrels(name: str) -> dict[str, dict[str, int]]:
    """topic number → {NCT id: relevance}."""
    path = SETS[name][1]
    qrels: dict[str, dict[str, int]] = {}
    for n, line in enumerate(_LINES.split(path.read_bytes().decode("utf-8")), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit():
            raise BenchmarkError(f"{path}:{n}: expected 'topic 0 NCT-id relevance', got {line[:60]!r}")
        qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def read_trialgpt(name: str) -> dict[str, str]:
    """topic number → TrialGPT's patient text for it."""
    path, prefix = SETS[name][2], SETS[name][3]
    texts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts[row["_id"].removeprefix(prefix)] = row["text"]
    return texts
