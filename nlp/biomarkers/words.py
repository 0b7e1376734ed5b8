"""The word lists the biomarker rules read: `nlp/vocab/biomarker_words.jsonl`, `{"kind", "word"}` lines.

    >>> from nlp.biomarkers.words import CONJUNCTIONS, FILLERS
    >>> "somatic" in FILLERS, "and/or" in CONJUNCTIONS
    (True, True)

Kinds: `filler` (words between a gene and its evidence that say nothing of either: "gene", "somatic",
"activating"), `left_filler` (the same before a gene: "of", "with"), `conjunction` (joins genes or alterations),
`list_conjunction` (joins one gene phrase to the next in a list), `glue` (between a gene phrase and the word read
after it: "is", "must"), `copula` (the verb between a marker and the status said of it: "CD30 has to be positive",
"KRAS must be wild-type"), `drug_glue` (between a gene and a drug word: "EGFR small molecule inhibitor"),
`comparator_word` (a threshold's words before its number: "at least", "≥"), `panel_gene` (genes named as the
test of a marker that is no gene: MLH1 … for mismatch repair), `alternative_verb` (a verb after "or" that opens
another requirement: "... by the Couch model or be positive for BRCA1"), `judgement_word` (a word of a judgement
after "or" that offers it instead of the marker: "ER positive or the physician considers endocrine therapy suitable"),
`item_separator` (between the items of a list written inside one criterion: ";", "*", "OR"; matched as written),
`relative_word` (opens a clause about the words before it: "CD20+ lymphoma who have relapsed or are resistant"
joins two things the patients did),
`disease_phase_word` (before "phase" it names a phase of the disease or its treatment, not of the study: "chronic
phase"), `list_closer` (words of an item of a list that names no alternative of its own: "ER+, PR+ or both", "(for
example, L858R or T790M)"), `threshold_gene` (markers whose status a share of stained cells or a receptor
content states: the hormone receptors, not a proliferation index such as Ki-67), `threshold_unit` (the unit of that
share or content after the marker: "%", "fmol": "ER ≥ 10%", "PgR at least 10 fmol/mg"), `threshold_change` (after
such a threshold it measures a change, not a marker: "PR (≥ 50% reduction in tumour burden)", a partial response),
`expression_level` (a scale whose levels are written glued to it and state expression, level 0 negative: "PD-L1 TC2/3
or IC2/3", "TC1-3"), `method_preposition` (between a positive result and the test that gave it: "positive as assessed
by the ... IHC test"),
`restrictive_word` (opens a clause whose allowance is the only one: "Only EGFR and ALK wild-type are allowed" requires
what it allows), `attributive_status` (a status word that, right before a noun, qualifies that noun and says nothing
of the marker before it: "NPM1 mutated, normal karyotype").
Status words ("positive", "negative", "wild-type") come from the cue list, `nlp/vocab/cues.jsonl`.
"""

from __future__ import annotations

from nlp.resources import read_vocab
from nlp.vocab import cue_rows

WORDS_FILE = "biomarker_words.jsonl"


def _words_by_kind() -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = {}
    for row in read_vocab(WORDS_FILE):
        kinds.setdefault(row["kind"], set()).add(row["word"])
    return {kind: frozenset(words) for kind, words in kinds.items()}


def _kind(kind: str) -> frozenset[str]:
    if kind not in _BY_KIND:
        raise ValueError(f'nlp/vocab/{WORDS_FILE} has no "{kind}" rows: add {{"kind": "{kind}", "word": ...}} lines')
    return _BY_KIND[kind]


_BY_KIND = _words_by_kind()
FILLERS = _kind("filler")
LEFT_FILLERS = _kind("left_filler")
CONJUNCTIONS = _kind("conjunction")
LIST_CONJUNCTIONS = _kind("list_conjunction")
GLUE = _kind("glue")
COPULAS = _kind("copula")
DRUG_GLUE = _kind("drug_glue")
COMPARATOR_WORDS = _kind("comparator_word")
PANEL_GENES = _kind("panel_gene")
ALTERNATIVE_VERBS = _kind("alternative_verb")
JUDGEMENT_WORDS = _kind("judgement_word")
ITEM_SEPARATORS = _kind("item_separator")
RELATIVE_WORDS = _kind("relative_word")
DISEASE_PHASE_WORDS = _kind("disease_phase_word")
LIST_CLOSERS = _kind("list_closer")
THRESHOLD_GENES = _kind("threshold_gene")
THRESHOLD_UNITS = _kind("threshold_unit")
THRESHOLD_CHANGES = _kind("threshold_change")
VARIANT_WORDS = _kind("variant_word")  # "variants" after a fusion: its variant fusions, not a mutation
METHOD_PREPOSITIONS = _kind("method_preposition")
RESTRICTIVE_WORDS = _kind("restrictive_word")
EXPRESSION_LEVELS = _kind("expression_level")
ATTRIBUTIVE_STATUSES = _kind("attributive_status")
TEST_ABBREVIATIONS = _kind("test_abbreviation")  # tests shaped like a gene symbol: "IHC", "FISH", "NGS"
BRACKETS = frozenset({"(", ")", "[", "]"})
STATUS_KINDS = ("positive", "negative", "wild_type")
STATUS_WORDS = {
    row["pattern"].lower(): row["cue"] for row in cue_rows() if row["cue"] in STATUS_KINDS and " " not in row["pattern"]
}
