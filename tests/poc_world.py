"""Benign PoC look-alikes in every language the hunt reads, and a small unrelated file in each.

The PoCs probe a toy HTTP service on 127.0.0.1 (host and port from the command line) and send
nothing harmful; their names are fictional. `forewarn.demo.disguise_languages` renames and
restyles them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "pocs"


@dataclass(frozen=True)
class LanguageFixture:
    """A language's PoC and an unrelated program in the same language."""

    language: str
    """The language as `language_of` names it."""
    poc: Path
    """The benign PoC look-alike."""
    unrelated: Path
    """A program that shares nothing with the PoC but its language."""


def _fixture(language: str, poc: str, unrelated: str) -> LanguageFixture:
    return LanguageFixture(language, FIXTURES / poc, FIXTURES / "unrelated" / unrelated)


LANGUAGES: tuple[LanguageFixture, ...] = (
    _fixture("java", "ProbeToy.java", "WordCount.java"),
    _fixture("c", "probe_toy.c", "wordcount.c"),
    _fixture("cpp", "probe_toy.cpp", "wordcount.cpp"),
    _fixture("csharp", "ProbeToy.cs", "WordCount.cs"),
    _fixture("javascript", "probe_toy.js", "wordcount.js"),
    _fixture("typescript", "probe_toy.ts", "wordcount.ts"),
    _fixture("powershell", "probe_toy.ps1", "wordcount.ps1"),
    _fixture("shell", "probe_toy.sh", "wordcount.sh"),
    _fixture("go", "probe_toy.go", "wordcount.go"),
    _fixture("rust", "probe_toy.rs", "wordcount.rs"),
    _fixture("ruby", "probe_toy.rb", "wordcount.rb"),
    _fixture("php", "probe_toy.php", "wordcount.php"),
)
"""Every language the hunt reads besides Python (whose PoC is the shipped scenario's)."""
