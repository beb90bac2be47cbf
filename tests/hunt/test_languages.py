"""`language_of` and `language_by_content`: a PoC without its name is still its language.

A leaked PoC is often renamed or pasted without a name; the similarity index compares it only
with artifacts of the language it is read as, so a wrong or missing guess hides the match.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.demo.disguise_languages import disguise
from forewarn.grammars import LANGUAGES as GRAMMARS
from forewarn.hunt.readers.languages import EXTENSIONS, language_by_content, language_of
from poc_world import LANGUAGES
from release_world import ADVISORY, DETECTION

FILES = [(f.language, path) for f in LANGUAGES for path in (f.poc, f.unrelated)]
IDS = [path.name for _, path in FILES]

README = """# Larkspur toy service

A small HTTP service used to try scanners against something harmless. It listens on
127.0.0.1:8080 and answers `/status`, `/toy/health` and `/toy/items`.

## Getting started

Install it, start it, and point your tool at it:

```
pip install larkspur-toy
larkspur serve --port 8080
curl -s http://127.0.0.1:8080/status
```

If the port is taken, pick another one with `--port`; the service refuses to listen on
anything but the loopback interface. Report problems on the issue tracker.
"""
APACHE_LINE = (
    '127.0.0.1 - - [24/Feb/2021:10:01:02 +0000] "GET /toy/health HTTP/1.1" 200 512 "-" '
    '"LarkspurProbe/1.4 (toy-service check)"\n'
)
W3C_LOG = (
    "#Software: Microsoft Internet Information Services 10.0\n"
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port c-ip cs(User-Agent)\n"
    "2021-02-24 10:01:02 127.0.0.1 GET /toy/items limit=3 8080 127.0.0.1 LarkspurProbe/1.4\n"
)
PROSE = {
    "advisory": ADVISORY.decode(),
    "detection": DETECTION.decode(),
    "readme": README,
    "apache-line": APACHE_LINE,
    "w3c-log": W3C_LOG,
}
ES_MODULE = """import http from 'http';
import { readFile } from 'fs/promises';

const LIMIT = 3;
export async function main() {
  const data = await readFile('items.json', 'utf8');
  console.log(JSON.parse(data).slice(0, LIMIT));
}
main().then(() => process.exit(0));
"""


@pytest.mark.parametrize(("language", "path"), FILES, ids=IDS)
def test_every_fixture_without_its_name_reads_as_its_language(language: str, path: Path) -> None:
    text = path.read_text()
    assert language_of(path.name, "") == language
    assert language_by_content(text) == language
    assert language_of(None, text) == language
    assert language_of("leaked.txt", text) == language
    assert language_of("tool", text) == language


@pytest.mark.parametrize(("language", "path"), FILES, ids=IDS)
def test_a_renamed_and_restyled_fixture_still_reads_as_its_language(
    language: str, path: Path
) -> None:
    disguised = disguise(path.read_text(), language)
    assert disguised != path.read_text()
    assert language_by_content(disguised) == language


@pytest.mark.parametrize("text", PROSE.values(), ids=PROSE.keys())
def test_prose_and_logs_are_no_language(text: str) -> None:
    assert language_by_content(text) is None
    assert language_of("notes.txt", text) is None


def test_an_es_module_is_javascript_not_typescript() -> None:
    """`import … from` is JavaScript's too; TypeScript needs a type annotation."""
    assert language_by_content(ES_MODULE) == "javascript"
    typed = ES_MODULE.replace("const LIMIT = 3;", "const LIMIT: number = 3;")
    assert language_by_content(typed) == "typescript"


def test_the_extension_decides_over_the_content() -> None:
    java = LANGUAGES[0].poc.read_text()
    assert language_of("probe.sh", java) == "shell"
    assert language_of("dir.v2/probe", java) == "java"  # a dot in a folder is no extension


def test_every_language_named_has_a_grammar() -> None:
    assert set(EXTENSIONS.values()) <= GRAMMARS
    assert {f.language for f in LANGUAGES} | {"python"} == set(EXTENSIONS.values())


@given(name=st.one_of(st.none(), st.text(max_size=40)), text=st.text(max_size=2000))
def test_language_of_never_raises(name: str | None, text: str) -> None:
    found = language_of(name, text)
    assert found is None or found in GRAMMARS


@given(
    stem=st.text(alphabet=st.characters(blacklist_characters="./\\"), max_size=20),
    extension=st.sampled_from(sorted(EXTENSIONS)),
    text=st.text(max_size=500),
)
def test_a_known_extension_always_decides(stem: str, extension: str, text: str) -> None:
    assert language_of(stem + extension.upper(), text) == EXTENSIONS[extension]
