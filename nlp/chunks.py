"""Tokenization in time linear in the text: whitespace-free chunks too long for spaCy's affix rules.

    >>> from nlp.pipeline import get_nlp
    >>> doc = tokenize(get_nlp().tokenizer.tokenizer, "ECOG 0-1 " + "(" * 300 + ")" * 300)
    >>> len(doc), doc[4].text, doc[-1].text
    (604, '(', ')')

spaCy's tokenizer strips a chunk's prefixes and suffixes one at a time, and each suffix search scans the
whole rest of the chunk: a chunk of n characters that is all affixes ("((((...))))", a wall of brackets or
quotes) costs O(n²), 50 s for 20 KB. No chunk of a real eligibility text comes near `MAX_CHUNK_CHARS` (the
longest of the 11,790 texts of ../shared/ctgov and ../shared/corpus is an 86-character URL), so a text without
such a chunk is tokenized by spaCy exactly as before; in a text with one, the text around it still is, and the
chunk itself is cut into runs of word characters and single other characters by one regular expression. The
Doc text is the same text either way, so every offset still indexes the registry's text.
"""

from __future__ import annotations

import re

from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

MAX_CHUNK_CHARS = 200
_LONG_CHUNK = re.compile(rf"(?<!\S)\S{{{MAX_CHUNK_CHARS + 1},}}")
_PIECE = re.compile(r"\w+|[^\w\s]")


def tokenize(tokenizer: Tokenizer, text: str) -> Doc:
    """`tokenizer(text)`, except that chunks over MAX_CHUNK_CHARS are split by `_PIECE` in linear time."""
    # str.split cuts at the characters `\s` matches: when no piece it gives is long, the search finds nothing, and
    # splitting is quicker than the search
    if max(map(len, text.split()), default=0) <= MAX_CHUNK_CHARS:
        return tokenizer(text)
    chunks = list(_LONG_CHUNK.finditer(text))
    words: list[str] = []
    spaces: list[bool] = []
    done = 0
    for chunk in chunks:
        _add(tokenizer(text[done : chunk.start()]), words, spaces)
        pieces = _PIECE.findall(chunk.group())
        words += pieces
        spaces += [False] * len(pieces)
        done = chunk.end()
    _add(tokenizer(text[done:]), words, spaces)
    return Doc(tokenizer.vocab, words=words, spaces=spaces)


def _add(doc: Doc, words: list[str], spaces: list[bool]) -> None:
    words += [token.text for token in doc]
    spaces += [bool(token.whitespace_) for token in doc]
