"""The timeline picture of an investigation: notices, releases, fetches, attacks, patch dates.

Drawn with matplotlib's Agg backend into PNG bytes, so the report embeds it and no display or
browser is needed. One lane per kind of actor, and one per exposure group (each wave or policy
subset, with its release and its fetches at their real times), so a reader sees at a glance what
came before what. Two panels: the whole story from discovery, then the embargo window (notice →
planned patch) zoomed in, where the weeks that matter would otherwise be squeezed into a sliver.
The embargo (partners hold the material, the patch is not out) and the public phase after the
patch are shaded in different colours; fetches sit at the instants the audit log recorded,
labelled per group; the legend lists every mark the picture can show. matplotlib is imported when
a picture is drawn, not when the CLI starts.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from forewarn.domain.exposure import ExposureGroup
from forewarn.domain.investigation import InvestigationResult, RecommendationKind
from forewarn.domain.timeline import EventKind

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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
    "embargo": "#2b6cb0",
    "public": "#38a169",
}

PHASE_ALPHA = {"embargo": 0.07, "public": 0.12}
"""How strongly each phase is shaded: the public phase in green, visibly unlike the embargo."""


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
    name = f"{group.tier or 'wave'} {group.wave_at:%m-%d}"
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
    notices = _notices(result)
    if not notices:
        return None
    ends = [*_patch_dates(result).values(), result.as_of]
    return min(notices) - MARGIN, max(ends) + MARGIN


def _notices(result: InvestigationResult) -> list[datetime]:
    """When partners were given material: each release's delivery, and notice events."""
    found = [r.exposed_from for r in result.releases]
    return found + [e.at.start for e in result.events if e.kind is EventKind.PARTNER_NOTICE]


def patch_released(result: InvestigationResult) -> datetime | None:
    """When the patch went public: the investigation's public moment, else the case's actual
    patch, else its earliest `patch-released` event."""
    if result.public_since is not None:
        return result.public_since.start
    if result.case.patch_actual is not None:
        return result.case.patch_actual.start
    events = [e.at.start for e in result.events if e.kind is EventKind.PATCH_RELEASED]
    return min(events) if events else None


def phases(result: InvestigationResult, end: datetime) -> list[tuple[str, datetime, datetime]]:
    """`("embargo", start, stop)` while partners hold the material and the patch is not out,
    then `("public", patch, end)` once it is: the two are shaded differently."""
    notices = _notices(result)
    public = patch_released(result)
    found = []
    if notices:
        stop = public if public is not None else max(end, min(notices))
        found.append(("embargo", min(notices), max(stop, min(notices))))
    if public is not None and public < end:
        found.append(("public", public, end))
    return found


def _patch_dates(result: InvestigationResult) -> dict[str, datetime]:
    """Planned, recommended and actual patch times; the actual one at its recorded instant."""
    case = result.case
    found = {"planned": _at(case.patch_planned)}
    public = patch_released(result)
    if public is not None:
        found["actual"] = public
    for r in result.recommendations:
        if r.kind is RecommendationKind.MOVE_PATCH and r.target_date is not None:
            found["recommended"] = _at(r.target_date)
    return found


def _activities(ax: Axes, result: InvestigationResult, rows: tuple[str, ...]) -> None:
    for activity in result.activities:
        start, end = _x(activity.start.start), _x(activity.end.end)
        ax.axvspan(start, end, color=COLOURS["exploitation"], alpha=0.08, lw=0)
        ax.annotate(  # in both panels: the waves are what the text talks about
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


CASE_KINDS = (
    EventKind.DISCOVERED,
    EventKind.REPORTED,
    EventKind.PRESS,
    EventKind.FINDER_DISCLOSURE,
)
"""Events drawn and labelled on the case's own row: what the finder, vendor and press did."""


def _events(ax: Axes, result: InvestigationResult, rows: tuple[str, ...], *, labels: bool) -> None:
    for event in result.events:
        x = _x(event.at.start)
        if event.kind in (EventKind.SCANNING, EventKind.EXPLOITATION):
            colour = COLOURS[event.kind.value]
            marker = "v" if event.kind is EventKind.SCANNING else "X"
            ax.scatter([x], [_y(rows, "Attackers")], marker=marker, s=90, color=colour, zorder=3)
        elif event.kind in CASE_KINDS:
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
        elif event.kind is EventKind.OTHER:
            ax.scatter([x], [_y(rows, "Case")], marker="o", s=24, color=COLOURS["case"], alpha=0.6)
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


def _phases(ax: Axes, result: InvestigationResult, end: datetime) -> None:
    for name, start, stop in phases(result, end):
        ax.axvspan(_x(start), _x(stop), color=COLOURS[name], alpha=PHASE_ALPHA[name], lw=0)


def _panel(
    ax: Axes, result: InvestigationResult, *, labels: bool, title: str, end: datetime
) -> None:
    import matplotlib.dates as mdates

    rows = lanes(result)
    _phases(ax, result, end)
    _activities(ax, result, rows)
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


def legend_entries(result: InvestigationResult) -> list[str]:
    """The legend's labels, in order: every mark and shade the picture can show for `result`."""
    names = ["scanning", "exploitation", "material found", "case event", "partner release"]
    names += ["fetch", "patch planned"]
    dates = _patch_dates(result)
    names += [f"patch {name}" for name in ("actual", "recommended") if name in dates]
    names += ["attacker activity", "embargo"]
    if patch_released(result) is not None:
        names.append("public (after the patch)")
    return names


def _legend(fig: Figure, result: InvestigationResult) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def mark(marker: str, colour: str, size: float = 7) -> Line2D:
        return Line2D([], [], marker=marker, color=colour, ls="", markersize=size)

    handles = {
        "scanning": mark("v", COLOURS["scanning"]),
        "exploitation": mark("X", COLOURS["exploitation"]),
        "material found": mark("D", COLOURS["finding"], 6),
        "case event": mark("o", COLOURS["case"], 6),
        "partner release": mark("s", COLOURS["notice"], 6),
        "fetch": mark("|", COLOURS["fetch"], 9),
        "patch planned": mark("*", COLOURS["planned"], 10),
        "patch actual": mark("*", COLOURS["actual"], 10),
        "patch recommended": mark("*", COLOURS["recommended"], 10),
        "attacker activity": Patch(color=COLOURS["exploitation"], alpha=0.15, lw=0),
        "embargo": Patch(color=COLOURS["embargo"], alpha=0.15, lw=0),
        "public (after the patch)": Patch(color=COLOURS["public"], alpha=0.25, lw=0),
    }
    names = legend_entries(result)
    fig.legend(
        [handles[n] for n in names],
        names,
        loc="upper center",
        ncol=min(len(names), 7),
        fontsize=7.5,
        frameon=False,
        bbox_to_anchor=(0.5, 1.0),
    )


def timeline_png(result: InvestigationResult, *, width: float = 11.0) -> bytes:
    """PNG bytes of the case timeline: the overview, then the embargo window zoomed in."""
    from matplotlib.figure import Figure  # Agg canvas, no display; imported only to draw

    window = embargo_window(result)
    extra = 0.35 * max(len(lanes(result)) - 5, 0)
    fig = Figure(figsize=(width, (7.8 if window else 4.3) + 2 * extra), dpi=110)
    end = max([*_patch_dates(result).values(), result.as_of]) + MARGIN
    if window is None:
        overview = fig.add_subplot()
        _panel(overview, result, labels=True, title="whole case", end=end)
    else:
        overview, zoom = fig.subplots(2, 1, height_ratios=(1, 1.25))
        _panel(overview, result, labels=False, title="whole case", end=end)
        overview.axvspan(_x(window[0]), _x(window[1]), fill=False, ec="#a0aec0", lw=0.8, ls=":")
        _panel(
            zoom,
            result,
            labels=True,
            title="embargo window, zoomed in (dotted frame above)",
            end=window[1],
        )
        zoom.set_xlim(_x(window[0]), _x(window[1]))
    _legend(fig, result)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


__all__ = [
    "embargo_window",
    "group_lane",
    "lanes",
    "legend_entries",
    "patch_released",
    "phases",
    "timeline_png",
]
