"""Biomarkers, performance status, prior therapies and CNS metastases from a note read by the criteria pipeline.

    >>> from nlp.notes import read_note
    >>> reading = read_note("KRAS wild-type. ALK-positive. ECOG 1. Progressed on osimertinib.")
    >>> reading.profile["biomarkers"], reading.profile["ecog"]
    ([{'gene': 'KRAS', 'status': 'negative', 'alteration': 'mutation'}, {'gene': 'ALK'}], 1)

The note goes through the same spaCy pipeline as eligibility text, one sentence a criterion (`nlp.notes.text`):
a biomarker fact the pipeline reads as required is a positive result, one it reads as excluded (a negating cue,
"negative", "wild-type") a negative result. A PD-L1 score ("PD-L1 TPS 60%") is expression, positive from 1%.
ECOG, Karnofsky and Lansky are read as the value the note states ("ECOG 0-1": the worse, 1). A drug the note names
(DRUG entities; a drug name of five letters or more in any case, or its plural: "velcade", "cyclophosphamides"; a name
of `note_cued_drugs.jsonl` after a `treated_with` cue: "treating with GH", never "GH level") is a prior therapy, with
the outcome its clause states (progression, intolerance, response: `note_cues.jsonl`) and marked current when the note
says the patient takes it now ("is on", "currently uses", "discharged on", "started on", "doubled his": `current`
cues, no `not_current` cue between),
unless it is only planned, offered, declined or an allergy, or its name is used in another sense (`not_given`,
`not_given_backward`: "candidate for steroids", "insulin resistance"); CNS metastases are none when negated, stable
or active by the criteria side's cue nearest the mention, and left out with a warning when no mention says which
(a brain imaging result names them too: "Brain MRI negative for metastases", `brain_imaging` cues). Facts in a
family member's or hypothetical clause, and drugs in a negated one, are left out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlp.biomarkers.mentions import MENTION_LABELS
from nlp.models import Biomarker
from nlp.notes.context import CLAUSE_REACH, clause_start, context_of, cue_regex, cue_words
from nlp.pipeline import get_nlp
from nlp.resources import pattern_phrases, phrase_regex, read_vocab
from nlp.sections import CriterionOffsets
from nlp.vocab import cue_rows

_PDL1 = re.compile(r"\bPD-?L1\b[^.;\n%]{0,40}?(?:TPS|CPS|tumou?r proportion score|combined positive score"
                   r"|expression|staining|score|IHC)?[^.;\n%\d]{0,20}(?P<op>[<>≥≤]\s*)?(?P<pct>\d{1,3})\s*%", re.I)
_ECOG = re.compile(r"\b(?:ECOG|Eastern Cooperative Oncology Group|WHO|Zubrod)(?:\s+(?:performance\s+status|PS))?"
                   r"(?:\s+score)?\s*(?:of|is|was|=|:)?\s*(?P<a>[0-5])(?:\s*[-–/]\s*(?P<b>[0-5]))?(?!\d|%|\.\d)", re.I)
_PS = re.compile(r"\bperformance status(?:\s+score)?\s*(?:of|is|was|=|:)?\s*(?P<a>[0-4])(?:\s*[-–/]\s*(?P<b>[0-4]))?"
                 r"(?!\d|%|\.\d)", re.I)
_KPS = re.compile(r"\b(?P<scale>KPS|Karnofsky|Lansky|LPS)(?:\s+(?:performance\s+(?:status|score)|PS|score))?"
                  r"\s*(?:of|is|was|=|:)?\s*(?P<v>\d{2,3})\s*%?", re.I)
_OUTCOMES = ("intolerance", "progression", "response")
_GLUE = re.compile(r"[\s-]*")
_BREAK = re.compile(r"[.;:!?](?=\s|$)|\n")
_WORD = re.compile(r"\w+")
CURRENT_WORDS = 6  # words a `current` cue may stand before the drug it speaks of
FOLD_LETTERS = 5  # a drug name of this many letters is found in a note in any case ("velcade", "SINEMET"); a shorter
# one (FCR, ATRA, R-CVP) only as the vocabulary spells it, since in lower case it may be a word or another abbreviation


@dataclass
class ClinicalFacts:
    biomarkers: list[tuple[dict[str, Any], tuple[int, int]]] = field(default_factory=list)
    scores: dict[str, tuple[int, tuple[int, int]]] = field(default_factory=dict)
    therapies: list[tuple[dict[str, Any], tuple[int, int]]] = field(default_factory=list)
    cns: tuple[str, tuple[int, int]] | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Sentences:
    """The note's sentences (character bounds, in order), found by sentence holding a character."""

    bounds: list[tuple[int, int]]
    starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.starts = [start for start, _end in self.bounds]

    def at(self, char: int) -> tuple[int, int]:
        k = bisect_right(self.starts, char) - 1
        return self.bounds[k] if k >= 0 else (0, char)


def _entry(fact: Biomarker, negative: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"gene": fact.gene}
    if negative:
        entry["status"] = "negative"
    if fact.alteration != "any":
        entry["alteration"] = fact.alteration
    if fact.variant:
        entry["variant"] = fact.variant
    if fact.min_copies is not None and not negative:
        entry["copies"] = fact.min_copies
    return entry


def _covers(negative: tuple, positive: tuple) -> bool:
    """Does a negative result (gene, alteration, variant, True) rule out a positive one (as `parse_patient` reads)?
    A positive of no stated kind ("ALK-positive") is ruled out by a negative of any kind ("ALK negative by FISH",
    the fusion)."""
    return (negative[1] in (None, positive[1]) and negative[2] in (None, positive[2])) or positive[1] is None


def _biomarkers(note: str, doc: Doc, criteria: list[CriterionOffsets], sentences: Sentences,
                out: ClinicalFacts) -> None:
    found: dict[tuple, tuple[dict[str, Any], tuple[int, int]]] = {}
    germline: set[tuple] = set()
    # a gene stated both ways is "cohort" stratification to the criteria side: here both statements are read
    stated = [*doc._.facts["biomarkers"], *(u.biomarker for u in doc._.facts.get("uncertain", ()) if u.biomarker)]
    for fact in sorted(stated, key=lambda f: f.span):
        if _carried_over(note, doc, criteria, fact):
            continue
        if context_of(note, fact.span[0], sentences.at(fact.span[0]), fact.span[1]) in ("family", "hypothetical"):
            continue
        negative = (fact.polarity == "excluded") != (criteria[fact.criterion].section == "exclusion")
        entry = _entry(fact, negative)
        key = (fact.gene, entry.get("alteration"), entry.get("variant"), negative)
        found.setdefault(key, (entry, fact.span))
        if negative and _germline(note, sentences.at(fact.span[0]), fact.span[0]):
            germline.add(key)
    for match in _PDL1.finditer(note):
        if context_of(note, match.start(), sentences.at(match.start()), match.end()) in ("family", "hypothetical"):
            continue
        below = (match.group("op") or "").strip() in ("<", "≤")
        negative = below or int(match.group("pct")) < 1
        entry = {"gene": "CD274", "alteration": "expression"} | ({"status": "negative"} if negative else {})
        found.setdefault(("CD274", "expression", None, negative), (entry, (match.start(), match.end())))
    keys = list(found)
    for key in [k for k in keys if k in germline]:  # "Germline RET negative" beside the tumour's RET mutation
        if any(other[0] == key[0] and not other[3] for other in keys):
            keys.remove(key)
    for key in keys:
        gene, alteration, _variant, negative = key
        if any(other[0] == gene and other[3] != key[3] and _covers(*((other, key) if other[3] else (key, other)))
               for other in keys):
            out.warnings.append(f"biomarkers: {gene} is stated both positive and negative; left out, set it by hand")
            continue
        if alteration is None and not negative and any(k[0] == gene and k[1] and not k[3] for k in keys):
            continue  # "ALK-positive" beside "ALK fusion": the fusion says more
        out.biomarkers.append(found[key])
    out.warnings = list(dict.fromkeys(out.warnings))


def _carried_over(note: str, doc: Doc, criteria: list[CriterionOffsets], fact: Biomarker) -> bool:
    """A fact of a line that names no marker of its own, carried over from the line above (the criteria side's
    sub-bullet refining its parent): in a note each line of a result list states its own test ("ERBB2 - not
    amplified", then "TMB: 3 mut/Mb (low)"), so a result never carries over a line break of the note."""
    at = criteria[fact.criterion]
    if any(e.label_ in MENTION_LABELS for e in doc[at.start:at.end].ents):
        return False
    return fact.criterion > 0 and "\n" in note[criteria[fact.criterion - 1].end_char:at.start_char]


def _germline(note: str, sentence: tuple[int, int], start: int) -> bool:
    """A `germline` cue stands before the result in its clause: an inherited variant was looked for, which says
    nothing of the tumour's own result."""
    return cue_regex("germline").search(note, clause_start(note, start, sentence[0]), start) is not None


def _scores(note: str, out: ClinicalFacts) -> None:
    for pattern, name in ((_ECOG, "ecog"), (_PS, "ecog")):
        for match in pattern.finditer(note):
            if name in out.scores:
                break
            value = max(int(match.group("a")), int(match.group("b") or 0))
            out.scores[name] = (value, (match.start(), match.end()))
    for match in _KPS.finditer(note):
        name = "lansky" if match.group("scale").lower() in ("lansky", "lps") else "karnofsky"
        value = int(match.group("v"))
        if name not in out.scores and value <= 100 and value % 10 == 0:
            out.scores[name] = (value, (match.start(), match.end()))


def _outcome(note: str, start: int, end: int, sentence: tuple[int, int]) -> str | None:
    """The therapy outcome whose cue lies nearest the drug in its sentence."""
    best: tuple[int, str] | None = None
    window = (max(sentence[0], start - CLAUSE_REACH), min(sentence[1], end + CLAUSE_REACH))
    for outcome in _OUTCOMES:
        for match in cue_regex(outcome).finditer(note, *window):
            distance = start - match.end() if match.end() <= start else match.start() - end
            if distance >= 0 and (best is None or distance < best[0]):
                best = (distance, outcome)
    return best[1] if best else None


@lru_cache(maxsize=1)
def _folded_names() -> PhraseMatcher:
    """The DRUG names of FOLD_LETTERS letters or more, matched on lower-cased tokens."""
    nlp = get_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for phrase, drug in pattern_phrases("drugs.jsonl", "DRUG").items():
        if sum(c.isalpha() for c in phrase) >= FOLD_LETTERS:
            plural = [nlp.make_doc(f"{phrase}s")] if phrase.isalpha() and not phrase.lower().endswith("s") else []
            matcher.add(drug, [nlp.make_doc(phrase), *plural])
    return matcher


@lru_cache(maxsize=1)
def _cued_names() -> re.Pattern[str]:
    """The names of `note_cued_drugs.jsonl` right after a `treated_with` cue ("treating with GH"): elsewhere they
    name a hormone or a level, not a drug given. A name shorter than FOLD_LETTERS letters is matched only as
    written."""
    names = [row["name"] for row in read_vocab("note_cued_drugs.jsonl")]
    alternatives = "|".join(re.escape(n) if sum(c.isalpha() for c in n) < FOLD_LETTERS else f"(?i:{re.escape(n)})"
                            for n in sorted(names, key=len, reverse=True))
    cues = phrase_regex(list(cue_words("treated_with")))
    return re.compile(rf"(?<![\w/-])(?i:{cues})\s+(?P<name>{alternatives})(?![\w/-])")


@lru_cache(maxsize=1)
def _cued_drugs() -> dict[str, str]:
    return {row["name"].lower(): row["drug"] for row in read_vocab("note_cued_drugs.jsonl")}


def _drug_mentions(doc: Doc) -> list[tuple[Span, str]]:
    """The note's drugs and therapy classes, each with its name: the pipeline's DRUG and DRUG_CLASS entities, and
    drug names written in another case than the vocabulary's ("on velcade") where no entity stands."""
    found = [(ent, (ent.ent_id_ or ent.text).lower()) for ent in doc.ents if ent.label_ in ("DRUG", "DRUG_CLASS")]
    taken = {k for ent in doc.ents for k in range(ent.start, ent.end)}
    folded = [Span(doc, start, end, label=doc.vocab.strings[key]) for key, start, end in _folded_names()(doc)]
    found += [(span, span.label_) for span in filter_spans(folded)
              if not taken.intersection(range(span.start, span.end))]
    taken.update(k for span, _name in found for k in range(span.start, span.end))
    drugs = _cued_drugs()
    for match in _cued_names().finditer(doc.text):
        span = doc.char_span(match.start("name"), match.end("name"), alignment_mode="expand")
        if span is not None and not taken.intersection(range(span.start, span.end)):
            found.append((span, drugs[match.group("name").lower()]))
    return sorted(found, key=lambda mention: mention[0].start)


@lru_cache(maxsize=1)
def _plan_header() -> re.Pattern[str]:
    """A plan header at a sentence's start, before its colon: "Plan:", "Assessment and plan:"."""
    return re.compile(r"\s*(?:" + cue_regex("plan_header").pattern + r")\s*:", re.I)


def _statement_start(note: str, sentences: Sentences, sentence: tuple[int, int]) -> int:
    """Where the statement holding `sentence` starts: its first sentence, past those a semicolon ends ("Plan: SRS to
    brain lesions; then osimertinib + savolitinib" is one plan)."""
    start = sentence[0]
    while start > 0 and note[:start].rstrip(" \t").endswith(";"):
        start = sentences.at(len(note[:start].rstrip(" \t")) - 1)[0]
    return start


def _not_given(note: str, ent, sentence: tuple[int, int], statement: int) -> bool:
    """A therapy only planned, offered, declined or an allergy ("candidate for steroid therapy", "chemotherapy is
    planned", "allergic to heparin", "refer for NTRK inhibitor trial; discuss larotrectinib"), or a drug's name in
    another sense ("insulin resistance"); so is every therapy of a sentence a plan header opens ("Plan: ...",
    "Assessment and plan: ...": `plan_header` cues before a colon; the statement starting at `statement`)."""
    if _plan_header().match(note, statement, ent.start_char):
        return True
    head = clause_start(note, ent.start_char, max(sentence[0], ent.start_char - CLAUSE_REACH))
    if cue_regex("not_given").search(note, head, ent.start_char):
        return True
    glue = _GLUE.match(note, ent.end_char, sentence[1])
    return bool(cue_regex("not_given_backward").match(note, glue.end() if glue else ent.end_char, sentence[1]))


def _taken_now(note: str, start: int, sentence: tuple[int, int]) -> bool:
    """Whether the note says the patient takes the drug at `start` now: a `current` cue before it in its sentence,
    with no break (". ; :") between, within CURRENT_WORDS words, and no `not_current` cue between ("is on X",
    "currently uses X", "discharged on her home meds, X taper"; not "is on X after failing Y" for Y)."""
    floor = max(sentence[0], start - CLAUSE_REACH)
    for stop in _BREAK.finditer(note, floor, start):
        floor = stop.end()
    found = list(cue_regex("current").finditer(note, floor, start))
    if not found or len(_WORD.findall(note, found[-1].end(), start)) > CURRENT_WORDS:
        return False
    return cue_regex("not_current").search(note, found[-1].end(), start) is None


def _therapies(note: str, doc: Doc, sentences: Sentences, out: ClinicalFacts) -> None:
    seen: dict[str, int] = {}
    for ent, name in _drug_mentions(doc):
        sentence = sentences.at(ent.start_char)
        if context_of(note, ent.start_char, sentence, ent.end_char) is not None or _not_given(
                note, ent, sentence, _statement_start(note, sentences, sentence)):
            continue
        outcome = _outcome(note, ent.start_char, ent.end_char, sentence)
        now = _taken_now(note, ent.start_char, sentence)
        if name in seen:
            entry = out.therapies[seen[name]][0]
            if outcome:
                entry.setdefault("outcome", outcome)
            if now:
                entry["current"] = True
            continue
        seen[name] = len(out.therapies)
        out.therapies.append(({"name": name} | ({"outcome": outcome} if outcome else {})
                              | ({"current": True} if now else {}), (ent.start_char, ent.end_char)))


def _cns_regex(kind: str) -> re.Pattern[str]:
    words = [row["pattern"] for row in cue_rows() if row["cue"] == kind]
    return re.compile(rf"\b(?:{phrase_regex(words)})\b", re.I)


_METASTASES = re.compile(r"\b(?:metastas[ie]s|metastatic\s+(?:disease|lesions?)|mets)\b", re.I)


def _cns_mentions(note: str, doc: Doc, sentences: Sentences) -> list[tuple[int, int, str]]:
    """The CNS metastases the note names, in note order: the pipeline's CNS entities, and the metastases a brain
    imaging result speaks of ("Brain MRI negative for metastases", "MRI brain: new cerebellar metastasis";
    `brain_imaging` cues)."""
    found = {(ent.start_char, ent.end_char, ent.text) for ent in doc.ents if ent.label_ == "CNS"}
    for imaging in cue_regex("brain_imaging").finditer(note):
        sentence = sentences.at(imaging.start())
        for m in _METASTASES.finditer(note, imaging.end(), sentence[1]):
            if not any(start <= m.start() < end for start, end, _text in found):
                found.add((m.start(), m.end(), m.group()))
    return sorted(found)


def _cns_status(note: str, sentence: tuple[int, int], start: int, end: int) -> str | None:
    """stable or active, by the `cns_stable` / `cns_active` cue of the sentence nearest the mention ("stable treated
    brain metastases, no new lesions": stable; "cerebellar metastasis, untreated, asymptomatic": active)."""
    nearest: tuple[int, str] | None = None
    for kind in ("cns_stable", "cns_active"):
        for cue in _cns_regex(kind).finditer(note, *sentence):
            distance = start - cue.end() if cue.end() <= start else max(0, cue.start() - end)
            if nearest is None or distance < nearest[0]:
                nearest = (distance, kind.removeprefix("cns_"))
    return nearest[1] if nearest else None


def _cns(note: str, doc: Doc, sentences: Sentences, out: ClinicalFacts) -> None:
    unsaid: list[str] = []
    for start, end, text in _cns_mentions(note, doc, sentences):
        sentence = sentences.at(start)
        context = context_of(note, start, sentence, end)
        if context in ("family", "hypothetical"):
            continue
        if context == "negated":
            out.cns = out.cns or ("none", (start, end))
        elif (status := _cns_status(note, sentence, start, end)) is not None:
            out.cns = (status, (sentence[0], sentence[1]))
            return
        else:
            unsaid.append(text)
    if unsaid and out.cns is None:
        out.warnings.append(f"cns_metastases: the note names {unsaid[0]!r} without saying whether they are "
                            "treated and stable or active; set it by hand")


def find_clinical(note: str, doc: Doc, criteria: list[CriterionOffsets],
                  sentences: list[tuple[int, int]]) -> ClinicalFacts:
    """The biomarker, performance, therapy and CNS facts of a note the pipeline has read into `doc`
    (`criteria`: the pipeline's, for the section of each fact; `sentences`: the note's, for context)."""
    out = ClinicalFacts()
    found_in = Sentences(sentences)
    _biomarkers(note, doc, criteria, found_in, out)
    _scores(note, out)
    _therapies(note, doc, found_in, out)
    _cns(note, doc, found_in, out)
    return out
