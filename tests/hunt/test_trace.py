"""`Hunt.trace_*`: per-input records, read in the JSON `forewarn trace --json` prints."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from forewarn.domain import TokenHit
from forewarn.encoding import dumps
from forewarn.hunt import Hunt, SimilarityIndex, build_matcher

from .fakes import LiteralShapes, fake_accuse
from .samples import DISGUISED, INDEPENDENT, POC

CANARY = "cnry-4b1d9e.forewarn.test"


@pytest.fixture(scope="module")
def hunt() -> Hunt:
    index = SimilarityIndex()
    index.add("c1/poc.py", POC, case="FW-2021-0001", name="poc.py", language="python")
    scanner = build_matcher(
        LiteralShapes(
            {
                CANARY: TokenHit(CANARY, "Contoso Labs", "poc.py", case="FW-2021-0001"),
                "X-Probe: 77e1": TokenHit(
                    "X-Probe: 77e1",
                    "Fabrikam Sec",
                    "poc.py",
                    case="FW-2021-0001",
                    channel="payload",
                ),
            }
        )
    )
    return Hunt(scanner=scanner, index=index, accuse=fake_accuse)


def test_disguised_tool_traced_to_case_artifact_and_partner(hunt: Hunt, tmp_path: Path) -> None:
    tool = tmp_path / "tool.py"
    tool.write_text(DISGUISED)
    (result,) = hunt.trace_paths([tool])
    data = json.loads(dumps(result))
    assert data["kind"] == "python" and data["path"] == str(tool)
    (match,) = data["matches"]
    assert (match["case"], match["artifact"]) == ("FW-2021-0001", "poc.py")
    assert 0.5 <= match["similarity"] <= 1 and match["regions"]
    assert [s["partner"] for s in data["suspects"]] == ["Contoso Labs", "Fabrikam Sec"]
    top = data["suspects"][0]
    assert top["accused"] is True and top["false_accusation_bound"] == 1e-6
    assert top["evidence"] == [
        {"channel": "payload", "symbols_read": 8, "symbols_matching": 8, "score": 9.5}
    ]
    assert data["tokens"] == [] and data["error"] is None


def test_weblog_canaries_name_their_partner(hunt: Hunt, tmp_path: Path) -> None:
    line = '10.0.0.9 - - [28/Feb/2021:01:02:03 +0000] "GET /owa/?h={} HTTP/1.1" 200 5 "-" "-"\n'
    log = tmp_path / "access.log"
    log.write_text(line.format("x") * 50 + line.format(CANARY) * 3)
    (result,) = hunt.trace_paths([log])
    assert result.kind == "weblog" and result.matches == ()
    (token,) = json.loads(dumps(result))["tokens"]
    assert token["token"] == CANARY and token["partner"] == "Contoso Labs"
    assert token["count"] == 3 and token["offset"] == 50 * len(line.format("x")) + line.index("{")
    assert result.suspects == ()  # the log lacks the PoC's user agent: the accuser found none


def test_independent_code_gives_empty_lists_not_errors(hunt: Hunt) -> None:
    from forewarn.hunt import read_bytes

    (item,) = read_bytes("other.py", INDEPENDENT.encode())
    data = json.loads(dumps(hunt.trace_item(item)))
    assert (data["matches"], data["tokens"], data["suspects"], data["error"]) == ([], [], [], None)


def test_archive_members_refused_and_read_side_by_side(hunt: Hunt, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.bin", b"\0" * (16 * 1024**2))
        archive.writestr("../x/tool.py", DISGUISED)
    (tmp_path / "samples.zip").write_bytes(buffer.getvalue())
    bomb, tool = hunt.trace_path(str(tmp_path / "samples.zip"))
    assert bomb.error is not None and "zip bomb" in bomb.error
    assert tool.path.endswith("samples.zip!x/tool.py") and tool.archive is not None
    assert tool.matches[0].artifact == "poc.py"


def test_accuser_failure_becomes_a_note(hunt: Hunt) -> None:
    from forewarn.hunt import read_bytes

    (item,) = read_bytes("t.py", (POC + "\n# broken\n").encode())
    result = hunt.trace_item(item)
    assert result.matches and result.suspects == ()
    assert result.notes == ("FW-2021-0001/poc.py: cannot extract marks from this file",)


def test_hunt_without_index_or_scanner_reads_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello\n")
    (result,) = Hunt().trace_paths([tmp_path])
    assert json.loads(dumps(result))["kind"] == "text"
    assert result.matches == () and result.tokens == ()
