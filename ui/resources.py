"""What the UI keeps in memory between reruns: settings, the open backend, vocabularies, index facets.

    backend = resources.backend()          # opened once per server process, shared by sessions
    genes = resources.gene_options()       # ["ALK", "BRAF", ..., "NTRK", ..., "HER2", "TRKA", ...]

Only index-side things are cached (`st.cache_resource`, in memory); nothing derived from a patient is.
Settings come from the environment `trialmatch serve` sets (TRIALMATCH_DATA_DIR, TRIALMATCH_BACKEND, ...).
"""

from __future__ import annotations

import re

import streamlit as st

from core.settings import Settings
from nlp import diseases, vocab
from search.backend import Backend
from search.backends import open_backend
from search.gazetteer import Gazetteer


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The settings `trialmatch serve` passed through the environment."""
    return Settings.load()


@st.cache_resource(show_spinner="Opening the trial index…")
def backend() -> Backend:
    """The configured search backend, opened once; raises BackendError when it cannot be opened."""
    return open_backend(settings())


def _spelling(name: str) -> str:
    """What two spellings of one gene name share: "TrkA", "TRKA" and "Trk-A" are one entry."""
    return re.sub(r"[^0-9A-Z]", "", name.upper())


def unique_gene_names(symbols: list[str], families: list[str], aliases: list[str]) -> list[str]:
    """Symbols, then families, then the short aliases clinicians write (HER2, TRKA), each once whatever its case
    or hyphens, spelt as the vocabulary first lists it ("TrkA", "Trk-A" and "TRK-A" are TRKA). Names in words
    ("Tropomyosin Receptor Kinase A") are left out of the suggestions, which a typed "NTRK" would otherwise fill
    with them; typed, they are still read."""
    taken = {_spelling(n) for n in (*symbols, *families)}
    variants: dict[str, list[str]] = {}
    for alias in aliases:
        if _spelling(alias) not in taken and " " not in alias.strip():
            variants.setdefault(_spelling(alias), []).append(alias)
    return symbols + families + sorted((v[0] for v in variants.values()), key=str.casefold)


@st.cache_resource(show_spinner=False)
def gene_options() -> list[str]:
    """Gene symbols, then gene families (NTRK, FGFR, ...), then the short aliases clinicians write (HER2, TRKA,
    ...), each once, for autocomplete."""
    symbols = sorted(set(vocab.gene_symbols()))
    families = [f for f in vocab.gene_family_names() if f not in set(symbols)]
    return unique_gene_names(symbols, families, list(vocab.gene_aliases()))


@st.cache_resource(show_spinner=False)
def disease_options() -> list[str]:
    """Names and synonyms of the disease vocabulary's cancers (nlp.diseases), for the Diagnosis autocomplete."""
    return diseases.labels()


@st.cache_resource(show_spinner=False)
def drug_options() -> list[str]:
    """Drug names and drug classes (lower-case), for the prior-therapy autocomplete."""
    return sorted(set(vocab.drug_vocabulary()))


@st.cache_resource(show_spinner=False, ttl=300)
def facet(field: str, size: int = 500) -> dict[str, int]:
    """The most frequent values of an index field with their trial counts (refreshed every 5 minutes)."""
    return backend().facets(field, size=size)



@st.cache_resource(show_spinner=False, ttl=300)
def gazetteer() -> Gazetteer:
    """Place words to coordinates: the data directory's registry places plus the packaged place data."""
    return Gazetteer.load(settings().data_dir)
