"""TAXII 2.1 filtering and paging of a collection's objects (sections 3.4-3.6 of the spec).

`Query.parse` reads `added_after`, `limit`, `next` and the `match[id|type|version|spec_version]`
filters of a request, refusing a malformed one with `ValidationError` (a 400 error message);
`Query.page` filters a collection's objects and cuts one page. Objects are ordered by
`date_added`, then id; `next` is an opaque keyset token (the last `date_added` and id of the
page), so a page never repeats or skips an object even when objects are added meanwhile.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from forewarn.errors import ValidationError
from forewarn.program.feed import FeedObject

DEFAULT_LIMIT = 100
"""Objects per page when the client names no `limit`."""

MAX_LIMIT = 1000
"""Most objects per page; a larger `limit` is lowered to it (the spec allows that)."""

_MAX_FILTER_VALUES = 100
"""Most comma-separated values of one `match[...]` filter."""


def taxii_time(at: datetime) -> str:
    """A TAXII timestamp: UTC, milliseconds, `Z`."""
    utc = at.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_time(text: str, what: str) -> datetime:
    """An RFC 3339 timestamp in UTC (`Z` or an offset); `ValidationError` otherwise."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            f"{what} is not a timestamp", hint="write it like 2026-03-01T09:00:00.000Z"
        ) from None
    if parsed.tzinfo is None:
        raise ValidationError(f"{what} has no time zone", hint="end it with Z")
    return parsed.astimezone(UTC)


def _values(params: Mapping[str, str], name: str) -> tuple[str, ...] | None:
    raw = params.get(name)
    if raw is None:
        return None
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    if not values or len(values) > _MAX_FILTER_VALUES:
        raise ValidationError(f"{name} needs 1 to {_MAX_FILTER_VALUES} comma-separated values")
    return values


def _encode_next(at: datetime, object_id: str) -> str:
    raw = f"{taxii_time(at)}|{object_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_next(token: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        at, object_id = raw.split("|", 1)
        return parse_time(at, "next"), object_id
    except (binascii.Error, UnicodeDecodeError, ValueError, ValidationError):
        raise ValidationError("next is not a token this server gave out") from None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of objects."""

    objects: tuple[FeedObject, ...]
    """The objects of the page, by date added."""
    more: bool
    """Whether more objects match after this page."""
    next: str | None
    """The token to ask for the next page with, when there is one."""


@dataclass(frozen=True, slots=True)
class Query:
    """The filters and page of one request."""

    added_after: datetime | None = None
    limit: int = DEFAULT_LIMIT
    after: tuple[datetime, str] | None = None
    """Where the previous page ended (from `next`)."""
    ids: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    versions: tuple[str, ...] = ("last",)
    spec_versions: tuple[str, ...] | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str], *, object_id: str | None = None) -> Query:
        """The query of a request's parameters (`object_id`: the one object of the URL)."""
        added_after = params.get("added_after")
        limit = params.get("limit")
        if limit is not None and not (limit.isascii() and limit.isdigit() and int(limit) > 0):
            raise ValidationError("limit must be a positive integer")
        token = params.get("next")
        versions = _values(params, "match[version]") or ("last",)
        for version in versions:
            if version not in ("first", "last", "all"):
                parse_time(version, "match[version]")
        return cls(
            added_after=parse_time(added_after, "added_after") if added_after else None,
            limit=min(int(limit), MAX_LIMIT) if limit else DEFAULT_LIMIT,
            after=_decode_next(token) if token else None,
            ids=(object_id,) if object_id is not None else _values(params, "match[id]"),
            types=_values(params, "match[type]"),
            versions=versions,
            spec_versions=_values(params, "match[spec_version]"),
        )

    def _wants_version(self, found: FeedObject) -> bool:
        # a collection holds one version of each object: first, last and all name it
        for version in self.versions:
            if version in ("first", "last", "all"):
                return True
            if parse_time(version, "match[version]") == parse_time(found.version, "version"):
                return True
        return False

    def matches(self, found: FeedObject) -> bool:
        """Whether `found` passes every filter (not the page bounds)."""
        return (
            (self.added_after is None or found.date_added > self.added_after)
            and (self.ids is None or found.id in self.ids)
            and (self.types is None or found.type in self.types)
            and (self.spec_versions is None or found.spec_version in self.spec_versions)
            and self._wants_version(found)
        )

    def page(self, objects: Sequence[FeedObject]) -> Page:
        """The page of `objects` this query asks for."""
        ordered = sorted((o for o in objects if self.matches(o)), key=_order)
        if self.after is not None:
            after = (self.after[0], self.after[1])
            ordered = [o for o in ordered if _order(o) > after]
        chosen = tuple(ordered[: self.limit])
        more = len(ordered) > len(chosen)
        token = _encode_next(chosen[-1].date_added, chosen[-1].id) if more and chosen else None
        return Page(chosen, more, token)


def _order(found: FeedObject) -> tuple[datetime, str]:
    return found.date_added, found.id


__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Page", "Query", "parse_time", "taxii_time"]
