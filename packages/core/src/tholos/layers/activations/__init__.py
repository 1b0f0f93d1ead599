"""Activation layers with their own arguments (ReLU, LeakyReLU, PReLU, ELU, Softmax)."""

from tholos.layers.activations.elu import ELU
from tholos.layers.activations.leaky_relu import LeakyReLU
from tholos.layers.activations.prelu import PReLU
from tholos.layers.activations.relu import ReLU
from tholos.layers.activations.softmax import Softmax

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
