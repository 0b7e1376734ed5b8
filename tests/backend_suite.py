"""The conformance suite every search backend passes, as mixin test classes (Haystack style).

    class TestEmbedded(BackendSuite):
        @pytest.fixture
        def backend(self, tmp_path):
            yield EmbeddedBackend(tmp_path / "index")

A backend's test module supplies only the `backend` fixture (empty, writable, cleaned up afterwards).
The documents are hand-built: three NTRK trials (amplification, fusion basket, pan-alteration), a breast
cancer trial and a lung cancer trial, with sites in Houston, Boston and none.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.loaders import iter_source
from ingest.store import RawStore
from nlp.models import AgeWindow, Biomarker, DiseaseFacts, DiseaseTerm, TrialCriteria, UncertainFact
from search.backend import FilterError, Retrieval
from search.models import Contact, IndexDocument, Location, PatientProfile, Site
from search.verdicts import evaluate
from workflows.indexing import index_pending

HOUSTON = Site(facility="MD Anderson", city="Houston", country="United States", lat=29.7071, lon=-95.3981)
BOSTON = Site(facility="Dana-Farber", city="Boston", country="United States", lat=42.3376, lon=-71.1080)
HOSTILE_QUERIES = [
    "*:*", '" OR 1=1', '{"query": {"match_all": {}}}', "\\", "\\\\\\", "title:(a OR b) AND NOT c~2^5",
    "NTRK1 " * 5000, "x" * 100_000,
]


def _marker(gene, alteration, polarity="required", min_copies=None, any_of=None) -> Biomarker:
    return Biomarker(gene=gene, alteration=alteration, polarity=polarity, min_copies=min_copies, any_of=any_of,
                     criterion=0, span=(0, 10))


def _diseases(*terms: tuple[str, str], basket: bool = False, enrols: str = "patients") -> DiseaseFacts:
    return DiseaseFacts(terms=[DiseaseTerm(id=i, name=n, source="condition", text=n) for i, n in terms],
                        basket=basket, enrols=enrols)


SOLID = ("TM:solid_tumor", "solid tumour")


def documents() -> list[IndexDocument]:
    return [
        IndexDocument(
            nct_id="NCT00000001", title="Larotrectinib in NTRK Amplified Solid Tumors",
            overall_status="RECRUITING", phases=["PHASE2"], study_type="INTERVENTIONAL",
            conditions=["Metastatic Malignant Solid Neoplasm"], interventions=["Larotrectinib Sulfate"],
            drugs=["larotrectinib"], intervention_classes=["trk inhibitor"],
            summary="Larotrectinib for patients whose tumours carry an NTRK gene amplification.",
            facts=TrialCriteria(age=AgeWindow(min_years=16), biomarkers=[
                _marker(g, "amplification", min_copies=7, any_of="g1") for g in ("NTRK1", "NTRK2", "NTRK3")],
                diseases=_diseases(SOLID, basket=True)),
            sites=[HOUSTON],
        ),
        IndexDocument(
            nct_id="NCT00000002", title="Entrectinib Basket Study", overall_status="RECRUITING",
            phases=["PHASE2"], study_type="INTERVENTIONAL", conditions=["Solid Tumors Harboring NTRK Fusion"],
            interventions=["Entrectinib"], drugs=["entrectinib"], intervention_classes=["trk inhibitor"],
            facts=TrialCriteria(biomarkers=[_marker(g, "fusion", any_of="g1") for g in ("NTRK1", "NTRK2", "NTRK3")],
                                diseases=_diseases(SOLID, basket=True)),
        ),
        IndexDocument(
            nct_id="NCT00000003", title="Selitrectinib After Prior TRK Inhibitor", overall_status="COMPLETED",
            phases=["PHASE1", "PHASE2"], conditions=["Solid Tumor"], interventions=["Selitrectinib"],
            drugs=["selitrectinib"], intervention_classes=["trk inhibitor"],
            facts=TrialCriteria(age=AgeWindow(min_years=1, max_years=21),
                                biomarkers=[_marker("NTRK1", "any"), _marker("ALK", "fusion", "excluded")]),
            sites=[BOSTON],
        ),
        IndexDocument(
            nct_id="NCT00000004", title="Trastuzumab Deruxtecan in HER2-positive Breast Cancer",
            overall_status="RECRUITING", phases=["PHASE3"], study_type="INTERVENTIONAL",
            conditions=["Breast Cancer", "HER2-positive Breast Cancer"], keywords=["metastatic breast cancer"],
            interventions=["Trastuzumab deruxtecan"], sponsor="Daiichi Sankyo",
            facts=TrialCriteria(sex="FEMALE", age=AgeWindow(min_years=18),
                                biomarkers=[_marker("ERBB2", "expression")],
                                diseases=_diseases(("DOID:1612", "breast cancer"))),
            sites=[BOSTON],
        ),
        IndexDocument(
            nct_id="NCT00000005", title="Chemotherapy in Non-small Cell Lung Cancer", overall_status="TERMINATED",
            phases=["PHASE3"], conditions=["Non-small Cell Lung Cancer"], interventions=["Cisplatin"],
            eligibility_text="Inclusion Criteria:\n\n* Histologically confirmed NSCLC\n* Age 18 to 75 years",
            facts=TrialCriteria(age=AgeWindow(min_years=18, max_years=75),
                                diseases=_diseases(("DOID:3908", "lung non-small cell carcinoma"),
                                                   enrols="without_disease")),
        ),
    ]


def ids(items) -> list[str]:
    return [getattr(i, "document", i).nct_id for i in items]


def age_verdict(doc: IndexDocument, age: float) -> str:
    """What matching's verdict says about the age criterion: the prefilter must agree with it."""
    return next(v.status for v in evaluate(doc, PatientProfile(age=age)).criteria if v.kind == "age")


class BackendSuite:
    """Every backend: write, read, search, filters, facets, retrieval and hostile input."""

    @pytest.fixture
    def filled(self, backend):
        backend.upsert(documents())
        return backend

    def test_a_written_document_reads_back_identical(self, filled):
        assert filled.get("NCT00000001") == documents()[0]

    def test_an_unknown_id_reads_as_none(self, filled):
        assert filled.get("NCT99999999") is None

    def test_whereabouts_are_the_sites_and_contacts_of_the_known_ids(self, filled):
        doc = documents()[0].model_copy(update={"contacts": [Contact(name="Trial desk", phone="555-0100")]})
        filled.upsert([doc])
        found = {w.nct_id: w for w in filled.whereabouts(["NCT00000001", "NCT00000002", "NCT09999999"])}
        assert sorted(found) == ["NCT00000001", "NCT00000002"]
        assert (found["NCT00000001"].sites, found["NCT00000001"].contacts) == (doc.sites, doc.contacts)
        assert (found["NCT00000002"].sites, found["NCT00000002"].contacts) == ([], [])

    def test_count_is_the_number_of_documents(self, filled):
        assert filled.count() == 5

    def test_upsert_replaces_a_document_with_the_same_id(self, filled):
        changed = documents()[0].model_copy(update={"title": "Renamed"})
        filled.upsert([changed])
        assert (filled.count(), filled.get("NCT00000001").title) == (5, "Renamed")

    def test_delete_removes_documents(self, filled):
        filled.delete(["NCT00000001", "NCT00000002"])
        assert (filled.count(), filled.get("NCT00000002")) == (3, None)

    def test_rebuild_replaces_the_whole_content(self, filled):
        filled.rebuild(documents()[3:])
        assert sorted(ids(filled.search(size=10))) == ["NCT00000004", "NCT00000005"]

    def test_text_search_ranks_the_trial_about_the_words_first(self, filled):
        assert ids(filled.search("breast cancer", size=3))[0] == "NCT00000004"

    def test_text_search_only_returns_documents_with_a_query_word(self, filled):
        assert ids(filled.search("cisplatin")) == ["NCT00000005"]

    def test_filter_on_nct_ids(self, filled):
        found = filled.search(filters={"field": "nct_id", "operator": "in", "value": ["NCT00000002", "NCT00000005"]})
        assert sorted(ids(found)) == ["NCT00000002", "NCT00000005"]

    def test_filter_on_status_ignores_case(self, filled):
        assert filled.count({"field": "overall_status", "operator": "==", "value": "recruiting"}) == 3

    def test_filter_on_a_list_field_matches_any_element(self, filled):
        assert sorted(ids(filled.search(filters={"field": "phases", "operator": "==", "value": "PHASE1"}))) == [
            "NCT00000003"]

    def test_filter_on_a_condition(self, filled):
        assert ids(filled.search(filters={"field": "conditions", "operator": "==", "value": "breast cancer"})) == [
            "NCT00000004"]

    def test_filter_on_a_drug_class(self, filled):
        assert filled.count({"field": "intervention_classes", "operator": "==", "value": "TRK inhibitor"}) == 3

    def test_biomarker_leaves_joined_by_and_hold_for_the_same_biomarker(self, filled):
        same = {"operator": "AND", "conditions": [
            {"field": "biomarkers.gene", "operator": "==", "value": "ALK"},
            {"field": "biomarkers.polarity", "operator": "==", "value": "required"}]}
        assert filled.count(same) == 0

    def test_a_gene_filter_finds_a_trial_naming_the_gene_for_one_cohort_only(self, filled):
        cohort = Biomarker(gene="KRAS", alteration="mutation", variant="G12C", criterion=0, span=(0, 4))
        only = IndexDocument(nct_id="NCT00000006", title="KRAS G12C cohort", facts=TrialCriteria(
            uncertain=[UncertainFact(reason="cohort", biomarker=cohort, criterion=0, span=(0, 4))]))
        filled.upsert([only])
        gene = {"field": "biomarkers.gene", "operator": "==", "value": "KRAS"}
        required = {"operator": "AND", "conditions": [
            gene, {"field": "biomarkers.polarity", "operator": "==", "value": "required"}]}
        assert (ids(filled.search(filters=gene)), filled.count(required)) == (["NCT00000006"], 0)

    def test_biomarker_gene_and_alteration_filter(self, filled):
        amp = {"operator": "AND", "conditions": [
            {"field": "biomarkers.gene", "operator": "==", "value": "NTRK2"},
            {"field": "biomarkers.alteration", "operator": "in", "value": ["amplification", "any"]}]}
        assert ids(filled.search(filters=amp)) == ["NCT00000001"]

    def test_not_in_excludes_matching_documents(self, filled):
        assert filled.count({"field": "overall_status", "operator": "not in", "value": ["RECRUITING"]}) == 2

    def test_or_and_not_groups(self, filled):
        tree = {"operator": "AND", "conditions": [
            {"operator": "OR", "conditions": [
                {"field": "genes", "operator": "==", "value": "NTRK1"},
                {"field": "genes", "operator": "==", "value": "ERBB2"}]},
            {"operator": "NOT", "conditions": [{"field": "overall_status", "operator": "==", "value": "COMPLETED"}]},
        ]}
        assert sorted(ids(filled.search(filters=tree))) == ["NCT00000001", "NCT00000002", "NCT00000004"]

    @pytest.mark.parametrize("bad", [
        {"field": "title", "operator": "==", "value": "x"},
        {"field": "nct_id", "operator": "~", "value": "x"},
        {"field": "nct_id", "operator": "in", "value": "NCT00000001"},
        {"operator": "XOR", "conditions": [{"field": "nct_id", "operator": "==", "value": "x"}]},
        {"operator": "AND", "conditions": []},
        {"operator": "OR", "conditions": [None, {"field": "nct_id", "operator": "==", "value": "x"}]},
        ["not", "a", "dict"],
    ])
    def test_a_malformed_filter_raises_filter_error(self, filled, bad):
        with pytest.raises(FilterError):
            filled.search(filters=bad)

    def test_facets_count_documents_per_value(self, filled):
        facets = filled.facets("conditions")
        assert (facets["Breast Cancer"], facets["Solid Tumor"]) == (1, 1)

    def test_facets_on_status(self, filled):
        assert filled.facets("overall_status") == {"RECRUITING": 3, "COMPLETED": 1, "TERMINATED": 1}

    def test_filter_on_a_disease_term_id(self, filled):
        assert sorted(ids(filled.search(filters={"field": "disease_ids", "operator": "==", "value": "TM:solid_tumor"}))
                      ) == ["NCT00000001", "NCT00000002"]

    def test_filter_on_whom_a_trial_enrols(self, filled):
        assert ids(filled.search(filters={"field": "enrols", "operator": "==", "value": "without_disease"})) == [
            "NCT00000005"]

    def test_facets_on_disease_terms_and_enrolment(self, filled):
        assert filled.facets("disease_terms") == {"solid tumour": 2, "breast cancer": 1,
                                                  "lung non-small cell carcinoma": 1}
        assert filled.facets("enrols") == {"patients": 4, "without_disease": 1}

    def test_facets_on_an_unknown_field_raise_filter_error(self, filled):
        with pytest.raises(FilterError):
            filled.facets("eligibility_text")

    def test_retrieval_finds_a_basket_trial_through_its_gene_alone(self, filled):
        hits = filled.retrieve(Retrieval(text="colorectal adenocarcinoma", genes=["NTRK1"]))
        assert "NCT00000002" in ids(hits)

    def test_retrieval_ranks_the_exact_alteration_above_the_gene_alone(self, filled):
        hits = filled.retrieve(Retrieval(genes=["NTRK1"], gene_alterations=[("NTRK1", "amplification")]))
        assert ids(hits)[0] == "NCT00000001"

    def test_retrieval_applies_the_status_filter(self, filled):
        hits = filled.retrieve(Retrieval(genes=["NTRK1"], statuses=["RECRUITING"]))
        assert sorted(ids(hits)) == ["NCT00000001", "NCT00000002"]

    def test_retrieval_drops_trials_outside_the_age_window(self, filled):
        hits = filled.retrieve(Retrieval(genes=["NTRK1"], age=15))
        assert sorted(ids(hits)) == ["NCT00000002", "NCT00000003"]

    def test_an_inverted_age_window_is_stored_and_prefilters_nobody_out(self, filled):
        odd = documents()[4].model_copy(update={"nct_id": "NCT00000006", "facts": TrialCriteria(
            age=AgeWindow(min_years=20, max_years=18))})
        filled.upsert([odd])
        assert "NCT00000006" in ids(filled.retrieve(Retrieval(text="lung cancer", age=50)))

    @pytest.mark.parametrize(("age", "kept"), [(18.0, True), (17.96, False), (75.0, True), (75.02, False)])
    def test_an_age_at_the_edge_of_a_window_in_years_is_judged_exactly(self, filled, age, kept):
        """18 to 75 years: both edges belong to the window; 15 days before or a week after do not."""
        assert ("NCT00000005" in ids(filled.retrieve(Retrieval(text="lung cancer", age=age)))) is kept
        assert age_verdict(documents()[4], age) == ("met" if kept else "not_met")

    @pytest.mark.parametrize(("age", "kept"), [(0.49, False), (0.5, True), (1.5, True), (1.51, False)])
    def test_an_age_at_the_edge_of_a_window_in_months_is_judged_exactly(self, filled, age, kept):
        """6 to 18 months (registry "6 Months", "18 Months"): a few days outside is outside."""
        infants = documents()[4].model_copy(update={"nct_id": "NCT00000007", "facts": TrialCriteria(
            age=AgeWindow(min_years=0.5, max_years=1.5))})
        filled.upsert([infants])
        assert ("NCT00000007" in ids(filled.retrieve(Retrieval(text="lung cancer", age=age)))) is kept
        assert age_verdict(infants, age) == ("met" if kept else "not_met")

    def test_retrieval_keeps_trials_without_an_age_limit_for_any_age(self, filled):
        assert "NCT00000002" in ids(filled.retrieve(Retrieval(genes=["NTRK1"], age=90)))

    def test_retrieval_drops_trials_for_the_other_sex(self, filled):
        assert "NCT00000004" not in ids(filled.retrieve(Retrieval(text="breast cancer", sex="MALE")))

    def test_retrieval_keeps_only_trials_with_a_site_near_the_patient(self, filled):
        near_houston = Location(lat=29.76, lon=-95.36, radius_km=200)
        hits = filled.retrieve(Retrieval(genes=["NTRK1"], location=near_houston))
        assert ids(hits) == ["NCT00000001"]

    def test_retrieval_keeps_trials_without_a_site_location_when_asked(self, filled):
        near_houston = Location(lat=29.76, lon=-95.36, radius_km=200, include_unlocated=True)
        hits = filled.retrieve(Retrieval(genes=["NTRK1"], location=near_houston))
        assert sorted(ids(hits)) == ["NCT00000001", "NCT00000002"]

    def test_a_point_in_the_ocean_finds_no_trial(self, filled):
        pacific = Location(lat=0.0, lon=-150.0, radius_km=100)
        assert filled.retrieve(Retrieval(genes=["NTRK1"], location=pacific)) == []

    def test_retrieval_with_a_continental_radius_keeps_distant_sites(self, filled):
        anywhere = Location(lat=29.76, lon=-95.36, radius_km=5000)
        assert "NCT00000003" in ids(filled.retrieve(Retrieval(genes=["NTRK1"], location=anywhere)))

    def test_retrieval_never_returns_excluded_ids(self, filled):
        hits = filled.retrieve(Retrieval(genes=["NTRK1"], exclude=["NCT00000001"]))
        assert "NCT00000001" not in ids(hits)

    def test_retrieval_prefers_the_given_statuses(self, filled):
        hits = filled.retrieve(Retrieval(genes=["NTRK1"], prefer_statuses=["RECRUITING"]))
        assert ids(hits)[-1] == "NCT00000003"

    def test_a_status_preference_every_admitted_trial_has_adds_the_same_to_every_score(self, filled):
        admitted = Retrieval(genes=["NTRK1"], text="solid tumour", statuses=["RECRUITING"])
        preferred = admitted.model_copy(update={"prefer_statuses": ["RECRUITING", "NOT_YET_RECRUITING"]})
        plain, boosted = filled.retrieve(admitted), filled.retrieve(preferred)
        assert ids(boosted) == ids(plain) == ["NCT00000001", "NCT00000002"]
        assert [h.score for h in boosted] == pytest.approx([h.score + 1.0 for h in plain])

    @pytest.mark.parametrize(("title", "text"), [
        ("Immunothérapie du cancer du poumon", "immunothérapie"), ("肺癌化疗研究", "肺癌化疗研究"),
    ])
    def test_retrieval_finds_a_trial_by_a_word_outside_plain_ascii(self, filled, title, text):
        filled.upsert([IndexDocument(nct_id="NCT00000009", title=title, overall_status="RECRUITING")])
        assert ids(filled.retrieve(Retrieval(text=text, statuses=["RECRUITING"]))) == ["NCT00000009"]

    def test_retrieval_boosts_shared_drugs(self, filled):
        assert ids(filled.retrieve(Retrieval(drugs=["entrectinib"]))) == ["NCT00000002"]

    def test_retrieval_without_any_signal_returns_nothing(self, filled):
        assert filled.retrieve(Retrieval(statuses=["RECRUITING"])) == []

    @pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
    def test_hostile_text_is_searched_as_plain_words(self, filled, query):
        assert filled.search(query, size=10) == []

    @pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
    def test_hostile_text_in_retrieval_is_plain_words(self, filled, query):
        assert filled.retrieve(Retrieval(text=query)) == []

    def test_a_real_word_among_query_syntax_still_finds_its_trial(self, filled):
        assert ids(filled.search('cisplatin" OR 1=1 *:* {"match_all": {}} \\')) == ["NCT00000005"]

    def test_hostile_filter_values_are_plain_values(self, filled):
        assert filled.count({"field": "nct_id", "operator": "==", "value": '*" OR 1=1 \\'}) == 0


SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NTRK_DIR = SHARED / "ctgov" / "ntrk"
STUDIES_DIR = SHARED / "ctgov" / "api-v2" / "studies"


@cache
def indexed_corpus(root: Path) -> Settings:
    """A data directory under `root` holding the NTRK trials plus the API v2 studies, ingested and indexed.

    Built once per process and root (the modules that need it share one), through the real pipeline:
    `ingest.loaders.iter_source` -> `RawStore` -> `workflows.indexing.index_pending` (nlp extraction)."""
    settings = Settings.load(data_dir=root / "corpus", backend="embedded")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with RawStore(settings.store_path) as store:
        for directory in (NTRK_DIR, STUDIES_DIR):
            for loaded in iter_source(directory):
                store.upsert(loaded.study, loaded.source)
    report = index_pending(settings)
    assert report.failed == 0, report.failures
    return settings
