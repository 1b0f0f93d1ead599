"""Recurrent layers: cells, the generic ``RNN`` loop, SimpleRNN / LSTM / GRU, and the
``Bidirectional`` and ``TimeDistributed`` wrappers."""

from tholos.layers.rnn.bidirectional import Bidirectional
from tholos.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tholos.layers.rnn.gru import GRU, GRUCell
from tholos.layers.rnn.lstm import LSTM, LSTMCell
from tholos.layers.rnn.rnn import RNN
from tholos.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from tholos.layers.rnn.stacked_rnn_cells import StackedRNNCells
from tholos.layers.rnn.time_distributed import TimeDistributed

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Bidirectional",
    "DropoutRNNCell",
    "GRUCell",
    "LSTMCell",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "TimeDistributed",
]
