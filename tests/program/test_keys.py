"""The program key file and encryption at rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.errors import ConfigError, IntegrityError
from forewarn.program.artifacts import seal, unseal
from forewarn.program.keys import ProgramKeys

KEYS = ProgramKeys.generate()


def test_key_file_is_private_and_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "forewarn.key"
    KEYS.save(path)
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = ProgramKeys.load(path)
    assert loaded.secret == KEYS.secret
    assert loaded.public_key_bytes == KEYS.public_key_bytes
    assert loaded.fingerprint == KEYS.fingerprint
    with pytest.raises(ConfigError, match="exists already"):
        KEYS.save(path)


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        ProgramKeys.load(tmp_path / "nope.key")


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "forewarn.key"
    KEYS.save(path)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="accessible by other users"):
        ProgramKeys.load(path)


@pytest.mark.parametrize(
    "content", ["not json", "[]", '{"format": "other"}', '{"format": "forewarn-program-key"}']
)
def test_damaged_key_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "forewarn.key"
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(ConfigError, match="damaged"):
        ProgramKeys.load(path)


def test_tampered_fingerprint_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "forewarn.key"
    KEYS.save(path)
    document = json.loads(path.read_text())
    document["secret"] = document["signing_key"]
    path.write_text(json.dumps(document))
    with pytest.raises(ConfigError, match="fingerprint"):
        ProgramKeys.load(path)


def test_other_keys_do_not_match_the_program() -> None:
    with pytest.raises(ConfigError, match="does not belong"):
        ProgramKeys.generate().require_fingerprint(KEYS.fingerprint, Path("k"))
    KEYS.require_fingerprint(KEYS.fingerprint, Path("k"))


def test_derived_keys_differ_by_purpose() -> None:
    assert KEYS.derive("a") != KEYS.derive("b")
    assert KEYS.derive("a") == KEYS.derive("a")
    assert len(KEYS.derive("a", 64)) == 64


@settings(max_examples=50)
@given(st.binary(max_size=4096), st.text(min_size=1, max_size=20))
def test_seal_round_trip_and_binding(content: bytes, name: str) -> None:
    sealed = seal(KEYS, "FW-1", name, content)
    assert unseal(KEYS, "FW-1", name, sealed) == content
    with pytest.raises(IntegrityError):
        unseal(KEYS, "FW-2", name, sealed)
    with pytest.raises(IntegrityError):
        unseal(ProgramKeys.generate(), "FW-1", name, sealed)
