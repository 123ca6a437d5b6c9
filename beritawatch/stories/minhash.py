"""MinHash signatures of token sets and their LSH band keys (own code: no numpy/scipy needed).

A signature holds, for each of NUM_PERM random affine permutations of 61-bit token hashes, the
minimum over the set; the share of equal positions in two signatures estimates the Jaccard
similarity of the sets. Bands of BAND_ROWS positions hashed together are the index keys: two
sets share a band with probability 1 - (1 - J**BAND_ROWS) ** (NUM_PERM / BAND_ROWS).
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence

NUM_PERM = 64
BAND_ROWS = 4  # 16 bands: J=0.5 → 64% chance of a shared band, J=0.3 → 12%, J=0.15 → 0.8%
_PRIME = (1 << 61) - 1
_rng = random.Random(20261204)  # fixed seed: signatures must be comparable across processes
_PERMS: tuple[tuple[int, int], ...] = tuple(
    (_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(NUM_PERM))
EMPTY: tuple[int, ...] = (_PRIME,) * NUM_PERM


def token_hash(token: str) -> int:
    """A stable 61-bit hash of a token (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "big") % _PRIME


def key64(text: str) -> int:
    """A stable signed 64-bit key (fits DuckDB BIGINT) for an index entry."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def signature(tokens: Iterable[str]) -> tuple[int, ...]:
    """The MinHash signature of a set of tokens (EMPTY for an empty set)."""
    hashes = {token_hash(t) for t in tokens}
    if not hashes:
        return EMPTY
    return tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMS)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the sets behind two signatures (0 when either is empty)."""
    if not a or not b or tuple(a) == EMPTY or tuple(b) == EMPTY:
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def band_keys(sig: Sequence[int], prefix: str = "b") -> list[int]:
    """One index key per band of the signature (none for an empty signature)."""
    if tuple(sig) == EMPTY:
        return []
    return [key64(f"{prefix}{i}:" + ",".join(map(str, sig[i:i + BAND_ROWS])))
            for i in range(0, len(sig), BAND_ROWS)]
