"""Sites a tumour of the central nervous system is stated at, on both sides: a note's "anaplastic astrocytoma of the
spine" against a trial for "supratentorial malignant primary glioma" is not the trial's disease; a site stated on
one side only changes nothing."""

from __future__ import annotations

import pytest

from nlp.diseases import map_condition
from nlp.models import Criterion, TrialCriteria
from nlp.sites import contradict, qualifier_sites
from nlp.trial_diseases import trial_diseases
from search.diagnosis import diagnosis_verdict, understand
from search.fields import match_view
from search.models import IndexDocument
from search.notes import note_profile

NOTE = ("45-year-old man with anaplastic astrocytoma of the spine complicated by severe lower extremity "
        "weakness. The tumor is unresectable, s/p radiation and temozolomide.")


def trial(*inclusion: str, conditions=("Brain and Central Nervous System Tumors",),
          title="Temozolomide in Treating Patients With Recurrent Malignant Glioma") -> IndexDocument:
    """A legacy PDQ-style record: the disease facts read as indexing reads them, criteria padded by ones of no fact."""
    texts = ["DISEASE CHARACTERISTICS:", *inclusion, "PATIENT CHARACTERISTICS:", "Hepatic: Bilirubin normal"]
    criteria, end = [], 0
    for text in texts:
        criteria.append(Criterion(section="inclusion", text=text, span=(end, end + len(text))))
        end += len(text) + 1
    study = {"protocolSection": {"identificationModule": {"briefTitle": title},
                                 "conditionsModule": {"conditions": list(conditions)}}}
    return IndexDocument(nct_id="NCT00000009", title=title, conditions=list(conditions),
                         facts=TrialCriteria(criteria=criteria, diseases=trial_diseases(study, criteria)))


def sites_of(text: str) -> list[list[str]]:
    return [sorted(qualifier_sites(text, m.start, m.end)) for m in map_condition(text)]


@pytest.mark.parametrize(("text", "sites"), [
    ("Histologically proven supratentorial malignant primary glioma", [["supratentorial"]]),
    ("anaplastic astrocytoma of the spine", [["spinal cord"]]),
    ("glioblastoma of the right frontal lobe", [["supratentorial"]]),
    ("spinal or brain glioma", [["brain", "spinal cord"]]),
    ("patients with brain metastases or glioma", [[]]),
])
def test_a_site_qualifies_the_disease_it_is_written_with(text, sites):
    assert sites_of(text)[-1:] == sites


def test_sites_contradict_when_neither_lies_within_the_other():
    assert contradict({"spinal cord"}, [{"supratentorial"}])
    assert contradict({"spinal cord"}, [{"brain"}])
    assert not contradict({"brainstem"}, [{"brain"}])
    assert not contradict({"spinal cord"}, [{"brain", "spinal cord"}])
    assert not contradict({"spinal cord"}, [{"brain", "central nervous system"}])  # a list covers its broadest site
    assert not contradict(set(), [{"brain"}])


def test_the_narrowest_statement_of_a_trial_decides():
    assert contradict({"spinal cord"}, [{"brain", "central nervous system"}, {"supratentorial"}])


def test_a_note_keeps_the_site_of_its_tumour():
    assert note_profile(NOTE)[0].conditions[0] == "anaplastic astrocytoma of the spine"
    assert note_profile("Spinal anaplastic astrocytoma, s/p radiation.")[0].conditions == [
        "spinal anaplastic astrocytoma"]


def test_a_site_is_read_only_for_tumours_of_the_central_nervous_system():
    assert note_profile("She has a history of spinal stenosis and hypertension.")[0].conditions[0] \
        in ("history of spinal stenosis", "spinal stenosis")
    assert understand(["medullary thyroid carcinoma"])[0].sites == frozenset()


def test_indexing_reads_the_sites_a_trial_names_its_disease_at():
    doc = trial("Histologically confirmed supratentorial malignant primary glioma", "Anaplastic astrocytoma")
    assert [(s.name, s.sites, s.source, s.text, s.criterion) for s in doc.facts.diseases.sites] == [
        ("brain cancer", ["brain"], "condition", "Brain", None),
        ("central nervous system cancer", ["brain", "central nervous system"], "condition",
         "Brain and Central Nervous System Tumors", None),
        ("glioma", ["supratentorial"], "sentence", "supratentorial malignant primary glioma", 1)]


@pytest.mark.parametrize("slim", [False, True])
def test_a_spinal_tumour_is_not_the_disease_of_a_trial_for_supratentorial_glioma(slim):
    doc = trial("Histologically confirmed supratentorial malignant primary glioma", "Anaplastic astrocytoma")
    found = diagnosis_verdict(match_view(doc) if slim else doc, understand(["anaplastic astrocytoma of the spine"]))
    assert found.status == "not_met"
    assert found.criterion == "Histologically confirmed supratentorial malignant primary glioma"
    assert found.explanation == ("trial is for glioma of the supratentorial site; the patient's anaplastic "
                                 "astrocytoma of the spine is of the spinal cord site")


def test_a_site_stated_on_one_side_only_changes_nothing():
    supratentorial = trial("Histologically confirmed supratentorial malignant primary glioma")
    assert diagnosis_verdict(supratentorial, understand(["anaplastic astrocytoma"])).status == "met"
    unsited = trial("Histologically proven recurrent malignant glioma")
    assert diagnosis_verdict(unsited, understand(["anaplastic astrocytoma of the spine"])).status == "met"


def test_sites_that_agree_keep_the_trial():
    both = trial("Brain or spinal cord glioma, recurrent after radiotherapy")
    assert diagnosis_verdict(both, understand(["anaplastic astrocytoma of the spine"])).status == "met"
    brain = trial("Recurrent malignant glioma of the brain")
    assert diagnosis_verdict(brain, understand(["glioblastoma of the right frontal lobe"])).status == "met"


def test_a_site_that_ends_a_list_of_kinds_qualifies_the_last_kind_only():
    doc = trial("Eligible tumor types: Glioblastoma multiforme; Anaplastic astrocytoma; Anaplastic oligodendroglioma; "
                "supratentorial low grade astrocytomas")
    assert diagnosis_verdict(doc, understand(["anaplastic astrocytoma of the spine"])).status == "met"
    heading = trial("Histologically confirmed supratentorial malignant primary glioma Glioblastoma multiforme "
                    "Gliosarcoma Anaplastic astrocytoma")
    assert diagnosis_verdict(heading, understand(["anaplastic astrocytoma of the spine"])).status == "not_met"


def test_a_site_the_trial_turns_away_is_no_site_it_names():
    doc = trial("Histologically confirmed glioma", "No supratentorial glioma", "Any glioma except brainstem glioma")
    assert [s.text for s in doc.facts.diseases.sites if s.source == "sentence"] == []
    assert diagnosis_verdict(doc, understand(["anaplastic astrocytoma of the spine"])).status == "met"
