"""trialmatch: the command line that drives the ingest → nlp → search → ui pipeline.

    $ trialmatch config

The version and the settings live on the ground floor (`core`); the CLI shows and uses them.
"""

from core import __version__

__all__ = ["__version__"]
