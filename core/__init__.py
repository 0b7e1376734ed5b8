"""The ground floor under every stage: the version, the settings (`core.settings`) and the registry statuses
(`core.statuses`), with no stage imports.

    >>> from core import __version__
    >>> __version__
    '0.1.0'

ingest, nlp, search, workflows, ui and the CLI (`trialmatch`) may import it; it imports none of them.
"""

__version__ = "0.1.0"
