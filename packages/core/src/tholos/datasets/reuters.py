"""Reuters newswires: 11,228 articles labelled over 46 topics, as word-index sequences.

Indices follow the IMDB conventions: 0 padding, ``start_char``, ``oov_char``, and words
shifted by ``index_from``.
"""

from __future__ import annotations

import json

import numpy as np

from tholos.datasets import _sequences as seqs
from tholos.datasets._download import fetch
from tholos.datasets._npz import load_npz

_LABELS = (
    "cocoa grain veg-oil earn acq wheat copper housing money-supply coffee sugar trade reserves "
    "ship cotton carcass crude nat-gas cpi money-fx interest gnp meal-feed alum oilseed gold tin "
    "strategic-metal livestock retail ipi iron-steel rubber heat jobs lei bop zinc orange "
    "pet-chem dlr gas silver wpi hog lead"
).split()


def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
):
    """Load the Reuters newswires, shuffled and split.

    Args:
        path: file name in the cache (or an absolute path).
        num_words: keep the ``num_words`` most frequent words (others become ``oov_char``).
        skip_top: also replace the ``skip_top`` most frequent words by ``oov_char``.
        maxlen: drop articles of ``maxlen`` words or more.
        test_split: fraction of the articles kept for the test set.
        seed: seed of the shuffle.
        start_char: index put at the start of each article (``None``: none).
        oov_char: index of the replaced words (``None``: drop them instead).
        index_from: offset added to every word index.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` are 1-D object arrays of lists of ints,
        ``y`` integer topic labels 0-45.

    Example (needs the network the first time)::

        (x_train, y_train), _ = tholos.datasets.reuters.load_data(num_words=10000)
    """
    arrays = load_npz(fetch("reuters.npz", path))
    xs, labels = seqs.shuffled(np.random.RandomState(seed), arrays["x"], arrays["y"])
    sequences = seqs.offset(xs, start_char, index_from)
    if maxlen:
        sequences, labels = seqs.drop_long(maxlen, sequences, labels)
    sequences = seqs.cap_vocabulary(sequences, num_words, skip_top, oov_char)
    labels = np.asarray(labels)
    cut = int(len(sequences) * (1 - test_split))
    return (
        (seqs.as_object_array(sequences[:cut]), labels[:cut]),
        (seqs.as_object_array(sequences[cut:]), labels[cut:]),
    )


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """The dict word -> frequency rank (add ``index_from`` to match ``load_data``'s indices)."""
    with open(fetch("reuters_word_index.json", path), encoding="utf-8") as fp:
        return json.load(fp)


def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, indexed like the labels.

    >>> get_label_names()[:3]
    ('cocoa', 'grain', 'veg-oil')
    """
    return tuple(_LABELS)
