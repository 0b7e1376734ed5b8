"""A note's plan names therapies the patient has not had: "Plan: refer for NTRK inhibitor trial; discuss
larotrectinib" must not make larotrectinib a prior therapy (a trial excluding prior TRK inhibitors would then turn
away the very patient it is for)."""

from __future__ import annotations

import pytest

from nlp.notes import read_note

HISTORY = "58 year old woman with metastatic pancreatic adenocarcinoma. She received FOLFIRINOX with progression.\n"


def names(note: str) -> list[str]:
    return [t["name"] for t in read_note(note).profile.get("prior_therapies", [])]


@pytest.mark.parametrize("plan", [
    "Plan: refer for NTRK inhibitor trial; discuss larotrectinib.",
    "PLAN: Discuss larotrectinib at tumour board, then entrectinib if not tolerated.",
    "Assessment and plan: referral for a trial of larotrectinib.",
    "Recommendations: we discussed larotrectinib with the patient and her husband.",
    "We will refer her for larotrectinib.",
])
def test_therapies_a_plan_names_are_not_prior_therapies(plan):
    assert names(HISTORY + plan) == ["folfirinox"]


def test_a_therapy_the_patient_had_stays_prior_beside_a_plan():
    assert names(HISTORY + "She then received larotrectinib with progression.\nPlan: refer for a clinical trial.") == [
        "folfirinox", "larotrectinib"]
