"""The conformance suite on the embedded (tantivy) backend, plus its atomic rebuild and missing index."""

from __future__ import annotations

import pytest

from search.backend import BackendUnavailable, Retrieval
from search.embedded import EmbeddedBackend
from search.models import Location
from tests.backend_suite import BackendSuite, documents, ids


class TestEmbeddedBackend(BackendSuite):
    @pytest.fixture
    def backend(self, tmp_path):
        backend = EmbeddedBackend(tmp_path / "index")
        yield backend
        backend.close()


def test_searching_before_any_index_exists_says_to_run_index(tmp_path):
    with pytest.raises(BackendUnavailable, match="trialmatch index"):
        EmbeddedBackend(tmp_path / "index").search("glioma")


def test_an_empty_data_directory_counts_zero_documents(tmp_path):
    assert EmbeddedBackend(tmp_path / "index").count() == 0


def _backend_after_a_failed_rebuild(tmp_path) -> EmbeddedBackend:
    """A five-document index whose rebuild died after its first document."""
    backend = EmbeddedBackend(tmp_path / "index")
    backend.upsert(documents())

    def broken():
        yield documents()[0]
        raise RuntimeError("extraction crashed")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    return backend


def test_a_failed_rebuild_leaves_the_live_index_untouched(tmp_path):
    assert _backend_after_a_failed_rebuild(tmp_path).count() == 5


def test_a_failed_rebuild_leaves_no_half_built_directory(tmp_path):
    _backend_after_a_failed_rebuild(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_symlink()) == [(tmp_path / "index").resolve().name]


def test_a_rebuild_removes_the_previous_version(tmp_path):
    backend = EmbeddedBackend(tmp_path / "index")
    backend.upsert(documents())
    backend.rebuild(documents()[:2])
    assert len([p for p in tmp_path.iterdir() if not p.is_symlink()]) == 1


def test_a_second_reader_sees_a_rebuild(tmp_path):
    writer, reader = EmbeddedBackend(tmp_path / "index"), EmbeddedBackend(tmp_path / "index")
    writer.upsert(documents())
    assert reader.count() == 5
    writer.rebuild(documents()[:1])
    assert ids(reader.search(size=10)) == ["NCT00000001"]


@pytest.mark.parametrize("location", [None, Location(lat=29.76, lon=-95.37, radius_km=5000, include_unlocated=True)])
def test_the_next_candidates_of_a_retrieval_come_without_a_second_query_and_as_that_query_gives_them(
        tmp_path, location):
    backend = EmbeddedBackend(tmp_path / "index")
    backend.upsert(documents())
    request = Retrieval(text="solid tumor", genes=["NTRK1"], location=location, size=1)
    first = ids(backend.retrieve(request))
    searchers = []
    backend._searcher = lambda: searchers.append(1)  # type: ignore[method-assign]  # any new query fails here
    next_ones = backend.retrieve(request.model_copy(update={"exclude": first, "size": 1}))
    fresh = EmbeddedBackend(tmp_path / "index").retrieve(request.model_copy(update={"exclude": first, "size": 1}))
    assert ([(h.document, h.score) for h in next_ones], searchers) == ([(h.document, h.score) for h in fresh], [])
    assert len(first) == len(next_ones) == 1 and first != ids(next_ones)


def test_a_write_makes_the_next_candidates_come_from_a_new_query(tmp_path):
    backend = EmbeddedBackend(tmp_path / "index")
    backend.upsert(documents())
    request = Retrieval(genes=["NTRK1"], size=1)
    first = ids(backend.retrieve(request))
    backend.delete(["NCT00000002", "NCT00000003"])
    assert backend.retrieve(request.model_copy(update={"exclude": first})) == []
