"""Legacy PDQ text whose list items run together in one paragraph: each item is a criterion of its own, so a
negation, allowance or condition of one item never reaches the next, for every kind of fact."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text
from nlp.sections import split_criteria


def items(text: str) -> list[str]:
    return [text[start:end] for start, end, _ in split_criteria(text)]


def test_headers_labels_and_capitalised_item_starts_cut_a_run_together_paragraph():
    text = (
        "DISEASE CHARACTERISTICS: Adenocarcinoma of the breast No prior chemotherapy ER positive tumour\n"
        "        No known brain metastases PATIENT CHARACTERISTICS: Age: 18 and over Performance status: ECOG 0-1\n"
        "        Hematopoietic: WBC at least 3,000/mm3 Platelet count at least 100,000/mm3 Other: Not pregnant"
    )
    assert [" ".join(item.split()) for item in items(text)] == [
        "DISEASE CHARACTERISTICS:",
        "Adenocarcinoma of the breast",
        "No prior chemotherapy",
        "ER positive tumour",
        "No known brain metastases",
        "PATIENT CHARACTERISTICS:",
        "Age: 18 and over",
        "Performance status: ECOG 0-1",
        "Hematopoietic: WBC at least 3,000/mm3",
        "Platelet count at least 100,000/mm3",
        "Other: Not pregnant",
    ]


@pytest.mark.parametrize(
    ("paragraph", "kept"),
    [
        ("Cardiovascular: No New York Heart Association class III or IV heart disease",
         "Cardiovascular: No New York Heart Association class III or IV heart disease"),
        ("Biopsy proven Hodgkin's disease in first relapse", "Biopsy proven Hodgkin's disease in first relapse"),
        ("Diastolic blood pressure below 90 mm Hg", "Diastolic blood pressure below 90 mm Hg"),
        ("No prior therapy (see Disease Characteristics)", "No prior therapy (see Disease Characteristics)"),
        ("One of the following: Breast cancer Prostate cancer Colon cancer",
         "One of the following: Breast cancer Prostate cancer Colon cancer"),
        ("Stage IV disease OR Stage III disease No prior chemotherapy Measurable disease",
         "Stage IV disease OR Stage III disease No prior chemotherapy Measurable disease"),
        ("Must speak and read English", "Must speak and read English"),
        ("Bilirubin no greater than 1.5 times ULN OR Creatinine clearance at least 60 mL/min",
         "Bilirubin no greater than 1.5 times ULN OR Creatinine clearance at least 60 mL/min"),
    ],
)
def test_names_units_brackets_alternatives_and_listed_items_stay_in_their_item(paragraph: str, kept: str):
    assert items(f"PATIENT CHARACTERISTICS: Age: 18 and over {paragraph}")[-1] == kept


def test_only_a_word_opening_with_a_capital_letter_a_to_z_opens_an_item():
    text = "DISEASE CHARACTERISTICS: Breast cancer Östrogen receptor positive 3 lesions No prior chemotherapy ECOG 0-1"
    assert items(text) == [
        "DISEASE CHARACTERISTICS:", "Breast cancer Östrogen receptor positive 3 lesions", "No prior chemotherapy",
        "ECOG 0-1",
    ]


def test_an_alternative_ends_where_a_requirement_of_its_own_begins():
    text = (
        "DISEASE CHARACTERISTICS: Adenocarcinoma of the stomach Locally advanced OR Metastatic disease "
        "Must be HER2 positive (2+ or 3+) Prior gastrectomy allowed"
    )
    assert [" ".join(item.split()) for item in items(text)][-3:] == [
        "Locally advanced OR Metastatic disease",
        "Must be HER2 positive (2+ or 3+)",
        "Prior gastrectomy allowed",
    ]
    assert [(b.gene, b.polarity) for b in extract_text(text).biomarkers] == [("ERBB2", "required")]


def test_an_item_without_a_header_or_label_colon_is_not_cut_at_capitalised_words():
    text = "DISEASE CHARACTERISTICS:\n- Breast cancer No prior chemotherapy (Not pregnant)\n- No HIV Age: 18 or over"
    assert items(text) == [
        "DISEASE CHARACTERISTICS:", "Breast cancer No prior chemotherapy (Not pregnant)", "No HIV", "Age: 18 or over",
    ]  # the second item's label, run into the words before it, cuts it


def test_text_without_pdq_headers_is_not_cut_at_capitalised_words():
    text = "Inclusion Criteria:\n- Adenocarcinoma of the breast No prior chemotherapy Age: 18 and over"
    assert items(text) == ["Adenocarcinoma of the breast No prior chemotherapy Age: 18 and over"]


def test_a_negation_does_not_reach_the_marker_of_the_next_item():
    facts = extract_text("DISEASE CHARACTERISTICS: Adenocarcinoma of the breast No prior chemotherapy ER positive")
    assert [(b.gene, b.polarity) for b in facts.biomarkers] == [("ESR1", "required")]
    assert [(t.drug_or_class, t.polarity) for t in facts.prior_therapies] == [("chemotherapy", "excluded")]


def test_a_negation_does_not_reach_past_a_closing_parenthesis_into_the_marker_item():
    facts = extract_text("DISEASE CHARACTERISTICS: Breast cancer No distant metastasis (M0) HER2 overexpression 3+")
    assert [(b.gene, b.polarity) for b in facts.biomarkers] == [("ERBB2", "required")]


def test_a_prior_therapy_under_its_run_in_label_is_read():
    text = "PRIOR CONCURRENT THERAPY: Chemotherapy: No prior chemotherapy Endocrine therapy: Not specified"
    facts = extract_text(text)
    assert [(t.drug_or_class, t.polarity) for t in facts.prior_therapies] == [("chemotherapy", "excluded")]


def test_an_allowance_of_one_item_does_not_make_a_prior_therapy_of_another_allowed():
    facts = extract_text(
        "PRIOR CONCURRENT THERAPY: Endocrine therapy: Prior tamoxifen allowed Radiotherapy: No prior radiotherapy"
    )
    assert [(t.drug_or_class, t.polarity) for t in facts.prior_therapies] == [("radiotherapy", "excluded")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DISEASE CHARACTERISTICS: Hepatocellular carcinoma No tense ascites Brain metastases allowed", "yes"),
        ("DISEASE CHARACTERISTICS: Solid tumour No CNS metastases Primary brain tumours allowed if on a stable dose "
         "of steroids", "no"),
    ],
)
def test_the_cns_rule_is_read_from_its_own_item(text: str, expected: str):
    assert extract_text(text).cns_metastases.allowed == expected


def test_the_age_item_is_read_when_other_items_run_into_it():
    text = "PATIENT CHARACTERISTICS: Age: At least 18 Sex (breast cancer): Female Performance status: ECOG 0-1"
    facts = extract_text(text)
    assert (facts.age.min_years, facts.age.max_years, facts.performance_status.ecog_max) == (18, None, 1)
