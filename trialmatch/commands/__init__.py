"""Stage commands of the `trialmatch` CLI; each module has `register(app)`.

    >>> [m.__name__ for m in modules()]  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Modules are listed here once their commands work end to end.
_MODULES: tuple[str, ...] = ("ingest", "serve", "extract", "search", "notes")


def modules() -> list[ModuleType]:
    return [importlib.import_module(f"trialmatch.commands.{name}") for name in _MODULES]
