"""The wire channel: bits in what a PoC sends, read back from what any copy or capture sends.

A leaked PoC rewritten by a code assistant keeps its requests byte for byte, because the tool
must keep working; its names, loops, helpers and spellings all change. So this channel reads
nothing from how the source is written: the suspect's code is evaluated statically into the
requests it would send (`forewarn.marks.wire`), a capture is read into the same form by the
hunt, and each bit is checked against the facts its edit changes on the wire (`signatures`).
The copy is the original with a few literals and display orders changed (`candidates`), and
every copy is evaluated again to prove it reads back as written.

`WireChannel(version=3)` is scheme 3's: finer facts, more kinds of edits (`choices`), and the
code's behaviour constants (`roles`), read from code only, and only from code that sends one of
the PoC's own requests (a timeout of 10 s in unrelated code says nothing about this PoC).
Scheme 2's channel (`version=2`, the default) reads exactly as it always did.
`WireChannel(version=5)` is scheme 5's: scheme 3's with only coherent values (a user agent
moves between real releases, `_python/agents`; times, zones and HTTP dates stay as written).
`WireChannel(version=6)` is scheme 6's: scheme 5's and the edits of `choices6`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from functools import lru_cache

from forewarn.domain.wire import PLACEHOLDER, HttpRequest, WireFeature
from forewarn.errors import MarkError
from forewarn.marks.channels._python.codegen import module_code
from forewarn.marks.channels.interface import Capture, Routes
from forewarn.marks.channels.payload.derived import remember
from forewarn.marks.channels.payload.read import is_wire_capture
from forewarn.marks.channels.wire.candidates import Literal
from forewarn.marks.channels.wire.facts import Observed, request_keys, skeleton
from forewarn.marks.channels.wire.foreign import read_foreign
from forewarn.marks.channels.wire.interpolate import interpolated_text
from forewarn.marks.channels.wire.roles import BEHAVIOUR
from forewarn.marks.channels.wire.signatures import (
    WirePlan,
    adopt_plan,
    observe,
    read_observed,
    wire_plan,
)
from forewarn.marks.channels.wire.spelt import read_spelt
from forewarn.marks.channels.wire.splice import spliced_text
from forewarn.marks.channels.wire.tree import WireLayout
from forewarn.marks.wire import Evaluation, evaluate
from forewarn.marks.wire.syntax import parse_python

logger = logging.getLogger(__name__)


class WireChannel:
    """Carries bits in the requests a PoC sends; survives any rewrite that keeps them."""

    name = "wire"
    capture_text = False

    def __init__(self, version: int = 2) -> None:
        if version not in (2, 3, 5, 6):
            raise MarkError(f"no wire channel version {version}")
        self.version = version
        """The marking scheme whose candidates and facts this channel uses (2, 3, 5 or 6)."""

    def _plan(self, original: str) -> WirePlan:
        return wire_plan(original, self.version)

    def plan_of(self, original: str) -> WirePlan:
        """The plan of `original` (some 200 evaluations of single-edit copies), to ship."""
        return self._plan(original)

    def adopt(self, original: str, plan: object) -> None:
        """Use `plan`, this channel's `plan_of(original)` made in another process of this run."""
        refused = MarkError("a wire plan handed over is not this channel's plan of the original")
        if not isinstance(plan, WirePlan):
            raise refused
        if (plan.original, plan.version) != (original, self.version):
            raise refused
        adopt_plan(plan)

    def reads_capture(self, suspect: str) -> bool:
        """Web-log lines and raw HTTP are traffic (so no channel reads them as text); their
        requests reach this channel as the hunt read them (`extract_capture`)."""
        return is_wire_capture(suspect)

    def capacity(self, original: str) -> int:
        """How many payload sites change what the PoC sends."""
        return len(self._plan(original).carried)

    def traffic_capacity(self, original: str) -> int:
        """How many of them a full capture shows (behaviour constants are never on the wire)."""
        plan = self._plan(original)
        return sum(any(key[1] != BEHAVIOUR for key, _, _ in sig) for sig in plan.signatures)

    def embed(self, original: str, bits: Sequence[int], *, check: bool = True) -> str:
        """The PoC with each carried site set to its bit; proven by evaluating the copy."""
        plan = self._plan(original)
        if len(bits) != len(plan.carried):
            raise MarkError(f"wire offers {len(plan.carried)} choice points, got {len(bits)} bits")
        if any(b not in (0, 1) for b in bits):
            raise MarkError("wire bits must be 0 or 1")
        if not plan.carried:
            return original
        full = list(plan.base_bits)
        for site, bit in zip(plan.carried, bits, strict=True):
            full[site] = bit
        marked = plan.write(full)
        if check and read_code(plan, marked) != list(bits):
            raise MarkError(
                "the marked wire values do not read back as written",
                hint="the PoC builds its requests in a way the wire channel cannot plan",
            )
        layout = _layout(original, self.version)
        if layout.complete:
            tree = layout.derived_tree(full)
            if module_code(tree.module) == marked:
                remember(marked, layout, full, tree)  # the source channel reuses this tree
        return marked

    def hands_over(self, original: str) -> bool:
        """Whether `embed` hands its copies of `original` to the source channel as derived
        trees (`remember`): when every edit is found in the original's tree (`WireLayout`)."""
        return _hands_over(original, self.version)

    def extract(self, original: str, suspect: str) -> list[int | None]:
        """The bits the suspect's code would send (evaluated, never run); where evaluation
        cannot follow it (a fragment), the bits its literals spell; disagreement erases."""
        plan = self._plan(original)
        if not plan.carried:
            return []
        evaluation = evaluate(suspect, as_sent=True)
        sent = _read_evaluation(plan, evaluation, suspect)
        if None in sent and is_python(suspect):
            # a rewrite that moved its values (argparse defaults, decorators, …): followed
            # only where the plain reading, the plan's own, left a symbol unread
            followed = _read_evaluation(plan, evaluate(suspect, as_sent=True, follow=True), suspect)
            sent = [
                bit if bit is not None else other for bit, other in zip(sent, followed, strict=True)
            ]
        if not is_python(suspect):
            # a rewrite in another language keeps the values, not the Python around them
            # and a constant spliced into a template or a format is folded back first
            # (by a grammar, `splice`, or by the shape most languages share, `interpolate`)
            texts = [suspect, spliced_text(suspect), interpolated_text(suspect)]
            return _agreed(sent, read_foreign(plan, "\n".join(t for t in texts if t)))
        spelt = read_spelt(plan, suspect)
        if all(bit is None for bit in sent) and not any(
            PLACEHOLDER not in r.path for r in evaluation.requests
        ):
            # Python whose requests the evaluator cannot place (raw text parsed at run time);
            # code sending to paths of its own is another tool, whatever values it keeps
            spelt = _agreed(spelt, read_foreign(plan, suspect))
        return _agreed(sent, spelt)

    def extract_capture(self, original: str, capture: Capture) -> list[int | None]:
        """The bits captured traffic shows, each form only for the features it shows."""
        plan = self._plan(original)
        if not plan.carried:
            return []
        shown = on_routes(plan, capture.requests)  # other clients' requests prove nothing
        if _recased(plan, shown):
            shown = list(map(_case_erased, shown))
        return read_requests(plan, shown)

    def routes(self, original: str) -> Routes | None:
        """The routes of the requests some carried edit changes (`on_routes`)."""
        return plan_routes(self._plan(original))


def _agreed(first: Sequence[int | None], second: Sequence[int | None]) -> list[int | None]:
    """Per site, the bit either reading shows; two that disagree erase it."""
    return [
        a if b is None else b if a is None else a if a == b else None
        for a, b in zip(first, second, strict=True)
    ]


def is_python(text: str) -> bool:
    """Whether Python's parser accepts `text` (parsed, never run)."""
    try:
        parse_python(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@lru_cache(maxsize=8)
def _layout(original: str, version: int) -> WireLayout:
    return WireLayout(wire_plan(original, version))


@lru_cache(maxsize=256)
def _hands_over(original: str, version: int) -> bool:
    """`WireChannel.hands_over`, kept longer than layouts: a hunt reads many cases' PoCs."""
    return bool(wire_plan(original, version).carried) and _layout(original, version).complete


def read_code(plan: WirePlan, source: str) -> list[int | None]:
    """Per carried site, the bit the code would send (evaluated, never run); scheme 3 adds
    its behaviour constants when the code sends one of the PoC's own requests."""
    return _read_evaluation(plan, evaluate(source), source)


def _read_evaluation(plan: WirePlan, evaluation: Evaluation, source: str) -> list[int | None]:
    requests = evaluation.requests
    if plan.version < 3:
        return read_requests(plan, requests)
    ours = {(m, p) for m, p, _ in request_keys(requests)} & set(plan.wrap)
    code = evaluation if ours else None
    return _read(plan, observe(requests, code, source, 3, plan.wrap, plan.wanted))


def read_requests(plan: WirePlan, requests: Sequence[HttpRequest]) -> list[int | None]:
    """Per carried site, the bit the requests show; `None` when unseen, changed or mixed."""
    return _read(
        plan, observe(on_routes(plan, requests), None, "", plan.version, plan.wrap, plan.wanted)
    )


def on_routes(plan: WirePlan, requests: Sequence[HttpRequest]) -> list[HttpRequest]:
    """The requests some carried edit can speak of. Every fact is keyed by its request's
    method, path skeleton and rank among requests of that pair, so a request on any other
    route never meets a signature: a web log's other traffic is dropped before its facts are
    worked out (it cost seconds and gigabytes a log), and the bits read are the same."""
    routes = plan_routes(plan)
    return [r for r in requests if (r.method.upper(), skeleton(r.path)) in routes]


def plan_routes(plan: WirePlan) -> Routes:
    """The routes of the requests the plan's signatures speak of."""
    return frozenset((key[0][0], key[0][1]) for sig in plan.signatures for key, _, _ in sig)


def _recased(plan: WirePlan, requests: Sequence[HttpRequest]) -> bool:
    """Whether the capture proves its client re-cased the header names the code wrote.

    Many clients re-case every name they send: `urllib.request` titles them, Go's `net/http`
    and .NET canonicalise them. A copy's name is always one of its edit's two forms
    (`msExchLogonMailbox` or `msexchlogonmailbox`); a capture spelling it otherwise
    (`Msexchlogonmailbox`) shows a client that chose the case of every name it sent, so no
    case bit of the capture is the code's (each would read as the client's style, wrong
    half the time). A leaker's own capture never shows such a name, and reads every bit.
    """
    forms: dict[str, set[str]] = {}
    for k in plan.carried:
        edit = plan.edits[k]
        if isinstance(edit, Literal) and edit.kind == "case":
            forms.setdefault(edit.forms[0].lower(), set()).update(edit.forms)
    return any(
        name.lower() in forms and name not in forms[name.lower()]
        for request in requests
        if WireFeature.HEADER_CASE in request.shows
        for name, _ in request.headers
    )


def _case_erased(request: HttpRequest) -> HttpRequest:
    return dataclasses.replace(request, shows=request.shows - {WireFeature.HEADER_CASE})


def _read(plan: WirePlan, observed: Sequence[Observed]) -> list[int | None]:
    out = read_observed(plan, observed)
    logger.debug("wire: %d of %d sites read", len(out) - out.count(None), len(out))
    return out


__all__ = ["WireChannel", "on_routes", "read_code", "read_requests"]
