"""An inverted index over every shared artifact's fingerprint, scored with IDF weights.

Features of all artifacts are kept as one sorted numpy array with posting lists, so a query
is a `searchsorted` plus one `bincount`, whatever the number of artifacts (10,000 and more).
Each feature class is scored as weighted containment, then the classes are averaged:

    sim_c = w(Q ∩ A) / max(min(w(Q), w(A)), PARTIAL_FLOOR · w(A))

so a suspect that embeds the artifact in a larger tool, or keeps half of it, still scores high,
while a tiny snippet cannot match a large artifact on a few common features.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forewarn.domain.evidence import ArtifactMatch, Region
from forewarn.errors import HuntError
from forewarn.hunt.similarity.features import (
    FeatureClass,
    Fingerprint,
    U64Array,
    feature_class,
    fingerprint,
)

logger = logging.getLogger(__name__)

DEFAULT_WEIGHTS: Mapping[FeatureClass, float] = {
    FeatureClass.KGRAM: 0.15,
    FeatureClass.SUBTREE: 0.25,
    FeatureClass.STATEMENT: 0.25,
    FeatureClass.FUNCTION: 0.1,
    FeatureClass.LITERAL: 0.25,
}
"""How much each feature class counts in the combined score."""
DEFAULT_MIN_SCORE = 0.15
"""Matches below this score are not reported."""
MATCH_THRESHOLD = 0.25
"""Score from which a suspect is taken as derived from the artifact (its marks are read).
Calibrated on bench/similarity.py (bench/RESULTS.md): every disguised copy at every level scores
above it; independent programs sharing a scaffold reach 0.52 (precision 0.85), which costs a
mark reading, never an accusation."""
PARTIAL_FLOOR = 0.5
"""A suspect holding half of an artifact's features can reach a full score."""
_CLASSES = len(FeatureClass)
_SHIFT = np.uint64(61)


@dataclass(frozen=True, slots=True)
class _Entry:
    artifact_id: str
    case: str
    name: str
    language: str | None
    print_: Fingerprint
    text: str | None


class SimilarityIndex:
    """Fingerprints of every shared artifact; add them all, then query many times."""

    def __init__(self, *, weights: Mapping[FeatureClass, float] = DEFAULT_WEIGHTS) -> None:
        self._weights = np.array([weights.get(c, 0.0) for c in FeatureClass], dtype=np.float64)
        self._entries: list[_Entry] = []
        self._features: list[U64Array] = []
        self._ids: dict[str, int] = {}
        self._frozen: _Frozen | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def add(
        self, artifact_id: str, text: str, *, case: str, name: str, language: str | None
    ) -> None:
        """Index one artifact's original (unmarked) text."""
        self.add_fingerprint(artifact_id, fingerprint(text, language), text, case=case, name=name)

    def add_fingerprint(
        self, artifact_id: str, print_: Fingerprint, text: str, *, case: str, name: str
    ) -> None:
        """Index a fingerprint computed elsewhere (in worker processes, for large indexes)."""
        if artifact_id in self._ids:
            raise HuntError(f"artifact {artifact_id!r} is indexed already")
        self._ids[artifact_id] = len(self._entries)
        self._entries.append(_Entry(artifact_id, case, name, print_.language, print_, text))
        self._features.append(print_.features)
        self._frozen = None

    def without_texts(self) -> SimilarityIndex:
        """A copy that scores and finds regions but holds no artifact's text.

        What is shipped to workers that did not join as trusted: fingerprints are hashed
        features and line spans, not the embargoed originals.
        """
        copy = SimilarityIndex()
        copy._weights = self._weights
        copy._entries = [dataclasses.replace(e, text=None) for e in self._entries]
        copy._features = list(self._features)
        copy._ids = dict(self._ids)
        return copy

    def artifact_text(self, case: str, name: str) -> str | None:
        """The original text of an indexed artifact, by case and name (`None` without texts)."""
        for entry in self._entries:
            if entry.case == case and entry.name == name:
                return entry.text
        return None

    def query(
        self,
        text: str,
        language: str | None,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
        limit: int = 10,
        regions: bool = True,
    ) -> list[ArtifactMatch]:
        """Artifacts the text resembles, best first."""
        return self.query_fingerprint(
            fingerprint(text, language), min_score=min_score, limit=limit, regions=regions
        )

    def query_fingerprint(
        self,
        query: Fingerprint,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
        limit: int = 10,
        regions: bool = True,
    ) -> list[ArtifactMatch]:
        """Same as `query` for a fingerprint computed already."""
        if not self._entries or not len(query.features):
            return []
        scores = self._scores(query)
        candidates = np.flatnonzero(scores >= min_score)
        best = candidates[np.argsort(-scores[candidates], kind="stable")][:limit]
        out = []
        for doc in best.tolist():
            entry = self._entries[doc]
            found = _regions(query, entry) if regions else ()
            out.append(ArtifactMatch(entry.case, entry.name, round(float(scores[doc]), 4), found))
        return out

    def scores(self, query: Fingerprint) -> dict[str, float]:
        """Every artifact's score (the benchmarks' ROC curves need the low ones too)."""
        if not self._entries:
            return {}
        values = self._scores(query)
        return {e.artifact_id: float(values[i]) for i, e in enumerate(self._entries)}

    def _scores(self, query: Fingerprint) -> npt.NDArray[np.float64]:
        frozen = self._freeze()
        n = len(self._entries)
        q = query.features
        pos = np.searchsorted(frozen.keys, q)
        pos[pos >= len(frozen.keys)] = 0
        known = frozen.keys[pos] == q if len(frozen.keys) else np.zeros(len(q), bool)
        q_class = (q >> _SHIFT).astype(np.int64)
        q_weight = np.full(len(q), np.log1p(n) ** 2, dtype=np.float64)
        q_weight[known] = frozen.idf[pos[known]]
        q_total = np.bincount(q_class, weights=q_weight, minlength=_CLASSES)
        kp = pos[known]
        counts = frozen.counts[kp]
        rep = np.repeat(np.arange(len(kp)), counts)
        offsets = np.arange(len(rep)) - np.repeat(np.cumsum(counts) - counts, counts)
        docs = frozen.docs[frozen.starts[kp][rep] + offsets]
        inter = np.bincount(
            docs * _CLASSES + q_class[known][rep],
            weights=q_weight[known][rep],
            minlength=n * _CLASSES,
        ).reshape(n, _CLASSES)
        a_total = frozen.totals
        denominator = np.maximum(np.minimum(q_total, a_total), PARTIAL_FLOOR * a_total)
        present = (a_total > 0) & (q_total > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_class = np.where(present, inter / np.where(present, denominator, 1.0), 0.0)
        weights = present * self._weights
        norm = weights.sum(axis=1)
        scores = np.where(norm > 0, (per_class * weights).sum(axis=1) / np.maximum(norm, 1e-12), 0)
        scores[frozen.languages != _language_code(query.language, frozen.codes)] = 0.0
        return np.clip(scores, 0.0, 1.0)

    def _freeze(self) -> _Frozen:
        if self._frozen is None:
            self._frozen = _Frozen.build(self._features, [e.language for e in self._entries])
        return self._frozen


def _language_code(language: str | None, codes: Mapping[str | None, int]) -> int:
    return codes.get(language, -1)


@dataclass(frozen=True, slots=True)
class _Frozen:
    keys: U64Array
    starts: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    docs: npt.NDArray[np.int64]
    idf: npt.NDArray[np.float64]
    totals: npt.NDArray[np.float64]
    languages: npt.NDArray[np.int64]
    codes: dict[str | None, int]

    @classmethod
    def build(cls, features: list[U64Array], languages: list[str | None]) -> _Frozen:
        n = len(features)
        lengths = np.array([len(f) for f in features], dtype=np.int64)
        flat = np.concatenate(features) if features else np.zeros(0, np.uint64)
        owners = np.repeat(np.arange(n, dtype=np.int64), lengths)
        order = np.argsort(flat, kind="stable")
        flat, owners = flat[order], owners[order]
        keys, starts, counts = np.unique(flat, return_index=True, return_counts=True)
        idf = np.log1p(n / counts) ** 2
        key_of = np.repeat(np.arange(len(keys)), counts)
        classes = (flat >> _SHIFT).astype(np.int64)
        totals = (
            np.bincount(owners * _CLASSES + classes, weights=idf[key_of], minlength=n * _CLASSES)
            .reshape(n, _CLASSES)
            .astype(np.float64)
        )
        codes: dict[str | None, int] = {}
        for language in languages:
            codes.setdefault(language, len(codes))
        language_codes = np.array([codes[lang] for lang in languages], dtype=np.int64)
        return cls(
            keys,
            starts.astype(np.int64),
            counts.astype(np.int64),
            owners,
            idf,
            totals,
            language_codes,
            codes,
        )


def _regions(query: Fingerprint, entry: _Entry, most: int = 20) -> tuple[Region, ...]:
    """Pair k-gram and statement features' lines in both texts and merge the neighbours."""
    artifact = entry.print_
    pairs = sorted(
        (q_span, artifact.spans[f])
        for f, q_span in query.spans.items()
        if f in artifact.spans and feature_class(f) is not FeatureClass.LITERAL
    )
    merged: list[list[int]] = []
    for (q0, q1), (a0, a1) in pairs:
        if merged and q0 <= merged[-1][1] + 1:
            last = merged[-1]
            last[1], last[2], last[3] = max(last[1], q1), min(last[2], a0), max(last[3], a1)
        else:
            merged.append([q0, q1, a0, a1])
    return tuple(Region((q0 + 1, q1 + 1), (a0 + 1, a1 + 1)) for q0, q1, a0, a1 in merged[:most])
