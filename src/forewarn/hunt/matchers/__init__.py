"""Shape matchers for the token scan: candidates by format, each verified by the injected check."""

from __future__ import annotations

import logging

from forewarn.hunt.matchers.interface import (
    DEFAULT_MAX_HITS,
    Hit,
    Matcher,
    ScanResult,
    Shapes,
)
from forewarn.hunt.matchers.python import PythonMatcher

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_HITS",
    "Hit",
    "Matcher",
    "PythonMatcher",
    "ScanResult",
    "Shapes",
    "build_matcher",
]


def build_matcher(shapes: Shapes, *, prefer: str = "hyperscan") -> Matcher:
    """The fastest matcher available: Hyperscan, else the pure-Python one (logged)."""
    if prefer == "hyperscan":
        try:
            from forewarn.hunt.matchers.hyperscan import HyperscanMatcher
        except ImportError:
            logger.warning("hyperscan cannot be imported; the token scan falls back to Python")
        else:
            return HyperscanMatcher(shapes)
    return PythonMatcher(shapes)
