"""The program key file: a 32-byte secret and an Ed25519 signing key, kept outside the database.

The secret is the root of every mark codeword and of encryption at rest; purpose-specific keys
are derived from it with HKDF so no two uses share a key. The database stores only the key's
fingerprint, so opening a program with a missing or different key file is a `ConfigError`
instead of silently producing unreadable artifacts or wrong marks.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from forewarn.bounded import read_bounded_text
from forewarn.errors import ConfigError, ValidationError

KEY_FILE_LIMIT = 64 * 1024
"""Largest key file read: a real one is about 200 bytes."""

KEY_FILE_FORMAT = "forewarn-program-key"
"""Value of the `format` field identifying a key file."""

KEY_FILE_VERSION = 1
"""Version of the key file layout."""

SECRET_LENGTH = 32
"""Bytes of the program secret."""

_FINGERPRINT_LABEL = b"forewarn/key-fingerprint/v1\x00"
_HKDF_LABEL = b"forewarn/v1/"
_LOST_HINT = "the key cannot be recovered from the database; restore the key file from backup"


@dataclass(frozen=True, slots=True)
class ProgramKeys:
    """The program's key material, loaded from its key file."""

    secret: bytes
    """32 random bytes: root of marks (HMAC) and of encryption at rest (HKDF subkeys)."""
    signing_key: Ed25519PrivateKey
    """Signs bundles and audit-log checkpoints."""

    @classmethod
    def generate(cls) -> ProgramKeys:
        """Fresh random key material."""
        return cls(secret=os.urandom(SECRET_LENGTH), signing_key=Ed25519PrivateKey.generate())

    @property
    def public_key_bytes(self) -> bytes:
        """The raw 32-byte Ed25519 public key, for verifiers."""
        return self.signing_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def fingerprint(self) -> str:
        """Hex SHA-256 binding secret and public key; stored in the database, safe to show."""
        return hashlib.sha256(_FINGERPRINT_LABEL + self.secret + self.public_key_bytes).hexdigest()

    def derive(self, purpose: str, length: int = 32) -> bytes:
        """A subkey for one purpose (`artifact-encryption`, `marks/codeword`, ...), via HKDF."""
        if not purpose:
            raise ValueError("a derived key needs a purpose")
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=length,
            salt=None,
            info=_HKDF_LABEL + purpose.encode(),
        )
        return hkdf.derive(self.secret)

    def _private_bytes(self) -> bytes:
        return self.signing_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def save(self, path: Path) -> None:
        """Write a new key file readable by its owner only; never overwrite one."""
        document = {
            "format": KEY_FILE_FORMAT,
            "version": KEY_FILE_VERSION,
            "secret": base64.b64encode(self.secret).decode(),
            "signing_key": base64.b64encode(self._private_bytes()).decode(),
            "fingerprint": self.fingerprint,
        }
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise ConfigError(
                f"key file {path} exists already", hint="refusing to overwrite a key"
            ) from exc
        except OSError as exc:
            raise ConfigError(f"cannot create key file {path}: {exc.strerror}") from exc
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")

    @classmethod
    def load(cls, path: Path) -> ProgramKeys:
        """Read a key file, refusing one that others can read or that is damaged."""
        try:
            info = path.stat()
        except FileNotFoundError as exc:
            raise ConfigError(f"key file {path} not found", hint=_LOST_HINT) from exc
        except OSError as exc:
            raise ConfigError(f"cannot read key file {path}: {exc.strerror}") from exc
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"key file {path} is accessible by other users", hint=f"run: chmod 600 {path}"
            )
        try:
            document = json.loads(read_bounded_text(path, limit=KEY_FILE_LIMIT, what="key file"))
            if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
                raise ValueError("not a forewarn key file")
            if document.get("version") != KEY_FILE_VERSION:
                raise ValueError(f"unsupported version {document.get('version')!r}")
            secret = base64.b64decode(document["secret"], validate=True)
            signing = base64.b64decode(document["signing_key"], validate=True)
            if len(secret) != SECRET_LENGTH or len(signing) != 32:
                raise ValueError("key lengths are wrong")
            keys = cls(secret=secret, signing_key=Ed25519PrivateKey.from_private_bytes(signing))
        except (
            OSError,
            UnicodeDecodeError,
            ValueError,
            KeyError,
            TypeError,
            binascii.Error,
            RecursionError,
            ValidationError,
        ) as exc:
            raise ConfigError(f"key file {path} is damaged: {exc}", hint=_LOST_HINT) from exc
        if document.get("fingerprint") not in (None, keys.fingerprint):
            raise ConfigError(f"key file {path} is damaged: fingerprint mismatch", hint=_LOST_HINT)
        return keys

    def require_fingerprint(self, expected: str, path: Path) -> None:
        """Raise `ConfigError` unless these keys are the ones the program was created with."""
        if self.fingerprint != expected:
            raise ConfigError(
                f"key file {path} does not belong to this program "
                f"(key {self.fingerprint[:16]}…, program expects {expected[:16]}…)",
                hint="pass the program's own key file with --key-file or FOREWARN_KEY_FILE",
            )
