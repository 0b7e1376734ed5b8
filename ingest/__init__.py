"""Ingest: pull ClinicalTrials.gov records (API v2 or offline files) into the raw store.

    with RawStore(settings.store_path) as store:
        ingest_files(store, [Path("../shared/ctgov/legacy-xml")])          # ingest.sync
        for stored in store.iter_studies(pending_only=True): ...            # new or changed studies

Hands on raw API v2 study objects, one row per NCT id in the SQLite raw store (`ingest.store`), each
flagged when it is new or changed so that the NLP and search stages re-process only what moved.
Modules: `client` (API v2 over requests, retries, rate limit), `loaders` (offline formats),
`legacy_xml` (legacy `<clinical_study>` → API v2), `store`, `sync` (runs, refresh, resume), `lock`,
`schedule`, `progress`.
"""
