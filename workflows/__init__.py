"""Workflows: the runs that cross stages, written once for the CLI and the UI.

    from workflows.indexing import index_pending        # raw store → nlp → search backend
    from workflows.refresh import refresh_and_index      # ClinicalTrials.gov refresh, then index what changed
    from workflows.status import store_status            # counts and sync runs of the raw store

They sit above ingest, nlp and search and below the UI and the CLI; only they and the CLI import `ingest`.
"""
