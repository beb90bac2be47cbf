"""`forewarn hunt` on both databases: a retro-hunt gives the same results on every engine.

The corpus mixes a partner's leaked copy, an archive holding it, an unrelated script and a
harmless log; local processes, a Dask `LocalCluster` with two workers and `forewarn trace` must
agree item for item.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import FOREWARN_BIN
from release_world import CASE
from trace_world import LEAKER, Released, release_and_fetch

HARMLESS_LOG = """#Software: Microsoft Internet Information Services 10.0
#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent)
2021-02-20 08:00:01 10.20.0.15 GET /owa/ - 443 - 10.1.2.3 Mozilla/5.0
2021-02-20 08:00:02 10.20.0.15 POST /owa/auth.owa - 443 - 10.1.2.3 Mozilla/5.0
"""


def _corpus(root: Path, released: Released) -> Path:
    corpus = root / "corpus"
    (corpus / "tools").mkdir(parents=True)
    (corpus / "logs").mkdir()
    copy = released.copies[LEAKER]["poc.py"]
    (corpus / "tools" / "x.py").write_bytes(copy)
    (corpus / "tools" / "du.py").write_text("import os\nprint(os.getcwd())\n")
    (corpus / "logs" / "u_ex210220.log").write_text(HARMLESS_LOG)
    with zipfile.ZipFile(corpus / "drop.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kit/run.py", copy)
    return corpus


def _run(cli, released: Released, *args: str) -> list[dict]:
    result = cli([*released.args, *args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _accused(items: list[dict]) -> dict[str, list[str]]:
    return {
        Path(i["path"]).name: [s["partner"] for s in i["suspects"] if s["accused"]] for i in items
    }


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"])
def test_dask_local_cluster_gives_the_same_as_local(program_env, cli, tmp_path: Path) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    corpus = _corpus(tmp_path, released)

    local = _run(cli, released, "hunt", str(corpus), "--workers", "2")
    traced = _run(cli, released, "trace", str(corpus))
    assert local == traced
    assert _accused(local) == {
        "run.py": [LEAKER],
        "u_ex210220.log": [],
        "du.py": [],
        "x.py": [LEAKER],
    }
    harmless = next(i for i in local if i["kind"] == "weblog")
    assert (harmless["tokens"], harmless["suspects"]) == ([], [])
    # A Dask LocalCluster of two worker processes.
    dask = _run(cli, released, "hunt", str(corpus), "--engine", "dask", "--workers", "2")
    assert dask == local


def test_hunt_one_case_and_table(program_env, cli, tmp_path: Path) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    corpus = _corpus(tmp_path, released)
    items = _run(cli, released, "hunt", str(corpus), "--case", CASE, "--workers", "1")
    assert [i["matches"][0]["case"] for i in items if i["matches"]] == [CASE, CASE]
    table = cli([*released.args, "hunt", str(corpus), "--workers", "1"])
    assert table.exit_code == 0, table.stderr
    assert "2 of 4 item(s)" in table.stdout and LEAKER in table.stdout


def test_hunt_refuses_bad_options(program_env, cli, tmp_path: Path) -> None:
    args = program_env.cli_args()
    corpus = tmp_path / "empty"
    corpus.mkdir()
    wrong = cli([*args, "hunt", str(corpus), "--scheduler", "tcp://127.0.0.1:8786"])
    assert wrong.exit_code == 2 and "--engine dask" in wrong.stderr
    unknown = cli([*args, "hunt", str(corpus), "--case", "FW-1999-0001"])
    assert unknown.exit_code != 0 and "unknown case" in unknown.stderr
    nothing = cli([*args, "hunt", str(corpus), "--json"])
    assert nothing.exit_code == 0 and json.loads(nothing.stdout) == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_hunt_refuses_a_plain_remote_scheduler(program_env, cli, tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text("print(1)\n")
    args = [*program_env.cli_args(), "hunt", str(tmp_path / "x.py"), "--engine", "dask"]
    refused = cli([*args, "--scheduler", "tcp://scheduler.invalid:8786"])
    assert refused.exit_code == 2
    assert "must be tls://" in refused.stderr
    half = cli([*args, "--scheduler", "tls://scheduler.invalid:8786", "--tls-ca-file", __file__])
    assert half.exit_code == 2
    assert "go together" in half.stderr


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_dask_hunt_prints_no_log_chatter(
    program_env, cli, cli_subprocess, tmp_path: Path
) -> None:
    """`distributed` logs dozens of INFO lines per run; by default only warnings reach stderr."""
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    corpus = _corpus(tmp_path, released)
    argv = [*released.args, "hunt", str(corpus / "tools"), "--engine", "dask", "--workers", "1"]
    quiet = cli_subprocess(argv)
    assert quiet.exit_code == 0, quiet.stderr
    assert "1 of 2 item(s) carry" in quiet.stdout
    assert "INFO" not in quiet.stderr, quiet.stderr
    chatty = cli_subprocess(argv, env={**os.environ, "FOREWARN_LOGLEVEL": "INFO"})
    assert "INFO distributed" in chatty.stderr


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_scheduler_started_by_hunt_cluster_serves_hunts_with_the_same_results(
    program_env, cli, tmp_path: Path
) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    corpus = _corpus(tmp_path, released)
    local = _run(cli, released, "hunt", str(corpus), "--workers", "1")
    cluster = subprocess.Popen(
        [str(FOREWARN_BIN), "hunt-cluster", "--port", "0", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert cluster.stdout is not None
        first = cluster.stdout.readline()
        found = re.fullmatch(r"Dask scheduler at (tcp://127\.0\.0\.1:\d+) with 2 workers\n", first)
        assert found is not None, first
        started = {"scheduler": found.group(1)}
        for _ in range(2):  # two hunts share one cluster
            joined = _run(
                cli,
                released,
                "hunt",
                str(corpus),
                "--engine",
                "dask",
                "--scheduler",
                started["scheduler"],
            )
            assert joined == local
    finally:
        cluster.send_signal(signal.SIGTERM)
        _, err = cluster.communicate(timeout=60)
    assert cluster.returncode == 0, err


def test_hunt_cluster_refuses_to_listen_off_this_machine(cli) -> None:
    result = cli(["hunt-cluster", "--host", "0.0.0.0", "--workers", "0"])
    assert result.exit_code == 2
    assert "must stay on this machine" in result.stderr
