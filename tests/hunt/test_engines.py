"""Local processes and Dask give the same per-item results as a plain loop."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest

from forewarn.domain import TokenHit
from forewarn.encoding import encode
from forewarn.errors import HuntError
from forewarn.hunt import (
    DaskEngine,
    Hunt,
    LocalEngine,
    SimilarityIndex,
    build_matcher,
    expand,
    hunt_corpus,
)
from forewarn.hunt.engines.dask import AHEAD_PER_WORKER, TlsFiles, require_private_channel
from forewarn.hunt.readers import read_paths

from .fakes import LiteralShapes, fake_accuse
from .samples import DISGUISED, INDEPENDENT, POC


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Hunt]:
    root = tmp_path_factory.mktemp("corpus")
    for i in range(6):
        (root / f"d{i % 2}").mkdir(exist_ok=True)
        text = (DISGUISED, INDEPENDENT, f"GET /?t=tok-{i} 200\n")[i % 3]
        (root / f"d{i % 2}" / f"f{i}.py").write_text(text)
    index = SimilarityIndex()
    index.add("poc", POC, case="FW-1", name="poc.py", language="python")
    owners = {f"tok-{i}": TokenHit(f"tok-{i}", f"P{i}", "poc.py", case="FW-1") for i in range(6)}
    scanner = build_matcher(LiteralShapes(owners))
    return root, Hunt(scanner=scanner, index=index, accuse=fake_accuse)


def _signature(results: list[object]) -> object:
    return encode(results)


def test_expand_is_sorted_and_complete(corpus: tuple[Path, Hunt]) -> None:
    root, _ = corpus
    files = expand([root])
    assert [Path(f).name for f in files] == ["f0.py", "f2.py", "f4.py", "f1.py", "f3.py", "f5.py"]


def test_local_processes_match_serial(corpus: tuple[Path, Hunt]) -> None:
    root, hunt = corpus
    serial = list(hunt_corpus([root], hunt, LocalEngine(workers=1)))
    parallel = list(hunt_corpus([root], hunt, LocalEngine(workers=2)))
    assert _signature(parallel) == _signature(serial)
    assert sum(1 for r in serial if r.matches) == 2 and sum(1 for r in serial if r.tokens) == 2


def test_dask_local_cluster_matches_serial(corpus: tuple[Path, Hunt]) -> None:
    root, hunt = corpus
    serial = list(hunt_corpus([root], hunt, LocalEngine(workers=1)))
    engine = DaskEngine(workers=2, processes=False)
    assert _signature(list(hunt_corpus([root], hunt, engine))) == _signature(serial)


def test_engines_refuse_zero_workers() -> None:
    with pytest.raises(HuntError):
        LocalEngine(workers=0)
    with pytest.raises(HuntError):
        DaskEngine(workers=0)


def test_unreachable_scheduler_is_a_hunt_error(corpus: tuple[Path, Hunt]) -> None:
    root, hunt = corpus
    engine = DaskEngine("tcp://127.0.0.1:1", connect_timeout=0.5)
    with pytest.raises(HuntError, match="cannot reach the Dask scheduler"):
        list(hunt_corpus([root], hunt, engine))


def test_workers_get_neither_the_originals_nor_the_accuser(corpus: tuple[Path, Hunt]) -> None:
    root, hunt = corpus
    shipped = hunt.for_workers()
    assert shipped.accuse is None
    assert shipped.index is not None and shipped.index.artifact_text("FW-1", "poc.py") is None
    blob = pickle.dumps(shipped)
    for line in (ln for ln in POC.splitlines() if len(ln.strip()) > 12):
        assert line.strip().encode() not in blob
    # the client alone accuses, and gets what tracing in one process gets
    serial = [hunt.trace_item(item) for item in read_paths([root])]
    assert _signature(list(hunt_corpus([root], hunt, LocalEngine(workers=2)))) == _signature(serial)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("tcp://127.0.0.1:8786", True),
        ("tcp://localhost:8786", True),
        ("tcp://[::1]:8786", True),
        ("127.0.0.2:8786", True),
        ("inproc://127.0.0.1/1/2", True),
        ("tcp://scheduler.invalid:8786", False),
        ("tcp://198.51.100.7:8786", False),
        ("ws://127.0.0.1:8786", False),
        ("scheduler.invalid:8786", False),
    ],
)
def test_a_plain_scheduler_off_this_machine_is_refused(address: str, allowed: bool) -> None:
    if allowed:
        require_private_channel(address, None)
    else:
        with pytest.raises(HuntError, match="must be tls://"):
            DaskEngine(address)


def test_a_tls_scheduler_needs_the_client_files(tmp_path: Path) -> None:
    with pytest.raises(HuntError, match="needs this client's TLS files"):
        DaskEngine("tls://scheduler.invalid:8786")
    files = TlsFiles(tmp_path / "ca.pem", tmp_path / "me.pem", tmp_path / "me.key")
    assert DaskEngine("tls://scheduler.invalid:8786", tls=files).tls == files


_STARTED: list[str] = []


def _note_start(shared: str, item: str) -> str:
    _STARTED.append(item)
    return shared + item


def test_a_dask_client_keeps_only_a_few_items_in_flight_ahead_of_what_it_reads() -> None:
    """Workers keep their results until the client reads them; a slow client (it accuses) must
    not have the whole corpus's results waiting on the cluster."""
    _STARTED.clear()
    items = [f"i{n:02d}" for n in range(24)]
    engine = DaskEngine(workers=1, processes=False)  # a thread: it shares `_STARTED`
    ahead = AHEAD_PER_WORKER * 1
    read = []
    for result in engine.map(_note_start, "r-", items):
        time.sleep(0.05)  # the client's work: the worker could run everything meanwhile
        read.append(result)
        assert len(_STARTED) <= len(read) + ahead
    assert read == [f"r-{item}" for item in items]
    assert _STARTED == items
