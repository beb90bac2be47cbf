"""What a capture reader returns (`WireReading`) and the Protocol every format implements.

A reader turns one captured-traffic item (pcap, HAR, a log, …) into `HttpRequest`s. Bad parts of
the input (a truncated packet, a malformed JSON line, a head over the limits) become `WireNote`s
and the rest is read; only an input that cannot be read at all raises `WireReadError`, which
`read_requests` turns into a note too. Readers never execute anything and never touch the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from forewarn.domain.wire import HttpRequest
from forewarn.errors import WireReadError
from forewarn.hunt.limits import Limits

__all__ = [
    "MAX_NOTES",
    "NoteBook",
    "RequestFilter",
    "RouteKeyed",
    "WireNote",
    "WireReadError",
    "WireReader",
    "WireReading",
]

RequestFilter = Callable[[HttpRequest], bool]
"""Which requests a reading keeps (and counts against `Limits.max_requests`): a hunt keeps only
those on its PoCs' routes, so a day's web log is read to its end, not to its 100,000th line."""


@runtime_checkable
class RouteKeyed(Protocol):
    """A `RequestFilter` that decides on a request's method and path alone, and says so: a
    reader may then ask it before building the request, and skip the lines it turns down
    (most of a day's web log) for the cost of a split and a dictionary look-up."""

    def __call__(self, request: HttpRequest) -> bool:
        """`keeps_route(request.method, request.path)`."""
        ...

    def keeps_route(self, method: str, path: str) -> bool:
        """Whether a request with this method and path (as `HttpRequest` holds them) is kept."""
        ...


MAX_NOTES = 200
"""Notes kept per item; a capture of garbage must not produce a million lines of report."""


@dataclass(frozen=True, slots=True)
class WireNote:
    """Something of a capture that was not read, or read only in part."""

    where: str
    """Which part: `packet 17`, `line 4`, `entry 2`, `stream 10.0.0.5:40112 -> 10.0.0.9:80`."""
    message: str
    """What was wrong, in a few words (`truncated head`, `not JSON`)."""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True, slots=True)
class WireReading:
    """The requests read from one item, in capture order, and what could not be read."""

    format: str | None
    """The format the item was read as (`http`, `pcap`, `pcapng`, `har`, `suricata`, `zeek`,
    `w3c`, `apache`), or `None` when it is no capture at all."""
    requests: tuple[HttpRequest, ...] = ()
    """The requests, in the order the capture holds them."""
    notes: tuple[WireNote, ...] = ()
    """Parts that were not read (at most `MAX_NOTES`, the last one counting the rest)."""

    @property
    def is_capture(self) -> bool:
        """Whether the item was recognised as captured traffic (even if nothing was readable)."""
        return self.format is not None


@dataclass(slots=True)
class NoteBook:
    """Collects notes up to `MAX_NOTES`, counting those beyond."""

    notes: list[WireNote] = field(default_factory=list)
    """The notes kept."""
    dropped: int = 0
    """Notes beyond the cap."""

    def add(self, where: str, message: str) -> None:
        """Keep a note, or count it once the cap is reached."""
        if len(self.notes) < MAX_NOTES:
            self.notes.append(WireNote(where, message))
        else:
            self.dropped += 1

    def done(self) -> tuple[WireNote, ...]:
        """The notes, with one saying how many were left out."""
        if self.dropped:
            return (*self.notes, WireNote("", f"{self.dropped} more notes left out"))
        return tuple(self.notes)


class WireReader(Protocol):
    """Reads one capture format into requests."""

    name: str
    """The format's name, as in `WireReading.format` and `HttpRequest.source`."""

    def sniff(self, head: bytes) -> bool:
        """Whether the first bytes (up to `SNIFF_BYTES`) are this format, by content only."""
        ...

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """The requests in `data` that `keep` accepts (all without it); bad parts go to
        `notes`; raises `WireReadError` only when nothing of `data` can be read as this format."""
        ...


def refuse(message: str) -> WireReadError:
    """The error a reader raises for an input it cannot read at all."""
    return WireReadError(message, hint="the item is kept as a note; the rest of the run goes on")
