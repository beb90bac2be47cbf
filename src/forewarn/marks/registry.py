"""Which channels carry symbols in which kind of artifact, in the order they are applied.

Channels are applied one after the other on a partner's copy and each reads back from the
unmarked original, so a later channel must find the same choice points in an earlier channel's
output as in the original (the engine checks this and refuses otherwise). For a PoC the payload
channel goes first (it changes values only), then the Python source channel (structure); canary
tokens are planted last by the engine itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forewarn.domain import ArtifactKind
from forewarn.marks.channels.interface import Channel


class ChannelRegistry:
    """An immutable map from artifact kind to the channels applied to it, in order."""

    def __init__(self, by_kind: Mapping[ArtifactKind, Sequence[Channel]]) -> None:
        self._by_kind = {kind: tuple(channels) for kind, channels in by_kind.items()}
        for channels in self._by_kind.values():
            names = [c.name for c in channels]
            if len(set(names)) != len(names) or "tokens" in names:
                raise ValueError(f"channel names must be unique and not `tokens`: {names}")

    def for_kind(self, kind: ArtifactKind) -> tuple[Channel, ...]:
        """The channels for `kind`, in the order they are applied; empty if none."""
        return self._by_kind.get(kind, ())

    def all(self) -> tuple[Channel, ...]:
        """Every registered channel once, in the order first registered."""
        seen: dict[str, Channel] = {}
        for channels in self._by_kind.values():
            for channel in channels:
                seen.setdefault(channel.name, channel)
        return tuple(seen.values())

    def names(self) -> tuple[str, ...]:
        """Every registered channel name, sorted."""
        return tuple(sorted({c.name for cs in self._by_kind.values() for c in cs}))
