"""Gene mentions in one criterion, and the groups of genes listed together ("KRAS, NRAS or BRAF").

    >>> from nlp.pipeline import get_nlp
    >>> from nlp.biomarkers.mentions import criterion_mentions, gene_groups
    >>> doc = get_nlp()("Inclusion Criteria:\\n* KRAS, NRAS or BRAF mutation")
    >>> mentions = criterion_mentions(doc, list(doc.ents))
    >>> [[gene for m in group.mentions for gene in m.genes] for group in gene_groups(doc, mentions)]
    [['KRAS', 'NRAS', 'BRAF']]

A mention is a GENE, GENE_FAMILY or VARIANT entity (a family stands for its members, a variant for the genes
it names), with the status glued to its form ("ER+", "HER2-"). PROFILE entities ("triple-negative") are
mentions too but become facts whole, in `nlp.biomarkers.emit.profile_facts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from nlp.biomarkers.words import BRACKETS, CONJUNCTIONS, FILLERS, LIST_CONJUNCTIONS, TEST_ABBREVIATIONS
from nlp.vocab import vocabulary

MENTION_LABELS = {"GENE", "GENE_FAMILY", "VARIANT", "PROFILE"}
MAX_LIST_GAP = 6  # words between one gene phrase and the next that can still be a list ("... (L858R) or ALK")
_SAME_GENE_JOINERS = {"(", ")", "[", "]", "-", "/"}  # between two names of one gene: "HER2 (ERBB2)"
_GROUP_JOINERS = CONJUNCTIONS | {"(", ")", "-", "[", "]", "::"}  # between genes listed together
ALTERNATIVE_JOINS = {"or", "and/or", "/", "nor"}  # between genes offered as alternatives
_GENE_WORDS = {"gene", "genes"}  # between genes listed together when the next gene has it too: "ALK gene and ROS1 gene"
_SYMBOL = re.compile(r"^[A-Z][A-Z0-9-]{0,6}[A-Z0-9]$")  # a gene symbol's shape: capitals and digits ("PI3K", "TYK2")


@dataclass
class Mention:
    start: int
    end: int
    genes: list[str]
    family: bool = False
    variant: str | None = None
    variant_alteration: str | None = None
    needs_status: bool = False
    status: str | None = None
    karyotype: bool = False  # names what a karyotype shows ("Ph", "t(15;17)"), not a molecular finding


@dataclass
class Group:
    mentions: list[Mention]
    coordination: set[str] = field(default_factory=set)
    unnamed: int = 0  # members listed with the genes that no vocabulary names ("KRAS, PI3K and BRAF"): no fact
    conjunct_starts: list[int] = field(default_factory=list)  # mentions after "and" alone, or a signed one after
    # another with nothing between ("ER+ and/or PR+ HER2+")

    def conjuncts(self) -> list[list[Mention]]:
        """The members each required on its own when "and" joins a member to a pair of alternatives: "HER2+ and
        ER+ or PR+" is HER2 and (ER or PR); one conjunct, the whole group, when no "or" offers alternatives."""
        if not self.coordination & ALTERNATIVE_JOINS:
            return [self.mentions]
        bounds = [0, *self.conjunct_starts, len(self.mentions)]
        return [self.mentions[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end


def _sign(span: Span) -> str | None:
    """The status glued to a form ("ER+", "HER2-", "human epidermal growth factor receptor 2-"); None for a hyphen
    that joins a word ("HER2-positive")."""
    signed = vocabulary().signed
    status = signed.get("".join(token.text for token in span)) or signed.get(" ".join(span.text.split()))
    doc = span.doc
    if status == "negative" and span.end < len(doc):
        following = doc[span.end]
        if not doc[span.end - 1].whitespace_ and following.text[:1].isalnum():
            return None
        if following.lower_ in ("or", "and", "and/or"):
            return None
    return status


def mention_of(span: Span) -> Mention | None:
    """The mention a GENE, GENE_FAMILY or VARIANT entity makes; None for a profile or an unknown variant."""
    vocab = vocabulary()
    if span.label_ == "GENE":
        return Mention(span.start, span.end, [span.id_], status=_sign(span))
    if span.label_ == "GENE_FAMILY":
        members = list(vocab.families.get(span.id_, ()))
        return Mention(span.start, span.end, members, family=True, status=_sign(span))
    if span.label_ == "PROFILE":
        return None
    variant = vocab.variants.get(span.id_)
    if variant is None:
        return None
    return Mention(
        span.start,
        span.end,
        [*variant.genes, *variant.partners],
        variant=variant.name,
        variant_alteration=variant.alteration,
        needs_status=span.text in vocab.needs_status,
        karyotype=span.text in vocab.karyotype,
    )


def criterion_mentions(doc: Doc, ents: list[Span]) -> list[Mention]:
    """The mentions among one criterion's entities, two names of one gene in a row ("HER2 (ERBB2)") as one."""
    mentions = [m for e in ents if e.label_ in MENTION_LABELS and (m := mention_of(e)) is not None]
    merged: list[Mention] = []
    for m in mentions:
        if merged and m.variant is None and merged[-1].variant is None and m.genes == merged[-1].genes:
            if all(t.lower_ in _SAME_GENE_JOINERS for t in doc[merged[-1].end : m.start]):
                merged[-1].end = m.end
                continue
        merged.append(m)
    return merged


def continues_list(doc: Doc, end: int, start: int, bracketed: bool = False) -> bool:
    """Only a conjunction (and fillers) between one gene phrase and the next: "no EGFR mutation (L858R)
    or ALK fusion" negates both. Inside a bracketed list (`bracketed`) a semicolon may stand beside the conjunction:
    "no adverse translocations [t(1;19) or BCR/ABL; and MLL rearrangements]". An alteration word the next phrase
    puts before its gene may stand in the gap too: "absence of inv(16) and the fusion transcripts CBFB-MYH11"."""
    tokens = [t for t in doc[end:start] if not t.is_space]
    words = [t.lower_ for t in tokens]
    return (
        0 < len(words) <= MAX_LIST_GAP
        and any(w in LIST_CONJUNCTIONS for w in words)
        and all(
            t.lower_ in FILLERS or t.lower_ in CONJUNCTIONS or t.lower_ in BRACKETS or (bracketed and t.text == ";")
            or t.ent_type_ == "ALTERATION"
            for t in tokens
        )
    )


def bracketed(doc: Doc, first: int, end: int, start: int, last: int) -> bool:
    """Tokens [end, start) lie inside a bracket opened in tokens [first, end) and closed in tokens [start, last)."""
    depth = 0
    for i in range(first, last):
        text = doc[i].text
        depth += sum(text.count(c) for c in "([") - sum(text.count(c) for c in ")]")
        if i == end - 1 and depth <= 0:
            return False
        if end <= i < start and depth <= 0:
            return False
        if i >= start and depth <= 0:
            return True
    return False


def restates(doc: Doc, end: int, start: int) -> bool:
    """Only punctuation between one name of a variant and the next: "BCR/ABL, t(9;22)" names one fusion twice, so
    the second name says what the first says ("no BCR/ABL, t(9;22)" excludes it whole)."""
    return all(t.is_space or t.text in BRACKETS or t.text in {",", "/", "-", ":"} for t in doc[end:start])


def _next_word(doc: Doc, i: int) -> str:
    """The word after token `i`, past spaces and the bracket that closes a symbol ("kinase (ALK) gene": "gene")."""
    while i < len(doc) and (doc[i].is_space or doc[i].text in (")", "]")):
        i += 1
    return doc[i].lower_ if i < len(doc) else ""


def unnamed_symbol(doc: Doc, i: int, end: int) -> int:
    """Where a word shaped like a gene symbol that no vocabulary names ends, when one starts at token `i` (before
    `end`): capitals and digits, in the pieces the tokenizer may have split it into ("PI3K" as "PI3" "K"); else
    `i`. Not a test so shaped ("IHC", `TEST_ABBREVIATIONS`)."""
    j, text = i, ""
    while j < end and not doc[j].is_space and not doc[j].ent_type_ and doc[j].lower_ not in _GROUP_JOINERS:
        text += doc[j].text
        j += 1
        if doc[j - 1].whitespace_:
            break
    return j if j > i and _SYMBOL.match(text) and text.lower() not in TEST_ABBREVIATIONS else i


def _listed_words(doc: Doc, start: int, end: int) -> tuple[list[str], int]:
    """The words between two gene mentions, without the unnamed symbols listed among them (each between a comma
    or conjunction and the next: "KRAS, PI3K and BRAF"), and how many such symbols there were."""
    words: list[str] = []
    unnamed, i = 0, start
    while i < end:
        after = unnamed_symbol(doc, i, end)
        if after > i and words and words[-1] in _GROUP_JOINERS and after < end and doc[after].lower_ in _GROUP_JOINERS:
            unnamed, i = unnamed + 1, after
            continue
        if not doc[i].is_space:
            words.append(doc[i].lower_)
        i += 1
    return words, unnamed


def gene_groups(doc: Doc, mentions: list[Mention]) -> list[Group]:
    """The gene (not variant) mentions grouped as listed together: only punctuation and conjunctions between them,
    and symbols no vocabulary names listed with them (`Group.unnamed`)."""
    groups: list[Group] = []
    for mention in mentions:
        if mention.variant is not None:
            continue
        if groups and groups[-1].mentions[-1].status == mention.status:
            last = groups[-1]
            listed, unnamed = _listed_words(doc, last.end, mention.start)
            words = set(listed)
            if words & _GENE_WORDS and _next_word(doc, mention.end) in _GENE_WORDS:
                words -= _GENE_WORDS
            if not words or words <= _GROUP_JOINERS:
                if words == {"and"} or (not listed and mention.status is not None):
                    last.conjunct_starts.append(len(last.mentions))
                last.mentions.append(mention)
                last.coordination |= words
                last.unnamed += unnamed
                continue
        groups.append(Group([mention]))
    for group in groups:
        group.unnamed += _unnamed_after(doc, group.end)
    return groups


def _unnamed_after(doc: Doc, i: int) -> int:
    """The symbols no vocabulary names that a list goes on with after its last gene, each after a comma or
    conjunction: "MyD88, JAK2, JAK3, TYK2, or IRAK1" goes on for two."""
    count = 0
    while True:
        j = i
        while j < len(doc) and (doc[j].is_space or doc[j].lower_ in _GROUP_JOINERS - _SAME_GENE_JOINERS):
            j += 1
        after = unnamed_symbol(doc, j, len(doc)) if j > i and "\n" not in doc[i:j].text else j
        if after == j:
            return count
        count, i = count + 1, after
