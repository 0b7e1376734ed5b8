"""Ingest: pull ClinicalTrials.gov records (API v2 or offline files) into the raw store.

Hands on raw API v2 study objects, one row per NCT id in the SQLite raw store, each flagged when it
is new or changed so that the NLP and search stages re-process only what moved.
"""
