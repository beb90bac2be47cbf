"""Which programming language a file is written in: the one table, by name and by content.

Every part of forewarn that needs a file's language asks `language_of`: the hunt's classifier,
the similarity index (which compares a suspect only with artifacts of its language), and the
program when it indexes its own artifacts. A name's extension decides when it is known; a leaked
PoC is often renamed or pasted without a name, so the content decides otherwise: a shebang, then
signatures (lines only one language writes), scored so that a few stray matches decide nothing.
"""

from __future__ import annotations

import re

EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyw": "python",
    ".java": "java",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".cs": "csharp",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".ps1": "powershell",
    ".psm1": "powershell",
    ".psd1": "powershell",
    ".sh": "shell",
    ".bash": "shell",
    ".zsh": "shell",
    ".go": "go",
    ".rs": "rust",
    ".rb": "ruby",
    ".php": "php",
}
"""File extension (lower case, with the dot) to language, named as the similarity grammars are."""

SHEBANGS: tuple[tuple[str, str], ...] = (
    ("python", "python"),
    ("pwsh", "powershell"),
    ("powershell", "powershell"),
    ("ts-node", "typescript"),
    ("deno", "typescript"),
    ("node", "javascript"),
    ("ruby", "ruby"),
    ("php", "php"),
    ("bash", "shell"),
    ("zsh", "shell"),
    ("/sh", "shell"),
    ("env sh", "shell"),
)
"""Interpreter names in a `#!` line, most specific first."""

_M = re.MULTILINE
# Line patterns start with `^[ \t]*`, never `^\s*`: `\s` crosses newlines, and a run of blank
# lines would make every line start rescan the rest of the run (quadratic; found by bench/fuzz.py).
SIGNATURES: dict[str, tuple[tuple[re.Pattern[str], int], ...]] = {
    "python": (
        (re.compile(r"^(?:import \w[\w.]*(?: as \w+)?|from [\w.]+ import .+)[ \t]*$", _M), 2),
        (re.compile(r"^[ \t]*def \w+\(.*\)(?:\s*->\s*[^:]+)?:[ \t]*$", _M), 3),
        (re.compile(r"^[ \t]*class \w+(?:\(.*\))?:[ \t]*$", _M), 3),
        (re.compile(r"^if __name__ == ['\"]__main__['\"]:", _M), 4),
        (re.compile(r"^[ \t]*(?:elif .+|else|try|except(?: .+)?|finally):[ \t]*$", _M), 1),
    ),
    "java": (
        (re.compile(r"^import (?:static )?java[x]?\.[\w.*]+;", _M), 4),
        (re.compile(r"^package [\w.]+;", _M), 3),
        (re.compile(r"\bpublic (?:final )?class \w+", _M), 3),
        (re.compile(r"\bpublic static void main\(String\s*\[\]\s*\w+\)"), 4),
        (re.compile(r"\bSystem\.(?:out|err)\.print(?:ln|f)?\("), 3),
        (
            re.compile(
                r"\b(?:private|protected|public) (?:static )?(?:final )?"
                r"[A-Z]\w*(?:<[^>]*>)? \w+\s*[=;(]"
            ),
            1,
        ),
    ),
    "csharp": (
        (re.compile(r"^using System(?:\.[\w.]+)?;", _M), 4),
        (re.compile(r"^namespace [\w.]+\s*[{;]?[ \t]*$", _M), 2),
        (re.compile(r"\bConsole\.Write(?:Line)?\("), 3),
        (re.compile(r"\b(?:static )?(?:async )?(?:Task|void) Main\(string\[\] \w+\)"), 4),
        (re.compile(r"\bvar \w+ = new [A-Z]\w*\("), 1),
    ),
    "cpp": (
        (re.compile(r"^#include <(?:iostream|string|vector|map|memory|sstream|fstream)>", _M), 4),
        (re.compile(r"\bstd::\w+"), 2),
        (re.compile(r"^using namespace std;", _M), 4),
        (re.compile(r"^[ \t]*(?:class|struct) \w+\s*(?::\s*public \w+\s*)?\{", _M), 1),
        (re.compile(r"\b(?:nullptr|template\s*<|cout\s*<<)"), 2),
    ),
    "c": (
        (
            re.compile(
                r"^#include <(?:stdio|stdlib|string|unistd|sys/\w+|netinet/\w+|arpa/inet)\.h>", _M
            ),
            3,
        ),
        (re.compile(r"^[ \t]*int main\((?:void|int argc, char \*\*?argv(?:\[\])?)?\)", _M), 3),
        (re.compile(r"\b(?:printf|fprintf|snprintf|malloc|memcpy|strcpy|strncpy)\("), 1),
        (re.compile(r"^#define \w+", _M), 1),
    ),
    # Only what JavaScript never writes: type annotations and declarations. An ES module's
    # `import … from` is JavaScript's, and TypeScript inherits it through `SUPERSETS`.
    "typescript": (
        (re.compile(r"\b(?:const|let|var) \w+\s*:\s*[\w.]+(?:<[^=;]*>)?(?:\[\])?\s*="), 4),
        (re.compile(r"^[ \t]*(?:export )?(?:interface|type) \w+(?:<[^>]*>)?\s*(?:=|\{)", _M), 3),
        (
            re.compile(
                r"\)\s*:\s*(?:Promise<[^>]*>|void|string|number|boolean|[A-Z]\w*(?:<[^>]*>)?)"
                r"\s*(?:=>|\{)"
            ),
            3,
        ),
        (re.compile(r"\bfunction\s*\w*\s*\((?:[^()]*,\s*)?\w+\??\s*:\s*[A-Za-z]"), 3),
        (re.compile(r"\(\w+\??\s*:\s*[A-Za-z][\w.]*(?:<[^>]*>)?(?:\[\])?\)\s*=>"), 3),
        (re.compile(r"\(\w+ as (?:[A-Z]\w*|unknown|any|string|number)\)"), 2),
    ),
    "javascript": (
        (re.compile(r"\brequire\(['\"][\w@/.-]+['\"]\)"), 3),
        (re.compile(r"^[ \t]*(?:const|let|var) \w+ = ", _M), 1),
        (re.compile(r"\bfunction\s*\w*\s*\([^)]*\)\s*\{"), 2),
        (re.compile(r"\bconsole\.(?:log|error)\("), 3),
        (re.compile(r"\b(?:module\.exports|process\.argv|async \(|=> \{|\.then\()"), 2),
        (re.compile(r"^import .+ from ['\"][^'\"]+['\"];?[ \t]*$", _M), 1),
    ),
    "powershell": (
        (re.compile(r"^[ \t]*param\s*\(", _M | re.IGNORECASE), 3),
        (
            re.compile(
                r"\b(?:Invoke-WebRequest|Invoke-RestMethod|Write-Host|Write-Output|New-Object|Get-Content|Set-Content)\b",
                re.IGNORECASE,
            ),
            3,
        ),
        (re.compile(r"^[ \t]*\$\w+\s*=\s*", _M), 1),
        (re.compile(r"\s-(?:Uri|Method|Headers|Body|UserAgent|ContentType)\s", re.IGNORECASE), 3),
        (re.compile(r"\[(?:string|int|System\.\w+)\]\$\w+", re.IGNORECASE), 3),
        (re.compile(r"^[ \t]*function [A-Z]\w*-\w+", _M), 3),
    ),
    "go": (
        (re.compile(r"^package \w+[ \t]*$", _M), 3),
        (re.compile(r"^func (?:\([^)]*\) )?\w+\(", _M), 3),
        (re.compile(r"^import \($", _M), 2),
        (re.compile(r"\w+ := "), 1),
        (re.compile(r"\b(?:fmt\.(?:Print|Sprint|Fprint|Errorf)\w*|http\.NewRequest\w*)\("), 3),
        (re.compile(r"\bif err != nil \{"), 3),
    ),
    "rust": (
        (re.compile(r"^use (?:std|\w+)::[\w:{}, *]+;[ \t]*$", _M), 3),
        (re.compile(r"^[ \t]*(?:pub )?fn \w+(?:<[^>]*>)?\(", _M), 3),
        (re.compile(r"\blet (?:mut )?\w+(?:: [^=]+)? = "), 1),
        (re.compile(r"\b(?:println|format|vec|eprintln)!\("), 3),
        (re.compile(r"\b(?:impl|struct|enum) [A-Z]\w*"), 2),
        (re.compile(r"-> (?:Result|Option)<"), 2),
    ),
    "ruby": (
        (re.compile(r"^require(?:_relative)? ['\"][\w/.-]+['\"][ \t]*$", _M), 3),
        (re.compile(r"^[ \t]*end[ \t]*$", _M), 1),
        (re.compile(r"\bdo \|\w+(?:, ?\w+)*\|"), 3),
        (re.compile(r"^[ \t]*def \w+[?!]?(?:\(.*\))?[ \t]*$", _M), 2),
        (re.compile(r"\b(?:Net::HTTP|Faraday|HTTParty|URI)(?:::|\.)\w+"), 3),
        (re.compile(r"\bputs |\.each do\b|#\{\w+\}"), 1),
    ),
    "php": (
        (re.compile(r"^<\?php\b", _M), 6),
        (re.compile(r"\$\w+ = "), 1),
        (re.compile(r"\bcurl_(?:init|setopt(?:_array)?|exec)\("), 3),
        (re.compile(r"\$\w+->\w+\("), 2),
        (re.compile(r"\b(?:echo|print_r|var_dump) "), 1),
    ),
    "shell": (
        (re.compile(r"^[ \t]*(?:if|while) \[\[? .+ \]\]?; ?(?:then|do)[ \t]*$", _M), 3),
        (re.compile(r"^[ \t]*(?:fi|done|esac)[ \t]*$", _M), 3),
        (re.compile(r"\b(?:curl|wget) (?:-[\w-]+ ?)+"), 2),
        (re.compile(r"\$\{?\d\}?|\$\{\w+(?::-[^}]*)?\}|\"\$@\""), 1),
        (re.compile(r"^[ \t]*(?:export )?[A-Z_][A-Z0-9_]*=\S", _M), 1),
        (re.compile(r"^[ \t]*(?:echo|printf) ", _M), 1),
    ),
}
"""Per language, line shapes and the weight each match adds; one match counts once per line."""

SUPERSETS = {"typescript": "javascript", "cpp": "c"}
"""Languages that write everything their base writes: their own signatures add to the base's."""

MIN_SCORE = 5
"""A content guess needs at least this weight, and a lead of two over the runner-up."""

SNIFF_CHARS = 16_384
"""How much of a text content detection reads."""


def language_of(name: str | None, text: str) -> str | None:
    """Language of a file: its extension, else a shebang, else its content; `None` for prose."""
    if name:
        lowered = name.lower()
        dot = lowered.rfind(".")
        if dot > max(lowered.rfind("/"), lowered.rfind("\\")):
            language = EXTENSIONS.get(lowered[dot:])
            if language is not None:
                return language
    if text.startswith("#!"):
        first = text.split("\n", 1)[0]
        for needle, language in SHEBANGS:
            if needle in first:
                return language
    return language_by_content(text)


def language_by_content(text: str) -> str | None:
    """The language whose signatures `text` matches most, when it clearly leads."""
    head = text[:SNIFF_CHARS]
    own = {language: _score(head, signatures) for language, signatures in SIGNATURES.items()}
    total = dict(own)
    for language, base in SUPERSETS.items():
        if own[language]:
            total[language] += own[base]
            total[base] -= min(own[base], own[language])
    scores = sorted(((score, language) for language, score in total.items()), reverse=True)
    (best, language), (second, _) = scores[0], scores[1]
    if best >= MIN_SCORE and best >= second + 2:
        return language
    return None


def _score(text: str, signatures: tuple[tuple[re.Pattern[str], int], ...]) -> int:
    total = 0
    for pattern, weight in signatures:
        total += weight * min(3, len(pattern.findall(text)))
    return total


__all__ = ["EXTENSIONS", "SHEBANGS", "language_by_content", "language_of"]
