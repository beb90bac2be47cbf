"""Multi-pattern literal matchers for the canary scan."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from forewarn.domain.evidence import TokenHit
from forewarn.hunt.matchers.interface import (
    DEFAULT_MAX_HITS,
    Hit,
    Matcher,
    ScanResult,
)
from forewarn.hunt.matchers.literal import LiteralMatcher

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_HITS",
    "Hit",
    "LiteralMatcher",
    "Matcher",
    "ScanResult",
    "build_matcher",
]


def build_matcher(patterns: Mapping[bytes, TokenHit], *, prefer: str = "hyperscan") -> Matcher:
    """The fastest matcher available: Hyperscan, else the pure-Python one (logged)."""
    if prefer == "hyperscan":
        try:
            from forewarn.hunt.matchers.hyperscan import HyperscanMatcher
        except ImportError:
            logger.warning("hyperscan cannot be imported; canary scan falls back to Python")
        else:
            return HyperscanMatcher(patterns)
    return LiteralMatcher(patterns)
