"""Hunting: read material from the wild safely, scan it for canaries, compare it to shared
artifacts, and hand what derives from them to the fingerprinting engine.

A pure library: no database, no clock, no network (the Dask engine aside, by request).
"""

from forewarn.hunt.corpus import expand, hunt_corpus
from forewarn.hunt.engines import DaskEngine, Engine, LocalEngine
from forewarn.hunt.limits import Limits
from forewarn.hunt.matchers import Hit, Matcher, ScanResult, build_matcher
from forewarn.hunt.readers import Item, ItemKind, read_bytes, read_file, read_paths
from forewarn.hunt.similarity import SimilarityIndex, fingerprint
from forewarn.hunt.trace import (
    Accuser,
    Decision,
    Examined,
    Hunt,
    Material,
    Pending,
    TraceResult,
)

__all__ = [
    "Accuser",
    "DaskEngine",
    "Decision",
    "Engine",
    "Examined",
    "Hit",
    "Hunt",
    "Item",
    "ItemKind",
    "Limits",
    "LocalEngine",
    "Material",
    "Matcher",
    "Pending",
    "ScanResult",
    "SimilarityIndex",
    "TraceResult",
    "build_matcher",
    "expand",
    "fingerprint",
    "hunt_corpus",
    "read_bytes",
    "read_file",
    "read_paths",
]
