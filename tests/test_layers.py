"""The layer contract (`lint-imports`, run by `make lint` before the suite) covers every package that ships."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))


def shipped_top_level() -> set[str]:
    return {name.split(".")[0] for name in PYPROJECT["tool"]["setuptools"]["packages"]}


def test_every_shipped_package_is_under_the_contract_and_type_checked():
    linter = PYPROJECT["tool"]["importlinter"]
    assert set(linter["root_packages"]) == shipped_top_level()
    assert {path.split("/")[0] for path in PYPROJECT["tool"]["mypy"]["files"]} == shipped_top_level()


def test_the_contract_is_the_architecture_the_readme_states():
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    assert layers == ["trialmatch", "ui", "workflows", "search", "nlp", "core"]
    assert shipped_top_level() - set(layers) == {"ingest"}
    fences = [(set(c["source_modules"]), set(c["forbidden_modules"])) for c in contracts if c["type"] == "forbidden"]
    assert (set(layers) - {"trialmatch", "workflows"}, {"ingest"}) in fences
    assert ({"ingest"}, shipped_top_level() - {"ingest", "core"}) in fences
