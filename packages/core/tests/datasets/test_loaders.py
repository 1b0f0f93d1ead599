"""Each loader on small generated files in the real formats, served from 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import json
import tarfile

import numpy as np
import pytest

from tholos import config, datasets
from tholos.datasets import _download


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # object arrays are written the way NumPy writes them
    return buf.getvalue()


def _ragged(seqs) -> np.ndarray:
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = list(s)
    return out


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_registry_has_every_file_with_a_published_hash():
    for name, entry in _download.REMOTE_FILES.items():
        assert entry.origin.endswith("/" + name)
        assert entry.origin.startswith("https://")
        assert len(entry.file_hash) in (32, 64) and int(entry.file_hash, 16) >= 0
        assert (len(entry.file_hash) == 32) == bool(entry.hash_note)


def test_mirror_variable_rewrites_origins(monkeypatch):
    monkeypatch.delenv(_download.BASE_URL_ENV, raising=False)
    assert _download.resolve_origin("mnist.npz") == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    )
    monkeypatch.setenv(_download.BASE_URL_ENV, "http://mirror.local/keras/")
    assert _download.resolve_origin("cifar-10-binary.tar.gz") == (
        "http://mirror.local/keras/cifar-10-binary.tar.gz"
    )


def test_mnist(publish, home, server):
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    y_train = np.array([5, 0, 4, 1, 9], np.uint8)
    x_test = rng.integers(0, 256, (2, 28, 28), dtype=np.uint8)
    y_test = np.array([7, 2], np.uint8)
    publish("mnist.npz", _npz(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test))
    (a, b), (c, d) = datasets.mnist.load_data()
    for got, want in ((a, x_train), (b, y_train), (c, x_test), (d, y_test)):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, want)
    assert (home / "datasets" / "mnist.npz").is_file()
    datasets.mnist.load_data()
    assert server.hits["mnist.npz"] == 1  # second call: cache hit


def test_mnist_hash_mismatch_keeps_nothing(publish, home, server):
    publish("mnist.npz", b"the published file")
    server.files["mnist.npz"] = b"something else"
    with pytest.raises(_download.HashMismatchError):
        datasets.mnist.load_data()
    assert not (home / "datasets" / "mnist.npz").exists()
    assert list((home / "datasets").iterdir()) == []


def _idx(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape
    )
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist(publish, home):
    rng = np.random.default_rng(1)
    x_train = rng.integers(0, 256, (4, 28, 28), dtype=np.uint8)
    x_test = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    y_train, y_test = np.array([9, 0, 0, 3], np.uint8), np.array([2, 1, 1], np.uint8)
    publish("train-images-idx3-ubyte.gz", _idx(x_train))
    publish("train-labels-idx1-ubyte.gz", _idx(y_train))
    publish("t10k-images-idx3-ubyte.gz", _idx(x_test))
    publish("t10k-labels-idx1-ubyte.gz", _idx(y_test))
    (a, b), (c, d) = datasets.fashion_mnist.load_data()
    for got, want in ((a, x_train), (b, y_train), (c, x_test), (d, y_test)):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, want)
    assert (home / "datasets" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").is_file()


def _cifar_batch(labels: np.ndarray, images_chw: np.ndarray) -> bytes:
    rows = [bytes(lab.tolist()) + img.tobytes() for lab, img in zip(labels, images_chw)]
    return b"".join(rows)


@pytest.fixture
def channels_last():
    previous = config.image_data_format()
    yield
    config.set_image_data_format(previous)


def test_cifar10(publish, channels_last):
    rng = np.random.default_rng(2)
    batches, members = [], {}
    for i in range(1, 6):
        imgs = rng.integers(0, 256, (2, 3, 32, 32), dtype=np.uint8)
        labs = rng.integers(0, 10, (2, 1), dtype=np.uint8)
        batches.append((imgs, labs))
        members[f"cifar-10-batches-bin/data_batch_{i}.bin"] = _cifar_batch(labs, imgs)
    test_imgs = rng.integers(0, 256, (3, 3, 32, 32), dtype=np.uint8)
    test_labs = np.array([[3], [8], [0]], np.uint8)
    members["cifar-10-batches-bin/test_batch.bin"] = _cifar_batch(test_labs, test_imgs)
    members["cifar-10-batches-bin/batches.meta.txt"] = b"airplane\n"
    publish("cifar-10-binary.tar.gz", _tar(members))

    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8 and x_train.dtype == np.uint8
    all_imgs = np.concatenate([b[0] for b in batches])
    # pixel (row r, column c, channel ch) is byte ch*1024 + r*32 + c of the record
    assert x_train[7, 4, 9, 2] == all_imgs[7].reshape(-1)[2 * 1024 + 4 * 32 + 9]
    np.testing.assert_array_equal(x_train, all_imgs.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(y_train, np.concatenate([b[1] for b in batches]))
    np.testing.assert_array_equal(y_test, test_labs)

    config.set_image_data_format("channels_first")
    (_x_train_cf, _), (x_test_cf, _) = datasets.cifar10.load_data()
    np.testing.assert_array_equal(x_test_cf, test_imgs)


def test_cifar100_fine_and_coarse(publish):
    rng = np.random.default_rng(3)
    imgs = rng.integers(0, 256, (4, 3, 32, 32), dtype=np.uint8)
    labs = np.array([[1, 11], [19, 99], [0, 0], [7, 42]], np.uint8)  # (coarse, fine)
    publish(
        "cifar-100-binary.tar.gz",
        _tar({
            "cifar-100-binary/train.bin": _cifar_batch(labs[:3], imgs[:3]),
            "cifar-100-binary/test.bin": _cifar_batch(labs[3:], imgs[3:]),
        }),
    )  # fmt: skip
    (_x_train, y_train), (x_test, y_test) = datasets.cifar100.load_data()
    np.testing.assert_array_equal(y_train, [[11], [99], [0]])
    np.testing.assert_array_equal(y_test, [[42]])
    np.testing.assert_array_equal(x_test[0], imgs[3].transpose(1, 2, 0))
    (_, y_train_c), (_, y_test_c) = datasets.cifar100.load_data(label_mode="coarse")
    np.testing.assert_array_equal(y_train_c, [[1], [19], [0]])
    np.testing.assert_array_equal(y_test_c, [[7]])
    with pytest.raises(ValueError, match="label_mode"):
        datasets.cifar100.load_data(label_mode="medium")


def test_cifar_truncated_batch_is_reported(publish):
    publish(
        "cifar-10-binary.tar.gz",
        _tar(
            {f"d/data_batch_{i}.bin": b"\x01" * 100 for i in range(1, 6)}
            | {"d/test_batch.bin": b""}
        ),
    )
    with pytest.raises(Exception, match="truncated CIFAR batch"):
        datasets.cifar10.load_data()


# -- the word-index datasets, checked against a direct reading of the documented rules ----------
IMDB_TRAIN = [[1, 5, 9, 2], [3, 3], [8, 1, 1, 1, 1, 6], [2]]
IMDB_TEST = [[4, 7], [9, 9, 9, 10], [1]]


def _expected_words(seqs, order, *, start_char=1, index_from=3):
    out = []
    for i in order:
        head = [] if start_char is None else [start_char]
        out.append(head + [w + index_from for w in seqs[i]])
    return out


def _publish_imdb(publish):
    publish(
        "imdb.npz",
        _npz(
            x_train=_ragged(IMDB_TRAIN),
            y_train=np.array([1, 0, 1, 0]),
            x_test=_ragged(IMDB_TEST),
            y_test=np.array([0, 1, 1]),
        ),
    )


def test_imdb_defaults(publish):
    _publish_imdb(publish)
    (x_train, y_train), (x_test, y_test) = datasets.imdb.load_data()
    rng = np.random.RandomState(113)
    train_order, test_order = rng.permutation(4), rng.permutation(3)
    # permutation() and shuffle(arange) draw the same way
    rng = np.random.RandomState(113)
    a, b = np.arange(4), np.arange(3)
    rng.shuffle(a)
    rng.shuffle(b)
    np.testing.assert_array_equal(a, train_order)
    np.testing.assert_array_equal(b, test_order)
    assert x_train.dtype == object and x_train.shape == (4,)
    assert [list(s) for s in x_train] == _expected_words(IMDB_TRAIN, train_order)
    assert [list(s) for s in x_test] == _expected_words(IMDB_TEST, test_order)
    np.testing.assert_array_equal(y_train, np.array([1, 0, 1, 0])[train_order])
    np.testing.assert_array_equal(y_test, np.array([0, 1, 1])[test_order])


def test_imdb_vocabulary_options(publish):
    _publish_imdb(publish)
    (x_train, _), (_x_test, _) = datasets.imdb.load_data(
        num_words=8, skip_top=5, seed=0, start_char=None, index_from=0
    )
    order_train = np.arange(4)
    order_test = np.arange(3)
    rng = np.random.RandomState(0)
    rng.shuffle(order_train)
    rng.shuffle(order_test)
    want = [[w if 5 <= w < 8 else 2 for w in IMDB_TRAIN[i]] for i in order_train]
    assert [list(s) for s in x_train] == want
    (x_train, _), _ = datasets.imdb.load_data(
        num_words=8, skip_top=5, seed=0, oov_char=None, start_char=None, index_from=0
    )
    assert [list(s) for s in x_train] == [
        [w for w in s if 5 <= w < 8] for s in (IMDB_TRAIN[i] for i in order_train)
    ]


def test_imdb_maxlen(publish):
    _publish_imdb(publish)
    (x_train, y_train), (x_test, _y_test) = datasets.imdb.load_data(maxlen=3)
    # with the start char, lengths are 5, 3, 7, 2 and 3, 5, 2: only those below 3 remain
    assert [list(s) for s in x_train] == [[1, 5]]
    np.testing.assert_array_equal(y_train, [0])
    assert [list(s) for s in x_test] == [[1, 4]]
    with pytest.raises(ValueError, match="maxlen"):
        datasets.imdb.load_data(maxlen=1)


def test_imdb_equal_lengths_stay_a_1d_object_array(publish):
    publish(
        "imdb.npz",
        _npz(
            x_train=_ragged([[1, 2], [3, 4]]),
            y_train=np.array([0, 1]),
            x_test=_ragged([[5, 6]]),
            y_test=np.array([1]),
        ),
    )
    (x_train, _), (x_test, _) = datasets.imdb.load_data()
    assert x_train.shape == (2,) and x_test.shape == (1,) and x_train.dtype == object


def test_imdb_word_index(publish):
    index = {"the": 1, "and": 2, "movie": 17}
    publish("imdb_word_index.json", json.dumps(index).encode())
    assert datasets.imdb.get_word_index() == index


def test_reuters(publish):
    xs = [[1, 2], [3], [4, 4, 4], [5, 6, 7, 8], [9], [2, 2]]
    ys = np.array([3, 4, 3, 19, 0, 45])
    publish("reuters.npz", _npz(x=_ragged(xs), y=ys))
    (x_train, y_train), (x_test, y_test) = datasets.reuters.load_data(test_split=0.5)
    order = np.arange(6)
    np.random.RandomState(113).shuffle(order)
    want = _expected_words(xs, order)
    assert [list(s) for s in x_train] == want[:3]
    assert [list(s) for s in x_test] == want[3:]
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), ys[order])
    (x_train, _), (x_test, _) = datasets.reuters.load_data(num_words=6, maxlen=4)
    kept = [s for s in want if len(s) < 4]
    capped = [[w if w < 6 else 2 for w in s] for s in kept]
    cut = int(len(capped) * 0.8)
    assert [list(s) for s in x_train] == capped[:cut]
    assert [list(s) for s in x_test] == capped[cut:]


def test_reuters_word_index_and_labels(publish):
    publish("reuters_word_index.json", b'{"said": 3}')
    assert datasets.reuters.get_word_index() == {"said": 3}
    names = datasets.reuters.get_label_names()
    assert len(names) == 46 and names[3] == "earn" and names[-1] == "lead"


def test_boston_housing(publish):
    x = np.arange(10 * 13, dtype="float64").reshape(10, 13)
    y = np.arange(10, dtype="float64") * 1.5
    publish("boston_housing.npz", _npz(x=x, y=y))
    (x_train, _y_train), (x_test, y_test) = datasets.boston_housing.load_data(test_split=0.3)
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_array_equal(x_train, x[order[:7]])
    np.testing.assert_array_equal(y_test, y[order[7:]])
    (x_train, _), (x_test, _) = datasets.boston_housing.load_data(test_split=0.0, seed=1)
    assert len(x_train) == 10 and len(x_test) == 0
    with pytest.raises(ValueError, match="test_split"):
        datasets.boston_housing.load_data(test_split=1.0)


def test_california_housing_versions(publish):
    x = np.arange(700 * 8, dtype="float32").reshape(700, 8)
    y = np.arange(700, dtype="float32")
    publish("california_housing.npz", _npz(x=x, y=y))
    (x_train, y_train), (x_test, y_test) = datasets.california_housing.load_data()
    assert len(x_train) == 560 and len(x_test) == 140
    order = np.arange(700)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_array_equal(y_train, y[order[:560]])
    (x_train, _), (x_test, y_test) = datasets.california_housing.load_data(version="small")
    assert len(x_train) == 480 and len(x_test) == 120
    assert set(y_test.tolist()) <= set(range(600))
    with pytest.raises(ValueError, match="version"):
        datasets.california_housing.load_data(version="medium")


def test_loader_offline_error_names_the_dataset(home, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(_download.BASE_URL_ENV, f"http://127.0.0.1:{port}")
    with pytest.raises(_download.DownloadError) as info:
        datasets.mnist.load_data()
    text = str(info.value)
    assert "mnist.npz" in text and "expected:" in text and "received:" in text and "hint:" in text
    assert _download.REMOTE_FILES["mnist.npz"].file_hash in text
