"""The timeline picture of an investigation: notices, releases, fetches, attacks, patch dates.

Drawn with matplotlib's Agg backend into PNG bytes, so the report embeds it and no display or
browser is needed. One lane per kind of actor, so a reader sees at a glance what came before what.
Two panels: the whole story from discovery, then the embargo window (notice → planned patch)
zoomed in, where the weeks that matter would otherwise be squeezed into a sliver. matplotlib is
imported when a picture is drawn, not when the CLI starts.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from forewarn.domain.investigation import InvestigationResult, RecommendationKind
from forewarn.domain.timeline import EventKind

if TYPE_CHECKING:
    from matplotlib.axes import Axes

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


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Matplotlib's default date epoch."""
MARGIN = timedelta(days=2)
"""Space either side of the embargo window in the zoomed panel."""


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _x(moment: datetime) -> float:
    """Matplotlib's date number (days since 1970), so the typed API takes plain floats."""
    return (moment - EPOCH) / timedelta(days=1)


def _y(lane: str) -> int:
    return len(LANES) - 1 - LANES.index(lane)


def embargo_window(result: InvestigationResult) -> tuple[datetime, datetime] | None:
    """From the first partner notice to the latest patch date (or now), with `MARGIN` each side."""
    notices = [r.available_at for r in result.releases]
    notices += [e.at.start for e in result.events if e.kind is EventKind.PARTNER_NOTICE]
    if not notices:
        return None
    ends = [_at(d) for d in _patch_dates(result).values()] + [result.as_of]
    return min(notices) - MARGIN, max(ends) + MARGIN


def _patch_dates(result: InvestigationResult) -> dict[str, date]:
    case = result.case
    found = {"planned": case.patch_planned}
    if case.patch_actual is not None:
        found["actual"] = case.patch_actual.start.date()
    for r in result.recommendations:
        if r.kind is RecommendationKind.MOVE_PATCH and r.target_date is not None:
            found["recommended"] = r.target_date
    return found


def _activities(ax: Axes, result: InvestigationResult, *, labels: bool) -> None:
    for activity in result.activities:
        start, end = _x(activity.start.start), _x(activity.end.end)
        ax.axvspan(start, end, color=COLOURS["exploitation"], alpha=0.08, lw=0)
        if labels:
            ax.annotate(
                activity.label,
                (start, _y("Attackers") + 0.42),
                fontsize=8,
                color=COLOURS["exploitation"],
                fontweight="bold",
            )
    for activity in result.activities:
        seen = [_x(f.seen.start) for f in activity.findings]
        ax.scatter(seen, [_y("Found")] * len(seen), marker="D", s=50, color=COLOURS["finding"])


def _events(ax: Axes, result: InvestigationResult, *, labels: bool) -> None:
    for event in result.events:
        x = _x(event.at.start)
        if event.kind in (EventKind.SCANNING, EventKind.EXPLOITATION):
            colour = COLOURS[event.kind.value]
            marker = "v" if event.kind is EventKind.SCANNING else "X"
            ax.scatter([x], [_y("Attackers")], marker=marker, s=90, color=colour, zorder=3)
        elif event.kind in (EventKind.DISCOVERED, EventKind.REPORTED, EventKind.PRESS):
            if event.at.end - event.at.start > timedelta(days=2):
                ax.hlines(_y("Case"), x, _x(event.at.end), color=COLOURS["case"], lw=5, alpha=0.5)
            ax.scatter([x], [_y("Case")], marker="o", s=40, color=COLOURS["case"], zorder=3)
            if labels:
                ax.annotate(
                    event.kind.value, (x, _y("Case") - 0.35), fontsize=7, color=COLOURS["case"]
                )
        elif event.kind is EventKind.PARTNER_NOTICE and not result.releases:
            ax.axvline(x, color=COLOURS["notice"], lw=1, ls="--", alpha=0.7)
    if not any(e.kind is EventKind.REPORTED for e in result.events):
        reported = _x(_at(result.case.reported))
        ax.scatter([reported], [_y("Case")], marker="o", s=40, color=COLOURS["case"], zorder=3)
        if labels:
            ax.annotate(
                "reported", (reported, _y("Case") - 0.35), fontsize=7, color=COLOURS["case"]
            )


def _partners(ax: Axes, result: InvestigationResult, *, labels: bool) -> None:
    releases = Counter(r.available_at for r in result.releases)
    for when, count in sorted(releases.items()):
        ax.axvline(_x(when), color=COLOURS["notice"], lw=1, ls="--", alpha=0.6)
        ax.scatter([_x(when)], [_y("Partners") + 0.12], marker="s", s=60, color=COLOURS["notice"])
        if labels:
            # offset to the right of the dashed line, on white, so the line never crosses it
            ax.annotate(
                f"{count} notified",
                (_x(when), _y("Partners") + 0.3),
                xytext=(5, 0),
                textcoords="offset points",
                fontsize=7,
                color=COLOURS["notice"],
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            )
    fetches = sorted(_x(f.at) for f in result.fetches)
    ax.scatter(
        fetches,
        [_y("Partners") - 0.2] * len(fetches),
        marker="|",
        s=140,
        linewidths=0.8,
        color=COLOURS["fetch"],
        zorder=3,
    )
    if labels and fetches:
        noun = "fetch" if len(fetches) == 1 else "fetches"
        ax.annotate(
            f"{len(fetches)} {noun}",
            (fetches[-1], _y("Partners") - 0.28),
            xytext=(6, 0),
            textcoords="offset points",
            fontsize=7,
            color=COLOURS["fetch"],
        )


def _patches(ax: Axes, result: InvestigationResult, *, labels: bool) -> None:
    patches = sorted(_patch_dates(result).items(), key=lambda p: p[1])
    for index, (name, day) in enumerate(patches):
        x = _x(_at(day))
        ax.scatter([x], [_y("Patch")], marker="*", s=160, color=COLOURS[name], zorder=3)
        if labels:
            ax.annotate(
                f"{name} {day:%b %d}",
                (x, _y("Patch") + (0.22 if index % 2 == 0 else -0.42)),
                fontsize=7,
                color=COLOURS[name],
                ha="center",
            )
    ax.axvline(_x(result.as_of), color="#1a202c", lw=1, alpha=0.5)
    if labels:
        ax.annotate(
            "as of", (_x(result.as_of), -0.75), fontsize=7, ha="center", color="#1a202c", alpha=0.7
        )


def _panel(ax: Axes, result: InvestigationResult, *, labels: bool, title: str) -> None:
    import matplotlib.dates as mdates

    _activities(ax, result, labels=labels)
    _events(ax, result, labels=labels)
    _partners(ax, result, labels=labels)
    _patches(ax, result, labels=labels)
    ax.set_title(title, fontsize=8, loc="right", color="#4a5568")
    ax.set_yticks(range(len(LANES)), list(reversed(LANES)))
    ax.set_ylim(-0.9, len(LANES) - 0.4)
    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d\n%Y"))  # type: ignore[no-untyped-call]
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.25)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _legend(ax: Axes) -> None:
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
    ax.legend(loc="upper left", fontsize=7, ncol=6, frameon=False, bbox_to_anchor=(0.0, 1.2))


def timeline_png(result: InvestigationResult, *, width: float = 11.0) -> bytes:
    """PNG bytes of the case timeline: the overview, then the embargo window zoomed in."""
    from matplotlib.figure import Figure  # Agg canvas, no display; imported only to draw

    window = embargo_window(result)
    fig = Figure(figsize=(width, 7.4 if window else 3.9), dpi=110)
    if window is None:
        overview = fig.add_subplot()
        _panel(overview, result, labels=True, title="whole case")
    else:
        overview, zoom = fig.subplots(2, 1, height_ratios=(1, 1.25))
        _panel(overview, result, labels=False, title="whole case (shaded: embargo window)")
        overview.axvspan(_x(window[0]), _x(window[1]), color="#2b6cb0", alpha=0.06, lw=0)
        _panel(zoom, result, labels=True, title="embargo window, zoomed in")
        zoom.set_xlim(_x(window[0]), _x(window[1]))
    _legend(overview)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


__all__ = ["LANES", "embargo_window", "timeline_png"]
