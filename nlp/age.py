"""The `tm_age` component: the participants' age window stated in the criteria, in years.

    >>> from nlp.extract import extract_text
    >>> extract_text("Inclusion Criteria:\\n- Age 6 months to 17 years\\nExclusion Criteria:\\n- Pregnancy").age
    AgeWindow(min_years=0.5, max_years=17.0, source='text')

Recognised statements: ranges ("between 18 and 65 years", "aged 18-74", "18~60 years"), a comparator
before the number ("≥ 18 years", "older than 20 years of age", "Age＞18") or after it ("18 years or
older", "Age 16+", "18 or more years of age", a unit after the comparator only with its age cue). A number counts
as an age only with an age cue ("age", "aged", "years old", "of age"), a person word just before it ("patients ≥
18 years"), or when a criterion opens with it; durations ("within 5 years", "for at least 3 months") are not ages.
Months, weeks, days and hours need an explicit age cue. Exclusion statements are inverted ("Age < 18" excluded → at
least 18; "≥ 76" excluded → at most 75), and so are the ages a sentence states are not eligible, in either section
("Patients under 18 years are not eligible" → at least 18: the `ineligible` words of `nlp/vocab/age_terms.jsonl`
right after the age). Cohorts: the widest inclusion window wins (an open-ended cohort above a
range leaves no upper limit); exclusion bounds only fill a side inclusion left open.
Contradicting bounds are alternatives, not limits:
within one criterion the first sentence stands if it is consistent ("Age > 18 years. ... patients < 18 years of
age are excluded"), else the criterion states none ("ECOG ≤ 3 (age ≥ 16) or Lansky ≥ 40% (age < 16)"); across
criteria an empty window means no limit ("≥ 60 years" or "< 60 years and amenorrheic"). Whole ranges are cohorts
and add up (so does a lower and an upper bound stated together: "≥ 70 but ≤ 75 years are eligible if ...");
a lower bound above a range is another cohort or an exception ("birth through 21 ...; older than 21
... may be considered" reads 0 upward), as is an upper bound at or below a range ("neonates ≤ 28 days old;
children 2 to 11 years" has no minimum): they widen the window, never narrow it; a cohort of any age ("All ages
are eligible", "or of any age with a co-morbid condition", "no age restriction") leaves no limit ("at any age",
"(any age before amendment 1)" do not).
Ages that are not the participants' limits are left out: another person's (a donor, a relative: "DONOR: age < 60",
"relatives diagnosed under age 50", and every age under an item naming only such a person), a menopause
definition's ("postmenopausal, defined as age ≥ 55 or ..."; "premenopausal women aged 20-45" keeps its age), a
subgroup's ("consent of a guardian if under 18", "ECOG 2 if age ≥ 70", "Lansky 50-100 in patients 10 and under",
"(those 16 years and older)", "Patients >= 70 years must have ...", "(age < 18): creatinine clearance ..."), an
example's ("unfit for standard conditioning (e.g. age > 55 years for related transplants)"), a
share of the enrolment ("no more than 10 percent may be over 50"), the age of something else or at an event ("bone
age", "mental age", "wound more than 6 months old", "1 year old when they had chickenpox", "3-10 years past
menopause", "2 years postmenopausal", "under 16 at onset", "10 years of formal education", a score "greater than 14
on the Hamilton scale"), and those under an inclusion list of alternatives ("one of the following:", "at least
three of the following:") or of exceptions ("Exemptions from this criterion:").
Other persons include household contacts, caregivers, parents and guardians (whose consent an age may choose:
"consent of a parent or guardian for patients under 18"), like the children's who sign an assent ("aged 7 to 17
willing to sign assent", "under 18 but who are 13 or older will sign an assent": they may widen the window, never
narrow it). A sentence opening with the place or group
it is for ("For Japan only: ... age ≥ 20 years") states that subgroup's age.
`for_children_only` says whether a trial's title names only children as its participants (`child_title` words
of `nlp/vocab/age_terms.jsonl`, none of its `not_only_children` words): the age verdict's rule for a trial that
gives no ages at all.
In the legacy layout ("Age: 18 and over Sex: Female ...") the next field's label is no unit; a number opening a
criterion after another field's label ("Life expectancy:") is not an age; a word qualifying the number ("18 to
physiologic 65", "Physiologic 65 and under") is skipped; an inclusion criterion that is only a number opening
upwards ("18 and over", the patient characteristics listed without their "Age:" label) is the minimum age.
A bound after the moment the one before it is reached at ("at least 18 years on the day of screening and no greater
than 60 years") is of the same statement, unless it names an event of its own ("... and less than 22 at diagnosis").
Comparators and units come from `nlp/patterns/{comparators,units}.jsonl` (with the comparators written with age
words, "above or equal to 18 years", from `nlp/vocab/age_terms.jsonl`), cue words, the words of other persons
and defined states, the words qualifying a number ("physiologic"), and the short words after a number that are no
unit of measure ("18 yrs", "18 and over") from `nlp/vocab/age_terms.jsonl`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from nlp.models import AgeWindow
from nlp.resources import pattern_phrases, phrase_regex, read_vocab
from nlp.sections import add_kind, criteria_offsets
from nlp.text import doc_text

UNIT_YEARS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25, "hour": 1 / 8766}
MAX_AGE_YEARS = 120.0
_WIDTH_SAFE = str.maketrans({"＞": ">", "＜": "<", "≧": "≥", "≦": "≤", "＝": "=", "～": "~", "–": "-", "—": "-"})


@dataclass(frozen=True)
class _Grammar:
    forms: tuple[re.Pattern, ...]  # a range, a comparator before the number, a comparator after it
    after_comparator: re.Pattern  # found in every match of the last form: "or older", "+"
    comparators: dict[str, str]  # keyed by the phrase without spaces: "> or =" is also written ">or ="
    units: dict[str, str]
    old_units: frozenset[str]
    age_end: re.Pattern
    hint: re.Pattern  # age words and units: a criterion with none of them (and no person_compared) is skipped
    person_compared: re.Pattern
    age_cue: re.Pattern
    person_end: re.Pattern
    duration_end: re.Pattern
    duration_after: re.Pattern
    time_in_state: re.Pattern  # "2 years postmenopausal": right after the unit, the time spent in a state
    other_age: re.Pattern
    person: re.Pattern  # any person word, participants' ("patients") or others' ("donor")
    other_person: re.Pattern  # earlier in the sentence, the age is someone else's: a donor, a relative
    scope_word: re.Pattern  # any word of the two above: most criteria have none
    defined_state: re.Pattern  # "postmenopausal": an age after it and a definition cue defines the state
    subgroup: re.Pattern  # "for patients under", "if age", "those", "Lansky ... in patients": the age picks a subgroup
    quota: re.Pattern  # "no more than 10 percent of volunteers may be over 50": a share of the enrolment, no limit
    zero: re.Pattern  # "birth" as one end of an age range or with "and older"
    zero_words: tuple[str, ...]
    before_number: re.Pattern  # "physiologic" in "18 to physiologic 65": a word qualifying the age, not a cue
    before_number_words: tuple[str, ...]
    not_a_measure: frozenset[str]  # short words after a number that are no unit of measure: "yrs", "and"
    any_age: re.Pattern  # "all ages are eligible", "no age restriction": not "at any age", "(any age before ...)"
    statement_time: re.Pattern  # "at informed consent", "at screening": when a bare age is reached, at the end
    coordinated: re.Pattern  # between two bounds of one statement: "and", or the first's time then "and"
    at_event: re.Pattern  # after a bound, the event it is the age at: "at diagnosis", "at the time of onset"
    for_a_part: re.Pattern  # "(randomized portion of study)", "for the phase II portion": right after, whose age it is
    study_part: re.Pattern  # the name of a part of a study: "portion", "arm", "phase II portion"
    ineligible: re.Pattern  # right after an age: "are not eligible", "will not be enrolled": those ages are excluded


def _alternatives(phrases: list[str], whole_words: bool = True) -> str:
    """`phrase_regex(phrases)` where phrases starting with a letter match only where a word starts (and, with
    `whole_words`, ends).

    Each branch opens with a literal character and checks the word start after it (`(?<![a-z].)`: no letter
    before that character), so the regex engine skips ahead to the characters that can start a match instead of
    trying a leading `(?<![a-z])` at every position. Phrases of one first character keep their longest-first order;
    phrases of different first characters never match at the same position.
    """
    tails: dict[str, list[str]] = {}
    for phrase in sorted(set(phrases), key=len, reverse=True):
        first, *rest = phrase.split()
        tails.setdefault(first[0], []).append(r"\s*".join(re.escape(word) for word in [first[1:], *rest]))
    branches = []
    for char, alternatives in tails.items():
        tail = f"(?:{'|'.join(alternatives)})"
        if char.isalpha():
            tail = r"(?<![a-z].)" + tail + (r"(?![a-z])" if whole_words else "")
        branches.append(re.escape(char) + tail)
    return "|".join(branches)


def _any_of(phrases: set[str]) -> str:
    """An alternation that finds the same texts as testing each phrase with `in`: a phrase containing another adds
    nothing."""
    needed = sorted(p for p in phrases if not any(other != p and other in p for other in phrases))
    return "|".join(re.escape(p) for p in needed)


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    terms: dict[str, list[dict]] = {}
    for row in read_vocab("age_terms.jsonl"):
        terms.setdefault(row["kind"], []).append(row)
    comparators = {
        p: op for p, op in pattern_phrases("comparators.jsonl", "COMPARATOR").items() if op in (">", ">=", "<", "<=")
    }
    comparators.update({row["term"]: row["op"] for row in terms.get("comparator", [])})
    units = {p: u for p, u in pattern_phrases("units.jsonl", "UNIT").items() if u in UNIT_YEARS}
    units.update({row["term"]: row["unit"] for row in terms.get("unit", [])})
    old_units = frozenset(
        p
        for p in units
        if p.endswith("old") or any(row["term"] == p and row.get("old") for row in terms.get("unit", []))
    )
    post = [p for p in comparators if p.split()[0] in ("or", "and")]
    pre = [p for p in comparators if p not in post]
    upper_pre = [p for p in pre if comparators[p] in ("<", "<=")]

    def words(kind: str) -> str:
        return phrase_regex([row["term"] for row in terms[kind]])

    num = r"(?P<{0}>\d\d{{0,2}}(?:\.\d{{1,2}})?)(?![\d.]*\d)"  # a leading \d lets the engine skip to digits
    unit = r"(?:\s*-?\s*(?P<{0}>" + phrase_regex(list(units)) + r")(?![a-z]))?"
    part = r"(?:\s+and\s+\d{1,3}\s*(?:days?|weeks?|months?)(?![a-z]))?"  # "18 years and 0 days": whole years count
    old = r"(?P<old>\s*-?\s*(?:old|olds|of\s+age|age)(?![a-z]))?"
    age_in = r"(?P<agein>(?:the\s+)?age\s+(?:of\s+)?)?"
    upper_second = r"(?:(?:" + _alternatives(upper_pre) + r")\s*)?"
    symbol_echo = r"(?:\(\s*[<>≤≥=]+\s*\)\s*)?"  # "greater than or equal to (≥) 18"
    after_comparator = _alternatives(post) + r"|\+"
    return _Grammar(
        forms=(
            re.compile(
                r"(?:[>≥]=?\s*)?"  # starts at a digit or symbol (_RANGE_START); "between" is context
                + num.format("a")
                + unit.format("ua")
                + part
                + r"(?:\s*(?:old|of\s+age)(?![a-z]))?"  # "between 20 years old and 65 years old"
                + r"(?:\s*\([^()]{1,200}\))?"  # "between 18 (20 for Japanese) and 65 years": an aside in the range
                + r"\s*(?:-|~|to|(?P<and>and)|through|until|till)\s*"
                + r"(?P<upper>"
                + upper_second
                + r")"
                + num.format("b")
                + unit.format("ub")
                + part
                + old
            ),
            re.compile(
                r"(?P<cmp>"
                + _alternatives(pre)
                + r")\s*"
                + symbol_echo
                + r"(?:[:=]\s*)?(?:to\s+)?"  # ">= to 18 years"
                + age_in
                + num.format("n")
                + unit.format("u")
                + old
            ),
            re.compile(
                num.format("n")
                + unit.format("u")
                + old
                + r"\s*,?\s*(?P<post>"
                + after_comparator
                + ")"
                + r"(?:"  # "18 or more years of age": the unit after the comparator, with its age cue
                + unit.format("unit_after")
                + r"\s*-?\s*(?P<old_after>old|of\s+age)(?![a-z]))?"
            ),
        ),
        after_comparator=re.compile(after_comparator),
        comparators={re.sub(r"\s+", "", p): op for p, op in comparators.items()},
        units=units,
        old_units=old_units,
        age_end=re.compile(
            r"(?<![a-z])(?:age[ds]?|ages)[\s:=(,]*(?:(?:is|of|at|between|from|range|group|limit|the|"
            r"must|be|should|was|were|from|in|within|greater|less|more|than)[\s:=(,]+)*$"
        ),
        hint=re.compile(  # months, weeks and days count only with an age word, so only year units are hints
            _any_of(
                {row["term"] for row in terms["age_cue"]}
                | {u for u, kind in units.items() if len(u) > 1 and kind == "year"}
                | {"+", "adult"}
            )
        ),
        person_compared=re.compile(
            r"(?:"
            + _alternatives([row["term"] for row in terms["person"]], whole_words=False)
            + r")[\s(,:]*(?:(?:must|should|shall|will|who|are|is|be)\s+)*"
            r"(?:\d|[<>≤≥=]|aged?\b|over|under|older|younger|between|from|at least|more than|less than"
            r"|greater than)"
        ),
        age_cue=re.compile(r"(?<![a-z])(?:" + words("age_cue") + r")(?![a-z])"),
        person_end=re.compile(
            r"(?<![a-z])(?:" + words("person") + r")[\s,(:]*(?:(?:who|that|is|are|must|be|"
            r"should|were|will|aged?|of|both|either|any|all|sexes|genders?)[\s,(:]+)*$"
        ),
        duration_end=re.compile(r"(?<![a-z])(?:" + words("duration_cue") + r")[\s,(:]*(?:(?:of|a|the)\s+)*$"),
        duration_after=re.compile(r"[\s,]*(?:" + words("duration_after") + r")(?![a-z])"),
        time_in_state=re.compile(r" +(?:" + words("time_in_state") + r")(?![a-z])"),
        other_age=re.compile(r"(?<![a-z])(?:" + words("other_age") + r")(?![a-z])"),
        person=re.compile(r"(?<![a-z])(?:" + words("person") + r")(?![a-z])"),
        other_person=re.compile(_alternatives([row["term"] for row in terms["other_person"]])),
        defined_state=re.compile(_alternatives([row["term"] for row in terms["defined_state"]])),
        scope_word=re.compile(
            _alternatives([row["term"] for row in terms["other_person"] + terms["defined_state"]])
        ),
        subgroup=re.compile(
            r"(?<![a-z])(?:(?:for|if|when|among|unless|except)\s+(?:(?:the|all|any|those|a|an)\s+)?"
            r"(?:(?:[a-z]+\s+)?(?:" + words("person") + r")\s*,?\s*)?|\(\s*those\s+)"
            r"(?:(?:who|that|whose)\s+)?(?:(?:are|is|were|be|aged?|age\s+is)\s+)*"
            r"(?:\(\s*(?:(?:ages?|aged)\s+|(?:i\.\s?e|e\.\s?g)\.?\s*,?\s*)?)?$"  # "(aged ", "(i.e., "
            r"|(?:karnofsky|lansky|ecog|zubrod|performance|bmi)[^.;]*(?<![a-z])(?:in|for)\s+"
            r"(?:(?:the|all|any|those)\s+)?(?:" + words("person") + r")\s*(?:(?:aged?|of\s+age)\s+)?$"
        ),
        quota=re.compile(
            r"(?<![a-z])(?:" + words("quota") + r")\s+(?:\d+|one|two|three|four|five|ten)\s*"
            r"(?:%|percent|per\s*cent|of(?![a-z])|(?:" + words("person") + r")(?![a-z]))"
        ),
        zero_words=tuple(row["term"] for row in terms["age_zero"]),
        zero=re.compile(
            r"(?<![a-z])(?:" + words("age_zero") + r")(?=\s*(?:-|to\s|through|until|and\s+(?:older|over|above|up)))"
        ),
        before_number_words=tuple(row["term"] for row in terms["before_number"]),
        before_number=re.compile(r"(?<![a-z])(?:" + words("before_number") + r")(?=\s+\d)"),
        not_a_measure=frozenset(row["term"] for row in terms["not_a_measure"]),
        any_age=re.compile(r"(?<![a-z(])(?<!at )(?:" + words("any_age") + r")(?![a-z]|\s*-?\s*related)"),
        statement_time=re.compile(r"\s+(?:" + words("statement_time") + r")\s*[.;]?$"),
        coordinated=re.compile(r"(?:\s+(?:" + words("statement_time") + r"))?" + _COORDINATED.pattern),
        at_event=re.compile(r"\s+at\s+(?:the\s+time\s+of\s+)?(?:" + words("other_age") + r")(?![a-z])"),
        study_part=re.compile(  # one name of a part may hold two of the words: "phase II portion"
            r"(?<![a-z])(?:{0})(?![a-z])(?:[\s-]+(?:[a-z0-9]+[\s-]+){{0,2}}?(?:{0})(?![a-z]))*".format(words("study_part"))
        ),
        for_a_part=re.compile(
            r"\s*(?:(?:years?|yrs?)\s*)?(?:(?:old|of\s+age)\s*)?(?:\(|,?\s*(?:for|in)\s+)\s*(?:the\s+)?"
            r"(?!(?:all|both|each|every|any)(?![a-z]))[a-z0-9 -]{0,30}?(?<![a-z])(?:" + words("study_part") + r")"
            r"(?![a-z])(?:\s+(?:of\s+(?:the\s+)?(?:study|trial)|only))*\s*(?:\)|[.;,]|$)"
        ),
        ineligible=re.compile(r"[\s,]*(?:" + words("ineligible") + r")(?![a-z])"),
    )


@dataclass
class _Bound:
    value: float
    side: str  # "min" or "max"
    section: str
    at: int  # where its statement starts in the criterion
    ranged: bool = False  # one end of a range stated whole ("12 to 17 years")
    widens: bool = False  # picks the children who sign an assent: may widen the window, never narrow it
    part: bool = False  # stated for one part of the study only: "Age 42 to 69 years (randomized portion of study)"


# "sex:" opens the next field; a times sign makes a multiple ("5 × ULN"); a thousands group makes a count
# ("platelet count of normal volunteers must be greater than 100,000/mm(3)")
_MEASURE_AFTER = re.compile(r"\s*(?:%|/|×|\.\d|,\d{3}(?!\d)|[a-zµμ]{1,4}(?:/|\d|(?![a-z:])))")
_SUBGROUP_END = re.compile(r"(?<![a-z])(?:for|in|among|if|of|to)\s+(?:(?:the|all|any)\s+)?$")
_EXCLUSION_REACH = 60
# a lab value and its unit of concentration or rate, then the bracket an age opens: "0.6 mg/dL (1-23 months of age)"
# gives a row of a table by age (not a score's share: "Lansky ≥ 40% (age < 16 years)")
_VALUE_THEN_BRACKET = re.compile(
    r"\d\s*[a-zµμ]{1,4}/[a-z0-9.²]{1,6}\s*(?:\((?:fe)?males?\)\s*)?[(\[]\s*(?:age[ds]?\s*)?(?:\d+\s*(?:to|-)\s*)?$"
)
_DIGIT = re.compile(r"\d")
_RANGE_START = re.compile(r"[\d>≥]")  # where a match of the range form (the first of _Grammar.forms) begins
_HEADER_LENGTH = 12
_RANGE_OPENER = re.compile(r"(?<![a-z])(?:between|from)\s*$")
_NUMBER_Y = re.compile(r"\d\s?y(?![a-z])")
_COMPARISON_HINTS = ("<", ">", "≥", "≤", "=", "between", "over", "under", "older", "younger", "least", "than", "from")
_AGE_HEADER = re.compile(r"\s*ages?\s*:?\s*")
_SENTENCE_END = re.compile(r"[.;](?:\s|$)")
_STOP = re.compile(r"(?<!i\.e)(?<!e\.g)\. |;")  # where the words before an age start: not at "i.e. " or "e.g. "
_SCORED = re.compile(r"\s*(?:points?(?![a-z])|on\s+(?:the|a)\s)")  # "greater than 14 on the Hamilton scale"
_COORDINATED = re.compile(r"[\s,;/]*(?:(?:or|and|but|nor)\b)?[\s,(]*")
_DEFINITION_CUE = re.compile(r"defin|[:(=]|(?<![a-z])(?:by|i\.?e|as follows)(?![a-z])")
_SCOPE_REACH = 250  # how far back in its sentence a menopause definition or another person's age reaches
# an open bracket of examples before the age: "not eligible for standard conditioning due to age, ... (e.g. age > 55
# years for related transplants or > 50 ...)" gives a reason by example, not the participants' limit
_EXAMPLE_BRACKET = re.compile(r"[(\[]\s*(?:e\.\s?g(?![a-z])|for\s+example(?![a-z]))[^()\[\]]*$")
# an "i.e." aside open before the age that goes on, after it, with another condition of the group it glosses
# ("likely to benefit from allogeneic transplantation (i.e., age < 60 years with histocompatible donor)", "(i.e., age
# 60 or older, or younger with comorbidities)"): who the group is, by age and something else, not the participants'
# limit
_GLOSS_BRACKET = re.compile(r"[(\[]\s*(?:i\.\s?e(?![a-z])|that\s+is,|namely(?![a-z]))[^()\[\]]*$")
_GLOSS_GOES_ON = re.compile(r"[^()\[\]]*?(?<![a-z])(?:with|without|who|whose|if|or|and)\s+[a-z]")
_SHORT_ITEM = 80  # an item this short naming another person ("HLA-identical sibling donor") heads that person's ages
_LINE_LEAD = re.compile(r"[\s\-*•·▪◦‣⁃–—+]*(?:\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s*)?", re.I)  # indent and bullet
_ONLY_FOR = re.compile(r"[\s\-*•(]*(?:only\s+)?(?:for|in)\s+(?:[a-z-]+\s+){1,3}only\s*[:,]")  # "For Japan only: ..."
_EXCEPTIONS = re.compile(r"(?<![a-z])(?:exempt|exemptions?|exceptions?|except|unless|excluding)(?![a-z])")
_WITH_PEOPLE = re.compile(r"(?<![a-z])with(?![a-z])")  # "contact with" the persons named after it
_EVENT_REACH = 80  # how far before "any age" an event ("onset", "diagnosed") makes it the age of that event
_NOT_A_COHORT_AFTER = re.compile(
    r"\s*(?::|(?:above|over|under|below|between|from|older|younger|up|less|greater|more)(?![a-z])|[<>≤≥\d])"
)
_ASSENT_REACH = 40
# between two ages that describe one group: "under 18 but who are age 13 or older"
_SAME_GROUP = re.compile(r"[\s,]*(?:but|and)\s+(?:who|that)\s+(?:are|is)\s+(?:aged?\s+)?")
_NOT_ASSENTS = re.compile(r"\d|[.;]|(?<![a-z])(?:time|date|day|visit|at|on|when|as of|by|before|prior)(?![a-z])")
_REQUIREMENT = re.compile(  # what the people an age names must do: "must have", "should also undergo"
    r"(?<![a-z])(?<!who )(?<!that )(?:must|should|are\s+required\s+to)\s+(?:(?:also|not|additionally)\s+)*"
    r"(?!be\s+(?:at\s+least|aged?|older|younger|between|over|under|above|below|from|\d|[<>≥≤]))"
)
# the people an age names, made ineligible by what a relative clause says of them: "Participants <65 years of age who
# refuse auto-SCT are not eligible" (a subgroup, not a limit)
_MADE_INELIGIBLE = re.compile(
    r"[^.;]{0,20}?(?<![a-z])(?:who|that)\s[^.;]*?(?<![a-z])(?:are|is|will\s+be)\s+(?:not\s+eligible|ineligible|excluded)"
)
# whom it is for, or the row of a table: "(age < 18): creatinine clearance ≥ 90", "older than 15: 1.5"
_LABELS_A_REQUIREMENT = re.compile(r"\s*\)?\s*:\s*[a-z(\d]")
_BARE_AGE = re.compile(
    r"(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s*,?\s*(?:(?:must|should)\s+be\s+|is\s+|are\s+)?)?"
    r"(?P<age>age[ds]?\s*:?\s*)?(?:=\s*)?(?P<n>\d{1,2})\s*(?:(?:years?|yrs?)(?P<old>\s*(?:old|of\s+age))?)?\s*[.;,]?"
)
_WHOLE_NUMBER = re.compile(r"\d{1,2}(?=\s)")
_VERB = re.compile(r"(?<![a-z])(?:must|should|shall|will|be|are|is|were|was)(?![a-z])")
_OR_ALTERNATIVE = re.compile(r"\sOR\s")  # a capitalised "OR" between the alternatives of a legacy list ("... OR ...")
_AGE_LABEL_BEFORE = re.compile(r"(?<![a-z])age\s*:\s*$", re.I)  # the legacy "Age:" field: "... OR ... Age: 16 to 60"
_ALTERNATIVES = re.compile(r"(?<![a-z])(?:one|any|either|two|three|four|\d)\s+(?:out\s+)?of\s+(?:the\s+)?following")


def _years(number: str, unit: str | None, grammar: _Grammar) -> float:
    return float(number) * UNIT_YEARS[grammar.units.get(unit or "", "year")]


def _measured(text: str, end: int, grammar: _Grammar) -> bool:
    """Whether a unit of measure other than time follows position `end` ("20mm", "2.3 ng/ml", "50%")."""
    m = _MEASURE_AFTER.match(text, end)
    return m is not None and m.group().strip() not in grammar.not_a_measure


@dataclass(frozen=True)
class _Context:
    """What a criterion says around its ages: where other persons and defined states are named, and the criterion
    before, whose label ("life expectancy:") the numbers opening this one may answer."""

    others: tuple[int, ...] = ()
    states: bool = False
    previous: str = ""

    @classmethod
    def of(cls, text: str, grammar: _Grammar, previous: str) -> _Context:
        if not grammar.scope_word.search(text):
            return cls(previous=previous)
        return cls(tuple(m.start() for m in grammar.other_person.finditer(text)),
                   grammar.defined_state.search(text) is not None, previous)

    def after_label(self, grammar: _Grammar) -> bool:
        """Whether the criterion before ends with a label of a duration ("life expectancy:")."""
        return self.previous.endswith(":") and grammar.duration_end.search(self.previous[-40:].lower()) is not None


def _is_age(
    text: str, m: re.Match, groups: dict, unit: str | None, after_age: bool, grammar: _Grammar, context: _Context
) -> bool:
    """Whether match `m` (`groups`: its groupdict) in a lower-cased criterion states an age, judged by context."""
    start = m.start()
    if context.others or context.states:
        sentence = max(text.rfind(". ", 0, start), text.rfind(";", 0, start), start - _SCOPE_REACH, 0)
        if any(sentence <= at < start for at in context.others) or (
            context.states and _defines_state(text, sentence, start, grammar)
        ):
            return False
    before = text[max(0, start - 50) : start]
    stops = [stop.start() for stop in _STOP.finditer(before)]
    before = before[stops[-1] + 1 :] if stops else before
    if groups.get("a") is not None:
        before = _RANGE_OPENER.sub("", before)
    if grammar.other_age.search(before[-40:]) or grammar.duration_after.match(text, m.end()):
        return False
    if not groups["old"] and grammar.time_in_state.match(text, m.end()):
        return False
    if grammar.subgroup.search(before) or _a_share_of_the_enrolment(text, start, grammar):
        return False
    if _names_a_requirement_of_its_people(text, m.end(), before, grammar) or _LABELS_A_REQUIREMENT.match(text, m.end()):
        return False
    if _VALUE_THEN_BRACKET.search(before):
        return False  # "no greater than 0.6 mg/dL (1-23 months of age)": the age of a row, not a limit
    if _EXAMPLE_BRACKET.search(text, max(0, start - _SCOPE_REACH), start):
        return False
    if _GLOSS_BRACKET.search(text, max(0, start - _SCOPE_REACH), start) and _GLOSS_GOES_ON.match(text, m.end()):
        return False
    if _ONLY_FOR.match(text, max(text.rfind(". ", 0, start) + 1, text.rfind(";", 0, start) + 1)):
        return False
    if after_age or groups["old"] or groups.get("old_after") or groups.get("agein") or unit in grammar.old_units:
        return True
    phrase = groups.get("cmp") or groups.get("post") or ""
    if "old" in phrase or "young" in phrase or "age" in phrase:  # "aged over 18": the cue is in the comparator
        return True
    if grammar.duration_end.search(before):
        return False
    if unit is None and (_measured(text, m.end(), grammar) or _SCORED.match(text, m.end())):
        return False
    if grammar.age_end.search(before) or (unit is not None and grammar.age_cue.search(before[-30:])):
        return True
    if unit is not None and grammar.units.get(unit) != "year":
        return False
    person = grammar.person_end.search(before)
    if person and not _SUBGROUP_END.search(before, 0, person.start()):
        return True
    return unit is not None and not before.strip(" -*•(") and not context.after_label(grammar)


def _bare_minimum(lowered: str, section: str, grammar: _Grammar, previous: str = "") -> list[_Bound]:
    """The lower bound of an inclusion criterion that is one age in years with no comparator ("Age 18 years",
    "Subjects must be 18 years of age.", "Age: 30"): a minimum, its symbol often lost in copying ("Age ≥ 18"), or
    left as an equals sign ("Age =20 years"), with or without when it is reached ("at informed consent").

    So is a bare open-ended number making up the whole criterion ("18 and over"), as the legacy layout lists the
    patient characteristics without the "Age:" label, unless the criterion before ends with a label it answers
    ("Hemoglobin:")."""
    bare = lowered.strip()
    when = grammar.statement_time.search(bare)
    m = _BARE_AGE.fullmatch(bare[: when.start()] if when else bare)
    if m is not None and (m.group("age") or m.group("old")):
        return [_Bound(float(m.group("n")), "min", section, m.start("n"))]
    number = _bare_open_ended(lowered, grammar)
    if number is not None and not previous.rstrip().endswith(":"):
        return [_Bound(float(number.group()), "min", section, number.start())]
    return []


def _bare_open_ended(lowered: str, grammar: _Grammar) -> re.Match | None:
    """The number of a criterion that is only a whole number, no unit, and a comparator after it that opens upwards
    ("18 and over", "18 or older."); None for any other criterion."""
    start = len(lowered) - len(lowered.lstrip())
    end = len(lowered.rstrip(" .;\n"))
    number = _WHOLE_NUMBER.match(lowered, start, end)
    if number is None:
        return None
    m = grammar.forms[2].fullmatch(lowered, start, end)
    if m is None or m.group("u") or m.group("unit_after") or m.group("old"):
        return None
    return number if grammar.comparators.get(re.sub(r"\s+", "", m.group("post"))) in (">", ">=") else None


def _names_a_requirement_of_its_people(text: str, end: int, before: str, grammar: _Grammar) -> bool:
    """Whether the age ending at `end` names the people a requirement later in its sentence is for, not a limit:
    right after a person word, with the sentence going on to what they must do or have ("Patients >= 70 years
    must have a performance status of 0-2", "Children under 15 months of age, who ..., must also have ...",
    "Females > 13 years of age must have a negative pregnancy test"). "Patients must be 18 or older and must
    sign ...", "Patients who are 18 to 75 must have ..." and "Patients 18 to 75 who must have failed ..." keep
    their ages. So does an age whose people a relative clause makes ineligible ("Participants <65 years of age who
    refuse auto-SCT are not eligible")."""
    person = grammar.person_end.search(before)
    if person is None or _VERB.search(person.group()):
        return False
    if _MADE_INELIGIBLE.match(text, end):
        return True
    sentence_end = _SENTENCE_END.search(text, end)
    return _REQUIREMENT.search(text, end, sentence_end.start() if sentence_end else len(text)) is not None


def _picks_who_assents(text: str, m: re.Match) -> bool:
    """Whether the age matched by `m` picks the children who sign an assent, not the participants' limits
    ("subjects aged 7 to 17 willing to sign assent", "assent (children aged 10 to 12 only)"): the word is next to
    it with no number, sentence end or time between ("12 years or older at the time of consent/assent" is a limit).
    Those children enrol, so their ages may widen the window; in an exclusion they say nothing."""
    after = text[m.end() : m.end() + _ASSENT_REACH]
    at = after.find("assent")
    if at >= 0 and not _NOT_ASSENTS.search(after, 0, at):
        return True
    before = text[max(0, m.start() - _ASSENT_REACH) : m.start()]
    at = before.rfind("assent")
    return at >= 0 and not _NOT_ASSENTS.search(before, at)


def _a_share_of_the_enrolment(text: str, start: int, grammar: _Grammar) -> bool:
    """Whether the sentence before the age at `start` makes it a share of the enrolment, not a limit ("no more than
    10 percent of volunteers may be over 50 years of age", "no more than one patient over 50 at each dose level")."""
    sentence_start = max(text.rfind(". ", 0, start), text.rfind(";", 0, start), 0)
    return grammar.quota.search(text, sentence_start, start) is not None


def _defines_state(text: str, sentence: int, start: int, grammar: _Grammar) -> bool:
    """Whether the age at `start` is part of a definition of a state named earlier in its sentence ("Postmenopausal,
    defined as ... age ≥ 55", "menopausal status: postmenopausal by ... women under 50", "postmenopausal (age > 45
    and ...)"), not of the participants: a definition cue after the state's word, outside closed parentheses.
    "Premenopausal women aged 18 to 50" names the participants' state and their age."""
    for state in grammar.defined_state.finditer(text, sentence, start):
        between = text[state.end() : start]
        if ")" in between:
            between = between[between.rfind(")") + 1 :]
        if _DEFINITION_CUE.search(between):
            return True
    return False


def _matches_from(form: re.Pattern, starts: re.Pattern, text: str) -> list[re.Match]:
    """`form.finditer(text)` for a form whose matches all begin where `starts` matches, trying only there.

    Cheaper than `finditer` when the regex engine cannot tell the first characters of `form` by itself.
    """
    found = []
    at = starts.search(text)
    while at:
        m = form.match(text, at.start())
        if m:
            found.append(m)
            at = starts.search(text, m.end())
        else:
            at = starts.search(text, at.start() + 1)
    return found


def _candidates(text: str, grammar: _Grammar) -> list[re.Match]:
    """Every age-shaped match, leftmost first and longest first at one position."""
    ranges, before, after = grammar.forms
    found = _matches_from(ranges, _RANGE_START, text) + list(before.finditer(text))
    if grammar.after_comparator.search(text):
        found += after.finditer(text)
    found.sort(key=lambda m: (m.start(), -(m.end() - m.start())))
    return found


def _bounds(
    text: str, section: str, grammar: _Grammar, after_header: bool = False, previous: str = ""
) -> list[_Bound]:
    context = _Context.of(text, grammar, previous)
    bounds: list[_Bound] = []
    previous_end: int | None = 0 if after_header else None
    taken_end = 0
    previous_bounds: list[_Bound] = []  # those of the statement that ends at previous_end
    single_at = -1  # where the number of the last accepted one-sided bound starts
    candidates = _candidates(text, grammar)
    ineligible_ages = _stated_ineligible(text, candidates, grammar)
    for m in candidates:
        groups = m.groupdict()
        ranged = groups.get("a") is not None
        ineligible = m.start() in ineligible_ages
        own = "exclusion" if ineligible else section  # "Patients under 18 are not eligible", in either section
        extends = ranged and m.start() == single_at and own == "inclusion"  # "over 16 to 65": one range
        if m.start() < taken_end and not extends:
            continue
        after_age = extends or (previous_end is not None and _coordinated(text, previous_end, m, grammar))
        if own == "exclusion" and m.start() > _EXCLUSION_REACH and not after_age:
            continue
        if ranged:
            unit = groups["ua"] or groups["ub"]
            if not _is_age(text, m, groups, unit, after_age, grammar, context):
                continue
            low = _years(groups["a"], groups["ua"] or groups["ub"], grammar)
            high = _years(groups["b"], groups["ub"] or groups["ua"], grammar)
            if groups["and"] and not groups["upper"] and not _and_range(text, m.start(), high - low, grammar):
                continue  # "subjects 16 and 17 years old": two ages, not a range
            if low >= high or high > MAX_AGE_YEARS:
                continue
            assents = _picks_who_assents(text, m)
            if assents and own == "exclusion":
                continue
            if extends:
                bounds.pop()
            _same_group_assents(text, previous_end, m, assents, previous_bounds)
            previous_end = taken_end = m.end()
            previous_bounds = []
            if own == "inclusion":
                part = _for_a_part(text, m, grammar)
                previous_bounds = [
                    _Bound(low, "min", own, m.start(), ranged=True, widens=assents, part=part),
                    _Bound(high, "max", own, m.start(), ranged=True, widens=assents, part=part),
                ]
                bounds += previous_bounds
            continue
        unit = groups["u"] or groups.get("unit_after")
        if after_age and _LABELS_A_REQUIREMENT.match(text, m.end()):
            # "older than 5 but equal to or less than 10: 1.0": the ages together label a row of a table
            bounds = [b for b in bounds if all(b is not p for p in previous_bounds)]
            previous_bounds = []
            continue
        if not _is_age(text, m, groups, unit, after_age, grammar, context):
            continue
        value = _years(groups["n"], unit, grammar)
        assents = _picks_who_assents(text, m)
        if value > MAX_AGE_YEARS or (assents and own == "exclusion"):
            continue
        _same_group_assents(text, previous_end, m, assents, previous_bounds)
        previous_end = taken_end = m.end()
        single_at = m.start("n")
        phrase = groups.get("cmp") or groups["post"]
        op = "+" if phrase == "+" else grammar.comparators[re.sub(r"\s+", "", phrase)]
        bounds.append(_bound(value, op, own, grammar.units.get(unit or "", "year"), m.start()))
        bounds[-1].widens = assents
        bounds[-1].part = _for_a_part(text, m, grammar)
        if after_age and own == "inclusion":
            _pair_into_a_range(previous_bounds, bounds[-1])
        previous_bounds = bounds[-1:]
    return _consistent(bounds, text)


def _stated_ineligible(text: str, candidates: list[re.Match], grammar: _Grammar) -> set[int]:
    """Where the ages a sentence states are not eligible start: those the `ineligible` words follow ("Patients under
    18 years are not eligible"), and those only a conjunction joins to such an age ("under 18 or over 75 years of
    age are not eligible")."""
    found: set[int] = set()
    for k in range(len(candidates) - 1, -1, -1):
        m = candidates[k]
        if grammar.ineligible.match(text, m.end()) or any(
            n.start() in found and _COORDINATED.fullmatch(text, m.end(), n.start()) for n in candidates[k + 1 :]
        ):
            found.add(m.start())
    return found


def _coordinated(text: str, previous_end: int, m: re.Match, grammar: _Grammar) -> bool:
    """The bound at `m` is of the statement ending at `previous_end`: only a conjunction between them, or the moment
    the first is reached at and a conjunction ("at least 18 years on the day of screening and no greater than 60
    years"), unless the second then names an event of its own ("at least 8 at study entry and less than 22 at
    diagnosis": the age at diagnosis)."""
    if _COORDINATED.fullmatch(text, previous_end, m.start()) is not None:
        return True
    timed = grammar.coordinated.fullmatch(text, previous_end, m.start()) is not None
    return timed and grammar.at_event.match(text, m.end()) is None
def _for_a_part(text: str, m: re.Match, grammar: _Grammar) -> bool:
    """Whether the age matched by `m` is stated for one part of the study, named right after it ("Age 42 to 69 years
    (randomized portion of study)", "50 or older for the phase II portion"); not when the criterion names parts
    more than once ("aged 20 to 40 (premenopausal arm), or 45 to 65 (postmenopausal arm)": the ages of its
    cohorts)."""
    return grammar.for_a_part.match(text, m.end()) is not None and len(grammar.study_part.findall(text)) == 1


def _pair_into_a_range(previous_bounds: list[_Bound], bound: _Bound) -> None:
    """A lower and an upper bound stated one after the other ("patients ≥ 70 but ≤ 75 years are eligible if ...")
    are one range stated whole: a cohort of its own, like "70 to 75", which widens the window rather than leaving an
    open-ended cohort."""
    if len(previous_bounds) != 1 or previous_bounds[0].ranged or previous_bounds[0].side == bound.side:
        return
    low, high = (previous_bounds[0], bound) if bound.side == "max" else (bound, previous_bounds[0])
    if low.value < high.value:
        low.ranged = high.ranged = True


def _same_group_assents(
    text: str, previous_end: int | None, m: re.Match, assents: bool, previous_bounds: list[_Bound]
) -> None:
    """An age that picks the children who sign an assent also makes the age just before it do so when both describe
    one group ("Patients under the age of 18 but who are age 13 or older will sign an assent"): those may widen the
    window, never narrow it."""
    if assents and previous_end is not None and _SAME_GROUP.fullmatch(text, previous_end, m.start()):
        for bound in previous_bounds:
            bound.widens = True


def _and_range(text: str, start: int, width: float, grammar: _Grammar) -> bool:
    """Whether "N and M" at `start` is a range, not two ages named ("subjects 16 and 17 years old"): after "between"
    or an age word ("age 21 and 50 years"), or wider than a year ("18 and 65 years old")."""
    before = text[max(0, start - 30) : start]
    return width > 1 or "between" in before or grammar.age_end.search(before) is not None


def _bound(value: float, op: str, section: str, unit: str, at: int) -> _Bound:
    lower = op in (">", ">=", "+")
    if section == "inclusion":
        return _Bound(value, "min" if lower else "max", section, at)
    step = UNIT_YEARS[unit] if value == int(value) else 0.0
    if op == ">=":
        return _Bound(value - step, "max", section, at)
    if op == "<=":
        return _Bound(value + step, "min", section, at)
    return _Bound(value, "max" if lower else "min", section, at)


def _empty(bounds: list[_Bound]) -> bool:
    """Whether some upper bound is at or below some lower bound: no window, so not one population's limits.

    Whole ranges are cohorts, which add up ("from 1 to 55 years (children 1 to 17 / adults 18 to 55)"), and a
    lower bound above a range is another cohort ("birth through 21 ...; or older than 21 ... may be considered"):
    only a stated upper limit can contradict.
    """
    lows = [b.value for b in bounds if b.side == "min"]
    highs = [b.value for b in bounds if b.side == "max" and not b.ranged]
    return bool(lows and highs) and min(highs) <= max(lows)


def _consistent(bounds: list[_Bound], text: str) -> list[_Bound]:
    """One criterion's bounds, unless they contradict each other.

    Complementary ages in one criterion split people rather than limit them: "ECOG ≤ 3 (age ≥ 16 years) or
    Lansky ≥ 40% (age < 16 years)" states no age limit. When only a later sentence contradicts the first
    ("Age > 18 years. ... in patients < 18 years of age, children are excluded"), the first sentence stands.
    """
    if not _empty(bounds):
        return bounds
    first_sentence = _SENTENCE_END.search(text)
    if first_sentence:
        first = [b for b in bounds if b.at < first_sentence.end()]
        if first and not _empty(first):
            return first
    return []


def _of_every_alternative(text: str, bounds: list[_Bound]) -> list[_Bound]:
    """The bounds of a criterion of alternatives joined by a capitalised "OR" (the legacy layout's disease groups:
    "AML in second remission OR ALL in an adult over age 15 ... OR CML in chronic phase"), less the side that only
    later alternatives state and not all of them: that group's age, not everyone's. A side the words before the first
    "OR" state stays whole ("Adults 18 to 65 with AML OR MDS"; "Age 51 to 65 ... OR ... Age 15 to 50"), so dropping
    never narrows the window, and so does the "Age:" field a run-together record writes after the alternatives
    ("... Ability to step not recovered OR Abnormal gait ... --Patient Characteristics-- Age: 16 to 60")."""
    cuts = [m.start() for m in _OR_ALTERNATIVE.finditer(text)]
    if not cuts:
        return bounds
    parts = list(zip([0, *cuts], [*cuts, len(text)], strict=True))

    def part(at: int) -> int:
        return next(k for k, (start, end) in enumerate(parts) if start <= at < end)

    stated = {side: {part(b.at) for b in bounds if b.side == side} for side in ("min", "max")}
    return [
        b for b in bounds
        if 0 in stated[b.side] or len(stated[b.side]) == len(parts) or _AGE_LABEL_BEFORE.search(text, 0, b.at)
    ]


def _may_state_age(lowered: str, grammar: _Grammar) -> bool:
    """Cheap test before the age grammar: an age word or unit, or a person word before a comparator."""
    if grammar.hint.search(lowered) or _NUMBER_Y.search(lowered):
        return True
    return any(c in lowered for c in _COMPARISON_HINTS) and grammar.person_compared.search(lowered) is not None


def _out_of_scope(
    i: int, criteria: list[tuple[str, str]], parent_of: Callable[[int], int | None], grammar: _Grammar
) -> bool:
    """Whether criterion i's ages are not the participants' limits, by an item it sits under: an inclusion list of
    alternatives ("one of the following:", "at least three of the following:"), a list of exceptions (by its last
    clause: "Exemptions from this criterion:", "unless she meets one of the following:"), a menopause definition,
    a short item naming a state with its definitions below ("Postmenopausal" over "Prior hysterectomy and at least
    age 55"; "Postmenopausal women" heads the participants), another person (a donor, a relative, "household contact
    with the following individuals:")."""
    parent = parent_of(i)
    while parent is not None:
        section, text = criteria[parent]
        lowered = text.lower().rstrip()
        if len(lowered) <= _SHORT_ITEM and (
            _names_another_person(lowered, grammar)
            or (grammar.defined_state.search(lowered) and not _ends_with_a_person(lowered, grammar))
        ):
            return True
        if lowered.endswith(":") and (
            _heads_others(lowered, grammar)
            or (_defines_state(lowered, 0, len(lowered), grammar) and not _ends_with_a_person(lowered, grammar))
            or (section == "inclusion" and _ALTERNATIVES.search(lowered))
            or _EXCEPTIONS.search(lowered, max(lowered.rfind(". "), lowered.rfind(", "), lowered.rfind(";")) + 1)
        ):
            return True
        parent = parent_of(parent)
    return False


def _ends_with_a_person(header: str, grammar: _Grammar) -> bool:
    """Whether a list's header ends with a person word ("Premenopausal and postmenopausal women:"): it heads the
    participants' criteria, not a definition of the state it names."""
    words = header.rstrip(" :")
    ends = [m.end() for m in grammar.person.finditer(words)]
    return bool(ends) and ends[-1] == len(words)


def _names_another_person(text: str, grammar: _Grammar) -> bool:
    """Whether `text` names another person (a donor, a relative) and no participant ("patient and donor ...")."""
    others = {m.group() for m in grammar.other_person.finditer(text)}
    return bool(others) and all(m.group() in others for m in grammar.person.finditer(text))


def _heads_others(lowered: str, grammar: _Grammar) -> bool:
    """Whether a list's header names the people another person is in contact with ("No household contact with the
    following individuals:", "Household contacts with people with any of the following:"): the people listed under
    it are not the participants. "Relatives of patients with ...:" and "Donors must ...:" head participants."""
    other = grammar.other_person.search(lowered)
    if other is None:
        return False
    others = {m.group() for m in grammar.other_person.finditer(lowered)}
    people = _WITH_PEOPLE.search(lowered, other.end())
    return people is not None and any(
        m.group() not in others for m in grammar.person.finditer(lowered, people.end())
    )


def _under_others_header(i: int, criteria: list[tuple[str, str]], parent_of: Callable[[int], int | None],
                         grammar: _Grammar) -> bool:
    """Whether criterion i opens the list of another person's header right before it, not indented under it (the
    flat layout: "Household contacts with people with any of the following:" then "Pregnancy. <12 months of age.")."""
    if not i or parent_of(i) is not None:
        return False
    lowered = criteria[i - 1][1].lower().rstrip()
    return lowered.endswith(":") and _heads_others(lowered, grammar)


def _a_cohort_of_any_age(
    i: int, criteria: list[tuple[str, str]], parent_of: Callable[[int], int | None] | None, grammar: _Grammar
) -> bool:
    """Whether criterion i admits a cohort of every age ("All ages are eligible", "or of any age with a co-morbid
    condition"), not an event's age ("diagnosed at any age", "onset ... any age for ovarian cancer"), a label of
    the criteria after it ("All ages:"), a limit ("of any age above 4 years"), a menopause definition's ("defined
    by ...: Any age with prior oophorectomy", or under "Postmenopausal") or an earlier version's ("(any age before
    amendment 1)")."""
    lowered = criteria[i][1].lower()
    for m in grammar.any_age.finditer(lowered):
        before = lowered[max(0, m.start() - _EVENT_REACH) : m.start()]
        if not (
            grammar.other_age.search(before)
            or _defines_state(lowered, 0, m.start(), grammar)
            or _NOT_A_COHORT_AFTER.match(lowered, m.end())
        ):
            return not (parent_of and (
                _out_of_scope(i, criteria, parent_of, grammar) or _under_a_state(i, criteria, parent_of, grammar)
            ))
    return False


def _under_a_state(
    i: int, criteria: list[tuple[str, str]], parent_of: Callable[[int], int | None], grammar: _Grammar
) -> bool:
    """Whether criterion i sits under an item naming a defined state ("Postmenopausal" over "Bilateral oophorectomy
    and any age"): one of the state's definitions."""
    parent = parent_of(i)
    while parent is not None:
        if grammar.defined_state.search(criteria[parent][1].lower()):
            return True
        parent = parent_of(parent)
    return False


def _says_age(text: str) -> bool:
    """Whether `text` holds "age" in any case: the cheap test before the any-age phrases. What a regex search for
    "age" ignoring case finds, quicker: only "A", "G" and "E" lower-case to "a", "g" and "e", and no character
    lower-cases to several holding one of them."""
    return "age" in text.lower()


def _zero_to_digit(lowered: str, grammar: _Grammar) -> str:
    """"birth" as the low end of an age ("birth through 21 years", "from birth and older") written as 0, padded to
    keep every offset."""
    return grammar.zero.sub(lambda m: "0".ljust(len(m.group())), lowered)


def _unqualified(lowered: str, grammar: _Grammar) -> str:
    """The words qualifying an age ("18 to physiologic 65", "under physiologic 60") blanked, keeping every
    offset: the number is the age."""
    return grammar.before_number.sub(lambda m: " " * len(m.group()), lowered)


def age_window(
    criteria: list[tuple[str, str]], parent_of: Callable[[int], int | None] | None = None
) -> tuple[AgeWindow, list[int]]:
    """The age window of (section, text) criteria and the indexes of the criteria that state it.

    `parent_of(i)` is the index of the criterion that criterion i is a sub-item of (None at the top level).
    """
    grammar = _grammar()
    found: list[tuple[int, _Bound]] = []
    after_header = False
    any_age = False  # "All ages are eligible", "or of any age with a co-morbid condition": a cohort of every age
    for i, (section, text) in enumerate(criteria):
        header_before, after_header = after_header, (
            len(text) < _HEADER_LENGTH and _AGE_HEADER.fullmatch(text.lower()) is not None
        )
        if section == "inclusion" and not any_age and _says_age(text):
            any_age = _a_cohort_of_any_age(i, criteria, parent_of, grammar)
        if not _DIGIT.search(text):
            continue
        lowered = text.lower()
        if not lowered.isascii():  # every character _WIDTH_SAFE replaces is non-ASCII
            lowered = lowered.translate(_WIDTH_SAFE)
        if not (
            header_before
            or _may_state_age(lowered, grammar)
            or (section == "inclusion" and _bare_open_ended(lowered, grammar) is not None)
        ):
            continue
        if any(word in lowered for word in grammar.zero_words):
            lowered = _zero_to_digit(lowered, grammar)
        if any(word in lowered for word in grammar.before_number_words):
            lowered = _unqualified(lowered, grammar)
        bounds = _bounds(lowered, section, grammar, bool(header_before), criteria[i - 1][1] if i else "")
        if not bounds and section == "inclusion":
            bounds = _bare_minimum(lowered, section, grammar, criteria[i - 1][1] if i else "")
        if bounds and parent_of and _under_others_header(i, criteria, parent_of, grammar):
            bounds = []
        if bounds and section == "inclusion" and "OR" in text:
            bounds = _of_every_alternative(text, bounds)
        if bounds and parent_of and _out_of_scope(i, criteria, parent_of, grammar):
            # a sub-item's own words; what runs on after its first sentence is another criterion
            first = _SENTENCE_END.search(lowered)
            bounds = [b for b in bounds if first is not None and b.at >= first.end()]
        found += [(i, b) for b in bounds]
    if found and all(b.part for _, b in found):
        found = []  # the ages of one part only: the other parts enrol at any age
    limits = [b for _, b in found if not b.widens]

    def pick(side: str) -> float | None:
        included = [b.value for b in limits if b.side == side and b.section == "inclusion"]
        if included:
            return min(included) if side == "min" else max(included)
        excluded = [b.value for b in limits if b.side == side and b.section == "exclusion"]
        if excluded:
            return max(excluded) if side == "min" else min(excluded)
        return None

    low, high = pick("min"), pick("max")
    ranges = [b.value for b in limits if b.ranged and b.side == "max" and b.section == "inclusion"]
    open_ended = [b.value for b in limits if not b.ranged and b.side == "min" and b.section == "inclusion"]
    if ranges and open_ended and max(open_ended) >= max(ranges):
        high = None  # another cohort has no upper limit: "adults ≥ 18; adolescents 12 to 17"
    range_lows = [b.value for b in limits if b.ranged and b.side == "min" and b.section == "inclusion"]
    open_below = [b.value for b in limits if not b.ranged and b.side == "max" and b.section == "inclusion"]
    if range_lows and open_below and min(open_below) <= min(range_lows):
        low = None  # another cohort has no lower limit: "neonates ≤ 28 days old; children 2 to 11 years"
    if any_age:
        low = high = None
    for b in (b for _, b in found if b.widens):
        if b.side == "min" and low is not None and b.value < low:
            low = b.value  # "adults ≥ 18 ...; assent for children aged 12 to 17": the children enrol too
        if b.side == "max" and high is not None and b.value > high:
            high = b.value
    if low is not None and high is not None and high <= low:
        low = high = None  # alternatives across criteria ("≥ 60 years" or "< 60 years and amenorrheic"): no limit
    window = AgeWindow(
        min_years=None if low is None else round(low, 3), max_years=None if high is None else round(high, 3)
    )
    return window, sorted({i for i, _ in found})


class _Parents:
    """For each criterion starting at `starts[i]`, the nearest earlier criterion on a line indented less: the item
    it is a sub-item of (None at the top level, and for a criterion that does not open its line: hard-wrapped text
    runs on, its columns say nothing). Worked out only for the criteria asked about: few state an age."""

    def __init__(self, text: str, starts: list[int]) -> None:
        self.text, self.starts = text, starts
        self._columns: dict[int, int] = {}

    def _column(self, i: int) -> int:
        """Where criterion i's last bullet or number starts in its line ("3. Age" and "* Loss" at one indent are
        siblings; "-   - Bilateral" is under "- Postmenopausal"), or its text when it has none."""
        if i not in self._columns:
            start = self.starts[i]
            line = self.text.rfind("\n", 0, start) + 1
            if not _LINE_LEAD.fullmatch(self.text, line, start):
                self._columns[i] = start - line
            else:
                found = _LINE_LEAD.match(self.text, line)
                lead = found.group() if found else ""
                marks = lead.rstrip()
                self._columns[i] = len(marks) - len(marks.split()[-1]) if marks.strip() else len(lead)
        return self._columns[i]

    def __call__(self, i: int) -> int | None:
        start = self.starts[i]
        if not _LINE_LEAD.fullmatch(self.text, self.text.rfind("\n", 0, start) + 1, start):
            return None
        column = self._column(i)
        return next((j for j in range(i - 1, -1, -1) if self._column(j) < column), None)


class AgeComponent:
    """Writes `doc._.facts["age"]` (an AgeWindow, source unset) and marks the criteria that state it."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        _grammar()

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        offsets = criteria_offsets(doc)
        criteria = [(c.section, text[c.start_char : c.end_char]) for c in offsets]
        window, indexes = age_window(criteria, _Parents(text, [c.start_char for c in offsets]))
        doc._.facts["age"] = window
        for i in indexes:
            add_kind(doc, i, "age")
        return doc


@Language.factory("tm_age", default_config={})
def make_age(nlp: Language, name: str) -> AgeComponent:
    return AgeComponent(nlp, name)


CHILD_MAX_YEARS = 21.0  # the oldest a child of a paediatric trial is (FDA: younger than 22)


@lru_cache(maxsize=1)
def _title_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    rows = read_vocab("age_terms.jsonl")
    child = phrase_regex([row["term"] for row in rows if row["kind"] == "child_title"])
    others = phrase_regex([row["term"] for row in rows if row["kind"] == "not_only_children"])
    return re.compile(rf"\b(?:{child})\b(?!['’])", re.I), re.compile(rf"\b(?:{others})\b", re.I)


def for_children_only(title: str) -> bool:
    """Whether a trial's title names children as its only participants ("Metabolic Abnormalities in Children With
    Epilepsy"): not when it names adults, parents or other persons besides ("Parents of Children With Cancer", "in
    Children and Adults"), nor a children's institution only ("Children's Hospital")."""
    child, others = _title_words()
    return child.search(title) is not None and others.search(title) is None
