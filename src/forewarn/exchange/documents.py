"""Reading fields out of a parsed JSON document from outside, failing with the path that is wrong.

Imported documents are material from elsewhere: every field is type-checked here before any
program rule sees it, and a missing or mistyped one is an `ExchangeError` naming its path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from forewarn.errors import ExchangeError


def field(document: Mapping[str, Any], path: str, kind: type, *, required: bool = True) -> Any:
    """The value at a dotted `path` (`document.tracking.id`), of type `kind`, or `None`."""
    value: Any = document
    walked: list[str] = []
    for key in path.split("."):
        walked.append(key)
        if not isinstance(value, Mapping) or key not in value:
            if required:
                raise ExchangeError(f"the document has no {'.'.join(walked)}")
            return None
        value = value[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ExchangeError(f"{path} is not a {kind.__name__}")
    return value


def objects(value: Any, path: str) -> list[Mapping[str, Any]]:
    """A list of JSON objects (a missing list reads as empty)."""
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ExchangeError(f"{path} is not a list")
    for k, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise ExchangeError(f"{path}[{k}] is not an object")
    return list(value)


def strings(value: Any, path: str) -> list[str]:
    """A list of strings (a missing list reads as empty)."""
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ExchangeError(f"{path} is not a list")
    if not all(isinstance(item, str) for item in value):
        raise ExchangeError(f"{path} holds something other than strings")
    return list(value)


def day_of(text: Any, path: str) -> date:
    """The calendar day (UTC) of an ISO 8601 date or date-time."""
    if not isinstance(text, str):
        raise ExchangeError(f"{path} is not a date")
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError as exc:
        raise ExchangeError(f"{path} is not an ISO 8601 date: {text[:40]!r}") from exc


__all__ = ["day_of", "field", "objects", "strings"]
