"""Text helpers shared by the NLP components: escape masking that keeps offsets, and display cleanup.

    >>> mask_escapes(r"ECOG \\< 2")
    'ECOG  < 2'
    >>> clean_text("ECOG \\\\< 2,\\n   wrapped")
    'ECOG < 2, wrapped'
    >>> fold_dashes("BCR\u2010ABL, EML4\u2013ALK, 18\u201375")
    'BCR-ABL, EML4-ALK, 18\u201375'

ClinicalTrials.gov markdown escapes punctuation (`\\<`, `\\>`, `\\[`, `\\.`), and legacy records
carry HTML entities (`&gt;`) and tags (`<br>`). The pipeline reads a masked copy in which each backslash
becomes a space, each entity its character padded with spaces, block tags a line break and inline tags
spaces, so every character offset in the Doc equals the offset in the registry's text; `fold_dashes` writes the
dashes other than "-" that join a word's letters ("BCR\u2010ABL", "EML4\u2013ALK", "HER\u20112") as "-", one
character for one, as the vocabularies spell them; `clean_text` is for humans: escapes removed, whitespace collapsed.
"""

from __future__ import annotations

import html
import re

DOC_TEXT_KEY = "tm_text"
_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A hyphen (U+2010), non-breaking hyphen, figure dash, en dash, minus sign, small or full-width hyphen-minus with a
# letter on one side and a letter or digit on the other: inside a word. Between two digits ("18\u201375") a dash
# is a range, which the tokenizer splits as it is.
_DASHES = r"[\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d]"
_DASH = re.compile(_DASHES)
_WORD_DASH = re.compile(rf"(?<=[^\W\d_]){_DASHES}(?=[^\W_])|(?<=[^\W_]){_DASHES}(?=[^\W\d_])")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")


_HTML_TAG = re.compile(
    r"</?(?P<name>[a-zA-Z][a-zA-Z0-9]{0,9})(?:\s+[a-zA-Z][\w:-]*(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s<>]+))?)*\s*/?>"
)
_BLOCK_TAGS = frozenset({"br", "p", "li", "ul", "ol", "div", "tr", "td", "th", "table", "h1", "h2", "h3", "h4"})
_INLINE_TAGS = frozenset({"b", "i", "u", "em", "strong", "span", "sup", "sub", "font", "a", "small", "tbody"})


def _tag_same_length(match: re.Match) -> str:
    name = match.group("name").lower()
    if name in _BLOCK_TAGS:
        return "\n" + " " * (len(match.group()) - 1)
    if name in _INLINE_TAGS:
        return " " * len(match.group())
    return match.group()


def _tag_as_space(match: re.Match) -> str:
    return " " if match.group("name").lower() in _BLOCK_TAGS | _INLINE_TAGS else match.group()


def _entity_same_length(match: re.Match) -> str:
    char = html.unescape(match.group())
    if len(char) != 1:
        return match.group()
    return (" " if char in "\r\n\t\xa0" else char) + " " * (len(match.group()) - 1)


def mask_escapes(text: str) -> str:
    """`text` with markdown escape backslashes and control characters replaced by spaces (same length)."""
    masked = _ENTITY.sub(_entity_same_length, _ESCAPE.sub(" ", text))
    if "<" in masked:
        masked = _HTML_TAG.sub(_tag_same_length, masked)
    return _CONTROL.sub(" ", masked)


def fold_dashes(text: str) -> str:
    """`text` with the dashes inside a word written "-" (same length): "BCR\u2010ABL" reads as "BCR-ABL"."""
    return _WORD_DASH.sub("-", text) if _DASH.search(text) else text  # most texts hold none: a quick search first


def doc_text(doc) -> str:
    """The text of a pipeline Doc without rebuilding it from tokens (`Doc.text` joins every token)."""
    text = doc.user_data.get(DOC_TEXT_KEY)
    return text if isinstance(text, str) else doc.text


def clean_texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """`clean_text` of each `text[start:end]`; when `text` has nothing to unescape, only whitespace is collapsed."""
    if "\\" in text or "&" in text or "<" in text or _CONTROL.search(text):
        return [clean_text(text[start:end]) for start, end in spans]
    return [" ".join(text[start:end].split()) for start, end in spans]


def clean_text(text: str) -> str:
    """`text` unescaped, with control characters dropped and runs of whitespace collapsed to one space."""
    if "\\" in text:
        text = _ESCAPE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _HTML_TAG.sub(_tag_as_space, text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    return " ".join(text.split())
