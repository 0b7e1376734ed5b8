"""Prior therapies a trial requires or excludes, by drug or drug class."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.loaders import iter_source
from nlp.extract import extract_study, extract_text
from search.documents import build_document
from search.patient import parse_patient
from search.verdicts import evaluate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def therapies(section: str, line: str) -> set[tuple[str, str]]:
    other = "Exclusion" if section == "Inclusion" else "Inclusion"
    text = f"{section} Criteria:\n- {line}\n{other} Criteria:\n- Pregnancy"
    return {(t.drug_or_class, t.polarity) for t in extract_text(text).prior_therapies}


def test_selitrectinib_trial_requires_a_prior_trk_inhibitor():
    record = json.loads((SHARED / "ctgov" / "ntrk" / "NCT03215511.json").read_text())
    found = {(t.drug_or_class, t.polarity) for t in extract_study(record).prior_therapies}
    assert ("trk inhibitor", "required") in found
    assert ("selitrectinib", "excluded") in found


def test_a_generation_of_a_class_is_its_own_class():
    assert therapies("Exclusion", "Prior exposure to second generation TRK inhibitor (e.g. selitrectinib)") == {
        ("second-generation trk inhibitor", "excluded"),
        ("selitrectinib", "excluded"),
    }


def test_model_trial_excludes_progression_on_a_trk_inhibitor():
    record = json.loads((SHARED / "ctgov" / "ntrk" / "NCT04879121.json").read_text())
    found = {(t.drug_or_class, t.polarity) for t in extract_study(record).prior_therapies}
    assert found == {("trk inhibitor", "excluded")}


def test_generic_class_aimed_at_a_gene_is_that_genes_class():
    assert therapies("Exclusion", "Prior treatment with tyrosine kinase inhibitors targeting ALK") == {
        ("alk inhibitor", "excluded")
    }


def test_progression_on_a_prior_class_in_inclusion_is_required():
    assert therapies("Inclusion", "Must have progressed on a prior TRK inhibitor") == {("trk inhibitor", "required")}


def test_prior_class_in_exclusion_is_excluded():
    assert therapies("Exclusion", "Prior treatment with a TRK inhibitor") == {("trk inhibitor", "excluded")}


def test_no_prior_drug_in_inclusion_is_excluded():
    assert therapies("Inclusion", "No prior treatment with larotrectinib or entrectinib") == {
        ("larotrectinib", "excluded"),
        ("entrectinib", "excluded"),
    }


def test_naive_to_a_class_is_excluded():
    assert therapies("Inclusion", "ROS1 TKI-naive NSCLC") == {("ros1 inhibitor", "excluded")}


def test_brand_and_code_names_become_the_drug_name():
    assert therapies("Exclusion", "Previous treatment with Vitrakvi or LOXO-195") == {
        ("larotrectinib", "excluded"),
        ("selitrectinib", "excluded"),
    }


def test_anti_pd1_wording_is_the_pd1_inhibitor_class():
    assert therapies("Exclusion", "Prior immunotherapy including anti-PD-1 or anti-PD-L1 agents") == {
        ("immunotherapy", "excluded"),
        ("pd-1 inhibitor", "excluded"),
        ("pd-l1 inhibitor", "excluded"),
    }


@pytest.mark.parametrize(
    ("section", "line"),
    [
        ("Exclusion", "Known hypersensitivity to paclitaxel"),
        ("Exclusion", "Chemotherapy within 4 weeks prior to first dose of paclitaxel"),
        ("Inclusion", "Prior tamoxifen for chemoprevention is allowed"),
        ("Exclusion", "Currently receiving trastuzumab"),
        ("Exclusion", "History of tyrosine kinase inhibitor-induced pneumonitis"),
        ("Inclusion", "Candidate for treatment with docetaxel"),
        ("Inclusion", "More than 4 weeks since prior lapatinib"),
    ],
)
def test_drugs_not_spoken_of_as_prior_treatment_give_no_fact(section, line):
    assert therapies(section, line) == set()


def test_allowance_in_parentheses_only_covers_its_own_drug():
    assert therapies("Exclusion", "Previous treatment with a BRAF inhibitor (sorafenib allowed) or MEK inhibitor") == {
        ("braf inhibitor", "excluded"),
        ("mek inhibitor", "excluded"),
    }


def test_excepted_drug_gives_no_fact():
    assert therapies("Exclusion", "Previous VEGFR inhibitors (other than bevacizumab) or docetaxel") == {
        ("vegfr inhibitor", "excluded"),
        ("docetaxel", "excluded"),
    }


def test_prohibition_phrased_as_not_allowed_is_excluded():
    assert therapies("Inclusion", "No previous treatment with selitrectinib is allowed") == {
        ("selitrectinib", "excluded")
    }


def test_targets_listed_before_a_class_give_one_rule_per_class():
    assert therapies("Exclusion", "Prior treatment with EGFR, BRAF or ALK inhibitors") == {
        ("egfr inhibitor", "excluded"),
        ("braf inhibitor", "excluded"),
        ("alk inhibitor", "excluded"),
    }


def test_a_drug_listed_before_a_class_is_not_a_class():
    assert therapies("Exclusion", "Prior chemotherapy or ALK inhibitors") == {
        ("chemotherapy", "excluded"),
        ("alk inhibitor", "excluded"),
    }


def test_startrk2_excludes_each_of_the_three_classes_it_lists():
    record = json.loads((SHARED / "ctgov" / "ntrk" / "NCT02568267.json").read_text())
    found = {(t.drug_or_class, t.polarity) for t in extract_study(record).prior_therapies}
    assert {("trk inhibitor", "excluded"), ("ros1 inhibitor", "excluded"), ("alk inhibitor", "excluded")} <= found


@pytest.mark.parametrize("line", [
    "Subjects who received adjuvant FOLFOX and recurred at least 6 months later are eligible",
    "Platelets >= 75,000 for patients who received cycle 1 of mFOLFOX6 before registration",
])
def test_a_regimen_named_in_a_criterion_gives_no_rule_but_its_drug_does(line):
    assert therapies("Inclusion", line) == set()
    assert therapies("Inclusion", "Progression after prior oxaliplatin") == {("oxaliplatin", "required")}


@pytest.mark.parametrize("line", [
    "Have failed or have not tolerated oxaliplatin",
    "Patients who have not tolerated prior oxaliplatin",
    "Must have progressed on, or not been able to tolerate, oxaliplatin",
])
def test_a_drug_the_patient_did_not_tolerate_was_given(line):
    assert therapies("Inclusion", line) == {("oxaliplatin", "required")}


def rules_and_cohort_only(text: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    facts = extract_text(text)
    cohort = {(u.therapy.drug_or_class, u.therapy.polarity) for u in facts.uncertain if u.therapy and
              u.reason == "cohort"}
    return {(t.drug_or_class, t.polarity) for t in facts.prior_therapies}, cohort


def test_rules_under_a_subgroup_header_hold_for_that_subgroup_only():
    text = (
        "Inclusion Criteria:\n\n* Age 18 or older\n* Prior treatment with a platinum-based regimen\n\n"
        "For patients after progression on an ALK inhibitor:\n\n  * Prior treatment with crizotinib\n\n"
        "Exclusion Criteria:\n\n* Pregnancy"
    )
    assert rules_and_cohort_only(text) == (
        {("platinum", "required")}, {("alk inhibitor", "required"), ("crizotinib", "required")}
    )


def test_a_header_naming_the_whole_population_is_no_subgroup():
    text = "Inclusion Criteria:\n\n* Age 18 or older\n\nFor all participants:\n\n* Prior treatment with crizotinib"
    assert rules_and_cohort_only(text) == ({("crizotinib", "required")}, set())


def test_an_indented_subgroup_ends_where_the_list_returns_to_its_level():
    text = (
        "Inclusion Criteria:\n\n* Part 2:\n\n  * Prior treatment with sotorasib\n\n"
        "* Prior treatment with a platinum-based regimen"
    )
    assert rules_and_cohort_only(text) == ({("platinum", "required")}, {("sotorasib", "required")})


def test_a_closed_subgroups_rules_are_dropped_and_the_one_left_open_holds_for_all():
    text = (
        "Inclusion Criteria:\n\n* Phase 1 (closed):\n\n  * No prior treatment with a TRK inhibitor\n\n"
        "* Phase 2:\n\n  * Progression on a prior TRK inhibitor"
    )
    assert rules_and_cohort_only(text) == ({("trk inhibitor", "required")}, set())


def test_a_drug_the_inclusion_criteria_both_require_and_exclude_is_cohort_only():
    text = (
        "Inclusion Criteria:\n\n* Expansion A: ROS1-positive NSCLC, ROS1 TKI-naive\n"
        "* Expansion B: ROS1-positive NSCLC after one prior ROS1 TKI\n* Prior platinum-based chemotherapy"
    )
    assert rules_and_cohort_only(text) == (
        {("platinum", "required")}, {("ros1 inhibitor", "excluded"), ("ros1 inhibitor", "required")}
    )


def test_a_long_subgroup_header_naming_all_of_its_criteria_is_still_a_subgroup():
    text = (
        "Inclusion Criteria:\n\n* Prior platinum-based chemotherapy\n\n"
        "For Cohort 2 of this study, eligible patients must meet all of the following criteria:\n\n"
        "* Prior treatment with trastuzumab\n"
    )
    assert rules_and_cohort_only(text) == ({("platinum", "required")}, {("trastuzumab", "required")})


def test_a_header_for_all_phases_is_no_subgroup():
    text = "Inclusion Criteria:\n\n* Age 18 or older\n\nAll phases:\n\n* Prior treatment with crizotinib"
    assert rules_and_cohort_only(text) == ({("crizotinib", "required")}, set())


def test_a_flat_subgroup_after_an_indented_one_governs_its_whole_list():
    text = (
        "Inclusion Criteria:\n\n* Part 1:\n\n  * Prior treatment with sotorasib\n\n"
        "* Prior platinum-based chemotherapy\n\n"
        "For Part 2:\n\n* Prior treatment with crizotinib\n* Prior treatment with docetaxel\n"
    )
    assert rules_and_cohort_only(text) == (
        {("platinum", "required")},
        {("sotorasib", "required"), ("crizotinib", "required"), ("docetaxel", "required")},
    )


@pytest.mark.parametrize(("section", "line", "expected"), [
    ("Inclusion", "No prior chemotherapy", {("chemotherapy", "excluded")}),
    ("Inclusion", "Chemotherapy-naive patients", {("chemotherapy", "excluded")}),
    ("Inclusion", "Insulin-naive adults", {("insulin", "excluded")}),
    ("Exclusion", "Prior radiotherapy or immunotherapy", {("radiotherapy", "excluded"), ("immunotherapy", "excluded")}),
    ("Inclusion", "At least one prior chemotherapy regimen", {("chemotherapy", "required")}),
])
def test_a_broad_therapy_class_gives_a_rule(section, line, expected):
    assert therapies(section, line) == expected


@pytest.mark.parametrize("line", [
    "Prior radiotherapy to the pelvis",
    "Prior chemotherapy or radiotherapy for metastatic disease",
    "More than 2 prior chemotherapy regimens",
    "Received systemic corticosteroids in the last 3 months",
    "History of radiation pneumonitis",
    "History of insulin resistance",
    "History of neurologic disorders unrelated to chemotherapy",
    "Any chest lesion treated with radiation must have progressed",
    "Prior radiation must have been completed at least 28 days before entry",
    "Radiotherapy: see Disease Characteristics",
])
def test_a_broad_class_with_a_scope_or_a_count_gives_no_rule(line):
    assert therapies("Exclusion", line) == set()


@pytest.mark.parametrize(("line", "expected"), [
    ("Patient recently diagnosed with symptomatic Multiple Myeloma who has not received any previous chemotherapy "
     "treatment for Multiple Myeloma.", {("chemotherapy", "excluded")}),
    ("No prior chemotherapy for this malignancy", {("chemotherapy", "excluded")}),
    ("No prior radiotherapy for the disease", {("radiotherapy", "excluded")}),
    ("B-cell chronic lymphocytic leukemia with no prior chemotherapy treatment for CLL",
     {("chemotherapy", "excluded")}),
])
def test_a_broad_class_for_the_disease_itself_is_no_scope(line, expected):
    """ "for this malignancy", or "for multiple myeloma" where the criterion requires multiple myeloma: every patient
    the criterion admits has that disease, so the class is excluded for all of them, as with no scope at all."""
    assert therapies("Inclusion", line) == expected


@pytest.mark.parametrize("text", [
    "Inclusion Criteria:\n- Previously untreated B-cell non-Hodgkin's lymphoma\nExclusion Criteria:\n- Pregnancy",
    "Inclusion Criteria:\n- Diagnosis of B-cell chronic lymphocytic leukemia (CLL) requiring therapy and meeting the "
    "following criteria:\n  - Previously untreated disease\n  - Persistent lymphocytosis\nExclusion Criteria:\n- "
    "Pregnancy",
])
def test_a_previously_untreated_cancer_excludes_prior_chemotherapy(text):
    """ "Previously untreated" cancer: whatever else it rules out, a patient who had chemotherapy for it is not
    eligible; a patient whose therapies name none stays unknown (chemotherapy is a broad class)."""
    assert {(t.drug_or_class, t.polarity) for t in extract_text(text).prior_therapies} == {
        ("chemotherapy", "excluded")}


@pytest.mark.parametrize(("section", "line"), [
    ("Inclusion", "Patients must be previously untreated for advanced disease"),
    ("Inclusion", "Pathologically proven previously untreated or systemically treated poor prognosis melanoma"),
    ("Inclusion", "Previously untreated pulmonary tuberculosis"),
    ("Inclusion", "Previously untreated with docetaxel and pemetrexed (phase II part)"),
    ("Exclusion", "Previously untreated nasopharyngeal cancer"),
    ("Inclusion", "Previously untreated disease or progressive disease after first-line chemotherapy"),
    ("Inclusion", "Previously untreated stage IV disease OR residual disease or regionally recurrent disease after "
                  "prior surgery and/or chemotherapy"),
    ("Inclusion", "Age 20 to 74 years; 60 years or older for patients with previously untreated AML"),
    ("Inclusion", "Patients with previously untreated AML who refuse induction chemotherapy allowed"),
    ("Inclusion", "Waldenstrom's macroglobulinemia requiring therapy who have received no more than 2 prior courses "
                  "of therapy; previously untreated patients with slowly progressive WM"),
    ("Inclusion", "Patients can be entered after initial induction therapy, if prior to the induction regimen they "
                  "were previously untreated stage III or IV head and neck cancer"),
    ("Inclusion", "Life expectancy: Expected 2 year survival less than 10% in previously untreated patients with "
                  "advanced oral cancer"),
])
def test_previously_untreated_scoped_offered_with_an_alternative_or_not_a_cancer_gives_no_chemotherapy_rule(
        section, line):
    assert ("chemotherapy", "excluded") not in therapies(section, line)


@pytest.mark.parametrize("text", [
    "Inclusion Criteria:\n- Histologically confirmed progressive multiple myeloma, meeting 1 of the following "
    "criteria:\n  - Previously untreated\n  - Primary refractory\n  - Relapsing disease\nExclusion Criteria:\n- "
    "Pregnancy",
    "Inclusion Criteria:\n- Head and neck squamous cell carcinoma\n- Previously untreated stage IV disease, or,\n- "
    "Residual disease after surgery and/or chemotherapy\nExclusion Criteria:\n- Pregnancy",
])
def test_previously_untreated_as_one_of_alternatives_gives_no_chemotherapy_rule(text):
    assert ("chemotherapy", "excluded") not in {
        (t.drug_or_class, t.polarity) for t in extract_text(text).prior_therapies}


@pytest.mark.parametrize("text", [
    "Inclusion Criteria:\n- Newly diagnosed, previously untreated acute myeloid leukemia\nExclusion Criteria:\n- No "
    "prior anthracycline for any prior malignancy",
    "Inclusion Criteria:\n- Previously untreated acute myeloid leukemia, therapy-related AML allowed\n"
    "Exclusion Criteria:\n- Pregnancy",
    "Inclusion Criteria:\n- Previously untreated myelodysplastic syndrome or secondary leukemia\nExclusion "
    "Criteria:\n- Pregnancy",
])
def test_previously_untreated_in_a_trial_taking_chemotherapy_given_for_another_cancer_gives_no_chemotherapy_rule(
        text):
    """The trial speaks of treatment given for another cancer (limits on it, therapy-related or secondary disease):
    a patient's chemotherapy may have been for that cancer, so "previously untreated" rules none out."""
    assert ("chemotherapy", "excluded") not in {
        (t.drug_or_class, t.polarity) for t in extract_text(text).prior_therapies}


def test_a_class_for_a_disease_an_exclusion_names_is_that_diseases_treatment():
    assert therapies("Exclusion", "Participant has active clinically significant GVHD or is on treatment with systemic "
                                  "corticosteroids for GVHD.") == set()


@pytest.mark.parametrize("line", [
    "No prior chemotherapy for metastatic breast cancer",
    "No prior chemotherapy for other malignancies",
    "No prior chemotherapy for breast cancer in the adjuvant setting",
    "No prior chemotherapy for advanced disease",
    "No prior chemotherapy for RCC",
    "No prior chemotherapy for glioblastoma multiforme",
])
def test_a_broad_class_for_a_stage_setting_or_other_disease_keeps_its_scope(line):
    """A disease the criterion does not require itself may be one of several the trial enrols ("No prior chemotherapy
    for RCC" in a trial of kidney, prostate and lung cancers): it holds for the patients with that disease only."""
    assert therapies("Inclusion", line) == set()


@pytest.mark.parametrize("line", [
    "No prior high dose (pre transplant) chemotherapy",
    "No prior intensive (myeloablative) radiotherapy",
])
def test_a_broad_class_after_a_qualifier_in_parentheses_gives_no_rule(line):
    assert therapies("Inclusion", line) == set()


def test_a_drug_listed_with_a_parenthesis_does_not_narrow_the_class_after_it():
    assert therapies("Exclusion", "History of chemotherapy (including adjuvant) or radiotherapy") == {
        ("chemotherapy", "excluded"), ("radiotherapy", "excluded")}



@pytest.mark.parametrize("line", [
    "Measurable lesions outside the field of any prior radiation therapy",
    "Measurable disease outside of areas of prior radiation",
    "Evaluable disease that has not been in the port of prior radiotherapy",
    "Lesions in a previously irradiated field count as nontarget unless progression is shown at least 90 days after"
    " completion of radiotherapy",
])
def test_radiation_named_as_the_place_of_a_lesion_gives_no_rule(line):
    assert therapies("Inclusion", line) == set()


@pytest.mark.parametrize("line", [
    "No prior radiotherapy (except palliative irradiation of bone)",
    "No prior chemotherapy or immunotherapy (other than interferon)",
])
def test_a_broad_class_with_an_exception_in_parentheses_gives_no_rule(line):
    assert therapies("Inclusion", line) == set()


def in_use(section: str, line: str) -> set[str]:
    other = "Exclusion" if section == "Inclusion" else "Inclusion"
    text = f"{section} Criteria:\n- {line}\n{other} Criteria:\n- Pregnancy"
    return {t.drug_or_class for t in extract_text(text).current_therapies}


@pytest.mark.parametrize("section, line, found", [
    ("Inclusion", "No concurrent warfarin", {"warfarin"}),
    ("Inclusion", "No use of systemic corticosteroids within the past month", {"corticosteroid"}),
    ("Inclusion", "At least 4 weeks since prior chemotherapy", {"chemotherapy"}),
    ("Exclusion", "Treatment with heparin or warfarin within 2 weeks before entry", {"heparin", "warfarin"}),
    ("Exclusion", "Currently receiving insulin", {"insulin"}),
])
def test_concurrent_use_or_a_washout_window_forbids_taking_the_drug_now(section, line, found):
    assert in_use(section, line) == found


@pytest.mark.parametrize("section, line", [
    ("Exclusion", "Prior treatment with warfarin or heparin"),
    ("Inclusion", "Progression on a prior platinum-based chemotherapy"),
])
def test_a_criterion_without_a_use_cue_forbids_no_drug_now(section, line):
    assert in_use(section, line) == set()


@pytest.mark.parametrize("section, line", [
    ("Inclusion", "Concurrent corticosteroids allowed"),
    ("Inclusion", "Must be on a stable dose of corticosteroids"),
    ("Inclusion", "No concurrent corticosteroids (e.g., dexamethasone) as antiemetics"),
    ("Inclusion", "No concurrent radiotherapy to the pelvis"),
    ("Inclusion", "No concurrent warfarin unless the INR is monitored weekly"),
    ("Inclusion", "More than 5 years since prior chemotherapy for another cancer"),
    ("Exclusion", "Treatment with warfarin within 2 weeks before entry, if the INR is above 2"),
    ("Inclusion", "Must have received insulin within the past year"),
])
def test_an_allowed_scoped_conditional_or_required_use_forbids_nothing(section, line):
    assert in_use(section, line) == set()


@pytest.mark.parametrize("section, line", [
    ("Inclusion", "At least 1 week since prior steroids OR stable steroid dose for at least 1 week"),
    ("Inclusion", "Less than 3 months since the last dose of chemotherapy"),
    ("Inclusion", "No concurrent spinal radiotherapy"),
    ("Inclusion", "At least 6 months since prior radiotherapy with an overlap volume of at least 45 Gy"),
])
def test_an_alternative_a_recent_use_required_or_a_qualified_class_forbids_nothing(section, line):
    assert in_use(section, line) == set()


def test_less_than_a_washout_since_the_drug_in_the_exclusion_criteria_forbids_it():
    assert in_use("Exclusion", "Less than 4 weeks since prior chemotherapy") == {"chemotherapy"}


@pytest.mark.parametrize("line", [
    "No concurrent corticosteroid therapy greater than 10 mg/day of prednisone equivalent",
    "No concurrent corticosteroids used as anticancer therapy",
])
def test_a_dose_or_a_purpose_limits_the_use_a_criterion_forbids(line):
    assert in_use("Inclusion", line) == set()


def test_a_current_cue_speaks_of_the_words_near_it():
    assert in_use("Exclusion", "Concurrent or past diagnosis of cancer or history of radiation therapy") == set()


@pytest.mark.parametrize("section, line, found", [
    ("Exclusion", "Current antidepressant therapy", {"antidepressant"}),
    ("Exclusion", "Antiviral therapy within the last 6 months", {"antiviral"}),
    ("Inclusion", "At least 1 month since prior octreotide", {"octreotide"}),
])
def test_antidepressants_antivirals_and_somatostatin_analogues_are_drugs_a_trial_names(section, line, found):
    assert in_use(section, line) == found


def test_a_somatostatin_analogue_is_a_class_of_prior_therapy():
    assert therapies("Exclusion", "Patients previously treated with a somatostatin analogue") == {
        ("somatostatin analogue", "excluded")}


@pytest.mark.parametrize("line", [
    "Chronic hepatitis B or C requiring treatment with antiviral therapy",
    "Suicidal thoughts severe enough to require treatment with antidepressant medication",
])
def test_a_therapy_a_condition_requires_is_no_prior_therapy_rule(line):
    assert therapies("Exclusion", line) == set()


def test_a_therapy_however_allowed_gives_no_rule():
    assert therapies("Exclusion", "Previous treatment with octreotide is however allowed") == set()


@pytest.mark.parametrize("line", [
    "Change in psychotropic medications less than 1 month before entry (e.g., concomitant antidepressants)",
    "Patients taking concomitant antidepressant medication known to have anticholinergic effects",
])
def test_an_example_of_something_else_or_a_qualified_drug_forbids_nothing(line):
    assert in_use("Exclusion", line) == set()


def either_only(text: str) -> set[tuple[str, str]]:
    return {(u.therapy.drug_or_class, u.therapy.polarity) for u in extract_text(text).uncertain
            if u.therapy and u.reason == "either"}


@pytest.mark.parametrize("line", [
    "Prior chemotherapy or prior radiotherapy is required",
    "Must have had prior chemotherapy OR prior radiotherapy",
    "Prior chemotherapy and/or prior radiotherapy",
])
def test_a_broad_class_listed_before_a_repeated_prior_cue_is_one_of_the_alternatives(line):
    assert therapies("Inclusion", line) == {("chemotherapy", "required"), ("radiotherapy", "required")}


def test_no_prior_class_repeated_before_each_of_a_list_excludes_each():
    assert therapies("Inclusion", "No prior chemotherapy or prior radiotherapy") == {
        ("chemotherapy", "excluded"), ("radiotherapy", "excluded")
    }


@pytest.mark.parametrize("line", [
    "At least one prior endocrine regimen OR prior radiotherapy",
    "Prior surgery or prior treatment with docetaxel",
])
def test_a_required_therapy_offered_as_the_alternative_of_one_not_named_is_either_or(line):
    text = f"Inclusion Criteria:\n- {line}\nExclusion Criteria:\n- Pregnancy"
    assert {(t.drug_or_class, t.polarity) for t in extract_text(text).prior_therapies} == set()
    assert len(either_only(text)) == 1


@pytest.mark.parametrize("line", [
    "Refractory to or intolerant of imatinib",
    "Prior treatment with paclitaxel or docetaxel",
])
def test_a_cue_or_a_drug_before_the_or_is_no_unnamed_alternative(line):
    text = f"Inclusion Criteria:\n- {line}\nExclusion Criteria:\n- Pregnancy"
    assert either_only(text) == set()
    assert extract_text(text).prior_therapies


def test_a_patient_who_had_one_alternative_is_never_told_not_met_by_the_other():
    text = (
        "Inclusion Criteria:\n- Prior treatment with paclitaxel or prior treatment with docetaxel\n"
        "- Prior surgery or prior treatment with gemcitabine\nExclusion Criteria:\n- Pregnancy"
    )
    doc = build_document({"protocolSection": {"identificationModule": {"nctId": "NCT00000000"}}}, extract_text(text))
    who = parse_patient({"conditions": ["pancreatic cancer"], "prior_therapies": [{"name": "docetaxel"}]})
    statuses = [v.status for v in evaluate(doc, who).criteria if v.kind == "prior_therapy"]
    assert sorted(statuses) == ["met", "unknown", "unknown"]


@pytest.mark.parametrize("line, drug", [
    ("Prior high-dose melphalan", "melphalan"),
    ("Prior alemtuzumab (Campath)", "alemtuzumab"),
    ("Prior fludarabine-based therapy", "fludarabine"),
])
def test_prior_drugs_of_haematology_trials_are_read(line, drug):
    assert (drug, "excluded") in therapies("Exclusion", line)


@pytest.mark.parametrize("line, drug", [
    ("Current use of levodopa", "levodopa"),
    ("Current treatment with glatiramer acetate", "glatiramer"),
    ("Receipt of human growth hormone within 6 months", "somatropin"),
])
def test_current_drugs_of_neurology_and_endocrine_trials_are_read(line, drug):
    text = f"Exclusion Criteria:\n- {line}\nInclusion Criteria:\n- Pregnancy"
    assert [t.drug_or_class for t in extract_text(text).current_therapies] == [drug]


def test_a_hormone_deficiency_is_not_the_hormone_as_a_drug():
    text = "Inclusion Criteria:\n- Growth hormone deficiency\nExclusion Criteria:\n- Pregnancy"
    found = extract_text(text)
    assert not found.current_therapies and not found.prior_therapies


def conditional_only(text: str) -> set[tuple[str, str]]:
    return {(u.therapy.drug_or_class, u.therapy.polarity) for u in extract_text(text).uncertain
            if u.therapy and u.reason == "conditional"}


@pytest.mark.parametrize("line, drug", [
    ("Exposure to levodopa or dopamine agonists of 14 days or less", "levodopa"),
    ("Treated with prednisone and cyclophosphamide for less than 3 weeks", "cyclophosphamide"),
    ("Prior treatment with imatinib for no more than 4 weeks", "imatinib"),
    ("Previous exposure to tamoxifen for up to 2 months", "tamoxifen"),
])
def test_a_capped_exposure_is_no_requirement_but_excludes_a_longer_one_conditionally(line, drug):
    text = f"Inclusion Criteria:\n- {line}\nExclusion Criteria:\n- Pregnancy"
    assert not [t for t in extract_text(text).prior_therapies if t.drug_or_class == drug]
    assert (drug, "excluded") in conditional_only(text)


@pytest.mark.parametrize("line, drug", [
    ("Prior treatment with imatinib for at least 4 weeks", "imatinib"),
    ("Prior treatment with gefitinib for 6 months or longer", "gefitinib"),
    ("Platinum-resistant (treatment-free interval after prior cisplatin of less than 6 months)", "cisplatin"),
])
def test_a_minimum_exposure_or_an_interval_after_the_drug_keeps_the_requirement(line, drug):
    assert (drug, "required") in therapies("Inclusion", line)


def test_a_capped_exposure_leaves_a_patient_on_the_drug_unknown():
    text = ("Inclusion Criteria:\n- Early Parkinson's disease\n- Exposure to levodopa of 14 days or less\n"
            "Exclusion Criteria:\n- Pregnancy")
    doc = build_document({"protocolSection": {"identificationModule": {"nctId": "NCT00000000"}}}, extract_text(text))
    who = parse_patient({"conditions": ["Parkinson disease"], "prior_therapies": [{"name": "levodopa",
                                                                                     "current": True}]})
    statuses = {v.status for v in evaluate(doc, who).criteria if v.kind == "prior_therapy"}
    assert statuses == {"unknown"}



def test_a_response_duration_after_a_drug_is_no_capped_exposure():
    text = ("Inclusion Criteria:\n- History of resistance to lenalidomide or response duration of <1 year\n"
            "Exclusion Criteria:\n- Pregnancy")
    assert conditional_only(text) == set()


def current_of(text: str) -> list[str]:
    return [t.drug_or_class for t in extract_text(text).current_therapies]


def test_drugs_listed_under_a_washout_header_must_not_be_taken_now():
    text = ("Inclusion Criteria:\n- Asthma for more than 1 year\n"
            "- Washout: not using any of the medications listed below for the specified times before Day 0:\n"
            "- Inhaled corticosteroids for 4 weeks;\n- Azelastine (Astelin) nasal spray for 6 days;\n"
            "- Salmeterol (Serevent) for 9 days; and\n- Diazepam for 6 days.\n"
            "- FEV1 50-80% of predicted\n- Prior treatment with imatinib\nExclusion Criteria:\n- Pregnancy")
    assert current_of(text) == ["inhaled corticosteroid", "salmeterol", "diazepam"]


@pytest.mark.parametrize("header", [
    "Patients must have received the following medications:",
    "Prior therapy with one of the following:",
    "The following medications are allowed:",
])
def test_drugs_listed_under_a_header_that_forbids_nothing_are_not_current_use(header):
    text = (f"Inclusion Criteria:\n- {header}\n- Salmeterol for 9 days\n- Diazepam for 6 days\n"
            "Exclusion Criteria:\n- Pregnancy")
    assert current_of(text) == []


def test_a_washout_list_item_with_an_exception_or_a_qualified_class_is_not_read():
    text = ("Inclusion Criteria:\n- The following medications are prohibited:\n"
            "- Oral corticosteroids for 4 weeks, except as antiemetics\n- Salmeterol for 9 days\n"
            "Exclusion Criteria:\n- Pregnancy")
    assert current_of(text) == ["salmeterol"]


def test_a_drug_the_criterion_does_not_include_is_no_rule():
    found = therapies("Inclusion", "Receiving 1 or 2 background antiepileptic drugs (not including benzodiazepines)")
    assert ("benzodiazepine", "excluded") not in found
    assert ("anticonvulsant", "required") in found


@pytest.mark.parametrize("section, header", [
    ("Exclusion", "Patients who have received the following drugs within 14 days prior to randomization:"),
    ("Inclusion", "Must not have received the following drugs within 14 days prior to randomization:"),
    ("Inclusion", "At least 1 month since any of the following medications:"),
    ("Exclusion", "Concurrent use of the following medications:"),
])
def test_drugs_listed_under_a_window_or_current_use_header_that_excludes_them_must_not_be_taken_now(section, header):
    other = "Exclusion" if section == "Inclusion" else "Inclusion"
    text = f"{section} Criteria:\n- {header}\n- Salmeterol\n- Diazepam\n{other} Criteria:\n- Pregnancy"
    assert current_of(text) == ["salmeterol", "diazepam"]


@pytest.mark.parametrize("section, header", [
    ("Inclusion", "Patients who have received the following drugs within 14 days prior to randomization:"),
    ("Inclusion", "Concurrent use of the following medications:"),
])
def test_a_window_or_current_use_header_that_requires_the_drugs_forbids_nothing(section, header):
    text = f"{section} Criteria:\n- {header}\n- Salmeterol\n- Diazepam\nExclusion Criteria:\n- Pregnancy"
    assert current_of(text) == []


@pytest.mark.parametrize("item", [
    "Any injectable antihyperglycemic agent that is not insulin",
    "High-dose (> 1 g/m^2) methotrexate",
])
def test_a_washout_list_item_that_negates_or_doses_its_drug_forbids_nothing(item):
    text = (f"Exclusion Criteria:\n- Use of the following medications within 4 weeks before screening:\n- {item}\n"
            "Inclusion Criteria:\n- Pregnancy")
    assert current_of(text) == []


@pytest.mark.parametrize(
    "line",
    [
        # ../shared/ctgov/legacy-xml NCT00008125, NCT00002461: the rest of a list, or a dose, between the drug and the
        # allowance
        "Prior cisplatin, carboplatin, docetaxel, paclitaxel, or gemcitabine allowed",
        "Prior doxorubicin or daunorubicin dose of 450 mg/m2 or more allowed if LVEF at least 50%",
    ],
)
def test_every_drug_of_an_allowed_list_gives_no_rule(line):
    assert therapies("Inclusion", line) == set()


def test_an_allowance_far_after_a_capped_exposure_leaves_the_cap_uncertain():
    # ../shared/ctgov/legacy-xml NCT00004125: more than a list or a dose lies between the drug and "allowed"
    text = ("Inclusion Criteria:\n- Breast cancer\n- Prior tamoxifen of no more than 4 weeks duration for breast "
            "cancer allowed\nExclusion Criteria:\n- Pregnancy")
    found = extract_text(text)
    assert not found.prior_therapies
    assert [(u.reason, u.therapy.drug_or_class) for u in found.uncertain if u.therapy] == [("conditional", "tamoxifen")]


def test_a_long_list_that_is_not_allowed_stays_excluded():
    assert therapies("Inclusion", "No prior cisplatin, carboplatin, docetaxel, paclitaxel, or gemcitabine allowed") == {
        ("cisplatin", "excluded"), ("carboplatin", "excluded"), ("docetaxel", "excluded"), ("paclitaxel", "excluded"),
        ("gemcitabine", "excluded"),
    }


def test_a_drug_named_again_in_the_condition_of_an_allowance_gives_no_rule():
    assert therapies("Inclusion", "Prior adjuvant fluorouracil allowed if relapse occurred at least 6 months after "
                                  "completion of fluorouracil") == set()


def test_a_colorectal_trial_allowing_prior_adjuvant_fluorouracil_does_not_require_it():
    study = next(item.study for item in iter_source(SHARED / "ctgov" / "legacy-xml" / "NCT00006103.xml"))
    found = {(t.drug_or_class, t.polarity) for t in extract_study(study).prior_therapies}
    assert ("irinotecan", "excluded") in found
    assert ("fluorouracil", "required") not in found
