"""A real fake of the `Channel` Protocol for engine tests: `flagN=on|off` settings in a file."""

from __future__ import annotations

import re
from collections.abc import Sequence

_FLAG = re.compile(r"\bflag(\d+)=(on|off)\b")


class FlagChannel:
    """Carries one bit per distinct `flagN=` setting: `off` is 0, `on` is 1."""

    name = "flags"
    capture_text = False

    def _numbers(self, original: str) -> list[str]:
        seen: list[str] = []
        for m in _FLAG.finditer(original):
            if m.group(1) not in seen:
                seen.append(m.group(1))
        return seen

    def reads_capture(self, suspect: str) -> bool:
        return False

    def extract_capture(self, original: str, capture: object) -> list[int | None]:
        return [None] * self.capacity(original)

    def capacity(self, original: str) -> int:
        return len(self._numbers(original))

    def embed(self, original: str, bits: Sequence[int], *, check: bool = True) -> str:
        values = dict(zip(self._numbers(original), bits, strict=True))
        return _FLAG.sub(
            lambda m: f"flag{m.group(1)}={'on' if values[m.group(1)] else 'off'}", original
        )

    def extract(self, original: str, suspect: str) -> list[int | None]:
        result: list[int | None] = []
        for number in self._numbers(original):
            values = set(re.findall(rf"\bflag{number}=(on|off)\b", suspect))
            result.append(None if len(values) != 1 else int(values.pop() == "on"))
        return result


def flag_file(count: int) -> str:
    """An original with `count` flags, all `off`."""
    return "".join(f"flag{k}=off\n" for k in range(count))
