"""Per-partner bundles: a signed tar of marked artifacts, encrypted to the partner's age key.

Inside (a plain POSIX tar, so `tar -t` lists it):

```
manifest.json        case, release id, partner, available_at, embargo_end, program public key,
                     per artifact its path, kind, size and SHA-256 (the manifest binds the files),
                     and the audit log's latest signed checkpoint (`audit_checkpoint`), so the
                     partner holds a signed log size the program can never go back below
manifest.json.sig    base64 Ed25519 signature over the context line + the canonical manifest
artifacts/NAME       the partner's marked copy of each artifact
```

The tar is deterministic (sorted, fixed times and owners) and then encrypted with `pyrage` to the
partner's `age1…` recipient, so `age -d -i KEY FILE.bundle.age | tar -t` opens it. `verify_bundle`
raises `IntegrityError` on any mismatch; it never extracts to disk.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from forewarn.domain import Release, ReleasedArtifact
from forewarn.encoding import decode_json
from forewarn.errors import IntegrityError, ReleaseError, WrongIdentityError
from forewarn.program.merkle import Checkpoint, verify_checkpoint
from forewarn.program.witness import checkpoint_from_json, checkpoint_json

BUNDLE_FORMAT = "forewarn-bundle/1"
"""Format tag written in every manifest."""

SIGNATURE_CONTEXT = b"forewarn-bundle-manifest-v1\n"
"""Domain separation: a manifest signature can never pass for another signed message."""

MANIFEST_NAME = "manifest.json"
"""Member holding the manifest."""

SIGNATURE_NAME = "manifest.json.sig"
"""Member holding the manifest's signature."""

MAX_BUNDLE_BYTES = 64 * 1024 * 1024
"""Largest bundle `verify_bundle` reads; anything larger is not one of ours."""

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,200}$")


def public_key_hex(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key in hex, as written in manifests and proofs."""
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def load_public_key(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key from 64 hex digits; a bad one is an `IntegrityError`."""
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text.strip()))
    except ValueError:
        raise IntegrityError("not an Ed25519 public key (64 hex digits expected)") from None


def _stamp(at: datetime) -> str:
    if at.tzinfo is None:
        raise ReleaseError("bundle times must carry a time zone")
    return at.isoformat().replace("+00:00", "Z")


def manifest_of(
    release: Release,
    sizes: Mapping[str, int],
    public_key: Ed25519PublicKey,
    checkpoint: Checkpoint | None = None,
) -> bytes:
    """The canonical manifest bytes of `release` (sorted keys, no spaces, UTF-8)."""
    document: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "case": release.case_id,
        "release_id": release.id,
        "partner": release.partner,
        "available_at": _stamp(release.available_at),
        "embargo_end": _stamp(release.embargo_end),
        "program_public_key": public_key_hex(public_key),
        "artifacts": [
            {
                "name": a.name,
                "kind": a.kind,
                "path": f"artifacts/{a.name}",
                "sha256": a.sha256,
                "size": sizes[a.name],
            }
            for a in sorted(release.artifacts, key=lambda a: a.name)
        ],
    }
    if checkpoint is not None:
        document["audit_checkpoint"] = checkpoint_json(checkpoint)
    return canonical_json(document)


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """One byte string per document, so a signature does not depend on formatting."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def build_bundle(
    release: Release,
    contents: Mapping[str, bytes],
    signing_key: Ed25519PrivateKey,
    checkpoint: Checkpoint | None = None,
) -> bytes:
    """The signed, deterministic tar for `release`; `contents` maps artifact name → marked copy;
    `checkpoint` is the audit log's latest signed checkpoint, carried inside the manifest."""
    names = {a.name for a in release.artifacts}
    if names != set(contents):
        raise ReleaseError(f"release {release.id}: contents do not match the artifacts listed")
    for artifact in release.artifacts:
        if not _SAFE_NAME.match(artifact.name):
            raise ReleaseError(f"artifact name {artifact.name!r} cannot be a bundle member")
        if hashlib.sha256(contents[artifact.name]).hexdigest() != artifact.sha256:
            raise ReleaseError(f"release {release.id}: {artifact.name} does not match its hash")
    manifest = manifest_of(
        release, {n: len(c) for n, c in contents.items()}, signing_key.public_key(), checkpoint
    )
    signature = base64.b64encode(signing_key.sign(SIGNATURE_CONTEXT + manifest)) + b"\n"
    mtime = int(release.available_at.timestamp())
    members = [(MANIFEST_NAME, manifest), (SIGNATURE_NAME, signature)]
    members += [(f"artifacts/{name}", contents[name]) for name in sorted(contents)]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def seal(bundle: bytes, recipient: str) -> bytes:
    """Encrypt a bundle to an `age1…` recipient (binary age format)."""
    try:
        return bytes(pyrage.encrypt(bundle, [pyrage.x25519.Recipient.from_str(recipient)]))
    except (pyrage.RecipientError, pyrage.EncryptError) as exc:
        raise ReleaseError(f"cannot encrypt to age recipient: {exc}") from exc


def unseal(sealed: bytes, identity: str) -> bytes:
    """Decrypt a sealed bundle with an `AGE-SECRET-KEY-1…` identity."""
    try:
        key = pyrage.x25519.Identity.from_str(identity.strip())
        return bytes(pyrage.decrypt(sealed, [key]))
    except pyrage.IdentityError:
        raise IntegrityError("not an age identity (AGE-SECRET-KEY-1…)") from None
    except pyrage.DecryptError as exc:
        if str(exc).endswith(_NOT_YOURS):  # sealed to other recipients only: a wrong identity
            raise WrongIdentityError(
                "the bundle does not decrypt with this identity: it is not sealed to it",
                hint="pass the age identity whose public key the program holds for you; "
                "`age-keygen -y KEYFILE` prints a key's public half",
            ) from None
        raise IntegrityError(f"the bundle does not decrypt with this identity: {exc}") from None


_NOT_YOURS = "No matching keys found"
"""What age says of a file sealed to other recipients only (a damaged file says otherwise)."""


@dataclass(frozen=True, slots=True)
class VerifiedBundle:
    """A bundle whose signature and file hashes checked out."""

    release: Release
    """What the manifest says was given (artifact hashes are of the files in the bundle)."""
    public_key: str
    """Hex Ed25519 key that signed the manifest."""
    contents: dict[str, bytes]
    """Artifact name → the partner's marked copy."""
    checkpoint: Checkpoint | None = None
    """The audit log's signed checkpoint the bundle carries (checked against the same key)."""


def _read_members(bundle: bytes) -> dict[str, bytes]:
    if len(bundle) > MAX_BUNDLE_BYTES:
        raise IntegrityError("bundle larger than any forewarn bundle")
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(bundle), mode="r:") as tar:
            for info in tar:
                if not info.isfile() or info.name in members:
                    raise IntegrityError(f"unexpected bundle member {info.name!r}")
                handle = tar.extractfile(info)
                if handle is None:
                    raise IntegrityError(f"unreadable bundle member {info.name!r}")
                members[info.name] = handle.read()
    except tarfile.TarError as exc:
        raise IntegrityError(f"not a bundle (tar): {exc}") from None
    return members


@dataclass(frozen=True, slots=True)
class _Signed:
    members: dict[str, bytes]
    manifest: bytes
    document: Mapping[str, Any]
    named_key: Ed25519PublicKey
    signature: bytes


def _signed_parts(bundle: bytes) -> _Signed:
    members = _read_members(bundle)
    manifest_bytes = members.pop(MANIFEST_NAME, None)
    signature_text = members.pop(SIGNATURE_NAME, None)
    if manifest_bytes is None or signature_text is None:
        raise IntegrityError("bundle has no manifest or no signature")
    try:
        document = decode_json(manifest_bytes)
        named_key = load_public_key(str(document["program_public_key"]))
        signature = base64.b64decode(signature_text.strip(), validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise IntegrityError("bundle manifest or signature is malformed") from None
    return _Signed(members, manifest_bytes, document, named_key, signature)


def named_program_key(bundle: bytes) -> Ed25519PublicKey:
    """The key a decrypted bundle's manifest names, *unverified*: only for trust on first use."""
    return _signed_parts(bundle).named_key


def verify_bundle(bundle: bytes, public_key: Ed25519PublicKey) -> VerifiedBundle:
    """Check a decrypted bundle: signed by the pinned program key, every file as its manifest says.

    The key is required: a signature by whatever key the manifest names proves nothing, so there
    is no unpinned mode (the CLI pins by `--public-key` or by trust on first use).
    """
    signed = _signed_parts(bundle)
    members, manifest_bytes, document = signed.members, signed.manifest, signed.document
    if public_key_hex(public_key) != public_key_hex(signed.named_key):
        raise IntegrityError("bundle was signed for another program key")
    try:
        public_key.verify(signed.signature, SIGNATURE_CONTEXT + manifest_bytes)
    except InvalidSignature:
        raise IntegrityError("bundle manifest signature does not verify") from None
    release, sizes = _release_from(document)
    expected = {f"artifacts/{a.name}" for a in release.artifacts}
    if set(members) != expected:
        raise IntegrityError("bundle files do not match its manifest")
    contents: dict[str, bytes] = {}
    for artifact in release.artifacts:
        data = members[f"artifacts/{artifact.name}"]
        if len(data) != sizes[artifact.name]:
            raise IntegrityError(f"{artifact.name}: size differs from the manifest")
        if hashlib.sha256(data).hexdigest() != artifact.sha256:
            raise IntegrityError(f"{artifact.name}: SHA-256 differs from the manifest")
        contents[artifact.name] = data
    checkpoint = None
    if "audit_checkpoint" in document:
        try:
            checkpoint = checkpoint_from_json(document["audit_checkpoint"])
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise IntegrityError("the bundle's audit checkpoint is malformed") from None
        verify_checkpoint(checkpoint, public_key)
    return VerifiedBundle(release, public_key_hex(public_key), contents, checkpoint)


def _release_from(document: Mapping[str, Any]) -> tuple[Release, dict[str, int]]:
    try:
        if document["format"] != BUNDLE_FORMAT:
            raise IntegrityError(f"unknown bundle format {document['format']!r}")
        entries = document["artifacts"]
        artifacts = tuple(
            ReleasedArtifact(str(e["name"]), str(e["kind"]), str(e["sha256"])) for e in entries
        )
        sizes = {str(e["name"]): int(e["size"]) for e in entries}
        release = Release(
            id=str(document["release_id"]),
            case_id=str(document["case"]),
            partner=str(document["partner"]),
            available_at=datetime.fromisoformat(document["available_at"]),
            embargo_end=datetime.fromisoformat(document["embargo_end"]),
            artifacts=artifacts,
        )
    except (KeyError, TypeError, ValueError):
        raise IntegrityError("bundle manifest is malformed") from None
    if any(f"artifacts/{a.name}" != e.get("path") for a, e in zip(artifacts, entries, strict=True)):
        raise IntegrityError("bundle manifest paths do not match artifact names")
    return release, sizes
