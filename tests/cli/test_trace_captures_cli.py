"""`forewarn trace` on captured traffic: pcap, a raw dump with NUL bytes, HAR, Suricata and a
damaged capture are classed as captures (not binary, not plain text) and never crash the run.

Reading marks from them is the lead's next step; this checks the classification end to end.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from wire_world import Traffic, traffic

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

__all__ = ["traffic"]


def test_captures_are_classed_as_captures_and_bad_ones_do_not_stop_the_run(
    program_env, cli, traffic: Traffic, tmp_path: Path
) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "received.bin").write_bytes(bytes(traffic.v4.dump))
    (folder / "broken.pcap").write_bytes(b"\xd4\xc3\xb2\xa1 not really")
    (folder / "export.har").write_text('{"log": {"creator": {}, "entries": []}}')
    (folder / "eve.json").write_text('{"event_type": "http", "http": {"url": "/x"}}\n')
    (folder / "notes.txt").write_text("Patch on Tuesday.\n")
    if traffic.pcaps:
        shutil.copy(traffic.pcaps["lo"], folder / "leak.pcap")
    result = cli([*program_env.cli_args(), "trace", str(folder), "--json"])
    assert result.exit_code == 0, result.stderr
    kinds = {Path(item["path"]).name: item["kind"] for item in json.loads(result.stdout)}
    expected = {"received.bin", "broken.pcap", "export.har", "eve.json"}
    expected |= {"leak.pcap"} if traffic.pcaps else set()
    assert {name for name, kind in kinds.items() if kind == "capture"} == expected
    assert kinds["notes.txt"] == "text"
