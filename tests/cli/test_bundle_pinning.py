"""`bundle verify` fails closed: sealed bundles only, signed by the key the partner pinned."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conftest import CliRun
from forewarn.domain import Release, ReleasedArtifact
from forewarn.program.bundles import build_bundle, public_key_hex, seal

PROGRAM_KEY = Ed25519PrivateKey.generate()
FORGER_KEY = Ed25519PrivateKey.generate()
CONTENTS = {"advisory.md": b"# Advisory\nPatch on the day.\n", "poc.py": b"print('toy')\n"}


def _release(contents: dict[str, bytes] = CONTENTS) -> Release:
    return Release(
        id="rel-7",
        case_id="FW-2026-0007",
        partner="Quillfeather Security",
        available_at=datetime(2026, 11, 2, tzinfo=UTC),
        embargo_end=datetime(2026, 11, 10, tzinfo=UTC),
        artifacts=tuple(
            ReleasedArtifact(
                name,
                "advisory" if name.endswith(".md") else "poc",
                hashlib.sha256(data).hexdigest(),
            )
            for name, data in contents.items()
        ),
    )


class Partner:
    """A partner's age identity on disk and bundles sealed to it."""

    def __init__(self, folder: Path) -> None:
        self.identity = pyrage.x25519.Identity.generate()
        self.key_file = folder / "partner.key"
        self.key_file.write_text(f"# partner identity\n{self.identity}\n")
        self.folder = folder

    def sealed(self, name: str, signer: Ed25519PrivateKey, contents: dict[str, bytes]) -> Path:
        bundle = build_bundle(_release(contents), contents, signer)
        path = self.folder / name
        path.write_bytes(seal(bundle, str(self.identity.to_public())))
        return path

    def verify(self, cli: CliRun, path: Path, *extra: str) -> tuple[int, str, str]:
        done = cli(["bundle", "verify", str(path), "-i", str(self.key_file), *extra])
        return done.exit_code, done.stdout, done.stderr


def test_a_plaintext_bundle_is_refused_with_exit_3(cli: CliRun, tmp_path: Path) -> None:
    plain = tmp_path / "case.bundle"
    plain.write_bytes(build_bundle(_release(), CONTENTS, PROGRAM_KEY))
    done = cli(
        ["bundle", "verify", str(plain), "--public-key", public_key_hex(PROGRAM_KEY.public_key())]
    )
    assert done.exit_code == 3
    assert done.stderr.startswith("error:") and "not an encrypted bundle" in done.stderr


def test_without_a_pinned_key_verification_fails_closed(cli: CliRun, tmp_path: Path) -> None:
    partner = Partner(tmp_path)
    code, _, err = partner.verify(cli, partner.sealed("a.bundle.age", PROGRAM_KEY, CONTENTS))
    assert code == 3
    assert "no program key is pinned" in err and "--trust-on-first-use" in err


def test_trust_on_first_use_pins_and_then_refuses_another_signer(
    cli: CliRun, tmp_path: Path, known_keys_in_tmp: Path
) -> None:
    partner = Partner(tmp_path)
    first = partner.sealed("first.bundle.age", PROGRAM_KEY, CONTENTS)
    code, out, err = partner.verify(cli, first, "--trust-on-first-use")
    assert code == 0, err
    assert "pinned on first use" in out
    assert stat.S_IMODE(known_keys_in_tmp.stat().st_mode) == 0o600
    pinned = json.loads(known_keys_in_tmp.read_text())["programs"]
    assert pinned[str(partner.identity.to_public())]["public_key"] == public_key_hex(
        PROGRAM_KEY.public_key()
    )

    code, out, err = partner.verify(cli, first)
    assert code == 0 and "pinned on first use" not in out, err

    forged = partner.sealed("forged.bundle.age", FORGER_KEY, {**CONTENTS, "poc.py": b"evil\n"})
    for flags in ((), ("--trust-on-first-use",)):
        code, _, err = partner.verify(cli, forged, *flags)
        assert code == 3, flags
        assert "another program key" in err


def test_a_given_key_is_checked_and_pinned(cli: CliRun, tmp_path: Path) -> None:
    partner = Partner(tmp_path)
    bundle = partner.sealed("a.bundle.age", PROGRAM_KEY, CONTENTS)
    wrong = public_key_hex(FORGER_KEY.public_key())
    code, _, err = partner.verify(cli, bundle, "--public-key", wrong)
    assert code == 3 and "another program key" in err
    right = public_key_hex(PROGRAM_KEY.public_key())
    code, _, err = partner.verify(cli, bundle, "--public-key", right, "--json")
    assert code == 0, err
    code, out, err = partner.verify(cli, bundle, "--json")
    assert code == 0, err
    assert json.loads(out)["pinned"] == "known"


def test_a_tampered_file_in_a_sealed_bundle_fails(cli: CliRun, tmp_path: Path) -> None:
    partner = Partner(tmp_path)
    good = build_bundle(_release(), CONTENTS, PROGRAM_KEY)
    tampered = bytearray(good)
    tampered[good.index(b"print('toy')")] ^= 1
    path = tmp_path / "t.bundle.age"
    path.write_bytes(seal(bytes(tampered), str(partner.identity.to_public())))
    right = public_key_hex(PROGRAM_KEY.public_key())
    code, _, err = partner.verify(cli, path, "--public-key", right)
    assert code == 3 and "SHA-256 differs" in err


def test_a_corrupt_known_keys_file_is_an_error_not_a_pass(
    cli: CliRun, tmp_path: Path, known_keys_in_tmp: Path
) -> None:
    partner = Partner(tmp_path)
    known_keys_in_tmp.write_text("[[[")
    code, _, err = partner.verify(
        cli, partner.sealed("a.bundle.age", PROGRAM_KEY, CONTENTS), "--trust-on-first-use"
    )
    assert code == 3 and "not a forewarn known-keys file" in err


def test_a_wrong_public_key_or_a_damaged_bundle_never_replaces_the_pinned_key(
    cli: CliRun, tmp_path: Path, known_keys_in_tmp: Path
) -> None:
    partner = Partner(tmp_path)
    bundle = partner.sealed("a.bundle.age", PROGRAM_KEY, CONTENTS)
    right = public_key_hex(PROGRAM_KEY.public_key())
    code, _, err = partner.verify(cli, bundle, "--public-key", right)
    assert code == 0, err
    pinned = known_keys_in_tmp.read_bytes()
    code, _, err = partner.verify(
        cli, bundle, "--public-key", public_key_hex(FORGER_KEY.public_key())
    )
    assert code == 3 and "another program key" in err
    assert known_keys_in_tmp.read_bytes() == pinned
    code, out, err = partner.verify(cli, bundle, "--json")
    assert code == 0, err
    assert json.loads(out)["pinned"] == "known"


def test_a_bundle_that_fails_on_first_use_pins_nothing(
    cli: CliRun, tmp_path: Path, known_keys_in_tmp: Path
) -> None:
    partner = Partner(tmp_path)
    good = build_bundle(_release(), CONTENTS, PROGRAM_KEY)
    tampered = bytearray(good)
    tampered[good.index(b"print('toy')")] ^= 1
    path = tmp_path / "t.bundle.age"
    path.write_bytes(seal(bytes(tampered), str(partner.identity.to_public())))
    code, _, err = partner.verify(cli, path, "--trust-on-first-use")
    assert code == 3 and "SHA-256 differs" in err
    assert not known_keys_in_tmp.exists()
