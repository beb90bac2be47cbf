"""The one JSON encoder: every `--json` output and the investigation's report.json use it.

It sits at the top of the package and imports only the standard library and `forewarn.domain`,
so that `hunt` (pure), `investigate` and `cli` can all call it. The shapes (docs/json.md):

- an instant (`datetime`): `"2021-02-23T09:00:00Z"`, in UTC with `Z`, never `+00:00`, with
  microseconds only when there are some; a naive one is taken as UTC (the store's convention);
- a `date`: `"2021-03-09"`;
- a `TimePoint`: `{"at": "2021-02", "precision": "month"}`, `at` as `parse_time_point` reads it;
- a `timedelta`: `"14d"`, `"36h"`, `"90m"`, `"30s"`, the largest whole unit (as
  `parse_duration` reads it; fractions of a second are dropped);
- an `enum.Enum`: its value; a dataclass: an object of its fields in declaration order;
- `bytes`: `{"base64": "…"}`, never raw; a `Path`: its text;
- `list`, `tuple`: an array; `set`, `frozenset`: a sorted array; a non-finite `float`: `null`.

Anything else is a `TypeError`: a programming error, never silently `str()`-ed.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import json
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePath
from typing import Any, TypeAlias

from forewarn.domain.timeline import TimePoint
from forewarn.domain.validation import format_duration, format_instant, format_time_point

JsonValue: TypeAlias = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
"""What `encode` returns: only values `json.dumps` writes as they are."""


def encode(value: object) -> JsonValue:
    """`value` as plain JSON values in the shapes above (recursively)."""
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, str):
        return utf8_text(value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, TimePoint):
        return {"at": format_time_point(value), "precision": value.precision.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return format_instant(aware)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, PurePath):
        return utf8_text(str(value))
    if isinstance(value, dict):
        return {_key(key): encode(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((encode(item) for item in value), key=_order)
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    raise TypeError(f"forewarn.encoding cannot encode {type(value).__qualname__}")


def utf8_text(text: str) -> str:
    """`text` as valid UTF-8: bytes a file name smuggled in (lone surrogates) shown as `\\xff`.

    A path read from disk keeps undecodable bytes as surrogates (`surrogateescape`); written out
    as they are, they make the output invalid UTF-8 and break every JSON parser downstream.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace")
    return text


def _key(key: object) -> str:
    """An object key: strings as they are, enums and times in their encoded form."""
    encoded = encode(key)
    if isinstance(encoded, dict | list):
        raise TypeError(f"forewarn.encoding cannot use {type(key).__qualname__} as a key")
    return utf8_text(encoded) if isinstance(encoded, str) else json.dumps(encoded)


def _order(item: JsonValue) -> str:
    """A total order over encoded set members, whatever their types."""
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def dumps(value: object, *, indent: int | None = 2) -> str:
    """`value` encoded and written as JSON text (UTF-8 kept, indented unless `indent=None`)."""
    return json.dumps(encode(value), indent=indent, ensure_ascii=False, allow_nan=False)


def decode_json(text: str | bytes) -> Any:
    """`json.loads` for outside input: nesting too deep for the parser (a `RecursionError`) is
    reported as the `ValueError` that every caller already turns into a clear refusal."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


__all__ = ["JsonValue", "decode_json", "dumps", "encode", "utf8_text"]
