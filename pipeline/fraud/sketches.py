"""MinHash/LSH of receipt text and a perceptual hash of the receipt image, exact and small.

Written here rather than taken from `datasketch` / `imagehash`: the MinHash below is the
same universal-hash formula datasketch uses ((a·x + b) mod 2^64 mod 2^61-1 over
32-bit shingle hashes), in ~20 lines of numpy; and the perceptual hash is imagehash's `phash` (DCT of a
32x32 grey thumbnail, low 8x8 frequencies against their median) on OpenCV, which the
pipeline already has. `imagehash` would pull SciPy and PyWavelets for that one
function, and datasketch's LSH tables live in memory or Redis, while ours must be
database index rows. Both are deterministic across processes (no Python `hash()`).
"""

from __future__ import annotations

import hashlib
import struct

import cv2
import numpy as np

from pipeline.fraud.keys import fold, key64

NUM_PERM = 64
SHINGLE = 5  # characters; shorter shingles make unrelated receipts alike, longer ones break on one OCR error
_MERSENNE = np.uint64((1 << 61) - 1)
_rng = np.random.RandomState(20261122)  # fixed: signatures must stay comparable forever
_A = _rng.randint(1, (1 << 61) - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_B = _rng.randint(0, (1 << 61) - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
PHASH_KEY = "receipt_phash"  # reading metadata key (hex) set by pipeline.read
IMAGE_CHUNKS = 4  # 16-bit chunks of the 64-bit image hash


def shingles(lines: list[str] | tuple[str, ...]) -> set[str]:
    """Character k-grams of each folded line (line breaks are boundaries, spaces dropped)."""
    out: set[str] = set()
    for line in lines:
        text = fold(line)
        if len(text) < SHINGLE:
            if len(text) >= 3:
                out.add(text)
            continue
        out.update(text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1))
    return out


def _h32(text: str) -> int:
    return struct.unpack("<I", hashlib.blake2b(text.encode(), digest_size=4).digest())[0]


def minhash(items: set[str]) -> tuple[int, ...]:
    """NUM_PERM minimum hash values (32-bit) of a set; () for an empty set."""
    if not items:
        return ()
    x = np.fromiter((_h32(s) for s in items), dtype=np.uint64, count=len(items))
    # datasketch's formula: the product wraps modulo 2^64 before the reduction modulo the prime,
    # which is what makes the permutations differ from one another (without a wrap, a·x + b < p
    # would keep the order of x and every permutation would pick the same minimum)
    values = (x[:, None] * _A[None, :] + _B[None, :]) % _MERSENNE
    return tuple(int(v) for v in (values.min(axis=0) & np.uint64(0xFFFFFFFF)))


def signature_similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b)) / len(a)


def lsh_bands(signature: tuple[int, ...], bands: int, rows: int) -> tuple[int, ...]:
    """One 64-bit key per band of `rows` values: texts sharing a key are candidates.

    With b bands of r rows, two texts of Jaccard s share a band with probability
    1 - (1 - s^r)^b: the S-curve is chosen from measured similarities (FraudPolicy).
    """
    if not signature:
        return ()
    return tuple(key64("text", i, *signature[i * rows : (i + 1) * rows]) for i in range(bands)
                 if (i + 1) * rows <= len(signature))


def pack_signature(signature: tuple[int, ...]) -> bytes:
    return struct.pack(f"<{len(signature)}I", *signature)


def unpack_signature(data: bytes | None) -> tuple[int, ...]:
    if not data:
        return ()
    return struct.unpack(f"<{len(data) // 4}I", data)


def image_hash(grey: np.ndarray) -> int:
    """64-bit DCT perceptual hash of a grey image (imagehash.phash, hash_size 8, highfreq 4)."""
    small = cv2.resize(grey.astype(np.float32), (32, 32), interpolation=cv2.INTER_AREA)
    low = cv2.dct(small)[:8, :8].flatten()
    bits = low > np.median(low)
    return int("".join("1" if b else "0" for b in bits), 2)


def receipt_hash(prepared: np.ndarray) -> int:
    """The perceptual hash of a prepared (straightened, cleaned) receipt, cut to its ink.

    Cutting to the ink's bounding box first makes the hash independent of how much
    paper margin each photo kept: on generator pairs it halves the distance between two
    photos of one paper (median 2 bits) while two different receipts stay ~24 bits apart.
    """
    ink = prepared < 128
    rows = np.flatnonzero(ink.mean(axis=1) > 0.01)
    cols = np.flatnonzero(ink.mean(axis=0) > 0.01)
    if len(rows) >= 8 and len(cols) >= 8:
        prepared = prepared[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return image_hash(prepared)


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def image_bands(value: int | None) -> tuple[int, ...]:
    """The hash cut into IMAGE_CHUNKS chunks, each tagged by position (multi-index hashing)."""
    if value is None:
        return ()
    width = 64 // IMAGE_CHUNKS
    mask = (1 << width) - 1
    return tuple(key64("image", i, (value >> (i * width)) & mask) for i in range(IMAGE_CHUNKS))
