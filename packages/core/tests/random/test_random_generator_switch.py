"""tholos.config.set_random_generator: portable (default) vs the backend's native samplers."""

import json

import numpy as np
import pytest

from tholos import config, ops, random
from tholos.backend import _state
from tholos.errors import ConfigError

C = ops.convert_to_numpy
SEED = np.array([0, 13], dtype="uint32")


@pytest.fixture(autouse=True)
def restore():
    saved = config._random_generator, config._file_random_generator
    yield
    config._random_generator, config._file_random_generator = saved


def test_native_calls_the_backend_family():
    config.set_random_generator("native")
    assert config.random_generator() == "native"
    native = _state.current().random
    np.testing.assert_array_equal(
        C(random.normal((5,), seed=13)), C(native.normal((5,), seed=SEED))
    )
    np.testing.assert_array_equal(
        C(random.shuffle(np.arange(9), seed=13)), C(native.shuffle(np.arange(9), seed=SEED))
    )
    config.set_random_generator("portable")
    assert not np.array_equal(C(random.normal((5,), seed=13)), C(native.normal((5,), seed=SEED)))


def test_use_random_generator_restores():
    config.set_random_generator("portable")
    with config.use_random_generator("native") as name:
        assert name == "native" and config.random_generator() == "native"
    assert config.random_generator() == "portable"


def test_env_and_file(monkeypatch, tmp_path):
    config.set_random_generator(None)
    monkeypatch.delenv("THOLOS_RANDOM", raising=False)
    (tmp_path / "tholos.json").write_text(json.dumps({"random": "native"}))
    monkeypatch.setenv("THOLOS_HOME", str(tmp_path))
    config._file_random_generator = None
    config._load_file_defaults()
    assert config.random_generator() == "native"
    monkeypatch.setenv("THOLOS_RANDOM", "portable")
    assert config.random_generator() == "portable"
    config.set_random_generator("native")  # the call wins over the environment
    assert config.random_generator() == "native"
    monkeypatch.setenv("THOLOS_RANDOM", "bogus")
    config.set_random_generator(None)
    with pytest.raises(ConfigError, match="THOLOS_RANDOM"):
        config.random_generator()


def test_bad_name():
    with pytest.raises(ConfigError, match="random generator"):
        config.set_random_generator("mersenne")
