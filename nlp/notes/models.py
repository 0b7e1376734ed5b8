"""What reading a note hands on: the profile in the JSON form `match --patient` reads, its evidence, warnings.

    >>> NoteEvidence(field="age", text="45-year-old", span=(13, 24)).model_dump()["span"]
    (13, 24)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class NoteError(ValueError):
    """The note cannot be read (empty, not UTF-8, no patient facts); the message says how to fix it."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoteEvidence(_Model):
    """The words of the note one profile field was read from: `span` indexes the note as given."""

    field: str = Field(description='the profile field: "age", "sex", "conditions[0]", "biomarkers[1]", "ecog" ...')
    text: str
    span: tuple[int, int]


class NoteReading(_Model):
    """A note read into a patient profile (JSON form, only the fields found), with evidence and warnings."""

    profile: dict[str, Any]
    evidence: list[NoteEvidence] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
