"""YAML from users, parsed without aliases and with bounded nesting.

A program file has no use for anchors and aliases, and they are how a few hundred bytes
("billion laughs") become gigabytes once the document is walked or serialised; nesting thousands
deep turns into a `RecursionError` in whatever walks it next. Both are refused at parse time.
"""

from __future__ import annotations

from typing import Any

import yaml

from forewarn.errors import ValidationError

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted; a program file needs about 6."""


class _Bounded(yaml.parser.Parser, yaml.composer.Composer):
    """Refuses aliases and nesting deeper than `MAX_DEPTH` while composing (any loader)."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise ValidationError(
                f"line {event.start_mark.line + 1}: YAML aliases (*name) are not accepted",
                hint="write the value out where it is used",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise ValidationError(
                    f"line {event.start_mark.line + 1}: nested deeper than {MAX_DEPTH} levels"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PlainLoader(_Bounded, yaml.SafeLoader):
    """`SafeLoader`, bounded; a date or time that does not exist is a `ValidationError`."""

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:  # `2021-20-01`: found by bench/fuzz.py
            raise ValidationError(
                f"line {node.start_mark.line + 1}: {node.value!r} is no date or time ({exc})"
            ) from None


_PlainLoader.add_constructor("tag:yaml.org,2002:timestamp", _PlainLoader.construct_yaml_timestamp)


class _StringLoader(_Bounded, yaml.BaseLoader):
    """`BaseLoader` (every scalar a string), bounded."""


def load_yaml(text: str, *, source: str, strings: bool = False) -> Any:
    """The plain data in `text` (mappings, lists, scalars); bad YAML is a `ValidationError`.

    With `strings`, every scalar stays a string (`seen: 2021-02-28` a day, not a `date`).
    """
    loader = _StringLoader if strings else _PlainLoader
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader/BaseLoader subclasses  # nosec B506
    except ValidationError as exc:
        raise ValidationError(f"{source}: {exc.message}", hint=exc.hint) from None
    except yaml.YAMLError as exc:
        raise ValidationError(f"{source} is not valid YAML: {_problem(exc)}") from None


def _problem(exc: yaml.YAMLError) -> str:
    """What PyYAML found wrong, and where, on one line (its own text spans several, with the
    offending lines quoted, which would break the CLI's one `error:` line)."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = exc.problem or exc.context or "unreadable"
        return f"{what} at line {mark.line + 1}, column {mark.column + 1}"
    return " ".join(str(exc).split())
