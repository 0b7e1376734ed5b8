"""Classes found by the strict audit of issue 13 (whole-corpus biomarker facts and uncertain entries) and its two
regressions: a rule every subgroup states is a rule of all; "does not apply to ..." makes its facts conditional.
Each test reads real criteria of `../shared/ctgov` and `../shared/corpus`."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text


def _groups(text: str) -> dict[str | None, set[tuple[str, str, str | None]]]:
    """The required facts of `text` by any_of group: (gene, alteration, variant)."""
    found: dict[str | None, set[tuple[str, str, str | None]]] = {}
    for b in extract_text(text).biomarkers:
        if b.polarity == "required":
            found.setdefault(b.any_of, set()).add((b.gene, b.alteration, b.variant))
    return found


@pytest.mark.parametrize(
    "line",
    [
        # ../shared/ctgov/legacy-xml
        "Historical confirmation that the tumor harbors an EGFR mutation known to be associated with EGFR TKI "
        "sensitivity (including G719X, exon 19 deletion, L858R, L861Q)",
        # ../shared/corpus/eligibility-texts.jsonl
        "A tumor which harbors an Epidermal Growth Factor Receptor (EGFR) -mutation known to be associated with drug "
        "sensitivity (i.e., G719X, exon 19 deletion, L858R, L861Q) from previous tumor biopsy or surgery.",
    ],
)
def test_named_variants_listed_with_commas_are_alternatives(line):
    groups = _groups(f"Inclusion Criteria:\n- Stage IV non-small cell lung cancer\n- {line}\n")
    variants = {("EGFR", "mutation", v) for v in ("G719X", "exon 19 deletion", "L858R", "L861Q")}
    assert not groups.get(None, set()) & variants  # no variant required on its own
    assert any(variants <= facts for g, facts in groups.items() if g is not None)  # one group: one of them suffices


def test_two_variants_joined_by_and_are_both_asked():
    text = (
        "Inclusion Criteria:\n- Non-small cell lung cancer\n"
        "- Documented EGFR L858R and T790M mutations in the tumour\n"
    )
    assert _groups(text) == {None: {("EGFR", "mutation", "L858R"), ("EGFR", "mutation", "T790M")}}


def test_a_rule_that_does_not_apply_to_some_patients_makes_the_procedures_it_names_conditional(shared_dir):
    from ingest.loaders import iter_source
    from nlp.extract import extract_study

    record = next(iter_source(shared_dir / "ctgov" / "legacy-xml" / "NCT00001565.xml"))
    facts = extract_study(record.study)
    named = [(u.reason, u.procedure.procedure) for u in facts.uncertain if u.procedure is not None]
    assert named == [("conditional", "hsct")]  # "requirements below do not apply to patients with ... history of
    assert not facts.procedures  # either bone marrow transplantation or extensive radiotherapy": no either/or



def _corpus_text(shared_dir, nct_id: str) -> str:
    import json

    for line in (shared_dir / "corpus" / "eligibility-texts.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["nct_id"] == nct_id:
            return str(row["criteria"])
    raise AssertionError(f"{nct_id} is not in the shared corpus")


def test_a_limit_the_exclusions_of_every_phase_state_is_a_limit_of_all(shared_dir):
    # "Exclusion Criteria - for Phase I" and "Exclusion criteria - for Phase II" each exclude NYHA class III or IV
    facts = extract_text(_corpus_text(shared_dir, "NCT00512798"))
    assert {(s.scale, s.low, s.high, s.polarity) for s in facts.disease_scales} == {("nyha", 3, 4, "excluded")}


@pytest.mark.parametrize(
    ("line", "drug"),
    [
        # ../shared/corpus/eligibility-texts.jsonl: the patients a drug names, then what they are allowed
        ("Anti-HER2 Therapies: no prior anti-HER2 therapy for MBC is permitted. Patients treated with adjuvant "
         "anti-HER2 therapies (including but not limited to trastuzumab and lapatinib) are allowed to be included if a "
         "minimum of 12 months have elapsed from the end of this therapy.", "anti-her2"),
        ("Patients who received prior taxane-based chemotherapy as neoadjuvant or adjuvant therapy for local disease, "
         "or who received taxane-based therapy in the PSA clinical (non-metastatic) state is allowable provided that "
         "the total duration of exposure was six cycles or less and chemotherapy was completed more than 6 months "
         "prior to registration", "taxane"),
    ],
)
def test_patients_a_drug_names_who_are_allowed_in_give_no_requirement_of_it(line, drug):
    facts = extract_text(f"Inclusion Criteria:\n- Metastatic cancer\n- {line}\n")
    required = [t for t in facts.prior_therapies if t.polarity == "required"]
    required += [u.therapy for u in facts.uncertain if u.therapy is not None and u.therapy.polarity == "required"]
    assert drug not in {t.drug_or_class for t in required}


def test_patients_a_drug_names_who_are_not_eligible_are_excluded():
    # ../shared/corpus/eligibility-texts.jsonl: the allowance negated is an exclusion
    line = "Patients who have received prior lenalidomide therapy are not eligible for this study"
    facts = extract_text(f"Inclusion Criteria:\n- {line}\n")
    assert {(t.drug_or_class, t.polarity) for t in facts.prior_therapies} == {("lenalidomide", "excluded")}


@pytest.mark.parametrize(
    ("line", "drug"),
    [
        # ../shared/corpus/eligibility-texts.jsonl: the allowance is in a bracket after the drug
        ("Patients with histologically/cytologically confirmed locally advanced or metastatic adenocarcinoma subtype "
         "non-small cell lung cancer (NSCLC) after failure of first line platinum-based chemotherapy (patients with "
         "non-target lesion only are eligible)", "platinum"),
        ("Patients who have previously treated with gemcitabine-based chemotherapy (Prior treatment regimen up to 2 is "
         "allowed)", "gemcitabine"),
    ],
)
def test_patients_a_drug_names_are_asked_for_it_when_no_allowance_of_theirs_follows(line, drug):
    facts = extract_text(f"Inclusion Criteria:\n- {line}\n")
    assert (drug, "required") in {(t.drug_or_class, t.polarity) for t in facts.prior_therapies}


def test_a_first_clause_naming_whom_the_study_is_for_asks_for_the_drugs_it_names(shared_dir):
    # "Patients with pathologically confirmed colon or rectal cancer who have received and progressed or failed
    # following a fluoropyrimidine, irinotecan, and oxaliplatin based chemotherapy regimens will be eligible ..."
    facts = extract_text(_corpus_text(shared_dir, "NCT02041481"))
    assert ("fluoropyrimidine", "required") in {(t.drug_or_class, t.polarity) for t in facts.prior_therapies}
