"""Canary tokens: unique per partner and artifact, planted harmlessly, found exactly."""

from __future__ import annotations

import ast
import re

from hypothesis import given
from hypothesis import strategies as st

from forewarn.domain import ArtifactKind, TokenHit
from forewarn.marks import tokens

SECRET = b"k" * 32
POC = '''"""Benign look-alike PoC."""

from __future__ import annotations

import sys

TARGET = "127.0.0.1"


def main() -> int:
    return len(sys.argv)
'''


def test_tokens_look_natural_and_differ_per_partner_and_artifact() -> None:
    one = tokens.token_set(SECRET, "C1", "poc.py", "Acme")
    assert re.fullmatch(r"FWR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", one.reference)
    assert re.fullmatch(r"edge-[0-9a-z]{10}", one.host)
    assert re.fullmatch(r"/r/[0-9a-z]{13}", one.path)
    assert one == tokens.token_set(SECRET, "C1", "poc.py", "Acme")
    others = [
        tokens.token_set(SECRET, "C1", "poc.py", "Beta"),
        tokens.token_set(SECRET, "C1", "advisory.md", "Acme"),
        tokens.token_set(SECRET, "C2", "poc.py", "Acme"),
        tokens.token_set(b"j" * 32, "C1", "poc.py", "Acme"),
    ]
    for other in others:
        assert not set(one.all()) & set(other.all())


def test_all_tokens_maps_every_token_back_to_partner_and_artifact() -> None:
    partners = [f"partner-{k}" for k in range(300)]
    table = tokens.all_tokens(SECRET, "C1", ["poc.py", "advisory.md"], partners)
    assert len(table) == 300 * 2 * 3
    ref = tokens.token_set(SECRET, "C1", "advisory.md", "partner-7").reference
    assert table[ref] == TokenHit(ref, "partner-7", "advisory.md", case="C1")


def test_text_carries_a_reference_line_found_exactly_even_after_case_changes() -> None:
    planted = tokens.token_set(SECRET, "C1", "advisory.md", "Acme")
    marked, placed = tokens.plant("# Advisory\n\nBody.\n", ArtifactKind.ADVISORY, planted)
    assert placed == (planted.reference,)
    assert marked.endswith(f"\n\nPartner reference: {planted.reference}\n")
    table = tokens.all_tokens(SECRET, "C1", ["advisory.md"], ["Acme", "Beta"])
    assert tokens.find(marked.lower().replace("0", "o"), table) == (table[planted.reference],)


def test_python_poc_gets_unused_constants_after_docstring_and_future_imports() -> None:
    planted = tokens.token_set(SECRET, "C1", "poc.py", "Acme")
    marked, placed = tokens.plant(POC, ArtifactKind.POC, planted, "canary.example")
    assert placed == planted.all()
    tree = ast.parse(marked)
    assert isinstance(tree.body[1], ast.ImportFrom) and tree.body[1].module == "__future__"
    assigned = [n.targets[0].id for n in tree.body if isinstance(n, ast.Assign)]  # type: ignore[attr-defined]
    assert assigned[:2] == ["BUILD_REFERENCE", "DEFAULT_CALLBACK"]
    assert (
        marked.index("annotations") < marked.index("BUILD_REFERENCE") < marked.index("import sys")
    )
    assert f"http://{planted.host}.canary.example{planted.path}" in marked
    rest = [ln for ln in marked.splitlines() if not ln.startswith(("BUILD_REF", "DEFAULT_CALL"))]
    assert ast.dump(ast.parse("\n".join(rest))) == ast.dump(ast.parse(POC))
    table = tokens.all_tokens(SECRET, "C1", ["poc.py"], ["Acme"])
    log_line = (
        f'127.0.0.1 - - "GET {planted.path}/x HTTP/1.1" 200 Host: {planted.host}.canary.example'
    )
    assert {h.token for h in tokens.find(log_line, table)} == {planted.host, planted.path}


def test_a_file_that_is_not_python_gets_no_poc_tokens() -> None:
    planted = tokens.token_set(SECRET, "C1", "poc.c", "Acme")
    assert tokens.plant("int main( {", ArtifactKind.POC, planted) == ("int main( {", ())


@given(st.text(max_size=400))
def test_random_text_never_hits_a_token(text: str) -> None:
    table = tokens.all_tokens(SECRET, "C1", ["poc.py"], ["Acme", "Beta"])
    assert tokens.find(text, table) == ()


def test_chance_bound_is_tiny_for_a_hit_and_one_without() -> None:
    hit = TokenHit("t", "p", "a")
    assert tokens.chance_bound(6000, [hit]) < 1e-11
    assert tokens.chance_bound(6000, []) == 1.0


@given(
    st.text(min_size=1, max_size=30),
    st.sampled_from(["advisory.md", "detection.md", "poc.py"]),
    # Rule files carry their canary inside rules (tests/marks/test_rules_channel.py).
    st.sampled_from([k for k in ArtifactKind if k is not ArtifactKind.RULES]),
)
def test_planted_tokens_are_found_and_name_their_partner(
    partner: str, artifact: str, kind: ArtifactKind
) -> None:
    planted = tokens.token_set(SECRET, "C1", artifact, partner)
    marked, placed = tokens.plant(POC, kind, planted)
    table = tokens.all_tokens(SECRET, "C1", [artifact], [partner, "someone else"])
    found = tokens.find(marked, table)
    assert placed and {h.token for h in found} == set(placed)
    assert {h.partner for h in found} == {partner}
