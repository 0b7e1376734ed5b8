"""The Find page's patient upload with profiles of any JSON shape: the page shows the profile or one error naming
the field, and never an exception (a few AppTest runs; bench/fuzz_boundaries.py covers the parser at length)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_properties import FUZZ, profiles
from tests.ui_data import app_test, texts, use_built_data_dir


@pytest.fixture
def data_dir(tmp_path_factory, monkeypatch) -> Path:
    return use_built_data_dir(tmp_path_factory, monkeypatch)


@settings(FUZZ, max_examples=min(FUZZ.max_examples, 6))
@given(profiles | st.binary(max_size=60))
def test_an_uploaded_profile_of_any_shape_is_loaded_or_reported(data_dir, profile):
    data = profile if isinstance(profile, bytes) else json.dumps(profile).encode()
    at = app_test()
    at.file_uploader[0].upload("patient.json", data, "application/json")
    at.run()
    assert not at.exception, at.exception
    shown = texts(at.error) + texts(at.success)
    assert len(shown) == 1 and shown[0].startswith(("patient.json", "Loaded patient.json")), shown
