"""The project's own labelled extraction sets: their files keep the gold schema, `--own` scores the held ones as
own-held, own-held-b and own-held-c, and the tuning sets are scored as own-dev, own-dev-b, own-dev-c, own-dev-d,
own-dev-e, own-dev-f, own-dev-g, own-dev-h, own-dev-i, own-dev-j, own-dev-k, own-dev-l, own-dev-m, own-dev-n and
own-dev-o by default."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import srsly

from bench.eval_extraction import (
    GOLD_DIR,
    OWN_DEV,
    OWN_DEV_B,
    OWN_DEV_C,
    OWN_DEV_D,
    OWN_DEV_E,
    OWN_DEV_F,
    OWN_DEV_G,
    OWN_DEV_H,
    OWN_DEV_I,
    OWN_DEV_J,
    OWN_DEV_K,
    OWN_DEV_L,
    OWN_DEV_M,
    OWN_DEV_N,
    OWN_DEV_O,
    OWN_GOLD,
    OWN_HELD_B,
    OWN_HELD_C,
    OWN_TUNING,
    Accuracy,
    Counts,
    evaluate,
)
from bench.own_gold_select import (
    DEV,
    DEV_B,
    DEV_C,
    DEV_D,
    DEV_E,
    DEV_F,
    DEV_G,
    DEV_H,
    DEV_I,
    DEV_J,
    DEV_K,
    DEV_L,
    DEV_M,
    DEV_N,
    DEV_O,
    HELD_B,
    HELD_C,
    LAST_DIGIT,
    candidates,
    names_marker,
    select,
)

ROWS = list(srsly.read_jsonl(OWN_GOLD))
DEV_ROWS = list(srsly.read_jsonl(OWN_DEV))
DEV_B_ROWS = list(srsly.read_jsonl(OWN_DEV_B))
DEV_C_ROWS = list(srsly.read_jsonl(OWN_DEV_C))
HELD_B_ROWS = list(srsly.read_jsonl(OWN_HELD_B))
DEV_D_ROWS = list(srsly.read_jsonl(OWN_DEV_D))
DEV_E_ROWS = list(srsly.read_jsonl(OWN_DEV_E))
DEV_F_ROWS = list(srsly.read_jsonl(OWN_DEV_F))
DEV_G_ROWS = list(srsly.read_jsonl(OWN_DEV_G))
DEV_H_ROWS = list(srsly.read_jsonl(OWN_DEV_H))
DEV_I_ROWS = list(srsly.read_jsonl(OWN_DEV_I))
DEV_J_ROWS = list(srsly.read_jsonl(OWN_DEV_J))
DEV_K_ROWS = list(srsly.read_jsonl(OWN_DEV_K))
DEV_L_ROWS = list(srsly.read_jsonl(OWN_DEV_L))
DEV_M_ROWS = list(srsly.read_jsonl(OWN_DEV_M))
DEV_N_ROWS = list(srsly.read_jsonl(OWN_DEV_N))
DEV_O_ROWS = list(srsly.read_jsonl(OWN_DEV_O))
HELD_C_ROWS = list(srsly.read_jsonl(OWN_HELD_C))
ALTERATIONS = {"mutation", "fusion", "amplification", "deletion", "expression", "any"}
MARKER_KEYS = {"gene", "alteration", "polarity", "min_copies"}


def _is_years(value: object) -> bool:
    return value is None or (isinstance(value, (int, float)) and 0 <= value <= 120)


def test_the_own_set_holds_forty_distinct_trials_outside_the_shared_gold_sets():
    ids = [row["nct_id"] for row in ROWS]
    shared = {row["nct_id"] for path in Path(GOLD_DIR).glob("*.jsonl") for row in srsly.read_jsonl(path)}
    assert len(ids) == 40 and len(set(ids)) == 40
    assert all(re.fullmatch(r"NCT\d{8}", i) and i.endswith(LAST_DIGIT) for i in ids)
    assert not set(ids) & shared


def test_the_tuning_set_holds_thirty_distinct_trials_outside_the_shared_gold_sets_and_the_held_set():
    ids = [row["nct_id"] for row in DEV_ROWS]
    shared = {row["nct_id"] for path in Path(GOLD_DIR).glob("*.jsonl") for row in srsly.read_jsonl(path)}
    assert len(ids) == 30 and len(set(ids)) == 30
    assert all(re.fullmatch(r"NCT\d{8}", i) and i.endswith(DEV.last_digit) for i in ids)
    assert not set(ids) & (shared | {row["nct_id"] for row in ROWS})


def test_the_second_tuning_set_holds_25_distinct_trials_outside_every_other_labelled_set():
    ids = [row["nct_id"] for row in DEV_B_ROWS]
    shared = {row["nct_id"] for path in Path(GOLD_DIR).glob("*.jsonl") for row in srsly.read_jsonl(path)}
    assert len(ids) == 25 and len(set(ids)) == 25
    assert all(re.fullmatch(r"NCT\d{8}", i) and i.endswith(DEV_B.last_digit) for i in ids)
    assert not set(ids) & (shared | {row["nct_id"] for row in ROWS + DEV_ROWS})


def test_the_second_held_out_set_holds_40_distinct_trials_outside_every_other_labelled_set_28_naming_a_marker():
    ids = [row["nct_id"] for row in HELD_B_ROWS]
    shared = {row["nct_id"] for path in Path(GOLD_DIR).glob("*.jsonl") for row in srsly.read_jsonl(path)}
    assert len(ids) == 40 and len(set(ids)) == 40
    assert all(re.fullmatch(r"NCT\d{8}", i) and i.endswith(HELD_B.last_digit) for i in ids)
    assert not set(ids) & (shared | {row["nct_id"] for row in ROWS + DEV_ROWS + DEV_B_ROWS})
    assert sum(names_marker(row["criteria"]) for row in HELD_B_ROWS) == HELD_B.markers == 28


@pytest.mark.parametrize(
    ("rows", "draw", "digit", "markers"),
    [(HELD_C_ROWS, HELD_C, "6", 28), (DEV_G_ROWS, DEV_G, "2", 32), (DEV_H_ROWS, DEV_H, "4", 32),
     (DEV_I_ROWS, DEV_I, "0", 30), (DEV_J_ROWS, DEV_J, "2", 14), (DEV_K_ROWS, DEV_K, "3", 26),
     (DEV_L_ROWS, DEV_L, "8", 25), (DEV_M_ROWS, DEV_M, "5", 30), (DEV_N_ROWS, DEV_N, "1", 30),
     (DEV_O_ROWS, DEV_O, "4", 3)],
    ids=["own-held-c", "own-dev-g", "own-dev-h", "own-dev-i", "own-dev-j", "own-dev-k", "own-dev-l", "own-dev-m",
         "own-dev-n", "own-dev-o"],
)
def test_the_later_sets_of_40_hold_distinct_trials_of_their_digit_outside_every_other_labelled_set(
    rows, draw, digit, markers
):
    ids = [row["nct_id"] for row in rows]
    own = [ROWS, DEV_ROWS, DEV_B_ROWS, HELD_B_ROWS, DEV_C_ROWS, DEV_D_ROWS, DEV_E_ROWS, DEV_F_ROWS, HELD_C_ROWS]
    own += [DEV_G_ROWS, DEV_H_ROWS, DEV_I_ROWS, DEV_J_ROWS, DEV_K_ROWS, DEV_L_ROWS, DEV_M_ROWS, DEV_N_ROWS,
            DEV_O_ROWS]
    others = {row["nct_id"] for labelled in own if labelled is not rows for row in labelled}
    shared = {row["nct_id"] for path in Path(GOLD_DIR).glob("*.jsonl") for row in srsly.read_jsonl(path)}
    assert len(ids) == 40 and len(set(ids)) == 40
    assert draw.last_digit == digit and all(re.fullmatch(r"NCT\d{8}", i) and i.endswith(digit) for i in ids)
    assert not set(ids) & (shared | others)
    assert sum(names_marker(row["criteria"]) for row in rows) == markers
    assert markers == draw.markers or (draw.fill and markers < draw.markers)


@pytest.mark.parametrize(
    ("rows", "draw"),
    [(DEV_G_ROWS, DEV_G), (DEV_H_ROWS, DEV_H), (DEV_I_ROWS, DEV_I), (DEV_J_ROWS, DEV_J), (DEV_K_ROWS, DEV_K),
     (DEV_L_ROWS, DEV_L), (DEV_M_ROWS, DEV_M), (DEV_N_ROWS, DEV_N),
     (DEV_O_ROWS, DEV_O)],
    ids=["own-dev-g", "own-dev-h", "own-dev-i", "own-dev-j", "own-dev-k", "own-dev-l", "own-dev-m", "own-dev-n",
         "own-dev-o"],
)
def test_the_latest_tuning_sets_draws_give_the_trials_and_texts_of_their_files(rows, draw):
    drawn = select(candidates(draw=draw), draw.seed, draw)
    assert [(c.nct_id, c.criteria) for c in drawn] == [(row["nct_id"], row["criteria"]) for row in rows]


@pytest.mark.parametrize(
    ("rows", "draw"),
    [(DEV_C_ROWS, DEV_C), (DEV_D_ROWS, DEV_D), (DEV_E_ROWS, DEV_E), (DEV_F_ROWS, DEV_F)],
    ids=["own-dev-c", "own-dev-d", "own-dev-e", "own-dev-f"],
)
def test_the_later_tuning_sets_hold_25_distinct_trials_outside_every_other_labelled_set_18_naming_a_marker(rows, draw):
    ids = [row["nct_id"] for row in rows]
    later = DEV_C_ROWS + DEV_D_ROWS + DEV_E_ROWS + DEV_F_ROWS
    others = ROWS + DEV_ROWS + DEV_B_ROWS + HELD_B_ROWS + [row for row in later if row not in rows]
    shared = {row["nct_id"] for path in Path(GOLD_DIR).glob("*.jsonl") for row in srsly.read_jsonl(path)}
    assert len(ids) == 25 and len(set(ids)) == 25
    assert all(re.fullmatch(r"NCT\d{8}", i) and i.endswith(draw.last_digit) for i in ids)
    assert not set(ids) & (shared | {row["nct_id"] for row in others})
    assert sum(names_marker(row["criteria"]) for row in rows) == draw.markers == 18


@pytest.mark.parametrize(
    "rows",
    [ROWS, DEV_ROWS, DEV_B_ROWS, HELD_B_ROWS, DEV_C_ROWS, DEV_D_ROWS, DEV_E_ROWS, DEV_F_ROWS, HELD_C_ROWS, DEV_G_ROWS,
     DEV_H_ROWS, DEV_I_ROWS, DEV_J_ROWS, DEV_K_ROWS, DEV_L_ROWS, DEV_M_ROWS, DEV_N_ROWS,
     DEV_O_ROWS],
    ids=["own-held", "own-dev", "own-dev-b", "own-held-b", "own-dev-c", "own-dev-d", "own-dev-e", "own-dev-f",
         "own-held-c", "own-dev-g", "own-dev-h", "own-dev-i", "own-dev-j", "own-dev-k", "own-dev-l", "own-dev-m",
         "own-dev-n", "own-dev-o"],
)
def test_every_line_has_the_schema_of_extraction_dev2(rows):
    for row in rows:
        assert set(row) == {"nct_id", "criteria", "expected", "notes"}, row["nct_id"]
        assert isinstance(row["criteria"], str) and row["criteria"].strip()
        assert isinstance(row["notes"], str) and row["notes"].strip()
        expected = row["expected"]
        assert set(expected) == {"age", "performance_status", "biomarkers"}
        age, ps = expected["age"], expected["performance_status"]
        assert set(age) == {"min_years", "max_years"} and all(_is_years(v) for v in age.values())
        assert age["min_years"] is None or age["max_years"] is None or age["min_years"] <= age["max_years"]
        assert set(ps) == {"ecog_max", "karnofsky_min"}
        assert ps["ecog_max"] is None or ps["ecog_max"] in range(6)
        assert ps["karnofsky_min"] is None or ps["karnofsky_min"] in range(0, 101)
        keys = set()
        for marker in expected["biomarkers"]:
            assert MARKER_KEYS <= set(marker) <= MARKER_KEYS | {"any_of"}, row["nct_id"]
            assert re.fullmatch(r"[A-Z][A-Z0-9-]*", marker["gene"])
            assert marker["alteration"] in ALTERATIONS and marker["polarity"] in {"required", "excluded"}
            assert marker["min_copies"] is None or marker["min_copies"] > 0
            assert marker.get("any_of") is None or isinstance(marker["any_of"], str)
            keys.add((marker["gene"], marker["alteration"], marker["polarity"]))
        assert len(keys) == len(expected["biomarkers"]), f"{row['nct_id']}: duplicate biomarker entries"


def _gold_row(nct_id: str, criteria: str, expected: dict) -> dict:
    return {"nct_id": nct_id, "criteria": criteria, "expected": expected, "notes": ""}


def _shared_gold(gold_dir: Path) -> dict:
    """One-line stand-ins for the shared gold files in `gold_dir`; returns the expected facts of a text with none."""
    nothing = {
        "age": {"min_years": None, "max_years": None},
        "performance_status": {"ecog_max": None, "karnofsky_min": None},
        "biomarkers": [],
    }
    consent = _gold_row("NCT00000001", "Inclusion Criteria:\n- Informed consent", nothing)
    for name in ("extraction_dev.jsonl", "extraction_dev2.jsonl"):
        srsly.write_jsonl(gold_dir / name, [consent])
    srsly.write_jsonl(
        gold_dir / "age_dev.jsonl",
        [{"nct_id": "NCT00000002", "criteria": "Age 18 or older", "expected": {"age": nothing["age"]}}],
    )
    return nothing


def test_own_scores_a_given_gold_file_as_own_held_own_held_b_or_own_held_c_with_the_dev_definitions(tmp_path):
    _shared_gold(tmp_path)
    own = tmp_path / "own.jsonl"
    expected = {
        "age": {"min_years": 18, "max_years": 70},
        "performance_status": {"ecog_max": 1, "karnofsky_min": None},
        "biomarkers": [{"gene": "BRAF", "alteration": "mutation", "polarity": "required", "min_copies": None}],
    }
    criteria = "Inclusion Criteria:\n- Aged 18 to 70 years\n- ECOG 0-1\n- Documented BRAF V600E mutation"
    srsly.write_jsonl(own, [_gold_row("NCT00000003", criteria, expected)])

    no_tuning: dict[str, dict[str, Path]] = {"tuning": {}}
    held = {"own-held", "own-held-b", "own-held-c"}
    assert not held & set(evaluate(tmp_path, **no_tuning))
    for set_name, given in (("own-held", {"own": own}), ("own-held-b", {"own_b": own}), ("own-held-c", {"own_c": own})):
        scored = evaluate(tmp_path, **no_tuning, **given)
        assert held & set(scored) == {set_name}
        scores = scored[set_name]
        age, ecog, strict = scores["age"], scores["ecog_max"], scores["biomarker (gene, alteration, polarity)"]
        assert isinstance(age, Accuracy) and (age.right, age.total) == (1, 1)
        assert isinstance(ecog, Accuracy) and (ecog.right, ecog.total) == (1, 1)
        assert isinstance(strict, Counts) and (strict.tp, strict.fp, strict.fn) == (1, 0, 0)


@pytest.mark.parametrize(
    "set_name",
    ["own-dev", "own-dev-b", "own-dev-c", "own-dev-d", "own-dev-e", "own-dev-f", "own-dev-g", "own-dev-h", "own-dev-i",
     "own-dev-j", "own-dev-k", "own-dev-l", "own-dev-m", "own-dev-n",
     "own-dev-o"],
)
def test_the_tuning_sets_are_scored_by_default(tmp_path, set_name):
    assert inspect.signature(evaluate).parameters["tuning"].default is OWN_TUNING
    assert OWN_TUNING[set_name].name == set_name.replace("-", "_") + ".jsonl" and OWN_TUNING[set_name].exists()
    nothing = _shared_gold(tmp_path)
    tuning = tmp_path / "own_dev.jsonl"
    expected = dict(nothing, age={"min_years": 18, "max_years": None})
    srsly.write_jsonl(tuning, [_gold_row("NCT00000013", "Inclusion Criteria:\n- Age 18 years or older", expected)])

    assert set_name not in evaluate(tmp_path, tuning={})
    age = evaluate(tmp_path, tuning={set_name: tuning})[set_name]["age"]
    assert isinstance(age, Accuracy) and (age.right, age.total) == (1, 1)
