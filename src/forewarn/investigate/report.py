"""The investigation as a self-contained HTML file (inline CSS, embedded picture) and as JSON."""

from __future__ import annotations

import base64
import dataclasses
from importlib import resources
from pathlib import Path

from forewarn.domain.custody import DateBasis
from forewarn.domain.evidence import LEAD_NOTE, Suspect, TokenHit, tie_statement, top_suspects
from forewarn.domain.exposure import PartyRole
from forewarn.domain.investigation import (
    Activity,
    Finding,
    InvestigationResult,
    RecommendationKind,
    Verdict,
)
from forewarn.encoding import dumps, encode
from forewarn.errors import InvestigationError, ValidationError
from forewarn.investigate.activity import describe_span
from forewarn.investigate.attribution import FINGERPRINT_CAP, TOKEN_WEIGHT
from forewarn.investigate.commands import command_line
from forewarn.investigate.exposure_table import groups, outside_partners, party_rows
from forewarn.investigate.groups import exposure_summary
from forewarn.investigate.hypotheses import (
    DERIVED_SIMILARITY,
    LEADING_MARGIN,
    LEADING_MIN,
    RULED_OUT_SCORE,
    UNLIKELY_SCORE,
    WEAK_SIMILARITY,
)
from forewarn.investigate.recommend import READINESS
from forewarn.investigate.summary import brief
from forewarn.investigate.timeline_plot import timeline_png
from forewarn.investigate.timing import DEFAULT_PRIOR, TIMING_CAP, days_after, since_notice
from forewarn.investigate.wording import bound_sentence, epsilon_text, plural

SCHEMA = "forewarn.investigation/2"
"""report.json's `schema` field: bumped when a field changes meaning or goes away."""
TEMPLATE = "report.html.j2"
"""The template's file name under `forewarn.investigate.templates`."""


def to_json(result: InvestigationResult) -> str:
    """The whole result as indented JSON (docs/json.md), under a `schema` version field."""
    body = encode(result)
    assert isinstance(body, dict)
    recommendations = body.get("recommendations")
    assert isinstance(recommendations, list)
    for encoded, action in zip(recommendations, result.recommendations, strict=True):
        assert isinstance(encoded, dict)
        encoded["command"] = command_line(action)
    document = {
        "schema": SCHEMA,
        **body,
        "activities_span": [describe_span(a) for a in result.activities],
    }
    return dumps(document)


def _png_uri(result: InvestigationResult) -> str:
    return "data:image/png;base64," + base64.b64encode(timeline_png(result)).decode("ascii")


@dataclasses.dataclass(frozen=True, slots=True)
class SuspectRow:
    """One line of a finding's accusation table; `partner` is empty when nobody is named."""

    partner: str
    """The partner, or empty: a tie, or a top score below the threshold, names nobody."""
    decision: str
    """Accused, a lead, a tie, corroborating, or below the threshold."""
    score: float
    """The partner's one score: the combined decoders' score (nats of evidence)."""
    decided_by: str
    """The decoder that reached it, with any known colluders it was given (empty if none)."""
    symmetric: float
    """The symmetric Tardos score, for comparison."""
    bound_kind: str
    """`proven` or `empirical`: how the bound shown was obtained."""
    bound: str
    """The false-accusation bound in words and numbers, against ε."""
    channels: str
    """Symbols matching / read per channel, with each channel's part of the score."""
    tokens: tuple[TokenHit, ...] = ()
    """Tracking tokens of this partner's copy found."""
    accused: bool = False
    """Whether this row accuses."""


def _channels(suspect: Suspect) -> str:
    return "; ".join(
        f"{c.channel}: {c.symbols_matching}/{c.symbols_read} ({c.score:+.1f})"
        for c in suspect.evidence
    )


def _suspect_row(suspect: Suspect, decision: str, epsilon: float | None) -> SuspectRow:
    return SuspectRow(
        partner=suspect.partner,
        decision=decision,
        score=suspect.combined_score,
        decided_by=suspect.decided_by,
        symmetric=suspect.score,
        bound_kind=suspect.bound_kind,
        bound=bound_sentence(suspect.false_accusation_bound, epsilon),
        channels=_channels(suspect),
        tokens=suspect.tokens,
        accused=suspect.accused,
    )


def suspect_rows(
    finding: Finding, epsilon: float | None, accused_here: frozenset[str] = frozenset()
) -> list[SuspectRow]:
    """What a finding's marks say, without presenting any innocent name as a lead.

    Accused partners and leads (tracking tokens, labelled so) are named. Otherwise the top score
    speaks only as a fact about the material: a tie at the top names nobody ("4 partners
    tied"), and a lone top score below the threshold is named only when the same partner is
    accused by other material of the activity (it then corroborates).
    """
    named = [
        _suspect_row(s, "accused" if s.accused else f"tracking token found: {LEAD_NOTE}", epsilon)
        for s in finding.suspects
        if s.accused or s.lead
    ]
    if named:
        return named
    top = top_suspects(finding.suspects)
    if not top:
        return []
    best = top[0]
    if len(top) > 1:
        decision = tie_statement(len(top), best.score)
        return [dataclasses.replace(_suspect_row(best, decision, epsilon), partner="")]
    if best.partner in accused_here:
        decision = "corroborates the accusation; not enough to accuse by itself"
        return [_suspect_row(best, decision, epsilon)]
    decision = "the top score is not enough to accuse: these marks name nobody"
    return [dataclasses.replace(_suspect_row(best, decision, epsilon), partner="")]


def _accusations(result: InvestigationResult, activity: Activity) -> list[dict[str, object]]:
    """Per finding of the activity, its accusation table rows."""
    here = frozenset(s.partner for f in activity.findings for s in f.suspects if s.accused)
    return [
        {"finding": f, "suspects": suspect_rows(f, result.epsilon, here)} for f in activity.findings
    ]


def render_html(result: InvestigationResult) -> str:
    """The report as one HTML string with everything inline."""
    import jinja2  # only the commands that write a report pay for the template engine

    text = (
        resources.files("forewarn.investigate")
        .joinpath("templates", TEMPLATE)
        .read_text(encoding="utf-8")
    )
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(text)
    move = next(
        (r for r in result.recommendations if r.kind is RecommendationKind.MOVE_PATCH), None
    )
    briefing = brief(result)
    accused = [a.partner for a in briefing.accusations]
    findings = [f for a in result.activities for f in a.findings]
    return template.render(
        r=result,
        case=result.case,
        briefing=briefing,
        timeline=_png_uri(result),
        groups=groups(result, accused),
        outside=outside_partners(result),
        accused_rows=party_rows(result, accused),
        every_partner=[row for row in party_rows(result) if row.role == PartyRole.PARTNER.value],
        plural=plural,
        partners_exposed=len({e.party for e in result.exposure if e.role is PartyRole.PARTNER}),
        accused=accused,
        move=move,
        span=describe_span,
        days_after=days_after,
        accusations=lambda activity: _accusations(result, activity),
        findings=findings,
        DateBasis=DateBasis,
        lead_note=LEAD_NOTE,
        epsilon=None if result.epsilon is None else epsilon_text(result.epsilon),
        command_line=command_line,
        Verdict=Verdict,
        public_since=result.public_since,
        held=lambda a: exposure_summary(a.groups),
        since_notice=since_notice,
        method={
            "prior_shape": DEFAULT_PRIOR.shape,
            "prior_days": DEFAULT_PRIOR.days,
            "timing_cap": TIMING_CAP,
            "derived": DERIVED_SIMILARITY,
            "weak": WEAK_SIMILARITY,
            "ruled_out": RULED_OUT_SCORE,
            "unlikely": UNLIKELY_SCORE,
            "leading_min": LEADING_MIN,
            "leading_margin": LEADING_MARGIN,
            "fingerprint_cap": FINGERPRINT_CAP,
            "token_weight": TOKEN_WEIGHT,
            "readiness": READINESS.days,
        },
    )


def write_report(result: InvestigationResult, path: Path) -> Path:
    """Write the HTML report to `path`, readable by its owner only (it names suspects and the
    embargoed case) and never through a symbolic link; a clear error when it cannot be."""
    from forewarn.program.owner_only import write_owner_only

    try:
        write_owner_only(path, render_html(result).encode("utf-8"))
    except ValidationError as exc:
        why = exc.message.removeprefix(f"cannot write {path}: ")
        raise InvestigationError(
            f"cannot write the report to {path}: {why}",
            hint="choose a writable path with --html",
        ) from exc
    return path


__all__ = [
    "SCHEMA",
    "SuspectRow",
    "plural",
    "render_html",
    "suspect_rows",
    "to_json",
    "write_report",
]
