"""A partner's pinned program keys: trust on first use, then refuse any other signer.

`bundle verify` runs on a partner's machine, far from the program's database. A bundle names the
key that signed it, so checking the signature against that key proves only that *someone* signed
it. The partner pins the program's key once, by `--public-key` or on first use, and every later
bundle must be signed by the same key. Programs are told apart by the partner's own age recipient:
a partner holds one age key per program it belongs to, so the recipient that opens a bundle names
the relationship, and a new program key under the same recipient is an attack or a key rotation the
program must announce.

The file is JSON, written atomically and 0600:

    {"format": "forewarn.known-keys/1",
     "programs": {"age1…": {"public_key": "<hex>", "pinned_at": "2026-12-01T12:00:00Z"}}}
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from forewarn.encoding import encode
from forewarn.errors import IntegrityError, ValidationError

FORMAT = "forewarn.known-keys/1"
"""Format tag of the known-keys file."""

MAX_FILE_BYTES = 1 << 20
"""Largest known-keys file read: a partner in thousands of programs stays far below."""


@dataclass(frozen=True, slots=True)
class PinnedKey:
    """A program key a partner has pinned, and when."""

    public_key: str
    """Hex Ed25519 key of the program."""
    pinned_at: str
    """When it was pinned (`…Z`)."""


class KnownProgramKeys:
    """The pinned keys in one file; `pin` and `lookup` by the partner's age recipient."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def lookup(self, recipient: str) -> PinnedKey | None:
        """The key pinned for `recipient`, if any."""
        entry = self._read().get(recipient)
        if entry is None:
            return None
        return PinnedKey(entry["public_key"], entry["pinned_at"])

    def pin(self, recipient: str, public_key: str, *, at: datetime) -> PinnedKey:
        """Pin `public_key` for `recipient`; a different key already pinned raises."""
        programs = self._read()
        current = programs.get(recipient)
        if current is not None and current["public_key"] != public_key:
            raise IntegrityError(
                f"the program key for {recipient} changed: pinned {current['public_key']}, "
                f"this bundle is signed by {public_key}",
                hint="ask the program for its key out of band; re-pin only with --public-key",
            )
        if current is None:
            current = {"public_key": public_key, "pinned_at": str(encode(at))}
            programs[recipient] = current
            self._write(programs)
        return PinnedKey(current["public_key"], current["pinned_at"])

    def replace(self, recipient: str, public_key: str, *, at: datetime) -> PinnedKey:
        """Pin `public_key` for `recipient` whatever was pinned (the user named it explicitly)."""
        programs = self._read()
        programs[recipient] = {"public_key": public_key, "pinned_at": str(encode(at))}
        self._write(programs)
        return PinnedKey(public_key, programs[recipient]["pinned_at"])

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ValidationError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        try:
            if len(raw) > MAX_FILE_BYTES:
                raise ValueError("too large")
            document = json.loads(raw)
            if document.get("format") != FORMAT:
                raise ValueError("unknown format")
            programs = document["programs"]
            return {
                str(recipient): {
                    "public_key": str(entry["public_key"]),
                    "pinned_at": str(entry["pinned_at"]),
                }
                for recipient, entry in programs.items()
            }
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise IntegrityError(
                f"{self.path} is not a forewarn known-keys file",
                hint="move it aside; every program key must then be pinned again",
            ) from None

    def _write(self, programs: dict[str, dict[str, str]]) -> None:
        document = {"format": FORMAT, "programs": dict(sorted(programs.items()))}
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=".known-keys-")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    os.fchmod(handle.fileno(), 0o600)
                    json.dump(document, handle, indent=2)
                    handle.write("\n")
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise ValidationError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
