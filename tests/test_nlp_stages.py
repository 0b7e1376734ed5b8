"""Cancer stage: trial limits ("Stage IIIB or IV NSCLC"), the patient's stage (profile, diagnosis, note), verdicts."""

from __future__ import annotations

import json

import pytest

from nlp.extract import extract_study, extract_text
from nlp.models import TrialCriteria
from nlp.notes import read_note
from search.models import IndexDocument
from search.patient import PatientError, parse_patient
from search.verdicts import evaluate


def limits(section: str, line: str) -> list[tuple[str | None, str, str]]:
    text = f"{section} Criteria:\n- {line}"
    return [(s.system, s.words, s.polarity) for s in extract_text(text).stages]


@pytest.mark.parametrize(("section", "line", "expected"), [
    ("Inclusion", "Stage IIIB or IV non-small cell lung cancer", [(None, "IIIB to IV", "required")]),
    ("Inclusion", "FIGO stage III-IV epithelial ovarian cancer", [("figo", "III to IV", "required")]),
    ("Inclusion", "AJCC stage II or III cutaneous melanoma", [("ajcc", "II to III", "required")]),
    ("Inclusion", "No stage IV disease", [(None, "IV", "excluded")]),
    ("Exclusion", "Stage IV disease", [(None, "IV", "excluded")]),
    ("Inclusion", "Stage II, III or IV breast cancer", [(None, "II to IV", "required")]),
    ("Inclusion", "Stage III or higher colorectal cancer", [(None, "III or higher", "required")]),
    ("Inclusion", ">= stage IIB cervical cancer", [(None, "IIB or higher", "required")]),
    ("Inclusion", "Stages I through IIIA non-small cell lung cancer", [(None, "I to IIIA", "required")]),
    ("Inclusion", "Stage 3 or 4 head and neck cancer", [(None, "III to IV", "required")]),
    ("Inclusion", "Histologically or cytologically confirmed stage IVB cervical cancer",
     [(None, "IVB", "required")]),  # "histologically or cytologically" offers no alternative
    ("Inclusion", "Melanoma, stage IV (AJCC 8th edition)", [("ajcc", "IV", "required")]),  # the system named after
    ("Inclusion", "Rai stage III-IV chronic lymphocytic leukaemia", [("rai", "III to IV", "required")]),
    ("Inclusion", "Ann Arbor stage IIB-IV Hodgkin lymphoma", [("ann_arbor", "II to IV", "required")]),  # B: symptoms
    ("Inclusion", "Stage IIIB/IV Hodgkin lymphoma", [(None, "III to IV", "required")]),  # lymphoma: Ann Arbor
    ("Inclusion", "Up to stage IIIA breast cancer", [(None, "IIIA or lower", "required")]),
    ("Inclusion", "Endometrial cancer of less than stage III", [(None, "below III", "required")]),
    ("Inclusion", "FIGO IIIC or IV ovarian cancer", [("figo", "IIIC to IV", "required")]),  # the system, no "stage"
    ("Inclusion", "Stage IA1 to IB2 cervical cancer", [(None, "IA1 to IB2", "required")]),
    ("Inclusion", "Stage IIIB* or IV disease (*pleural effusion only)", [(None, "IIIB to IV", "required")]),
    ("Inclusion", "No clinical or radiological evidence of stage IV disease", [(None, "IV", "excluded")]),
])
def test_a_stage_limit_is_read_with_its_values_system_and_polarity(section, line, expected):
    assert limits(section, line) == expected


@pytest.mark.parametrize(("section", "line"), [
    ("Exclusion", "Prior malignancy, except stage I cancer treated curatively"),  # another cancer
    ("Exclusion", "History of other malignancy unless stage 0 or I and disease-free for 5 years"),
    ("Inclusion", "Chronic kidney disease stage 3 or 4"),  # a stage of another disease
    ("Exclusion", "Stage III or IV pressure ulcer"),
    ("Inclusion", "Liver fibrosis stage 2 or higher"),
    ("Exclusion", "Congestive heart failure, NYHA stage III or IV"),
    ("Inclusion", "Tumours T2 N1 or T3 N0"),  # T and N categories alone
    ("Inclusion", "Grade 3 glioma"),  # a grade, not a stage
    ("Inclusion", "Stage I or III rectal cancer"),  # a list with a gap
    ("Inclusion", "Stage 1 of the study enrols adults with solid tumours"),  # a stage of the study
    ("Inclusion", "If stage III, must have completed chemoradiation"),  # conditional
    ("Inclusion", "ISS stage IV multiple myeloma"),  # past the system's highest numeral
    ("Exclusion", "No stage IV disease"),  # a negation in an exclusion: which way is not certain
    ("Inclusion", "Mother or sister with stage II breast cancer"),  # a relative's cancer
    ("Inclusion", "No prior systemic treatment for advanced or recurrent (stage IIIB) or metastatic (stage IV) NSCLC"),
    ("Inclusion", "Central tumours with no direct invasion, T1N0M0 (stage IA), or T2N0M0 (stage IB)"),  # far negation
    ("Exclusion", "No metastatic or stage III T3 disease"),  # only some of stage III
    ("Exclusion", "Patients with a known EGFR mutation or ALK fusion gene and with stage IV disease"),  # one of two
    ("Exclusion", "No prior treatment for stage IV squamous NSCLC"),  # the setting of a therapy
    ("Inclusion", "Hormonal therapy for stage IV disease and/or as adjuvant therapy allowed"),
    ("Exclusion", "Greater than stage I cutaneous acute GVHD"),
    ("Inclusion", "Stage 2 endometrial and ovarian cancer patients must have a lesion amenable to biopsy"),
    ("Inclusion", "No resected disease or stage IV with no evaluable disease"),  # only some of stage IV
    ("Exclusion", "Very unfavourable clinical stage I-IIA disease defined as bulky adenopathy"),
    ("Exclusion", "Other stage IIB (T2 N1) breast cancer"),
    ("Inclusion", "Part 2 only: patients with a diagnosis of stage IIIB-IV melanoma"),
    ("Inclusion", "Subjects with stage IIIC or IV disease who have not had surgery must have planned surgery"),
    ("Exclusion", "Transfusion during Stage 1."),
    ("Inclusion", "Untreated stage I, II, or selected stage III squamous cell carcinoma of the larynx"),
    ("Inclusion", "Primary operable stage I (tumours at least 1 cm), stage II, and stage IIIA breast cancer"),
])
def test_a_stage_that_is_not_the_trials_cancers_or_not_certain_gives_no_fact(section, line):
    assert limits(section, line) == []


def test_a_stage_limit_of_one_subgroup_only_gives_no_fact():
    text = "Inclusion Criteria:\n- For Cohort B:\n  - Stage IV melanoma\n- Age 18 or older"
    assert extract_text(text).stages == []
    assert extract_text("Exclusion Criteria:\n- Stage 1:\n  - Prior transfusion").stages == []  # a header
    # the criteria of a subgroup are skipped wherever the stages lie: after one without any, in a later section
    text = ("Inclusion Criteria:\n- Age 18 or older\n- For Part 2:\n  - Stage IV melanoma\n"
            "Exclusion Criteria:\n- Stage IV disease")
    assert [(s.words, s.polarity, s.criterion) for s in extract_text(text).stages] == [("IV", "excluded", 3)]


def test_a_criterion_whose_stages_are_read_in_part_gives_none():
    text = ("Inclusion Criteria:\n- All stages are eligible with the exception of stage IA. Patients with stages IB "
            "through III are eligible if they failed one therapy. Patients with stage IV are eligible regardless.")
    assert extract_text(text).stages == []
    assert limits("Inclusion", "Surgical stage IA, IB, IIA (occult), or IIB (occult) disease") == []


@pytest.mark.parametrize(("lines", "expected"), [
    (["Stage II, III, or IV breast cancer; stage II patients must have four positive nodes",
      "All stage II and III patients must be newly diagnosed"], [(None, "II to IV", "required")]),
    (["Cohort 1: stage I-II disease", "Cohort 2: stage IV disease"], []),  # disjoint: each its own patients
    (["Breast cancer of clinical stage I to III; stage IV patients will be allowed in the feasibility part"], []),
    (["FIGO stage IB1 with a clinically visible lesion OR", "FIGO stage IB2 or greater"],
     [("figo", "IB1 or higher", "required")]),  # two items joined by "or": one limit
])
def test_a_required_stage_inside_or_beside_another_speaks_of_a_subgroup(lines, expected):
    text = "Inclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines)
    assert [(s.system, s.words, s.polarity) for s in extract_text(text).stages] == expected


def test_a_trial_about_no_cancer_has_no_stage_limit():
    def study(condition: str) -> dict:
        return {"protocolSection": {
            "identificationModule": {"nctId": "NCT00000000", "briefTitle": f"A study of {condition}"},
            "conditionsModule": {"conditions": [condition]},
            "eligibilityModule": {"eligibilityCriteria": f"Inclusion Criteria:\n- Stage I-III {condition}"}}}

    assert extract_study(study("hepatitis C")).stages == []
    assert [s.words for s in extract_study(study("breast cancer")).stages] == ["I to III"]


def test_an_alternative_the_stage_does_not_decide_is_kept():
    facts = extract_text("Inclusion Criteria:\n- Stage IIIB/IV or recurrent disease after surgery").stages
    assert [(s.words, s.alternative) for s in facts] == [("IIIB to IV", "recurrent disease after surgery")]
    facts = extract_text("Inclusion Criteria:\n- Stage III or IV (T3-4 or N2-3) head and neck cancer").stages
    assert [(s.words, s.alternative) for s in facts] == [("III to IV", None)]  # the parenthesis defines the stage
    facts = extract_text("Inclusion Criteria:\n- Stage IV solid tumours; or stage III solid tumours").stages
    assert [(s.words, s.alternative) for s in facts] == [("III to IV", None)]
    facts = extract_text("Inclusion Criteria:\n- Recurrent or stage IV endometrial cancer").stages
    assert [(s.words, s.alternative) for s in facts] == [("IV", "Recurrent")]


@pytest.mark.parametrize(("note", "stage", "system"), [
    ("A 62-year-old woman with stage IB lung adenocarcinoma.", "IB", None),
    ("Pathology: T2N1M0 stage IIB invasive ductal carcinoma.", "IIB", None),
    ("Serous ovarian carcinoma, FIGO IIIC.", "IIIC", "figo"),
    ("He has stage 4 colon cancer with liver metastases.", "IV", None),
    ("Her mother had stage II breast cancer. She has a melanoma.", None, None),  # a relative's
    ("CKD stage 3. Lung adenocarcinoma.", None, None),  # another disease's
    ("Stage IIIA lung adenocarcinoma in 2019, now stage IV.", None, None),  # two stages: which is current?
    ("Metastatic lung adenocarcinoma.", None, None),  # "metastatic" is not read as stage IV
    ("A 50-year-old woman with fungal esophagitis, stage IV.", None, None),  # no cancer named: not a cancer's stage
    ("Marginal zone lymphoma of the orbit. Fungal esophagitis stage IV.", None, None),  # the stage of another disease
    ("Marginal zone lymphoma of the orbit, stage IV?", None, None),  # in question
])
def test_a_note_gives_the_patients_stage(note, stage, system):
    profile = read_note(note).profile
    assert (profile.get("stage"), profile.get("stage_system")) == (stage, system)


@pytest.mark.parametrize(("data", "stage", "system"), [
    ({"conditions": ["lung cancer"], "stage": "3b"}, "IIIB", None),
    ({"conditions": ["lung cancer"], "stage": "Stage IV"}, "IV", None),
    ({"conditions": ["lung cancer"], "stage": 4}, "IV", None),
    ({"conditions": ["ovarian cancer"], "stage": "FIGO IIIC"}, "IIIC", "figo"),
    ({"conditions": ["ovarian cancer"], "stage": "IIIC", "stage_system": "figo"}, "IIIC", "figo"),
    ({"conditions": ["stage IV lung adenocarcinoma"]}, "IV", None),  # the diagnosis names it
    ({"conditions": ["lung adenocarcinoma"]}, None, None),
    ({"conditions": ["esophagitis stage 2"]}, None, None),  # not a cancer
])
def test_a_profile_gives_the_stage_as_a_field_or_in_its_diagnosis(data, stage, system):
    profile = parse_patient(data)
    assert (profile.stage, profile.stage_system) == (stage, system)


@pytest.mark.parametrize(("data", "message"), [
    ({"stage": "V"}, r"stage: expected a cancer stage, a numeral 0-IV .* got \"V\""),
    ({"stage": "advanced"}, "stage: expected a cancer stage"),
    ({"stage": ["IV"]}, "stage: expected a cancer stage"),
    ({"stage": "IIIB", "stage_system": "gleason"}, "stage_system: \"gleason\" is not a known staging system; use one"),
    ({"stage": "FIGO IIIC", "stage_system": "ajcc"}, "stage_system: ajcc differs from the system the stage names"),
])
def test_a_stage_that_is_not_one_is_refused_naming_the_field(data, message):
    with pytest.raises(PatientError, match=message):
        parse_patient({"conditions": ["lung cancer"], **data})


def _trial(section: str, line: str) -> IndexDocument:
    return IndexDocument(nct_id="NCT00000000", title="t", overall_status="COMPLETED",
                         facts=extract_text(f"{section} Criteria:\n- {line}"))


def _stage_verdicts(doc: IndexDocument, **patient: object) -> list[tuple[str, str]]:
    who = parse_patient({"conditions": ["non-small cell lung cancer"], **patient})
    return [(v.status, v.explanation) for v in evaluate(doc, who).criteria if v.kind == "stage"]


@pytest.mark.parametrize(("patient", "status", "said"), [
    ({"stage": "IB"}, "not_met", "trial enrols stage IIIB to IV; the patient's stage is IB"),
    ({"stage": "IVA"}, "met", "trial enrols stage IIIB to IV; the patient's stage is IVA"),
    ({"stage": "IIIC"}, "met", "the patient's stage is IIIC"),
    ({"stage": "III"}, "unknown", "does not say on which side of the limit it lies"),  # less precise than the limit
    ({}, "unknown", "trial enrols stage IIIB to IV; the patient's stage is not given"),
])
def test_the_stage_verdict_follows_the_patients_stage(patient, status, said):
    verdicts = _stage_verdicts(_trial("Inclusion", "Stage IIIB or IV non-small cell lung cancer"), **patient)
    assert [v[0] for v in verdicts] == [status]
    assert said in verdicts[0][1]


def test_an_excluded_stage_rules_out_only_a_patient_inside_it():
    doc = _trial("Exclusion", "Stage IV disease")
    assert [v[0] for v in _stage_verdicts(doc, stage="IIIA")] == ["met"]
    assert [v[0] for v in _stage_verdicts(doc, stage="IVB")] == ["not_met"]


def test_a_stage_outside_a_limit_with_an_alternative_is_unknown_not_not_met():
    doc = _trial("Inclusion", "Stage IIIB/IV or recurrent non-small cell lung cancer")
    assert [v[0] for v in _stage_verdicts(doc, stage="IB")] == ["unknown"]
    assert [v[0] for v in _stage_verdicts(doc, stage="IV")] == ["met"]


def test_a_stage_of_another_system_is_unknown():
    doc = _trial("Inclusion", "FIGO stage III-IV ovarian cancer")
    assert [v[0] for v in _stage_verdicts(doc, stage="II", stage_system="ajcc")] == ["unknown"]
    assert [v[0] for v in _stage_verdicts(doc, stage="II", stage_system="figo")] == ["not_met"]


def test_a_lymphoma_stage_is_compared_by_its_numeral():
    doc = _trial("Inclusion", "Ann Arbor stage IIB-IV Hodgkin lymphoma")
    assert [v[0] for v in _stage_verdicts(doc, stage="IIA")] == ["met"]  # A/B are symptoms, not substages
    assert [v[0] for v in _stage_verdicts(doc, stage="IB")] == ["not_met"]


def _real_record(shared_dir) -> tuple[dict, TrialCriteria]:
    study = json.loads((shared_dir / "ctgov" / "api-v2" / "studies" / "NCT00006046.json").read_text())
    return study, extract_study(study)


def test_a_real_record_enrols_stage_iv(shared_dir):
    _study, facts = _real_record(shared_dir)
    assert [(s.words, s.polarity) for s in facts.stages] == [("IV", "required")]
    assert [c.text for c in facts.criteria if "stage" in c.kinds] == [
        "Histologically proven stage IV colorectal carcinoma."]


def test_a_real_record_rules_out_an_earlier_stage(shared_dir):
    _study, facts = _real_record(shared_dir)
    doc = IndexDocument(nct_id=facts.nct_id or "", title="t", overall_status="COMPLETED", facts=facts)
    assert _stage_verdicts(doc, stage="IIB") == [("not_met", "trial enrols stage IV; the patient's stage is IIB")]


@pytest.mark.parametrize(("line", "expected"), [
    ("Resected colon cancer, stage IIB, IIIA or IIIB (T4 or N1)", "IIB to IIIB"),
    ("Stage IIA, IIB IIIA or IIIB (T3-4 N2) breast cancer", "IIA to IIIB"),
])
def test_a_list_of_stages_missing_a_comma_is_one_list(line, expected):
    assert [(s.words, s.alternative) for s in extract_text(f"Inclusion Criteria:\n- {line}").stages] \
        == [(expected, None)]


@pytest.mark.parametrize("line", [
    "No prior cancer unless it was treated over 3 years ago; e.g. thyroid cancer, or stage I-II solid tumours",
    "No other malignancy within 5 years; i.e. stage II or III tumours of any other organ",
    "Prior breast cancer is allowed if cured; stage I-IIA",  # "cured" speaks of a prior cancer
    "Stage I-III bladder cancer that was cured by cystectomy",
])
def test_a_stage_after_a_prior_cancer_clause_is_that_cancers(line):
    assert limits("Inclusion", line) == []


@pytest.mark.parametrize("line", [
    "Stage IIIB-IV gastric cancer; no prior malignancy",  # the clause comes after the stage
    "No prior malignancy within 5 years. Stage IIIB-IV gastric cancer",  # a full stop ends what it governs
    "Stage IIIB-IV gastric cancer that cannot be cured by surgery",  # the trial's cancer, not cured
])
def test_a_prior_cancer_clause_governs_only_the_clauses_it_opens(line):
    assert limits("Inclusion", line) == [(None, "IIIB to IV", "required")]


@pytest.mark.parametrize(("line", "alternative"), [
    ("Stage IV melanoma with a BRAF, NRAS or KIT mutation", None),  # an "or" between genes
    ("Squamous cell carcinoma or adenocarcinoma of the cervix, stage IB2 to IVA", None),  # between histologies
    ("Stage IV melanoma with a BRAF or NRAS mutation, or locally advanced disease", "locally advanced disease"),
    ("Stage IIIB or IV lung cancer, or metastatic disease after surgery", "metastatic disease after surgery"),
    ("Unresectable or stage IV melanoma", "Unresectable"),
    ("Stage III or IV serous ovarian cancer, or primary peritoneal cancer", None),  # a site, not a state
    ("Rai stage III/IV or Binet C chronic lymphocytic leukaemia", "Binet C chronic lymphocytic leukaemia"),
    ("Stage IIIA or T4 N0 lung cancer", "T4 N0 lung cancer"),
    ("Stage III ovarian cancer or colon cancer with peritoneal involvement",
     "colon cancer with peritoneal involvement"),
    ("High-risk myeloma with one of the following: ISS stage 2 or 3, abnormal cytogenetics",
     "one of the following"),
    ("Stage IIB (with risk factors such as a large mediastinal mass or extranodal disease), III, or IV", "IV"),
])
def test_only_an_or_offering_another_disease_state_is_an_alternative(line, alternative):
    assert [s.alternative for s in extract_text(f"Inclusion Criteria:\n- {line}").stages] == [alternative]


@pytest.mark.parametrize("text", [
    "Ann Arbor stage III", "ANN-ARBOR III", "per the revised  International Staging System", "FIGO IIIB",
    "r-iss 2", "Lugano", "tissue sample", "Rain or shine", "AJCCX", "xAJCC", "Durie and Salmon", "no system here",
    "ſtage", "Revised ISS ≥ 2",
])
def test_a_system_is_found_alike_in_lower_cased_ascii_text(text):
    from nlp.stages import _grammar, _names_a_system

    assert _names_a_system(text) == (_grammar().system_after.search(text) is not None)


def test_a_system_named_in_a_criterion_without_the_word_stage_is_read_beside_one_with_it():
    facts = extract_text("Inclusion Criteria:\n- FIGO IIIB-IVA cervical cancer\n- Staging CT within 4 weeks")
    assert [(s.words, s.system) for s in facts.stages] == [("IIIB to IVA", "figo")]


def _registry_trial(conditions: list[str], line: str) -> IndexDocument:
    return IndexDocument(nct_id="NCT00000000", title="t", overall_status="COMPLETED", conditions=conditions,
                         facts=extract_text(f"Inclusion Criteria:\n- {line}"))


@pytest.mark.parametrize(("conditions", "stage", "status"), [
    (["Precancerous Condition", "Stage 0 Cervical Cancer"], "IB", "not_met"),
    (["Precancerous Condition", "Stage 0 Cervical Cancer"], "0", "met"),
    (["Stage II Multiple Myeloma", "Stage III Multiple Myeloma"], "III", "met"),
    (["Stage II Multiple Myeloma", "Stage III Multiple Myeloma"], "I", "not_met"),
])
def test_the_stage_every_registry_condition_names_is_the_trials_limit_when_the_criteria_give_none(
        conditions, stage, status):
    doc = _registry_trial(conditions, "Histologically confirmed disease")
    cancer = conditions[-1].split(" ", 2)[-1]
    verdicts = _stage_verdicts(doc, stage=stage, conditions=[cancer])
    assert [v[0] for v in verdicts] == [status]
    assert "registry conditions" in verdicts[0][1]


@pytest.mark.parametrize(("conditions", "line"), [
    (["Stage IV Breast Cancer", "Recurrent Breast Cancer"], "Measurable disease"),  # a condition without a stage
    (["Stage IV Breast Cancer", "Breast Cancer"], "Measurable disease"),
    (["Stage I Breast Cancer", "Stage III Breast Cancer"], "Measurable disease"),  # a gap: not one range
    (["Stage IV Breast Cancer"], "Stage III or IV breast cancer"),  # the criteria's own limit decides
])
def test_registry_conditions_give_no_stage_limit_unless_each_names_one_and_the_criteria_none(conditions, line):
    verdicts = _stage_verdicts(_registry_trial(conditions, line), stage="IIIA", conditions=["breast cancer"])
    assert all("registry conditions" not in v[1] for v in verdicts)
    assert len(verdicts) == (1 if "Stage" in line else 0)


def test_registry_condition_stages_do_not_limit_a_patient_with_another_cancer():
    doc = _registry_trial(["Stage IV Melanoma"], "Histologically confirmed melanoma or other malignancies")
    assert _stage_verdicts(doc, stage="IIIA", conditions=["non-small cell lung cancer"]) == []
    assert [v[0] for v in _stage_verdicts(doc, stage="IIIA", conditions=["melanoma"])] == ["not_met"]


_SYSTEM_TEXTS = [
    "FIGO stage IIIB-IVA cervical cancer", "modified Ann Arbor stage III", "Durie-Salmon stage II or III myeloma",
    "per the revised  International Staging System", "r-iss 2", "Rai stage III/IV", "AJCC/UICC 8th edition",
    "tissue sample", "Rain or shine", "ajccx", "xajcc", "no system here", "Salmon\n    Durie stage I",
    "Masaoka-Koga stage II thymoma", "riss", "International Federation of Gynecology and Obstetrics",
]


@pytest.mark.parametrize("text", _SYSTEM_TEXTS)
def test_system_names_grouped_by_first_letter_match_as_the_plain_alternation(text):
    import re

    from nlp.resources import phrase_regex, phrase_regex_by_first_letter, read_vocab

    names = [n.lower() for row in read_vocab("cancer_stages.jsonl") for n in row["names"]]
    plain = re.compile(rf"(?<!\w)(?:{phrase_regex(names)})")
    grouped = re.compile(rf"(?<!\w)(?:{phrase_regex_by_first_letter(names)})")
    for found, expected in zip(grouped.finditer(text.lower()), plain.finditer(text.lower()), strict=True):
        assert found.span() == expected.span()


def test_phrases_are_grouped_behind_their_first_letter_longest_first():
    from nlp.resources import phrase_regex_by_first_letter

    assert phrase_regex_by_first_letter(["figo", "ann arbor", "ajcc", "ajcc tnm"]) == \
        r"a(?:nn\s*arbor|jcc\s*tnm|jcc)|f(?:igo)"
    with pytest.raises(ValueError, match="'-pre' .* letter or digit"):
        phrase_regex_by_first_letter(["-pre"])


@pytest.mark.parametrize(("note", "recurrent"), [
    ("A 41-year-old woman had a routine Pap smear. The biopsy revealed stage IB squamous cell carcinoma of the "
     "cervix. She was offered a radical hysterectomy.", False),  # just found, offered (not given) treatment
    ("A 58-year-old man was newly diagnosed with stage IIA colon adenocarcinoma after a screening colonoscopy.",
     False),
    ("A 41-year-old woman with stage IB cervical cancer.", None),  # silent on how the cancer came about
    ("CT revealed stage IB lung adenocarcinoma in 2016, treated with lobectomy. She now has a cough.", None),
    ("The biopsy revealed stage IB cervical cancer. She received cisplatin and radiotherapy.", None),  # treated
    ("PET revealed stage IIB Hodgkin lymphoma, a relapse after ABVD given in 2012.", None),  # a relapse
])
def test_a_note_says_a_cancer_just_found_is_no_recurrence(note, recurrent):
    assert read_note(note).profile.get("recurrent") is recurrent


def test_a_recurrence_alternative_is_decided_by_a_cancer_just_found():
    doc = _trial("Inclusion", "Histologically proven stage IV or recurrent squamous cell, adenosquamous, or "
                              "adenocarcinoma of the uterine cervix")
    assert [v[0] for v in _stage_verdicts(doc, stage="IB", recurrent=False)] == ["not_met"]
    assert "not a recurrence" in _stage_verdicts(doc, stage="IB", recurrent=False)[0][1]
    assert [v[0] for v in _stage_verdicts(doc, stage="IB")] == ["unknown"]  # the profile is silent
    assert [v[0] for v in _stage_verdicts(doc, stage="IB", recurrent=True)] == ["met"]
    other = _trial("Inclusion", "Stage IIIB/IV or locally advanced unresectable non-small cell lung cancer")
    assert [v[0] for v in _stage_verdicts(other, stage="IB", recurrent=False)] == ["unknown"]  # not a recurrence


@pytest.mark.parametrize(("note", "recurrent"), [
    # a cancer just found with no stage written: the workup result that names it
    ("A 44-year-old woman was found to have a large pericardial effusion. A pericardiocentesis was performed and "
     "the fluid analysis was consistent with Burkitt's lymphoma.", False),
    ("A 60-year-old man with weight loss. The biopsy showed diffuse large B-cell lymphoma.", False),
    ("The biopsy showed diffuse large B-cell lymphoma. He received six cycles of R-CHOP.", None),  # treated
    ("Biopsy of the mass was consistent with recurrent glioblastoma.", None),  # a recurrence
    ("A 70-year-old man with lung adenocarcinoma and hypertension.", None),  # silent on how it came about
    ("CT in 2015 showed a renal mass consistent with renal cell carcinoma.", None),  # dated: not just found
])
def test_a_note_says_a_cancer_just_found_without_a_stage(note, recurrent):
    assert read_note(note).profile.get("recurrent") is recurrent


def _titled(title: str) -> IndexDocument:
    return IndexDocument(nct_id="NCT00000000", title=title, overall_status="COMPLETED",
                         facts=extract_text("Inclusion Criteria:\n- Measurable disease"))


@pytest.mark.parametrize(("title", "status"), [
    # registry titles of the corpus: a trial for a cancer that came back or resisted treatment
    ("506U78 in Treating Patients With Recurrent or Refractory Non-Hodgkin's Lymphoma or T-cell Lymphoma",
     "not_met"),
    ("Rituximab Followed by Combination Chemotherapy in Treating Patients With Refractory or Recurrent "
     "Non-Hodgkin's Lymphoma", "not_met"),
    ("Etoposide in Treating Patients With Relapsed Non-Hodgkin's Lymphoma", "not_met"),
    # other states the patient's reading does not decide: no verdict
    ("Temozolomide in Treating Patients With Recurrent or Progressive Malignant Glioma", None),
    ("Carboplatin, Temozolomide, and Filgrastim in Treating Patients With Newly Diagnosed or Recurrent High-Grade "
     "Glioma", None),
    ("Combination Chemotherapy in Treating Patients With Previously Untreated Non-Hodgkin's Lymphoma", None),
    ("Vaccine Therapy in Preventing Recurrence in Patients With Lymphoma", None),
    # another disease than the patient's cancer
    ("Arsenic Trioxide Plus Vitamin C in Treating Patients With Recurrent or Refractory Multiple Myeloma", None),
    ("Combination Chemotherapy Followed by Bone Marrow or Peripheral Stem Cell Transplantation in Treating Patients "
     "With Relapsed or Refractory Hodgkin's Lymphoma", None),
])
def test_a_title_for_a_recurrent_or_refractory_cancer_rules_out_one_just_found(title, status):
    who = parse_patient({"conditions": ["Burkitt lymphoma"], "recurrent": False})
    verdicts = [v for v in evaluate(_titled(title), who).criteria if v.kind == "stage"]
    assert [v.status for v in verdicts] == ([status] if status else [])
    if status:
        assert verdicts[0].criterion == f"title: {title}"
        assert "just found" in verdicts[0].explanation
    again = parse_patient({"conditions": ["Burkitt lymphoma"]})  # silent on how the cancer came about
    assert [v for v in evaluate(_titled(title), again).criteria if v.kind == "stage"] == []
