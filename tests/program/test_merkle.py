"""RFC 6962 tree hashing and proofs, checked against the RFC's recursive definitions."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.errors import IntegrityError, ValidationError
from forewarn.program.merkle import (
    EMPTY_ROOT,
    ConsistencyProof,
    InclusionProof,
    MerkleTree,
    leaf_hash,
    sign_checkpoint,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(data: list[bytes]) -> bytes:
    """MTH straight from RFC 6962 section 2.1."""
    if not data:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = _k(len(data))
    return hashlib.sha256(b"\x01" + mth(data[:k]) + mth(data[k:])).digest()


def rfc_path(m: int, data: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) from RFC 6962 section 2.1.1."""
    if len(data) <= 1:
        return []
    k = _k(len(data))
    if m < k:
        return rfc_path(m, data[:k]) + [mth(data[k:])]
    return rfc_path(m - k, data[k:]) + [mth(data[:k])]


def rfc_subproof(m: int, data: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) from RFC 6962 section 2.1.2."""
    n = len(data)
    if m == n:
        return [] if b else [mth(data)]
    k = _k(n)
    if m <= k:
        return rfc_subproof(m, data[:k], b) + [mth(data[k:])]
    return rfc_subproof(m - k, data[k:], False) + [mth(data[:k])]


def _leaves(n: int) -> list[bytes]:
    return [f"leaf-{i}".encode() for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33])
def test_root_matches_the_rfc_definition(n: int) -> None:
    data = _leaves(n)
    tree = MerkleTree.from_data(data)
    assert tree.root() == mth(data)
    for size in range(n + 1):
        assert tree.root(size) == mth(data[:size])


def test_empty_root_and_leaf_prefix() -> None:
    assert EMPTY_ROOT.hex() == hashlib.sha256(b"").hexdigest()
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_inclusion_proofs_match_rfc_and_verify(case: tuple[int, int]) -> None:
    n, m = case
    data = _leaves(n)
    tree = MerkleTree.from_data(data)
    proof = tree.inclusion_proof(m)
    assert list(proof.path) == rfc_path(m, data)
    verify_inclusion(proof, leaf_hash(data[m]), tree.root())


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 70).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.integers(0, 10_000))
    )
)
def test_inclusion_proofs_detect_tampering(case: tuple[int, int, int]) -> None:
    n, m, pick = case
    data = _leaves(n)
    tree = MerkleTree.from_data(data)
    proof = tree.inclusion_proof(m)
    root = tree.root()
    with pytest.raises(IntegrityError):
        verify_inclusion(proof, leaf_hash(b"forged"), root)
    with pytest.raises(IntegrityError):
        verify_inclusion(proof, leaf_hash(data[m]), mth(data[:-1] + [b"other"]))
    if proof.path:
        i = pick % len(proof.path)
        bad = list(proof.path)
        bad[i] = hashlib.sha256(bad[i]).digest()
        with pytest.raises(IntegrityError):
            verify_inclusion(InclusionProof(m, n, tuple(bad)), leaf_hash(data[m]), root)
        with pytest.raises(IntegrityError):
            verify_inclusion(InclusionProof(m, n, proof.path[:-1]), leaf_hash(data[m]), root)
    other = (m + 1 + pick % (n - 1)) % n
    with pytest.raises(IntegrityError):
        verify_inclusion(InclusionProof(other, n, proof.path), leaf_hash(data[m]), root)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_consistency_proofs_match_rfc_and_verify(case: tuple[int, int]) -> None:
    m, n = case
    data = _leaves(n)
    tree = MerkleTree.from_data(data)
    proof = tree.consistency_proof(m)
    if 0 < m < n:
        assert list(proof.path) == rfc_subproof(m, data, True)
    verify_consistency(proof, tree.root(m), tree.root())


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 70).flatmap(
        lambda n: st.tuples(st.integers(1, n - 1), st.just(n), st.integers(0, 10_000))
    )
)
def test_consistency_proofs_detect_a_rewritten_history(case: tuple[int, int, int]) -> None:
    m, n, pick = case
    data = _leaves(n)
    tree = MerkleTree.from_data(data)
    proof = tree.consistency_proof(m)
    rewritten = list(data)
    rewritten[pick % m] = b"rewritten"
    with pytest.raises(IntegrityError):
        verify_consistency(proof, mth(rewritten[:m]), tree.root())
    with pytest.raises(IntegrityError):
        verify_consistency(proof, tree.root(m), mth(rewritten))
    if proof.path:
        bad = list(proof.path)
        i = pick % len(bad)
        bad[i] = hashlib.sha256(bad[i]).digest()
        with pytest.raises(IntegrityError):
            verify_consistency(ConsistencyProof(m, n, tuple(bad)), tree.root(m), tree.root())


def test_consistency_edge_cases() -> None:
    tree = MerkleTree.from_data(_leaves(5))
    verify_consistency(tree.consistency_proof(0), EMPTY_ROOT, tree.root())
    verify_consistency(tree.consistency_proof(5), tree.root(), tree.root())
    with pytest.raises(IntegrityError):
        verify_consistency(ConsistencyProof(5, 5, ()), tree.root(4), tree.root())
    with pytest.raises(IntegrityError):
        verify_consistency(ConsistencyProof(6, 5, ()), tree.root(), tree.root())
    with pytest.raises(ValidationError):
        tree.consistency_proof(6)
    with pytest.raises(ValidationError):
        tree.inclusion_proof(5)


def test_checkpoint_signature() -> None:
    key = Ed25519PrivateKey.generate()
    tree = MerkleTree.from_data(_leaves(10))
    at = datetime(2021, 2, 23, 9, tzinfo=UTC)
    checkpoint = sign_checkpoint(key, tree.size, tree.root(), at)
    verify_checkpoint(checkpoint, key.public_key())
    forged = type(checkpoint)(11, checkpoint.root, at, checkpoint.signature)
    with pytest.raises(IntegrityError):
        verify_checkpoint(forged, key.public_key())
    with pytest.raises(IntegrityError):
        verify_checkpoint(checkpoint, Ed25519PrivateKey.generate().public_key())


def test_hundred_thousand_leaves_are_fast() -> None:
    started = time.perf_counter()
    tree = MerkleTree.from_data([i.to_bytes(8, "big") for i in range(100_000)])
    root = tree.root()
    for index in (0, 1, 65_535, 65_536, 99_999):
        verify_inclusion(tree.inclusion_proof(index), leaf_hash(index.to_bytes(8, "big")), root)
    verify_consistency(tree.consistency_proof(70_001), tree.root(70_001), root)
    assert time.perf_counter() - started < 5
