"""Hostile files named on the command line: one `error:` line each, never a hang or a traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import CliRun, ProgramEnv

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}" + f",*{chr(97 + i)}" * 8 + "]"
            for i in range(8)
        ),
    ]
)


def _refused(done: object, *needles: str) -> None:
    code, err = done.exit_code, done.stderr  # type: ignore[attr-defined]
    assert code in (2, 3), err
    assert err.startswith("error:") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err


def _case(cli: CliRun, env: ProgramEnv) -> list[str]:
    g = env.cli_args()
    created = cli(
        [
            *g,
            "case",
            "create",
            "C1",
            "--title",
            "t",
            "--product",
            "p",
            "--reported",
            "2021-01-05",
            "--patch-planned",
            "2021-03-09",
        ]
    )
    assert created.exit_code == 0, created.stderr
    return g


def test_billion_laughs_in_a_program_file_is_refused_at_once(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(LAUGHS + "\n")
    started = time.monotonic()
    _refused(cli([*program_env.cli_args(), "program", "import", str(bomb)]), "aliases")
    assert time.monotonic() - started < 30  # a guard against a hang, not a speed claim


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_artifact_is_not_read(
    cli: CliRun, program_env: ProgramEnv, device: str
) -> None:
    g = _case(cli, program_env)
    _refused(cli([*g, "case", "add-artifact", "C1", device, "--kind", "poc"]), "not a regular file")


def test_a_fifo_as_artifact_or_key_file_does_not_hang(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    g = _case(cli, program_env)
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    _refused(cli([*g, "case", "add-artifact", "C1", str(fifo), "--kind", "poc"]), "regular file")
    key_fifo = tmp_path / "key.fifo"
    os.mkfifo(key_fifo, 0o600)
    _refused(
        cli(
            ["--db", program_env.settings.database_url, "--key-file", str(key_fifo), "case", "list"]
        ),
        "key file",
    )


def test_a_file_over_the_limit_is_refused_without_reading_it(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    g = _case(cli, program_env)
    huge = tmp_path / "huge.py"
    with huge.open("wb") as handle:
        handle.truncate(300 * 1024**2)  # sparse: costs no disk
    _refused(cli([*g, "case", "add-artifact", "C1", str(huge), "--kind", "poc"]), "larger than")


def test_an_identity_file_that_is_not_utf8_is_an_error(cli: CliRun, tmp_path: Path) -> None:
    sealed = tmp_path / "x.bundle.age"
    sealed.write_bytes(b"age-encryption.org/v1\n-> X25519 abc\n")
    identity = tmp_path / "id.key"
    identity.write_bytes(b"\xff\xfe AGE-SECRET-KEY-1\n")
    _refused(cli(["bundle", "verify", str(sealed), "-i", str(identity)]), "not an age identity")


def test_a_deeply_nested_key_file_is_damaged_not_a_crash(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    key = tmp_path / "deep.key"
    key.write_text("[" * 100_000 + "]" * 100_000)
    key.chmod(0o600)
    _refused(
        cli(["--db", program_env.settings.database_url, "--key-file", str(key), "case", "list"]),
        "damaged",
    )


def test_a_deeply_nested_proof_or_document_is_refused_not_a_crash(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    _refused(cli(["audit", "verify-proof", str(deep), "--public-key", "00" * 32]), "not a proof")
    _refused(cli([*program_env.cli_args(), "case", "import", str(deep)]))
