"""Shared steps of the word-index datasets (IMDB, Reuters): shuffle, offset, filter, cap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def as_object_array(sequences: Sequence[list[int]]) -> np.ndarray:
    """A 1-D object array of lists (never a 2-D array, even when all lengths agree)."""
    out = np.empty(len(sequences), dtype=object)
    for i, seq in enumerate(sequences):
        out[i] = seq
    return out


def shuffled(rng: np.random.RandomState, *arrays: np.ndarray) -> list[np.ndarray]:
    """The arrays permuted by one permutation drawn from ``rng`` (Keras' order of draws)."""
    order = np.arange(len(arrays[0]))
    rng.shuffle(order)
    return [a[order] for a in arrays]


def offset(seqs, start_char: int | None, index_from: int) -> list[list[int]]:
    """Shift word indices by ``index_from`` and put ``start_char`` first (when not None)."""
    head = [start_char] if start_char is not None else []
    return [head + [int(w) + index_from for w in seq] for seq in seqs]


def drop_long(maxlen: int, seqs: list[list[int]], labels) -> tuple[list[list[int]], list]:
    """Keep the (sequence, label) pairs whose sequence is shorter than ``maxlen``."""
    kept = [(s, y) for s, y in zip(seqs, labels) if len(s) < maxlen]
    return [s for s, _ in kept], [y for _, y in kept]


def cap_vocabulary(
    seqs: list[list[int]], num_words: int | None, skip_top: int, oov_char: int | None
) -> list[list[int]]:
    """Replace (or drop, when ``oov_char`` is None) indices outside ``[skip_top, num_words)``.

    ``num_words=None`` keeps every word, as documented (Keras' loaders use the largest index
    as the exclusive bound there, which turns the rarest word into ``oov_char``).
    """
    if not num_words:
        num_words = max((max(s) for s in seqs if s), default=0) + 1
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in s] for s in seqs]
    return [[w for w in s if skip_top <= w < num_words] for s in seqs]
