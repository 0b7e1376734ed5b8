"""The search stage's data model: index documents, patient profiles, match and similar results.

    >>> PatientProfile(conditions=["glioma"]).model_dump()["age"] is None
    True

`IndexDocument` is what a backend stores (registry fields plus the `TrialCriteria` nlp extracted);
`PatientProfile` is what the CLI reads from JSON and the UI builds from its form; `MatchResult` and
`SimilarResult` are what `match_patient` and `similar_trials` hand on.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nlp.models import TrialCriteria

PatientAlteration = Literal["mutation", "fusion", "amplification", "deletion", "expression"]
BiomarkerStatus = Literal["positive", "negative"]
TherapyOutcome = Literal["progression", "intolerance", "response"]
PatientSex = Literal["female", "male"]
CnsStatus = Literal["none", "stable", "active"]
VerdictStatus = Literal["met", "not_met", "unknown"]
CriterionKind = Literal[
    "diagnosis", "biomarker", "age", "sex", "performance_status", "disease_scale", "stage", "prior_therapy",
    "procedure", "cns_metastases", "lab", "location",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contact(_Model):
    """Who to call or write to about a trial (the registry's central contact, or a site's)."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


class Site(_Model):
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = Field(default=None, description="the site's recruiting status, as registered")
    lat: float | None = None
    lon: float | None = None
    placed: bool = Field(default=False, description="coordinates from the gazetteer (city or ZIP), not the registry")
    contacts: list[Contact] = Field(default_factory=list)


class IndexDocument(_Model):
    """One trial as the backends store it; `facts` holds everything nlp extracted from its criteria."""

    nct_id: str
    title: str = ""
    official_title: str | None = None
    acronym: str | None = None
    overall_status: str | None = None
    phases: list[str] = Field(default_factory=list)
    study_type: str | None = None
    sponsor: str | None = None
    conditions: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    interventions: list[str] = Field(default_factory=list, description="intervention names as registered")
    drugs: list[str] = Field(default_factory=list, description="lower-case known drug names in the interventions")
    intervention_classes: list[str] = Field(default_factory=list, description="lower-case drug classes")
    summary: str = ""
    eligibility_text: str = Field(default="", description="as registered; fact spans index into it")
    gene_mentions: list[str] = Field(
        default_factory=list,
        description="HGNC symbols named anywhere in title, conditions, keywords, summary, description or criteria")
    facts: TrialCriteria = Field(default_factory=TrialCriteria)
    sites: list[Site] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list, description="the registry's central contacts")
    last_update: str | None = None

    @property
    def genes(self) -> list[str]:
        """Genes the trial names in a biomarker criterion (required, excluded, or uncertain: conditional,
        cohort-only, either/or), in order, unique."""
        uncertain = [u.biomarker.gene for u in self.facts.uncertain if u.biomarker]
        return list(dict.fromkeys([b.gene for b in self.facts.biomarkers] + uncertain))

    @property
    def disease_ids(self) -> list[str]:
        """Ids of the disease terms that decide whom the trial is for (nlp.trial_diseases)."""
        return [t.id for t in self.facts.diseases.terms]

    @property
    def disease_terms(self) -> list[str]:
        """Names of those terms ("colorectal cancer", "solid tumour")."""
        return [t.name for t in self.facts.diseases.terms]


class Whereabouts(BaseModel):
    """Where a trial runs and whom to contact: its sites and the registry's central contacts, read from a stored
    document without loading the rest of it (what a match result shows beside its verdicts)."""

    model_config = ConfigDict(extra="ignore")

    nct_id: str
    sites: list[Site] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)


class PatientBiomarker(_Model):
    """One test result: gene G was found altered (`positive`) or not (`negative`).

    `alteration` "any" means the kind is not known (a positive) or every kind was ruled out (a negative);
    a negative with a kind or variant rules out only that kind or variant."""

    gene: str
    alteration: PatientAlteration | Literal["any"] = "any"
    status: BiomarkerStatus = "positive"
    copies: float | None = Field(default=None, ge=0)
    variant: str | None = None


class PatientTherapy(_Model):
    name: str
    outcome: TherapyOutcome | None = None
    current: bool = Field(
        default=False, strict=True,
        description="the patient takes it now (a trial excluding its concurrent or recent use is not met)")


DEFAULT_RADIUS_KM = 100.0


class Location(_Model):
    """Where the patient can travel: a place in words (`near`, resolved by `search.geo`) or `lat`/`lon`.

    With a location, only trials with a site within `radius_km` are kept; `include_unlocated` also keeps
    trials that list no site location at all."""

    near: str | None = Field(default=None, description="a city, a postal code or 'lat, lon'")
    label: str | None = Field(default=None, description="the place `near` resolved to")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    radius_km: float = Field(default=DEFAULT_RADIUS_KM, gt=0)
    include_unlocated: bool = False

    @property
    def placed(self) -> bool:
        return self.lat is not None and self.lon is not None


class PatientProfile(_Model):
    """A patient as the matcher sees it; every field optional (parse_patient requires conditions, biomarkers or
    search_text)."""

    age: float | None = Field(default=None, ge=0, le=120)
    sex: PatientSex | None = None
    conditions: list[str] = Field(default_factory=list)
    absent_conditions: list[str] = Field(
        default_factory=list,
        description="conditions the patient is stated not to have ('no history of diabetes mellitus'), as written: "
                    "a trial for none but these is not met; never searched by",
    )
    ecog: int | None = Field(default=None, ge=0, le=5)
    karnofsky: int | None = Field(default=None, ge=0, le=100)
    lansky: int | None = Field(default=None, ge=0, le=100)
    disease_scales: dict[str, float] = Field(
        default_factory=dict,
        description="the patient's stage or class on a disease scale of nlp/vocab/disease_scales.jsonl: "
                    "{'nyha': 2, 'hoehn_yahr': 1}",
    )
    stage: str | None = Field(default=None, description="the cancer's stage: a numeral 0-IV with its substage "
                                                        "('IIIB', 'IV', 'IA1'), checked and written by parse_patient")
    stage_system: str | None = Field(default=None, description="the staging system of `stage`, an id of "
                                                               "nlp/vocab/cancer_stages.jsonl ('figo'), if known")
    recurrent: bool | None = Field(
        default=None, strict=True,
        description="whether the cancer came back after it was first found; false when a note says it was just found "
                    "and names no treatment, recurrence nor past date; decides a trial's 'stage IV or recurrent'",
    )
    biomarkers: list[PatientBiomarker] = Field(default_factory=list)
    tested_genes: list[str] = Field(
        default_factory=list, description="HGNC symbols the patient's tests covered; a gene named nowhere is unknown"
    )
    search_text: str | None = Field(
        default=None, max_length=10_000,
        description="more words to find trials by (a note's, when it names no diagnosis): relevance only, never judged",
    )
    prior_therapies: list[PatientTherapy] | None = None
    prior_therapies_complete: bool = Field(
        default=True, strict=True,
        description="prior_therapies is the patient's whole treatment history (typed by hand); false when it may be "
                    "partial (read from a note): a therapy a trial requires and the list does not name is then unknown",
    )
    procedures: list[str] = Field(
        default_factory=list,
        description="procedures the patient has had, as written ('kidney transplant', 'transsphenoidal surgery'): "
                    "judged through nlp/vocab/procedures.jsonl; a name it lacks is kept and decides nothing",
    )
    planned_procedures: list[str] = Field(
        default_factory=list,
        description="procedures planned, offered or declined, not had yet ('radical hysterectomy' the patient was "
                    "offered): a trial requiring one done is not met while `procedures` does not name it; an "
                    "excluded one is not judged",
    )
    cns_metastases: CnsStatus | None = None
    location: Location | None = None


class CriterionVerdict(_Model):
    kind: CriterionKind
    status: VerdictStatus
    criterion: str = Field(description="the protocol sentence (or registry field) the verdict is about")
    explanation: str
    span: tuple[int, int] | None = None


class NearestSite(_Model):
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None
    distance_km: float


class MatchResult(_Model):
    nct_id: str
    title: str
    status: str | None
    score: float
    verdict: Literal["potentially_eligible", "not_eligible"]
    criteria: list[CriterionVerdict]
    counts: dict[str, int]
    nearest_site: NearestSite | None = Field(default=None, description="the closest site; None without a location")
    contacts: list[Contact] = Field(default_factory=list, description="central contacts, else the nearest site's")


class SimilarResult(_Model):
    nct_id: str
    title: str
    score: float
    reasons: list[str]
