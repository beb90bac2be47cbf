"""What Python code would send on the wire, read statically: never run, imported or evaluated.

```python
from forewarn.marks.wire import evaluate, evaluate_requests

for request in evaluate_requests(source):
    print(request.method, request.path, request.query, request.headers)
result = evaluate(source)          # the same, with call-site lines and notes
```

The evaluator follows request construction through `requests`, `httpx`, `urllib.request`,
`http.client`, `aiohttp` and raw sockets, and through the usual spellings (dict literals,
`dict(...)`, pairs, merges, `urlencode`, `%`, `.format`, f-strings, `join`, constants, helper
functions, aliases, loops over known items, `try`/`with`, class-based clients). The module runs
as a script would (`__name__` is `"__main__"`); functions that send but are never reached are
then read on their own with unknown arguments, and a call to something it cannot see (a
fragment's missing `send` helper, a session passed in) is read as a request when it is handed
one (`opaque`). A request of an `except` handler comes after the main path's requests.

What cannot be known (command line, input, network, randomness) is never guessed: inside a
string it is the placeholder `PLACEHOLDER` (U+FFFD, `%EF%BF%BD` percent-encoded), and a request
leaves out of `shows` every feature the code does not fully determine (see `draft`). An unknown
URL prefix counts as scheme and host, so a base URL from `sys.argv` still gives path and query.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from forewarn.domain.wire import HttpRequest
from forewarn.marks.wire.environment import Scope, Signal, Site
from forewarn.marks.wire.interpreter import Interpreter
from forewarn.marks.wire.syntax import parse_python
from forewarn.marks.wire.values import (
    DEFAULT_LIMITS,
    PLACEHOLDER,
    ClassV,
    FuncV,
    Limits,
    Stop,
)

__all__ = [
    "DEFAULT_LIMITS",
    "PLACEHOLDER",
    "Evaluation",
    "Limits",
    "Site",
    "evaluate",
    "evaluate_requests",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The requests a source would send, in order, and what could not be followed."""

    sites: tuple[Site, ...]
    """One entry per request sent, in the order the code sends them."""
    notes: tuple[str, ...]
    """Why something was left unknown or the evaluation stopped early (no suspect content)."""

    @property
    def requests(self) -> tuple[HttpRequest, ...]:
        """The requests alone."""
        return tuple(site.request for site in self.sites)


def evaluate_requests(source: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[HttpRequest, ...]:
    """The ordered requests `source` would send."""
    return evaluate(source, limits=limits).requests


def evaluate(
    source: str, *, limits: Limits = DEFAULT_LIMITS, as_sent: bool = False, follow: bool = False
) -> Evaluation:
    """The ordered requests `source` would send, with call sites and notes.

    `as_sent` merges `httpx` headers as httpx sends them: a name the code sets moves after the
    library's defaults, in the code's order. Without it a set name keeps its default's slot, as
    `requests` does; the wire plans of the released schemes were made so, and keep being made
    so (every copy stays the same bytes), while a suspect is read `as_sent`: the names whose
    slot differs are `placed` either way, so no plan reads their order and the rest agree.
    `follow` also follows a suspect where a rewrite moved its values: argparse defaults,
    `SimpleNamespace` and `json.loads` settings (`namespaces`), `Enum` steps, its own
    decorators, `raise SystemExit(main())`, `main(*argv)`, a module list a function appends
    to, a subclass of a client library's class, a generator of headers. Plans never follow (a
    released copy's plan must not move), so a verbatim copy read so would show values its
    plan never placed (an argparse default where the plan saw an unknown): the wire channel
    reads a suspect without it first and follows only for the symbols that left unread.
    """
    if len(source) > limits.max_source:
        return Evaluation((), (f"source longer than {limits.max_source} characters: not read",))
    try:
        tree = parse_python(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return Evaluation((), (f"not Python this evaluator can parse: {type(exc).__name__}",))
    machine = Interpreter(limits, as_sent=as_sent, follow=follow)
    module = Scope()
    try:
        machine.run_signal_safe(tree.body, module)
        _lone_functions(machine, module)
    except Stop as stop:
        machine.note(f"stopped early: {stop}")
    except RecursionError:
        machine.note("stopped early: the code nests deeper than the evaluator follows")
    try:
        machine.flush_all()
    except Stop as stop:
        machine.note(f"stopped early: {stop}")
    logger.debug("wire evaluation: %d requests, %d notes", len(machine.sites), len(machine.notes))
    return Evaluation(tuple(machine.sites), tuple(machine.notes))


def _lone_functions(machine: Interpreter, module: Scope) -> None:
    """Read the functions that were never called, with unknown arguments, in source order."""
    for name, value in list(module.names.items()):
        if isinstance(value, FuncV) and value.node not in machine.reached:
            machine.note(f"function {name} read on its own")
            _quietly(machine, value)
        elif isinstance(value, ClassV):
            for attr, member in value.attrs.items():
                if isinstance(member, FuncV) and member.node not in machine.reached:
                    if attr == "__init__":
                        continue
                    machine.note(f"method {name}.{attr} read on its own")
                    try:
                        instance = machine.instantiate(value, (), {})
                        bound = machine.member(instance, member)
                    except Signal:
                        continue
                    if isinstance(bound, FuncV):
                        _quietly(machine, bound)


def _quietly(machine: Interpreter, func: FuncV) -> None:
    """Call `func` with unknown arguments; a `raise` or `sys.exit` in it ends it quietly."""
    try:
        machine.invoke(func, (), {})
    except Signal:
        pass
