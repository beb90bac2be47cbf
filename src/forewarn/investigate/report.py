"""The investigation as a self-contained HTML file (inline CSS, embedded picture) and as JSON."""

from __future__ import annotations

import base64
import dataclasses
from datetime import timedelta
from importlib import resources
from pathlib import Path

from forewarn.domain.evidence import LEAD_NOTE
from forewarn.domain.investigation import (
    Activity,
    ExposureEntry,
    InvestigationResult,
    PartyRole,
    RecommendationKind,
    Verdict,
)
from forewarn.encoding import dumps, encode
from forewarn.errors import InvestigationError
from forewarn.investigate.activity import describe_span
from forewarn.investigate.attribution import fingerprint_bound
from forewarn.investigate.commands import command_line
from forewarn.investigate.groups import exposure_summary
from forewarn.investigate.hypotheses import (
    DERIVED_SIMILARITY,
    LEADING_MARGIN,
    LEADING_MIN,
    RULED_OUT_SCORE,
    WEAK_SIMILARITY,
)
from forewarn.investigate.recommend import READINESS
from forewarn.investigate.timeline_plot import timeline_png
from forewarn.investigate.timing import DEFAULT_PRIOR, TIMING_CAP, days_after, since_notice

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


@dataclasses.dataclass(frozen=True, slots=True)
class ExposureRow:
    """One party in the exposure table: what it held and since when."""

    party: str
    """Who."""
    role: str
    """Partner, finder or vendor."""
    artifacts: str
    """Artifacts held, comma separated."""
    since: str
    """When the exposure could first have started."""
    fetched: str
    """First fetch, or empty."""


def exposure_rows(entries: tuple[ExposureEntry, ...]) -> list[ExposureRow]:
    """One row per party, earliest first."""
    by_party: dict[str, list[ExposureEntry]] = {}
    for entry in entries:
        by_party.setdefault(entry.party, []).append(entry)
    rows = []
    for party, held in by_party.items():
        artifacts = sorted({e.artifact for e in held})
        first = min(held, key=lambda e: e.since)
        fetched = [e.since for e in held if e.basis == "fetched"]
        if first.certain_from - first.since >= timedelta(days=28):
            precision = "%Y-%m"
        elif first.role is PartyRole.PARTNER:
            precision = "%Y-%m-%d %H:%M"
        else:
            precision = "%Y-%m-%d"
        rows.append(
            ExposureRow(
                party=party,
                role=first.role.value,
                artifacts=", ".join(artifacts),
                since=f"{first.since:{precision}} ({first.basis})",
                fetched=f"{min(fetched):%Y-%m-%d %H:%M}" if fetched else "",
            )
        )
    return rows


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 finding`, `2 findings`, `3 fetches`: a count with its noun agreeing."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def _png_uri(result: InvestigationResult) -> str:
    return "data:image/png;base64," + base64.b64encode(timeline_png(result)).decode("ascii")


def _accusations(activity: Activity) -> list[dict[str, object]]:
    """Accused suspects and leads per finding, else its top suspects (all of them on a tie)."""
    rows: list[dict[str, object]] = []
    for finding in activity.findings:
        suspects = [s for s in finding.suspects if s.accused or s.lead]
        if not suspects and finding.suspects:
            top = max(s.score for s in finding.suspects)
            suspects = [s for s in finding.suspects if s.score >= top]
        rows.append({"finding": finding, "suspects": suspects})
    return rows


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
    accused = sorted(
        {
            h.subject
            for a in result.activities
            for h in a.hypotheses
            if h.subject
            and h.verdict is Verdict.LEADING
            and fingerprint_bound(a, h.subject) is not None
        }
    )
    return template.render(
        r=result,
        case=result.case,
        timeline=_png_uri(result),
        exposure=sorted(exposure_rows(result.exposure), key=lambda row: row.party not in accused),
        plural=plural,
        partners_exposed=len({e.party for e in result.exposure if e.role is PartyRole.PARTNER}),
        accused=accused,
        move=move,
        span=describe_span,
        days_after=days_after,
        accusations=_accusations,
        lead_note=LEAD_NOTE,
        command_line=command_line,
        Verdict=Verdict,
        groups=result.groups,
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
            "leading_min": LEADING_MIN,
            "leading_margin": LEADING_MARGIN,
            "readiness": READINESS.days,
        },
    )


def write_report(result: InvestigationResult, path: Path) -> Path:
    """Write the HTML report to `path`; a clear error when the place is not writable."""
    try:
        path.write_text(render_html(result), encoding="utf-8")
    except OSError as exc:
        raise InvestigationError(
            f"cannot write the report to {path}: {exc.strerror}",
            hint="choose a writable path with --html",
        ) from exc
    return path


__all__ = [
    "SCHEMA",
    "ExposureRow",
    "exposure_rows",
    "plural",
    "render_html",
    "to_json",
    "write_report",
]
