"""``tholos.utils``: PyDataset, Progbar, get_file, set_random_seed."""

from tholos.datasets._download import get_file
from tholos.random.seed_generator import set_random_seed
from tholos.utils.progbar import Progbar
from tholos.utils.py_dataset import PyDataset

__all__ = ["Progbar", "PyDataset", "get_file", "set_random_seed"]
