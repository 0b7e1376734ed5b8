"""Gene, variant and drug vocabularies, read from the entity-ruler pattern files in `nlp/patterns/`.

    >>> from nlp.vocab import normalize_gene, drug_classes
    >>> [ref.gene for ref in normalize_gene("NTRK")]
    ['NTRK1', 'NTRK2', 'NTRK3']
    >>> sorted(drug_classes("larotrectinib"))
    ['first-generation trk inhibitor', 'trk inhibitor', 'tyrosine kinase inhibitor']

The same files feed the pipeline's entity ruler, so what the extractor recognises in trial text and what
`search` recognises in a patient profile never drift apart. Rows are `{"label", "pattern", "id"}` plus:
`members` (GENE_FAMILY: the HGNC symbols of the family), `genes`/`partners`/`alteration` (VARIANT: the
genes a named variant implies, fusion partners, the kind of alteration; `needs_status` when the word alone
is ambiguous, e.g. "Ph"; `karyotype` when the form names what a karyotype shows, "Ph" or "t(15;17)", not the
fusion a molecular test finds), `status_alteration` (GENE: what "positive"/"negative" means, e.g. expression for
ER), `ish_alteration` (GENE: what a positive in-situ hybridisation means, fusion for ALK), `status` (GENE,
GENE_FAMILY: the sign glued to a form such as "ER+" or "HER2-"), `facts` (PROFILE: what a receptor profile
such as "triple-negative" or "HR+/HER2-" says of each gene), `classes` (DRUG: its drug classes, lower case),
`components` (DRUG: the drugs of a regimen such as FOLFOX, whose classes it takes on), `broad` (DRUG_CLASS: a
therapy class as wide as chemotherapy, radiotherapy or insulin, which a list of a patient's drugs may leave out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from nlp.resources import read_patterns, read_vocab


class GeneRef(BaseModel):
    """A gene a phrase names, with the alteration and variant the phrase implies (None when it says none)."""

    model_config = ConfigDict(frozen=True)

    gene: str
    alteration: str | None = None
    variant: str | None = None


@dataclass(frozen=True)
class Variant:
    name: str
    genes: tuple[str, ...]
    partners: tuple[str, ...]
    alteration: str


@dataclass(frozen=True)
class ProfileFact:
    genes: tuple[str, ...]  # alternatives: one of them suffices ("HR+" is ER+ or PR+)
    alteration: str
    negative: bool


@dataclass
class Vocabulary:
    """Everything the pattern files say, indexed for look-ups (built once per process by `vocabulary()`)."""

    genes: dict[str, str] = field(default_factory=dict)  # exact surface form → HGNC symbol
    families: dict[str, tuple[str, ...]] = field(default_factory=dict)  # family id → members
    family_forms: dict[str, str] = field(default_factory=dict)  # exact surface form → family id
    variants: dict[str, Variant] = field(default_factory=dict)  # variant id → Variant
    variant_forms: dict[str, str] = field(default_factory=dict)  # exact surface form → variant id
    needs_status: set[str] = field(default_factory=set)  # variant surface forms that need a status word
    karyotype: set[str] = field(default_factory=set)  # variant surface forms naming a karyotype's finding
    status_alteration: dict[str, str] = field(default_factory=dict)  # HGNC symbol → alteration of "positive"
    ish_alteration: dict[str, str] = field(default_factory=dict)  # HGNC symbol → what a positive FISH means
    signed: dict[str, str] = field(default_factory=dict)  # "ER+" → positive, "HER2-" → negative
    profiles: dict[str, tuple[ProfileFact, ...]] = field(default_factory=dict)  # "triple-negative" → facts
    drugs: dict[str, frozenset[str]] = field(default_factory=dict)  # drug name → classes
    components: dict[str, tuple[str, ...]] = field(default_factory=dict)  # regimen ("folfox") → its drugs
    drug_forms: dict[str, str] = field(default_factory=dict)  # lower-case surface form → drug name
    classes: dict[str, str] = field(default_factory=dict)  # lower-case surface form → class name
    alterations: dict[str, str] = field(default_factory=dict)  # lower-case one-word form → alteration kind
    broad: set[str] = field(default_factory=set)  # class names a list of the patient's drugs may leave out


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabularies of `nlp/patterns/*.jsonl`, loaded once."""
    vocab = Vocabulary()
    for row in read_patterns("genes.jsonl"):
        if not row.get("status"):
            vocab.genes[row["pattern"]] = row["id"]
        if row.get("status_alteration"):
            vocab.status_alteration[row["id"]] = row["status_alteration"]
        if row.get("ish_alteration"):
            vocab.ish_alteration[row["id"]] = row["ish_alteration"]
        if row.get("status"):
            vocab.signed[row["pattern"]] = row["status"]
    for row in read_patterns("gene_families.jsonl"):
        if not row.get("status"):
            vocab.family_forms[row["pattern"]] = row["id"]
        vocab.families[row["id"]] = tuple(row["members"])
        if row.get("status"):
            vocab.signed[row["pattern"]] = row["status"]
    for row in read_patterns("profiles.jsonl"):
        vocab.profiles[row["id"]] = tuple(
            ProfileFact(tuple(fact["genes"]), fact["alteration"], fact["negative"]) for fact in row["facts"]
        )
    for row in read_patterns("variants.jsonl"):
        vocab.variant_forms[row["pattern"]] = row["id"]
        vocab.variants[row["id"]] = Variant(
            row["id"], tuple(row["genes"]), tuple(row.get("partners", ())), row["alteration"]
        )
        if row.get("needs_status"):
            vocab.needs_status.add(row["pattern"])
        if row.get("karyotype"):
            vocab.karyotype.add(row["pattern"])
    for row in read_patterns("alterations.jsonl"):
        if " " not in row["pattern"]:
            vocab.alterations[row["pattern"].lower()] = row["id"]
    for row in read_patterns("drugs.jsonl"):
        if row["label"] == "DRUG":
            vocab.drugs[row["id"]] = frozenset(row.get("classes", ()))
            vocab.drug_forms[row["pattern"].lower()] = row["id"]
            if row.get("components"):
                vocab.components[row["id"]] = tuple(row["components"])
        elif row["label"] == "DRUG_CLASS":
            vocab.classes[row["pattern"].lower()] = row["id"]
            if row.get("broad"):
                vocab.broad.add(row["id"])
    for regimen, drugs in vocab.components.items():
        unknown = [d for d in drugs if d not in vocab.drugs]
        if unknown:
            raise ValueError(f"drugs.jsonl: regimen {regimen!r} names unknown drugs {unknown}: add them as DRUG rows")
        vocab.drugs[regimen] = vocab.drugs[regimen].union(*(vocab.drugs[d] for d in drugs))
    return vocab


def _lookup(forms: dict[str, str], text: str) -> str | None:
    """Exact surface form first; else a case-insensitive match when it is unambiguous."""
    if text in forms:
        return forms[text]
    hits = {value for form, value in forms.items() if form.lower() == text.lower()}
    return hits.pop() if len(hits) == 1 else None


def normalize_gene(text: str) -> list[GeneRef]:
    """HGNC genes a gene, family or variant name denotes: "HER2" → [ERBB2], "NTRK" → [NTRK1, NTRK2, NTRK3],
    "ETV6-NTRK3" → [NTRK3 fusion ETV6-NTRK3]; [] when the name is unknown."""
    vocab = vocabulary()
    text = " ".join(text.split())
    if not text:
        return []
    gene = _lookup(vocab.genes, text)
    if gene is not None:
        return [GeneRef(gene=gene)]
    family = _lookup(vocab.family_forms, text)
    if family is not None:
        return [GeneRef(gene=member) for member in vocab.families[family]]
    variant = _lookup(vocab.variant_forms, text)
    if variant is not None:
        found = vocab.variants[variant]
        return [GeneRef(gene=g, alteration=found.alteration, variant=found.name) for g in found.genes]
    return []


def positive_alteration(gene: str, method: str | None = None) -> str:
    """The alteration a positive (or negative) result for HGNC `gene` speaks of, as the extractor reads it:
    ESR1 → expression (a receptor), ERBB2 → any; by "ihc" expression whatever the gene (ERBB2, ALK); by "ish"
    (FISH, ISH) ERBB2 → amplification and ALK → fusion."""
    vocab = vocabulary()
    if method == "ihc":
        return "expression"
    if method == "ish":
        return vocab.ish_alteration.get(gene, "amplification")
    return vocab.status_alteration.get(gene, "any")


def gene_symbols() -> list[str]:
    """Every HGNC symbol in the vocabulary, sorted."""
    return sorted(set(vocabulary().genes.values()))


def gene_family_names() -> list[str]:
    """Names of the gene families `normalize_gene` expands ("NTRK" → NTRK1, NTRK2, NTRK3), sorted."""
    return sorted(vocabulary().families)


def gene_aliases() -> dict[str, str]:
    """Surface form → HGNC symbol, for every single-gene alias and name (symbols included)."""
    return dict(vocabulary().genes)


def drug_classes(name: str) -> set[str]:
    """Classes of a drug ("larotrectinib" → {"trk inhibitor", ...}); a class name gives itself; else empty."""
    vocab = vocabulary()
    key = " ".join(name.lower().split())
    if key in vocab.drug_forms:
        return set(vocab.drugs[vocab.drug_forms[key]])
    if key in vocab.classes:
        return {vocab.classes[key]}
    return set()


def drug_components(name: str) -> tuple[str, ...]:
    """The drugs of a regimen ("FOLFOX" → fluorouracil, oxaliplatin); () for a single drug or an unknown name."""
    vocab = vocabulary()
    drug = vocab.drug_forms.get(" ".join(name.lower().split()))
    return vocab.components.get(drug, ()) if drug else ()


def is_broad_class(name: str) -> bool:
    """Whether `name` is a broad therapy class ("chemotherapy", "radiotherapy", "insulin") or a drug of such classes
    alone ("warfarin", "prednisone"): a patient's list of drugs that does not name it does not say the patient
    never had it."""
    vocab = vocabulary()
    key = " ".join(name.lower().split())
    drug = vocab.drug_forms.get(key)
    if drug is not None:
        return bool(vocab.drugs[drug]) and vocab.drugs[drug] <= vocab.broad
    return key in vocab.broad


def broad_classes_of(name: str) -> set[str]:
    """The broad classes a drug or class lies within: "paclitaxel" and "taxane" → {"chemotherapy"}."""
    vocab = vocabulary()
    key = " ".join(name.lower().split())
    drug = vocab.drug_forms.get(key)
    if drug is not None:
        return set(vocab.drugs[drug]) & vocab.broad
    return {b for classes in vocab.drugs.values() if key in classes for b in classes & vocab.broad} - {key}


def normalize_drug(name: str) -> str | None:
    """The canonical drug or class name of `name` ("Vitrakvi" → "larotrectinib", "TRK TKI" → "trk inhibitor")."""
    vocab = vocabulary()
    key = " ".join(name.lower().split())
    return vocab.drug_forms.get(key) or vocab.classes.get(key)


def drug_vocabulary() -> list[str]:
    """Drug names and class names, lower case, sorted."""
    vocab = vocabulary()
    return sorted(set(vocab.drugs) | set(vocab.classes.values()))


def cue_rows() -> list[dict]:
    """The `{"cue", "pattern"}` rows of `nlp/vocab/cues.jsonl` (polarity, status, method and context words)."""
    return read_vocab("cues.jsonl")
