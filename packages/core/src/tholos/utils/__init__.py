"""``tholos.utils``: PyDataset, Progbar, set_random_seed."""

from tholos.random.seed_generator import set_random_seed
from tholos.utils.progbar import Progbar
from tholos.utils.py_dataset import PyDataset

__all__ = ["Progbar", "PyDataset", "set_random_seed"]
