"""Which requests of a capture a hunt keeps: those on its PoCs' routes, tested by salted digest.

A day's web log is mostly other traffic. Readers keep only requests on some PoC's routes (the
`(METHOD, path skeleton)` pairs its marks are read on, `Channel.routes`), so the request limit
counts the PoC's requests, not the log's, and a leak's traffic at the end of a log is read.
Hunt workers receive this filter; it holds salted digests of the routes, never the paths, which
would tell a worker where the embargoed flaw is.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass

from forewarn.domain.wire import HttpRequest
from forewarn.marks.channels.wire.facts import skeleton


def _digest(salt: bytes, method: str, path: str) -> bytes:
    route = f"{method}\n{path}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(route, key=salt, digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class RouteFilter:
    """A `hunt.wire.RouteKeyed` filter: whether a request is on one of the routes it was made
    for (it decides on the method and path alone, so readers ask before building requests)."""

    salt: bytes
    """The key of the digests (random per hunt)."""
    digests: frozenset[bytes]
    """Digests of the routes."""

    def __call__(self, request: HttpRequest) -> bool:
        return self.keeps_route(request.method, request.path)

    def keeps_route(self, method: str, path: str) -> bool:
        """Whether a request with this method and path is on one of the routes."""
        return _digest(self.salt, method.upper(), skeleton(path)) in self.digests


def route_filter(routes: Iterable[tuple[str, str]]) -> RouteFilter:
    """A filter keeping the requests on `routes` (`(METHOD, skeleton)` pairs)."""
    salt = os.urandom(16)
    return RouteFilter(salt, frozenset(_digest(salt, m, p) for m, p in routes))


__all__ = ["RouteFilter", "route_filter"]
