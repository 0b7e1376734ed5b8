"""The CLI skeleton: help, version, config, and one clear line with exit status 2 for bad settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core import __version__
from core.settings import ENVIRONMENT, Settings, SettingsError

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


def test_every_trialmatch_variable_is_a_setting_that_config_shows(tmp_path: Path):
    env = clean_env(
        TRIALMATCH_DATA_DIR=str(tmp_path), TRIALMATCH_ES_INDEX="tm-staging", TRIALMATCH_CTGOV_RATE="12.5",
        TRIALMATCH_CTGOV_RETRIES="2", TRIALMATCH_CONTACT="ops@example.org",
    )
    done = run("config", env=env)
    assert done.returncode == 0, done.stderr
    shown = dict(line.split(None, 1) for line in done.stdout.splitlines())
    assert set(ENVIRONMENT) <= set(shown)
    assert (shown["es_index"], shown["ctgov_rate"], shown["ctgov_retries"], shown["contact"]) == (
        "tm-staging", "12.5", "2", "ops@example.org"
    )
    assert shown["es_api_key"] == "(not set)"


def test_flags_win_over_the_environment_which_wins_over_defaults(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("TRIALMATCH_BACKEND", "elasticsearch")
    monkeypatch.setenv("TRIALMATCH_CTGOV_RATE", "20")
    monkeypatch.delenv("TRIALMATCH_CTGOV_RETRIES", raising=False)
    from_env = Settings.load(data_dir=tmp_path)
    assert (from_env.backend, from_env.ctgov_rate, from_env.ctgov_retries) == ("elasticsearch", 20.0, 5)
    flagged = Settings.load(data_dir=tmp_path, backend="embedded").override(ctgov_rate=3.0, contact=None)
    assert (flagged.backend, flagged.ctgov_rate, flagged.contact) == ("embedded", 3.0, None)


def test_the_environment_of_a_settings_gives_back_the_same_settings(tmp_path: Path):
    settings = Settings.load(data_dir=tmp_path, backend="elasticsearch").override(ctgov_retries=0, contact="a@b.org")
    assert Settings.load(environ=settings.as_environment()) == settings


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TRIALMATCH_CTGOV_RATE", "fast", "TRIALMATCH_CTGOV_RATE must be a number of requests per minute, got 'fast'"),
        ("TRIALMATCH_CTGOV_RATE", "0", "at least 0.1 requests per minute, got 0.0 (--rate or TRIALMATCH_CTGOV_RATE)"),
        ("TRIALMATCH_CTGOV_RETRIES", "2.5", "TRIALMATCH_CTGOV_RETRIES must be a whole number of retries, got '2.5'"),
        ("TRIALMATCH_CTGOV_RETRIES", "50", "between 0 and 20, got 50 (--retries or TRIALMATCH_CTGOV_RETRIES)"),
    ],
)
def test_an_unusable_number_names_its_variable(variable: str, value: str, message: str):
    done = run("config", env=clean_env(**{variable: value}))
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("trialmatch: error: ") and line.endswith(message)


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
    shown = dict(line.split(None, 1) for line in done.stdout.splitlines())
    assert shown["es_version"].startswith("9.")
