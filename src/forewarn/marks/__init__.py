"""forewarn.marks: fingerprint codes, marks in every channel, and accusation.

Pure: no database, no clock, no network. The entry point is `Marker` (see `engine`).
"""

from forewarn.marks.accusation import Accusation
from forewarn.marks.code import CodeLengths, code_length
from forewarn.marks.engine import CodeSpec, MarkedCopy, Marker
from forewarn.marks.registry import ChannelRegistry, default_registry

__all__ = [
    "Accusation",
    "ChannelRegistry",
    "CodeLengths",
    "CodeSpec",
    "MarkedCopy",
    "Marker",
    "code_length",
    "default_registry",
]
