"""The `extract` command: eligibility facts of every trial in a file, one JSON line per trial.

    $ trialmatch extract --input ../shared/ctgov/ntrk --output facts.jsonl
    $ trialmatch extract --input ../shared/corpus/eligibility-texts.jsonl --output facts.jsonl
    $ trialmatch extract --input ../shared/ctgov/ntrk --pretty NCT04879121

Input: anything `ingest --source` reads (API v2 study JSON, search pages, JSON lists, JSONL, legacy XML, .zip,
directories), or JSON Lines of `{"nct_id": ..., "criteria": ...}` (text only: age from the text alone).
Output: one `TrialCriteria` JSON object per trial, in input order; records that are not trials (a line without
a string `nct_id`, or whose `criteria` is neither a string nor null) are skipped, named and counted on stderr,
the rest of the file still read. Text is read under `core.encoding`'s policy: invalid UTF-8 and lone
surrogates become U+FFFD, and the summary counts the records repaired. `--pretty NCT_ID` prints that trial's
facts, each with the sentence it came from.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import typer

from core.encoding import JsonDepthError, load_json
from nlp.models import TrialCriteria
from trialmatch.cli import UserError

_TEXT_SUFFIXES = (".jsonl", ".ndjson", ".json")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=\S)")
_SHOWN = 160
_NAMED_SKIPS = 20


class _Skips:
    """Records that are not trials: how many, and the first few with their reasons; and how many were repaired."""

    def __init__(self) -> None:
        self.count = 0
        self.named: list[str] = []
        self.repaired = 0

    @property
    def first(self) -> str | None:
        return self.named[0] if self.named else None

    def add(self, source: str, reason: str) -> None:
        self.count += 1
        if len(self.named) < _NAMED_SKIPS:
            self.named.append(f"{source}: {reason}")


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)


def _is_text_jsonl(path: Path) -> bool:
    """Whether `path` holds JSON Lines of {"nct_id", "criteria"} records rather than API v2 studies."""
    if not path.is_file() or not path.name.lower().endswith(_TEXT_SUFFIXES):
        return False
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                try:
                    first, _repaired = load_json(line, str(path))
                except ValueError:  # not JSON, or nested past the cap
                    return False
                return isinstance(first, dict) and "protocolSection" not in first and (
                    "criteria" in first or "nct_id" in first
                )
    return False


def _text_records(path: Path, skips: _Skips) -> Iterator[tuple[str, str]]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record, repaired = load_json(line, where)
            except JsonDepthError as exc:
                skips.add(where, exc.reason)
                continue
            except json.JSONDecodeError as exc:
                skips.add(where, f"not a JSON line ({exc})")
                continue
            if not isinstance(record, dict):
                skips.add(where, "not a JSON object")
                continue
            text, nct_id = record.get("criteria"), record.get("nct_id")
            if not isinstance(nct_id, str) or not nct_id.strip():
                skips.add(where, "nct_id: missing or not a string; give the trial's NCT id")
            elif text is not None and not isinstance(text, str):
                skips.add(where, f"criteria: expected the eligibility text as a string, got {type(text).__name__}")
            else:
                skips.repaired += repaired
                yield text or "", nct_id


def _studies(path: Path, skips: _Skips) -> Iterator[dict]:
    from ingest.loaders import iter_source

    for loaded in iter_source(path):
        if loaded.study is None:
            skips.add(loaded.source, loaded.reason or "unreadable")
        else:
            skips.repaired += loaded.repaired
            yield loaded.study


def _facts(path: Path, skips: _Skips, wanted: str | None, texts: dict[str, str]) -> Iterator[TrialCriteria]:
    """Facts of each trial in `path`; the eligibility text of trial `wanted` is kept in `texts`."""
    from nlp.extract import eligibility_text, extract_studies, extract_texts  # spaCy loads only when used

    def remember(nct_id: str | None, text: str) -> None:
        if wanted and (nct_id or "").strip().upper() == wanted:
            texts[wanted] = text

    if _is_text_jsonl(path):
        def remembered_texts() -> Iterator[tuple[str | None, str | None]]:
            for text, nct_id in _text_records(path, skips):
                remember(nct_id, text)
                yield text, nct_id

        yield from extract_texts(remembered_texts())
        return

    def remembered_studies() -> Iterator[dict]:
        for study in _studies(path, skips):
            remember(((study.get("protocolSection") or {}).get("identificationModule") or {}).get("nctId"),
                     eligibility_text(study))
            yield study

    yield from extract_studies(remembered_studies())


def _sentence(text: str, span: tuple[int, int], within: tuple[int, int]) -> str:
    """The sentence of `text` around `span`, inside the criterion span `within`, whitespace collapsed."""
    start, end = within
    for boundary in _SENTENCE_END.finditer(text, start, end):
        if boundary.start() <= span[0]:
            start = boundary.end()
        elif boundary.start() >= span[1]:
            end = boundary.start()
            break
    sentence = " ".join(text[start:end].replace("\\", "").split())
    return sentence if len(sentence) <= _SHOWN else sentence[: _SHOWN - 1] + "…"


def _show(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _pretty(facts: TrialCriteria, text: str, out: IO[str]) -> None:
    age, ps = facts.age, facts.performance_status
    criteria = facts.criteria

    def source(index: int | None, span: tuple[int, int] | None = None) -> str:
        if index is None or index >= len(criteria):
            return ""
        criterion = criteria[index]
        said = _sentence(text, span, criterion.span) if span else _show(criterion.text)
        return f"\n      [{criterion.section} #{index}] {said}"

    def where(kind: str) -> str:
        return "".join(source(i) for i, c in enumerate(criteria) if kind in c.kinds)

    lines = [f"{facts.nct_id or '(no NCT id)'}: {len(criteria)} criteria, sex {facts.sex}"]
    lines.append(f"  age: {age.min_years} to {age.max_years} years (source: {age.source})" + where("age"))
    if facts.age_in_text is not None:
        said = facts.age_in_text
        lines.append(f"  age in the criteria text: {said.min_years} to {said.max_years} years, unlike the registry's"
                     " (the registry's window is used)")
    lines.append(
        f"  performance status: ECOG max {ps.ecog_max}, Karnofsky min {ps.karnofsky_min}, "
        f"Lansky min {ps.lansky_min}" + where("performance_status")
    )
    for b in facts.biomarkers:
        detail = ", ".join(
            part for part in (
                b.variant and f"variant {b.variant}",
                b.min_copies is not None and f"min copies {b.min_copies:g}",
                b.any_of and f"any of {b.any_of}",
            ) if part
        )
        lines.append(
            f"  biomarker: {b.gene} {b.alteration} {b.polarity}" + (f" ({detail})" if detail else "")
            + source(b.criterion, b.span)
        )
    for t in facts.prior_therapies:
        lines.append(f"  prior therapy: {t.drug_or_class} {t.polarity}" + source(t.criterion, t.span))
    for u in facts.uncertain:
        fact = (
            f"{u.biomarker.gene} {u.biomarker.alteration} {u.biomarker.polarity}" if u.biomarker
            else f"prior therapy {u.therapy.drug_or_class} {u.therapy.polarity}" if u.therapy else u.kind
        )
        lines.append(f"  uncertain ({u.reason}, not judged): {fact}" + source(u.criterion, u.span))
    cns = facts.cns_metastases
    if cns.allowed is not None:
        lines.append(f"  CNS metastases allowed: {cns.allowed}" + source(cns.criterion))
    for lab in facts.labs:
        unit = " x ULN" if lab.uln_multiple else (f" {lab.unit}" if lab.unit else "")
        lines.append(f"  lab: {lab.analyte} {lab.comparator} {lab.value:g}{unit}" + source(lab.criterion))
    out.write("\n".join(lines) + "\n")
    out.flush()


def extract(
    input_path: Path = typer.Option(
        ..., "--input", "-i",
        help="Studies (anything `ingest --source` reads) or JSON Lines of {nct_id, criteria}.",
    ),
    output: Path = typer.Option(None, "--output", "-o", help="Write one JSON line of facts per trial here."),
    pretty: str = typer.Option(None, "--pretty", help="Print this trial's facts with the sentence each came from."),
) -> None:
    """Extract structured eligibility facts (age, performance status, biomarkers ...) from criteria text."""
    if output is None and pretty is None:
        raise UserError("say where the facts go: --output PATH.jsonl, or --pretty NCT_ID to read one trial")
    if output is not None and not output.parent.is_dir():
        raise UserError(f"--output: directory {output.parent} does not exist; create it or choose another path")
    wanted = pretty.strip().upper() if pretty else None
    from ingest.loaders import SourceError

    skips = _Skips()
    texts: dict[str, str] = {}
    started, count, shown = time.monotonic(), 0, False
    sink = output.open("w", encoding="utf-8") if output is not None else None
    try:
        for facts in _facts(input_path, skips, wanted, texts):
            count += 1
            if sink is not None:
                sink.write(facts.model_dump_json() + "\n")
            if wanted and (facts.nct_id or "").upper() == wanted:
                _pretty(facts, texts.get(wanted, ""), sys.stdout)
                shown = True
                if sink is None:
                    break
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    finally:
        if sink is not None:
            sink.close()
    elapsed = time.monotonic() - started
    summary = f"extracted {count} trials in {elapsed:.1f}s"
    if output is not None:
        summary += f" to {output}"
    if skips.repaired:
        summary += f"; repaired {skips.repaired} records (invalid text replaced by U+FFFD)"
    for named in skips.named:
        typer.echo(f"skipped {named}", err=True)
    if skips.count:
        summary += f"; skipped {skips.count} records that are not trials (first: {skips.first})"
    typer.echo(summary, err=True)
    if wanted and not shown:
        raise UserError(f"--pretty: {wanted} is not in {input_path}; check the NCT id")
