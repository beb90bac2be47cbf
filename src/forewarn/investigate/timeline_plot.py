"""The timeline picture of an investigation: notices, releases, fetches, attacks, patch dates.

Drawn with matplotlib's Agg backend into PNG bytes, so the report embeds it and no display or
browser is needed. One lane per kind of actor, so a reader sees at a glance what came before what.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402 - the backend must be chosen first
from matplotlib.figure import Figure  # noqa: E402

from forewarn.domain.investigation import InvestigationResult, RecommendationKind  # noqa: E402
from forewarn.domain.timeline import EventKind  # noqa: E402

LANES = ("Patch", "Case", "Partners", "Attackers", "Found")
"""Rows of the picture, top to bottom."""

COLOURS = {
    "notice": "#2b6cb0",
    "fetch": "#63b3ed",
    "scanning": "#dd6b20",
    "exploitation": "#c53030",
    "finding": "#6b46c1",
    "case": "#4a5568",
    "planned": "#718096",
    "recommended": "#2f855a",
    "actual": "#22543d",
}


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _x(moment: datetime) -> float:
    """Matplotlib's date number, so the typed API takes plain floats."""
    return float(mdates.date2num(moment))  # type: ignore[no-untyped-call]


def _y(lane: str) -> int:
    return len(LANES) - 1 - LANES.index(lane)


def timeline_png(result: InvestigationResult, *, width: float = 11.0) -> bytes:
    """PNG bytes of the case timeline."""
    fig = Figure(figsize=(width, 3.9), dpi=110)
    ax = fig.add_subplot()
    case = result.case
    for activity in result.activities:
        ax.axvspan(
            _x(activity.start.start),
            _x(activity.end.end),
            color=COLOURS["exploitation"],
            alpha=0.08,
            lw=0,
        )
        ax.annotate(
            activity.label,
            (_x(activity.start.start), _y("Attackers") + 0.42),
            fontsize=8,
            color=COLOURS["exploitation"],
            fontweight="bold",
        )
    for event in result.events:
        x = _x(event.at.start)
        if event.kind in (EventKind.SCANNING, EventKind.EXPLOITATION):
            colour = COLOURS[event.kind.value]
            marker = "v" if event.kind is EventKind.SCANNING else "X"
            ax.scatter([x], [_y("Attackers")], marker=marker, s=90, color=colour, zorder=3)
        elif event.kind in (EventKind.DISCOVERED, EventKind.REPORTED, EventKind.PRESS):
            width_ = event.at.end - event.at.start
            if width_ > timedelta(days=2):
                ax.hlines(_y("Case"), x, _x(event.at.end), color=COLOURS["case"], lw=5, alpha=0.5)
            ax.scatter([x], [_y("Case")], marker="o", s=40, color=COLOURS["case"], zorder=3)
            ax.annotate(
                event.kind.value,
                (x, _y("Case") - 0.35),
                fontsize=7,
                color=COLOURS["case"],
                ha="left",
            )
        elif event.kind is EventKind.PARTNER_NOTICE and not result.releases:
            ax.axvline(x, color=COLOURS["notice"], lw=1, ls="--", alpha=0.7)
    if not any(e.kind is EventKind.REPORTED for e in result.events):
        reported = _x(_at(case.reported))
        ax.scatter([reported], [_y("Case")], marker="o", s=40, color=COLOURS["case"], zorder=3)
        ax.annotate("reported", (reported, _y("Case") - 0.35), fontsize=7, color=COLOURS["case"])
    releases = Counter(r.available_at for r in result.releases)
    for when, count in sorted(releases.items()):
        ax.scatter([_x(when)], [_y("Partners") + 0.12], marker="s", s=60, color=COLOURS["notice"])
        ax.annotate(
            f"{count} notified",
            (_x(when), _y("Partners") + 0.3),
            fontsize=7,
            color=COLOURS["notice"],
        )
        ax.axvline(_x(when), color=COLOURS["notice"], lw=1, ls="--", alpha=0.6)
    fetches = [_x(f.at) for f in result.fetches]
    if fetches:
        ax.scatter(
            fetches,
            [_y("Partners") - 0.2] * len(fetches),
            marker="|",
            s=80,
            color=COLOURS["fetch"],
        )
    for activity in result.activities:
        for finding in activity.findings:
            ax.scatter(
                [_x(finding.seen.start)],
                [_y("Found")],
                marker="D",
                s=50,
                color=COLOURS["finding"],
                zorder=3,
            )
    patches = [("planned", _at(case.patch_planned))]
    if case.patch_actual is not None:
        patches.append(("actual", _at(case.patch_actual)))
    patches += [
        ("recommended", _at(r.target_date))
        for r in result.recommendations
        if r.kind is RecommendationKind.MOVE_PATCH and r.target_date is not None
    ]
    for index, (name, when) in enumerate(sorted(patches, key=lambda p: p[1])):
        ax.scatter([_x(when)], [_y("Patch")], marker="*", s=160, color=COLOURS[name], zorder=3)
        ax.annotate(
            f"{name} {when:%b %d}",
            (_x(when), _y("Patch") + (0.22 if index % 2 == 0 else -0.38)),
            fontsize=7,
            color=COLOURS[name],
            ha="center",
        )
    ax.axvline(_x(result.as_of), color="#1a202c", lw=1, alpha=0.5)
    ax.annotate(
        "as of", (_x(result.as_of), -0.75), fontsize=7, ha="center", color="#1a202c", alpha=0.7
    )
    legend = [
        ("v", COLOURS["scanning"], "scanning"),
        ("X", COLOURS["exploitation"], "exploitation"),
        ("D", COLOURS["finding"], "material found"),
        ("s", COLOURS["notice"], "partner notice"),
        ("|", COLOURS["fetch"], "fetch"),
        ("*", COLOURS["planned"], "patch date"),
    ]
    for marker, colour, label in legend:
        ax.scatter([], [], marker=marker, color=colour, label=label)
    ax.legend(loc="upper left", fontsize=7, ncol=6, frameon=False, bbox_to_anchor=(0.0, 1.12))
    ax.set_yticks(range(len(LANES)), list(reversed(LANES)))
    ax.set_ylim(-0.9, len(LANES) - 0.4)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=5, maxticks=12))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d\n%Y"))  # type: ignore[no-untyped-call]
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.25)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


__all__ = ["LANES", "timeline_png"]
