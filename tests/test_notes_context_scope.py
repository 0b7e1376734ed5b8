"""How far a note's negation, family-history and possibility cues reach: through the lists they open, not past
the clause that says otherwise ("but", "however"). Notes written for these tests, in the wording of clinic notes
(the family-history one in the wording of TREC CT 2021 topic 62)."""

from __future__ import annotations

import pytest

from nlp.notes import NoteError, read_note


def conditions(note: str) -> list[str]:
    try:
        return read_note(note).profile.get("conditions", [])
    except NoteError:
        return []


@pytest.mark.parametrize("note", [
    "He has no known risk factors such as smoking, obesity, high blood pressure or diabetes mellitus.",
    "She denies fever, chills, night sweats, weight loss, chest pain, shortness of breath, headache, or migraine.",
    "No history of hypertension, hyperlipidemia, coronary artery disease, atrial fibrillation, heart failure, "
    "stroke, or asthma.",
    "No chronic illnesses including diabetes, hypertension, chronic kidney disease, heart failure, or asthma.",
    "No cardiovascular risk factors (e.g. smoking, obesity, hypertension, hyperlipidemia or diabetes).",
])
def test_a_negation_reaches_every_item_of_the_list_it_opens(note):
    assert conditions(note) == []


@pytest.mark.parametrize(("note", "asserted"), [
    ("No fever or chills, and the chest X-ray showed pneumonia.", "pneumonia"),
    ("No known drug allergies, and his past medical history is significant for hypertension.",
     "history of hypertension"),
    ("He denies chest pain or palpitations, but has had poorly controlled diabetes mellitus for years.",
     "diabetes mellitus"),
    ("Denies tobacco, alcohol or drug use, and has hypertension, diabetes, and asthma.", "asthma"),
])
def test_the_negated_list_ends_where_its_items_stop(note, asserted):
    assert asserted in conditions(note)


def test_a_plural_negation_after_a_list_reaches_back_over_its_items():
    assert conditions("Pneumonia, pulmonary embolism and myocardial infarction were ruled out.") == []
    assert conditions("Pneumonia was treated, and pulmonary embolism and myocardial infarction were ruled out.") \
        == ["pneumonia"]


@pytest.mark.parametrize(("note", "own"), [
    ("He has a family history of CAD, but he has hypertension.", ["hypertension"]),
    ("Family history of breast cancer, however she has asthma.", ["asthma"]),
    ("He has a family history of CAD, but no other cardiovascular risk factors such as smoking, high blood "
     "pressure, and diabetes mellitus and is physically active.", []),
    ("Family history of diabetes mellitus and hypertension.", []),
])
def test_a_family_history_reaches_to_the_end_of_its_sentence_or_a_but(note, own):
    assert conditions(note) == own


def test_a_possibility_reaches_every_item_of_its_clause():
    note = ("Lung adenocarcinoma. Screening for diabetes, hypertension, hyperlipidemia, obesity, or coronary artery "
            "disease.")
    assert conditions(note) == ["lung adenocarcinoma"]


def test_a_therapy_in_a_long_negated_list_is_not_a_prior_therapy():
    note = ("Lung adenocarcinoma. She has never been treated with carboplatin, paclitaxel, gemcitabine, docetaxel, "
            "pemetrexed or bevacizumab.")
    assert "prior_therapies" not in read_note(note).profile
