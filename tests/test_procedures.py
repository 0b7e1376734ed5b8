"""Procedures the patient has had (transplants, named surgeries): trial rules, the profile field, a note, the verdict.

Criteria lines are real wording from ../shared records (the NCT id of each is named beside it)."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text
from nlp.notes import read_note
from nlp.procedures import is_a, normalize_procedure
from search.models import IndexDocument
from search.patient import PatientError, parse_patient
from search.verdicts import evaluate


def rules(section: str, line: str) -> list[tuple[str, str]]:
    return [(p.procedure, p.polarity) for p in extract_text(f"{section} Criteria:\n- {line}").procedures]


def doubtful(section: str, line: str) -> list[tuple[str, str, str]]:
    facts = extract_text(f"{section} Criteria:\n- {line}").uncertain
    return [(u.procedure.procedure, u.procedure.polarity, u.reason) for u in facts if u.procedure is not None]


@pytest.mark.parametrize(("section", "line", "expected"), [
    ("Exclusion", "Has had a prior solid organ transplant.", [("organ_transplant", "excluded")]),  # NCT02853331
    ("Exclusion", "Patients with prior allogeneic bone marrow transplantation or prior solid organ transplantation",
     [("allogeneic_hsct", "excluded"), ("organ_transplant", "excluded")]),  # NCT03369964
    ("Inclusion", "Relapsed after autologous stem cell transplant (SCT)",
     [("autologous_hsct", "required")]),  # NCT00281983
    ("Inclusion", "No prior myeloablative therapy or hematopoietic cell transplantation",
     [("hsct", "excluded")]),  # NCT01050764
    ("Inclusion", "Surgery: See Disease Characteristics No prior splenectomy",
     [("splenectomy", "excluded")]),  # NCT00005628: a PDQ label's cross-reference is no reference title
    ("Exclusion", "Autologous hematologic stem cell transplant within 3 months of study entry. Prior Allogeneic "
                  "hematologic stem cell transplant is excluded.",
     [("allogeneic_hsct", "excluded")]),  # NCT02013128: the timed sentence gives none, "Allogeneic" narrows the next
    ("Exclusion", "History of bilateral orchiectomy, adrenalectomy, or hypophysectomy",
     [("orchiectomy", "excluded"), ("adrenalectomy", "excluded"), ("pituitary_surgery", "excluded")]),  # NCT02234115
    ("Exclusion", "History of gastric surgery such as fundoplication, gastrectomy, gastric pacemaker placement, "
                  "vagotomy, bariatric procedure.",
     [("gastric_surgery", "excluded"), ("gastric_surgery", "excluded"), ("vagotomy", "excluded"),
      ("bariatric_surgery", "excluded")]),  # NCT01394055
    ("Inclusion", "Undergone a radical hysterectomy, complete pelvic lymphadenectomy, and resection of any enlarged "
                  "common iliac or para-aortic lymph nodes",
     [("hysterectomy", "required")]),  # NCT00003209: a list closed by ", and"; its "or" is inside an item
])
def test_a_past_procedure_a_criterion_names_is_a_rule_with_its_polarity(section, line, expected):
    assert rules(section, line) == expected


@pytest.mark.parametrize(("section", "line"), [
    ("Exclusion", "Major surgery within 14 days before randomization."),  # NCT02181413: recency, another criterion
    ("Exclusion", "Has had major surgery within 4 weeks, received radiation therapy within 2 weeks prior"),
    ("Inclusion", "Suitable candidate for autologous transplantation or allogeneic transplantation with"),  # a plan
    ("Exclusion", "Residual grade 3 or grade 4 non-hematologic toxicity after ASCT"),  # NCT01045928: the toxicity
    ("Inclusion", "No positive surgical margins in the cystectomy specimen and no known macroscopic residual disease "
                  "left at time of cystectomy"),  # NCT00003701: "No" negates the margins, not the cystectomy
    ("Inclusion", "One prior line of therapy may consist of induction followed by autologous stem cell "
                  "transplantation."),  # NCT00532389: what may count, not a rule
    ("Inclusion", "Chemotherapy: No prior high dose (pre transplant) chemotherapy"),  # NCT00004913: a modifier
    ("Inclusion", "Mycosis fungoides, which has been shown to be amenable to allogeneic stem cell transplants."),
    ("Exclusion", "ECOG performance status of 3 or more (See NIH Bone and Marrow Consortium Supportive Care Guidelines "
                  "for Allogeneic Hematopoietic Stem Cell Transplant Recipients)"),  # NCT00003838: a reference
    ("Exclusion", "In patients with urothelial (transitional cell) carcinoma of the bladder an exception is that an "
                  "incidental finding of localized prostate cancer at the time of radical cystectomy does not "
                  "preclude inclusion in the study."),  # NCT00421889
])
def test_no_rule_from_a_timed_planned_permitted_or_other_subject_mention(section, line):
    assert rules(section, line) == [] and doubtful(section, line) == []


def test_an_item_of_a_childbearing_definition_gives_no_rule():
    text = ("Inclusion Criteria:\n- NOTE: A FOCBP is any woman (regardless of sexual orientation, having undergone a "
            "tubal ligation, or remaining celibate by choice) who meets the following criteria\n"
            "- Has not undergone a hysterectomy or bilateral oophorectomy\n- No prior organ transplant")  # NCT03061188
    facts = extract_text(text)
    assert [(p.procedure, p.polarity) for p in facts.procedures] == [("organ_transplant", "excluded")]


def test_a_childbearing_definition_list_gives_no_rule():
    text = ("Inclusion Criteria:\n- A woman of childbearing potential is one who:\n"
            "- Has not undergone a hysterectomy or bilateral oophorectomy; or\n- Has had menses in the past 12 months")
    facts = extract_text(text)
    assert facts.procedures == [] and [u for u in facts.uncertain if u.procedure] == []


@pytest.mark.parametrize(("section", "line", "expected"), [
    ("Exclusion", "Double (tandem) ASCT.", [("autologous_hsct", "excluded", "conditional")]),  # NCT02181413
    ("Exclusion", "Stem cell transplant recipients must have no evidence of and not receive treatment for "
                  "graft-versus-host disease", [("hsct", "excluded", "conditional")]),  # NCT03010358
    ("Exclusion", "Allogeneic transplant recipients on immunosuppression or on treatment for GVHD",  # NCT00602225
     [("allogeneic_hsct", "excluded", "conditional")]),
    ("Exclusion", "History of organ transplantation, except cornea transplantation.",  # NCT03004625
     [("organ_transplant", "excluded", "conditional"), ("corneal_transplant", "excluded", "conditional")]),
    ("Inclusion", "Prior radical prostatectomy, cryosurgery for prostate cancer, or bilateral orchiectomy for any "
                  "reason",  # NCT01826838: alternatives; "for ..." after a procedure qualifies it
     [("prostatectomy", "required", "either"), ("orchiectomy", "required", "conditional")]),
])
def test_a_conditional_or_either_or_rule_is_uncertain(section, line, expected):
    assert rules(section, line) == []
    assert doubtful(section, line) == expected


@pytest.mark.parametrize(("words", "expected"), [
    ("kidney transplant", "kidney_transplant"), ("renal transplantation", "kidney_transplant"),
    ("kidney_transplant", "kidney_transplant"), ("s/p Allo-SCT", "allogeneic_hsct"),
    ("transsphenoidal surgery", "pituitary_surgery"), ("Roux-en-Y gastric bypass", "bariatric_surgery"),
    ("tonsillectomy", None),
])
def test_a_profile_procedure_maps_to_its_id(words, expected):
    assert normalize_procedure(words) == expected


def test_the_vocabulary_nests_kinds_below_their_parents():
    assert is_a("kidney_transplant", "transplant") and is_a("allogeneic_hsct", "hsct")
    assert is_a("bariatric_surgery", "gastric_surgery") and not is_a("hsct", "organ_transplant")


def test_a_profile_keeps_procedures_as_written_and_refuses_an_empty_one():
    who = parse_patient({"conditions": ["acromegaly"], "procedures": "transsphenoidal surgery"})
    assert who.procedures == ["transsphenoidal surgery"]
    with pytest.raises(PatientError, match="procedures: an entry is empty"):
        parse_patient({"conditions": ["acromegaly"], "procedures": [" "]})


@pytest.mark.parametrize(("note", "expected"), [
    ("62-year-old man s/p renal transplant in 2010 on tacrolimus, now with fever.", ["kidney transplant"]),
    ("45-year-old woman with acromegaly. She underwent transsphenoidal resection of a pituitary adenoma 3 years ago.",
     ["pituitary surgery"]),
    ("58-year-old woman status post mastectomy for breast cancer.", ["mastectomy"]),
    ("50-year-old man with multiple myeloma. No history of bone marrow transplant. His mother had a mastectomy.",
     None),  # negated, a relative's
    ("60-year-old man with end-stage renal disease, evaluated for kidney transplant.", None),  # planned
    ("Metastatic papillary thyroid cancer s/p neck mass resection; unable to perform thyroidectomy.", None),  # not done
])
def test_a_note_gives_the_procedures_the_patient_had(note, expected):
    reading = read_note(note)
    assert reading.profile.get("procedures") == expected
    for e in reading.evidence:
        if e.field.startswith("procedures["):
            assert note[e.span[0]:e.span[1]] == e.text


def _trial(section: str, line: str) -> IndexDocument:
    return IndexDocument(nct_id="NCT00000009", title="t", overall_status="COMPLETED",
                         facts=extract_text(f"{section} Criteria:\n- {line}"))


def _verdicts(doc: IndexDocument, procedures: list[str]) -> list[str]:
    who = parse_patient({"conditions": ["multiple myeloma"], "procedures": procedures})
    return [v.status for v in evaluate(doc, who).criteria if v.kind == "procedure"]


@pytest.mark.parametrize(("procedures", "expected"), [
    (["allogeneic stem cell transplant"], ["not_met"]),
    (["allo-HSCT"], ["not_met"]),
    (["stem cell transplant"], ["unknown"]),  # broader than the rule: which kind is not said
    (["autologous stem cell transplant"], []),  # another kind: nothing to say
    ([], []),  # excluded and not named: a silent profile stays silent
])
def test_an_excluded_procedure_rules_out_only_a_patient_who_had_it(procedures, expected):
    doc = _trial("Exclusion", "Prior allogeneic hematopoietic cell transplant.")  # NCT01902225
    assert _verdicts(doc, procedures) == expected


def test_a_kind_below_an_excluded_procedure_is_not_met_and_explained():
    doc = _trial("Exclusion", "Has had a prior solid organ transplant.")  # NCT02853331
    who = parse_patient({"conditions": ["lung cancer"], "procedures": ["renal transplant"]})
    found = [v for v in evaluate(doc, who).criteria if v.kind == "procedure"]
    assert [v.status for v in found] == ["not_met"]
    assert found[0].explanation == "trial excludes a prior organ transplant; the patient had renal transplant"
    assert found[0].criterion == "Has had a prior solid organ transplant."


@pytest.mark.parametrize(("procedures", "expected"), [
    (["autologous stem cell transplant"], ["met"]),
    (["ASCT"], ["met"]),
    ([], ["unknown"]),  # required and not named: ask
    (["allogeneic stem cell transplant"], ["unknown"]),
])
def test_a_required_procedure_is_met_by_it_and_unknown_without_it(procedures, expected):
    doc = _trial("Inclusion", "Relapsed after autologous stem cell transplant (SCT)")  # NCT00281983
    assert _verdicts(doc, procedures) == expected


def test_a_generic_rule_is_unknown_for_a_kind_below_it():
    doc = _trial("Exclusion", "No transplant recipients")  # NCT00002990, under exclusion: read as a plain mention
    assert _verdicts(doc, []) == []
    doc = _trial("Exclusion", "Transplant recipients")
    assert _verdicts(doc, ["kidney transplant"]) == ["unknown"]
    assert _verdicts(doc, ["transplant"]) == ["not_met"]


def test_an_uncertain_excluded_procedure_speaks_only_for_a_patient_who_had_it():
    doc = _trial("Exclusion", "Double (tandem) ASCT.")  # NCT02181413
    who = parse_patient({"conditions": ["multiple myeloma"], "procedures": ["autologous stem cell transplant"]})
    assert [v.status for v in evaluate(doc, who).criteria if v.kind == "procedure"] == ["unknown"]
    silent = parse_patient({"conditions": ["multiple myeloma"]})
    assert [v for v in evaluate(doc, silent).criteria if v.kind == "procedure"] == []


def test_a_conditional_required_procedure_asks_only_a_patient_who_had_one():
    doc = _trial("Inclusion", "For subjects with a prior history of stem cell transplantation, had <= Grade 1 active "
                              "skin graft-versus-host disease (GVHD).")  # NCT00495079
    assert _verdicts(doc, []) == []
    assert _verdicts(doc, ["autologous stem cell transplant"]) == ["unknown"]
    either = _trial("Inclusion", "Prior radical prostatectomy, cryosurgery for prostate cancer, or bilateral "
                                 "orchiectomy for any reason")  # NCT01826838: alternatives ask everyone
    assert _verdicts(either, []) == ["unknown"]


def test_procedure_names_grouped_by_first_letter_match_as_the_plain_alternation(shared_dir):
    import json
    import random
    import re

    from nlp.procedures import ABBREVIATION_LETTERS, _vocabulary
    from nlp.resources import phrase_regex, read_vocab

    names = [n for row in read_vocab("procedures.jsonl") for n in [row["name"], *row["synonyms"]]
             if not (n.isupper() and len(n.replace("-", "").replace("/", "")) <= ABBREVIATION_LETTERS)]
    plain = re.compile(rf"(?<![\w-])(?:{phrase_regex(names)})(?![\w-])", re.I)
    lines = (shared_dir / "corpus" / "eligibility-texts.jsonl").read_text().splitlines()
    texts = [json.loads(line)["criteria"] or "" for line in random.Random(11).sample(lines, 400)]
    texts += ["Prior Allogeneic Stem-Cell Transplant", "s/p ORTHOTOPIC LIVER TRANSPLANTATION", "kidney-transplant"]
    spans = [[m.span() for m in _vocabulary().mention.finditer(t)] for t in texts]
    assert spans == [[m.span() for m in plain.finditer(t)] for t in texts]
    assert sum(map(len, spans)) > 50  # the sample names procedures: the comparison is not vacuous


@pytest.mark.parametrize(("note", "had", "planned"), [
    ("The patient is a 37-year-old woman who came to the clinic for a routine Pap smear. The test revealed stage 1B "
     "of cervical cancer. She was offered a radical hysterectomy.", None, ["hysterectomy"]),
    ("45-year-old man with ESRD on hemodialysis, scheduled for kidney transplant next month.", None,
     ["kidney transplant"]),
    ("62-year-old man s/p renal transplant in 2010, now referred for a second kidney transplant.",
     ["kidney transplant"], None),  # had it: the planned second one says nothing more
    ("60-year-old man with end-stage renal disease, evaluated for kidney transplant.", None, None),  # weighed only
    ("50-year-old man with multiple myeloma. No history of bone marrow transplant.", None, None),  # negated
])
def test_a_note_gives_the_procedures_planned_or_offered_apart_from_those_had(note, had, planned):
    reading = read_note(note)
    assert reading.profile.get("procedures") == had
    assert reading.profile.get("planned_procedures") == planned
    for e in reading.evidence:
        if e.field.startswith("planned_procedures["):
            assert note[e.span[0]:e.span[1]] == e.text


def _planned_verdicts(doc: IndexDocument, had: list[str], planned: list[str]) -> list[str]:
    who = parse_patient({"conditions": ["cervical cancer"], "procedures": had, "planned_procedures": planned})
    return [v.status for v in evaluate(doc, who).criteria if v.kind == "procedure"]


def test_a_required_past_procedure_is_not_met_while_it_is_only_planned_and_explained():
    doc = _trial("Inclusion", "Undergone a radical hysterectomy, complete pelvic lymphadenectomy, and resection of "
                              "any enlarged common iliac or para-aortic lymph nodes")  # NCT00003209
    assert _planned_verdicts(doc, [], ["radical hysterectomy"]) == ["not_met"]
    assert _planned_verdicts(doc, ["hysterectomy"], ["radical hysterectomy"]) == ["met"]  # had one: met
    assert _planned_verdicts(doc, [], ["kidney transplant"]) == ["unknown"]  # another procedure planned: ask
    assert _planned_verdicts(doc, [], []) == ["unknown"]  # silent: ask
    who = parse_patient({"conditions": ["cervical cancer"], "planned_procedures": ["radical hysterectomy"]})
    found = [v for v in evaluate(doc, who).criteria if v.kind == "procedure"]
    assert found[0].explanation == "trial requires a prior hysterectomy; the patient's radical hysterectomy is " \
                                   "planned, not had"


def test_an_excluded_procedure_only_planned_gives_no_verdict():
    doc = _trial("Exclusion", "Prior allogeneic hematopoietic cell transplant.")  # NCT01902225
    who = parse_patient({"conditions": ["multiple myeloma"], "planned_procedures": ["allogeneic stem cell transplant"]})
    assert [v for v in evaluate(doc, who).criteria if v.kind == "procedure"] == []


def test_a_profile_keeps_planned_procedures_as_written_and_refuses_an_empty_one():
    who = parse_patient({"conditions": ["cervical cancer"], "planned_procedures": "radical hysterectomy"})
    assert who.planned_procedures == ["radical hysterectomy"]
    with pytest.raises(PatientError, match="planned_procedures: an entry is empty"):
        parse_patient({"conditions": ["cervical cancer"], "planned_procedures": [" "]})


def test_procedure_names_of_an_ascii_text_are_found_in_its_lower_case_as_in_any_case(shared_dir):
    """An ASCII text's names are searched in its lower case with the case-sensitive names (quicker than ignoring
    case): over every corpus text, whole and in each of its criteria (whose look-behind reads the character before
    it), the same spans as the case-ignoring names find in the text itself."""
    import json

    from nlp.procedures import _name_spans, _vocabulary
    from nlp.sections import split_criteria

    vocabulary = _vocabulary()
    lines = (shared_dir / "corpus" / "eligibility-texts.jsonl").read_text().splitlines()
    texts = [json.loads(line)["criteria"] or "" for line in lines]
    texts += ["Prior Allogeneic Stem-Cell Transplant", "-kidney transplant", "Kidney-Transplant", "x-Nephrectomy"]
    found = 0
    for text in texts:
        for start, end in [(0, len(text)), (1, len(text)), *((a, b) for a, b, _ in split_criteria(text))]:
            spans = [m.span() for m in vocabulary.mention.finditer(text, start, end)]
            assert _name_spans(vocabulary, text, start, end) == spans
            assert _name_spans(vocabulary, text, start, end, first=True) == spans[:1]
            found += len(spans)
    assert found > 1000  # the corpus names procedures: the comparison is not vacuous


@pytest.mark.parametrize(("section", "line", "expected"), [
    ("Inclusion", "no previous treatments for acromegaly", [("pituitary_surgery", "excluded")]),  # NCT00461149
    ("Exclusion", "Patients who have received any prior treatment for their acromegaly, including radiotherapy, "
     "octreotide, bromocriptine, lanreotide, or prior surgery.", [("pituitary_surgery", "excluded")]),  # NCT00001860
    ("Exclusion", "Previous surgery for Cushing's disease", [("pituitary_surgery", "excluded")]),
    ("Exclusion", "Prior therapy for prostate cancer", [("prostatectomy", "excluded")]),
])
def test_a_prior_treatment_for_a_disease_excludes_the_surgery_that_treats_it(section, line, expected):
    assert rules(section, line) == expected


@pytest.mark.parametrize(("section", "line"), [
    ("Inclusion", "Prior treatment for acromegaly"),  # required: a drug may meet it as well as a surgery
    ("Exclusion", "Treatment for acromegaly within the past 6 months"),
    ("Exclusion", "Prior therapy for acromegaly is allowed"),
    ("Exclusion", "Prior treatment for hypertension"),  # no surgery of the vocabulary treats it
])
def test_no_surgery_rule_from_a_required_timed_permitted_or_unsurgical_treatment(section, line):
    assert rules(section, line) == [] and doubtful(section, line) == []


def test_a_conditional_prior_treatment_for_a_disease_is_uncertain():
    line = "Prior treatment for acromegaly, except dopamine agonists"
    assert doubtful("Exclusion", line) == [("pituitary_surgery", "excluded", "conditional")]


def test_an_untreated_disease_trial_rules_out_a_note_that_names_its_surgery():
    doc = _trial("Inclusion", "no previous treatments for acromegaly")
    reading = read_note("A 41-year-old man, a known case of acromegaly who underwent transsphenoidal surgery 4 "
                        "months ago, with a residual pituitary tumor on MRI.")
    found = [v for v in evaluate(doc, parse_patient(reading.profile)).criteria if v.kind == "procedure"]
    assert [v.status for v in found] == ["not_met"]
    silent = parse_patient({"conditions": ["acromegaly"]})
    assert [v.status for v in evaluate(doc, silent).criteria if v.kind == "procedure"] == []
