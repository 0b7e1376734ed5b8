"""Build the shipped disease vocabulary `nlp/vocab/diseases.jsonl` from the ontologies in `../shared/ontology/`.

    python scripts/build_disease_vocab.py             # reads ../shared/ontology, writes nlp/vocab/diseases.jsonl
    python scripts/build_disease_vocab.py --check     # exit 1 when the shipped file differs from a rebuild
    python scripts/build_disease_vocab.py --ontology DIR --output FILE

Sources, joined into one term per disease:
- Human Disease Ontology (DO) cancer slim and NCIthesaurus subset (CC0 1.0): ids, names, EXACT and RELATED synonyms,
  `is_a` parents (the union of both subsets' parents, minus any parent implied by another), NCIt codes. NARROW and
  BROAD synonyms, obsolete terms and synonyms longer than 12 words are left out.
- OncoTree (CC BY 4.0, "OncoTree, Memorial Sloan Kettering Cancer Center"): a node whose NCIt code a DO term also
  carries adds its code, name and tissue to that term; a node no DO term shares a code with becomes its own term
  `ONCOTREE:<code>` under the DO term of its nearest joined OncoTree ancestor (else cancer, or haematologic cancer
  for the Myeloid and Lymphoid tissues).

`inferred` lists parents read from names that compose a site and a histology (see `infer_parents`): the subsets
classify mostly by site, so without them "colorectal adenocarcinoma" would not be an adenocarcinoma.
`nlp/vocab/disease_parents.jsonl` (hand data, each row naming its source) adds parents the subsets flatten away
("liposarcoma" is only a "cancer" there, not a soft tissue sarcoma), moves a term from an ontology parent it does not
lie below (a row's `instead_of`: DO files hairy cell and prolymphocytic leukaemia under chronic lymphocytic leukaemia)
and keeps the name rules from a few names that mislead ("carcinosarcoma" is no sarcoma); the header lists it as a
source.
Each term line carries `cancer`: "solid", "haematologic" (at or below haematologic cancer DOID:2531), or "any"
(cancer itself), computed from the joined parents; non-cancer terms omit it. Immune system cancer DOID:0060083 is no
haematologic root: the subsets file below it only organ cancers of the thymus and lymph nodes (thymoma, thymic
carcinoma, lymphangiosarcoma), solid tumours (WHO Classification of Thoracic Tumours, 5th ed.).
The first line is a header naming every source, its release and licence. Output is sorted and deterministic.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ONTOLOGY = ROOT.parent / "shared" / "ontology"
DEFAULT_OUTPUT = ROOT / "nlp" / "vocab" / "diseases.jsonl"
HAND_PARENTS = ROOT / "nlp" / "vocab" / "disease_parents.jsonl"

DO_FILES = ("DO_cancer_slim.obo", "DO_NCIthesaurus_subset.obo")
ONCOTREE_GLOB = "oncotree_*.json"
CANCER = "DOID:162"
HAEMATOLOGIC = "DOID:2531"  # hematologic cancer
HAEMATOLOGIC_TISSUES = {"Myeloid", "Lymphoid"}
MAX_SYNONYM_WORDS = 12

SYNONYM_LINE = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+(EXACT|RELATED|NARROW|BROAD)\b')


def parse_obo(path: Path) -> tuple[dict[str, str], dict[str, dict]]:
    """(header tags, terms by id) of an OBO file: name, synonyms by scope, is_a ids, NCIt codes, obsolete flag."""
    header: dict[str, str] = {}
    terms: dict[str, dict] = {}
    stanza: dict | None = None
    in_header = True
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_header = False
            stanza = (
                {"exact": [], "related": [], "is_a": [], "nci": [], "obsolete": False} if line == "[Term]" else None
            )
            continue
        if not line or ": " not in line:
            continue
        tag, value = line.split(": ", 1)
        if in_header:
            header.setdefault(tag, value)
            continue
        if stanza is None:
            continue
        if tag == "id":
            stanza["id"] = value
            terms[value] = stanza
        elif tag == "name":
            stanza["name"] = value
        elif tag == "synonym":
            found = SYNONYM_LINE.match(value)
            if found and found.group(2) in ("EXACT", "RELATED"):
                stanza[found.group(2).lower()].append(found.group(1).replace('\\"', '"'))
        elif tag == "is_a":
            stanza["is_a"].append(value.split()[0])
        elif tag == "xref" and value.startswith("NCI:"):
            stanza["nci"].append(value[4:].split()[0])
        elif tag == "is_obsolete" and value == "true":
            stanza["obsolete"] = True
    return header, terms


def release_of(header: dict[str, str]) -> str:
    """'2026-07-31' from a DO data-version such as 'doid/releases/2026-07-31/subsets/DO_cancer_slim.obo'."""
    found = re.search(r"releases/(\d{4}-\d{2}-\d{2})", header.get("data-version", ""))
    if not found:
        raise ValueError(f"no release date in the OBO header data-version {header.get('data-version')!r}")
    return found.group(1)


def _dedupe(values) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        value = " ".join(value.split())
        if value and value.casefold() not in {s.casefold() for s in seen}:
            seen[value] = None
    return list(seen)


def _ancestors(parents: dict[str, list[str]], term: str, memo: dict[str, frozenset[str]]) -> frozenset[str]:
    if term in memo:
        return memo[term]
    found: set[str] = set()
    for parent in parents.get(term, ()):
        found.add(parent)
        found |= _ancestors(parents, parent, memo)
    memo[term] = frozenset(found)
    return memo[term]


def join_do(ontology: Path) -> tuple[dict[str, dict], list[dict]]:
    """DO terms of both subsets joined by id (parents unioned, then pruned of implied ones) and the DO sources."""
    sources = []
    joined: dict[str, dict] = {}
    for filename in DO_FILES:
        path = ontology / filename
        if not path.exists():
            raise FileNotFoundError(
                f"{path} is missing: pass --ontology with the directory holding {', '.join(DO_FILES)}"
            )
        header, terms = parse_obo(path)
        sources.append(
            {
                "name": f"Human Disease Ontology, {header.get('ontology', filename)}",
                "file": filename,
                "release": release_of(header),
                "licence": "CC0 1.0",
                "url": "https://github.com/DiseaseOntology/HumanDiseaseOntology",
            }
        )
        for term_id, term in terms.items():
            if term["obsolete"] or "name" not in term:
                continue
            into = joined.setdefault(
                term_id, {"id": term_id, "name": term["name"], "exact": [], "related": [], "is_a": [], "nci": []}
            )
            for key in ("exact", "related", "is_a", "nci"):
                into[key] = _dedupe([*into[key], *term[key]])
    parents = {term_id: [p for p in term["is_a"] if p in joined] for term_id, term in joined.items()}
    memo: dict[str, frozenset[str]] = {}
    for term_id, term in joined.items():
        direct = parents[term_id]
        term["is_a"] = sorted(p for p in direct if not any(p in _ancestors(parents, q, memo) for q in direct if q != p))
    return joined, sources


def oncotree_nodes(ontology: Path) -> tuple[list[dict], dict[str, str], dict]:
    """OncoTree's tumour types (code, name, tissue, parent code, NCIt codes), each tissue's main type, the source.

    Category labels that are not diagnoses ("Lymphoid Benign", "Myeloid Atypical") are left out."""
    paths = sorted(ontology.glob(ONCOTREE_GLOB))
    if not paths:
        raise FileNotFoundError(f"no {ONCOTREE_GLOB} in {ontology}: pass --ontology with the OncoTree JSON export")
    path = paths[-1]
    release = re.search(r"(\d{4})_(\d{2})_(\d{2})", path.name)
    tree = json.loads(path.read_text(encoding="utf-8"))
    nodes: list[dict] = []
    tissue_types: dict[str, str] = {}

    def walk(node: dict, level: int) -> None:
        if level == 1:
            tissue_types[node["name"]] = node.get("mainType") or node["name"]
        if level >= 2 and not node["name"].endswith((" Benign", " Atypical")):
            nodes.append(
                {
                    "code": node["code"],
                    "name": " ".join(node["name"].split()),
                    "tissue": node.get("tissue"),
                    "parent": node.get("parent"),
                    "nci": list((node.get("externalReferences") or {}).get("NCI", [])),
                }
            )
        for child in (node.get("children") or {}).values():
            walk(child, level + 1)

    for root in tree.values():
        walk(root, 0)
    source = {
        "name": "OncoTree",
        "file": path.name,
        "release": "-".join(release.groups()) if release else path.stem,
        "licence": "CC BY 4.0",
        "attribution": "OncoTree, Memorial Sloan Kettering Cancer Center",
        "url": "https://oncotree.mskcc.org",
    }
    return nodes, tissue_types, source


def _name_key(text: str) -> str:
    """Loose key for joining names across sources: case, punctuation, plural -s, "tumour" spelling and a trailing
    ", NOS" or ", Other" ignored."""
    text = re.sub(r",\s*(nos|other)$", "", text.casefold().replace("tumour", "tumor"))
    if text.count(",") == 1:  # "Germ Cell Tumor, Brain" -> "Brain Germ Cell Tumor"
        head, tail = text.split(",")
        text = f"{tail} {head}"
    words = re.sub(r"[^\w]+", " ", text).split()
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) else w for w in words
    )


def join_oncotree(terms: dict[str, dict], nodes: list[dict], tissue_types: dict[str, str]) -> None:
    """Attach OncoTree nodes to DO terms by NCIt code, else by name; the rest become ONCOTREE: terms.

    A node joins the one DO cancer term sharing one of its NCIt codes; failing that, the one DO term whose name (or
    else one EXACT synonym) equals the node's name. An unjoined node becomes `ONCOTREE:<code>` under its OncoTree
    parent (joined or not); a main type right under its tissue goes under the DO term named like the tissue's main
    type ("Cervical Cancer"), else the deepest DO cancer term above every joined node of that tissue, else cancer
    (haematologic cancer for Myeloid and Lymphoid).
    """
    by_nci: dict[str, set[str]] = defaultdict(set)
    by_name: dict[str, set[str]] = defaultdict(set)
    by_synonym: dict[str, set[str]] = defaultdict(set)
    for term_id, term in terms.items():
        for code in term["nci"]:
            by_nci[code].add(term_id)
        by_name[_name_key(term["name"])].add(term_id)
        for synonym in term["exact"]:
            by_synonym[_name_key(synonym)].add(term_id)
    joined_to: dict[str, str] = {}
    for node in nodes:
        by_code = {
            t for code in node["nci"] for t in by_nci.get(code, ()) if t == CANCER or CANCER in _closure(terms, t)
        }
        for candidates in (
            by_code,
            by_name.get(_name_key(node["name"]), set()),
            by_synonym.get(_name_key(node["name"]), set()),
        ):
            if len(candidates) == 1:
                joined_to[node["code"]] = next(iter(candidates))
                break
    for node in nodes:
        if node["code"] in joined_to:
            term = terms[joined_to[node["code"]]]
            term.setdefault("oncotree", {})[node["code"]] = node["name"]
            if node["tissue"]:
                term.setdefault("tissues", set()).add(node["tissue"])

    tissue_anchor: dict[str, str] = {}
    for tissue in {node["tissue"] for node in nodes}:
        kinds = {"haematologic"} if tissue in HAEMATOLOGIC_TISSUES else {"solid", "haematologic", "any"}
        above = [
            _closure(terms, term_id) | {term_id}
            for node in nodes
            if node["tissue"] == tissue
            and (term_id := joined_to.get(node["code"]))
            and cancer_kind(terms, term_id) in kinds
        ]
        common = set.intersection(*above) if above else set()
        default = HAEMATOLOGIC if tissue in HAEMATOLOGIC_TISSUES else CANCER
        named = {t for t in by_name.get(_name_key(tissue_types.get(tissue, "")), ()) if cancer_kind(terms, t) in kinds}
        named |= {
            t for t in by_synonym.get(_name_key(tissue_types.get(tissue, "")), ()) if cancer_kind(terms, t) in kinds
        }
        if len(named) == 1:
            tissue_anchor[tissue] = named.pop()
        else:
            tissue_anchor[tissue] = max(sorted(common), key=lambda t: len(_closure(terms, t)), default=default)

    codes = {node["code"] for node in nodes}
    for node in nodes:
        if node["code"] in joined_to:
            continue
        if node["parent"] in codes:
            parent = joined_to.get(node["parent"], f"ONCOTREE:{node['parent']}")
        else:
            parent = tissue_anchor[node["tissue"]]
        terms[f"ONCOTREE:{node['code']}"] = {
            "id": f"ONCOTREE:{node['code']}",
            "name": node["name"],
            "exact": [],
            "related": [],
            "is_a": [parent],
            "nci": node["nci"],
            "oncotree": {node["code"]: node["name"]},
            "tissues": {node["tissue"]} if node["tissue"] else set(),
        }


def _closure(terms: dict[str, dict], term_id: str) -> set[str]:
    seen: set[str] = set()
    stack = list(terms[term_id]["is_a"])
    while stack:
        parent = stack.pop()
        if parent not in seen and parent in terms:
            seen.add(parent)
            stack.extend(terms[parent]["is_a"])
    return seen


def cancer_kind(terms: dict[str, dict], term_id: str) -> str | None:
    if term_id == CANCER:
        return "any"
    above = _closure(terms, term_id)
    if CANCER not in above:
        return None
    if term_id == HAEMATOLOGIC or HAEMATOLOGIC in above:
        return "haematologic"
    return "solid"


def hand_parents(path: Path, terms: dict[str, dict]) -> tuple[dict[str, list[str]], dict[str, set[str]], dict]:
    """(parents to add by term, terms kept from each parent by the name rules, the source) of the hand file; a
    parent row's `instead_of` is replaced by the row's parent among its terms' ontology parents here."""
    added: dict[str, list[str]] = defaultdict(list)
    not_below: dict[str, set[str]] = defaultdict(set)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line) if line.strip() else {}
        parent = row.get("parent") or row.get("not_below")
        if parent is None:
            continue
        replaced = row.get("instead_of")
        for term_id in [parent, *row["terms"], *([replaced] if replaced else [])]:
            if term_id not in terms:
                raise ValueError(f"{path.name} line {number}: {term_id!r} is not a vocabulary term: fix the id")
        for term_id in row["terms"]:
            if replaced is not None and replaced not in terms[term_id]["is_a"]:
                raise ValueError(f"{path.name} line {number}: {term_id} is not filed under {replaced}: "
                                 "drop instead_of or fix the id")
            if replaced is not None:
                terms[term_id]["is_a"] = [parent if p == replaced else p for p in terms[term_id]["is_a"]]
            if "parent" in row:
                added[term_id].append(parent)
            else:
                not_below[parent].add(term_id)
    source = {
        "name": "trialmatch hand parents (WHO Classification of Tumours, as each row names)",
        "file": path.name,
        "licence": "project data",
    }
    return added, not_below, source


def add_hand_parents(terms: dict[str, dict], added: dict[str, list[str]]) -> None:
    """Put each term below its hand parents, refusing a parent of another kind or one that would make a cycle."""
    for term_id in sorted(added):
        for parent in added[term_id]:
            if cancer_kind(terms, parent) != cancer_kind(terms, term_id) or term_id in _closure(terms, parent):
                raise ValueError(f"{HAND_PARENTS.name}: {parent} cannot be a parent of {term_id}: fix the row")
            if parent not in _closure(terms, term_id):
                terms[term_id]["is_a"] = [*terms[term_id]["is_a"], parent]


def infer_parents(terms: dict[str, dict], not_below: dict[str, set[str]] | None = None) -> dict[str, list[str]]:
    """Parents the ontology leaves implicit, read from cancer names that compose a site and a histology.

    The subsets classify mostly by site: "colorectal adenocarcinoma" is a colorectal carcinoma but not an
    adenocarcinoma, and "colon adenocarcinoma" is not a colorectal adenocarcinoma. Two rules, applied only between
    cancer terms of the same kind (solid or haematologic) and never making a cycle:
    1. a name ending in the whole name of another term lies below it ("colorectal adenocarcinoma" → adenocarcinoma;
       the longest such ending; words split on spaces, so "non-small cell carcinoma" never ends in "small cell ...");
    2. "<site> <histology>" lies below "<wider site> <histology>" when "<site> cancer" lies below
       "<wider site> cancer" ("colon adenocarcinoma" → colorectal adenocarcinoma, as colon cancer → colorectal cancer);
    3. a one-word name ending in another one-word name lies below it ("liposarcoma" → sarcoma, "cystadenocarcinoma"
       → adenocarcinoma, the longest such ending), unless `not_below` keeps it from that term ("carcinosarcoma").
    Before them, a solid cancer named "<site> <haematologic cancer>" lies below that haematologic cancer and so becomes
    haematologic ("thyroid lymphoma" → lymphoma, "testicular leukemia" → leukemia): the subsets file these extranodal
    and extramedullary diseases only under their organ, but they are lymphomas and leukaemias (WHO Classification of
    Haematolymphoid Tumours, 5th ed.), and a solid tumour trial does not take them.
    """
    not_below = not_below or {}
    by_name = {term["name"].casefold(): term_id for term_id, term in terms.items()}
    haematologic = {name: term_id for name, term_id in by_name.items() if cancer_kind(terms, term_id) == "haematologic"}
    inferred: dict[str, list[str]] = defaultdict(list)
    for term_id in sorted(terms):
        name = terms[term_id]["name"].casefold()
        if cancer_kind(terms, term_id) != "solid" or any(ch in name for ch in ",/()"):
            continue
        words = name.split()
        target = next((t for cut in range(1, len(words)) if (t := haematologic.get(" ".join(words[cut:])))), None)
        if target is not None and term_id not in _closure(terms, target):
            inferred[term_id].append(target)
            terms[term_id]["is_a"] = [*terms[term_id]["is_a"], target]
    one_word = {name: term_id for name, term_id in by_name.items() if " " not in name and "-" not in name}
    kinds = {term_id: cancer_kind(terms, term_id) for term_id in terms}

    def add(child: str, parent: str) -> None:
        if parent == child or kinds[parent] != kinds[child] or kinds[parent] == "any":
            return
        above = _closure(terms, child)
        if parent in above or child in _closure(terms, parent):
            return
        inferred[child].append(parent)
        terms[child]["is_a"] = [*terms[child]["is_a"], parent]

    for term_id in sorted(terms):
        name = terms[term_id]["name"].casefold()
        if not kinds[term_id] or any(ch in name for ch in ",/()"):
            continue
        words = name.split()
        for cut in range(1, len(words)):
            histology = by_name.get(" ".join(words[cut:]))
            if histology is None or not kinds[histology]:
                continue
            add(term_id, histology)
            site = by_name.get(" ".join(words[:cut]) + " cancer")
            if site is not None:
                for wider in sorted(_closure(terms, site)):
                    wider_name = terms[wider]["name"].casefold()
                    if wider_name.endswith(" cancer"):
                        target = by_name.get(f"{wider_name[: -len(' cancer')]} {' '.join(words[cut:])}")
                        if target is not None:
                            add(term_id, target)
            break
        if len(words) == 1:
            endings = [n for n in one_word if name.endswith(n) and name != n and kinds[one_word[n]]]
            if endings and term_id not in not_below.get(one_word[max(endings, key=len)], ()):
                add(term_id, one_word[max(endings, key=len)])
    return inferred


def build(ontology: Path, hand: Path = HAND_PARENTS) -> list[dict]:
    """The vocabulary rows: a header, then one row per term sorted by id."""
    terms, sources = join_do(ontology)
    nodes, tissue_types, oncotree_source = oncotree_nodes(ontology)
    join_oncotree(terms, nodes, tissue_types)
    added, not_below, hand_source = hand_parents(hand, terms)
    add_hand_parents(terms, added)
    inferred = infer_parents(terms, not_below)
    rows: list[dict] = []
    for term_id in sorted(terms):
        term = terms[term_id]
        row: dict = {"id": term_id, "name": term["name"]}
        name_key = term["name"].casefold()
        exact = [s for s in term["exact"] if s.casefold() != name_key and len(s.split()) <= MAX_SYNONYM_WORDS]
        related = [s for s in term["related"] if s.casefold() != name_key and len(s.split()) <= MAX_SYNONYM_WORDS]
        if exact:
            row["synonyms"] = exact
        if related:
            row["related"] = [s for s in related if s.casefold() not in {e.casefold() for e in exact}]
            if not row["related"]:
                del row["related"]
        parents = [p for p in term["is_a"] if p not in inferred.get(term_id, ())]
        if parents:
            row["parents"] = parents
        if inferred.get(term_id):
            row["inferred"] = sorted(inferred[term_id])
        kind = cancer_kind(terms, term_id)
        if kind:
            row["cancer"] = kind
        if term.get("oncotree"):
            row["oncotree"] = dict(sorted(term["oncotree"].items()))
        if term.get("tissues"):
            row["tissues"] = sorted(term["tissues"])
        if term["nci"]:
            row["nci"] = sorted(term["nci"])
        rows.append(row)
    header = {
        "header": {
            "what": "trialmatch disease vocabulary: one term a line (id, name, synonyms, related, parents, "
            "inferred parents, cancer, oncotree, tissues, nci)",
            "generated_by": "scripts/build_disease_vocab.py",
            "sources": [*sources, oncotree_source, hand_source],
            "terms": len(rows),
        }
    }
    return [header, *rows]


def render(rows: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ontology", type=Path, default=DEFAULT_ONTOLOGY, help="directory of the source ontologies")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="vocabulary file to write")
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing it")
    args = parser.parse_args(argv)
    text = render(build(args.ontology))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} differs from a rebuild from {args.ontology}: run scripts/build_disease_vocab.py")
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10)) - 1} terms to {args.output} ({len(text.encode()) / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
