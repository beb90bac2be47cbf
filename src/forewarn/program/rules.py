"""Detection rules of a case: written from its PoCs, checked, stored, and published per partner.

`generate_rules` reads each PoC of the case, marks it at the two extremes (every choice point
at 0, then at 1) with the case's marker, and has the static evaluator read the requests each of
the three sends (never running them); the `exchange` writers keep only what all three share, so
the rules match every partner's copy alike. Before anything is stored the rules are checked
against that same material: YARA compiled and run by `yara-python` on every variant, Suricata
matched by forewarn's own matcher on every variant's requests (no Suricata engine runs here).
The files are stored as `rules` artifacts, so that each partner's copy is marked like a PoC.

`published_rules` is what `forewarn publish --format yara|suricata` writes: the stored
original (or rules written on the spot when none is stored), or, with a partner, that partner's
delivered copy regenerated exactly and checked against its release record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import yara
from sqlalchemy.orm import Session

from forewarn.domain import Artifact, ArtifactKind, PocView, ReleaseState, RuleSource
from forewarn.domain.rules import RuleLanguage
from forewarn.errors import IntegrityError, MarkError, NotFoundError, ValidationError
from forewarn.exchange.rules.match import compile_file, matches
from forewarn.exchange.rules.suricata import suricata_rules
from forewarn.exchange.rules.yara import yara_rules
from forewarn.marks.channels.rules import RuleFormat, rule_format
from forewarn.marks.engine import Marker
from forewarn.marks.wire import evaluate_requests
from forewarn.program.artifacts import add_artifact, list_artifacts, read_artifact
from forewarn.program.case_marking import marker_for_case
from forewarn.program.cases import get_case
from forewarn.program.keys import ProgramKeys
from forewarn.store import ProgramRepository
from forewarn.store.release_repo import ReleaseRepository

WRITERS: dict[RuleLanguage, tuple[str, Callable[[RuleSource], str]]] = {
    RuleLanguage.YARA: ("rules.yar", yara_rules),
    RuleLanguage.SURICATA: ("suricata.rules", suricata_rules),
}
"""Language → the artifact name its generated file is stored under, and its writer."""

_FORMATS = {RuleLanguage.YARA: RuleFormat.YARA, RuleLanguage.SURICATA: RuleFormat.SURICATA}


def poc_view(marker: Marker, name: str, original: bytes) -> PocView | None:
    """A PoC as every partner's copy looks: the original and its two extreme copies, each with
    the requests it sends; `None` for a PoC that is not UTF-8 text."""
    try:
        extremes = marker.extremes(name, ArtifactKind.POC, original)
    except MarkError:
        return None
    sources = tuple(s.decode("utf-8") for s in (original, *extremes))
    return PocView(name, sources, tuple(evaluate_requests(s) for s in sources))


def rule_source(session: Session, keys: ProgramKeys, case_id: str, *, now: datetime) -> RuleSource:
    """What the case's rules are written from: its PoCs as every partner's copy looks."""
    case = get_case(session, case_id)
    pocs = [a for a in list_artifacts(session, case_id) if a.kind is ArtifactKind.POC]
    if not pocs:
        raise ValidationError(
            f"case {case_id} has no PoC to write rules from",
            hint="add one with `forewarn case add-artifact ID FILE --kind poc`",
        )
    marker = marker_for_case(session, keys, case_id)
    views = []
    for artifact in pocs:
        original = read_artifact(session, keys, case_id, artifact.name)
        try:
            extremes = marker.extremes(artifact.name, ArtifactKind.POC, original)
        except MarkError:
            continue  # not UTF-8 text: nothing to read requests or constants from
        sources = tuple(s.decode("utf-8") for s in (original, *extremes))
        views.append(PocView(artifact.name, sources, tuple(evaluate_requests(s) for s in sources)))
    info = ProgramRepository(session).get()
    author = info.name if info is not None else "forewarn"
    return RuleSource(case, tuple(views), author, now.date())


def _check_yara(text: str, views: Sequence[PocView]) -> None:
    """Every tool rule compiles and some tool rule hits every variant of every PoC."""
    compiled = yara.compile(source=text, includes=False)
    tools = {
        line.split()[1]
        for line in text.splitlines()
        if line.startswith("rule ") and line.rstrip().endswith("_Tool")
    }
    for view in views:
        for source in view.sources:
            hit = {m.rule for m in compiled.match(data=source.encode("utf-8"))}
            if tools and not hit & tools:
                raise ValidationError(
                    f"the generated YARA rules miss a copy of {view.artifact}",
                    hint="report this: the rules must match every partner's copy",
                )


def _check_suricata(text: str, views: Sequence[PocView]) -> None:
    """Every rule matches a request of some PoC, and then of every variant of that PoC."""
    for rule in compile_file(text):
        hits = [[any(matches(rule, r) for r in reqs) for reqs in v.requests] for v in views]
        if not any(any(seen) for seen in hits):
            raise ValidationError(
                f"generated Suricata rule {rule.sid} matches no request of any PoC",
                hint="report this: each rule is written from a request every copy sends",
            )
        for view, seen in zip(views, hits, strict=True):
            if any(seen) and not all(seen):
                raise ValidationError(
                    f"generated Suricata rule {rule.sid} misses a copy of {view.artifact}",
                    hint="report this: the rules must match every partner's copy",
                )


def write_rules(source: RuleSource, language: RuleLanguage) -> str:
    """The rule file in `language`, checked on every variant of every PoC before it is used."""
    text = WRITERS[language][1](source)
    if rule_format(text) is None:
        raise ValidationError(
            f"{source.case.id}: its PoCs send or contain nothing distinctive to write "
            f"{language.value} rules from",
            hint="write the rules by hand and add them with `--kind rules`",
        )
    if language is RuleLanguage.YARA:
        _check_yara(text, source.pocs)
    else:
        _check_suricata(text, source.pocs)
    return text


def generate_rules(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    now: datetime,
    languages: Sequence[RuleLanguage] = tuple(RuleLanguage),
    min_tier: str | None = None,
) -> list[Artifact]:
    """Write the case's rules from its PoCs and store each file as a `rules` artifact."""
    source = rule_source(session, keys, case_id, now=now)
    stored = []
    for language in languages:
        text = write_rules(source, language)
        stored.append(
            add_artifact(
                session,
                keys,
                case_id=case_id,
                name=WRITERS[language][0],
                content=text.encode("utf-8"),
                kind=ArtifactKind.RULES,
                min_tier=min_tier,
                now=now,
            )
        )
    return stored


@dataclass(frozen=True, slots=True)
class PublishedRules:
    """A rule file as `forewarn publish` writes it."""

    name: str
    """File name."""
    content: bytes
    """The rules."""
    partner: str | None
    """Whose marked copy it is, or `None` for the original."""
    stored: bool
    """Whether it is a stored artifact (else written on the spot from the PoCs)."""


def _stored(
    session: Session, keys: ProgramKeys, case_id: str, language: RuleLanguage
) -> list[Artifact]:
    wanted = _FORMATS[language]
    return [
        a
        for a in list_artifacts(session, case_id)
        if a.kind is ArtifactKind.RULES
        and rule_format(read_artifact(session, keys, case_id, a.name).decode("utf-8", "replace"))
        is wanted
    ]


def published_rules(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    language: RuleLanguage,
    *,
    now: datetime,
    partner: str | None = None,
) -> list[PublishedRules]:
    """The case's rule files in `language`: originals, or one partner's delivered copies."""
    found = _stored(session, keys, case_id, language)
    if partner is None:
        if found:
            return [
                PublishedRules(a.name, read_artifact(session, keys, case_id, a.name), None, True)
                for a in found
            ]
        text = write_rules(rule_source(session, keys, case_id, now=now), language)
        return [PublishedRules(WRITERS[language][0], text.encode("utf-8"), None, False)]
    return _partner_copies(session, keys, case_id, found, partner, language)


def _partner_copies(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    found: Sequence[Artifact],
    partner: str,
    language: RuleLanguage,
) -> list[PublishedRules]:
    """The partner's delivered copies of `found`, regenerated and checked against the record."""
    delivered = {}
    for release in ReleaseRepository(session).for_case(case_id, ReleaseState.COMPLETE):
        if release.partner == partner:
            delivered.update({item.name: item.sha256 for item in release.items})
    wanted = [a for a in found if a.name in delivered]
    if not wanted:
        raise NotFoundError(
            f"no {language.value} rules of {case_id} were delivered to {partner!r}",
            hint="a partner's marked view exists once a wave released it the rules",
        )
    marker = marker_for_case(session, keys, case_id)
    out = []
    for artifact in wanted:
        original = read_artifact(session, keys, case_id, artifact.name)
        copy = marker.mark(artifact.name, ArtifactKind.RULES, original, partner).content
        if hashlib.sha256(copy).hexdigest() != delivered[artifact.name]:
            raise IntegrityError(f"{partner!r}'s copy of {artifact.name} does not regenerate")
        out.append(PublishedRules(artifact.name, copy, partner, True))
    return out


__all__ = [
    "WRITERS",
    "PublishedRules",
    "RuleLanguage",
    "generate_rules",
    "poc_view",
    "published_rules",
    "rule_source",
    "write_rules",
]
