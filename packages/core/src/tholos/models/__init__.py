"""Models: ``Model`` (Functional or subclassed), ``Sequential``, ``clone_model``."""

from tholos.models.cloning import clone_model
from tholos.models.functional import Functional
from tholos.models.model import Model, model_from_json
from tholos.models.sequential import Sequential
from tholos.saving.saving_api import load_model

__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json"]
