"""Whom a trial is for: its disease terms (with where each was read) and whether it enrols patients at all.

    >>> facts = trial_diseases(study, criteria)          # doctest: +SKIP
    >>> [(t.name, t.source) for t in facts.terms], facts.basket, facts.enrols  # doctest: +SKIP
    ([('solid tumour', 'condition')], True, 'patients')

Terms come from the registry conditions, the title, the inclusion criteria that state the disease
("histologically confirmed X", "patients with X": the cues of `nlp/vocab/disease_statements.jsonl`; see below
when they count) and, when none of these names one, the keywords. The most specific terms decide
(`nlp.diseases.most_specific`): a generic term listed beside specific ones ("Neoplasms; Kidney Neoplasms") is
dropped, so the trial is no basket. A specific term dropped beside a kind of it ("Non-Hodgkin Lymphoma; Small
Lymphocytic Lymphoma") is kept apart in `families`: the trial may take the family or the kind only, so the verdict
asks about the family's other kinds (`_families`). A trial is a basket when a generic term (cancer, solid tumour,
carcinoma ...) stands alone, or when its title or a statement says so ("solid tumours harbouring an NTRK fusion",
"any tumour type"), or when its title and an inclusion criterion both name one generic kind narrower than "cancer"
("Patients With Solid Tumors" and "Histologically proven solid tumor that is refractory"; not before a list of the
kinds taken, "solid tumor, including any of the following:"), or when its title offers a generic kind beside another
("... Solid Or Primary CNS Tumors", "... Solid Tumors or Lymphoma": then, unless something else says basket, the
generic kinds the title offers are the ones taken, not a PDQ "Unspecified Adult Solid Tumor, Protocol Specific"
listed beside "... Aplastic Anemia or Hematologic Cancer"); then its generic terms decide beside the specific ones,
the one its title names always among them ("Carcinoma" listed beside a title's "NTRK Fusion Positive Solid Tumors"
does not narrow the basket to carcinomas).

When the conditions or title name a cancer, only cancers decide ("Pain; Breast Cancer" is a breast cancer trial). A
cancer only a criterion states stands beside the non-cancer disease the registry names and does not replace it:
"Myasthenia Gravis" with "No evidence of thymoma", "Wegener's Granulomatosis" with "Diagnosis of WG, excluding
infections, malignancies" stay trials of those diseases.
A sentence of a criterion that permits or speaks of a subgroup (the `subgroup` words of the statements file: "Patients
with infantile fibrosarcoma may be enrolled based on an ETV6 FISH test", "... are also eligible", "Cohort B: patients
with ...") states no disease of the whole population: the diseases it names never narrow a basket or the registry's
conditions, though a subgroup that takes any tumour type ("the dose escalation cohorts: any metastatic solid tumor")
still makes the trial a basket.
Statements count only when the conditions and title name no specific cancer (nothing, or only "Neoplasms",
"Solid Tumor"), and then only a cancer within what those name: the registry's own conditions are the better
statement ("Colorectal Cancer" stays colorectal cancer beside "adenocarcinoma of the colon or rectum", "NSCLC"
beside "histologically confirmed adenocarcinoma or squamous cell carcinoma").

A basket whose conditions and title name no specific cancer keeps the specific cancers within it that its keywords
list (PDQ records list dozens: "recurrent prostate cancer; stage IV gastric cancer ...") apart, in `listed`: a list
that long says which kinds the basket takes, not which disease it is for, so it ranks the trial for a patient with one
of them below a trial whose conditions or title name that disease, and never narrows the basket.

`sites` holds the diseases of the central nervous system the conditions, title or an inclusion criterion name at a
site ("supratentorial malignant primary glioma", `nlp.sites`), whatever decides: a patient's tumour stated at a
contradicting site is not the trial's (`search.diagnosis`).

`enrols` is "without_disease" for people being screened or kept from getting the disease (registry primary
purpose SCREENING; a title about screening for a cancer, the only disease named, when the purpose is not treatment
or supportive care; PREVENTION with healthy volunteers accepted and conditions naming only the disease; a title
naming the prevention of the cancer itself, the only disease named, when the purpose is not treatment or supportive
care: "Sulindac ... in Preventing Colon Cancer", whose registry files the people at risk it enrols as no healthy
volunteers) unless a criterion or the title states that the participants have a cancer (registries also file
patient profiling programmes under SCREENING), and
"patients" otherwise: treatment, supportive care, and prevention of a treatment's side effects ("radiation
dermatitis", "chemotherapy-induced nausea": the side-effect words of the statements file) enrol patients.

`excluded` holds the diseases a criterion excludes in so many words: a short exclusion criterion (at most
MAX_EXCLUSION_WORDS words and MAX_EXCLUSION_CHARS characters), or such an inclusion criterion opening with "No" or
"Without", whose every word outside the disease names is a filler word of `nlp/vocab/excluded_disease_words.jsonl`
("History of multiple myeloma", "Subjects suffering from asthma", "No known diabetes mellitus"; the serology
words among them name an infection by its test: "Presence of anti-HIV or anti-HCV with HCV RNA in serum"). In a
criterion holding a lab threshold, the words before an "or" whose alternatives are labs only are read so too ("No
diabetes mellitus or fasting glucose >= 120 mg/dl" excludes diabetes mellitus; the lab is read by `nlp.labs`),
unless a disease is named after it (the threshold may qualify both) or, among inclusion criteria, the lab is an item
of its own after an "OR" ("No history of cardiac disease OR Left ventricular ejection fraction greater than 50%").
A broad term that introduces kinds of it names their kind and is not excluded ("Known infection with HIV, hepatitis
B, or hepatitis C"). Any other word
("uncontrolled", "severe", "within 5 years", "other", "except", a number) leaves the criterion unread: it excludes the
disease only in some form or time. So do two disease names side by side ("AIDS dementia", "HIV encephalopathy"): they
name one condition the vocabulary lacks, narrower than either.
Generic terms (cancer, carcinoma, solid tumour) and terms the trial's own diseases lie within ("No prior malignancy"
in a lung cancer trial) are never excluded, nor are the items listed after a criterion that introduces allowed
exceptions ("No other malignancy except the following:"). A trial that accepts healthy volunteers gives none: its
criteria often hold for the volunteers or for the patients only.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path

from nlp import diseases, sites
from nlp.models import Criterion, DiseaseFacts, DiseaseSite, DiseaseSource, DiseaseTerm, Enrols
from nlp.resources import read_vocab

STATEMENTS_PATH = Path(__file__).resolve().parent / "vocab" / "disease_statements.jsonl"
LIST_REACH = 50  # characters after a generic kind's name in which list words say a list of kinds follows
MAX_STATEMENTS = 6  # the disease is stated among the first inclusion criteria; later ones are about other things
_KINDS = ("cue", "basket", "kind_list", "open_list", "screening", "prevention", "side_effect", "subgroup")
_WHOLE_WORDS = ("subgroup",)  # kinds matched as whole words ("arm 2", not "arm 20"; "strata", not "stratified")
_TREATING = ("TREATMENT", "SUPPORTIVE_CARE")
EXCLUSION_WORDS = "excluded_disease_words.jsonl"
MAX_EXCLUSION_WORDS = 12  # a criterion that only names diseases is short; longer ones are not mapped (speed)
MAX_EXCLUSION_CHARS = 100  # the same, tested first (the longest read in the shared corpus has 87 characters)
_WORD = re.compile(r"\w+")
_FOLLOWING = re.compile(r"(?::|\bfollowing)\W*$", re.I)
_ARTICLES = re.compile(r"^\W*(?:(?:the|of)\W+)*", re.I)
_INTRODUCES = re.compile(r"s?\s*(?:with|such as|including|e\.g\.|:)", re.I)
_OR = re.compile(r"\s*,?\s+(?:and/)?or\s+", re.I)
_SENTENCE_END = re.compile(r"(?<=[.;])\s+")


@cache
def _phrases() -> dict[str, re.Pattern[str]]:
    """One case-insensitive pattern per kind of row in the statements file."""
    found: dict[str, list[str]] = {kind: [] for kind in _KINDS}
    with STATEMENTS_PATH.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("kind") not in found or not row.get("words"):
                raise ValueError(f"{STATEMENTS_PATH.name} line {number}: needs 'kind' (one of {', '.join(_KINDS)})"
                                 " and 'words'")
            found[row["kind"]].append(re.escape(row["words"]).replace(r"\ ", r"[\s-]+"))
    return {kind: re.compile(r"(?<!\w)(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"
                             + (r"(?!\w)" if kind in _WHOLE_WORDS else ""), re.I)
            for kind, words in found.items()}


def _terms(text: str, source: DiseaseSource, criterion: int | None = None) -> list[DiseaseTerm]:
    return [DiseaseTerm(id=m.id, name=m.name, source=source, text=m.text, criterion=criterion)
            for m in diseases.map_condition(text)]


def _of_everyone(text: str) -> str:
    """A criterion's text without its sentences that permit or speak of a subgroup (the `subgroup` words: "Patients
    with infantile fibrosarcoma may be enrolled based on ...", "Cohort B: patients with ..."): the disease those name
    is not that of the whole population."""
    subgroup = _phrases()["subgroup"]
    if subgroup.search(text) is None:
        return text
    return " ".join(s for s in _SENTENCE_END.split(text) if subgroup.search(s) is None)


def _statements(criteria: list[Criterion]) -> tuple[list[DiseaseTerm], bool]:
    """Terms the first inclusion criteria state with a cue, and whether one of them says the trial is a basket."""
    cues, baskets = _phrases()["cue"], _phrases()["basket"]
    found: list[DiseaseTerm] = []
    says_basket = False
    inclusion = [(i, c) for i, c in enumerate(criteria) if c.section == "inclusion"][:MAX_STATEMENTS]
    for index, criterion in inclusion:
        cue = cues.search(criterion.text)
        if cue is None:
            continue
        terms = [t for t in _terms(criterion.text[cue.start():], "sentence", index) if diseases.is_cancer(t.id)]
        # a subgroup that takes any tumour type ("the dose escalation cohorts: any metastatic solid tumor") widens the
        # trial to a basket; the diseases a subgroup sentence names never narrow it
        says_basket = says_basket or (any(diseases.is_basket(t.id) for t in terms)
                                      and baskets.search(criterion.text) is not None)
        text = _of_everyone(criterion.text)
        if text != criterion.text:
            cue = cues.search(text)
            terms = [] if cue is None else [t for t in _terms(text[cue.start():], "sentence", index)
                                            if diseases.is_cancer(t.id)]
        found += terms
    return found, says_basket


def _most_specific(terms: list[DiseaseTerm]) -> list[DiseaseTerm]:
    """The first reading of each term no other listed term lies below, in order."""
    first = {t.id: t for t in reversed(terms)}
    return [first[term_id] for term_id in diseases.most_specific(list(dict.fromkeys(t.id for t in terms)))]


def _offered_with_a_kind(title_terms: list[DiseaseTerm], titles: list[str],
                         kept: list[DiseaseTerm]) -> list[DiseaseTerm]:
    """Title terms the most specific rule dropped that the title offers as an alternative to a kind of them ("...
    With Leiomyosarcoma or Soft Tissue Sarcoma"): the trial takes the whole family, not only the kind named first."""
    kept_ids = {t.id for t in kept}
    offered = []
    for broad in title_terms:
        if broad.id in kept_ids or diseases.is_basket(broad.id) or broad in offered:
            continue
        for kind in title_terms:
            if kind.id == broad.id or not diseases.is_within(kind.id, broad.id):
                continue
            pair = [re.escape(kind.text), re.escape(broad.text)]
            joined = "|".join(rf"{a}\s*,?\s+(?:and/)?or\s+{b}" for a, b in (pair, pair[::-1]))
            if any(re.search(joined, title, re.I) for title in titles):
                offered.append(broad)
                break
    return offered


def _offers_a_generic_kind(generic: list[DiseaseTerm], titles: list[str]) -> list[DiseaseTerm]:
    """Generic terms the title offers as an alternative to another kind, in lookup form, its head noun written once
    or twice ("... With Locally Advanced Or Metastatic Solid Or Primary CNS Tumors", "... Solid Tumors or
    Lymphomas", "... Lymphoma or Solid Tumors"): the trial takes the generic kind as well as the other, a basket."""
    looked_up = [diseases.normalize(title) for title in titles]
    offered = []
    for term in generic:
        words = diseases.normalize(term.text).split()
        if len(words) < 2:
            continue
        first, rest, whole = (re.escape(w) for w in (words[0], " ".join(words[1:]), " ".join(words)))
        said = (rf"\b{whole} (?:and )?or \w|\bor {whole}\b"
                rf"|\b{first} (?:and )?or (?:\w+ ){{0,4}}{rest}\b")  # "solid or primary cns tumor"
        if any(re.search(said, title) for title in looked_up):
            offered.append(term)
    return offered


def _states_a_kind(term: DiseaseTerm, criteria: list[Criterion]) -> bool:
    """A criterion states a generic kind as the trial's scope: not the broadest, "cancer" (registries also write it
    for a kind the vocabulary lacks: "Cancer of the Urothelium"), and not around a list of the kinds taken ("solid
    tumors, including any of the following:", "One of the following hematologic malignancies:"), unless the list
    says it is open ("including but not limited to"). The list words are looked for up to LIST_REACH characters
    after the kind's name: further on, they introduce something else ("... and meet one of the following criteria")."""
    if term.criterion is None or not diseases.is_basket(term.id) \
            or not any(map(diseases.is_basket, diseases.ancestors(term.id))):
        return False
    text = criteria[term.criterion].text
    named = text.lower().find(term.text.lower())
    around = text if named < 0 else text[:named + len(term.text) + LIST_REACH]
    return _phrases()["kind_list"].search(around) is None or _phrases()["open_list"].search(text) is not None


def _families(named: list[DiseaseTerm], kept: list[DiseaseTerm]) -> list[DiseaseTerm]:
    """The specific terms the most specific rule dropped because a kind of them is listed too, first reading of each:
    "Non-Hodgkin Lymphoma; Small Lymphocytic Lymphoma" may be a trial of non-Hodgkin lymphomas that names one, or of
    SLL that names its family. The registry does not say, so the verdict asks (unknown) about the family's other
    kinds rather than turn them away. Not when the title names a kind of the family and not the family itself: the
    title says which kind the trial is for, and the family is the registry's category for it (conditions
    "Leukemia", title "... Recurrent Acute Lymphocytic Leukemia"; "Sarcoma" and "... With Osteosarcoma")."""
    kept_ids = {t.id for t in kept}
    in_title = {t.id for t in named if t.source == "title"}
    first: dict[str, DiseaseTerm] = {}
    for term in named:
        if term.id in kept_ids or term.id in first:
            continue
        if term.id not in in_title and any(i != term.id and diseases.is_within(i, term.id) for i in in_title):
            continue
        first[term.id] = term
    return list(first.values())


def _stated_in_title(title: str) -> bool:
    """The title says the participants have a cancer ("... in Patients With Stage I Non-small Cell Lung Cancer")."""
    cue = _phrases()["cue"].search(title)
    return cue is not None and any(diseases.is_cancer(m.id) for m in diseases.map_condition(title[cue.start():]))


def _prevents_a_cancer(title: str) -> bool:
    """The title names the prevention of a cancer itself, the cancer right after the words ("Sulindac ... in
    Preventing Colon Cancer", "Tamoxifen for the Prevention of Breast Cancer"), not of its recurrence or growth."""
    for cue in _phrases()["prevention"].finditer(title):
        rest = _ARTICLES.sub("", title[cue.end():], count=1)
        if any(diseases.is_cancer(m.id) and rest.lower().startswith(m.text.lower())
               for m in diseases.map_condition(rest)):
            return True
    return False


def _enrols(section: dict, conditions: list[str], title: str, decided: list[DiseaseTerm]) -> Enrols:
    """ "without_disease" for screening and prevention of the disease itself, unless a criterion or the title says
    the participants have it (registries also file profiling programmes of patients under SCREENING)."""
    design = (section.get("designModule") or {}).get("designInfo") or {}
    purpose = str(design.get("primaryPurpose") or "").upper()
    healthy = bool((section.get("eligibilityModule") or {}).get("healthyVolunteers"))
    condition_terms = [t for t in decided if t.source == "condition"] or decided
    only_cancer = bool(condition_terms) and all(diseases.is_cancer(t.id) for t in condition_terms)
    if purpose == "SCREENING":
        without = True
    elif purpose not in _TREATING and only_cancer and _phrases()["screening"].search(title):
        without = True
    else:
        side_effect = _phrases()["side_effect"]
        without = (only_cancer and not any(side_effect.search(c) for c in conditions)
                   and ((purpose == "PREVENTION" and healthy)
                        or (purpose not in _TREATING and _prevents_a_cancer(title))))
    if without and not any(t.source == "sentence" for t in decided) and not _stated_in_title(title):
        return "without_disease"
    return "patients"


def trial_diseases(study: dict, criteria: list[Criterion]) -> DiseaseFacts:
    """The disease facts of an API v2 study object whose criteria nlp has split."""
    section = study.get("protocolSection") or {}
    ident = section.get("identificationModule") or {}
    module = section.get("conditionsModule") or {}
    conditions = [c for c in module.get("conditions") or [] if isinstance(c, str)]
    keywords = [k for k in module.get("keywords") or [] if isinstance(k, str)]
    titles = [t for t in (ident.get("briefTitle"), ident.get("officialTitle")) if isinstance(t, str) and t]
    found: list[DiseaseTerm] = [t for c in conditions for t in _terms(c, "condition")]
    title_terms = [t for title in titles[:1] for t in _terms(title, "title")]
    found += title_terms
    named = [t.id for t in found if diseases.is_cancer(t.id)]
    # the criteria matter only when no cancer is named or a basket is: read them only then
    stated, says_basket = _statements(criteria) if not named or any(map(diseases.is_basket, named)) else ([], False)
    if all(diseases.is_basket(n) for n in named):
        found += [t for t in stated if not named or any(diseases.is_within(t.id, n) for n in named)]
    if not found:
        found = [t for k in keywords for t in _terms(k, "keyword")]
    # "Pain; Breast Cancer": a cancer the registry names decides; one only a criterion states ("Diagnosis of WG,
    # excluding infections, malignancies") stands beside the registry's own non-cancer disease, never replaces it
    if any(diseases.is_cancer(t.id) for t in found if t.source != "sentence"):
        found = [t for t in found if diseases.is_cancer(t.id)]
    # a title that says it takes a generic kind ("... Fusion Positive Solid Tumors"), or names one an inclusion
    # criterion states too ("Patients With Solid Tumors" and "Histologically proven solid tumor"), names the basket's
    # scope; the cancers the conditions list beside it are examples, and a narrower generic term ("Carcinoma") does
    # not narrow the basket to that
    stated_generic = {t.id for t in stated if _states_a_kind(t, criteria)}
    title_scope = [t for t in title_terms for title in titles[:1]
                   if diseases.is_basket(t.id) and (t.id in stated_generic or _phrases()["basket"].search(title))]
    offered = _offers_a_generic_kind([t for t in found if diseases.is_basket(t.id)], titles[:1])
    baskets_said = says_basket or bool(title_scope) or bool(offered)
    named_specific = [t for t in found if not diseases.is_basket(t.id)]
    specific = _most_specific(named_specific)
    specific += [t for t in _offered_with_a_kind(title_terms, titles[:1], specific) if diseases.is_cancer(t.id)]
    families = _families(named_specific, specific)
    generic = _most_specific([t for t in found if diseases.is_basket(t.id)])
    generic += [t for t in title_scope if t.id not in {g.id for g in generic}]
    if offered and not (says_basket or title_scope):
        # only the title's offer says basket: it names the generic kinds taken ("... Aplastic Anemia or Hematologic
        # Cancer" beside a PDQ "Unspecified Adult Solid Tumor, Protocol Specific" takes no solid tumour)
        generic = _most_specific(offered)
    basket = bool(generic) and (not specific or baskets_said)
    decided = specific + generic if basket else specific
    enrols = _enrols(section, conditions, titles[0] if titles else "", decided)
    healthy = bool((section.get("eligibilityModule") or {}).get("healthyVolunteers"))
    excluded = [] if healthy else _excluded(criteria, decided)  # volunteers' criteria may differ: cohort-only
    listed = _listed(keywords, generic) if basket and not specific else []
    texts: list[tuple[str, DiseaseSource, int | None]] = []
    if any(sites.applies_to(t.id) for t in [*decided, *families]):  # sites are read for these diseases only
        texts += [(c, "condition", None) for c in conditions]
        texts += [(title, "title", None) for title in titles[:1]]
        texts += [(c.text, "sentence", i) for i, c in enumerate(criteria) if c.section == "inclusion"]
    return DiseaseFacts(terms=decided, basket=basket, enrols=enrols, excluded=excluded, families=families,
                        listed=listed, sites=[at for text in texts for at in _sited(*text)])


def _sited(text: str, source: DiseaseSource, criterion: int | None) -> list[DiseaseSite]:
    """The diseases `text` names at a site (`nlp.sites`: "supratentorial malignant primary glioma"), but not one a
    kind of which it lists before it at no site ("anaplastic astrocytoma, ..., supratentorial low grade astrocytomas":
    the site qualifies the last item of the list only; the kinds listed after a sited disease are its kinds), nor one
    its clause negates ("No brainstem tumors")."""
    if not sites.mentions_site(text):
        return []
    found = []
    matches = [(m, sites.qualifier_sites(text, m.start, m.end) if sites.applies_to(m.id) else frozenset())
               for m in diseases.map_condition(text)]
    for match, named in matches:
        listed = any(not at and u.end <= match.start and u.id != match.id and diseases.is_within(u.id, match.id)
                     for u, at in matches)
        if named and not listed and not _negated_before(text, match.start):
            first, last = sites.qualifier_span(text, match.start, match.end)
            found.append(DiseaseSite(id=match.id, name=match.name, sites=sorted(named), source=source,
                                     text=" ".join(text[first:last].split()), criterion=criterion))
    return found


def _listed(keywords: list[str], generic: list[DiseaseTerm]) -> list[DiseaseTerm]:
    """The specific cancers the keywords list within a basket whose conditions and title name no specific one, the
    first reading of each and the most specific only: examples of the kinds it takes, which rank it for a patient
    with one of them and never narrow it (a list of dozens names no disease the trial is for)."""
    within = [t for k in keywords for t in _terms(k, "keyword")
              if not diseases.is_basket(t.id) and any(diseases.is_within(t.id, g.id) for g in generic)]
    return _most_specific(within)


def _negated_before(text: str, start: int) -> bool:
    """Whether a negation or exception word of the excluded-disease word list ("no", "without", "except") comes
    before `start` in its clause of `text` ("No brainstem or infratentorial tumor", "any glioma except brainstem
    glioma"): a disease the trial turns away, not one it names."""
    clause = re.split(r"[.;:]", text[:start])[-1]
    turned = _exclusion_words("negation") | _exclusion_words("exception")
    return any(word in turned for word in re.findall(r"[\w-]+", clause.lower()))


@cache
def _exclusion_words(kind: str) -> frozenset[str]:
    """The words of one kind (filler, negation, exception) in the excluded-disease word list."""
    return frozenset(row["word"] for row in read_vocab(EXCLUSION_WORDS) if row["kind"] == kind)


@cache
def _lookup_filler() -> frozenset[str]:
    """The filler words in the lookup form of `nlp.diseases.normalize` ("subjects" -> "subject")."""
    return frozenset(w for word in _exclusion_words("filler") for w in diseases.normalize(word).split())


@cache
def _negation_initials() -> str:
    return "".join({c for word in _exclusion_words("negation") for c in (word[0].lower(), word[0].upper())})


@lru_cache(maxsize=65536)
def _may_name_a_disease(word: str) -> bool:
    """Whether a lower-case word is a filler word or, in lookup form, a word of some disease name."""
    if word in _exclusion_words("filler"):
        return True
    known, filler = diseases.lookup_words(), _lookup_filler()
    return all(w in known or w in filler for w in diseases.normalize(word).split())


@cache
def _exception_regex() -> re.Pattern[str]:
    words = sorted(_exclusion_words("exception"), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\b", re.I)


def _introduces_exceptions(text: str) -> bool:
    """ "No other malignancy except the following:": the items after it are allowed, not excluded."""
    tail = text[-40:]
    # a colon or "following" (whose "ollow" no other letter matches, case ignored) must be in the tail: most
    # criteria have neither, and these two tests are quicker than the search
    if ":" not in tail and "ollow" not in tail.lower():
        return False
    return _FOLLOWING.search(tail) is not None and _exception_regex().search(text) is not None


def _named_only(text: str, section: str) -> list[diseases.TermMatch]:
    """The diseases a criterion excludes when it names nothing else (see the module docstring), else []."""
    if len(text) > MAX_EXCLUSION_CHARS or (section == "inclusion" and text[:1] not in _negation_initials()):
        return []
    words = list(islice(_WORD.finditer(text), MAX_EXCLUSION_WORDS + 1))
    if not words or len(words) > MAX_EXCLUSION_WORDS:
        return []
    if section == "inclusion":
        if words[0].group().lower() not in _exclusion_words("negation"):
            return []
        words = words[1:]
    filler = _exclusion_words("filler")
    if not all(_may_name_a_disease(word.group().lower()) for word in words):
        return []  # a word no disease name holds and no filler: the criterion says more than a disease (cheap test)
    matches = diseases.map_condition(text)
    ids = {m.id for m in matches}
    for word in words:
        if any(m.start <= word.start() and word.end() <= m.end for m in matches):
            continue
        if word.group().lower() not in filler and not ids & {m.id for m in diseases.map_condition(word.group())}:
            return []  # a word that is neither filler nor another name of a disease found ("COPD")
    ordered = sorted(matches, key=lambda m: m.start)
    if any(not text[a.end:b.start].strip(" -") for a, b in zip(ordered, ordered[1:], strict=False)):
        return []  # two names side by side name one condition the vocabulary lacks ("AIDS dementia")
    return matches


def _openings_may_name(text: str, section: str) -> bool:
    """False when `_named_only` refuses every opening of `text` (they begin with its first word) before any mapping:
    an inclusion criterion that opens without a negation word, or any whose first word no disease name holds. A test
    of one word, much cheaper than `_before_a_lab`, which maps the text after each "or"."""
    first = _WORD.search(text)
    if first is None:
        return False
    if section == "inclusion":
        return text[:1] in _negation_initials() and first.group().lower() in _exclusion_words("negation")
    return _may_name_a_disease(first.group().lower())


def _before_a_lab(text: str, section: str) -> list[str]:
    """The openings of a criterion holding a lab threshold that end before an "or" whose alternatives are labs only
    ("No diabetes mellitus or fasting glucose >= 120 mg/dl" -> "No diabetes mellitus"), the longest first: the
    diseases named before such an "or" are excluded whatever the value. Not when a disease is named after it
    ("Diabetes mellitus or glucose intolerance with fasting glucose > 126": the threshold may qualify both), nor,
    among inclusion criteria, after an "OR" or before a capitalised word: there the lab is an item of its own that
    the patient may meet instead ("No history of cardiac disease OR Left ventricular ejection fraction greater than
    50%")."""
    found = []
    for alternative in reversed(list(_OR.finditer(text))):
        if diseases.map_condition(text[alternative.end():]):
            break
        if section == "inclusion" and ("OR" in alternative.group() or text[alternative.end():][:1].isupper()):
            continue
        found.append(text[:alternative.start()])
    return found


def _narrowest(text: str, matches: list[diseases.TermMatch]) -> list[diseases.TermMatch]:
    """The matches but a broad term that introduces kinds of it named after it ("Known infection with HIV, hepatitis
    B, or hepatitis C" excludes these infections, not every infection); a broad term listed beside a kind of it
    ("heart disease or coronary artery disease") is kept."""
    return [m for m in matches
            if not (_INTRODUCES.match(text, m.end)
                    and any(o.start >= m.end and diseases.is_within(o.id, m.id) for o in matches if o.id != m.id))]


def _excluded(criteria: list[Criterion], decided: list[DiseaseTerm]) -> list[DiseaseTerm]:
    """The diseases criteria exclude in so many words, never a generic term nor one the trial's diseases lie in."""
    found: list[DiseaseTerm] = []
    exceptions_in: str | None = None  # the section whose items are, from here on, allowed exceptions
    for index, criterion in enumerate(criteria):
        if _introduces_exceptions(criterion.text):
            exceptions_in = criterion.section
        if exceptions_in == criterion.section:
            continue
        named = _named_only(criterion.text, criterion.section)
        if not named and "lab" in criterion.kinds and _openings_may_name(criterion.text, criterion.section):
            named = next((read for text in _before_a_lab(criterion.text, criterion.section)
                          if (read := _named_only(text, criterion.section))), [])
        if not named:
            continue
        for match in _narrowest(criterion.text, named):
            if diseases.is_basket(match.id) or any(diseases.is_within(t.id, match.id) for t in decided):
                continue
            found.append(DiseaseTerm(id=match.id, name=match.name, source="sentence", text=match.text,
                                     criterion=index))
    return found
