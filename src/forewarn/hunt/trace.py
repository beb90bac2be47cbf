"""The pure orchestration `forewarn trace` calls: one result record per input item.

For each item: a token scan over its bytes (streamed, constant memory: candidates by shape,
each verified by the injected check), a similarity query for code and text, then the injected
`Accuser` (the fingerprinting engine) on each artifact the item derives from or carries tokens
of. Nothing found is empty lists, not an error.

Marks are read as each item arrives, and only the accusation waits for the run's end (it is
decided at ε over every comparison of the run): an item's text and requests are dropped once
read, so a corpus of logs never has to fit in the client's memory. The accuser gets the tokens
the scan verified with the item, so the client never scans an item again; a web log whose marks
are read from its requests alone crosses to the client without its text.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from forewarn.domain.evidence import ArtifactMatch, Suspect, TokenHit
from forewarn.domain.wire import HttpRequest
from forewarn.errors import Error
from forewarn.hunt.limits import Limits
from forewarn.hunt.matchers.interface import Hit, Matcher
from forewarn.hunt.readers import Item, ItemKind, read_paths
from forewarn.hunt.similarity import MATCH_THRESHOLD, SimilarityIndex
from forewarn.hunt.wire import RequestFilter, RouteKeyed, read_requests
from forewarn.hunt.wire.named_routes import SCAN_CHARS, names_a_route

logger = logging.getLogger(__name__)

Decision = Callable[[int], Sequence[Suspect]]
"""An accusation whose marks are read: `comparisons -> suspects`, decided once the run knows
how many accusations it makes (the union bound)."""

MAX_SUSPECT_TEXT = 16 * 1024**2
"""Bytes of an item handed to the accuser."""


@dataclass(frozen=True, slots=True)
class Material:
    """What the accuser reads in one item."""

    text: str | None
    """The item's first `MAX_SUSPECT_TEXT` bytes as text; `None` for a capture whose marks are
    read from its requests alone (`Hunt.capture_text`)."""
    requests: tuple[HttpRequest, ...] | None = None
    """The requests read from a capture (`None` for anything else)."""
    tokens: tuple[TokenHit, ...] = ()
    """Every token the scan found in the whole item and verified, of any case and artifact: the
    accuser keeps those of the artifact's recipients. A token is a lead, never an accusation."""


Accuser = Callable[[str, str, str, Material], Decision]
"""`(case, artifact, original_text, material) -> decision`: extraction now, accusation later,
kept outside `hunt` (the CLI passes the fingerprinting engine's). Runs on the client only; an
`Error` from either step becomes a note on the item."""
_SIMILAR_KINDS = frozenset({ItemKind.PYTHON, ItemKind.SOURCE, ItemKind.TEXT})
_TRAFFIC_KINDS = frozenset({ItemKind.WEBLOG, ItemKind.CAPTURE})
_CODE_KINDS = frozenset({ItemKind.PYTHON, ItemKind.SOURCE})
"""Code in any language a grammar reads: the wire marks of every PoC are read in it."""
NAMED_ROUTE = "text naming a route of its requests"
"""Why a text is read for a PoC's wire marks (`named_routes`); kept in the result only when
some symbol was read: a write-up or guidance that quotes the path says nothing of the PoC."""


@dataclass(frozen=True, slots=True)
class MarksRead:
    """An artifact whose marks were read in an item, and why."""

    case: str
    """The artifact's case."""
    artifact: str
    """The artifact."""
    why: str
    """`similarity 0.83`, `token found`, `captured traffic`, `code that may send its requests`."""


@dataclass(frozen=True, slots=True)
class TraceResult:
    """Everything found in one input item; `forewarn trace --json` prints it through
    `forewarn.encoding` (docs/json.md)."""

    path: str
    """Display path (`samples.zip!tools/x.py` for archive members)."""
    kind: str
    """`python`, `source`, `text`, `weblog` or `binary`."""
    language: str | None = None
    """Programming language, for code."""
    archive: str | None = None
    """Top-level archive, for archive members."""
    matches: tuple[ArtifactMatch, ...] = ()
    """Shared artifacts it resembles, best first."""
    tokens: tuple[TokenHit, ...] = ()
    """Tokens found (each verified; a lead, never proof)."""
    suspects: tuple[Suspect, ...] = ()
    """Partners the marks point to."""
    read: tuple[MarksRead, ...] = ()
    """Whose marks were read in it and why (every comparison counts in the bound)."""
    error: str | None = None
    """Why the item was refused or only partly examined."""
    notes: tuple[str, ...] = field(default=())
    """Non-fatal remarks (hits beyond the kept maximum, an accuser failure)."""


@dataclass(frozen=True, slots=True)
class Examined:
    """What a worker found in one item; the client then reads marks and accuses (`conclude`)."""

    result: TraceResult
    """Everything but the suspects; `result.read` lists the artifacts to read marks of."""
    text: str | None = None
    """The item's text, when there are targets to read marks against and the accuser reads it
    (not a capture's when no channel reads captures as text: `Hunt.capture_text`)."""
    requests: tuple[HttpRequest, ...] | None = None
    """The requests a capture or web log shows, read here (`None` for other items)."""

    def __reduce__(self) -> tuple[object, ...]:
        """Requests cross to the client as plain tuples: a frozen dataclass pickles and
        unpickles field by field in Python, which cost more than reading the log."""
        rows = None if self.requests is None else tuple(map(_REQUEST_ROW, self.requests))
        return (_examined, (self.result, self.text, rows))


_REQUEST_ROW = operator.attrgetter(*(f.name for f in dataclasses.fields(HttpRequest)))


def _examined(
    result: TraceResult, text: str | None, rows: tuple[tuple[object, ...], ...] | None
) -> Examined:
    requests = None if rows is None else tuple(itertools.starmap(HttpRequest, rows))
    return Examined(result, text, requests)


@dataclass(frozen=True, slots=True)
class Pending:
    """An examined item whose marks are read, waiting for its accusations: what `decide`
    needs, without the item's text or requests."""

    result: TraceResult
    """The item's result so far (notes of extraction failures included)."""
    decisions: tuple[tuple[str, str, Decision], ...] = ()
    """Per artifact read, `(case, artifact, decision)`."""
    accusing: bool = False
    """Whether marks were read at all (an accuser, an index and the item's text)."""


@dataclass(frozen=True, slots=True)
class Hunt:
    """What one hunt looks for; built once, shipped to every worker."""

    scanner: Matcher | None = None
    """Token matcher (shapes and their check), or `None` to skip the scan."""
    index: SimilarityIndex | None = None
    """Similarity index of shared artifacts, or `None` to skip similarity."""
    accuse: Accuser | None = None
    """Extraction and accusation, or `None` to stop at matches and tokens."""
    limits: Limits = field(default_factory=Limits)
    """Safety limits for reading."""
    threshold: float = MATCH_THRESHOLD
    """Similarity from which the item is treated as derived and handed to `accuse`."""
    wire_artifacts: tuple[tuple[str, str], ...] = ()
    """`(case, artifact)` pairs whose wire marks are read in all traffic and all code: a capture
    shows a tool's requests, never its code, and a rewrite keeps the requests while similarity
    fades, so similarity cannot be what decides whether they are read."""
    keep_request: RequestFilter | None = None
    """Which requests of a capture are kept for reading marks (those on the PoCs' routes), or
    `None` for all; the request limit counts only kept ones."""
    capture_text: bool = True
    """Whether the accuser reads a capture's text as well as its requests (scheme 1's payload
    channel reads web-log lines): when not, a web log's result carries no text, which was most
    of what crossed from a worker to the client."""

    def trace_paths(self, paths: Sequence[str | Path]) -> Iterator[TraceResult]:
        """Every item under the paths (files, directories, archives), traced: all are read
        first, so that each accusation knows how many the run makes (the union bound)."""
        yield from self.conclude_all(map(self.examine_item, read_paths(paths, self.limits)))

    def trace_path(self, path: str) -> list[TraceResult]:
        """One path's results as a list (the engines' unit of work)."""
        return list(self.trace_paths([path]))

    def trace_item(self, item: Item) -> TraceResult:
        """Scan, compare and accuse one item (a run of its own)."""
        return next(self.conclude_all([self.examine_item(item)]))

    def conclude_all(self, examined: Iterable[Examined]) -> Iterator[TraceResult]:
        """Accuse for every examined item of one run, each at ε over the run's comparisons.

        Marks are read as the items come (each item's text and requests are then dropped);
        accusations are decided once all are read and the comparisons counted."""
        pending = [self.read_marks(item) for item in examined]
        comparisons = max(1, sum(len(p.result.read) for p in pending))
        pending.reverse()
        while pending:  # each decided item is let go
            yield self.decide(pending.pop(), comparisons=comparisons)

    def for_workers(self) -> Hunt:
        """This hunt without what only the client may hold: the fingerprinting engine (keyed
        with the program secret) and the embargoed originals. Workers scan and compare; the
        client reads marks and accuses (`conclude`)."""
        index = self.index.without_texts() if self.index is not None else None
        return dataclasses.replace(self, accuse=None, index=index)

    def examine_path(self, path: str) -> list[Examined]:
        """One path's items scanned and compared, not yet accused (the engines' unit of work)."""
        return [self.examine_item(item) for item in read_paths([path], self.limits)]

    def examine_item(self, item: Item) -> Examined:
        """Scan and compare one item, and say which artifacts' marks to read in it."""
        base = TraceResult(item.path, str(item.kind), item.language, item.archive)
        if item.error is not None:
            return Examined(dataclasses.replace(base, error=item.error))
        notes: list[str] = []
        tokens = self._scan(item, notes)
        matches = self._similar(item)
        read = self._targets(item, matches, tokens)
        # Requests are read only for marks to read in them: a scan alone never parses traffic.
        requests = self._requests(item, notes) if read else None
        result = dataclasses.replace(
            base, matches=matches, tokens=tokens, read=read, notes=tuple(notes)
        )
        wanted = read and (requests is None or self.capture_text)
        text = item.text(MAX_SUSPECT_TEXT) if wanted else None
        return Examined(result, text, requests)

    def _targets(
        self, item: Item, matches: Sequence[ArtifactMatch], tokens: Sequence[TokenHit]
    ) -> tuple[MarksRead, ...]:
        why: dict[tuple[str, str], str] = {}
        for m in matches:
            if m.similarity >= self.threshold:
                why.setdefault((m.case, m.artifact), f"similarity {m.similarity:.2f}")
        for t in tokens:
            why.setdefault((t.case, t.artifact), "token found")
        if item.kind in _TRAFFIC_KINDS:
            for target in self.wire_artifacts:
                why.setdefault(target, "captured traffic shows its requests")
        elif item.kind in _CODE_KINDS:
            # a rewrite into another language keeps the requests too (Node, curl, PowerShell)
            for target in self.wire_artifacts:
                why.setdefault(target, "code that may send its requests")
        elif item.kind is ItemKind.TEXT and self.wire_artifacts and self._names_a_route(item):
            # code in a language no table names reads as prose, and still sends the requests
            for target in self.wire_artifacts:
                why.setdefault(target, NAMED_ROUTE)
        return tuple(MarksRead(case, artifact, reason) for (case, artifact), reason in why.items())

    def _names_a_route(self, item: Item) -> bool:
        keep = self.keep_request
        return isinstance(keep, RouteKeyed) and names_a_route(item.text(SCAN_CHARS), keep)

    def _requests(self, item: Item, notes: list[str]) -> tuple[HttpRequest, ...] | None:
        if item.kind not in _TRAFFIC_KINDS:
            return None
        head = item.head(self.limits.max_capture_bytes)
        reading = read_requests(head, item.path, keep=self.keep_request)
        notes.extend(str(note) for note in reading.notes)
        return tuple(reading.requests)

    def conclude(self, examined: Examined, *, comparisons: int = 1) -> TraceResult:
        """Read marks and accuse for one examined item (needs the accuser and the originals);
        `comparisons` counts every accusation of the run, this item's included."""
        return self.decide(self.read_marks(examined), comparisons=comparisons)

    def read_marks(self, examined: Examined) -> Pending:
        """Read the marks of every artifact the item is read against (the costly step, on the
        client); what remains to decide holds no text and no requests."""
        nothing = examined.text is None and examined.requests is None  # no target to read
        if self.accuse is None or self.index is None or nothing:
            return Pending(examined.result)
        material = Material(examined.text, examined.requests, examined.result.tokens)
        notes = list(examined.result.notes)
        decisions: list[tuple[str, str, Decision]] = []
        for target in examined.result.read:
            case, artifact = target.case, target.artifact
            original = self.index.artifact_text(case, artifact)
            if original is None:
                continue
            try:
                decision = self.accuse(case, artifact, original, material)
            except Error as exc:
                notes.append(f"{case}/{artifact}: {exc.diagnostics()}")
                continue
            decisions.append((case, artifact, decision))
        result = dataclasses.replace(examined.result, notes=tuple(notes))
        return Pending(result, tuple(decisions), accusing=True)

    def decide(self, pending: Pending, *, comparisons: int = 1) -> TraceResult:
        """The item's accusations at ε over `comparisons` (at least its own), best first."""
        if not pending.accusing:
            return pending.result
        notes = list(pending.result.notes)
        comparisons = max(comparisons, len(pending.result.read))
        best: dict[str, Suspect] = {}
        named = {(r.case, r.artifact) for r in pending.result.read if r.why == NAMED_ROUTE}
        silent: set[tuple[str, str]] = set()
        for case, artifact, decision in pending.decisions:
            try:
                found = decision(comparisons)
            except Error as exc:
                notes.append(f"{case}/{artifact}: {exc.diagnostics()}")
                continue
            if (case, artifact) in named and not any(
                e.symbols_read for s in found for e in s.evidence
            ):
                silent.add((case, artifact))  # it only quoted the path: no word of the PoC
                continue
            for suspect in found:
                if suspect.partner not in best or _rank(suspect) < _rank(best[suspect.partner]):
                    best[suspect.partner] = suspect
        ranked = sorted(best.values(), key=lambda s: (*_rank(s), s.partner))
        read = tuple(r for r in pending.result.read if (r.case, r.artifact) not in silent)
        return dataclasses.replace(
            pending.result, suspects=tuple(ranked), notes=tuple(notes), read=read
        )

    def _scan(self, item: Item, notes: list[str]) -> tuple[TokenHit, ...]:
        if self.scanner is None:
            return ()
        result = self.scanner.scan(item.chunks(self.limits.chunk_bytes))
        if result.truncated:
            notes.append(f"{result.total_hits} token hits, first {len(result.hits)} kept")
        return _group_hits(result.hits)

    def _similar(self, item: Item) -> tuple[ArtifactMatch, ...]:
        if self.index is None or item.kind not in _SIMILAR_KINDS:
            return ()
        found = self.index.query(item.text(MAX_SUSPECT_TEXT), item.language)
        return tuple(found)


def _rank(suspect: Suspect) -> tuple[bool, float, float]:
    """Accused first, then the combined decoders' score, then the symmetric one."""
    return (not suspect.accused, -suspect.combined_score, -suspect.score)


def _group_hits(hits: Sequence[Hit]) -> tuple[TokenHit, ...]:
    """One record per token found: the check's record, where first and how often."""
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    owners: dict[str, TokenHit] = {}
    for hit in hits:
        token = hit.owner.token
        counts[token] = counts.get(token, 0) + 1
        if token not in first:
            first[token] = hit.start
            owners[token] = hit.owner
    return tuple(dataclasses.replace(owners[t], offset=first[t], count=counts[t]) for t in first)
