"""What ships: every folder of the product packages is a listed package and every data file in it is package data.

pyproject lists the packages explicitly (no discovery), so a new folder or data file must be added there;
this test names the one that was not.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
PACKAGES: list[str] = SETUPTOOLS["packages"]
PACKAGE_DATA: dict[str, list[str]] = SETUPTOOLS["package-data"]


def folders() -> list[Path]:
    tops = {name.split(".")[0] for name in PACKAGES}
    return [
        folder for top in sorted(tops) for folder in [REPO / top, *sorted((REPO / top).rglob("*"))]
        if folder.is_dir() and "__pycache__" not in folder.parts
    ]


def test_every_folder_of_the_product_packages_is_a_listed_package():
    listed = set(PACKAGES)
    found = [".".join(f.relative_to(REPO).parts) for f in folders()]
    assert [name for name in found if name not in listed] == []


def test_every_data_file_is_package_data():
    unshipped = []
    for folder in folders():
        package = ".".join(folder.relative_to(REPO).parts)
        globs = PACKAGE_DATA.get(package, [])
        for path in folder.iterdir():
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                if not any(fnmatch.fnmatch(path.name, pattern) for pattern in globs):
                    unshipped.append(str(path.relative_to(REPO)))
    assert unshipped == []
