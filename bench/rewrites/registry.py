"""Every attack of the corpus, with its name and family, per PoC."""

from __future__ import annotations

from rewrites import captures, partial, refactors, replay, templates, transforms
from rewrites.model import POCS, Attack, Leak, Output

PORTS = {
    "exchange": ("http.client", "requests", "requests-prepared", "httpx", "aiohttp"),
    "ticketdesk": ("requests", "http.client", "requests-prepared", "httpx", "aiohttp"),
}
"""Clients each PoC's hand rewrite is ported to (its own client first: a restructure only)."""


def _restyled(steps: tuple[transforms.Step, ...]) -> object:
    def build(leak: Leak) -> Output:
        return Output({"restyled.py": transforms.restyle(leak.source, steps).encode()})

    return build


def _attacks() -> tuple[Attack, ...]:
    found: list[Attack] = []
    for poc in POCS:
        restyles = {**transforms.RESTYLES, **refactors.REFACTORS}
        if poc.client == "requests":
            restyles |= refactors.REQUESTS_REFACTORS
        for name, steps in restyles.items():
            found.append(Attack(f"restyle: {name}", "transform", poc.name, _restyled(steps)))  # type: ignore[arg-type]
        for client in PORTS[poc.name]:
            what = "rewritten as a new program" if client == poc.client else f"ported to {client}"
            if client == "requests-prepared":
                what = "ported to requests (Request().prepare(), Session.send)"
            found.append(
                Attack(f"hand rewrite, {what}", "template", poc.name, templates.port_to(client))
            )  # type: ignore[arg-type]
        for client in ("http.client", "socket"):
            label = f"replay tool from a capture ({client})"
            found.append(Attack(label, "replay", poc.name, replay.replay_with(client)))  # type: ignore[arg-type]
        for name, build in captures.FORMATS.items():
            found.append(Attack(f"capture: {name}", "capture", poc.name, build))
        for name, build in partial.FRAGMENTS.items():
            found.append(Attack(name, "partial", poc.name, build))
        control = templates.port_to(poc.client, control=True)
        label = "control: every wire value changed"
        found.append(Attack(label, "control", poc.name, control, wire_preserving=False))  # type: ignore[arg-type]
    return tuple(found)


ATTACKS = _attacks()
"""Every attack, PoC by PoC."""
