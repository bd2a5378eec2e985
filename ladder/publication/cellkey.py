"""The cell-key method: every published count is the true count plus a small noise that is fixed by
*who* is counted, so the same people always give the same published number, in every table.

Each response gets a record key (a 32-bit number from a keyed hash of its id with the survey's own
secret seed). A cell's key is the sum of the record keys of the people in it, modulo 2**32; the noise
is read from a fixed perturbation table at that key. Two tables that count the same people (a
follow-up question's answerers and the "ja" answers that lead to it; a rung and the one answer it
maps to) therefore publish the same number: repeating a cell gives nothing to average.

The perturbation table (:data:`PTABLE`) is public, as statistical offices publish theirs; the record
keys are not. Zero stays zero; every other count moves by at most :data:`MAX_NOISE`, never below
zero, with mean zero for every true count, so totals and shares are unbiased.
"""
from __future__ import annotations

import hashlib
import secrets
from bisect import bisect_right
from collections.abc import Iterable

import numpy as np

MAX_NOISE = 3
KEY_BITS = 32
KEY_SPACE = 1 << KEY_BITS

# True count -> ((noise, probability), ...); counts of 3 and more share the last row. Each row's mean is 0.
PTABLE: dict[int, tuple[tuple[int, float], ...]] = {
    1: ((-1, 0.45), (0, 0.30), (1, 0.10), (2, 0.10), (3, 0.05)),
    2: ((-2, 0.15), (-1, 0.20), (0, 0.35), (1, 0.15), (2, 0.10), (3, 0.05)),
    3: ((-3, 0.05), (-2, 0.10), (-1, 0.20), (0, 0.30), (1, 0.20), (2, 0.10), (3, 0.05)),
}
_CUMULATIVE = {n: (tuple(np.cumsum([p for _, p in row])[:-1]), tuple(d for d, _ in row)) for n, row in PTABLE.items()}


def new_seed() -> str:
    """A survey's secret seed for its record keys (kept in the database, never published)."""
    return secrets.token_hex(32)


def record_keys(seed: str, ids: Iterable[int]) -> np.ndarray:
    """One record key per response id (uint64 values below 2**32)."""
    secret = bytes.fromhex(seed)
    return np.fromiter((int.from_bytes(hashlib.blake2b(str(i).encode(), key=secret, digest_size=4).digest(), "big")
                        for i in ids), dtype=np.uint64)


def noise(count: int, key: int) -> int:
    """The noise for a cell of ``count`` people whose record keys add up to ``key`` (mod 2**32)."""
    if count <= 0:
        return 0
    bounds, values = _CUMULATIVE[min(count, 3)]
    return values[bisect_right(bounds, (key % KEY_SPACE) / KEY_SPACE)]


def perturb(count: int, key: int) -> int:
    """The published count."""
    return int(count) + noise(int(count), int(key))


def possible(published: int) -> tuple[int, int]:
    """The true counts that can give ``published``: what anyone who knows the table can tell from it alone."""
    if published <= 0:
        return 0, MAX_NOISE
    return max(1, published - MAX_NOISE), published + MAX_NOISE
