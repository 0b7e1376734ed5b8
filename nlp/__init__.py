"""NLP: turn a trial's eligibility text into structured criteria with source spans.

A spaCy 3.8 blank-English pipeline with rule components (sections, entities, relations, polarity)
hands on one `TrialCriteria` model per trial (see `nlp.models`).
"""
