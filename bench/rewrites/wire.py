"""Running one of our own benign programs against a recording listener on 127.0.0.1.

The listener is the tests' (`tests/marks/wire_listener.py`: it answers like the demo's toy
server and keeps the raw bytes of each request), so the corpus and its tests frame requests
the same way. The `Host` header carries the listener's port; `normal` replaces it, so that
two runs compare byte for byte.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for _where in (ROOT / "tests", ROOT / "tests" / "marks"):
    if str(_where) not in sys.path:
        sys.path.append(str(_where))

from wire_listener import listener  # noqa: E402

PORT_MARK = b"127.0.0.1:PORT"
RUN_TIMEOUT = 60


def run_script(source: str, port: int) -> subprocess.CompletedProcess[bytes]:
    """Run our own benign program (isolated mode) against the listener on `port`."""
    with tempfile.TemporaryDirectory(prefix="fw-rewrite-") as tmp:
        script = Path(tmp) / "leak.py"
        script.write_text(source)
        argv = [sys.executable, "-I", str(script), "--host", "127.0.0.1", "--port", str(port)]
        return subprocess.run(argv, capture_output=True, timeout=RUN_TIMEOUT, check=False)


def record(source: str) -> list[bytes]:
    """The raw requests the program sends, with the port normalised (see `normal`)."""
    with listener() as (port, received):
        done = run_script(source, port)
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace")[-400:]
            raise RuntimeError(f"the program failed ({done.returncode}): {tail}")
        return [normal(raw, port) for raw in received]


def normal(raw: bytes, port: int) -> bytes:
    """`raw` with this run's `127.0.0.1:port` written as `127.0.0.1:PORT`."""
    return raw.replace(f"127.0.0.1:{port}".encode(), PORT_MARK)


def at_port(raw: bytes, port: int) -> bytes:
    """A normalised request as sent to `port` (for replays and captures)."""
    return raw.replace(PORT_MARK, f"127.0.0.1:{port}".encode())
