"""What an attack is given (a leaked copy) and what it gives back (files to trace)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rewrites import wire

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent


@dataclass(frozen=True, slots=True)
class Poc:
    """A benign PoC of the benchmark and what its rewrites need to know about it."""

    name: str
    """Short name in the table (`exchange`, `ticketdesk`)."""
    path: Path
    """The original, as the vendor adds it."""
    client: str
    """HTTP client it is written with (`http.client`, `requests`)."""
    builder: str
    """The function that builds and sends its requests (through `sender`): the "single
    function" leak."""
    sender: str = "send"
    """The helper that hands a request to the client (missing from the fragments)."""


POCS = (
    Poc(
        "exchange",
        ROOT / "src/forewarn/data/scenarios/exchange-2021/poc.py",
        "http.client",
        "fetch_identity",
    ),
    Poc("ticketdesk", BENCH / "pocs/ticketdesk_requests.py", "requests", "poll_export"),
)
"""Every PoC the corpus rewrites: one not written with requests, one written with it."""


@dataclass
class Leak:
    """A partner's marked copy as the attacker holds it (canary tokens already removed)."""

    poc: Poc
    """Which PoC it is a copy of."""
    source: str
    """The copy's text."""
    _sent: list[bytes] | None = field(default=None, repr=False)

    def sent(self) -> list[bytes]:
        """The raw requests this copy sends to a recording listener (run once, then kept)."""
        if self._sent is None:
            self._sent = wire.record(self.source)
        return self._sent


@dataclass(frozen=True, slots=True)
class Output:
    """What an attack leaves for the hunt: files, by name."""

    files: dict[str, bytes]
    """File name → content."""
    script: bool = True
    """Whether `files` holds one runnable Python program (checked on the wire by the tests)."""


@dataclass(frozen=True, slots=True)
class Attack:
    """One row of the benchmark."""

    name: str
    """What was done, in the table's words."""
    family: str
    """`transform`, `template`, `replay`, `capture`, `partial` or `control`."""
    poc: str
    """`Poc.name` it applies to."""
    build: Callable[[Leak], Output]
    """The attack itself."""
    wire_preserving: bool = True
    """Whether the result sends (or shows) the copy's own requests byte for byte."""
