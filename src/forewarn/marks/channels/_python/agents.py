"""Real browser releases, for scheme 5's user-agent marks: a user agent only ever moves to
another release the same browser shipped, with every version number in it coherent.

Scheme 3 moved single digits of a user agent's version (`Firefox/120.0` → `121.0` beside an
unchanged `rv:120.0`), which no browser sends. Scheme 5 freezes every digit of a user agent
and instead moves one whole version to its neighbour in the lists below, which hold releases
that were published: Firefox (whose `rv:` always equals its version; every major from 60 on
shipped as `N.0`), Chrome's full builds of the stable channel before the reduced user agent
(Chrome 110 on sends `N.0.0.0`, every major shipped), and Safari's `Version/` releases (with
WebKit's frozen `605.1.15`). Edge, Opera and anything else are left exactly as written.
"""

from __future__ import annotations

import re

FIREFOX_MAJORS = tuple(range(60, 131))
"""Firefox releases `N.0` (60 in 2018 to 130 in 2024): the user agent says `rv:N.0` and
`Firefox/N.0` with the same `N`."""

FIREFOX_WINDOWS_7_LAST = 115
"""The last Firefox (ESR 115) that ran on Windows 7 (`Windows NT 6.1`)."""

CHROME_BUILDS: tuple[str, ...] = (
    "86.0.4240.75",
    "86.0.4240.111",
    "86.0.4240.183",
    "86.0.4240.198",
    "87.0.4280.66",
    "87.0.4280.88",
    "87.0.4280.141",
    "88.0.4324.96",
    "88.0.4324.104",
    "88.0.4324.150",
    "88.0.4324.182",
    "88.0.4324.190",
    "89.0.4389.72",
    "89.0.4389.82",
    "89.0.4389.90",
    "89.0.4389.114",
    "89.0.4389.128",
    "90.0.4430.72",
    "90.0.4430.85",
    "90.0.4430.93",
    "90.0.4430.212",
    "91.0.4472.77",
    "91.0.4472.101",
    "91.0.4472.114",
    "91.0.4472.124",
    "92.0.4515.107",
    "92.0.4515.131",
    "92.0.4515.159",
    "93.0.4577.63",
    "93.0.4577.82",
    "94.0.4606.61",
    "94.0.4606.71",
    "94.0.4606.81",
    "95.0.4638.54",
    "95.0.4638.69",
    "96.0.4664.45",
    "96.0.4664.93",
    "96.0.4664.110",
    "97.0.4692.71",
    "97.0.4692.99",
    "98.0.4758.80",
    "98.0.4758.102",
    "99.0.4844.51",
    "99.0.4844.74",
    "99.0.4844.82",
    "100.0.4896.60",
    "100.0.4896.75",
    "100.0.4896.127",
)
"""Chrome stable desktop builds, in release order (Chrome releases blog, 2020-2022)."""

CHROME_REDUCED_MAJORS = tuple(range(110, 131))
"""Chrome majors whose user agent is reduced to `N.0.0.0` (every one shipped)."""

CHROME_WINDOWS_7_LAST = 109
"""The last Chrome that ran on Windows 7."""

SAFARI_VERSIONS: tuple[str, ...] = (
    "14.0.3",
    "14.1",
    "14.1.1",
    "14.1.2",
    "15.0",
    "15.1",
    "15.2",
    "15.3",
    "15.4",
    "15.5",
    "15.6",
    "15.6.1",
    "16.0",
    "16.1",
    "16.2",
    "16.3",
    "16.4",
    "16.5",
    "16.6",
    "17.0",
    "17.1",
    "17.2",
    "17.3",
    "17.4",
    "17.5",
    "17.6",
)
"""Safari releases as `Version/…` says them, in order (Apple's Safari release notes)."""

AGENT = re.compile(r"^Mozilla/5\.0 \(")
"""A browser's user agent (every one starts so); scheme 5 edits no digit inside it."""

_FIREFOX = re.compile(r"rv:(\d+)\.0\) Gecko/20100101 Firefox/(\d+)\.0$")
_CHROME = re.compile(r"(?<= Chrome/)(\d+\.0\.\d+\.\d+)(?= (?:Mobile )?Safari/537\.36$)")
_SAFARI = re.compile(r"(?<= Version/)(\d+\.\d+(?:\.\d+)?)(?= (?:Mobile/\S+ )?Safari/605\.1\.15$)")
_WINDOWS = re.compile(r"(?<=Windows NT )(10\.0|6\.1)(?=; (?:Win64|WOW64))")


def _neighbour(items: tuple[str, ...], item: str) -> str | None:
    if item not in items or len(items) < 2:
        return None
    at = items.index(item)
    return items[at + 1] if at + 1 < len(items) else items[at - 1]


def _version_part(agent: str) -> tuple[int, int, str, int, int] | None:
    """`(start, end, other form, major now, major after)` of the browser version part."""
    if " Edg/" in agent or " OPR/" in agent:
        return None
    if (m := _FIREFOX.search(agent)) is not None:
        major = int(m.group(1))
        if major != int(m.group(2)) or major not in FIREFOX_MAJORS:
            return None
        other = _neighbour(tuple(map(str, FIREFOX_MAJORS)), str(major))
        assert other is not None
        text = f"rv:{other}.0) Gecko/20100101 Firefox/{other}.0"
        return m.start(), m.end(), text, major, int(other)
    if (m := _CHROME.search(agent)) is not None:
        build = m.group(1)
        if build.endswith(".0.0.0"):
            majors = tuple(f"{n}.0.0.0" for n in CHROME_REDUCED_MAJORS)
            other = _neighbour(majors, build)
        else:
            other = _neighbour(CHROME_BUILDS, build)
        if other is None:
            return None
        return m.start(), m.end(), other, int(build.split(".")[0]), int(other.split(".")[0])
    if (m := _SAFARI.search(agent)) is not None:
        other = _neighbour(SAFARI_VERSIONS, m.group(1))
        return None if other is None else (m.start(), m.end(), other, 0, 0)
    return None


_PLATFORM = re.compile(r"(?<=; )(Win64; x64|WOW64)(?=[;)])")
"""The Windows platform token after `Windows NT …; `: a 64-bit build, or a 32-bit build on
64-bit Windows."""


def _platform_part(agent: str) -> tuple[int, int, str] | None:
    """Scheme 6: `Win64; x64` / `WOW64`, which Firefox's and (before the reduced user agent)
    Chrome's 32- and 64-bit Windows builds send on 64-bit Windows 7 and 10."""
    m = _PLATFORM.search(agent)
    if m is None or _WINDOWS.search(agent) is None or " Edg/" in agent or " OPR/" in agent:
        return None
    chrome = _CHROME.search(agent)
    if _FIREFOX.search(agent) is None and (chrome is None or chrome.group(1) not in CHROME_BUILDS):
        return None
    other = "WOW64" if m.group(1) == "Win64; x64" else "Win64; x64"
    return m.start(), m.end(), other


def agent_partners(agent: str, version: int = 5) -> list[tuple[int, int, str]]:
    """`(start, end, other form)` of each part of a real user agent that may move to another
    real release: the browser version, and Windows 10 / 7 while both releases ran on 7;
    `version` 6 adds the 64- or 32-bit Windows build (`_platform_part`)."""
    if AGENT.match(agent) is None:
        return []
    found: list[tuple[int, int, str]] = []
    if version >= 6 and (platform := _platform_part(agent)) is not None:
        found.append(platform)
    version_part = _version_part(agent)
    if version_part is not None:
        found.append(version_part[:3])
    windows = _WINDOWS.search(agent)
    if windows is not None and version_part is not None:
        last = FIREFOX_WINDOWS_7_LAST if "Firefox/" in agent else CHROME_WINDOWS_7_LAST
        if "Chrome/" in agent or "Firefox/" in agent:
            if max(version_part[3], version_part[4]) <= last:
                other = "6.1" if windows.group(1) == "10.0" else "10.0"
                found.append((windows.start(), windows.end(), other))
    return sorted(found)


def coherent_agent(agent: str) -> bool:
    """Whether `agent` is one a real browser release sends, as far as these lists know:
    Firefox's `rv:` equals its version, Chrome's build and Safari's version were shipped,
    and Windows 7 only with releases that ran on it."""
    if AGENT.match(agent) is None:
        return False
    if "Firefox/" in agent:
        m = _FIREFOX.search(agent)
        if m is None or m.group(1) != m.group(2):
            return False
        major = int(m.group(1))
        return major in FIREFOX_MAJORS and not (
            "Windows NT 6.1" in agent and major > FIREFOX_WINDOWS_7_LAST
        )
    if " Edg/" in agent or " OPR/" in agent:
        return True  # left as written: never moved by a mark
    if (m := _CHROME.search(agent)) is not None:
        build = m.group(1)
        major = int(build.split(".")[0])
        shipped = build in CHROME_BUILDS or (
            build.endswith(".0.0.0") and major in CHROME_REDUCED_MAJORS
        )
        return shipped and not ("Windows NT 6.1" in agent and major > CHROME_WINDOWS_7_LAST)
    if (m := _SAFARI.search(agent)) is not None:
        return m.group(1) in SAFARI_VERSIONS
    return False


__all__ = [
    "AGENT",
    "CHROME_BUILDS",
    "FIREFOX_MAJORS",
    "SAFARI_VERSIONS",
    "agent_partners",
    "coherent_agent",
]
