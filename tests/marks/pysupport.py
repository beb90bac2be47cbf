"""Support for the Python-source and payload channel tests: the PoC, attacker transformations,
the toy server, unrelated code."""

from __future__ import annotations

import ast
import importlib.util
import io
import json
import os
import random
import subprocess
import sys
import sysconfig
import tokenize
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import black
import libcst as cst
import python_minifier

SCENARIO = files("forewarn") / "data" / "scenarios" / "exchange-2021"


@cache
def poc_source() -> str:
    """The shipped benign PoC."""
    return (SCENARIO / "poc.py").read_text(encoding="utf-8")


@cache
def toy_server() -> ModuleType:
    """The shipped toy server, loaded from its file (it is package data, not a module)."""
    spec = importlib.util.spec_from_file_location(
        "forewarn_toy_server", str(SCENARIO / "toy_server.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_bits(count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(0, 1) for _ in range(count)]


# -- attacker transformations ----------------------------------------------------------------------


def strip_comments(source: str) -> str:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return tokenize.untokenize(t for t in tokens if t.type != tokenize.COMMENT)


def ruff_format(source: str) -> str:
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "format", "--isolated", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


class _Renamer(cst.CSTTransformer):
    def __init__(self, mapping: dict[str, str], local: set[str]) -> None:
        super().__init__()
        self.mapping = mapping
        self.local = local

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(
            value=self.mapping.get(updated_node.value, updated_node.value)
        )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        """Keyword names of calls to code outside the file are the callee's, not ours."""
        func = original_node.func
        if isinstance(func, cst.Name) and func.value in self.local:
            return updated_node
        args = [
            new.with_changes(keyword=old.keyword)
            for old, new in zip(original_node.args, updated_node.args, strict=True)
        ]
        return updated_node.with_changes(args=args)


def rename_all(source: str) -> str:
    """Rename every identifier the file binds (functions, classes, parameters, variables), with
    their uses, keyword arguments and attributes of the same name; builtins and imports stay."""
    tree = ast.parse(source)
    bound: set[str] = set()
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            imported.add((node.asname or node.name).split(".")[0])
    attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names = sorted(n for n in bound - imported if not n.startswith("__") and n not in attributes)
    mapping = {name: f"v{i}_{len(name)}" for i, name in enumerate(names)}
    local = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    return cst.parse_module(source).visit(_Renamer(mapping, local)).code


def partial_copy(source: str, *, keep: float = 1 / 3, seed: int = 0) -> str:
    """Imports, module constants and a random third of the functions."""
    tree = ast.parse(source)
    functions = [s for s in tree.body if isinstance(s, ast.FunctionDef | ast.ClassDef)]
    chosen = set(
        random.Random(seed).sample(range(len(functions)), max(1, round(len(functions) * keep)))
    )
    body = [
        s
        for s in tree.body
        if not isinstance(s, ast.FunctionDef | ast.ClassDef) or functions.index(s) in chosen
    ]
    lines = source.splitlines(keepends=True)
    return "".join("".join(lines[s.lineno - 1 : s.end_lineno]) for s in body)


def shuffle_functions(source: str, seed: int = 0) -> str:
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    chunks = ["".join(lines[s.lineno - 1 : s.end_lineno]) for s in tree.body]
    heads = [
        c for s, c in zip(tree.body, chunks, strict=True) if not isinstance(s, ast.FunctionDef)
    ]
    defs = [c for s, c in zip(tree.body, chunks, strict=True) if isinstance(s, ast.FunctionDef)]
    random.Random(seed).shuffle(defs)
    return "".join(heads[:-1] + ["\n\n"] + defs + ["\n\n", heads[-1]])


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "verbatim": lambda s: s,
    "black": lambda s: black.format_str(s, mode=black.Mode()),
    "ruff_format": ruff_format,
    "strip_comments": strip_comments,
    "ast_unparse": lambda s: ast.unparse(ast.parse(s)),
    "minify": lambda s: python_minifier.minify(s, rename_locals=True),
    "rename_all": rename_all,
    "shuffle_functions": shuffle_functions,
    "partial_copy": partial_copy,
}
"""Attacker transformations, by name."""


# -- unrelated code --------------------------------------------------------------------------------


def stdlib_sources(count: int = 50, *, max_bytes: int = 60_000) -> list[str]:
    """Standard-library modules of the running interpreter, read as text (never imported)."""
    lib = Path(sysconfig.get_paths()["stdlib"])
    paths = sorted(p for p in lib.glob("*.py") if p.stat().st_size <= max_bytes)
    chosen = random.Random(3).sample(paths, min(count, len(paths)))
    return [p.read_text(encoding="utf-8", errors="replace") for p in chosen]


INDEPENDENT_CLIENT = '''\
"""A client for the same toy flaw, written independently of the shipped PoC."""
import socket
import sys


def raw_request(host, port, lines, payload=b""):
    sock = socket.create_connection((host, port), timeout=5)
    try:
        head = "\\r\\n".join(lines) + "\\r\\n\\r\\n"
        sock.sendall(head.encode() + payload)
        chunks = []
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        sock.close()


def run(host, port):
    cookie = "X-AnonResource=true; X-BEResource=box@lab/ews/exchange.asmx?a=~42"
    answer = raw_request(host, port, [
        "GET /autodiscover/autodiscover.json?Email=box%40lab&Protocol=Autodiscoverv1 HTTP/1.1",
        "Host: %s:%d" % (host, port),
        "User-Agent: curl/7.68.0",
        "Cookie: " + cookie,
        "Connection: close",
    ])
    print(answer.split(b"\\r\\n")[0].decode())
    body = b"hello"
    answer = raw_request(host, port, [
        "POST /aspnet_client/note.txt HTTP/1.1",
        "Host: %s:%d" % (host, port),
        "Content-Length: %d" % len(body),
        "Connection: close",
    ], body)
    print(answer.split(b"\\r\\n")[0].decode())


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    run(target, int(sys.argv[2]) if len(sys.argv) > 2 else 8080)
'''
"""Same flaw, same server, other author: must not read as anyone's copy."""


# -- running PoCs against the toy server -----------------------------------------------------------


def run_against_toy(
    source: str, workdir: Path, *, args: list[str] | None = None, logs: bool = False
) -> tuple[list[dict[str, object]], Path, Path]:
    """Run `source` as a program against a fresh toy server; the requests it recorded, in order."""
    workdir.mkdir(parents=True, exist_ok=True)
    record, w3c, apache = workdir / "requests.jsonl", workdir / "w3c.log", workdir / "access.log"
    server = toy_server().serve(record, w3c=w3c if logs else None, apache=apache if logs else None)
    try:
        script = workdir / "client.py"
        script.write_text(source, encoding="utf-8")
        port = str(server.server_address[1])
        argv = args if args is not None else ["--port", port]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        subprocess.run(
            [sys.executable, "-I", str(script), *[a.replace("{port}", port) for a in argv]],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=workdir,
            env=env,
        )
    finally:
        server.shutdown()
        server.server_close()
    requests = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    return requests, w3c, apache


def raw_http(requests: list[dict[str, object]]) -> str:
    """The recorded requests as a packet capture would show them."""
    out = []
    for entry in requests:
        headers = entry["headers"]
        assert isinstance(headers, list)
        lines = [f"{entry['method']} {entry['path']} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in headers]
        out.append("\r\n".join(lines) + "\r\n\r\n" + str(entry["body"]))
    return "\n".join(out)
