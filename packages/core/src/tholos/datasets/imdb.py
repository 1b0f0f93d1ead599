"""IMDB movie reviews: 25,000 training and 25,000 test reviews labelled by sentiment (0/1).

Each review is a list of word indices; a word's index is its frequency rank (1 = most
frequent), shifted by ``index_from``. Index 0 is padding, ``start_char`` marks a review's
start and ``oov_char`` stands for words cut by ``num_words``/``skip_top``.
"""

from __future__ import annotations

import json

import numpy as np

from tholos.datasets import _sequences as seqs
from tholos.datasets._download import fetch
from tholos.datasets._npz import load_npz


def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
):
    """Load the IMDB reviews as word-index sequences.

    Args:
        path: file name in the cache (or an absolute path).
        num_words: keep the ``num_words`` most frequent words (others become ``oov_char``);
            ``None`` keeps all.
        skip_top: also replace the ``skip_top`` most frequent words by ``oov_char``.
        maxlen: drop reviews of ``maxlen`` words or more (``None``: keep all).
        seed: seed of the shuffle of each split.
        start_char: index put at the start of each review (``None``: none).
        oov_char: index of the replaced words (``None``: drop them instead).
        index_from: offset added to every word index.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` are 1-D object arrays of lists of ints,
        ``y`` are integer arrays of 0/1 labels.

    Example (needs the network the first time)::

        (x_train, y_train), _ = tholos.datasets.imdb.load_data(num_words=10000)
    """
    arrays = load_npz(fetch("imdb.npz", path))
    rng = np.random.RandomState(seed)
    x_train, y_train = seqs.shuffled(rng, arrays["x_train"], arrays["y_train"])
    x_test, y_test = seqs.shuffled(rng, arrays["x_test"], arrays["y_test"])

    train = seqs.offset(x_train, start_char, index_from)
    test = seqs.offset(x_test, start_char, index_from)
    if maxlen:
        train, y_train = seqs.drop_long(maxlen, train, y_train)
        test, y_test = seqs.drop_long(maxlen, test, y_test)
        if not train or not test:
            raise ValueError(
                f"imdb.load_data: no review is shorter than maxlen={maxlen}; increase maxlen."
            )
    both = seqs.cap_vocabulary(train + test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    n = len(train)
    return (
        (seqs.as_object_array(both[:n]), labels[:n]),
        (seqs.as_object_array(both[n:]), labels[n:]),
    )


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """The dict word -> frequency rank (add ``index_from`` to match ``load_data``'s indices).

    Example (needs the network the first time)::

        index = tholos.datasets.imdb.get_word_index()
        words = {rank + 3: word for word, rank in index.items()}
    """
    with open(fetch("imdb_word_index.json", path), encoding="utf-8") as fp:
        return json.load(fp)
