"""Build the `IndexDocument` of a trial from its API v2 study object and the criteria nlp extracted.

    >>> doc = build_document(study, extract_study(study))  # doctest: +SKIP
    >>> doc.nct_id, doc.genes                               # doctest: +SKIP
    ('NCT04879121', ['NTRK1', 'NTRK2', 'NTRK3'])

Drug classes of the interventions come from `nlp.vocab.drug_classes`, so a trial of larotrectinib is
also found as a "trk inhibitor" trial.
"""

from __future__ import annotations

import re
from functools import cache

from nlp.models import TrialCriteria
from nlp.vocab import drug_classes, drug_components, gene_aliases, normalize_drug, vocabulary
from search.gazetteer import Gazetteer
from search.models import Contact, IndexDocument, Site


def contacts(entries: list[dict]) -> list[Contact]:
    """The registry's contacts (`centralContacts`, a location's `contacts`) that give a phone or an email
    (a principal investigator listed by name only is not a way to get in touch)."""
    found = []
    for entry in entries:
        phone = " ext. ".join(p for p in (entry.get("phone"), entry.get("phoneExt")) if p) or None
        contact = Contact(name=entry.get("name"), phone=phone, email=entry.get("email"))
        if (contact.phone or contact.email) and contact not in found:
            found.append(contact)
    return found


def _sites(locations: list[dict], gazetteer: Gazetteer | None) -> list[Site]:
    """The trial's sites; one without a geoPoint is placed at its ZIP or city when the gazetteer knows it."""
    sites = []
    for loc in locations:
        geo = loc.get("geoPoint") or {}
        site = Site(
            facility=loc.get("facility"), city=loc.get("city"), state=loc.get("state"), zip=loc.get("zip"),
            country=loc.get("country"), status=loc.get("status"), lat=geo.get("lat"), lon=geo.get("lon"),
            contacts=contacts(loc.get("contacts") or []),
        )
        if (site.lat is None or site.lon is None) and gazetteer is not None:
            point = gazetteer.place_site(site.city, site.state, site.zip, site.country)
            if point:
                site = site.model_copy(update={"lat": point[0], "lon": point[1], "placed": True})
        sites.append(site)
    return sites


@cache
def _vocabulary_pattern() -> re.Pattern[str]:
    vocab = vocabulary()
    terms = sorted({*vocab.drug_forms, *vocab.classes}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t in terms) + r")(?![\w-])")


def vocabulary_terms(names: list[str]) -> list[str]:
    """Canonical drug and class names of the nlp vocabulary found in free-text names.

    "LOXO-101 (oral capsule 100mg BID)" and "Larotrectinib Sulfate" both give ["larotrectinib"]."""
    found: dict[str, None] = {}
    for name in names:
        for match in _vocabulary_pattern().finditer(" ".join(name.lower().split())):
            canonical = normalize_drug(match.group(1))
            if canonical:
                found[canonical] = None
    return list(found)


_GENE_TOKEN = re.compile(r"[A-Za-z0-9]+")
_HYPHENATED_TOKEN = re.compile(r"(?<![\w-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+(?![\w-])")


@cache
def _one_word_genes() -> dict[str, str]:
    """One-word gene names as written (case kept: "MET" is the gene, "met" the verb) → HGNC symbol, hyphenated
    symbols ("N-RAS", "K-ras", "HER-2", "bcl-2": with a capital or a digit) included. Two-letter names (ER, PR, AR,
    FH) are left out: in free text they abbreviate other things as often (extended release, partial response, the PR
    interval, average risk, family history); so are hyphenated lower-case words ("estrogen-receptor" names a drug
    class as often: "selective estrogen-receptor modulators"); the biomarker extractor reads them in context."""
    return {alias: symbol for alias, symbol in gene_aliases().items()
            if (_GENE_TOKEN.fullmatch(alias) and len(alias) > 2)
            or (_HYPHENATED_TOKEN.fullmatch(alias) and any(c.isupper() or c.isdigit() for c in alias))}


def _gene_name(names: dict[str, str], text: str, match: re.Match[str]) -> str | None:
    """The HGNC symbol a token names: as written, or upper-cased when it holds a digit ("her2", "p53", "Flt3") or
    follows "c-" ("c-kit", "c-myc"); an all-letter token in another case is an English word or another measure more
    often than a gene ("met" the criteria, "max" dose, a test "kit", "eGFR" the filtration rate)."""
    token = match.group()
    if token in names:
        return names[token]
    folds = any(ch.isdigit() for ch in token) or text[max(0, match.start() - 2):match.start()].lower() == "c-"
    return names.get(token.upper()) if folds else None


def gene_mentions(texts: list[str]) -> list[str]:
    """HGNC symbols a trial's text names ("HER2-positive" → ERBB2, "N-RAS" → NRAS: a hyphenated word is read
    whole and by its parts), in order, unique; case-sensitive but for tokens with a digit or after "c-"
    (`_gene_name`)."""
    names = _one_word_genes()
    found: dict[str, None] = {}
    for text in texts:
        matches = sorted([*_HYPHENATED_TOKEN.finditer(text), *_GENE_TOKEN.finditer(text)], key=lambda m: m.start())
        for match in matches:
            symbol = _gene_name(names, text, match)
            if symbol:
                found[symbol] = None
    return list(found)


def drugs_and_classes(names: list[str]) -> tuple[list[str], list[str]]:
    """Known drug names in `names` and the classes of those drugs (plus classes named directly)."""
    drugs: list[str] = []
    classes: dict[str, None] = {}  # an ordered set
    for term in vocabulary_terms(names):
        if term in vocabulary().classes:
            classes[term] = None
        else:
            drugs += [term, *drug_components(term)]  # a regimen also names its drugs: FOLFOX gave oxaliplatin
            classes.update(dict.fromkeys(sorted(drug_classes(term))))
    return list(dict.fromkeys(drugs)), list(classes)


def build_document(study: dict, criteria: TrialCriteria, gazetteer: Gazetteer | None = None) -> IndexDocument:
    """Registry fields of `study` (API v2 shape) plus `criteria`; missing modules give empty fields.

    With a `gazetteer`, sites the registry gives no coordinates are placed at their ZIP or city."""
    section = study.get("protocolSection") or {}
    ident = section.get("identificationModule") or {}
    status = section.get("statusModule") or {}
    design = section.get("designModule") or {}
    conditions = section.get("conditionsModule") or {}
    description = section.get("descriptionModule") or {}
    arms = section.get("armsInterventionsModule") or {}
    sponsor = (section.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}
    eligibility = section.get("eligibilityModule") or {}
    contacts_locations = section.get("contactsLocationsModule") or {}
    names = list(dict.fromkeys(i["name"] for i in arms.get("interventions") or [] if i.get("name")))
    drugs, classes = drugs_and_classes(names)
    nct_id = ident.get("nctId") or criteria.nct_id
    if not nct_id:
        raise ValueError("study has no identificationModule.nctId: cannot index a trial without its NCT id")
    return IndexDocument(
        nct_id=nct_id,
        title=ident.get("briefTitle") or ident.get("officialTitle") or "",
        official_title=ident.get("officialTitle"),
        acronym=ident.get("acronym"),
        overall_status=status.get("overallStatus"),
        phases=list(design.get("phases") or []),
        study_type=design.get("studyType"),
        sponsor=sponsor.get("name"),
        conditions=list(conditions.get("conditions") or []),
        keywords=list(conditions.get("keywords") or []),
        interventions=names,
        drugs=drugs,
        intervention_classes=classes,
        summary=description.get("briefSummary") or "",
        eligibility_text=eligibility.get("eligibilityCriteria") or "",
        gene_mentions=gene_mentions([ident.get("briefTitle") or "", ident.get("officialTitle") or "",
                                     *(conditions.get("conditions") or []), *(conditions.get("keywords") or []),
                                     description.get("briefSummary") or "",
                                     description.get("detailedDescription") or "",
                                     eligibility.get("eligibilityCriteria") or ""]),
        facts=criteria.model_copy(update={"nct_id": nct_id}),
        sites=_sites(contacts_locations.get("locations") or [], gazetteer),
        contacts=contacts(contacts_locations.get("centralContacts") or []),
        last_update=(status.get("lastUpdatePostDateStruct") or {}).get("date"),
    )
