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


class _PlainLoader(yaml.SafeLoader):
    """`SafeLoader` that refuses aliases and nesting deeper than `MAX_DEPTH`."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

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


def load_yaml(text: str, *, source: str) -> Any:
    """The plain data in `text` (mappings, lists, scalars); bad YAML is a `ValidationError`."""
    try:
        return yaml.load(text, Loader=_PlainLoader)  # noqa: S506 - a SafeLoader subclass  # nosec B506
    except ValidationError as exc:
        raise ValidationError(f"{source}: {exc.message}", hint=exc.hint) from None
    except yaml.YAMLError as exc:
        raise ValidationError(f"{source} is not valid YAML: {exc}") from None
