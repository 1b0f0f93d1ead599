"""Corrupted archives: only documented exceptions, no hang, no crash."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saving_helpers import small_sequential

from tholos import saving
from tholos.errors import SavingError

_GOOD: dict[str, bytes] = {}


def _good_archive(tmp_path_factory) -> bytes:
    if "archive" not in _GOOD:
        model = small_sequential()
        model.compile(optimizer="adam", loss="mse")
        model.train_on_batch(np.ones((2, 3), "float32"), np.zeros((2, 2), "float32"))
        path = tmp_path_factory.mktemp("fuzz") / "good.keras"
        saving.save_model(model, path)
        _GOOD["archive"] = path.read_bytes()
    return _GOOD["archive"]


def _try_load(data: bytes, tmp_dir) -> None:
    path = tmp_dir / "fuzzed.keras"
    path.write_bytes(data)
    try:
        saving.load_model(path)
    except SavingError:
        pass


FUZZ = settings(
    max_examples=60,
    deadline=5000,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_byte_flips_and_truncations(tmp_path_factory, data):
    good = bytearray(_good_archive(tmp_path_factory))
    mode = data.draw(st.sampled_from(["flip", "truncate", "both"]))
    if mode in ("flip", "both"):
        for _ in range(data.draw(st.integers(1, 8))):
            pos = data.draw(st.integers(0, len(good) - 1))
            good[pos] = data.draw(st.integers(0, 255))
    if mode in ("truncate", "both"):
        good = good[: data.draw(st.integers(0, len(good)))]
    _try_load(bytes(good), tmp_path_factory.mktemp("case"))


@FUZZ
@given(data=st.data())
def test_mutated_config_in_valid_zip(tmp_path_factory, data):
    """Mutations that keep the zip intact (so the CRC does not catch them) reach the JSON
    parser and the deserializer."""
    good = _good_archive(tmp_path_factory)
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    config = bytearray(members["config.json"])
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(config) - 1))
        config[pos] = data.draw(st.sampled_from(list(b'{}[]",:0123456789-.eEnulltrfas ')))
    members["config.json"] = bytes(config)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, value in members.items():
            zf.writestr(name, value)
    _try_load(buffer.getvalue(), tmp_path_factory.mktemp("case"))


@FUZZ
@given(data=st.data())
def test_structural_config_changes(tmp_path_factory, data):
    """Valid JSON with wrong types in random places."""
    good = _good_archive(tmp_path_factory)
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    config = json.loads(members["config.json"])
    nodes = []

    def collect(value):
        if isinstance(value, dict):
            for key, item in value.items():
                nodes.append((value, key))
                collect(item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                nodes.append((value, i))
                collect(item)

    collect(config)
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key = nodes[data.draw(st.integers(0, len(nodes) - 1))]
        parent[key] = data.draw(
            st.sampled_from(
                [
                    None,
                    0,
                    -1,
                    1.5,
                    "x",
                    [],
                    {},
                    [None],
                    {"class_name": "x"},
                    True,
                    "relu",
                    {"class_name": "__tuple__", "config": {}},
                    10**6,
                ]
            )
        )
    members["config.json"] = json.dumps(config).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, value in members.items():
            zf.writestr(name, value)
    _try_load(buffer.getvalue(), tmp_path_factory.mktemp("case"))
