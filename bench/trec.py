"""TREC Precision Medicine topics and clinical-trial qrels, and topics turned into patient profiles.

    >>> topic = Topic(year=2017, number=2, disease="Colon cancer", gene="KRAS (G13D), BRAF (V600E)",
    ...               demographic="52-year-old male")
    >>> topic_profile(topic).profile
    {'age': 52.0, 'sex': 'male', 'conditions': ['Colon cancer'], 'biomarkers': [{'gene': 'KRAS', \
'alteration': 'mutation', 'variant': 'G13D'}, {'gene': 'BRAF', 'alteration': 'mutation', 'variant': 'V600E'}]}

A profile is the JSON form `trialmatch match --patient` reads: the disease becomes `conditions`; the
demographic ("38-year-old male") `age` and `sex`; each comma-separated part of the gene field one biomarker:
"KRAS (G12D)" a mutation with its variant, "CDK4 Amplification" an amplification (the words after a gene
are looked up in `trec_gene_terms.json`), "EML4-ALK Fusion transcript" a fusion, a gene alone ("BRCA2") kind
unknown (`"alteration": "any"`), "tumor cells negative for PD-L1 expression" expression with
`"status": "negative"`. A part that names no gene ("high tumor mutational burden", "high serum LDH levels")
is left out of the profile with the reason, and stays in the text a keyword baseline reads.
Topics: `topics<year>.xml`; qrels: `qrels-treceval-clinical_trials.<year>.txt` (topic, 0, NCT id, 0/1/2).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from nlp.vocab import normalize_gene

TREC_PM_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "trec-pm"
TERMS_PATH = Path(__file__).with_name("trec_gene_terms.json")
DEMOGRAPHIC = re.compile(r"(?P<age>\d+(?:\.\d+)?)[- ]year[- ]old\s+(?P<sex>male|female|man|woman)", re.I)
WITH_VARIANT = re.compile(r"(?P<gene>[A-Za-z0-9-]+)\s*(?P<qualifier>[^()]*?)\s*\((?P<variant>[^()]+)\)")
SEXES = {"male": "male", "man": "male", "female": "female", "woman": "female"}


class TopicError(ValueError):
    """A topic or qrels file cannot be read as TREC PM; the message names the file or topic and field."""


@dataclass(frozen=True)
class Topic:
    year: int
    number: int
    disease: str
    gene: str
    demographic: str

    @property
    def label(self) -> str:
        return f"{self.year}/{self.number}"

    @property
    def query(self) -> str:
        """The topic as a keyword query: disease, gene and demographic."""
        return " ".join((self.disease, self.gene, self.demographic))


@dataclass(frozen=True)
class GenePhrase:
    """One comma-separated part of a topic's gene field and the profile biomarker it became (None: left out)."""

    text: str
    biomarker: dict | None
    note: str = ""


@dataclass(frozen=True)
class TopicProfile:
    topic: Topic
    profile: dict
    phrases: list[GenePhrase] = field(default_factory=list)

    @property
    def left_out(self) -> list[GenePhrase]:
        return [p for p in self.phrases if p.biomarker is None]


@cache
def _terms() -> dict:
    return json.loads(TERMS_PATH.read_text(encoding="utf-8"))


def read_topics(year: int, directory: Path = TREC_PM_DIR) -> list[Topic]:
    """The topics of one year, in file order."""
    path = directory / "topics" / f"topics{year}.xml"
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise TopicError(f"{path}: cannot be read as TREC PM topics ({exc})") from exc
    topics = []
    for element in root.iter("topic"):
        fields = {child.tag: " ".join((child.text or "").split()) for child in element}
        number = element.get("number", "")
        missing = [f for f in ("disease", "gene", "demographic") if not fields.get(f)]
        if not number.isdigit() or missing:
            raise TopicError(f"{path}: topic {number or '?'} lacks {', '.join(missing) or 'its number'}")
        topics.append(Topic(year, int(number), fields["disease"], fields["gene"], fields["demographic"]))
    if not topics:
        raise TopicError(f"{path}: no <topic> elements")
    return topics


def read_qrels(year: int, directory: Path = TREC_PM_DIR) -> dict[int, dict[str, int]]:
    """{topic number: {NCT id: relevance 0/1/2}} from the trec_eval qrels of one year."""
    path = directory / "qrels" / f"qrels-treceval-clinical_trials.{year}.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise TopicError(f"{path}: cannot be read ({exc})") from exc
    qrels: dict[int, dict[str, int]] = {}
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4 or not parts[0].isdigit() or not parts[3].lstrip("-").isdigit():
            raise TopicError(f"{path}:{number}: expected 'topic 0 NCT-id relevance', got {line!r}")
        qrels.setdefault(int(parts[0]), {})[parts[2].upper()] = int(parts[3])
    return qrels


def parse_demographic(text: str, where: str = "demographic") -> tuple[float, str]:
    """(age in years, sex) of "38-year-old male"."""
    match = DEMOGRAPHIC.search(text)
    if not match:
        raise TopicError(f"{where}: expected '<age>-year-old male|female', got {text!r}")
    return float(match["age"]), SEXES[match["sex"].lower()]


def _gene_of(token: str) -> str | None:
    """The single HGNC gene a gene-looking token names ("PD-L1" -> CD274), else None."""
    token = token.strip(".,;:()[]")
    if not any(c.isupper() for c in token):
        return None
    genes = {ref.gene for ref in normalize_gene(token)}
    return genes.pop() if len(genes) == 1 else None


def _kind(words: str) -> str | None:
    return _terms()["kinds"].get(" ".join(words.lower().split()))


def _negated(text: str) -> bool:
    lowered = f" {' '.join(text.lower().split())} "
    return any(f" {cue} " in lowered for cue in _terms()["negations"])


def parse_gene_part(text: str) -> GenePhrase:
    """One part of a gene field ("KRAS (G12D)", "CDK4 Amplification", "BRCA2") as a profile biomarker."""
    text = " ".join(text.split())
    match = WITH_VARIANT.fullmatch(text)
    if match and _gene_of(match["gene"]):
        qualifier = match["qualifier"].strip()
        note = f"qualifier {qualifier!r} not kept" if qualifier else ""
        return GenePhrase(text, {"gene": match["gene"], "alteration": "mutation",
                                 "variant": match["variant"].strip()}, note)
    head, _, rest = text.partition(" ")
    if _gene_of(head):
        if not rest:
            return GenePhrase(text, {"gene": head, "alteration": "any"})
        kind = _kind(rest)
        if kind:
            return GenePhrase(text, {"gene": head, "alteration": kind})
    genes = {token: gene for token in text.split() if (gene := _gene_of(token))}
    if len(set(genes.values())) == 1:
        token = next(iter(genes))
        kinds = {k for words, k in _terms()["kinds"].items() if re.search(rf"\b{re.escape(words)}\b", text, re.I)}
        kind = kinds.pop() if len(kinds) == 1 else "any"
        biomarker = {"gene": token, "alteration": kind}
        if _negated(text):
            biomarker["status"] = "negative"
        return GenePhrase(text, biomarker, "read from free text; quantities not kept")
    if genes:
        return GenePhrase(text, None, f"names several genes ({', '.join(sorted(set(genes.values())))})")
    return GenePhrase(text, None, "names no gene: not a biomarker the profile can hold")


def topic_profile(topic: Topic) -> TopicProfile:
    """The patient profile (JSON form) of a topic, with how each part of its gene field was read."""
    age, sex = parse_demographic(topic.demographic, f"topic {topic.label} demographic")
    phrases = [parse_gene_part(part) for part in topic.gene.split(",") if part.strip()]
    profile = {"age": age, "sex": sex, "conditions": [topic.disease],
               "biomarkers": [p.biomarker for p in phrases if p.biomarker is not None]}
    return TopicProfile(topic, profile, phrases)
