"""Similarity of suspect material to shared artifacts, robust to disguise."""

from forewarn.grammars import LANGUAGES
from forewarn.hunt.similarity.features import FeatureClass, Fingerprint, fingerprint
from forewarn.hunt.similarity.index import (
    DEFAULT_MIN_SCORE,
    DEFAULT_WEIGHTS,
    MATCH_THRESHOLD,
    SimilarityIndex,
)

__all__ = [
    "DEFAULT_MIN_SCORE",
    "DEFAULT_WEIGHTS",
    "LANGUAGES",
    "MATCH_THRESHOLD",
    "FeatureClass",
    "Fingerprint",
    "SimilarityIndex",
    "fingerprint",
]
