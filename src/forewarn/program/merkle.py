"""RFC 6962 Merkle tree hashing, inclusion and consistency proofs, signed checkpoints.

The audit log is an append-only list of leaves. Its tree is the one of RFC 6962 (Certificate
Transparency): `leaf = SHA-256(0x00 || data)`, `node = SHA-256(0x01 || left || right)`, the empty
tree hashes to `SHA-256("")`. Proofs are checked with the algorithms of RFC 9162 section 2.1, which
need only hashes, so a third party can check them without the log. Checks raise `IntegrityError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from forewarn.errors import IntegrityError, ValidationError

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root hash of the tree with no leaves."""

CHECKPOINT_CONTEXT = b"forewarn-audit-checkpoint-v1"
"""Domain separation for checkpoint signatures, so no other signed message can pass for one."""


def leaf_hash(data: bytes) -> bytes:
    """Hash of one leaf's data (prefix 0x00)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an interior node (prefix 0x01)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """The `k` of RFC 6962: the largest power of two strictly smaller than `n` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """A tree over a fixed list of leaf hashes, with every level kept for fast proofs.

    Building costs one pass per level (about `n` hashes in all); a proof then costs `O(log n)`.
    An odd node at the end of a level moves up unchanged, which gives exactly RFC 6962's tree.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        levels: list[list[bytes]] = [list(leaf_hashes)]
        while len(levels[-1]) > 1:
            below = levels[-1]
            above = [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            if len(below) % 2:
                above.append(below[-1])
            levels.append(above)
        self._levels = levels

    @classmethod
    def from_data(cls, leaves: Sequence[bytes]) -> MerkleTree:
        """A tree over raw leaf data (each hashed with `leaf_hash`)."""
        return cls([leaf_hash(data) for data in leaves])

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0])

    def root(self, size: int | None = None) -> bytes:
        """Root hash of the first `size` leaves (default: all of them)."""
        size = self.size if size is None else size
        self._check_size(size)
        if size == 0:
            return EMPTY_ROOT
        return self._range_hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> InclusionProof:
        """Audit path of leaf `index` in the tree of the first `size` leaves."""
        size = self.size if size is None else size
        self._check_size(size)
        if not 0 <= index < size:
            raise ValidationError(f"leaf {index} is not in a tree of {size} leaves")
        path: list[bytes] = []
        self._path(index, 0, size, path)
        return InclusionProof(leaf_index=index, tree_size=size, path=tuple(reversed(path)))

    def consistency_proof(self, first: int, second: int | None = None) -> ConsistencyProof:
        """Proof that the tree of `first` leaves is a prefix of the tree of `second` leaves."""
        second = self.size if second is None else second
        self._check_size(second)
        if not 0 <= first <= second:
            raise ValidationError(f"cannot prove {first} leaves consistent with {second}")
        path: list[bytes] = []
        if 0 < first < second:
            self._subproof(first, 0, second, True, path)
        return ConsistencyProof(first_size=first, second_size=second, path=tuple(path))

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValidationError(f"the tree has {self.size} leaves, not {size}")

    def _range_hash(self, start: int, end: int) -> bytes:
        """MTH of leaves `[start, end)`; aligned perfect subtrees come straight from a level."""
        width = end - start
        if width & (width - 1) == 0 and start % width == 0:
            level = width.bit_length() - 1
            return self._levels[level][start >> level]
        k = _largest_power_of_two_below(width)
        return node_hash(self._range_hash(start, start + k), self._range_hash(start + k, end))

    def _path(self, index: int, start: int, end: int, out: list[bytes]) -> None:
        """RFC 6962 PATH, collected root first (reversed by the caller)."""
        width = end - start
        if width <= 1:
            return
        k = _largest_power_of_two_below(width)
        if index < start + k:
            out.append(self._range_hash(start + k, end))
            self._path(index, start, start + k, out)
        else:
            out.append(self._range_hash(start, start + k))
            self._path(index, start + k, end, out)

    def _subproof(self, m: int, start: int, end: int, whole: bool, out: list[bytes]) -> None:
        """RFC 6962 SUBPROOF(m, D[start:end], b), appended leaf side first."""
        width = end - start
        if m == width:
            if not whole:
                out.append(self._range_hash(start, end))
            return
        k = _largest_power_of_two_below(width)
        if m <= k:
            self._subproof(m, start, start + k, whole, out)
            out.append(self._range_hash(start + k, end))
        else:
            self._subproof(m - k, start + k, end, False, out)
            out.append(self._range_hash(start, start + k))


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Hashes linking one leaf to the root of a tree of a given size."""

    leaf_index: int
    """Zero-based index of the leaf."""
    tree_size: int
    """Number of leaves of the tree the proof is for."""
    path: tuple[bytes, ...]
    """Sibling hashes from the leaf upwards."""


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """Hashes showing that a smaller tree is a prefix of a larger one."""

    first_size: int
    """Leaves of the earlier tree."""
    second_size: int
    """Leaves of the later tree."""
    path: tuple[bytes, ...]
    """The RFC 6962 consistency path."""


def verify_inclusion(proof: InclusionProof, leaf: bytes, root: bytes) -> None:
    """Raise `IntegrityError` unless leaf hash `leaf` is at `proof.leaf_index` under `root`."""
    index, size = proof.leaf_index, proof.tree_size
    if not 0 <= index < size:
        raise IntegrityError(f"inclusion proof: leaf {index} outside a tree of {size} leaves")
    fn, sn, r = index, size - 1, leaf
    for p in proof.path:
        if sn == 0:
            raise IntegrityError("inclusion proof: path longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise IntegrityError("inclusion proof: the leaf does not lead to the root")


def verify_consistency(proof: ConsistencyProof, first_root: bytes, second_root: bytes) -> None:
    """Raise `IntegrityError` unless `first_root`'s tree is a prefix of `second_root`'s."""
    first, second, path = proof.first_size, proof.second_size, list(proof.path)
    if not 0 <= first <= second:
        raise IntegrityError(f"consistency proof: sizes {first} and {second} are out of order")
    if first == second or first == 0:
        if path:
            raise IntegrityError("consistency proof: expected an empty path")
        if first == second and first_root != second_root:
            raise IntegrityError("consistency proof: equal sizes but different roots")
        if first == 0 and first_root != EMPTY_ROOT:
            raise IntegrityError("consistency proof: the empty tree has another root")
        return
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    if not path:
        raise IntegrityError("consistency proof: empty path")
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise IntegrityError("consistency proof: path longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise IntegrityError("consistency proof: the trees are not one the prefix of the other")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed tree head: the log had `size` leaves with root `root` at `at`."""

    size: int
    """Number of leaves."""
    root: bytes
    """Root hash of those leaves."""
    at: datetime
    """When the checkpoint was made (aware, UTC)."""
    signature: bytes
    """Ed25519 signature over `checkpoint_message(size, root, at)`."""


def checkpoint_message(size: int, root: bytes, at: datetime) -> bytes:
    """The exact bytes a checkpoint signature covers."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return b"\n".join([CHECKPOINT_CONTEXT, str(size).encode(), root.hex().encode(), stamp.encode()])


def sign_checkpoint(key: Ed25519PrivateKey, size: int, root: bytes, at: datetime) -> Checkpoint:
    """Sign the tree head with the program's signing key."""
    if at.tzinfo is None:
        raise ValidationError("checkpoint time must carry a time zone")
    return Checkpoint(size, root, at, key.sign(checkpoint_message(size, root, at)))


def verify_checkpoint(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> None:
    """Raise `IntegrityError` unless the program's key signed this tree head."""
    message = checkpoint_message(checkpoint.size, checkpoint.root, checkpoint.at)
    try:
        public_key.verify(checkpoint.signature, message)
    except InvalidSignature:
        raise IntegrityError(
            f"checkpoint of {checkpoint.size} leaves: the signature does not verify",
            hint="the log or the public key is not the program's",
        ) from None
