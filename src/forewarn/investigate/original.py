"""Is material from the wild the unmarked original rather than a partner's copy?

The marks of an artifact read from the original itself give one fixed word; every partner's
codeword differs from it at about half the positions, so a partner's copy, however edited, shows
the original's symbols only where its codeword happens to agree. Material whose marks agree with
the original's far more often than with any recipient's copy was made from the original (the
vendor's or the finder's), or from a build no partner received. The hypotheses weigh that
(`context.Context.unmarked`); here the agreement is counted, by the same reader the accusation
uses, never running the material.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from forewarn.domain import ReleaseState
from forewarn.domain.investigation import Finding, OriginalReading
from forewarn.errors import MarkError
from forewarn.hunt import Examined
from forewarn.marks.engine import Marker
from forewarn.program.artifacts import list_artifacts, read_artifact
from forewarn.program.case_marking import MARKS_PURPOSE, marking_for_case
from forewarn.program.keys import ProgramKeys
from forewarn.store.release_repo import ReleaseRepository

logger = logging.getLogger(__name__)


def _recipients(session: Session, case_id: str) -> dict[str, set[str]]:
    who: dict[str, set[str]] = {}
    for release in ReleaseRepository(session).for_case(case_id, ReleaseState.COMPLETE):
        for item in release.items:
            who.setdefault(item.name, set()).add(release.partner)
    return who


def with_original_readings(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    pairs: Sequence[tuple[Examined, Finding]],
) -> list[Finding]:
    """Each finding, with `original` filled in when its marks were read and accuse nobody."""
    todo = [
        (i, f)
        for i, f in pairs
        if f.marks_read
        and not any(s.accused for s in f.suspects)
        and (i.text is not None or i.requests)  # a web log crosses from a hunt without its text
    ]
    if not todo:
        return [f for _, f in pairs]
    try:
        marker = Marker.for_case(
            keys.derive(MARKS_PURPOSE), case_id, marking_for_case(session, case_id)
        )
    except MarkError as exc:
        logger.warning("marks of case %s not compared with the original: %s", case_id, exc)
        return [f for _, f in pairs]
    artifacts = {a.name: a for a in list_artifacts(session, case_id)}
    recipients = _recipients(session, case_id)
    originals: dict[str, tuple[bytes, dict[int, int]]] = {}
    done: dict[int, Finding] = {}
    for item, finding in todo:
        content = (item.text or "").encode("utf-8")
        readings = []
        for name in finding.marks_read:
            artifact = artifacts.get(name)
            if artifact is None:
                continue
            if name not in originals:
                text = read_artifact(session, keys, case_id, name)
                own = marker.extract(name, artifact.kind, text, text)
                originals[name] = (text, {o.position: o.symbol for o in own})
            text, word = originals[name]
            try:
                read = marker.extract(name, artifact.kind, text, content, item.requests)
            except MarkError as exc:
                logger.debug("%s: %s", finding.label, exc.message)
                continue
            if not read:
                continue
            agreeing = sum(1 for o in read if word.get(o.position) == o.symbol)
            closest = max(
                (
                    sum(1 for o in read if int(marker.codeword(p)[o.position]) == o.symbol)
                    for p in sorted(recipients.get(name, ()))
                ),
                default=0,
            )
            readings.append(
                OriginalReading(
                    name,
                    artifact.kind.value,
                    len(read),
                    agreeing,
                    closest,
                    max(len(recipients.get(name, ())), 1),
                )
            )
        done[id(finding)] = replace(finding, original=tuple(readings))
    return [done.get(id(f), f) for _, f in pairs]


__all__ = ["with_original_readings"]
