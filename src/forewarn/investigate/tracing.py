"""Trace material from the wild: what one case gives the hunt, and when material was seen.

The hunt library is pure; `add_case` gives it what the program knows about a case: the
original artifacts (for similarity), who received which artifact (so the token check knows whose
tokens can be found; no token is stored, each is verified by recomputation) and the
fingerprinting engine keyed with the program secret (for accusation against the partners who
actually received each artifact). Material is read, never executed.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.domain import (
    ArtifactKind,
    Observation,
    ReleaseState,
    Suspect,
    TimePoint,
    TimePrecision,
    TokenHit,
)
from forewarn.domain.marking import MarkingParams
from forewarn.errors import InvestigationError, MarkError
from forewarn.hunt import Accuser, Decision, Hunt, Material, SimilarityIndex, TraceResult
from forewarn.hunt.readers import is_weblog, language_of
from forewarn.marks.engine import Marker
from forewarn.marks.tokens import TokenVerifier
from forewarn.program.artifacts import list_artifacts, read_artifact
from forewarn.program.case_marking import MARKS_PURPOSE, marking_for_case
from forewarn.program.keys import ProgramKeys
from forewarn.store.release_repo import ReleaseRepository

logger = logging.getLogger(__name__)

_W3C_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}", re.MULTILINE)
_COMBINED_DATE = re.compile(r"\[(\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?)\]")
"""An Apache/nginx timestamp with its zone: the day is the UTC day, as every other time's."""
LOG_HEAD = 1 << 20
"""Bytes of a log read to find its first timestamp."""


def _accuse(
    secret: bytes,
    params: MarkingParams,
    shared: Marker | None,
    kinds: Mapping[str, ArtifactKind],
    recipients: Mapping[str, tuple[str, ...]],
    case: str,
    artifact: str,
    original: str,
    material: Material,
) -> Decision:
    """The hunt's `Accuser`: marks read now; the accusation among the artifact's recipients
    decided later, at ε over the run's comparisons. Its tokens are those the hunt's scan
    verified in the item, not a second scan of the item's text."""
    partners = recipients.get(artifact, ())
    if artifact not in kinds or not partners:
        return _nobody
    marker = shared if shared is not None else Marker.for_case(secret, case, params)
    kind = kinds[artifact]
    found = (material.text or "").encode("utf-8")
    observations = marker.extract(
        artifact, kind, original.encode("utf-8"), found, material.requests
    )
    hits = recipients_tokens(material.tokens, case, artifact, partners)
    return functools.partial(_decide, marker, observations, partners, hits)


def recipients_tokens(
    tokens: Sequence[TokenHit], case: str, artifact: str, partners: Sequence[str]
) -> tuple[TokenHit, ...]:
    """The verified tokens of `artifact`'s copies given to `partners`, once each by token, as
    the verifier records them (where and how often the item shows each is the item's own
    `tokens`): what the fingerprinting engine makes leads of, never accusations."""
    who = set(partners)
    mine = {
        t.token: dataclasses.replace(t, offset=0, count=1)
        for t in tokens
        if t.case == case and t.artifact == artifact and t.partner in who
    }
    return tuple(mine[t] for t in sorted(mine))


def _nobody(comparisons: int) -> list[Suspect]:
    """The decision for an artifact nobody received: no suspects."""
    return []


def _decide(
    marker: Marker,
    observations: Sequence[Observation],
    partners: Sequence[str],
    hits: Sequence[TokenHit],
    comparisons: int,
) -> list[Suspect]:
    """Score every recipient on what was read; accuse at ε over `comparisons`."""
    return list(marker.accuse(observations, partners, hits, comparisons=comparisons).suspects)


def add_case(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    index: SimilarityIndex,
    verifier: TokenVerifier,
) -> Accuser:
    """Add the case's originals to `index` and its copies' tokens to `verifier`; its accuser.

    The caller owns `index` and `verifier`, so that `program_hunt` can merge every case into one
    index and one matcher.
    """
    artifacts = list_artifacts(session, case_id)
    for artifact in artifacts:
        text = read_artifact(session, keys, case_id, artifact.name).decode("utf-8", "replace")
        language = language_of(artifact.name, text)
        index.add(
            f"{case_id}/{artifact.name}", text, case=case_id, name=artifact.name, language=language
        )
    repo = ReleaseRepository(session)
    recipients: dict[str, list[str]] = {}
    for release in repo.for_case(case_id, ReleaseState.COMPLETE):
        for item in release.items:
            recipients.setdefault(item.name, []).append(release.partner)
    secret = keys.derive(MARKS_PURPOSE)
    params = marking_for_case(session, case_id)
    who = {name: tuple(sorted(set(names))) for name, names in recipients.items()}
    marker = None
    if who:
        try:
            marker = Marker.for_case(secret, case_id, params)
        except MarkError as exc:  # fail closed: its accuser says why in every result it reads
            logger.warning("tokens of case %s are not looked for: %s", case_id, exc.message)
        else:
            marker.register_tokens(verifier, who)
    kinds = {a.name: a.kind for a in artifacts}
    # One engine for every item of the hunt: its codewords are derived once, not per item.
    return functools.partial(_accuse, secret, params, marker, kinds, who)


def trace(hunt: Hunt, paths: Sequence[Path]) -> list[TraceResult]:
    """Every item under `paths`, traced."""
    return list(hunt.trace_paths(list(paths)))


def log_day(head: str) -> TimePoint | None:
    """The day of a web log's earliest line timestamp, or `None` when `head` is no web log."""
    if not is_weblog(head):
        return None
    found = [d for m in _W3C_DATE.findall(head) if (d := _day(m)) is not None]
    found += [d for m in _COMBINED_DATE.findall(head) if (d := _combined_day(m)) is not None]
    return TimePoint(min(found), TimePrecision.DAY) if found else None


def modification_day(path: Path) -> TimePoint:
    """The UTC day of a file's modification time: what a file says of itself, often wrongly."""
    try:
        stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError as exc:
        raise InvestigationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    day = stamp.replace(hour=0, minute=0, second=0, microsecond=0)
    return TimePoint(day, TimePrecision.DAY)


def seen_at(path: Path) -> TimePoint:
    """When a file on disk was seen, by itself: a web log's first timestamp, else its
    modification day. Registered evidence is dated by its record instead (`custody`)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(LOG_HEAD).decode("utf-8", "replace")
    except OSError as exc:
        raise InvestigationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return log_day(head) or modification_day(path)


def _day(text: str) -> datetime | None:
    """A W3C log line's date; a malformed one (`2021-13-45`) is skipped, not a crash."""
    return _parsed(text, "%Y-%m-%d")


def _combined_day(text: str) -> datetime | None:
    """The UTC day of `07/Jul/2025:23:30:00 -0700` (2025-07-08); without a zone, as written."""
    form = "%d/%b/%Y:%H:%M:%S %z" if " " in text else "%d/%b/%Y:%H:%M:%S"
    try:
        stamp = datetime.strptime(text, form)
    except ValueError:
        return None
    stamp = stamp.astimezone(UTC) if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
    return stamp.replace(hour=0, minute=0, second=0, microsecond=0)


def _parsed(text: str, form: str) -> datetime | None:
    try:
        return datetime.strptime(text, form).replace(tzinfo=UTC)
    except ValueError:
        return None


__all__ = [
    "LOG_HEAD",
    "add_case",
    "log_day",
    "modification_day",
    "recipients_tokens",
    "seen_at",
    "trace",
]
