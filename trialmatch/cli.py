"""The `trialmatch` command line: global options, settings, and the stage commands.

    $ trialmatch --data-dir ./data --backend elasticsearch config

Each stage's commands live in `trialmatch.commands.<stage>` and register themselves on `app`.
Problems the user can fix (bad settings, bad input files) end with one line on stderr and exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from core import __version__
from core.settings import Settings, SettingsError

app = typer.Typer(
    name="trialmatch",
    help="Clinical-trial matching: ingest ClinicalTrials.gov, extract eligibility, match patients.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class UserError(Exception):
    """An error the user can fix; printed as one line, exit status 2."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"trialmatch {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    data_dir: Path = typer.Option(None, "--data-dir", help="Data directory (env TRIALMATCH_DATA_DIR, default ./data)"),
    backend: str = typer.Option(
        None, "--backend", help="Search backend: embedded or elasticsearch (env TRIALMATCH_BACKEND, default embedded)"
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    ctx.obj = Settings.load(data_dir=data_dir, backend=backend)


def settings_of(ctx: typer.Context) -> Settings:
    """The validated settings of this invocation (set by the global callback)."""
    return ctx.find_root().obj


@app.command()
def config(ctx: typer.Context) -> None:
    """Show every setting and where it points; checks Elasticsearch when it is the backend."""
    settings = settings_of(ctx)
    shown = settings.as_display()
    width = max(len(key) for key in [*shown, "es_version"])
    for key, value in shown.items():
        typer.echo(f"{key:{width}} {value}")
    if settings.backend == "elasticsearch":
        typer.echo(f"{'es_version':{width}} {settings.check_elasticsearch()}")


def _register_commands() -> None:
    from trialmatch import commands

    for module in commands.modules():
        module.register(app)


def main() -> None:
    """Console-script entry point: run the app, turning user errors into one line and exit status 2."""
    _register_commands()
    try:
        app()
    except (SettingsError, UserError) as exc:
        typer.echo(f"trialmatch: error: {exc}", err=True)
        sys.exit(2)
