"""Open the search backend the settings name.

    >>> backend = open_backend(Settings.load(data_dir="data"))  # doctest: +SKIP
    >>> backend.count()                                         # doctest: +SKIP

`embedded` keeps a tantivy index in `settings.index_dir`; `elasticsearch` talks to `settings.es_url`
(with `settings.es_api_key` when set) under the index alias TRIALMATCH_ES_INDEX (default `trialmatch`).
"""

from __future__ import annotations

import os

from search.backend import Backend
from search.elastic import ElasticBackend
from search.embedded import EmbeddedBackend
from trialmatch.settings import Settings

DEFAULT_ES_INDEX = "trialmatch"


def open_backend(settings: Settings) -> Backend:
    """The backend of `settings.backend`; nothing is created until the first write."""
    if settings.backend == "elasticsearch":
        index = os.environ.get("TRIALMATCH_ES_INDEX") or DEFAULT_ES_INDEX
        return ElasticBackend(settings.es_url, index=index, api_key=settings.es_api_key)
    return EmbeddedBackend(settings.index_dir)
