"""Draw the trials of the project's own labelled extraction sets (issue 13), deterministically.

    .venv/bin/python bench/own_gold_select.py                 # print the 40 drawn trials, one JSON object a line
    .venv/bin/python bench/own_gold_select.py --skeleton out.jsonl   # and write unlabelled rows to label by hand
    .venv/bin/python bench/own_gold_select.py --set dev       # the 30 trials of the tuning set instead
    .venv/bin/python bench/own_gold_select.py --set dev-b     # the 25 trials of the second tuning set
    .venv/bin/python bench/own_gold_select.py --set held-b    # the 40 trials of the second held-out set
    .venv/bin/python bench/own_gold_select.py --set dev-c     # the 25 trials of the third tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-d     # the 25 trials of the fourth tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-e     # the 25 trials of the fifth tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-f     # the 25 trials of the tuning set of ids ending in 8
    .venv/bin/python bench/own_gold_select.py --set held-c    # the 40 trials of the third held-out set
    .venv/bin/python bench/own_gold_select.py --set dev-g     # the 40 trials of the sixth tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-h     # the 40 trials of the seventh tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-i     # the 40 trials of the eighth tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-j     # the 40 trials of the ninth tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-k     # the 40 trials of the tenth tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-l     # the 40 trials of the eleventh tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-m     # the 40 trials of the twelfth tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-n     # the 40 trials of the thirteenth tuning set
    .venv/bin/python bench/own_gold_select.py --set dev-o     # the 40 trials of the fourteenth tuning set

`--set held` (the default) draws the held-out set `bench/own_gold.jsonl`, `--set dev` the tuning set
`bench/own_dev.jsonl` (`DEV` below).

The pool: records of `../shared/ctgov/legacy-xml` and `../shared/ctgov/api-v2/studies` whose NCT id ends in 7, that
are in none of `../shared/gold/*.jsonl`, have an eligibility text, and are cancer trials (a registry condition or the
brief or official title maps to a cancer term of `nlp.diseases`). It is split into three layouts: legacy records in
the PDQ layout ("DISEASE CHARACTERISTICS:" / "PATIENT CHARACTERISTICS:" sections), other legacy records, and API v2
studies. Each layout gets a quota (14, 14, 12), filled first from the records whose criteria name a gene or tumour
marker (`MARKER`: marker-rich trials are preferred, as biomarkers are scored most), then from the others, each drawn
with one `random.Random(707)` over the sorted ids; the API v2 layout's shortfall moves to the legacy layouts. The
eligibility text is the one the extractor reads from the record: the API v2 `eligibilityCriteria`, or for a legacy
record that of `ingest.legacy_xml.study_from_xml` (hard wrapping reflowed, words unchanged). Nothing here runs the
extractor. Which records are cancer trials depends on the disease vocabulary at the time of the draw: a later
vocabulary (a basket term newly read in "... in Cancer Patients") can add records to a pool and so change a later
draw of the same set. The labelled files are the record of what was drawn; each set's draw is reproduced by this
script at the commit that added its labels.

The tuning set (`--set dev`) is drawn the same way from ids ending in 3 with `random.Random(303)`, outside the shared
gold sets and `bench/own_gold.jsonl`, and ONLY among trials whose criteria name a gene or tumour marker (`MARKER`, its
short words that are also English words, such as "met" or "kit", counted only in capitals). Its pool has a fourth
layout, the texts of `../shared/corpus/eligibility-texts.jsonl` whose trial has no record here (a corpus text is a
cancer trial when one of its lines maps to a cancer term); the quotas are 8, 8, 6 and 8, and a layout's shortfall
moves to the corpus texts.

The second tuning set (`--set dev-b`, `bench/own_dev_b.jsonl`) favours modern layouts: ids ending in 1,
`random.Random(101)`, marker trials only, outside the shared gold sets, `bench/own_gold.jsonl` and
`bench/own_dev.jsonl`; its 25 trials are API v2 studies first, as many as the pool has, then corpus texts, and only
then legacy records (of either layout, drawn together).

The second held-out set (`--set held-b`, `bench/own_held_b.jsonl`) draws ids ending in 9 with `random.Random(909)`,
outside the shared gold sets and the three sets above (`OWN_SETS`), among all four layouts (corpus texts with or
without a marker). Each layout gets 10 trials, 7 naming a marker (`names_marker`) and 3 not; the marker trials a
layout lacks are drawn from the other layouts' remaining marker trials, and the same for the plain ones, so that the
set holds 28 marker trials and 12 others when the pool allows.

The third tuning set (`--set dev-c`, `bench/own_dev_c.jsonl`) is drawn like the second held-out set, from ids ending
in 5 with `random.Random(505)`, outside the shared gold sets and `OWN_SETS` (the second held-out set's ids end in 9,
so it is apart without being read): 25 trials over the four layouts (7 legacy PDQ, 6 other legacy, 6 API v2, 6 corpus
texts), 18 naming a marker and 7 not when the pool allows. The pool holds a single API v2 study (naming no marker),
so the draw is 8 PDQ, 10 other legacy, 1 API v2 and 6 corpus texts, 18 of them naming a marker.
The fourth tuning set (`--set dev-d`, `bench/own_dev_d.jsonl`) is drawn as the second held-out set is, from ids ending
in 0 with `random.Random(1010)`, outside the shared gold sets and `OWN_SETS` (the held-out set's ids end in 9): 25
cancer trials, 18 naming a marker and 7 not, with quotas of 6 legacy PDQ, 6 other legacy, 5 API v2 and 8 corpus texts;
the API v2 layout holds only 3 marker trials, so its fourth marker trial is drawn from the other layouts' (the draw:
6 legacy PDQ, 7 other legacy, 4 API v2, 8 corpus texts).
The fifth tuning set (`--set dev-e`, `bench/own_dev_e.jsonl`) is drawn the same way from ids ending in 4 with
`random.Random(404)` (no other own set draws that digit, so none holds them): 25 cancer trials, 18 naming a marker
and 7 not, with quotas of 6 legacy PDQ, 6 other legacy, 5 API v2 and 8 corpus texts.
The tuning set of ids ending in 8 (`--set dev-f`, `bench/own_dev_f.jsonl`) is drawn as the fourth one is, from ids
ending in 8 with `random.Random(808)`, outside the shared gold sets and every earlier own set but the second held-out
one (`DEV_F_APART`; the held-out set's ids end in 9): 25 cancer trials, 18 naming a marker and 7 not, with quotas of 7
legacy PDQ, 6 other legacy, 4 API v2 and 8 corpus texts. The pool holds 6 API v2 studies (3 naming a marker), 8 PDQ and
5 other legacy records naming a marker, so each layout's marker share is met (the draw: 7 legacy PDQ, 6 other legacy,
4 API v2, 8 corpus texts, 5, 4, 3 and 6 of them naming a marker).
The third held-out set (`--set held-c`, `bench/own_held_c.jsonl`) is drawn exactly as the second one is, from ids
ending in 6 with `random.Random(606)`, outside the shared gold sets and every own set drawn before it (`HELD_C_APART`;
the second held-out set's ids end in 9, so it is apart without being read): 40 cancer trials, 10 per layout, 28
naming a marker and 12 not when the pool allows. The pool holds 15 API v2 studies, one naming a marker, so that
layout gets 4 trials (its 6 missing marker trials come from the other layouts' marker trials; the draw: 10 legacy
PDQ, 10 other legacy, 4 API v2, 16 corpus texts, 7, 7, 1 and 13 of them naming a marker).
The sixth tuning set (`--set dev-g`, `bench/own_dev_g.jsonl`) is drawn as the third held-out set is, from ids ending
in 2 (the last digit no own set had drawn) with `random.Random(202)`, outside the shared gold sets and every own set
(`DEV_G_APART`), leaning harder on markers, where held-out scores lag most: 40 cancer trials, 10 per layout, 32
naming a marker when the pool allows. The pool (222 PDQ, 55 other legacy, 5 API v2 records and 234 corpus texts)
holds 11, 2, 0 and 33 marker trials, so the draw is 11 legacy PDQ, 4 other legacy, 2 API v2 and 23 corpus texts,
9, 2, 0 and 21 of them naming a marker.
The seventh tuning set (`--set dev-h`, `bench/own_dev_h.jsonl`) is drawn as the sixth is, with every digit drawn
before: ids ending in 4 again (no held-out set's ids end in 4) with `random.Random(414)`, outside the shared gold sets
and every own set (`DEV_H_APART`, the fifth tuning set's trials among them): 40 cancer trials, 10 per layout, 32
naming a marker when the pool allows. The pool (202 PDQ, 61 other legacy, 5 API v2 records and 182 corpus texts)
holds 9, 4, 0 and 22 marker trials, so the draw is 10 legacy PDQ, 6 other legacy, 2 API v2 and 22 corpus texts, 8, 4,
0 and 20 of them naming a marker.
The eighth tuning set (`--set dev-i`, `bench/own_dev_i.jsonl`) is drawn as the seventh is, from ids ending in 0 again
(the fourth tuning set's digit; no held-out set's ids end in 0) with `random.Random(1111)`, outside the shared gold sets
and every own set, the held-out ones included (`DEV_I_APART`; only their ids are read): 40 cancer trials, 10 per
layout, 30 naming a marker when the pool allows. It was labelled blind, before the extractor ran on it, when every
tuning set scored 0.96-1.00 and the held-out sets lagged. The pool (200 PDQ, 69 other legacy, 16 API v2 records and
212 corpus texts) holds 10, 1, 0 and 31 marker trials, so the draw is 10 legacy PDQ, 4 other legacy, 2 API v2 and 24
corpus texts, 8, 1, 0 and 21 of them naming a marker.
The ninth tuning set (`--set dev-j`, `bench/own_dev_j.jsonl`) is drawn as the eighth is, from ids ending in 2 again
(the sixth tuning set's digit; no held-out set's ids end in 2) with `random.Random(2222)`, outside the shared gold sets
and every own set, the held-out ones included (`DEV_J_APART`; only their ids are read): 40 cancer trials, 30 naming a
marker when the pool allows, labelled blind before the extractor ran on them. Its quotas lean to API v2 studies and the
plain legacy layout (10 API v2, 14 other legacy, 8 PDQ, 8 corpus texts). The sixth tuning set took most of this
digit's marker trials: the pool (211 PDQ, 51 other legacy, 3 API v2 records and 211 corpus texts) holds 2, 0, 0 and 12
marker trials, so the draw would stop at 24 trials. It is filled (`fill`): each layout is topped up to its quota from
the trials left, in the quotas' order, then the rest comes from the layouts in that order. The draw: 3 API v2, 15 other
legacy, 8 legacy PDQ and 14 corpus texts, 0, 0, 2 and 12 of them naming a marker.
The tenth tuning set (`--set dev-k`, `bench/own_dev_k.jsonl`) is drawn as the ninth is, from ids ending in 3 again
(the first tuning set's digit; no held-out set's ids end in 3) with `random.Random(3333)`, outside the shared gold sets
and every own set, the held-out ones and the ninth tuning set included (`DEV_K_APART`; only their ids are read): 40
cancer trials, 30 naming a marker when the pool allows, filled (`fill`), labelled blind before the extractor ran on
them. The pool (199 PDQ, 69 other legacy, 11 API v2 records and 209 corpus texts) holds 6, 0, 0 and 20 marker
trials, all of which are drawn whatever the quotas, so the quotas give the plain trials to API v2 studies and plain
legacy records first (10 API v2, 14 other legacy, 10 PDQ, 6 corpus texts). The draw: 6 API v2, 4 other legacy, 8
legacy PDQ and 22 corpus texts, 0, 0, 6 and 20 of them naming a marker.
The eleventh tuning set (`--set dev-l`, `bench/own_dev_l.jsonl`) was drawn beside the tenth, as the ninth is, from ids
ending in 8 again (the tuning digit of `--set dev-f`; no held-out set's ids end in 8; the tenth set's end in 3) with
`random.Random(8888)`, outside the shared gold sets and every own set up to the ninth (`DEV_L_APART`): 40 cancer trials,
30 naming a marker when the pool allows, labelled blind before the extractor ran on them, filled (`fill`) when the pool
lacks marker trials. The pool (191 PDQ, 70 other legacy, 2 API v2 records and 240 corpus texts) holds 3, 2, 0 and 20
marker trials, so every one of its 25 marker trials is drawn; the quotas are 10 per layout (API v2 first, then corpus
texts, PDQ and other legacy records), and the draw is 2 API v2, 22 corpus texts, 10 legacy PDQ and 6 other legacy, 0,
20, 3 and 2 of them naming a marker.
The twelfth tuning set (`--set dev-m`, `bench/own_dev_m.jsonl`) is drawn as the ninth is, from ids ending in 5 again
(the third tuning set's digit; no held-out set's ids end in 5) with `random.Random(5555)`, outside the shared gold sets
and every own set, the held-out ones and the ninth tuning set included (`DEV_M_APART`; only their ids are read): 40
cancer trials, 30 naming a marker when the pool allows, filled (`fill`), labelled blind before the extractor ran on
them. The pool (210 PDQ, 65 other legacy, no API v2 record and 200 corpus texts) holds 6, 3, 0 and 39 marker trials, so
the quotas lean to the corpus texts (12 legacy PDQ, 10 other legacy, 18 corpus texts) and the marker trials the legacy
layouts lack come from the corpus texts. The draw: 10 legacy PDQ, 5 other legacy and 25 corpus texts, 6, 3 and 21 of
them naming a marker.
The thirteenth tuning set (`--set dev-n`, `bench/own_dev_n.jsonl`) is drawn as the twelfth is, from ids ending in 1
again (the second tuning set's digit; no held-out set's ids end in 1) with `random.Random(1212)`, outside the shared
gold sets and every own set, the held-out ones included (`DEV_N_APART`; only their ids are read): 40 cancer trials, 30
naming a marker when the pool allows, filled (`fill`), labelled blind before the extractor ran on them, with quotas of
10 per layout. The pool (209 PDQ, 70 other legacy, 12 API v2 records and 226 corpus texts) holds 13, 5, 0 and 23 marker
trials, so the API v2 layout gets only its 2 plain trials and its marker share comes from the other layouts. The draw:
14 legacy PDQ, 7 other legacy, 2 API v2 and 17 corpus texts, 11, 5, 0 and 14 of them naming a marker.
The fourteenth tuning set (`--set dev-o`, `bench/own_dev_o.jsonl`) is drawn as the ninth is, from ids ending in 4
again (the digit of the fifth and seventh tuning sets; no held-out set's ids end in 4) with `random.Random(4444)`,
outside the shared gold sets and every own set, the held-out ones included (`DEV_O_APART`; only their ids are read): 40
cancer trials, 30 naming a marker when the pool allows, filled (`fill`), labelled blind before the extractor ran on
them, with quotas of 10 per layout (API v2, corpus texts, PDQ, other legacy). The fifth and seventh tuning sets took
this digit's marker trials: the pool (192 PDQ, 55 other legacy, 3 API v2 records and 160 corpus texts) holds 1, 0, 0
and 2 marker trials, so the set is mostly filled with plain trials. The draw: 3 API v2, 17 corpus texts, 10 legacy PDQ
and 10 other legacy, 0, 2, 1 and 0 of them naming a marker.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import srsly

from ingest.legacy_xml import study_from_xml
from nlp.diseases import is_cancer, map_condition

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = 707
LAST_DIGIT = "7"
QUOTAS = {"legacy-pdq": 14, "legacy-other": 14, "api-v2": 12}
OWN_GOLD = ROOT / "bench" / "own_gold.jsonl"
OWN_DEV = ROOT / "bench" / "own_dev.jsonl"
# The labelled sets drawn before the second held-out set, which it avoids (not its own file, written after the draw).
OWN_SETS = tuple(ROOT / "bench" / f"own_{name}.jsonl" for name in ("gold", "dev", "dev_b"))
CORPUS = SHARED / "corpus" / "eligibility-texts.jsonl"
PDQ = re.compile(r"(DISEASE|PATIENT) CHARACTERISTICS:")
# A gene or tumour marker named in the criteria: only to prefer marker-rich trials, never to label them.
MARKER = re.compile(
    r"\b(?:HER-?2|erb-?B-?2|neu|EGFR|ALK|K-?RAS|N-?RAS|BRAF|NTRK\d?|PD-?L1|BCR[-/ ]?ABL|Philadelphia|FLT-?3|c-?KIT|KIT|"
    r"c-?MET|MET|ROS-?1|RET|BRCA\d?|IDH\d?|PIK3CA|JAK2|NPM1|MYCN|N-?myc|FGFR\d?|CD274|TP53|p53|MLL|KMT2A|PML|"
    r"RARA?|MGMT|CCND1|VHL|t\(9;22\)|t\(15;17\)|"
    r"(?:ER|PR|PgR)[- ]?(?:positive|negative|\+|-)|estrogen[- ]receptor|oestrogen[- ]receptor|progesterone[- ]receptor|"
    r"hormone[- ]receptor[- ]positive)(?![\w-])",
    re.IGNORECASE,
)
# MARKER's short words that are also English words: a marker only when written in capitals.
WORDLIKE = frozenset({"met", "ret", "kit", "neu", "alk", "pml", "mll", "rar", "rara", "idh", "vhl"})


@dataclass(frozen=True)
class Draw:
    """One labelled set's draw: the ids' last digit, the seed, the layouts' quotas, whether only marker trials and
    the labelled sets whose trials it leaves out (`apart_from`, beside the shared gold sets); `fill`: when the pool
    lacks the marker trials, the set's size is made up from the others (`_fill`)."""

    last_digit: str
    seed: int
    quotas: dict[str, int]
    markers_only: bool = False
    corpus: bool = False
    modern_first: bool = False
    markers: int = 0
    apart_from: tuple[Path, ...] = ()
    fill: bool = False


HELD = Draw(LAST_DIGIT, SEED, QUOTAS)
DEV = Draw("3", 303, {"legacy-pdq": 8, "legacy-other": 8, "api-v2": 6, "corpus": 8}, markers_only=True, corpus=True)
DEV_B = Draw("1", 101, {}, markers_only=True, corpus=True, modern_first=True)
HELD_B = Draw("9", 909, {"api-v2": 10, "corpus": 10, "legacy-pdq": 10, "legacy-other": 10}, corpus=True, markers=28)
DEV_C = Draw("5", 505, {"api-v2": 6, "corpus": 6, "legacy-pdq": 7, "legacy-other": 6}, corpus=True, markers=18)
DEV_D = Draw("0", 1010, {"api-v2": 5, "corpus": 8, "legacy-pdq": 6, "legacy-other": 6}, corpus=True, markers=18)
DEV_E = Draw("4", 404, {"api-v2": 5, "corpus": 8, "legacy-pdq": 6, "legacy-other": 6}, corpus=True, markers=18)
# The labelled sets drawn before the tuning set of ids ending in 8, which it avoids (the held-out set's ids end in 9).
DEV_F_APART = tuple(ROOT / "bench" / f"own_{name}.jsonl" for name in ("gold", "dev", "dev_b", "dev_c", "dev_d"))
DEV_F = Draw("8", 808, {"api-v2": 4, "corpus": 8, "legacy-pdq": 7, "legacy-other": 6}, corpus=True, markers=18,
             apart_from=DEV_F_APART)
# The labelled sets drawn before the third held-out set, which it avoids (the second held-out set's ids end in 9).
HELD_C_APART = (*DEV_F_APART, ROOT / "bench" / "own_dev_f.jsonl")
HELD_C = Draw("6", 606, {"api-v2": 10, "corpus": 10, "legacy-pdq": 10, "legacy-other": 10}, corpus=True, markers=28,
              apart_from=HELD_C_APART)
# The sixth tuning set, drawn after the third held-out set, which it avoids like every other own set.
DEV_G_APART = (*HELD_C_APART, ROOT / "bench" / "own_dev_e.jsonl")
DEV_G = Draw("2", 202, {"api-v2": 10, "corpus": 10, "legacy-pdq": 10, "legacy-other": 10}, corpus=True, markers=32,
             apart_from=DEV_G_APART)
# The seventh tuning set: every digit has been drawn, so it draws ids ending in 4 again (a tuning digit: no held-out
# set's ids end in 4) with another seed, apart from every own set, the fifth tuning set's trials among them.
DEV_H_APART = (*DEV_G_APART, ROOT / "bench" / "own_dev_g.jsonl")
DEV_H = Draw("4", 414, {"api-v2": 10, "corpus": 10, "legacy-pdq": 10, "legacy-other": 10}, corpus=True, markers=32,
             apart_from=DEV_H_APART)
# The eighth tuning set, labelled blind when every tuning set scored 0.96-1.00 and the held-out ones lagged: ids
# ending in 0 again (a tuning digit: no held-out set's ids end in 0) with another seed, apart from every own set, the
# held-out ones included (only their ids are read) and the fourth tuning set, whose ids also end in 0.
DEV_I_APART = (
    *DEV_H_APART,
    *(ROOT / "bench" / f"own_{name}.jsonl" for name in ("dev_h", "held_b", "held_c")),
)
DEV_I = Draw("0", 1111, {"api-v2": 10, "corpus": 10, "legacy-pdq": 10, "legacy-other": 10}, corpus=True, markers=30,
             apart_from=DEV_I_APART)
# The ninth tuning set, labelled blind like the eighth: ids ending in 2 again (the sixth tuning set's digit; no
# held-out set's ids end in 2) with another seed, apart from every own set, the eighth tuning set among them.
DEV_J_APART = (*DEV_I_APART, ROOT / "bench" / "own_dev_i.jsonl")
DEV_J = Draw("2", 2222, {"api-v2": 10, "legacy-other": 14, "legacy-pdq": 8, "corpus": 8}, corpus=True, markers=30,
             apart_from=DEV_J_APART, fill=True)
# The tenth tuning set, labelled blind like the ninth: ids ending in 3 again (the first tuning set's digit; no held-out
# set's ids end in 3) with another seed, apart from every own set, the ninth tuning set among them.
DEV_K_APART = (*DEV_J_APART, ROOT / "bench" / "own_dev_j.jsonl")
DEV_K = Draw("3", 3333, {"api-v2": 10, "legacy-other": 14, "legacy-pdq": 10, "corpus": 6}, corpus=True, markers=30,
             apart_from=DEV_K_APART, fill=True)
# The eleventh tuning set, drawn beside the tenth and labelled blind like it: ids ending in 8 again (the tuning digit
# of `DEV_F`; no held-out set's ids end in 8) with another seed, apart from every own set up to the ninth tuning set.
DEV_L_APART = (*DEV_J_APART, ROOT / "bench" / "own_dev_j.jsonl")
DEV_L = Draw("8", 8888, {"api-v2": 10, "corpus": 10, "legacy-pdq": 10, "legacy-other": 10}, corpus=True, markers=30,
             apart_from=DEV_L_APART, fill=True)
# The twelfth tuning set, labelled blind: ids ending in 5 (the third tuning set's digit; no held-out set's ids end
# in 5), apart from every own set up to the ninth tuning set (drawn beside the tenth and eleventh).
DEV_M_APART = (*DEV_J_APART, ROOT / "bench" / "own_dev_j.jsonl")
DEV_M = Draw("5", 5555, {"legacy-pdq": 12, "legacy-other": 10, "corpus": 18}, corpus=True, markers=30,
             apart_from=DEV_M_APART, fill=True)
# The thirteenth tuning set, labelled blind: ids ending in 1 (the second tuning set's digit; no held-out set's ids end
# in 1), apart from every own set, the held-out ones included (only their ids are read).
DEV_N_APART = tuple(
    ROOT / "bench" / f"own_{name}.jsonl"
    for name in ("gold", "held_b", "held_c", "dev", *(f"dev_{letter}" for letter in "bcdefghijklm"))
)
DEV_N = Draw("1", 1212, {"api-v2": 10, "corpus": 10, "legacy-pdq": 10, "legacy-other": 10}, corpus=True, markers=30,
             apart_from=DEV_N_APART, fill=True)
# The fourteenth tuning set, labelled blind: ids ending in 4 again (the fifth and seventh tuning sets' digit; no
# held-out set's ids end in 4) with another seed, apart from every own set, the held-out ones included (only their ids
# are read) and the fifth and seventh tuning sets, whose ids also end in 4.
DEV_O_APART = (*DEV_J_APART, *(ROOT / "bench" / f"own_{name}.jsonl" for name in ("dev_j", "dev_k", "dev_l", "dev_m")))
DEV_O = Draw("4", 4444, {"api-v2": 10, "corpus": 10, "legacy-pdq": 10, "legacy-other": 10}, corpus=True, markers=30,
             apart_from=DEV_O_APART, fill=True)
DRAWS = {
    "held": HELD,
    "dev": DEV,
    "dev-b": DEV_B,
    "held-b": HELD_B,
    "dev-c": DEV_C,
    "dev-d": DEV_D,
    "dev-e": DEV_E,
    "dev-f": DEV_F,
    "held-c": HELD_C,
    "dev-g": DEV_G,
    "dev-h": DEV_H,
    "dev-i": DEV_I,
    "dev-j": DEV_J,
    "dev-k": DEV_K,
    "dev-l": DEV_L,
    "dev-m": DEV_M,
    "dev-n": DEV_N,
    "dev-o": DEV_O,
}
DEV_B_SIZE = 25


def names_marker(criteria: str) -> bool:
    """Whether the criteria name a gene or tumour marker (`WORDLIKE` words only in capitals)."""
    return any(m.group().lower() not in WORDLIKE or m.group().isupper() for m in MARKER.finditer(criteria))


@dataclass(frozen=True)
class Candidate:
    nct_id: str
    layout: str
    source: str
    criteria: str
    marker: bool


def gold_ids(gold_dir: Path) -> set[str]:
    """Every trial id of the shared gold sets."""
    return {row["nct_id"] for path in sorted(gold_dir.glob("*.jsonl")) for row in srsly.read_jsonl(path)}


def _is_cancer_trial(protocol: dict) -> bool:
    ident = protocol.get("identificationModule") or {}
    phrases = list((protocol.get("conditionsModule") or {}).get("conditions") or [])
    phrases += [ident.get("briefTitle") or "", ident.get("officialTitle") or ""]
    return any(is_cancer(match) for phrase in phrases for match in map_condition(phrase))


def _candidate(study: dict, source: str, legacy: bool, draw: Draw) -> Candidate | None:
    protocol = study.get("protocolSection") or {}
    criteria = (protocol.get("eligibilityModule") or {}).get("eligibilityCriteria") or ""
    nct_id = (protocol.get("identificationModule") or {}).get("nctId") or ""
    if not criteria.strip() or not nct_id.endswith(draw.last_digit) or not _is_cancer_trial(protocol):
        return None
    layout = "api-v2" if not legacy else "legacy-pdq" if PDQ.search(criteria) else "legacy-other"
    marker = names_marker(criteria) if draw.markers_only or draw.markers else bool(MARKER.search(criteria))
    return Candidate(nct_id, layout, source, criteria, marker)


def _corpus_candidates(path: Path, draw: Draw, known: set[str]) -> list[Candidate]:
    found = []
    for row in srsly.read_jsonl(path):
        nct_id, criteria = row["nct_id"], row["criteria"]
        marker = names_marker(criteria)
        if nct_id in known or not nct_id.endswith(draw.last_digit) or not (marker or draw.markers):
            continue
        if any(is_cancer(match) for line in criteria.splitlines() for match in map_condition(line)):
            found.append(Candidate(nct_id, "corpus", f"corpus/{path.name}", criteria, marker))
    return found


def candidates(shared: Path = SHARED, draw: Draw = HELD) -> list[Candidate]:
    """The pool, sorted by NCT id: cancer trials with the draw's last digit outside the shared gold sets (and, for a
    draw of marker trials only, outside `bench/own_gold.jsonl` and naming a marker)."""
    excluded = gold_ids(shared / "gold")
    if draw.markers_only:
        excluded |= {row["nct_id"] for row in srsly.read_jsonl(OWN_GOLD)}
    if draw.modern_first:
        excluded |= {row["nct_id"] for row in srsly.read_jsonl(OWN_DEV)}
    if draw.markers:
        excluded |= {row["nct_id"] for path in OWN_SETS for row in srsly.read_jsonl(path)}
    excluded |= {row["nct_id"] for path in draw.apart_from for row in srsly.read_jsonl(path)}
    found: dict[str, Candidate] = {}
    for path in sorted((shared / "ctgov" / "legacy-xml").glob(f"NCT*{draw.last_digit}.xml")):
        if path.stem not in excluded:
            cand = _candidate(study_from_xml(path.read_bytes()), f"legacy-xml/{path.name}", True, draw)
            if cand:
                found[cand.nct_id] = cand
    for path in sorted((shared / "ctgov" / "api-v2" / "studies").glob(f"NCT*{draw.last_digit}.json")):
        if path.stem not in excluded:
            cand = _candidate(json.loads(path.read_text(encoding="utf-8")), f"api-v2/studies/{path.name}", False, draw)
            if cand:
                found[cand.nct_id] = cand
    if draw.markers_only:
        found = {k: c for k, c in found.items() if c.marker}
    if draw.corpus:
        records = {p.stem for p in (shared / "ctgov").glob("*/NCT*.xml")}
        records |= {p.stem for p in (shared / "ctgov").glob("*/studies/NCT*.json")}
        records |= {p.stem for p in (shared / "ctgov" / "ntrk").glob("NCT*.json")}
        for cand in _corpus_candidates(shared / "corpus" / "eligibility-texts.jsonl", draw, excluded | records):
            found[cand.nct_id] = cand
    return [found[k] for k in sorted(found)]


def _draw(rng: random.Random, pool: list[Candidate], total: int) -> list[Candidate]:
    marked = [c for c in pool if c.marker]
    plain = [c for c in pool if not c.marker]
    chosen = rng.sample(marked, min(total, len(marked)))
    return chosen + rng.sample(plain, min(total - len(chosen), len(plain)))


def _select_mixed(rng: random.Random, pool: list[Candidate], draw: Draw) -> list[Candidate]:
    """Per layout, its share of marker trials and of plain ones; then each kind's shortfall from what is left."""
    total = sum(draw.quotas.values())
    chosen: list[Candidate] = []
    for layout, quota in draw.quotas.items():
        in_layout = [c for c in pool if c.layout == layout]
        wanted = round(quota * draw.markers / total)
        for is_marker, count in ((True, wanted), (False, quota - wanted)):
            kind = [c for c in in_layout if c.marker is is_marker]
            chosen += rng.sample(kind, min(count, len(kind)))
    for is_marker, count in ((True, draw.markers), (False, total - draw.markers)):
        left = [c for c in pool if c.marker is is_marker and c not in chosen]
        short = count - sum(c.marker is is_marker for c in chosen)
        chosen += rng.sample(left, min(max(short, 0), len(left)))
    if draw.fill:
        chosen += _fill(rng, [c for c in pool if c not in chosen], chosen, draw)
    return sorted(chosen, key=lambda c: c.nct_id)


def _fill(rng: random.Random, left: list[Candidate], chosen: list[Candidate], draw: Draw) -> list[Candidate]:
    """When the pool lacks the marker trials, the set's size from the trials left: each layout topped up to its quota
    in the quotas' order, then the rest from the layouts in that order."""
    total = sum(draw.quotas.values())
    added: list[Candidate] = []
    for layout, quota in draw.quotas.items():
        in_layout = [c for c in left if c.layout == layout]
        have = sum(c.layout == layout for c in chosen)
        wanted = min(quota - have, total - len(chosen) - len(added))
        added += rng.sample(in_layout, min(max(wanted, 0), len(in_layout)))
    for layout in draw.quotas:
        in_layout = [c for c in left if c.layout == layout and c not in added]
        added += rng.sample(in_layout, min(total - len(chosen) - len(added), len(in_layout)))
    return added


def select(pool: list[Candidate], seed: int = SEED, draw: Draw = HELD) -> list[Candidate]:
    """The drawn trials. The held set: api-v2 first (its shortfall moves to the legacy layouts, split evenly), then
    legacy. The dev set: api-v2, legacy-pdq, legacy-other, each shortfall moving on to the corpus texts drawn last.
    The dev-b set: api-v2 studies, then corpus texts, then legacy records, until it has its 25 trials."""
    rng = random.Random(seed)
    if draw.markers:
        return _select_mixed(rng, pool, draw)
    if draw.modern_first:
        chosen: list[Candidate] = []
        for layouts in (("api-v2",), ("corpus",), ("legacy-pdq", "legacy-other")):
            chosen += _draw(rng, [c for c in pool if c.layout in layouts], DEV_B_SIZE - len(chosen))
        return sorted(chosen, key=lambda c: c.nct_id)
    by_layout = {layout: [c for c in pool if c.layout == layout] for layout in draw.quotas}
    chosen = _draw(rng, by_layout["api-v2"], draw.quotas["api-v2"])
    short = draw.quotas["api-v2"] - len(chosen)
    if draw.corpus:
        for layout in ("legacy-pdq", "legacy-other"):
            chosen += _draw(rng, by_layout[layout], draw.quotas[layout])
        chosen += _draw(rng, by_layout["corpus"], sum(draw.quotas.values()) - len(chosen))
        return sorted(chosen, key=lambda c: c.nct_id)
    for i, layout in enumerate(("legacy-pdq", "legacy-other")):
        chosen += _draw(rng, by_layout[layout], draw.quotas[layout] + (short + 1 - i) // 2)
    return sorted(chosen, key=lambda c: c.nct_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skeleton", type=Path, help="also write unlabelled rows (nct_id, criteria) to this file")
    parser.add_argument("--set", choices=sorted(DRAWS), default="held", help="which labelled set to draw")
    args = parser.parse_args(argv)
    draw = DRAWS[args.set]
    pool = candidates(draw=draw)
    chosen = select(pool, draw.seed, draw)
    for layout in (
        ("legacy-pdq", "legacy-other", "api-v2", "corpus") if draw.modern_first or draw.markers else draw.quotas
    ):
        in_pool = [c for c in pool if c.layout == layout]
        got = [c for c in chosen if c.layout == layout]
        print(
            f"{layout:13s} pool {len(in_pool):4d} ({sum(c.marker for c in in_pool)} naming a marker)  "
            f"drawn {len(got):2d} ({sum(c.marker for c in got)} naming a marker)",
            file=sys.stderr,
        )
    for c in chosen:
        print(json.dumps({"nct_id": c.nct_id, "layout": c.layout, "source": c.source, "marker": c.marker}))
    if args.skeleton:
        srsly.write_jsonl(args.skeleton, ({"nct_id": c.nct_id, "criteria": c.criteria} for c in chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
