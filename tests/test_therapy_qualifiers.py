"""A prior therapy a criterion requires with a count or a duration ('failed at least two anti-convulsant regimens',
'treated with levodopa for at least one year') is unknown, not met, for a patient whose profile names the therapy:
a profile holds no counts nor durations (search/therapy_qualifiers.json). Plain requirements stay met."""

from __future__ import annotations

from nlp.extract import extract_text
from search.models import IndexDocument
from search.notes import note_profile
from search.verdicts import evaluate

PARKINSON_NOTE = ("A 62-year-old man was diagnosed with Parkinson's disease three years ago. He is on levodopa and "
                  "pramipexole, with wearing-off in the afternoons.")
EPILEPSY_NOTE = ("38-year-old woman with focal epilepsy since age 12, seizures weekly despite phenytoin; she "
                 "stopped carbamazepine for a rash.")


def therapy_verdicts(criteria: str, note: str):
    document = IndexDocument(nct_id="NCT00000000", eligibility_text=criteria, facts=extract_text(criteria))
    return [v for v in evaluate(document, note_profile(note)[0]).criteria if v.kind == "prior_therapy"]


def test_a_required_therapy_for_a_stated_time_is_unknown_for_a_patient_on_it():
    verdicts = therapy_verdicts("Inclusion Criteria:\n* Patients with Parkinson's disease who have been treated "
                                "with levodopa for at least one year.", PARKINSON_NOTE)
    assert [v.status for v in verdicts] == ["unknown"]
    assert "for at least one year" in verdicts[0].explanation


def test_a_required_count_of_regimens_is_unknown_for_a_patient_who_had_the_class():
    verdicts = therapy_verdicts("Inclusion Criteria:\n* Patients have failed at least two anti-convulsant "
                                "regimens in the past.", EPILEPSY_NOTE)
    assert verdicts and {v.status for v in verdicts} == {"unknown"}
    assert "at least two anti-convulsant regimens" in verdicts[0].explanation


def test_a_plain_requirement_stays_met():
    verdicts = therapy_verdicts("Inclusion Criteria:\n* Prior treatment with levodopa.", PARKINSON_NOTE)
    assert [v.status for v in verdicts] == ["met"]


def test_a_cap_on_courses_is_quoted_as_a_cap():
    verdicts = therapy_verdicts("Inclusion Criteria:\n* No more than 2 courses of prior induction therapy "
                                "containing an alkylating agent", "Myeloma treated with melphalan and prednisone.")
    assert verdicts and verdicts[0].status == "unknown"
    assert '"No more than 2 courses"' in verdicts[0].explanation
