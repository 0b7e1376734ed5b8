"""`trialmatch serve`: start the Streamlit UI on the configured data directory and backend.

    $ trialmatch --data-dir ./data serve --port 8501

The settings travel to the app through the environment (TRIALMATCH_DATA_DIR, TRIALMATCH_BACKEND, ...),
so the UI reads exactly what this invocation was given. The process becomes the Streamlit server
(exec), so stopping it stops the UI. Usage statistics are off, an unexpected error shows its type and
message but never a stack trace, and nothing is written about patients.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import typer

from core.settings import Settings
from trialmatch.cli import UserError, settings_of

APP_PATH = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def streamlit_argv(port: int, address: str) -> list[str]:
    """The command line that runs the UI with privacy-minded server options."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--server.maxUploadSize", "1",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        "--client.showErrorDetails", "type",
        "--logger.level", "warning",
    ]


def streamlit_env(settings: Settings) -> dict[str, str]:
    """The current environment plus every trialmatch setting, for the Streamlit process."""
    return {**os.environ, **settings.as_environment()}


def _check_port_free(address: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError as exc:
            raise UserError(
                f"cannot serve on {address}:{port} ({exc.strerror}): stop what uses it or pass --port N"
            ) from exc


def serve(
    ctx: typer.Context,
    port: int = typer.Option(8501, "--port", min=1, max=65535, help="TCP port of the web UI."),
    address: str = typer.Option(
        "127.0.0.1", "--address", help="Interface to listen on; 0.0.0.0 exposes the UI to the network."
    ),
) -> None:
    """Start the web UI (Find trials, Trial, Compare, Index) on the configured data and backend."""
    settings = settings_of(ctx)
    if not APP_PATH.is_file():
        raise UserError(f"the UI script {APP_PATH} is missing: reinstall trialmatch with `make install`")
    _check_port_free(address, port)
    typer.echo(f"trialmatch UI on http://{address}:{port} (data {settings.data_dir}, backend {settings.backend})")
    sys.stdout.flush()
    argv = streamlit_argv(port, address)
    os.execve(argv[0], argv, streamlit_env(settings))


def register(app: typer.Typer) -> None:
    app.command(name="serve")(serve)
