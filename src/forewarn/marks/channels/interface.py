"""What every mark channel does: find choice points, embed bits, read bits back with erasures.

A channel works on one artifact's original (unmarked) text. It finds the artifact's *choice
points*: places where two equivalent forms exist (`x != y` / `not x == y`, two header orders, two
synonyms). The engine (`forewarn.marks.engine`) decides which code position each choice point
carries and hands the channel one bit per choice point; the channel writes the marked copy.
Reading back, the channel gets the original and a suspect text and returns, per choice point, the
bit it sees or `None` (erased: the place is gone or ambiguous). A channel never guesses: an
unrelated suspect yields only `None`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from forewarn.domain.wire import HttpRequest


@dataclass(frozen=True, slots=True)
class Capture:
    """Captured traffic as the hunt read it: what a tool sent, never its code or text."""

    text: str
    """The capture as text (web-log lines, raw HTTP), for channels that read text forms."""
    requests: tuple[HttpRequest, ...] = ()
    """The requests read from it, each saying which features its form shows."""


Routes = frozenset[tuple[str, str]]
"""Request routes: `(METHOD, path with digit runs folded)` pairs (`wire.facts.skeleton`)."""


class Channel(Protocol):
    """A way of carrying code symbols inside one kind of material."""

    name: str
    """Stable name used in observations (`python_source`, `payload`, `text`, `tokens`)."""
    capture_text: bool
    """Whether `extract_capture` reads the capture's text, not only its requests: a hunt that
    no channel needs it of ships a web log's requests without its text."""

    def reads_capture(self, suspect: str) -> bool:
        """Whether `suspect` is captured traffic (a web log, raw HTTP) that this channel reads.

        On such a suspect the engine runs only the channels that read it: traffic shows what a
        tool sent, never an artifact's text or code, so other channels would read noise.
        """
        ...

    def extract_capture(self, original: str, capture: Capture) -> list[int | None]:
        """Per choice point, the bit captured traffic shows; all `None` for channels whose
        marks never go on the wire."""
        ...

    def routes(self, original: str) -> Routes | None:
        """The `(METHOD, path skeleton)` routes whose requests `extract_capture` reads (empty:
        it reads no request), or `None` when any request may carry a mark. A hunt keeps only
        requests on routes, so a day's web log is read to its end."""
        ...

    def capacity(self, original: str) -> int:
        """How many binary choice points `original` offers to this channel."""
        ...

    def embed(self, original: str, bits: Sequence[int], *, check: bool = True) -> str:
        """Return `original` with choice point `k` set to `bits[k]`; `len(bits) == capacity`.

        `check=False` skips the channel's own read-back of the copy: the engine passes it when
        it reads every channel back from the finished copy itself (`Marker.mark`).
        """
        ...

    def extract(self, original: str, suspect: str) -> list[int | None]:
        """Per choice point of `original`, the bit `suspect` shows, or `None` when erased."""
        ...


@runtime_checkable
class ShownInTraffic(Protocol):
    """A channel some of whose choice points never show in traffic (the wire channel's
    behaviour constants: timeouts, retry counts), so a capture reads fewer than it carries."""

    def traffic_capacity(self, original: str) -> int:
        """How many of the choice points of `original` a full capture of its traffic shows."""
        ...


@runtime_checkable
class Planned(Protocol):
    """A channel whose plan of an original costs seconds and is the same in every process: one
    process plans, the others of the same run adopt its plan (a marking pool's workers)."""

    def plan_of(self, original: str) -> object:
        """The channel's plan of `original`, picklable, to hand to `adopt` in another process."""
        ...

    def adopt(self, original: str, plan: object) -> None:
        """Use `plan` (from `plan_of` of the same channel in the same run) for `original`."""
        ...


@runtime_checkable
class HandsOver(Protocol):
    """A channel whose copies the next channel of a PoC marks as derivations of the original
    (`payload.derived`): the next one then plans on the original's tree, its choice points
    keeping their identity wherever this channel moved them, instead of planning anew on the
    copy, where they count in the copy's order."""

    def hands_over(self, original: str) -> bool:
        """Whether every copy this channel writes of `original` is handed over so."""
        ...
