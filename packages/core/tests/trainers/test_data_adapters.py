"""Data adapters and the epoch iterator, without a model."""

import sys
import threading

import numpy as np
import pytest

from tholos.trainers.data_adapters import (
    ArrayDataAdapter,
    DataError,
    GeneratorDataAdapter,
    PyDatasetAdapter,
    get_data_adapter,
    train_validation_split,
    unpack_x_y_sample_weight,
)
from tholos.trainers.data_adapters.data_adapter_utils import class_weight_to_sample_weights
from tholos.trainers.epoch_iterator import EpochIterator
from tholos.utils import py_dataset
from tholos.utils.py_dataset import PyDataset


def batches(adapter):
    return list(adapter.get_numpy_iterator())


def test_arrays_batching_with_partial_last_batch():
    x = np.arange(10, dtype="float64").reshape(5, 2)
    y = np.arange(5)
    adapter = get_data_adapter(x, y, batch_size=2)
    assert isinstance(adapter, ArrayDataAdapter)
    assert adapter.num_batches == 3 and adapter.has_partial_batch
    assert adapter.partial_batch_size == 1
    got = batches(adapter)
    assert [b[1].tolist() for b in got] == [[0, 1], [2, 3], [4]]
    assert got[0][0].dtype == np.float32  # float64 inputs are fed as floatx
    assert got[0][1].dtype == y.dtype


def test_arrays_shuffle_is_a_permutation_and_batch_shuffle_keeps_chunks():
    x = np.arange(12)
    np.random.seed(0)
    adapter = ArrayDataAdapter(x, x, batch_size=4, shuffle=True)
    seen = np.concatenate([b[0] for b in batches(adapter)])
    assert sorted(seen.tolist()) == list(range(12)) and seen.tolist() != list(range(12))
    adapter = ArrayDataAdapter(x, x, batch_size=4, shuffle="batch")
    chunks = [b[0].tolist() for b in batches(adapter)]
    assert sorted(chunks) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]


def test_nested_dict_and_list_inputs_and_python_lists():
    x = {"a": np.zeros((3, 2)), "b": [np.ones((3,)), np.arange(3)]}
    adapter = get_data_adapter(x, [0, 1, 2], batch_size=2)
    first = batches(adapter)[0]
    assert set(first[0]) == {"a", "b"}
    assert first[0]["a"].shape == (2, 2) and first[0]["b"][1].tolist() == [0, 1]
    assert first[1].tolist() == [0, 1]


def test_sample_weight_and_class_weight():
    y = np.array([0, 1, 1, 2])
    adapter = ArrayDataAdapter(
        np.zeros((4, 1)),
        y,
        class_weight={0: 1.0, 1: 2.0, 2: 4.0},
        sample_weight=np.array([1.0, 1.0, 0.5, 1.0]),
        batch_size=4,
    )
    (batch,) = batches(adapter)
    assert batch[2].tolist() == [1.0, 2.0, 1.0, 4.0]
    onehot = np.eye(3)[y]
    assert class_weight_to_sample_weights(onehot, {0: 1, 1: 2, 2: 4}).tolist() == [1, 2, 2, 4]
    binary = np.array([[0.0], [1.0]])
    assert class_weight_to_sample_weights(binary, {0: 3, 1: 5}).tolist() == [3, 5]
    with pytest.raises(DataError, match="class_weight"):
        ArrayDataAdapter(np.zeros((4, 1)), y, class_weight={0: 1.0})


def test_mismatched_lengths_and_empty_data():
    with pytest.raises(DataError, match="cardinality") as info:
        get_data_adapter(np.zeros((5, 2)), np.zeros(4))
    assert "x: [5]" in str(info.value) and "y: [4]" in str(info.value)
    with pytest.raises(DataError, match="empty"):
        get_data_adapter(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(DataError, match="Unrecognized"):
        get_data_adapter(object())


def test_train_validation_split_takes_last_fraction():
    x = np.arange(10)
    y = np.arange(10) * 10
    (tx, ty, tw), (vx, vy, vw) = train_validation_split((x, y, None), 0.3)
    assert tx.tolist() == list(range(7)) and vx.tolist() == [7, 8, 9]
    assert ty.tolist() == [0, 10, 20, 30, 40, 50, 60]
    assert vy.tolist() == [70, 80, 90] and tw is None and vw is None
    with pytest.raises(DataError):
        train_validation_split((x, y, None), 0.95)
    with pytest.raises(DataError, match="array inputs"):
        train_validation_split((iter([1, 2]), None, None), 0.5)


def test_unpack():
    assert unpack_x_y_sample_weight([1, 2, 3]) == (1, 2, 3)
    assert unpack_x_y_sample_weight((1,)) == (1, None, None)
    with pytest.raises(DataError):
        unpack_x_y_sample_weight((1, 2, 3, 4))


def test_generator_adapter_and_epoch_iterator_out_of_data():
    def gen():
        for i in range(3):
            yield [np.full((2, 1), i), np.full((2,), i)]

    adapter = get_data_adapter(gen())
    assert isinstance(adapter, GeneratorDataAdapter) and not adapter.reiterable
    iterator = EpochIterator(gen())
    first_epoch = list(iterator.enumerate_epoch())
    assert [(b, e) for b, e, _ in first_epoch] == [(0, 0), (1, 1), (2, 2)]
    assert isinstance(first_epoch[0][2][0], tuple)
    assert iterator.num_batches == 3
    with pytest.warns(UserWarning, match="ran out of data"):
        assert list(iterator.enumerate_epoch()) == []
    assert iterator.out_of_data


def test_epoch_iterator_steps_per_execution_and_wrapping_steps():
    x = np.arange(10)
    iterator = EpochIterator(x, x, batch_size=3, steps_per_execution=2)
    groups = [
        (b, e, [batch[0].tolist() for batch in bs]) for b, e, bs in iterator.enumerate_epoch()
    ]
    assert groups == [(0, 1, [[0, 1, 2], [3, 4, 5]]), (2, 3, [[6, 7, 8], [9]])]
    iterator = EpochIterator(x, x, batch_size=4, steps_per_epoch=2)
    epoch1 = [bs[0][0].tolist() for _, _, bs in iterator.enumerate_epoch()]
    epoch2 = [bs[0][0].tolist() for _, _, bs in iterator.enumerate_epoch()]
    assert epoch1 == [[0, 1, 2, 3], [4, 5, 6, 7]] and epoch2 == [[8, 9], [0, 1, 2, 3]]


def test_epoch_iterator_empty_generator():
    iterator = EpochIterator(iter([]))
    with pytest.raises(DataError, match="empty"):
        iterator.peek()


class Squares(PyDataset):
    def __init__(self, n=6, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        self.epochs_ended = 0
        self.threads = set()

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        if index >= self.n:
            raise IndexError(index)
        self.threads.add(threading.get_ident())
        x = np.full((2, 1), float(index))
        return x, x**2

    def on_epoch_end(self):
        self.epochs_ended += 1


def _module_squares(**kwargs):
    return Squares(**kwargs)


@pytest.mark.parametrize("workers", [1, 3])
def test_py_dataset_in_order_with_workers(workers):
    ds = Squares(workers=workers, max_queue_size=2)
    iterator = EpochIterator(ds)
    assert isinstance(iterator.data_adapter, PyDatasetAdapter)
    for _ in range(2):
        got = [bs[0][1][0, 0] for _, _, bs in iterator.enumerate_epoch()]
        assert got == [float(i) ** 2 for i in range(6)]
    assert ds.epochs_ended == 2
    if workers > 1:
        assert threading.get_ident() not in ds.threads


@pytest.mark.skipif(sys.platform == "win32", reason="fork start method")
def test_py_dataset_multiprocessing():
    ds = Squares(workers=2, use_multiprocessing=True)
    got = [b[0][0, 0] for b in ds.iterate_once()]
    assert got == [float(i) for i in range(6)]
    assert not py_dataset._PROCESS_DATASETS


def test_pandas_dataframe_and_series():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]})
    series = pd.Series([0, 1, 0])
    (batch,) = batches(get_data_adapter(df, series, batch_size=3))
    assert batch[0].shape == (3, 2) and batch[1].tolist() == [0, 1, 0]


class _ArrayAPIOnly:
    """An array exposing only DLPack (like a foreign framework's tensor)."""

    def __init__(self, data):
        self._data = np.asarray(data)
        self.shape = self._data.shape

    def __dlpack__(self, **kwargs):
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()


def test_dlpack_arrays_are_converted():
    x = _ArrayAPIOnly(np.arange(4.0).reshape(4, 1))
    (batch,) = batches(get_data_adapter(x, np.arange(4), batch_size=4))
    assert isinstance(batch[0], np.ndarray) and batch[0][:, 0].tolist() == [0, 1, 2, 3]


def test_foreign_frameworks_are_not_imported():
    get_data_adapter(np.zeros((2, 1)))
    for name in ("tensorflow", "torch", "pandas"):
        if name not in sys.modules:
            assert name not in sys.modules


def test_plugin_adapters_are_consulted(monkeypatch):
    from tholos.trainers import data_adapters

    class Special:
        pass

    class SpecialAdapter(data_adapters.DataAdapter):
        @classmethod
        def can_handle(cls, x, y=None):
            return isinstance(x, Special)

        def __init__(self, x, y=None, **kwargs):
            pass

        def get_numpy_iterator(self):
            yield (np.ones((1, 1)),)

    monkeypatch.setattr(data_adapters, "plugin_adapters", lambda: [SpecialAdapter])
    assert isinstance(data_adapters.get_data_adapter(Special()), SpecialAdapter)
