"""Open the search backend the settings name.

    >>> backend = open_backend(Settings.load(data_dir="data"))  # doctest: +SKIP
    >>> backend.count()                                         # doctest: +SKIP

`embedded` keeps a tantivy index in `settings.index_dir`; `elasticsearch` talks to `settings.es_url`
(with `settings.es_api_key` when set) under the index alias `settings.es_index` (default `trialmatch`).
"""

from __future__ import annotations

from core.settings import Settings
from search.backend import Backend
from search.elastic import ElasticBackend
from search.embedded import EmbeddedBackend


def open_backend(settings: Settings) -> Backend:
    """The backend of `settings.backend`; nothing is created until the first write."""
    if settings.backend == "elasticsearch":
        return ElasticBackend(settings.es_url, index=settings.es_index, api_key=settings.es_api_key)
    return EmbeddedBackend(settings.index_dir)
