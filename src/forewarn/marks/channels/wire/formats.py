"""Format strings worked out on values already folded (`splice`): printf's, .NET's, Rust's.

Each takes the template and its arguments as strings, `UNKNOWN` for an argument that could not
be worked out (it stays a line break in the result), and gives `None` for a template it cannot
render faithfully (a `%d` of a non-number, more verbs than arguments).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

UNKNOWN = "\n"
"""What an operand that cannot be worked out folds into: no anchor crosses a line break."""

_PRINTF = re.compile(r"%([-+ #0]*)(\d{0,3})(?:\.(\d{1,3}))?([sdvqxX%n])")
_RUST = re.compile(r"\{\{|\}\}|\{(\w*)(?::[^{}]*)?\}")
_DOTNET = re.compile(r"\{\{|\}\}|\{(\d{1,2})\}")


def printf(template: str, args: Sequence[str]) -> str | None:
    """Go's `fmt.Sprintf`, Java's `String.format` / `.formatted`: `%s %v %q %d %x %%`."""
    out: list[str] = []
    at = 0
    used = 0
    for match in _PRINTF.finditer(template):
        out.append(template[at : match.start()])
        flags, width, precision, verb = match.groups()
        at = match.end()
        if verb in "%n":
            out.append("%" if verb == "%" else "\n")
            continue
        if used >= len(args):
            return None
        arg = args[used]
        used += 1
        if arg == UNKNOWN:
            out.append(UNKNOWN)
        elif verb == "q":
            out.append('"' + arg + '"')
        elif verb in "dxX":
            if not arg.isdigit():
                return None
            out.append(f"%{flags}{width}{verb}" % int(arg))
        else:
            spec = f"%{flags}{width}" + (f".{precision}" if precision else "") + "s"
            out.append(spec % arg)
    out.append(template[at:])
    return "".join(out)


def rust_format(template: str, args: Sequence[str], names: Mapping[str, str]) -> str:
    """Rust's `format!`: `{}` in turn, `{0}` by place, `{name}` from the bound names."""
    used = 0

    def one(match: re.Match[str]) -> str:
        nonlocal used
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        name = match.group(1)
        if name.isdigit():
            return args[int(name)] if int(name) < len(args) else UNKNOWN
        if name:
            return names.get(name, UNKNOWN)
        used += 1
        return args[used - 1] if used <= len(args) else UNKNOWN

    return _RUST.sub(one, template)


def dotnet(template: str, args: Sequence[str]) -> str:
    """PowerShell's `-f` (.NET composite formatting): `{0}`, `{1}`, `{{` and `}}`."""

    def one(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        index = int(match.group(1))
        return args[index] if index < len(args) else UNKNOWN

    return _DOTNET.sub(one, template)


__all__ = ["UNKNOWN", "dotnet", "printf", "rust_format"]
