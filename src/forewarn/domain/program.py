"""The program itself: its name, which key it is bound to, and its release policy rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    """The one program a database holds."""

    name: str
    """Display name, e.g. `Active Protections Program`."""
    key_fingerprint: str
    """Hex SHA-256 fingerprint of the program key file this database was created with."""
    created_at: datetime
    """When `forewarn init` ran (UTC)."""
    rules: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    """Release policy rules as written in the program file, kept verbatim for `program.policy`."""
    replay: bool = False
    """A replay of past history (`forewarn init --replay`, the demo, scenarios): its leaves may
    go back in time and each says it is a replay; a live program's leaves never go back."""
    domains: tuple[str, ...] = field(default_factory=tuple)
    """Domains the program controls, under which copies carry host tokens (none: no host
    tokens); set once, by `forewarn init --token-domain`."""
