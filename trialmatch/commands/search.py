"""The `index`, `match` and `similar` commands.

    $ trialmatch index [--rebuild]
    $ trialmatch match --patient patient.json --top 10 --status any --json
    $ trialmatch match --patient patient.json --near "Houston, TX" --radius 100mi [--include-unlocated]
    $ trialmatch similar NCT04879121 --top 5

`match --json` prints `{"diagnosis": [{"text", "terms": [{"id", "name"}]}], "results": [{"nct_id", "title",
"status", "score", "verdict", "criteria", "nearest_site", "contacts"}]}` in rank order (the diagnosis as
understood; the table prints it as "diagnosis: metastatic colorectal adenocarcinoma → colorectal
adenocarcinoma", and a condition no disease term matches is warned about on stderr); `similar --json` prints
`{"results": [{"nct_id", "title", "score", "reasons"}]}`. Without --json both print a table. Invalid profiles,
places that are unknown or ambiguous (the candidates are named), unknown trials and unreachable backends end
with one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from core.statuses import STATUSES
from nlp.procedures import normalize_procedure
from search.backend import BackendError
from search.backends import open_backend
from search.diagnosis import describe, understand
from search.gazetteer import Gazetteer, PlaceError
from search.geo import parse_radius, place_patient
from search.matching import DEFAULT_STATUSES, match_patient
from search.models import Location, MatchResult, PatientProfile
from search.notes import note_profile
from search.patient import PatientError, load_patient, read_patient_file
from search.similar import TrialNotFound, similar_trials
from trialmatch.cli import UserError, settings_of

JSON = typer.Option(False, "--json", help="Print one JSON object on stdout.")
STATUS_WORDS = {"recruiting": DEFAULT_STATUSES, "any": None}


def register(app: typer.Typer) -> None:
    app.command("index")(index)
    app.command("match")(match)
    app.command("similar")(similar)


def parse_statuses(value: str) -> tuple[str, ...] | None:
    """`recruiting` (the open statuses), `any` (None), or a comma-separated list of registry statuses."""
    word = value.strip().lower()
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    statuses = tuple(s.strip().upper() for s in value.split(",") if s.strip())
    unknown = [s for s in statuses if s not in STATUSES]
    if not statuses or unknown:
        raise UserError(
            f"--status: unknown status {', '.join(unknown) or value!r}; use recruiting, any, or a comma-separated "
            f"list of {', '.join(STATUSES)}"
        )
    return statuses


def with_location(profile: PatientProfile, near: str | None, radius: str | None,
                  include_unlocated: bool) -> PatientProfile:
    """The profile's location with the command's flags applied (a flag wins over the patient JSON)."""
    given = profile.location
    if near is None and given is None:
        if radius is not None or include_unlocated:
            flag = "--radius" if radius is not None else "--include-unlocated"
            raise UserError(f"{flag}: needs a place: add --near \"Houston, TX\" (or a location in the patient JSON)")
        return profile
    try:
        radius_km = parse_radius(radius) if radius is not None else None
    except ValueError as exc:
        raise UserError(f"--radius: {exc}") from exc
    if near is not None:
        location = Location(near=near, radius_km=radius_km or (given.radius_km if given else Location().radius_km))
    else:
        assert given is not None
        location = given.model_copy(update={"radius_km": radius_km} if radius_km else {})
    if include_unlocated:
        location = location.model_copy(update={"include_unlocated": True})
    return profile.model_copy(update={"location": location})


def _site_line(result: MatchResult) -> str | None:
    site = result.nearest_site
    if site is None:
        return None
    where = ", ".join(p for p in (site.facility, site.city, site.state, site.country) if p)
    status = f" ({site.status.replace('_', ' ').lower()})" if site.status else ""
    return f"nearest site {site.distance_km:.0f} km: {where}{status}"


def _contact_line(result: MatchResult) -> str | None:
    if not result.contacts:
        return None
    return "contact: " + "; ".join(" ".join(p for p in (c.name, c.phone, c.email) if p) for c in result.contacts)


def index(
    ctx: typer.Context,
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Build a fresh index of all stored studies, then swap it in."
    ),
    as_json: bool = JSON,
) -> None:
    """Extract and index every stored study that is new or changed (or all of them with --rebuild)."""
    from workflows.indexing import index_pending  # loads the NLP pipeline: only this command needs it

    settings = settings_of(ctx)
    if not settings.store_path.exists():
        raise UserError(f"no raw store at {settings.store_path}: run `trialmatch ingest` first")

    def progress(done: int, total: int) -> None:
        print(f"\rindex: {done}/{total} studies", end="", file=sys.stderr, flush=True)

    try:
        report = index_pending(settings, rebuild=rebuild, progress=progress)
    except BackendError as exc:
        raise UserError(str(exc)) from exc
    finally:
        print(file=sys.stderr)
    if as_json:
        typer.echo(report.model_dump_json())
        return
    for failure in report.failures:
        typer.echo(f"skipped {failure}", err=True)
    if report.discarded:
        typer.echo(f"removed {len(report.discarded)} index versions left by killed rebuilds "
                   f"({', '.join(report.discarded)})", err=True)
    what = "rebuilt index with" if report.rebuilt else "indexed"
    typer.echo(f"index: {what} {report.indexed} studies, {report.failed} failed, "
               f"{report.total} in the index ({report.seconds:.1f} s)")


def match(
    ctx: typer.Context,
    patient: Path | None = typer.Option(
        None, "--patient", help="Patient profile JSON file; with --note its fields replace the note's."),
    note: str | None = typer.Option(
        None, "--note", metavar="FILE", help="Clinic note, pathology or NGS report (UTF-8 text; - for stdin)."),
    top: int = typer.Option(20, "--top", min=1, max=500, help="How many trials to show."),
    include_ineligible: bool = typer.Option(False, "--include-ineligible", help="Also show trials not met."),
    status: str = typer.Option(
        "recruiting", "--status", help="recruiting (default: RECRUITING, NOT_YET_RECRUITING, "
        "ENROLLING_BY_INVITATION), any, or a comma-separated list of statuses."),
    near: str = typer.Option(None, "--near", help='Only trials with a site near this place: a city ("Houston, '
                             'TX", "Lyon"), a ZIP or postal code, or "lat, lon".'),
    radius: str = typer.Option(None, "--radius", help="Distance from --near: 100km, 60mi, or a number of km "
                               "(default 100 km)."),
    include_unlocated: bool = typer.Option(False, "--include-unlocated", help="With a place, also keep trials "
                                           "that list no site location."),
    as_json: bool = JSON,
) -> None:
    """Rank trials for a patient (a JSON profile, a note, or both), with a verdict for every extracted criterion."""
    settings = settings_of(ctx)
    statuses = parse_statuses(status)
    try:
        profile = with_location(_profile(patient, note), near, radius, include_unlocated)
    except PatientError as exc:
        raise UserError(str(exc)) from exc
    if profile.location is not None:
        try:
            profile = place_patient(profile, Gazetteer.load(settings.data_dir))
        except PlaceError as exc:
            raise UserError(f"{'--near' if near is not None else 'location.near'}: {exc}") from exc
    try:
        backend = open_backend(settings)
        try:
            results = match_patient(profile, backend, top=top, statuses=statuses,
                                    include_ineligible=include_ineligible)
        finally:
            backend.close()
    except (PatientError, BackendError) as exc:
        raise UserError(str(exc)) from exc
    found = understand(profile.conditions)
    for diagnosis in found:
        if not diagnosis.ids:
            typer.echo(f"trialmatch: warning: conditions: {diagnosis.text!r} is not a disease trialmatch knows; "
                       "it is matched on its words only and the diagnosis criterion stays unknown (try a name "
                       "such as 'colorectal cancer')", err=True)
    for key, names in (("procedures", profile.procedures), ("planned_procedures", profile.planned_procedures)):
        for words in names:
            if normalize_procedure(words) is None:
                typer.echo(f"trialmatch: warning: {key}: {words!r} is not a procedure trialmatch knows; it decides "
                           "no trial's procedure criterion (try a name such as 'kidney transplant')", err=True)
    if as_json:
        understood = [{"text": d.text, "terms": [{"id": i, "name": n} for i, n in zip(d.ids, d.names, strict=True)]}
                      for d in found]
        payload = [r.model_dump(mode="json", exclude={"counts"}) for r in results]
        typer.echo(json.dumps({"diagnosis": understood, "results": payload}))
        return
    for diagnosis in found:
        typer.echo(f"diagnosis: {describe(diagnosis)}")
    if not results:
        typer.echo("no matching trials (try --status any or --include-ineligible)")
    for rank, r in enumerate(results, 1):
        counts = f"{r.counts['met']} met, {r.counts['not_met']} not met, {r.counts['unknown']} unknown"
        typer.echo(f"{rank:>3}. {r.nct_id}  {r.verdict:<20} {r.status or '-':<22} {counts}")
        typer.echo(f"     {r.title}")
        for line in (_site_line(r), _contact_line(r)):
            if line:
                typer.echo(f"     {line}")
        if profile.location is not None and r.nearest_site is None:
            typer.echo("     no site location listed")
        for v in r.criteria:
            typer.echo(f"       [{v.status:^7}] {v.kind}: {v.explanation}")


def _profile(patient: Path | None, note: str | None) -> PatientProfile:
    """The profile of --patient, of --note, or of the note with the JSON's fields replacing the note's."""
    if note is None:
        if patient is None:
            raise UserError("give the patient: --patient profile.json, --note note.txt, or both")
        return load_patient(patient)
    from trialmatch.commands.notes import read_note_file  # loads the NLP pipeline: only --note needs it

    text = read_note_file(note)
    overrides = read_patient_file(patient) if patient is not None else None
    profile, reading = note_profile(text, overrides)
    for warning in reading.warnings:
        typer.echo(f"warning: {warning}", err=True)
    return profile


def similar(
    ctx: typer.Context,
    nct_id: str = typer.Argument(..., help="NCT id of a trial in the index, e.g. NCT04879121."),
    top: int = typer.Option(10, "--top", min=1, max=500, help="How many trials to show."),
    as_json: bool = JSON,
) -> None:
    """Trials like the given one, with the reasons each was found."""
    settings = settings_of(ctx)
    nct_id = nct_id.strip().upper()
    try:
        backend = open_backend(settings)
        try:
            results = similar_trials(nct_id, backend, top=top)
        finally:
            backend.close()
    except (TrialNotFound, BackendError) as exc:
        raise UserError(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps({"results": [r.model_dump(mode="json") for r in results]}))
        return
    for rank, r in enumerate(results, 1):
        typer.echo(f"{rank:>3}. {r.nct_id}  {r.score:7.2f}  {r.title}")
        typer.echo(f"     {'; '.join(r.reasons)}")
