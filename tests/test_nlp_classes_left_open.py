"""Extraction classes earlier stops saw on real records and left open (issue 13): washout windows written after
the drug, procedures on a metastasis' site, limits in words, HER2 and PD-L1 spellings, drugs missing from the
vocabulary, subgroup headers of legacy texts and reactions to a drug. Sentences written in registry style."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import iter_source
from nlp.extract import extract_study, extract_text
from nlp.vocab import drug_classes
from ui.facts import fact_rows

CTGOV = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov"


def _facts(section: str, line: str):
    return extract_text(f"{section} Criteria:\n* {line}\n")


def _record(path: str):
    (loaded,) = iter_source(CTGOV / path)
    assert loaded.study is not None
    return extract_study(loaded.study)


@pytest.mark.parametrize(
    ("line", "drug"),
    [
        ("Patients who have received cetuximab =< 4 weeks prior to starting study drug", "cetuximab"),
        ("Prior gefitinib less than 2 weeks before enrollment", "gefitinib"),
        ("Treatment with imatinib 14 days or less prior to registration", "imatinib"),
        ("Less than 5 half-lives from prior crizotinib", "crizotinib"),
    ],
)
def test_a_washout_window_after_the_drug_excludes_recent_use_not_any_use(line, drug):
    found = _facts("Exclusion", line)
    assert drug not in {t.drug_or_class for t in found.prior_therapies}
    assert drug in {t.drug_or_class for t in found.current_therapies}


def test_examples_of_a_class_in_a_washout_window_are_no_lifetime_exclusion():
    found = _facts("Exclusion", "Patients who have received targeted therapy (e.g., sunitinib, sorafenib), except ALK "
                                "inhibitors, =< 2 weeks prior to starting study drug")
    assert not {"sunitinib", "sorafenib"} & {t.drug_or_class for t in found.prior_therapies}


def test_a_washout_window_in_an_inclusion_no_is_recent_use():
    found = _facts("Inclusion", "No prior paclitaxel less than 4 weeks before registration")
    assert not found.prior_therapies
    assert [t.drug_or_class for t in found.current_therapies] == ["paclitaxel"]


@pytest.mark.parametrize(
    "line",
    [
        "Prior gefitinib",
        "Prior gefitinib for more than 2 weeks, with progression",
        "Prior gefitinib; at least 4 weeks since any radiotherapy",
    ],
)
def test_a_drug_with_no_window_of_its_own_stays_a_lifetime_exclusion(line):
    found = _facts("Exclusion", line).prior_therapies
    assert ("gefitinib", "excluded") in {(t.drug_or_class, t.polarity) for t in found}


def test_a_window_that_ended_long_ago_is_no_current_use_either():
    found = _facts("Exclusion", "Last docetaxel or cabazitaxel dose > 6 weeks prior to enrollment")
    assert not found.prior_therapies and not found.current_therapies


@pytest.mark.parametrize(
    "line",
    [
        "Recurrence of tumor must be greater than six months from completion of primary chemotherapy",
        "Local recurrence diagnosed within 12 months from the completion of previous radiotherapy",
    ],
)
def test_an_interval_from_the_end_of_a_treatment_to_an_event_is_no_washout(line):
    assert not _facts("Inclusion", line).current_therapies


def test_a_permitted_use_in_a_window_is_no_current_use():
    found = _facts("Exclusion", "Treatment with a short course of steroids (< 5 days) up to 7 days prior to initiating "
                                "study drug is permitted")
    assert not found.current_therapies


def test_the_window_of_an_exception_is_not_the_drugs():
    found = _facts("Exclusion", "Received prior docetaxel treatment, except adjuvant docetaxel given > 1 year prior "
                                "to first dose of study drug")
    assert ("docetaxel", "excluded") in {(t.drug_or_class, t.polarity) for t in found.prior_therapies}


@pytest.mark.parametrize(
    ("section", "line", "drug"),
    [
        ("Exclusion", "Less than 4 weeks since prior chemotherapy (6 weeks for nitrosoureas or mitomycin C)",
         "mitomycin"),
        ("Inclusion", "At least 1 week since prior chemotherapy (2 weeks for liposomal cytarabine)", "cytarabine"),
        ("Inclusion", "Must have been off previous anticancer therapy for at least 3 weeks (6 weeks for BCNU and "
                      "mitomycin C)", "carmustine"),
    ],
)
def test_a_drug_a_washout_is_given_for_is_no_history_rule(section, line, drug):
    assert drug not in {t.drug_or_class for t in _facts(section, line).prior_therapies}


def test_a_window_on_a_required_drug_keeps_the_requirement():
    found = _facts("Inclusion", "Must have received trastuzumab less than 12 months before enrollment")
    assert ("trastuzumab", "required") in {(t.drug_or_class, t.polarity) for t in found.prior_therapies}


def test_a_real_records_washout_windows_exclude_no_drug_forever():
    found = _record("api-v2/studies/NCT02227940.json")  # "=< 2 weeks prior to", "less than 5 half-lives from prior"
    assert not [t.drug_or_class for t in found.prior_therapies if t.polarity == "excluded"]
    assert "alk inhibitor" in {t.drug_or_class for t in found.current_therapies}


@pytest.mark.parametrize(
    ("section", "line"),
    [
        ("Inclusion", "No prior surgery involving brain metastases or primary brain tumor(s)"),
        ("Exclusion", "Prior surgery involving brain metastases"),
        ("Inclusion", "No prior resection of brain metastases"),
        ("Exclusion", "Prior stereotactic radiosurgery to brain metastases"),
    ],
)
def test_a_procedure_on_brain_metastases_says_nothing_of_having_them(section, line):
    assert _facts(section, line).cns_metastases.allowed is None


@pytest.mark.parametrize(
    ("section", "line", "allowed"),
    [
        ("Exclusion", "Known brain metastases", "no"),
        ("Inclusion", "No brain metastases", "no"),
        ("Inclusion", "Supratentorial brain metastases for which surgery is recommended", "yes"),
        ("Inclusion", "Concurrent radiotherapy for brain metastases allowed", "yes"),
    ],
)
def test_brain_metastases_named_as_disease_still_decide(section, line, allowed):
    assert _facts(section, line).cns_metastases.allowed == allowed


def test_a_real_trial_for_brain_metastases_allows_them():
    assert _record("legacy-xml/NCT00003878.xml").cns_metastases.allowed == "yes"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("AST and ALT no greater than five times the upper limit of normal",
         {("ast", "<=", 5.0), ("alt", "<=", 5.0)}),
        ("Bilirubin less than two times the upper limit of normal", {("bilirubin", "<", 2.0)}),
        ("SGOT < three times ULN", {("ast", "<", 3.0)}),
        ("Alkaline phosphatase no more than twice the upper limit of normal", {("alkaline_phosphatase", "<=", 2.0)}),
        ("SGPT less than 2.5-fold the institutional upper limit of normal", {("alt", "<", 2.5)}),
    ],
)
def test_a_multiple_of_the_upper_limit_written_in_words_is_a_number(line, expected):
    labs = _facts("Inclusion", line).labs
    assert {(lab.analyte, lab.comparator, lab.value) for lab in labs} == expected
    assert all(lab.uln_multiple for lab in labs)


def test_a_number_word_without_a_multiple_of_the_limit_is_no_threshold():
    assert not _facts("Inclusion", "Platelets greater than three").labs


def _markers(section: str, line: str) -> set[tuple[str, str, str]]:
    return {(b.gene, b.alteration, b.polarity) for b in _facts(section, line).biomarkers}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Histologically confirmed breast cancer, HER positive (IHC 3+ or FISH+)", ("ERBB2", "required")),
        ("Triple negative breast cancer (ER < 10%, PR < 10%, Her2neu IHC 0 or 1 or FISH negative)",
         ("ERBB2", "excluded")),
        ("Her2neu positive metastatic breast cancer", ("ERBB2", "required")),
        ("HER negative breast cancer", ("ERBB2", "excluded")),
    ],
)
def test_her2_spellings_name_erbb2(line, expected):
    assert expected in {(gene, pol) for gene, _, pol in _markers("Inclusion", line)}


def test_the_pronoun_her_names_no_gene():
    assert not _markers("Inclusion", "Patient or her legal representative must sign informed consent")
    assert not _markers("Inclusion", "PATIENT OR HER GUARDIAN MUST SIGN CONSENT")


@pytest.mark.parametrize(
    "line",
    [
        "PD-L1 expression TC1-3 or IC1/2/3 by SP142 assay",
        "PD-L1 TC2/3 or IC2/3",
        "Tumour PD-L1 TC1/2/3 or IC1/2/3 by the SP142 assay",
        "Tumor PD-L1 expression of TC3 or IC3",
    ],
)
def test_pd_l1_expression_levels_require_pd_l1_expression(line):
    assert ("CD274", "expression", "required") in _markers("Inclusion", line)


@pytest.mark.parametrize(
    ("line", "drug"),
    [
        ("No prior mitoxantrone", "mitoxantrone"),
        ("No prior cytarabine (ara-C) for leukemia", "cytarabine"),
        ("No prior high-dose Ara-C", "cytarabine"),
        ("No prior carmustine (BCNU) or lomustine", "carmustine"),
        ("No prior bendamustine", "bendamustine"),
        ("No prior mitomycin C", "mitomycin"),
        ("No prior dacarbazine (DTIC)", "dacarbazine"),
        ("No prior bleomycin", "bleomycin"),
    ],
)
def test_common_cytotoxics_are_drugs(line, drug):
    assert (drug, "excluded") in {(t.drug_or_class, t.polarity) for t in _facts("Inclusion", line).prior_therapies}


@pytest.mark.parametrize(
    ("drug", "cls"),
    [("mitoxantrone", "chemotherapy"), ("cytarabine", "antimetabolite"), ("carmustine", "alkylating agent"),
     ("vinblastine", "vinca alkaloid")],
)
def test_common_cytotoxics_belong_to_their_classes(drug, cls):
    assert cls in drug_classes(drug)


@pytest.mark.parametrize(
    ("section", "line"),
    [
        ("Inclusion", "No prior history of severe reaction to trastuzumab"),
        ("Inclusion", "No history of severe infusion reaction to cetuximab"),
        ("Exclusion", "History of severe reactions to trastuzumab"),
        ("Exclusion", "Prior severe infusion-related reaction to rituximab"),
        ("Exclusion", "Known anaphylaxis to paclitaxel"),
    ],
)
def test_a_severe_reaction_to_a_drug_is_an_allergy_not_a_prior_therapy(section, line):
    assert not _facts(section, line).prior_therapies


def test_intolerance_to_a_drug_still_says_it_was_given():
    found = _facts("Inclusion", "Chronic myeloid leukemia resistant or intolerant to imatinib")
    assert ("imatinib", "required") in {(t.drug_or_class, t.polarity) for t in found.prior_therapies}


def _legacy(*blocks: tuple[str, list[str]]) -> str:
    return "INCLUSION CRITERIA:\n\n" + "".join(
        f"{header}\n\n" + "".join(f"{line}\n\n" for line in lines) for header, lines in blocks)


def test_a_header_naming_all_patients_above_headers_of_kinds_of_patients_governs_everyone():
    text = _legacy(("FOR PATIENTS:", ["18 years or older.", "Hemoglobin greater than 10 g/dl."]),
                   ("FOR HIV POSITIVE PATIENTS:", ["Documented HIV infection."]),
                   ("FOR HIV NEGATIVE PATIENTS:", ["Negative ELISA/Western blot."]))
    found = extract_text(text)
    assert [(lab.analyte, lab.value) for lab in found.labs] == [("hemoglobin", 10.0)]
    assert not found.uncertain


def test_a_header_naming_patients_beside_one_naming_volunteers_is_a_subgroup():
    text = _legacy(("FOR PATIENTS:", ["Hemoglobin greater than 10 g/dl."]),
                   ("FOR HEALTHY VOLUNTEERS:", ["No chronic illness."]))
    found = extract_text(text)
    assert not found.labs
    assert [u.lab.analyte for u in found.uncertain if u.lab is not None] == ["hemoglobin"]


def test_a_real_legacy_records_header_for_all_patients_governs_everyone():
    found = _record("legacy-xml/NCT00001651.xml")
    assert [lab.analyte for lab in found.labs] == ["hemoglobin"]


def test_the_trial_page_lists_an_uncertain_fact_named_thrice_in_one_criterion_once():
    found = extract_text("Inclusion Criteria:\n* Arms 1E, 2E and 3E: solid tumor that demonstrates ALK positivity; ALK "
                         "positivity can be assessed using the assays below, and documentation of ALK positivity is "
                         "required\n")
    assert len({u.span for u in found.uncertain}) == 3  # every mention's span kept
    rows = [r for r in fact_rows(found) if "uncertain" in r["kind"]]
    assert [(r["value"].split()[0], r["polarity"]) for r in rows] == [("ALK", "required")]
