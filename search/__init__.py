"""Search: index documents, backends (embedded default, Elasticsearch), patient matching, similar trials.

Builds an `IndexDocument` from a stored study plus its `TrialCriteria`, retrieves candidates in a
backend and hands on `MatchResult`s with per-criterion verdicts (see `search.models`).
"""
