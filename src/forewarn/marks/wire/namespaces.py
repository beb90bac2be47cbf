"""Settings a rewrite keeps apart: `argparse` defaults, `SimpleNamespace`, a JSON profile.

A code assistant asked to make a leaked PoC "configurable" lifts every value it sends into a
command-line option with the copy's value as its default (`--agent`, `--ticket`, `--note`),
into a `SimpleNamespace(agent=…, ticket=…)`, or into a JSON profile in a string that
`json.loads` reads (objects become dicts, in the text's order). Run as it stands, the tool
sends those defaults, so a suspect read to `follow` gets a namespace holding them: an
`ArgumentParser` records each `add_argument`'s destination and default (converted by `type=`
as argparse converts a string default), and `parse_args` returns them. What the command line
could change is what the copy sends when nobody changes it. Plans never read these (the
released copies stay planned as they were): the interpreter only builds them to `follow`.
"""

from __future__ import annotations

import json
from typing import Any

from forewarn.marks.wire.values import (
    PLACEHOLDER,
    UNKNOWN,
    ClassV,
    ClientV,
    DictV,
    InstanceV,
    ListV,
    ModuleV,
)

PARSER = "argparse.ArgumentParser"
"""The client kind of a parser being built."""
CONSTRUCTORS = frozenset({PARSER, "types.SimpleNamespace", "argparse.Namespace", "json.loads"})
"""Calls that make a namespace, a parser or a profile."""
_GROUPS = frozenset({"add_argument_group", "add_mutually_exclusive_group"})
_PARSES = frozenset({"parse_args", "parse_known_args", "parse_intermixed_args"})
_CONVERTERS = {"builtins.int": int, "builtins.float": float, "builtins.str": str}
_NAMESPACE = ClassV("Namespace", {})


def construct(name: str, kwargs: dict[str, Any]) -> Any:
    """A parser to fill, or a namespace holding `kwargs`."""
    if name == PARSER:
        return ClientV(PARSER, {"defaults": {}})
    if name == "json.loads":
        return UNKNOWN  # the profile's text comes as an argument: `loads`
    return namespace(kwargs)


def loads(args: tuple[Any, ...]) -> Any:
    """`json.loads` of a text the code spells in full, as the evaluator's values."""
    text = args[0] if args else None
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str) or PLACEHOLDER in text:
        return UNKNOWN
    try:
        return _lifted(json.loads(text))
    except (ValueError, RecursionError):
        return UNKNOWN


def _lifted(value: Any) -> Any:
    if isinstance(value, dict):
        return DictV(tuple((k, _lifted(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ListV(tuple(_lifted(v) for v in value))
    return value


def namespace(values: dict[str, Any]) -> InstanceV:
    """An object whose attributes are `values` (any other attribute is unknown)."""
    return InstanceV(_NAMESPACE, dict(values))


def parser_call(parser: ClientV, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """A method of an `ArgumentParser` (or of one of its groups, which share its defaults)."""
    defaults: dict[str, Any] = parser.state["defaults"]
    if method == "add_argument":
        dest = _dest(args, kwargs)
        if dest is not None:
            defaults[dest] = _default(kwargs)
        return UNKNOWN
    if method in _GROUPS or method == "add_subparsers":
        return parser if method in _GROUPS else UNKNOWN
    if method == "set_defaults":
        defaults.update(kwargs)
        return None
    if method in _PARSES:
        parsed = namespace(defaults)
        return parsed if method != "parse_known_args" else (parsed, UNKNOWN)
    return UNKNOWN


def _dest(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """Where argparse stores an option: `dest=`, else the first long option, else the first
    name, dashes made underscores."""
    dest = kwargs.get("dest")
    if isinstance(dest, str):
        return dest
    names = [a for a in args if isinstance(a, str)]
    if len(names) != len(args) or not names:
        return None
    long = [n for n in names if n.startswith("--")]
    chosen = long[0] if long else names[0]
    return chosen.lstrip("-").replace("-", "_") or None


def _default(kwargs: dict[str, Any]) -> Any:
    """The value argparse gives an option nobody passed."""
    action = kwargs.get("action")
    if "default" not in kwargs:
        if action == "store_true":
            return False
        if action == "store_false":
            return True
        return None
    value = kwargs["default"]
    kind = kwargs.get("type")
    if isinstance(value, str) and isinstance(kind, ModuleV) and kind.name in _CONVERTERS:
        try:
            return _CONVERTERS[kind.name](value)
        except ValueError:
            return UNKNOWN
    return value


__all__ = ["CONSTRUCTORS", "PARSER", "construct", "loads", "namespace", "parser_call"]
