"""A corpus of malicious archives, one per known attack on model loaders: each is refused
with a documented exception, nothing named in it is executed or imported, and nothing outside
the archive is read."""

from __future__ import annotations

import base64
import io
import json
import os
import sys
import tracemalloc
import zipfile

import h5py
import numpy as np
import pytest
from saving_helpers import (
    dense_config,
    dense_weights,
    sequential_config,
    weights_h5,
    write_archive,
)

from tholos import layers, saving
from tholos.errors import (
    CorruptArchiveError,
    ModelConfigError,
    SavingError,
    UnsafeArchiveError,
    UnsafeDeserializationError,
    WeightsMismatchError,
)
from tholos.saving import safe_mode
from tholos.saving.archive import LIMITS
from tholos.saving.h5io import H5Reader, check_dataset

SENTINEL_CALLS: list = []
AUDITED: list = []
_recording = {"on": False}


def sentinel(*args, **kwargs):  # never registered: a config naming it must not reach it
    SENTINEL_CALLS.append(args)
    return args[0] if args else None


def _recorder(event, args, _recording=_recording, AUDITED=AUDITED):  # noqa: N803
    # (defaults bind the globals: audit hooks still run while the interpreter tears down)
    if _recording["on"] and event in (
        "marshal.loads",
        "marshal.load",
        "pickle.find_class",
        "exec",
        "compile",
        "subprocess.Popen",
        "os.system",
    ):
        AUDITED.append(event)


sys.addaudithook(_recorder)


@pytest.fixture(autouse=True)
def _clean(tmp_path):
    # import tholos' own modules first, so the audit recorder only sees what a load does
    from tholos.saving.saving_api import _ensure_builtins

    _ensure_builtins()
    safe_mode._warm_up()
    warm = tmp_path / "warm.keras"
    write_archive(
        warm, sequential_config([dense_config("dense", 2, 3)]), weights_h5(dense_weights())
    )
    saving.load_model(warm)
    SENTINEL_CALLS.clear()
    AUDITED.clear()
    modules_before = set(sys.modules)
    yield
    assert not SENTINEL_CALLS, "a function named in a config was called"
    assert safe_mode.in_safe_mode() and not safe_mode.unsafe_deserialization_enabled()
    for name in ("this", "antigravity", "webbrowser", "smtplib"):
        if name not in modules_before:
            assert name not in sys.modules, f"loading imported {name}"


def _load(path, **kwargs):
    _recording["on"] = True
    try:
        return saving.load_model(path, **kwargs)
    finally:
        _recording["on"] = False


def _archive(tmp_path, layer_configs, weights=None, name="evil.keras", **kwargs):
    path = tmp_path / name
    if weights is None:
        weights = weights_h5(dense_weights())
    write_archive(path, sequential_config(layer_configs), weights, **kwargs)
    return path


# ------------------------------------------------------------------- functions and modules


@pytest.mark.parametrize(
    "activation",
    [
        {"module": "os", "class_name": "function", "config": "system", "registered_name": None},
        {
            "module": "test_security",
            "class_name": "function",
            "config": "sentinel",
            "registered_name": "sentinel",
        },
        {
            "module": "builtins",
            "class_name": "function",
            "config": "exec",
            "registered_name": "exec",
        },
        {"module": "this", "class_name": "function", "config": "s", "registered_name": None},
        {
            "module": "subprocess",
            "class_name": "Popen",
            "config": {"args": ["true"]},
            "registered_name": None,
        },
    ],
    ids=["os.system", "test.sentinel", "builtins.exec", "import-this", "subprocess.Popen"],
)
def test_module_function_named_in_config(tmp_path, activation):
    path = _archive(tmp_path, [dense_config("dense", 2, 3, activation=activation)])
    with pytest.raises(ModelConfigError, match="not registered"):
        _load(path)
    assert not AUDITED


@pytest.mark.parametrize(
    "module", ["keras.config", "keras.saving", "tholos.saving.safe_mode", "tholos.saving"]
)
def test_config_cannot_switch_unsafe_mode_on(tmp_path, module):
    toggle = {
        "module": module,
        "class_name": "function",
        "config": "enable_unsafe_deserialization",
        "registered_name": "enable_unsafe_deserialization",
    }
    path = _archive(tmp_path, [dense_config("dense", 2, 3, activation=toggle)])
    with pytest.raises(ModelConfigError):
        _load(path)
    marker = tmp_path / "pwned"
    code = {
        "class_name": "__lambda__",
        "config": {"source": f"lambda x: open({str(marker)!r}, 'w') or x"},
    }
    lam = {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {"name": "lam", "function": code},
        "registered_name": None,
    }
    path = _archive(
        tmp_path, [dense_config("dense", 2, 3, activation=toggle), lam], name="evil2.keras"
    )
    with pytest.raises(UnsafeDeserializationError):
        _load(path)
    assert not marker.exists()


# ---------------------------------------------------------------------------- Python code


def _lambda_layer(function_config):
    return {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {
            "name": "lam",
            "trainable": True,
            "dtype": "float32",
            "function": function_config,
            "arguments": {},
        },
        "registered_name": None,
    }


@pytest.mark.parametrize("safe", [True, False])
def test_lambda_bytecode_is_never_loaded(tmp_path, safe):
    bytecode = base64.b64encode(b"\xe3" + os.urandom(64)).decode()
    code = {
        "class_name": "__lambda__",
        "config": {"code": bytecode, "defaults": None, "closure": None},
    }
    path = _archive(tmp_path, [dense_config("dense", 2, 3), _lambda_layer(code)])
    with pytest.raises(UnsafeDeserializationError, match="bytecode"):
        _load(path, safe_mode=safe)
    assert not AUDITED


def test_lambda_source_needs_safe_mode_off(tmp_path):
    marker = tmp_path / "pwned"
    evil = {
        "class_name": "__lambda__",
        "config": {"source": f"lambda x: __import__('pathlib').Path({str(marker)!r}).touch() or x"},
    }
    path = _archive(tmp_path, [dense_config("dense", 2, 3), _lambda_layer(evil)])
    with pytest.raises(UnsafeDeserializationError, match="safe_mode"):
        _load(path)
    assert not marker.exists()
    assert not AUDITED  # nothing compiled or executed

    benign = {"class_name": "__lambda__", "config": {"source": "lambda x: x * 2"}}
    path = _archive(
        tmp_path, [dense_config("dense", 2, 3), _lambda_layer(benign)], name="benign.keras"
    )
    with pytest.raises(UnsafeDeserializationError):
        saving.load_model(path)
    model = saving.load_model(path, safe_mode=False)
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    np.testing.assert_allclose(np.asarray(model(x)), [[12.0, 12.0]])


# ----------------------------------------------------------------- outside files and URLs


@pytest.mark.parametrize(
    "value",
    [
        "/etc/passwd",
        "../../secret.txt",
        "vocab.txt",
        "https://example.com/vocab.txt",
        "file:///etc/hosts",
    ],
)
def test_external_file_in_layer_config(tmp_path, value):
    lookup = {
        "module": "keras.layers",
        "class_name": "StringLookup",
        "config": {"name": "lookup", "vocabulary": value},
        "registered_name": None,
    }
    path = _archive(tmp_path, [lookup, dense_config("dense", 2, 3)])
    with pytest.raises(UnsafeArchiveError):
        _load(path)


@saving.register_serializable(package="SecurityTests")
class TableLayer(layers.Layer):
    """A careless custom layer that reads a file named in its config."""

    read: list = []

    def __init__(self, table=None, **kwargs):
        super().__init__(**kwargs)
        if table:
            with open(table) as handle:
                TableLayer.read.append(handle.read())
        self.table = table

    def call(self, x):
        return x

    def get_config(self):
        return {**super().get_config(), "table": self.table}


def test_file_read_during_config_is_blocked(tmp_path):
    secret = tmp_path / "secret.cfg"
    secret.write_text("TOP SECRET")
    layer = {
        "module": "tholos.layers",
        "class_name": "TableLayer",
        "config": {"name": "table", "table": str(secret)},
        "registered_name": "SecurityTests>TableLayer",
    }
    path = _archive(tmp_path, [layer, dense_config("dense", 2, 3)])
    with pytest.raises(UnsafeArchiveError, match="outside action"):
        _load(path)
    assert TableLayer.read == []


def test_guard_lets_frameworks_import_lazily_but_not_unmarshal(tmp_path):
    """Inside the sandbox a framework may import one of its installed modules lazily (the
    import system reads the cached .pyc and unmarshals it) and read an installed package's
    metadata; code calling marshal itself, or reading any other file, is still refused."""
    import importlib
    import importlib.metadata
    import marshal

    package = tmp_path / "lazy_pkg_for_guard"
    package.mkdir()
    (package / "__init__.py").write_text("VALUE = 42\n")
    import compileall

    compileall.compile_dir(str(package), quiet=1)
    sys.path.insert(0, str(tmp_path))
    try:
        with safe_mode.guard():
            module = importlib.import_module("lazy_pkg_for_guard")
            version = importlib.metadata.version("numpy")
        assert module.VALUE == 42 and version == np.__version__
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("lazy_pkg_for_guard", None)
    with pytest.raises(UnsafeArchiveError, match="marshal"):
        with safe_mode.guard():
            marshal.loads(marshal.dumps(1))
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    with pytest.raises(UnsafeArchiveError, match="open"):
        with safe_mode.guard():
            secret.read_text()


# ------------------------------------------------------------------------- zip structure


@pytest.mark.parametrize(
    "member",
    [
        "../evil.txt",
        "/tmp/tholos-evil.txt",
        "assets/../../x",
        "C:/evil.txt",
        "assets\\..\\evil.txt",
    ],
)
def test_path_traversal_member(tmp_path, member):
    path = _archive(tmp_path, [dense_config("dense", 2, 3)], extra={member: b"owned"})
    with pytest.raises(UnsafeArchiveError, match="unsafe path"):
        _load(path)
    assert not (tmp_path.parent / "evil.txt").exists()
    assert not os.path.exists("/tmp/tholos-evil.txt")


def test_zip_bomb_is_refused_before_decompressing(tmp_path):
    path = tmp_path / "bomb.keras"
    write_archive(
        path, sequential_config([dense_config("dense", 2, 3)]), weights_h5(dense_weights())
    )
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("assets/bomb.bin", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(64):
                member.write(chunk)
    assert os.path.getsize(path) < 2 << 20
    tracemalloc.start()
    try:
        with pytest.raises(UnsafeArchiveError, match="decompression bomb"):
            _load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20


def test_config_bomb_over_json_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(LIMITS, "max_json_bytes", 1000)
    path = _archive(tmp_path, [dense_config("dense", 2, 3, padding="x" * 5000)])
    with pytest.raises(UnsafeArchiveError):
        _load(path)


# --------------------------------------------------------------------------------- HDF5


def _vds(tmp_path):
    source = tmp_path / "outside.h5"
    with h5py.File(source, "w") as f:
        f["data"] = np.full((3, 2), 7.0, "float32")

    def build(f):
        vlayout = h5py.VirtualLayout(shape=(3, 2), dtype="float32")
        vlayout[:] = h5py.VirtualSource(str(source), "data", shape=(3, 2))
        f.create_group("layers/dense/vars")
        f["layers/dense/vars"].create_virtual_dataset("0", vlayout)
        f["layers/dense/vars/1"] = np.zeros(2, "float32")

    return weights_h5({}, build)


def _external(tmp_path):
    raw = tmp_path / "outside.bin"
    raw.write_bytes(np.full((3, 2), 7.0, "float32").tobytes())

    def build(f):
        f.create_dataset(
            "layers/dense/vars/0", shape=(3, 2), dtype="float32", external=[(str(raw), 0, 24)]
        )
        f["layers/dense/vars/1"] = np.zeros(2, "float32")

    return weights_h5({}, build)


def _external_link(tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["vars/0"] = np.full((3, 2), 7.0, "float32")
        f["vars/1"] = np.zeros(2, "float32")

    def build(f):
        f.create_group("layers")
        f["layers/dense"] = h5py.ExternalLink(str(other), "/")

    return weights_h5({}, build)


def _shape_bomb(tmp_path):
    def build(f):
        f.create_group("layers/dense/vars")
        f["layers/dense/vars"].create_dataset("0", shape=(1 << 20, 1 << 20), dtype="float32")
        f["layers/dense/vars/1"] = np.zeros(2, "float32")

    return weights_h5({}, build)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (_vds, UnsafeArchiveError),
        (_external, UnsafeArchiveError),
        (_external_link, UnsafeArchiveError),
        (_shape_bomb, WeightsMismatchError),
    ],
    ids=["virtual-dataset", "external-dataset", "external-link", "shape-bomb"],
)
def test_hdf5_attacks(tmp_path, make, error):
    weights = make(tmp_path)
    path = _archive(tmp_path, [dense_config("dense", 2, 3)], weights=weights)
    tracemalloc.start()
    try:
        with pytest.raises(error):
            _load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20
    # the same file as a standalone .weights.h5
    h5_path = tmp_path / "evil.weights.h5"
    h5_path.write_bytes(weights)
    model = saving.load_model(_archive(tmp_path, [dense_config("dense", 2, 3)], name="good.keras"))
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(error):
        saving.load_weights(model, h5_path)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_shape_bomb_without_expected_shape(tmp_path):
    weights = _shape_bomb(tmp_path)
    with H5Reader(weights) as reader:
        ds = reader.group("layers/dense/vars")["0"]
        with pytest.raises(UnsafeArchiveError, match=r"declares more data|implausible"):
            check_dataset(ds, "layers/dense/vars/0", None, LIMITS)


# ---------------------------------------------------------------------- plain corruption


@pytest.mark.parametrize(
    "content",
    [b"not a zip at all", b"PK\x03\x04" + b"\x00" * 40, b""],
)
def test_not_an_archive(tmp_path, content):
    path = tmp_path / "bad.keras"
    path.write_bytes(content)
    with pytest.raises(CorruptArchiveError):
        saving.load_model(path)


def test_bad_json_and_missing_members(tmp_path):
    path = tmp_path / "badjson.keras"
    write_archive(path, b"{not json", weights_h5(dense_weights()))
    with pytest.raises(CorruptArchiveError, match="JSON"):
        saving.load_model(path)
    path = tmp_path / "noweights.keras"
    write_archive(path, sequential_config([dense_config("dense", 2, 3)]), None)
    with pytest.raises(CorruptArchiveError, match=r"model\.weights\.h5"):
        saving.load_model(path)
    path = tmp_path / "deep.keras"
    write_archive(path, b"[" * 100000 + b"]" * 100000, weights_h5(dense_weights()))
    with pytest.raises(SavingError):
        saving.load_model(path)


def test_no_pickle_or_marshal_in_saving_code():
    import tholos.saving as pkg

    folder = os.path.dirname(pkg.__file__)
    for name in os.listdir(folder):
        if name.endswith(".py"):
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            for word in (
                "import pickle",
                "import marshal",
                "allow_pickle=True",
                "from pickle",
                "from marshal",
            ):
                assert word not in text, f"{name} uses {word}"


def test_good_archive_still_loads(tmp_path):
    path = _archive(tmp_path, [dense_config("dense", 2, 3)])
    model = _load(path)
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    np.testing.assert_allclose(np.asarray(model(x)), [[6.0, 6.0]])
    json.dumps(saving.serialize_object(model))
    assert isinstance(io.BytesIO, type)
