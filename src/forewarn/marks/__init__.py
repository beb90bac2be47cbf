"""forewarn.marks: fingerprint codes, marks in every channel, and accusation.

Pure: no database, no clock, no network. The entry point is `Marker` (see `engine`).
"""

from forewarn.marks.accusation import Accusation
from forewarn.marks.code import CodeLengths, code_length
from forewarn.marks.engine import CodeSpec, MarkedCopy, Marker
from forewarn.marks.registry import ChannelRegistry
from forewarn.marks.schemes import CURRENT_SCHEME, default_registry, new_params

__all__ = [
    "CURRENT_SCHEME",
    "Accusation",
    "ChannelRegistry",
    "CodeLengths",
    "CodeSpec",
    "MarkedCopy",
    "Marker",
    "code_length",
    "default_registry",
    "new_params",
]
