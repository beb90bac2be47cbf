"""Marking schemes: versioned channel sets, and the one function that builds a case's marker.

A scheme fixes which channels carry the code in which kind of artifact. A new channel design
(a new payload reader, say) is a new scheme; the old one stays here, so that a case released
under it still decodes exactly as it was marked. Every `Marker` for a released case is built by
`Marker.for_case` from the case's stored `MarkingParams`, never by hand.
"""

from __future__ import annotations

from collections.abc import Callable

from forewarn.domain import ArtifactKind
from forewarn.domain.marking import MarkingParams
from forewarn.errors import MarkError
from forewarn.marks.channels.literals import LiteralChannel
from forewarn.marks.channels.payload import PayloadChannel
from forewarn.marks.channels.pysource import PythonSourceChannel
from forewarn.marks.channels.rules import RulesChannel
from forewarn.marks.channels.text import TextChannel
from forewarn.marks.channels.wire import WireChannel
from forewarn.marks.registry import ChannelRegistry

CURRENT_SCHEME = 6
"""The scheme new cases are marked with."""

DEFAULT_MAX_COLLUDERS = 3
"""Coalition size a new case's code withstands."""

DEFAULT_EPSILON = 1e-3
"""Chance of accusing any innocent partner in one investigation, for a new case."""


def _scheme_1() -> ChannelRegistry:
    """Text for advisories and detection guidance; payload, then Python source, for PoCs."""
    text = TextChannel(safe_headings=False)
    payload = PayloadChannel()
    return ChannelRegistry(
        {
            ArtifactKind.ADVISORY: (text,),
            ArtifactKind.DETECTION: (text,),
            ArtifactKind.POC: (payload, PythonSourceChannel(after=payload)),
        }
    )


def _scheme_2() -> ChannelRegistry:
    """As scheme 1, but a PoC's wire values are read from what it sends (`WireChannel`): from
    statically evaluated code and from captured traffic, not from how the source spells them.
    Text leaves alone the headings scheme 1 misread (`# ## x`). PoCs in other languages carry
    marks in their string literals (`LiteralChannel`; a Python PoC offers it nothing)."""
    text = TextChannel()
    wire = WireChannel()
    return ChannelRegistry(
        {
            ArtifactKind.ADVISORY: (text,),
            ArtifactKind.DETECTION: (text,),
            ArtifactKind.POC: (wire, PythonSourceChannel(after=wire), LiteralChannel()),
        }
    )


def _scheme_3() -> ChannelRegistry:
    """As scheme 2, with scheme 3's wire channel (`WireChannel(version=3)`): every digit of an
    arbitrary number, coherent header-value variants, padding letters, JSON separators, the
    order of statements that build a cookie or a header dict, and behaviour constants read from
    code by role (timeouts, retries, pauses, read sizes, printed JSON's indent, request loops).
    Its Python source channel anchors blind to those values, so the two never collide. Detection
    rules (YARA, Suricata) carry marks in their free wording and order (`RulesChannel`). A new
    scheme, not an addition to scheme 2: a case stores the channel set it was released with."""
    text = TextChannel()
    wire = WireChannel(version=3)
    return ChannelRegistry(
        {
            ArtifactKind.ADVISORY: (text,),
            ArtifactKind.DETECTION: (text,),
            ArtifactKind.POC: (
                wire,
                PythonSourceChannel(blind=True, after=wire),
                LiteralChannel(),
            ),
            ArtifactKind.RULES: (RulesChannel(),),
        }
    )


def _scheme_4() -> ChannelRegistry:
    """Scheme 3's channels; what is new is the tokens: credentials, ids, hosts and paths of
    real formats whose bodies identify their owner under the token key (`marks.tokens`,
    `tokens.self_identifying(scheme)`), instead of prefixed reference ids stored per copy."""
    return _scheme_3()


def _scheme_5() -> ChannelRegistry:
    """As scheme 3, with natural choices only: every kind of choice point is one whose both
    forms the standard library writes (the rarer at least 5 % of occurrences; the table is in
    docs/fingerprinting.md), with scheme 5's new kinds (`ifnegate`, `ternegate`, `raisecall`,
    `whiletrue`) and word pairs, and wire values kept coherent (a user agent moves only
    between real releases; times, zones and HTTP dates stay), and scheme 4's self-identifying
    tokens of real formats."""
    text = TextChannel(version=5)
    wire = WireChannel(version=5)
    return ChannelRegistry(
        {
            ArtifactKind.ADVISORY: (text,),
            ArtifactKind.DETECTION: (text,),
            ArtifactKind.POC: (
                wire,
                PythonSourceChannel(blind=True, version=5, after=wire),
                LiteralChannel(),
            ),
            ArtifactKind.RULES: (RulesChannel(),),
        }
    )


def _scheme_6() -> ChannelRegistry:
    """As scheme 5, with more natural kinds measured by the same census: Python source
    `ifswap` and `ternary` on plain tests (`if not ok:`), `sysexit` (`sys.exit(x)` /
    `raise SystemExit(x)`) and `lenzero` (`len(x) > 0` / `len(x) != 0`); more word pairs; and
    wire edits a capture shows (the `safe` characters of a `quote` call, a 32-bit browser on
    64-bit Windows in a Chrome user agent)."""
    text = TextChannel(version=6)
    wire = WireChannel(version=6)
    return ChannelRegistry(
        {
            ArtifactKind.ADVISORY: (text,),
            ArtifactKind.DETECTION: (text,),
            ArtifactKind.POC: (
                wire,
                PythonSourceChannel(blind=True, version=6, after=wire),
                LiteralChannel(),
            ),
            ArtifactKind.RULES: (RulesChannel(),),
        }
    )


SCHEMES: dict[int, Callable[[], ChannelRegistry]] = {
    1: _scheme_1,
    2: _scheme_2,
    3: _scheme_3,
    4: _scheme_4,
    5: _scheme_5,
    6: _scheme_6,
}
"""Scheme version → the channel registry it marks with (numbers need not be contiguous)."""


def registry_for(scheme: int) -> ChannelRegistry:
    """The channels of `scheme`; an unknown scheme is refused (this forewarn is too old)."""
    factory = SCHEMES.get(scheme)
    if factory is None:
        raise MarkError(
            f"marking scheme {scheme} is unknown to this forewarn",
            hint="upgrade forewarn: the case was marked by a newer version",
        )
    return factory()


def channel_set(registry: ChannelRegistry) -> tuple[str, ...]:
    """`kind:channel` pairs of a registry in application order, as stored with a case."""
    return tuple(
        f"{kind.value}:{channel.name}"
        for kind in ArtifactKind
        for channel in registry.for_kind(kind)
    )


def new_params(
    n_partners: int,
    *,
    max_colluders: int = DEFAULT_MAX_COLLUDERS,
    epsilon: float = DEFAULT_EPSILON,
    domains: tuple[str, ...] = (),
) -> MarkingParams:
    """The parameters a case not yet released will be marked with (`domains`: the program's
    token domains)."""
    return MarkingParams(
        scheme=CURRENT_SCHEME,
        n_partners=n_partners,
        max_colluders=max_colluders,
        epsilon=epsilon,
        channels=channel_set(registry_for(CURRENT_SCHEME)),
        domains=domains,
    )


def default_registry() -> ChannelRegistry:
    """The channels of the current scheme (what a new case is marked with)."""
    return registry_for(CURRENT_SCHEME)


def registry_of(case_id: str, params: MarkingParams) -> ChannelRegistry:
    """The channels a case was marked with, checked against what it stored.

    Fails closed: if the scheme's channels are not the ones stored with the case, decoding would
    read the wrong choice points, so it refuses rather than reading noise.
    """
    registry = registry_for(params.scheme)
    if channel_set(registry) != params.channels:
        raise MarkError(
            f"case {case_id} was marked with channels {', '.join(params.channels)}; "
            f"scheme {params.scheme} here has {', '.join(channel_set(registry))}",
            hint="the marking code changed without a new scheme version: restore it",
        )
    return registry


__all__ = [
    "CURRENT_SCHEME",
    "SCHEMES",
    "default_registry",
    "channel_set",
    "new_params",
    "registry_for",
    "registry_of",
]
