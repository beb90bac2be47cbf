"""`forewarn trace` finds a partner's copy of a PoC in every language the hunt reads.

Issue 10 item 1: an exact copy of a Java or shell PoC used to match nothing, because the index
compared the suspect only with artifacts of "its" language and two tables disagreed on what that
was. Here a case carries one PoC in each language in turn; the wave is released, the partner's
bundle fetched and decrypted, and the copy traced as a leaker would leave it: renamed to `.txt`,
with no name extension at all, and renamed-and-restyled. An unrelated program in the same
language must not match the artifact.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pyrage
import pytest

from forewarn.demo.disguise_languages import disguise
from forewarn.hunt.similarity import DEFAULT_MIN_SCORE, MATCH_THRESHOLD
from forewarn.program import cases, partners
from forewarn.program.bundles import unseal
from poc_world import LANGUAGES, LanguageFixture
from release_world import ADVISORY, NOTICE, open_bundle
from trace_world import LEAKER, OTHER, iso

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

CASE = "FW-2021-0042"


def _release_copy(env, cli, out: Path, poc: Path) -> tuple[list[str], bytes]:
    """A case with `poc` released to two early partners; the leaker's decrypted copy."""
    identities: dict[str, pyrage.x25519.Identity] = {}
    with env.open() as program, program.session() as session:
        for name in (LEAKER, OTHER):
            identities[name] = pyrage.x25519.Identity.generate()
            partners.add_partner(
                session,
                program.keys,
                name=name,
                country="US",
                tier="early-access",
                now=datetime(2021, 1, 2, tzinfo=UTC),
                age_recipient=str(identities[name].to_public()),
            )
        cases.create_case(
            session,
            program.keys,
            now=datetime(2021, 1, 2, tzinfo=UTC),
            case_id=CASE,
            title="Toy service probe",
            product="Larkspur Toy Service 1.0",
            reported=date(2021, 1, 5),
            patch_planned=date(2021, 3, 9),
        )
    args: list[str] = env.cli_args()
    advisory = out / "advisory.md"
    advisory.write_bytes(ADVISORY)
    for path, kind in ((advisory, "advisory"), (poc, "poc")):
        added = cli([*args, "case", "add-artifact", CASE, str(path), "--kind", kind])
        assert added.exit_code == 0, added.stderr
    released = cli([*args, "wave", "release", CASE, "--now", iso(NOTICE)])
    assert released.exit_code == 0, released.stderr
    where = out / "bundle"
    fetched = cli(
        [*args, "bundle", "fetch", CASE, "--partner", LEAKER, "--out", str(where)]
        + ["--now", iso(NOTICE)]
    )
    assert fetched.exit_code == 0, fetched.stderr
    sealed = (where / f"{CASE}.bundle.age").read_bytes()
    contents = dict(open_bundle(unseal(sealed, str(identities[LEAKER]))).contents)
    return args, contents[poc.name]


@pytest.mark.parametrize("fixture", LANGUAGES, ids=[f.language for f in LANGUAGES])
def test_renamed_bare_and_disguised_copies_trace_to_their_artifact(
    program_env, cli, tmp_path: Path, fixture: LanguageFixture
) -> None:
    args, copy = _release_copy(program_env, cli, tmp_path, fixture.poc)
    text = copy.decode()
    found = tmp_path / "found"
    found.mkdir()
    renamed = found / "notes.txt"
    renamed.write_text(text)
    bare = found / "tool"
    bare.write_text(text)
    disguised = found / "scanner_v2.txt"
    disguised.write_text(disguise(text, fixture.language, seed=5))
    assert disguised.read_text() != text
    unrelated = found / "helper.txt"
    unrelated.write_bytes(fixture.unrelated.read_bytes())

    result = cli([*args, "trace", *map(str, (renamed, bare, disguised, unrelated)), "--json"])
    assert result.exit_code == 0, result.stderr
    items = {Path(item["path"]).name: item for item in json.loads(result.stdout)}
    for name in ("notes.txt", "tool", "scanner_v2.txt"):
        item = items[name]
        assert item["language"] == fixture.language, name
        best = item["matches"][0]
        assert (best["case"], best["artifact"]) == (CASE, fixture.poc.name), name
        assert best["similarity"] > DEFAULT_MIN_SCORE, name
        assert best["similarity"] >= MATCH_THRESHOLD, name  # read as "derived from"
    other = items["helper.txt"]
    assert other["language"] == fixture.language
    assert fixture.poc.name not in {m["artifact"] for m in other["matches"]}


SIMILARITY = Path(__file__).parent.parent / "fixtures" / "similarity"
BENCH = Path(__file__).parents[2] / "bench"


def _independent_client(language: str) -> str:
    """An independently written client of the same toy flaw, from the similarity benchmark's
    corpus (one source for both)."""
    sys.path.insert(0, str(BENCH))
    from corpus import toyflaw_java, toyflaw_python

    return (toyflaw_python.CLIENTS[1] if language == "python" else toyflaw_java.CLIENTS[2]) + "\n"


@pytest.mark.parametrize(
    ("poc", "language"), [("probe_status.py", "python"), ("Main.java", "java")]
)
def test_level_5_disguised_copy_traces_to_its_case_and_an_independent_does_not(
    program_env, cli, tmp_path: Path, poc: str, language: str
) -> None:
    """Issue 11 item 6: renamed, reordered, split, loops and conditions rewritten, dead code
    between every statement; an independently written client of the same flaw is not derived."""
    from forewarn.demo.disguise_levels import disguise_python
    from forewarn.demo.disguise_levels_java import disguise_java

    source = tmp_path / poc
    source.write_bytes((SIMILARITY / poc).read_bytes())
    args, copy = _release_copy(program_env, cli, tmp_path, source)
    disguise = disguise_python if language == "python" else disguise_java
    found = tmp_path / "found"
    found.mkdir()
    restyled = f"restyled{source.suffix}"  # content sniffing misses Java squashed onto few lines
    (found / restyled).write_text(disguise(copy.decode(), 5, 3))
    (found / "other.txt").write_text(_independent_client(language))

    result = cli([*args, "trace", str(found / restyled), str(found / "other.txt"), "--json"])
    assert result.exit_code == 0, result.stderr
    items = {Path(item["path"]).name: item for item in json.loads(result.stdout)}
    best = items[restyled]["matches"][0]
    assert (best["case"], best["artifact"]) == (CASE, poc)
    assert best["similarity"] >= MATCH_THRESHOLD
    other = items["other.txt"]["matches"]
    assert all(m["similarity"] < MATCH_THRESHOLD for m in other if m["artifact"] == poc)
