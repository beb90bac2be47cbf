"""Bundles: signed manifests binding file hashes, age encryption the standard tool opens."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.domain import Release, ReleasedArtifact
from forewarn.errors import IntegrityError, ReleaseError
from forewarn.program.bundles import (
    build_bundle,
    load_public_key,
    public_key_hex,
    seal,
    unseal,
    verify_bundle,
)

SIGNING_KEY = Ed25519PrivateKey.generate()
IDENTITY = pyrage.x25519.Identity.generate()
RECIPIENT = str(IDENTITY.to_public())


def make_release(contents: dict[str, bytes], release_id: str = "rel-1") -> Release:
    artifacts = tuple(
        ReleasedArtifact(
            name, "poc" if name.endswith(".py") else "advisory", hashlib.sha256(data).hexdigest()
        )
        for name, data in contents.items()
    )
    return Release(
        id=release_id,
        case_id="FW-2021-0001",
        partner="Northwind Labs",
        available_at=datetime(2021, 2, 23, tzinfo=UTC),
        embargo_end=datetime(2021, 3, 9, tzinfo=UTC),
        artifacts=artifacts,
    )


CONTENTS = {"advisory.md": b"# Advisory\nPatch now.\n", "poc.py": b"print('toy')\n"}


def _members(bundle: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(bundle)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]


def _repack(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_bundle_verifies_and_lists_its_files() -> None:
    release = make_release(CONTENTS)
    bundle = build_bundle(release, CONTENTS, SIGNING_KEY)
    verified = verify_bundle(bundle, SIGNING_KEY.public_key())
    assert verified.release == release
    assert verified.contents == CONTENTS
    assert verified.public_key == public_key_hex(SIGNING_KEY.public_key())
    assert sorted(_members(bundle)) == [
        "artifacts/advisory.md",
        "artifacts/poc.py",
        "manifest.json",
        "manifest.json.sig",
    ]


def test_bundles_are_deterministic() -> None:
    release = make_release(CONTENTS)
    assert build_bundle(release, CONTENTS, SIGNING_KEY) == build_bundle(
        release, CONTENTS, SIGNING_KEY
    )


@pytest.mark.parametrize(
    ("member", "change"),
    [
        ("artifacts/poc.py", lambda b: b + b"# extra\n"),
        ("manifest.json", lambda b: b.replace(b"Northwind Labs", b"Contoso Shield")),
        ("manifest.json", lambda b: b.replace(b"2021-03-09", b"2021-04-09")),
        ("manifest.json.sig", lambda b: b"A" * len(b)),
    ],
)
def test_any_change_is_an_integrity_error(member: str, change: object) -> None:
    members = _members(build_bundle(make_release(CONTENTS), CONTENTS, SIGNING_KEY))
    members[member] = change(members[member])  # type: ignore[operator]
    with pytest.raises(IntegrityError):
        verify_bundle(_repack(members), SIGNING_KEY.public_key())


def test_extra_or_missing_files_and_foreign_keys_are_refused() -> None:
    bundle = build_bundle(make_release(CONTENTS), CONTENTS, SIGNING_KEY)
    members = _members(bundle)
    with pytest.raises(IntegrityError, match="do not match"):
        verify_bundle(_repack(members | {"artifacts/extra.txt": b"x"}), SIGNING_KEY.public_key())
    del members["artifacts/poc.py"]
    with pytest.raises(IntegrityError):
        verify_bundle(_repack(members), SIGNING_KEY.public_key())
    with pytest.raises(IntegrityError, match="another program key"):
        verify_bundle(bundle, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(IntegrityError):
        verify_bundle(b"not a tar at all", SIGNING_KEY.public_key())
    with pytest.raises(IntegrityError):
        load_public_key("zz")


def test_build_refuses_mismatched_contents() -> None:
    release = make_release(CONTENTS)
    with pytest.raises(ReleaseError):
        build_bundle(release, CONTENTS | {"poc.py": b"other"}, SIGNING_KEY)
    with pytest.raises(ReleaseError):
        build_bundle(release, {"advisory.md": CONTENTS["advisory.md"]}, SIGNING_KEY)
    bad = {"../escape": b"x"}
    with pytest.raises(ReleaseError):
        build_bundle(make_release(bad), bad, SIGNING_KEY)


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_-]{0,12}\.(md|py|txt)", fullmatch=True),
        st.binary(max_size=2000),
        min_size=1,
        max_size=4,
    )
)
def test_encrypt_then_decrypt_gives_the_bundle_back(contents: dict[str, bytes]) -> None:
    bundle = build_bundle(make_release(contents), contents, SIGNING_KEY)
    sealed = seal(bundle, RECIPIENT)
    assert bundle not in sealed
    opened = unseal(sealed, str(IDENTITY))
    assert opened == bundle
    assert verify_bundle(opened, SIGNING_KEY.public_key()).contents == contents


def test_wrong_identity_and_bad_recipient() -> None:
    sealed = seal(b"bundle", RECIPIENT)
    with pytest.raises(IntegrityError):
        unseal(sealed, str(pyrage.x25519.Identity.generate()))
    with pytest.raises(IntegrityError):
        unseal(sealed, "not a key")
    with pytest.raises(ReleaseError):
        seal(b"bundle", "age1nope")


def test_the_standard_age_tool_opens_a_bundle(tmp_path: Path) -> None:
    assert shutil.which("age"), "the age binary is missing: run `make system-deps`"
    key_file = tmp_path / "northwind.key"
    key_file.write_text(f"{IDENTITY}\n")
    sealed_file = tmp_path / "FW-2021-0001.bundle.age"
    sealed_file.write_bytes(
        seal(build_bundle(make_release(CONTENTS), CONTENTS, SIGNING_KEY), RECIPIENT)
    )
    opened = subprocess.run(
        ["age", "-d", "-i", str(key_file), str(sealed_file)], check=True, capture_output=True
    ).stdout
    listing = subprocess.run(["tar", "-t"], input=opened, check=True, capture_output=True).stdout
    assert listing.decode().split() == [
        "manifest.json",
        "manifest.json.sig",
        "artifacts/advisory.md",
        "artifacts/poc.py",
    ]
    assert verify_bundle(opened, SIGNING_KEY.public_key()).contents == CONTENTS
