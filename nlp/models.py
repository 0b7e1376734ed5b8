"""The NLP stage's output: one `TrialCriteria` per trial, JSON-serialisable, handed to `search`.

    >>> TrialCriteria(nct_id="NCT04879121").model_dump()["sex"]
    'ALL'

Facts the text makes conditional ("if ER-positive, ..."), cohort-only ("Cohort B: KRAS G12C") or either/or ("ER
positive or negative") are kept apart in `uncertain`, never in `biomarkers`, `age` or `performance_status`:
matching reports them as unknown, with their sentence.

Spans are character offsets `[start, end)` into the eligibility text exactly as the registry gave it
(before any unescaping), so the UI can highlight the words a fact came from. `criterion` is the index
of the fact's criterion in `TrialCriteria.criteria`.
"""

from __future__ import annotations

from typing import Literal, TypeGuard, get_args

from pydantic import BaseModel, ConfigDict, Field

Alteration = Literal["mutation", "fusion", "amplification", "deletion", "expression", "any"]
Polarity = Literal["required", "excluded"]
Section = Literal["inclusion", "exclusion"]
Comparator = Literal[">=", ">", "<=", "<", "="]
CnsAllowance = Literal["yes", "stable_only", "no"]
RegistrySex = Literal["ALL", "FEMALE", "MALE"]
DiseaseSource = Literal["condition", "keyword", "title", "sentence"]
Enrols = Literal["patients", "without_disease"]
Span = tuple[int, int]


ALTERATIONS: tuple[str, ...] = get_args(Alteration)


def is_alteration(word: str) -> TypeGuard[Alteration]:
    """Whether `word` is one of the `Alteration` kinds (vocabulary rows name them as plain strings)."""
    return word in ALTERATIONS


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgeWindow(_Model):
    min_years: float | None = None
    max_years: float | None = None
    source: Literal["text", "registry", "both"] | None = None


class PerformanceStatus(_Model):
    ecog_max: int | None = None
    karnofsky_min: int | None = None
    lansky_min: int | None = None


class Biomarker(_Model):
    gene: str = Field(description="HGNC symbol, e.g. NTRK1")
    alteration: Alteration = "any"
    variant: str | None = Field(default=None, description="named variant, e.g. V600E, exon 19 deletion")
    polarity: Polarity = "required"
    min_copies: float | None = None
    any_of: str | None = Field(default=None, description="alternatives sharing this group id: one suffices")
    criterion: int
    span: Span


Uncertainty = Literal["conditional", "cohort", "either"]


class PriorTherapy(_Model):
    drug_or_class: str = Field(description="lower-case drug name or class, e.g. 'larotrectinib', 'trk inhibitor'")
    polarity: Polarity
    criterion: int
    span: Span


class CurrentTherapy(_Model):
    """A drug or class the trial excludes a patient from taking now: concurrent use ("No concurrent corticosteroids",
    "Current antidepressant therapy") or use inside a washout window before entry ("No use of systemic corticosteroids
    within the past month", "At least 4 weeks since prior chemotherapy")."""

    drug_or_class: str = Field(description="lower-case drug name or class, e.g. 'corticosteroid', 'warfarin'")
    criterion: int
    span: Span


class Procedure(_Model):
    """A procedure the patient must not have had (excluded) or must have had (required): a transplant, a named
    surgery (`nlp/vocab/procedures.jsonl`). Never a time-bounded one ("major surgery within 4 weeks")."""

    procedure: str = Field(description="procedure id of nlp/vocab/procedures.jsonl, e.g. 'allogeneic_hsct'")
    polarity: Polarity
    criterion: int
    span: Span


class Lab(_Model):
    analyte: str
    comparator: Comparator
    value: float
    unit: str | None = None
    uln_multiple: bool = False
    criterion: int | None = None
    span: Span | None = None


class UncertainFact(_Model):
    kind: Literal["biomarker", "prior_therapy", "procedure", "lab", "current_therapy"] = "biomarker"
    reason: Uncertainty = Field(description="conditional, cohort-only, or either/or in the text")
    biomarker: Biomarker | None = Field(default=None, description="the fact as it would read if it held for all")
    therapy: PriorTherapy | None = Field(default=None, description="the prior-therapy rule, when kind is prior_therapy")
    procedure: Procedure | None = Field(default=None, description="the procedure rule, when kind is procedure")
    lab: Lab | None = Field(default=None, description="the lab threshold, when kind is lab")
    current_therapy: CurrentTherapy | None = Field(default=None, description="the drug or class not to be taken "
                                                                             "now, when kind is current_therapy")
    criterion: int
    span: Span


class CnsMetastases(_Model):
    allowed: CnsAllowance | None = None
    criterion: int | None = None


class DiseaseScale(_Model):
    """A limit on a disease's stage or class scale (`nlp/vocab/disease_scales.jsonl`): the value must lie in
    [low, high] (required) or outside it (excluded); None leaves that side open."""

    scale: str = Field(description="scale id, e.g. 'nyha', 'hoehn_yahr'")
    low: float | None = None
    high: float | None = None
    polarity: Polarity
    criterion: int
    span: Span


class CancerStage(_Model):
    """A limit on the cancer's stage (`nlp.stages`): the patient's stage must lie in [low, high] (required) or
    outside it (excluded); low and high are ordinals `numeral * 100 + letter * 10 + number` (IIIB = 320 to 329),
    None leaves that side open."""

    system: str | None = Field(default=None, description="staging system id of nlp/vocab/cancer_stages.jsonl, "
                                                         "None when the text names none")
    low: int | None = None
    high: int | None = None
    words: str = Field(description="the values as written, e.g. 'IIIB to IV', 'III or higher'")
    alternative: str | None = Field(default=None, description="words of an alternative the stage does not decide "
                                                              "('or recurrent disease'): outside the limit is unknown")
    polarity: Polarity
    criterion: int
    span: Span


class Criterion(_Model):
    section: Section
    text: str = Field(description="the criterion's text, unescaped, bullets stripped")
    span: Span
    kinds: list[str] = Field(default_factory=list, description="fact kinds found in it: age, biomarker, ...")


class DiseaseTerm(_Model):
    id: str = Field(description="term id of nlp/vocab/diseases.jsonl or the layer, e.g. DOID:9256")
    name: str
    source: DiseaseSource = Field(description="where the trial names it")
    text: str = Field(description="the words it was read from")
    criterion: int | None = Field(default=None, description="the criterion, when source is sentence")


class DiseaseSite(_Model):
    """A disease the trial names at a site (`nlp.sites`): "supratentorial malignant primary glioma"."""

    id: str = Field(description="term id of the disease named, e.g. TM:glioma")
    name: str
    sites: list[str] = Field(description="sites of nlp/vocab/disease_sites.jsonl that qualify it: supratentorial")
    source: DiseaseSource = Field(description="where the trial names it")
    text: str = Field(description="the words: the disease's name and its site words")
    criterion: int | None = Field(default=None, description="the criterion, when source is sentence")


class DiseaseFacts(_Model):
    terms: list[DiseaseTerm] = Field(default_factory=list, description="the deciding (most specific) terms")
    basket: bool = Field(default=False, description="a generic term (solid tumour, cancer) decides: any disease below")
    enrols: Enrols = Field(default="patients", description="people without the disease: screening, prevention")
    excluded: list[DiseaseTerm] = Field(
        default_factory=list,
        description="diseases a criterion excludes in so many words ('History of multiple myeloma'), source sentence",
    )
    families: list[DiseaseTerm] = Field(
        default_factory=list,
        description="specific (not generic) terms listed beside a kind of them and dropped from `terms` "
        "('Non-Hodgkin Lymphoma; Small Lymphocytic Lymphoma'): the trial may take the whole family or the kind only",
    )
    listed: list[DiseaseTerm] = Field(
        default_factory=list,
        description="specific cancers within a basket that the registry keywords list when its conditions and title "
        "name no specific one (often dozens, 'recurrent prostate cancer; stage IV gastric cancer ...'), source "
        "keyword: weaker evidence than a condition or title, they rank a trial and never decide its verdict",
    )
    sites: list[DiseaseSite] = Field(
        default_factory=list,
        description="diseases its conditions, title or inclusion criteria name at a site ('supratentorial malignant "
        "glioma'): a patient's disease stated at a contradicting site is not the trial's",
    )


class TrialCriteria(_Model):
    nct_id: str | None = None
    age: AgeWindow = Field(default_factory=AgeWindow)
    age_in_text: AgeWindow | None = Field(
        default=None,
        description="the criteria text's own age window when it disagrees with the registry's structured ages, "
        "which `age` follows: shown beside the verdict, never used to narrow it",
    )
    sex: RegistrySex = "ALL"
    performance_status: PerformanceStatus = Field(default_factory=PerformanceStatus)
    biomarkers: list[Biomarker] = Field(default_factory=list)
    prior_therapies: list[PriorTherapy] = Field(default_factory=list)
    current_therapies: list[CurrentTherapy] = Field(
        default_factory=list, description="drugs or classes a patient must not be taking now (or within a washout)")
    cns_metastases: CnsMetastases = Field(default_factory=CnsMetastases)
    labs: list[Lab] = Field(default_factory=list)
    disease_scales: list[DiseaseScale] = Field(default_factory=list)
    stages: list[CancerStage] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list, description="procedures the patient must not have "
                                        "had or must have had (transplants, named surgeries), with their sentence")
    criteria: list[Criterion] = Field(default_factory=list)
    diseases: DiseaseFacts = Field(default_factory=DiseaseFacts)
    uncertain: list[UncertainFact] = Field(default_factory=list, description="facts matching reports as unknown")
