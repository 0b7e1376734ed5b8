"""The CLI skeleton: help, version, config, and one clear line with exit status 2 for bad settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from trialmatch import __version__
from trialmatch.settings import Settings, SettingsError

TRIALMATCH = [sys.executable, "-m", "trialmatch"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*TRIALMATCH, *args], capture_output=True, text=True, env=env, timeout=60)


def clean_env(**extra: str) -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    env.update(extra)
    return env


def test_help_lists_the_config_command():
    done = run("--help", env=clean_env())
    assert done.returncode == 0
    assert "config" in done.stdout


def test_version_prints_the_package_version():
    done = run("--version", env=clean_env())
    assert done.stdout.strip() == f"trialmatch {__version__}"


def test_config_shows_every_setting_from_flags_and_environment(tmp_path: Path):
    env = clean_env(TRIALMATCH_CTGOV_URL="http://127.0.0.1:9/api/v2", TRIALMATCH_ES_API_KEY="secret-key")
    done = run("--data-dir", str(tmp_path), "config", env=env)
    assert done.returncode == 0, done.stderr
    shown = dict(line.split(None, 1) for line in done.stdout.splitlines())
    assert shown["data_dir"] == str(tmp_path.resolve())
    assert shown["backend"] == "embedded"
    assert shown["ctgov_url"] == "http://127.0.0.1:9/api/v2"
    assert shown["es_api_key"] == "(set)"
    assert "secret-key" not in done.stdout


def test_unknown_backend_is_one_line_and_exit_2():
    done = run("--backend", "solr", "config", env=clean_env())
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "trialmatch: error: unknown backend 'solr': use one of embedded, elasticsearch "
        "(--backend or TRIALMATCH_BACKEND)"
    ]


def test_unreachable_elasticsearch_is_one_line_and_exit_2():
    done = run("--backend", "elasticsearch", "config", env=clean_env(TRIALMATCH_ES_URL="http://127.0.0.1:1"))
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "Elasticsearch at http://127.0.0.1:1 is unreachable" in line


def test_environment_backend_is_validated(monkeypatch):
    monkeypatch.setenv("TRIALMATCH_BACKEND", "Elasticsearch ")
    assert Settings.load(data_dir="/tmp/x").backend == "elasticsearch"
    monkeypatch.setenv("TRIALMATCH_ES_URL", "localhost:9200")
    with pytest.raises(SettingsError, match="TRIALMATCH_ES_URL must be an http"):
        Settings.load(data_dir="/tmp/x")


@pytest.mark.elasticsearch
def test_config_reports_the_live_elasticsearch_version(es_url):
    done = run("--backend", "elasticsearch", "config", env=clean_env(TRIALMATCH_ES_URL=es_url))
    assert done.returncode == 0, done.stderr
    assert "es_version   9." in done.stdout
