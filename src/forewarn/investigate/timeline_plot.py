"""The timeline picture of an investigation: notices, releases, fetches, attacks, patch dates.

Drawn with matplotlib's Agg backend into PNG bytes, so the report embeds it and no display or
browser is needed. One lane per kind of actor, and one per exposure group (each wave or policy
subset, with its release and its fetches at their real times), so a reader sees at a glance what
came before what. Once the patch is public, the time after it is shaded apart from the embargo.
Two panels: the whole story from discovery, then the embargo window (notice → planned patch)
zoomed in, where the weeks that matter would otherwise be squeezed into a sliver. matplotlib is
imported when a picture is drawn, not when the CLI starts.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from forewarn.domain.investigation import ExposureGroup, InvestigationResult, RecommendationKind
from forewarn.domain.timeline import EventKind

if TYPE_CHECKING:
    from matplotlib.axes import Axes

TOP = ("Patch", "Case")
"""Rows above the partners' lanes."""
BOTTOM = ("Attackers", "Found")
"""Rows below them."""

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
    "public": "#38a169",
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


def group_lane(group: ExposureGroup) -> str:
    """A group's row name: `early-access 02-23 (16)`, `mapp 03-12 w/o poc.py (1)`."""
    name = f"{group.tier or 'wave'} {group.released_at:%m-%d}"
    if " without " in group.label:
        name += " w/o " + group.label.split(" without ", 1)[1]
    return f"{name} ({len(group.partners)})"


def lanes(result: InvestigationResult) -> tuple[str, ...]:
    """Rows of the picture, top to bottom: one per exposure group between case and attackers."""
    middle = tuple(group_lane(g) for g in result.groups) or ("Partners",)
    return (*TOP, *middle, *BOTTOM)


def _y(rows: tuple[str, ...], lane: str) -> int:
    return len(rows) - 1 - rows.index(lane)


def embargo_window(result: InvestigationResult) -> tuple[datetime, datetime] | None:
    """From the first partner notice to the latest patch date (or now), with `MARGIN` each side."""
    notices = [r.available_at for r in result.releases]
    notices += [e.at.start for e in result.events if e.kind is EventKind.PARTNER_NOTICE]
    if not notices:
        return None
    ends = [*_patch_dates(result).values(), result.as_of]
    return min(notices) - MARGIN, max(ends) + MARGIN


def _patch_dates(result: InvestigationResult) -> dict[str, datetime]:
    """Planned, recommended and actual patch times; the actual one at its recorded instant."""
    case = result.case
    found = {"planned": _at(case.patch_planned)}
    if result.public_since is not None:
        found["actual"] = result.public_since.start
    elif case.patch_actual is not None:
        found["actual"] = case.patch_actual.start
    for r in result.recommendations:
        if r.kind is RecommendationKind.MOVE_PATCH and r.target_date is not None:
            found["recommended"] = _at(r.target_date)
    return found


def _activities(
    ax: Axes, result: InvestigationResult, rows: tuple[str, ...], *, labels: bool
) -> None:
    for activity in result.activities:
        start, end = _x(activity.start.start), _x(activity.end.end)
        ax.axvspan(start, end, color=COLOURS["exploitation"], alpha=0.08, lw=0)
        if labels:
            ax.annotate(
                activity.label,
                (start, _y(rows, "Attackers") + 0.42),
                fontsize=8,
                color=COLOURS["exploitation"],
                fontweight="bold",
            )
    for activity in result.activities:
        seen = [_x(f.seen.start) for f in activity.findings]
        ax.scatter(
            seen, [_y(rows, "Found")] * len(seen), marker="D", s=50, color=COLOURS["finding"]
        )


def _events(ax: Axes, result: InvestigationResult, rows: tuple[str, ...], *, labels: bool) -> None:
    for event in result.events:
        x = _x(event.at.start)
        if event.kind in (EventKind.SCANNING, EventKind.EXPLOITATION):
            colour = COLOURS[event.kind.value]
            marker = "v" if event.kind is EventKind.SCANNING else "X"
            ax.scatter([x], [_y(rows, "Attackers")], marker=marker, s=90, color=colour, zorder=3)
        elif event.kind in (EventKind.DISCOVERED, EventKind.REPORTED, EventKind.PRESS):
            if event.at.end - event.at.start > timedelta(days=2):
                ax.hlines(
                    _y(rows, "Case"), x, _x(event.at.end), color=COLOURS["case"], lw=5, alpha=0.5
                )
            ax.scatter([x], [_y(rows, "Case")], marker="o", s=40, color=COLOURS["case"], zorder=3)
            if labels:
                ax.annotate(
                    event.kind.value,
                    (x, _y(rows, "Case") - 0.35),
                    fontsize=7,
                    color=COLOURS["case"],
                )
        elif event.kind is EventKind.PARTNER_NOTICE and not result.releases:
            ax.axvline(x, color=COLOURS["notice"], lw=1, ls="--", alpha=0.7)
        elif event.kind is EventKind.PATCH_RELEASED:
            ax.scatter(
                [x], [_y(rows, "Patch")], marker="*", s=160, color=COLOURS["actual"], zorder=3
            )
            if labels:
                ax.annotate(
                    "patch released",
                    (x, _y(rows, "Patch") - 0.42),
                    fontsize=7,
                    color=COLOURS["actual"],
                )
    if not any(e.kind is EventKind.REPORTED for e in result.events):
        reported = _x(_at(result.case.reported))
        ax.scatter(
            [reported], [_y(rows, "Case")], marker="o", s=40, color=COLOURS["case"], zorder=3
        )
        if labels:
            ax.annotate(
                "reported", (reported, _y(rows, "Case") - 0.35), fontsize=7, color=COLOURS["case"]
            )


def _partners(
    ax: Axes, result: InvestigationResult, rows: tuple[str, ...], *, labels: bool
) -> None:
    """Each group in its own lane: its release, and its fetches at their real times."""
    for group in result.groups:
        y = _y(rows, group_lane(group))
        when = _x(group.released_at)
        ax.axvline(when, color=COLOURS["notice"], lw=1, ls="--", alpha=0.35)
        ax.scatter([when], [y + 0.12], marker="s", s=60, color=COLOURS["notice"], zorder=3)
        if labels:
            # offset to the right of the dashed line, on white, so the line never crosses it
            ax.annotate(
                f"{len(group.partners)} notified",
                (when, y + 0.3),
                xytext=(5, 0),
                textcoords="offset points",
                fontsize=7,
                color=COLOURS["notice"],
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            )
        fetches = sorted(_x(f.at) for f in group.fetches)
        ax.scatter(
            fetches,
            [y - 0.2] * len(fetches),
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
                (fetches[-1], y - 0.28),
                xytext=(6, 0),
                textcoords="offset points",
                fontsize=7,
                color=COLOURS["fetch"],
            )


def _public(ax: Axes, result: InvestigationResult, right: float) -> None:
    """The public phase, from the patch's release on, shaded apart from the embargo."""
    if result.public_since is not None:
        ax.axvspan(_x(result.public_since.start), right, color=COLOURS["public"], alpha=0.07, lw=0)


def _patches(ax: Axes, result: InvestigationResult, rows: tuple[str, ...], *, labels: bool) -> None:
    patches = sorted(_patch_dates(result).items(), key=lambda p: p[1])
    for index, (name, day) in enumerate(patches):
        x = _x(day)
        ax.scatter([x], [_y(rows, "Patch")], marker="*", s=160, color=COLOURS[name], zorder=3)
        if labels:
            ax.annotate(
                f"{name} {day:%b %d}",
                (x, _y(rows, "Patch") + (0.22 if index % 2 == 0 else -0.42)),
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

    rows = lanes(result)
    _activities(ax, result, rows, labels=labels)
    _events(ax, result, rows, labels=labels)
    _partners(ax, result, rows, labels=labels)
    _patches(ax, result, rows, labels=labels)
    ax.set_title(title, fontsize=8, loc="right", color="#4a5568")
    ax.set_yticks(range(len(rows)), list(reversed(rows)), fontsize=8)
    ax.set_ylim(-0.9, len(rows) - 0.4)
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
    extra = 0.35 * max(len(lanes(result)) - 5, 0)
    fig = Figure(figsize=(width, (7.4 if window else 3.9) + 2 * extra), dpi=110)
    if window is None:
        overview = fig.add_subplot()
        _panel(overview, result, labels=True, title="whole case")
        _public(overview, result, overview.get_xlim()[1])
    else:
        overview, zoom = fig.subplots(2, 1, height_ratios=(1, 1.25))
        shaded = "shaded: embargo window" + (", then public" if result.public_since else "")
        _panel(overview, result, labels=False, title=f"whole case ({shaded})")
        end = _x(window[1])
        if result.public_since is not None:
            end = min(end, _x(result.public_since.start))
        overview.axvspan(_x(window[0]), end, color="#2b6cb0", alpha=0.06, lw=0)
        _public(overview, result, overview.get_xlim()[1])
        _panel(zoom, result, labels=True, title="embargo window, zoomed in")
        zoom.set_xlim(_x(window[0]), _x(window[1]))
        _public(zoom, result, _x(window[1]))
    _legend(overview)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


__all__ = ["embargo_window", "group_lane", "lanes", "timeline_png"]
