"""`trialmatch serve`: the Streamlit command line and environment it starts, and a busy port."""

from __future__ import annotations

import socket
import subprocess
import sys

from core.settings import Settings
from trialmatch.commands.serve import APP_PATH, streamlit_argv, streamlit_env


def test_the_settings_travel_to_the_app_through_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_ES_API_KEY", "k3y")
    env = streamlit_env(Settings.load(data_dir=tmp_path, backend="elasticsearch"))
    assert env["TRIALMATCH_DATA_DIR"] == str(tmp_path.resolve())
    assert env["TRIALMATCH_BACKEND"] == "elasticsearch"
    assert env["TRIALMATCH_ES_API_KEY"] == "k3y"


def test_streamlit_runs_the_router_headless_without_usage_statistics_or_stack_traces():
    argv = streamlit_argv(8600, "127.0.0.1")
    assert argv[1:5] == ["-m", "streamlit", "run", str(APP_PATH)]
    options = dict(zip(argv[5::2], argv[6::2], strict=True))
    assert options["--server.port"] == "8600"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"
    assert options["--client.showErrorDetails"] == "type"


def test_a_busy_port_is_one_line_and_exit_status_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "trialmatch", "--data-dir", str(tmp_path), "serve", "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"trialmatch: error: cannot serve on 127.0.0.1:{port} (Address already in use): "
        "stop what uses it or pass --port N"
    ]
