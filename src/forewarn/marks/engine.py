"""The fingerprinting engine: the small surface the rest of forewarn calls.

```python
spec = CodeSpec(n_partners=80)                       # c = 3, ε = 1e-3 by default
marker = Marker(secret, "CASE-2021-0001", spec)
copy = marker.mark("poc.py", ArtifactKind.POC, original, "Acme AV")   # MarkedCopy
obs = marker.extract("poc.py", ArtifactKind.POC, original, suspect)   # Observations
hits = marker.find_tokens(suspect, ["poc.py"], recipients)            # TokenHits
verdict = marker.accuse(obs, recipients, token_hits=hits)             # Accusation
verdict.accused, verdict.leads      # fingerprint accusations; partners only tokens point to
```

Everything derives from `(secret, case_id)`: codewords, the layout of code positions over the
choice points of every artifact and channel, and the tokens (self-identifying from scheme 4 on:
`marks.tokens`). Nothing needs storing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from forewarn.domain import ArtifactKind, Observation, TokenHit
from forewarn.domain.marking import MarkingParams
from forewarn.domain.wire import HttpRequest
from forewarn.errors import MarkError
from forewarn.marks import code, layout
from forewarn.marks import tokens as token_marks
from forewarn.marks.accusation import Accusation, accuse
from forewarn.marks.channels.interface import Capture, Channel, Planned, Routes, ShownInTraffic
from forewarn.marks.registry import ChannelRegistry
from forewarn.marks.schemes import CURRENT_SCHEME, default_registry, registry_of
from forewarn.marks.threshold import DEFAULT_DRAWS

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CodeSpec:
    """What the code of a case must withstand; its length follows."""

    n_partners: int
    """Partners who may receive the case (the union bound of ε runs over them)."""
    max_colluders: int = 3
    """Largest coalition merging copies that the code is sized against."""
    epsilon: float = 1e-3
    """Chance that any innocent partner is accused in one investigation."""
    lengths: code.CodeLengths = field(init=False, repr=False, compare=False)
    """Code lengths from the literature for these parameters."""

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "lengths", code.code_length(self.n_partners, self.max_colluders, self.epsilon)
        )

    @property
    def length(self) -> int:
        """Code length `m` (Škorić symmetric, provable); see docs/fingerprinting.md."""
        return self.lengths.used

    @property
    def cutoff(self) -> float:
        """Bias cutoff `t` of the code."""
        return code.cutoff(self.max_colluders)


@dataclass(frozen=True, slots=True)
class MarkedCopy:
    """One partner's copy of one artifact."""

    content: bytes
    """The marked bytes to ship."""
    tokens: tuple[str, ...]
    """Tokens planted in it, as the hunt's scanner finds them."""


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MarkError(f"{what} is not UTF-8 text", hint="only text artifacts are marked") from exc


class Marker:
    """Marks, reads and accuses for one case under one program secret."""

    def __init__(
        self,
        secret: bytes,
        case_id: str,
        spec: CodeSpec,
        channels: ChannelRegistry | None = None,
        *,
        scheme: int = CURRENT_SCHEME,
        domains: tuple[str, ...] = (),
        draws: int = DEFAULT_DRAWS,
    ) -> None:
        self._secret = secret
        self.case_id = case_id
        self.spec = spec
        self.channels = channels if channels is not None else default_registry()
        self.scheme = scheme
        """Marking scheme: which token format its copies carry (`token_marks.self_identifying`)."""
        self.domains = domains
        """Domains its host tokens are under (none: no host tokens)."""
        self._draws = draws
        self._codewords: dict[str, npt.NDArray[np.uint8]] = {}

    @classmethod
    def for_case(cls, secret: bytes, case_id: str, params: MarkingParams) -> Marker:
        """The marker of a case exactly as its copies are (or were) marked: the one factory
        every release, trace and investigation goes through."""
        spec = CodeSpec(params.n_partners, params.max_colluders, params.epsilon)
        registry = registry_of(case_id, params)
        return cls(secret, case_id, spec, registry, scheme=params.scheme, domains=params.domains)

    @cached_property
    def bias(self) -> npt.NDArray[np.float64]:
        """The case's per-position biases `p_i`."""
        return code.bias_vector(self._secret, self.case_id, self.spec.length, self.spec.cutoff)

    def codeword(self, partner: str) -> npt.NDArray[np.uint8]:
        """`partner`'s codeword for this case (length `spec.length`, bits 0/1)."""
        if partner not in self._codewords:
            word = code.codeword(self._secret, self.case_id, partner, self.bias)
            word.setflags(write=False)
            self._codewords[partner] = word
        return self._codewords[partner]

    def capacity(self, artifact: str, kind: ArtifactKind, original: bytes) -> dict[str, int]:
        """Choice points per channel that `original` offers."""
        text = _text(original, artifact)
        return {ch.name: ch.capacity(text) for ch in self.channels.for_kind(kind)}

    def traffic_capacity(
        self, artifact: str, kind: ArtifactKind, original: bytes
    ) -> dict[str, int]:
        """Choice points per channel that a full capture of `original`'s traffic shows (for
        channels that are not on the wire at all, their capacity: `SURVIVES` drops them)."""
        text = _text(original, artifact)
        return {
            ch.name: ch.traffic_capacity(text)
            if isinstance(ch, ShownInTraffic)
            else ch.capacity(text)
            for ch in self.channels.for_kind(kind)
        }

    def _positions(self, artifact: str, channel: Channel, count: int) -> npt.NDArray[np.int64]:
        return layout.positions(
            self._secret, self.case_id, artifact, channel.name, count, self.spec.length
        )

    def tokens(
        self, artifact: str, kind: ArtifactKind, original: bytes, partner: str
    ) -> tuple[str, ...]:
        """The tokens `mark` plants in `partner`'s copy (without marking it)."""
        return self._plant(_text(original, artifact), kind, artifact, partner)[1]

    def _plant(
        self, content: str, kind: ArtifactKind, artifact: str, partner: str
    ) -> tuple[str, tuple[str, ...]]:
        return token_marks.plant(
            content,
            kind,
            secret=self._secret,
            case_id=self.case_id,
            artifact=artifact,
            partner=partner,
            scheme=self.scheme,
            domains=self.domains,
        )

    def plans(self, artifact: str, kind: ArtifactKind, original: bytes) -> dict[str, object]:
        """The costly plans `original` needs under its kind's channels (channel name → plan),
        for other processes marking this case in the same run to `adopt_plans` instead of
        planning again (the wire channel evaluates some 200 copies: seconds a process)."""
        source = _text(original, artifact)
        return {
            ch.name: ch.plan_of(source)
            for ch in self.channels.for_kind(kind)
            if isinstance(ch, Planned)
        }

    def adopt_plans(
        self, artifact: str, kind: ArtifactKind, original: bytes, plans: Mapping[str, object]
    ) -> None:
        """Use `plans` (this case's `plans` of `original`, made in another process)."""
        source = _text(original, artifact)
        for channel in self.channels.for_kind(kind):
            if channel.name in plans and isinstance(channel, Planned):
                channel.adopt(source, plans[channel.name])

    def mark(self, artifact: str, kind: ArtifactKind, original: bytes, partner: str) -> MarkedCopy:
        """`partner`'s copy of `artifact`: every channel's symbols, then its tokens."""
        source = _text(original, artifact)
        word = self.codeword(partner)
        content = source
        written: list[tuple[Channel, list[int]]] = []
        channels = self.channels.for_kind(kind)
        # With several channels every one is read back below from the finished copy, which
        # covers each channel's own read-back of its intermediate copy: that one is skipped.
        alone = len(channels) == 1
        for channel in channels:
            count = channel.capacity(source)
            if channel.capacity(content) != count:
                raise MarkError(
                    f"channel {channel.name} finds other choice points after earlier channels",
                    hint="channels of one kind must not change each other's choice points",
                )
            bits = [int(b) for b in word[self._positions(artifact, channel, count)]]
            content = channel.embed(content, bits, check=alone)
            written.append((channel, bits))
        for channel, bits in written:
            # Read back against the true original: a channel plans on its input, and an earlier
            # channel's edits must not have moved its choice points, nor a later one its bits.
            if len(written) > 1 and channel.extract(source, content) != bits:
                raise MarkError(
                    f"the {channel.name} marks of {artifact} do not read back from the copy",
                    hint="channels of one kind must not change each other's choice points",
                )
        content, placed = self._plant(content, kind, artifact, partner)
        return MarkedCopy(content=content.encode("utf-8"), tokens=placed)

    def capture_routes(self, artifact: str, kind: ArtifactKind, original: bytes) -> Routes | None:
        """The routes whose requests its channels read in a capture of the artifact's traffic
        (`None`: any request may carry a mark), for a hunt to keep only those."""
        source = _text(original, artifact)
        routes: set[tuple[str, str]] = set()
        for channel in self.channels.for_kind(kind):
            found = channel.routes(source)
            if found is None:
                return None
            routes |= found
        return frozenset(routes)

    def reads_capture_text(self) -> bool:
        """Whether some channel reads a capture's text rather than its requests (scheme 1's
        payload channel): a hunt ships each web log's text to the client only then."""
        return any(channel.capture_text for channel in self.channels.all())

    def extremes(self, artifact: str, kind: ArtifactKind, original: bytes) -> tuple[bytes, bytes]:
        """The copies with every choice point of every channel at 0, and at 1 (no tokens).

        What both show, and the original too, every partner's copy shows: detection rules
        written from a PoC use only that, so that they match each partner's copy alike.
        """
        source = _text(original, artifact)
        out = []
        for bit in (0, 1):
            content = source
            for channel in self.channels.for_kind(kind):
                content = channel.embed(content, [bit] * channel.capacity(content))
            out.append(content.encode("utf-8"))
        return out[0], out[1]

    def extract(
        self,
        artifact: str,
        kind: ArtifactKind,
        original: bytes,
        suspect: bytes,
        requests: Sequence[HttpRequest] | None = None,
    ) -> tuple[Observation, ...]:
        """Symbols `suspect` shows at the choice points of `artifact`; erased ones are left out.

        `requests` are what the hunt read from a capture (pcap, HAR, logs, raw HTTP): then the
        suspect is traffic, which shows a tool's requests and never an artifact's text or code.
        A text some channel recognises as traffic (web-log lines) is read the same way.
        """
        source = _text(original, artifact)
        seen = suspect.decode("utf-8", errors="replace")
        found: list[Observation] = []
        capture = None if requests is None else Capture(seen, tuple(requests))
        if capture is None and any(ch.reads_capture(seen) for ch in self.channels.all()):
            capture = Capture(seen)
        for channel in self.channels.for_kind(kind):
            try:
                if capture is None:
                    bits = channel.extract(source, seen)
                else:
                    bits = channel.extract_capture(source, capture)
            except MarkError as exc:
                logger.debug("channel %s read nothing: %s", channel.name, exc.message)
                continue
            if len(bits) != channel.capacity(source):
                raise MarkError(f"channel {channel.name} read back a different number of points")
            where = self._positions(artifact, channel, len(bits))
            for k, bit in enumerate(bits):
                if bit is None:
                    continue
                if bit not in (0, 1):
                    raise MarkError(f"channel {channel.name} returned symbol {bit!r}")
                found.append(Observation(channel.name, artifact, int(where[k]), bit))
        return tuple(found)

    def register_tokens(
        self, verifier: token_marks.TokenVerifier, recipients: Mapping[str, Iterable[str]]
    ) -> None:
        """Make the tokens of these copies (`recipients`: artifact → partners) verify in
        `verifier` (the hunt's, shared by every case of the program)."""
        token_marks.register(
            verifier,
            secret=self._secret,
            case_id=self.case_id,
            scheme=self.scheme,
            recipients=recipients,
            domains=self.domains,
        )

    def token_verifier(self) -> token_marks.TokenVerifier:
        """An empty verifier under this program's token key (`register_tokens` fills it)."""
        return token_marks.verifier(self._secret, self.domains)

    def find_tokens(
        self, suspect: bytes, artifacts: Iterable[str], partners: Iterable[str]
    ) -> tuple[TokenHit, ...]:
        """Tokens of these artifacts' copies given to these partners that `suspect` contains,
        each verified by recomputation."""
        verifier = self.token_verifier()
        who = tuple(partners)
        self.register_tokens(verifier, dict.fromkeys(artifacts, who))
        return verifier.find(suspect.decode("utf-8", errors="replace"))

    def accuse(
        self,
        observations: Sequence[Observation],
        partners: Sequence[str],
        token_hits: Sequence[TokenHit] = (),
        *,
        comparisons: int = 1,
    ) -> Accusation:
        """Score every recipient; accuse at the thresholds that bound false accusation by ε.

        `comparisons` is how many (material, artifact) accusations the same investigation makes:
        each is decided at ε / comparisons, so the chance that any innocent is accused in the
        whole run stays ε (union bound). Token hits alone make a partner a lead, never accused.
        """
        if comparisons < 1:
            raise MarkError("an accusation counts at least its own comparison")
        if len(set(partners)) != len(partners):
            raise MarkError("a partner is listed twice among the recipients")
        words = np.stack([self.codeword(p) for p in partners]) if partners else np.zeros((0, 0))
        return accuse(
            observations,
            partners,
            words.astype(np.uint8),
            self.bias,
            epsilon=self.spec.epsilon,
            token_hits=token_hits,
            draws=self._draws,
            comparisons=comparisons,
        )

    def trace(
        self,
        artifact: str,
        kind: ArtifactKind,
        original: bytes,
        suspect: bytes,
        partners: Sequence[str],
        *,
        requests: Sequence[HttpRequest] | None = None,
        comparisons: int = 1,
    ) -> Accusation:
        """`extract`, `find_tokens` and `accuse` in one call for one artifact."""
        observations = self.extract(artifact, kind, original, suspect, requests)
        hits = self.find_tokens(suspect, [artifact], partners)
        return self.accuse(observations, partners, hits, comparisons=comparisons)
