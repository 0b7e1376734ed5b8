"""An immunoglobulin isotype ("IgG kappa multiple myeloma") is no condition of the patient's."""

from __future__ import annotations

from nlp.notes import read_note


def test_an_immunoglobulin_isotype_is_no_condition():
    note = "A 67-year-old man with IgG kappa multiple myeloma diagnosed in 2019, and an IgA lambda paraprotein."
    assert read_note(note).profile["conditions"] == ["multiple myeloma"]


def test_a_gammopathy_named_with_its_isotype_stays():
    note = "A 71-year-old woman with IgM monoclonal gammopathy of undetermined significance."
    assert read_note(note).profile["conditions"] == ["Monoclonal Gammopathy of Undetermined Significance"]
