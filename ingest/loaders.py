"""Offline sources: read studies from files, directories and zips, whatever their format.

    for loaded in iter_source(Path("../shared/ctgov/legacy-xml")):
        if loaded.study is None:
            print("skipped", loaded.source, loaded.reason)

Formats are detected from the content, not trusted from the name: a single API v2 study object, a
search page `{"studies": [...]}`, a JSON list of studies, JSON Lines, a `<clinical_study>` legacy XML
record (mapped to the API v2 shape), a `.zip` of any of these (the API's `json.zip` bulk download),
or a directory of any of these (walked recursively in name order). Records stream one at a time: a
directory or JSONL file of any size is read without holding it in memory. A bad record yields
`Loaded(study=None, reason=...)` and reading goes on; a missing path or unreadable top-level format
raises `SourceError`. JSON is read under the text policy of `core.encoding`: invalid UTF-8 bytes and lone
surrogates become U+FFFD (`Loaded.repaired`), and a record nested deeper than its cap is skipped with the field.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from core.encoding import JsonDepthError, load_json
from ingest.legacy_xml import LegacyXmlError, study_from_xml
from ingest.models import Loaded
from ingest.studies import study_problem

_ZIP_MAGIC = b"PK\x03\x04"
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_KNOWN_SUFFIXES = (".json", ".xml", ".zip", *_JSONL_SUFFIXES)


class SourceError(ValueError):
    """A source path is missing or in a format trialmatch cannot read; the message says which."""


def iter_source(path: Path) -> Iterator[Loaded]:
    """Every record of `path` (a file or a directory), one `Loaded` at a time."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"source {path} does not exist: give the path of a study file, directory or .zip")
    if path.is_dir():
        yield from _iter_directory(path)
        return
    kind = _sniff(path)
    if kind is None:
        raise SourceError(
            f"source {path} is not a format trialmatch reads (API v2 JSON, JSON Lines, legacy "
            "<clinical_study> XML, or a .zip or directory of these)"
        )
    yield from _iter_file(path, kind)


def _iter_directory(directory: Path) -> Iterator[Loaded]:
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith(".")):
        kind = _sniff(path)
        if kind is None:
            yield Loaded(source=str(path), reason=f"not a study file (expected {', '.join(_KNOWN_SUFFIXES)})")
        else:
            yield from _iter_file(path, kind)


def _sniff(path: Path) -> str | None:
    """'zip', 'xml', 'jsonl' or 'json' from the first bytes (and the suffix for JSON Lines)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise SourceError(f"cannot read source {path}: {exc.strerror}") from exc
    return _kind(path.name, head)


def _kind(name: str, head: bytes) -> str | None:
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = name.lower()
    if text.startswith(b"<"):
        return "xml"
    if lower.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if text.startswith((b"{", b"[")) or lower.endswith(".json"):
        return "json"
    return None


def _iter_file(path: Path, kind: str) -> Iterator[Loaded]:
    if kind == "zip":
        yield from _iter_zip(path)
        return
    try:
        with path.open("rb") as handle:
            yield from _iter_stream(str(path), kind, handle)
    except OSError as exc:
        yield Loaded(source=str(path), reason=f"cannot read file: {exc.strerror}")


def _iter_zip(path: Path) -> Iterator[Loaded]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Loaded(source=str(path), reason=f"broken zip archive: {exc}")
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or Path(info.filename).name.startswith("."):
                continue
            source = f"{path}!{info.filename}"
            try:
                with archive.open(info) as member:
                    kind = _kind(info.filename, member.read(512))
                if kind is None or kind == "zip":
                    yield Loaded(source=source, reason="not a study file inside the zip")
                    continue
                with archive.open(info) as member:
                    yield from _iter_stream(source, kind, member)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                yield Loaded(source=source, reason=f"unreadable zip member: {exc}")


def _iter_stream(source: str, kind: str, handle: IO[bytes]) -> Iterator[Loaded]:
    if kind == "xml":
        yield _from_xml(source, handle.read())
    elif kind == "jsonl":
        yield from _iter_jsonl(source, handle)
    else:
        yield from _iter_json(source, handle.read())


def _from_xml(source: str, data: bytes) -> Loaded:
    try:
        return Loaded(source=source, study=study_from_xml(data))
    except LegacyXmlError as exc:
        return Loaded(source=source, reason=str(exc))


def _iter_jsonl(source: str, lines: Iterable[bytes]) -> Iterator[Loaded]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            where = f"{source}:{number}"
            yield _checked(where, _parse(line, where))


def _iter_json(source: str, data: bytes) -> Iterator[Loaded]:
    parsed = _parse(data, source)
    if isinstance(parsed, _Broken):
        if parsed.reason.startswith("invalid JSON: Extra data"):
            yield from _iter_jsonl(source, iter(data.splitlines()))
            return
        yield Loaded(source=source, reason=parsed.reason)
        return
    value, repaired = parsed
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield _checked(f"{source}[{index}]", (item, repaired))
    elif isinstance(value, dict) and "studies" in value and "protocolSection" not in value:
        studies = value["studies"]
        if not isinstance(studies, list):
            yield Loaded(source=source, reason="search page whose 'studies' is not a list")
            return
        for index, item in enumerate(studies):
            yield _checked(f"{source}[{index}]", (item, repaired))
    else:
        yield _checked(source, parsed)


class _Broken:
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _parse(data: bytes, where: str) -> tuple[Any, bool] | _Broken:
    """(value, repaired) of one JSON document, or why it cannot be read."""
    try:
        return load_json(data, where)
    except JsonDepthError as exc:
        return _Broken(exc.reason)
    except json.JSONDecodeError as exc:
        return _Broken(f"invalid JSON: {exc}")


def _checked(source: str, parsed: tuple[Any, bool] | _Broken) -> Loaded:
    if isinstance(parsed, _Broken):
        return Loaded(source=source, reason=parsed.reason)
    item, repaired = parsed
    problem = study_problem(item)
    if problem:
        return Loaded(source=source, reason=problem)
    return Loaded(source=source, study=item, repaired=repaired)
