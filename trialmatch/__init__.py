"""trialmatch: the command line and settings that drive the ingest → nlp → search → ui pipeline.

    $ trialmatch config
"""

__version__ = "0.1.0"
