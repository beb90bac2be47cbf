"""Where a PoC's wire values can carry bits: header dicts, query dicts, numbers in wire strings.

Found on the `ast` of the PoC. A *wire string* is a string the PoC sends: a header or query value,
a JSON body value, a URL path or a file name; its digit runs of three or more carry one bit each in
their lowest bit (`4324` / `4325`, same width). Header dicts carry their order and the casing of
their names; query dicts (given to `urlencode`) their order; padding (`"A" * 37`) its length.
"""

from __future__ import annotations

import ast
import enum
import re
from collections import Counter
from dataclasses import dataclass

from forewarn.marks.channels._python.calls import callee_name
from forewarn.marks.channels._python.order import pivot_pairs

HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
"""What a header name looks like."""

KNOWN_HEADERS = frozenset(
    "accept accept-encoding accept-language authorization cache-control connection "
    "content-length content-type cookie host origin pragma referer user-agent".split()
)
"""Headers every client sends; a dict made of only these is too common to anchor bits."""

DIGITS = re.compile(r"\d{3,}")
"""Digit runs long enough to change by one unnoticed."""

PATHLIKE = re.compile(
    r"^(/[^\s]*|[\w.-]+\.(?:txt|js|json|xml|aspx|asmx|ashx|ecp|html?|php|css|png|jpe?g|gif|zip"
    r"|dll|exe|ps1|sh|py|bin|dat|log|cfg|ini|config))$",
    re.IGNORECASE,
)
"""A URL path or a file name."""

HOSTLIKE = re.compile(r"(^|[/@])\d{1,3}(\.\d{1,3}){3}|:\d{2,5}(/|$)")
"""Addresses and ports: never changed, a changed one would reach another machine."""


class PayloadKind(enum.StrEnum):
    """Which wire value a payload choice point sets, and how."""

    HEADER_ORDER = "header_order"
    """Order of two names in a header dict."""
    HEADER_CASE = "header_case"
    """Letter case of a header name."""
    QUERY_ORDER = "query_order"
    """Order of two names in a query-string dict."""
    DIGITS = "digits"
    """Low bit of a run of digits in a path, a value or a name."""
    PADDING = "padding"
    """Low bit of the count of a `"A" * n` padding."""


@dataclass(frozen=True, slots=True)
class PayloadSite:
    """One binary choice in a wire value."""

    kind: PayloadKind
    """Which value it sets, and how."""
    node: ast.AST
    """The literal (or dict display) the embedder rewrites."""
    keys: tuple[str, ...] = ()
    """For dict kinds: the dict's keys as written in the original."""
    detail: tuple[str, ...] = ()
    """Order kinds: `(pivot, other)`; case: `(form0, form1)`; digits: the original string."""
    span: tuple[int, int] = (0, 0)
    """Digits: where the run sits in the string."""
    number: int = 0
    """Digits and padding: the original number."""


def base(number: int) -> int:
    """The even number whose bit-0 / bit-1 forms are `base` and `base + 1`."""
    return number - (number & 1)


def alternate_case(name: str) -> str:
    """Form 1 of a header name: lower case, or Title-Case when the original is lower case."""
    if name != name.lower():
        return name.lower()
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def module_constants(tree: ast.Module) -> dict[str, ast.Constant]:
    """Module-level names bound once to a literal."""
    counts: Counter[str] = Counter()
    found: dict[str, ast.Constant] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] += 1
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and isinstance(stmt.value, ast.Constant):
                found[target.id] = stmt.value
    return {k: v for k, v in found.items() if counts[k] == 1}


def resolve(node: ast.expr | None, consts: dict[str, ast.Constant]) -> ast.Constant | None:
    """The literal `node` stands for: itself, or the module constant it names."""
    if isinstance(node, ast.Constant):
        return node
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    return None


def str_keys(node: ast.Dict, consts: dict[str, ast.Constant]) -> list[ast.Constant] | None:
    """The dict's keys when every one is a string literal (or names one)."""
    keys = [resolve(k, consts) for k in node.keys]
    if any(k is None or not isinstance(k.value, str) for k in keys):
        return None
    return [k for k in keys if k is not None]


def is_header_dict(node: ast.Dict, consts: dict[str, ast.Constant]) -> bool:
    """A dict display that reads as HTTP headers."""
    keys = str_keys(node, consts)
    if keys is None or len(keys) < 2:
        return False
    names = [str(k.value) for k in keys]
    lowered = {n.lower() for n in names}
    return all(HEADER_NAME.match(n) for n in names) and (
        bool(lowered & KNOWN_HEADERS) or any(n.startswith("x-") for n in lowered)
    )


def query_dicts(tree: ast.Module) -> list[ast.Dict]:
    """Dict displays handed to `urlencode`, directly or through a name bound once in scope."""
    bound: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                bound.setdefault(target.id, []).append(node.value)
    out: list[ast.Dict] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and callee_name(node) == "urlencode" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Name) and len(bound.get(arg.id, [])) == 1:
                arg = bound[arg.id][0]
            if isinstance(arg, ast.Dict):
                out.append(arg)
    return out


def _body_is_value(source_lines: list[str], node: ast.Constant) -> bool:
    """The literal is written plainly (no escapes, one token), so edits map to its text."""
    if node.lineno != node.end_lineno or not isinstance(node.value, str):
        return False
    text = source_lines[node.lineno - 1].encode()[node.col_offset : node.end_col_offset].decode()
    return (
        "\\" not in text
        and text.endswith(node.value + text[-1])
        and len(text) <= len(node.value) + 8
    )


def find_sites(source: str) -> list[PayloadSite]:
    """Every payload choice point of a PoC, in a fixed order."""
    tree = ast.parse(source)
    lines = source.splitlines()
    consts = module_constants(tree)
    sites: list[PayloadSite] = []
    wire: dict[int, ast.Constant] = {}
    header_keys: set[int] = set()
    dicts = [n for n in ast.walk(tree) if isinstance(n, ast.Dict)]
    headers = [d for d in dicts if is_header_dict(d, consts)]
    queries = query_dicts(tree)
    for node in headers:
        keys = str_keys(node, consts) or []
        header_keys.update(id(k) for k in keys)
    all_strings = Counter(
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in header_keys
    )
    for node in headers:
        keys = str_keys(node, consts) or []
        names = tuple(str(k.value) for k in keys)
        lowered = [n.lower() for n in names]
        distinctive = len(names) >= 4 or any(n not in KNOWN_HEADERS for n in lowered)
        if len(names) < 3 or not distinctive:
            continue
        for pivot, other, _ in pivot_pairs(lowered):
            sites.append(PayloadSite(PayloadKind.HEADER_ORDER, node, names, (pivot, other)))
        for key in keys:
            name = str(key.value)
            if all_strings[name] == 0 and _body_is_value(lines, key) and key in node.keys:
                sites.append(
                    PayloadSite(PayloadKind.HEADER_CASE, key, names, (name, alternate_case(name)))
                )
        for value in node.values:
            found = resolve(value, consts)
            if found is not None:
                wire[id(found)] = found
    for query in queries:
        query_keys = str_keys(query, consts)
        if query_keys is not None and len(query_keys) >= 2:
            names = tuple(str(k.value) for k in query_keys)
            sites.extend(
                PayloadSite(PayloadKind.QUERY_ORDER, query, names, (pivot, other))
                for pivot, other, _ in pivot_pairs(list(names))
            )
        for value in query.values:
            found = resolve(value, consts)
            if found is not None:
                wire[id(found)] = found
    for item in ast.walk(tree):
        if isinstance(item, ast.Call) and callee_name(item) in ("dumps", "dump") and item.args:
            if isinstance(item.args[0], ast.Dict):
                for value in item.args[0].values:
                    if isinstance(value, ast.Constant):
                        wire[id(value)] = value
        elif isinstance(item, ast.Constant) and isinstance(item.value, str):
            if PATHLIKE.match(item.value) and not item.value.startswith("//"):
                wire[id(item)] = item
        elif isinstance(item, ast.BinOp) and isinstance(item.op, ast.Mult):
            sites.extend(_padding(item, consts))
    for const in sorted(wire.values(), key=lambda n: (n.lineno, n.col_offset)):
        text = const.value
        if not isinstance(text, str) or not DIGITS.search(text):
            continue
        spans = [m.span() for m in DIGITS.finditer(text)]
        alone = len(template(text, spans).findall(source)) == 1
        if alone and _body_is_value(lines, const) and not HOSTLIKE.search(text):
            sites.extend(
                PayloadSite(PayloadKind.DIGITS, const, (), (text,), run.span(), int(run.group()))
                for run in DIGITS.finditer(text)
            )
    return sites


def _padding(node: ast.BinOp, consts: dict[str, ast.Constant]) -> list[PayloadSite]:
    left, right = resolve(node.left, consts), resolve(node.right, consts)
    for unit, count in ((left, right), (right, left)):
        if unit is None or count is None or not isinstance(unit.value, str):
            continue
        if type(count.value) is int and count.value >= 8 and 1 <= len(unit.value) <= 4:
            return [PayloadSite(PayloadKind.PADDING, count, (), (unit.value,), number=count.value)]
    return []


def template(original: str, spans: list[tuple[int, int]]) -> re.Pattern[str]:
    """A pattern for `original` with each span's digits free, tolerant of URL and log encodings."""
    parts: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        parts.extend(_literal(c) for c in original[cursor:start])
        parts.append(r"(\d{" + str(end - start) + "})")
        cursor = end
    parts.extend(_literal(c) for c in original[cursor:])
    return re.compile(r"(?<![0-9])" + "".join(parts) + r"(?![0-9])")


def _literal(char: str) -> str:
    if char.isalnum() or char in "-._~":
        return re.escape(char)
    quoted = f"%{ord(char):02X}" if ord(char) < 128 else re.escape(char)
    options = [re.escape(char), quoted, quoted.lower()]
    if char == " ":
        options.append(r"\+")
    return "(?:" + "|".join(options) + ")"
