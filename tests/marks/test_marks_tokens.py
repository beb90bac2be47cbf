"""Tokens: shaped like real credentials and ids, self-identifying, verified by recomputation."""

from __future__ import annotations

import ast
import base64
import binascii
import json
import re
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.domain import ArtifactKind, TokenHit
from forewarn.marks import tokens
from forewarn.marks.tokens import families, legacy

SECRET = b"k" * 32
DOMAINS = ("t.example.net", "cdn-edge.example.org")
POC = '''"""Benign look-alike PoC."""

from __future__ import annotations

import sys

TARGET = "127.0.0.1"


def main() -> int:
    return len(sys.argv)
'''
ADVISORY = "# Advisory\n\nBody.\n"
PRODUCT_WORDS = re.compile(r"canary|forewarn|fwr", re.IGNORECASE)
KINDS = [ArtifactKind.POC, ArtifactKind.ADVISORY, ArtifactKind.DETECTION]


def _plant(
    content: str,
    kind: ArtifactKind,
    partner: str = "Acme",
    *,
    case_id: str = "C1",
    artifact: str = "poc.py",
    secret: bytes = SECRET,
    scheme: int = 4,
    domains: tuple[str, ...] = DOMAINS,
) -> tuple[str, tuple[str, ...]]:
    return tokens.plant(
        content,
        kind,
        secret=secret,
        case_id=case_id,
        artifact=artifact,
        partner=partner,
        scheme=scheme,
        domains=domains,
    )


def _verifier(
    scopes: dict[tuple[str, str], list[str]], *, secret: bytes = SECRET, scheme: int = 4
) -> tokens.TokenVerifier:
    verifier = tokens.verifier(secret, DOMAINS)
    for (case_id, artifact), partners in scopes.items():
        tokens.register(
            verifier,
            secret=secret,
            case_id=case_id,
            scheme=scheme,
            recipients={artifact: partners},
            domains=DOMAINS,
        )
    return verifier


def _added_lines(marked: str, original: str) -> list[str]:
    before = set(original.splitlines())
    return [line for line in marked.splitlines() if line.strip() and line not in before]


def test_a_poc_carries_real_shaped_credentials_and_ids_as_config_constants() -> None:
    marked, placed = _plant(POC, ArtifactKind.POC)
    tree = ast.parse(marked)
    assert isinstance(tree.body[1], ast.ImportFrom) and tree.body[1].module == "__future__"
    values = {
        n.targets[0].id: n.value.value  # type: ignore[attr-defined]
        for n in tree.body
        if isinstance(n, ast.Assign) and n.targets[0].id != "TARGET"  # type: ignore[attr-defined]
    }
    assert list(values) == [
        "AWS_ACCESS_KEY_ID",
        "GITHUB_TOKEN",
        "SESSION_TOKEN",
        "REQUEST_ID",
        "CALLBACK_URL",
    ]
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", values["AWS_ACCESS_KEY_ID"])
    github = values["GITHUB_TOKEN"]
    assert re.fullmatch(r"ghp_[A-Za-z0-9]{36}", github)
    assert families._github_checksum(github[4:34]) == github[34:]  # GitHub's CRC-32 check
    header, payload, signature = values["SESSION_TOKEN"].split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "HS256", "typ": "JWT"}
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert claims["exp"] - claims["iat"] == 86_400
    assert len(base64.urlsafe_b64decode(signature + "=")) == 32
    request = uuid.UUID(values["REQUEST_ID"])
    assert (request.version, request.variant) == (4, uuid.RFC_4122)
    url = re.fullmatch(
        r"https://([0-9a-z]{20})\.([a-z.-]+)/([0-9a-f-]{36})", values["CALLBACK_URL"]
    )
    assert url is not None and url.group(2) in DOMAINS and uuid.UUID(url.group(3)).version == 4
    assert marked.index("annotations") < marked.index("AWS_ACCESS") < marked.index("import sys")
    rest = [ln for ln in marked.splitlines() if ln not in _added_lines(marked, POC)]
    assert ast.dump(ast.parse("\n".join(rest))) == ast.dump(ast.parse(POC))
    assert len(placed) == 6


@given(st.text(min_size=1, max_size=30), st.sampled_from(KINDS), st.booleans())
@settings(max_examples=40, deadline=None)
def test_no_token_nor_the_text_carrying_it_holds_a_product_word(
    partner: str, kind: ArtifactKind, with_domains: bool
) -> None:
    domains = DOMAINS if with_domains else ()
    original = POC if kind is ArtifactKind.POC else ADVISORY
    marked, placed = _plant(original, kind, partner, domains=domains)
    assert placed
    for token in placed:
        assert not PRODUCT_WORDS.search(token), token
    for line in _added_lines(marked, original):
        assert not PRODUCT_WORDS.search(line.replace(partner, "")), line


def test_without_domains_no_host_nor_url_is_planted() -> None:
    for kind, original in ((ArtifactKind.POC, POC), (ArtifactKind.ADVISORY, ADVISORY)):
        marked, placed = _plant(original, kind, domains=())
        assert "https://" not in marked and "CALLBACK_URL" not in marked
        assert not any("." in t.split("-")[0] and "eyJ" not in t for t in placed)
    _, with_hosts = _plant(POC, ArtifactKind.POC)
    assert len(with_hosts) == 6 and any(t.endswith(DOMAINS) for t in with_hosts)


def test_an_advisory_closes_with_a_document_id_and_an_updates_link() -> None:
    marked, placed = _plant(ADVISORY, ArtifactKind.ADVISORY, artifact="advisory.md")
    document_id, host, path = placed
    assert marked.endswith(f"Document ID: {document_id}\nUpdates: https://{host}/{path}\n")
    found = _verifier({("C1", "advisory.md"): ["Acme", "Beta"]}).find(marked.upper())
    assert {h.token for h in found} == set(placed) and {h.partner for h in found} == {"Acme"}


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 10**6),
    st.integers(0, 10**4),
    st.sampled_from(["advisory.md", "detection.md", "poc.py"]),
    st.sampled_from(KINDS),
)
def test_tokens_verify_by_recomputation_for_any_partner_and_case(
    partner_index: int, case_index: int, artifact: str, kind: ArtifactKind
) -> None:
    partner, case_id = f"Partner {partner_index:07d}", f"FW-2026-{case_index:05d}"
    original = POC if kind is ArtifactKind.POC else ADVISORY
    marked, placed = _plant(original, kind, partner, case_id=case_id, artifact=artifact)
    others = [f"Partner {(partner_index + k) % 10**6:07d}" for k in range(1, 40)]
    verifier = _verifier({(case_id, artifact): [partner, *others], ("FW-OTHER", artifact): others})
    found = verifier.find(marked)
    assert {h.token for h in found} == set(placed)
    assert {(h.partner, h.artifact, h.case) for h in found} == {(partner, artifact, case_id)}


def test_tokens_differ_per_partner_artifact_case_and_key() -> None:
    one = set(_plant(POC, ArtifactKind.POC)[1])
    assert one == set(_plant(POC, ArtifactKind.POC)[1])
    for other in (
        _plant(POC, ArtifactKind.POC, "Beta"),
        _plant(POC, ArtifactKind.POC, artifact="other.py"),
        _plant(POC, ArtifactKind.POC, case_id="C2"),
        _plant(POC, ArtifactKind.POC, secret=b"j" * 32),
    ):
        assert not one & {t for t in other[1] if not t.startswith("eyJhbGciOiJIUzI1NiIs")}


def test_a_token_made_under_another_key_is_rejected() -> None:
    forged, placed = _plant(POC, ArtifactKind.POC, secret=b"j" * 32)
    scopes = {("C1", "poc.py"): ["Acme", "Beta"]}
    assert _verifier(scopes).find(forged) == ()
    assert {h.partner for h in _verifier(scopes, secret=b"j" * 32).find(forged)} == {"Acme"}


def test_a_token_of_a_partner_not_given_the_artifact_is_rejected() -> None:
    marked, _ = _plant(POC, ArtifactKind.POC, "Acme")
    assert (
        _verifier({("C1", "poc.py"): ["Beta"], ("C1", "advisory.md"): ["Acme"]}).find(marked) == ()
    )


@pytest.mark.parametrize("family", sorted(families.FAMILIES))
def test_a_tampered_token_is_rejected(family: str) -> None:
    marked, placed = _plant(POC, ArtifactKind.POC)
    verifier = _verifier({("C1", "poc.py"): ["Acme"]})
    shape = families.FAMILIES[family]
    for token in placed:
        body_text = token.split(".")[0] if family == "host" else token
        if shape.decode(body_text) is None:
            continue
        flipped = token[:-4] + ("2" if token[-4] != "2" else "3") + token[-3:]
        if family == "host":
            flipped = ("2" if token[0] != "2" else "3") + token[1:]
        assert verifier.find(flipped) == (), (family, flipped)


@given(st.text(max_size=400))
def test_random_text_never_verifies(text: str) -> None:
    assert _verifier({("C1", "poc.py"): ["Acme", "Beta"]}).find(text) == ()


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=16, max_size=16))
def test_random_strings_of_every_shape_never_verify(seed: bytes) -> None:
    verifier = _verifier({("C1", "poc.py"): [f"P{k}" for k in range(200)]})
    value = int.from_bytes(seed, "big")
    shaped = [f.encode(value % (1 << f.bits)) for f in families.FAMILIES.values()]
    shaped[-1] += "." + DOMAINS[0]
    assert verifier.find(" ".join(shaped)) == ()


def test_old_schemes_keep_their_hmac_tokens_recomputed_for_the_hunt() -> None:
    marked, placed = _plant(POC, ArtifactKind.POC, scheme=3)
    reference = legacy.token_set(SECRET, "C1", "poc.py", "Acme")
    assert placed == reference.all() and "BUILD_REFERENCE" in marked
    found = _verifier({("C1", "poc.py"): ["Acme", "Beta"]}, scheme=3).find(marked.lower())
    assert {h.token for h in found} == set(placed)
    assert {h.partner for h in found} == {"Acme"}
    assert tokens.self_identifying(4) and tokens.self_identifying(5)
    assert not tokens.self_identifying(3)


def test_a_file_that_is_not_python_gets_no_poc_tokens() -> None:
    assert _plant("int main( {", ArtifactKind.POC) == ("int main( {", ())


def test_every_planted_token_has_a_shape_scrubbers_know() -> None:
    marked, placed = _plant(POC, ArtifactKind.POC)
    for token in placed:
        assert any(p.search(token) for p in tokens.TOKEN_PATTERNS), token
    assert tokens.TOKEN_BITS == 48


def test_the_checksum_of_a_github_token_is_checked() -> None:
    github = families.GITHUB
    token = github.encode(12345)
    assert github.decode(token) == 12345
    broken = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert github.decode(broken) is None
    assert binascii.crc32(token[4:34].encode()) >= 0
    assert TokenHit("t", "p", "a").channel == "tokens"
