"""The literals channel: wire values in the string literals of PoCs not written in Python."""

from forewarn.marks.channels.literals.channel import LiteralChannel

__all__ = ["LiteralChannel"]
