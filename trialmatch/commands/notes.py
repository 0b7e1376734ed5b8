"""The `parse-note` command, and the note side of `match --note`.

    $ trialmatch parse-note note.txt
    $ cat note.txt | trialmatch parse-note - --json

`parse-note` prints the profile read from a clinic note, pathology or molecular report, each field with the
words it came from; with --json stdout is exactly one object `{"profile", "evidence", "warnings"}` whose profile
is the JSON `match --patient` reads. An empty note, one with no patient facts, or bytes that are not UTF-8 end
with one line on stderr and exit status 2. The note is never logged or written anywhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from nlp.notes import NoteError, NoteReading, decode_note, read_note
from nlp.notes.text import MAX_NOTE_BYTES
from search.notes import note_search_text
from trialmatch.cli import UserError

STDIN = "-"


def register(app: typer.Typer) -> None:
    app.command("parse-note")(parse_note)


def read_note_file(source: str) -> str:
    """The text of a note file, or of stdin for "-"; UserError when missing, too long or not UTF-8."""
    where = "note (stdin)" if source == STDIN else f"note file {source}"
    try:
        if source == STDIN:
            raw = sys.stdin.buffer.read(MAX_NOTE_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                raw = handle.read(MAX_NOTE_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"{where}: not found; give the path of a text file, or - to read stdin") from None
    except OSError as exc:
        raise UserError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    try:
        return decode_note(raw, where)
    except NoteError as exc:
        raise UserError(str(exc)) from None


def _shown(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def print_reading(reading: NoteReading) -> None:
    """The profile field by field, each with the words of the note it was read from."""
    fields = [e.field for e in reading.evidence] + [f for f in ("prior_therapies_complete", "search_text")
                                                    if f in reading.profile]
    width = max(len(f) for f in fields)
    for e in reading.evidence:
        key, _, index = e.field.partition("[")
        value = reading.profile[key][int(index.rstrip("]"))] if index else reading.profile[key]
        typer.echo(f"{e.field:<{width}}  {_shown(value)}")
        typer.echo(f"{'':<{width}}    from \"{' '.join(e.text.split())}\" [{e.span[0]}:{e.span[1]}]")
    if "prior_therapies_complete" in reading.profile:
        typer.echo(f"{'prior_therapies_complete':<{width}}  false")
        typer.echo(f"{'':<{width}}    a note's therapies may not be the whole history: a therapy a trial requires "
                   "that they do not name is unknown")
    if "search_text" in reading.profile:
        typer.echo(f"{'search_text':<{width}}  {reading.profile['search_text']}")
        typer.echo(f"{'':<{width}}    the note's other words: they find trials by relevance, never judged")
    for warning in reading.warnings:
        typer.echo(f"warning: {warning}", err=True)


def parse_note(
    source: str = typer.Argument(..., metavar="FILE", help="The note as a UTF-8 text file, or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Read a clinic note, pathology or NGS report into a patient profile, showing where each field came from."""
    text = read_note_file(source)
    try:
        reading = read_note(text)
    except NoteError as exc:
        raise UserError(str(exc)) from None
    if words := note_search_text(text, reading, reading.profile):
        reading.profile["search_text"] = words  # what `match --note` searches by beside the fields read
    if as_json:
        typer.echo(json.dumps(reading.model_dump(mode="json")))
        return
    print_reading(reading)
