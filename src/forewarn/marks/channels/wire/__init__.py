"""The wire channel: marks read from what a PoC sends, in code or in captured traffic."""

from forewarn.marks.channels.wire.channel import WireChannel

__all__ = ["WireChannel"]
