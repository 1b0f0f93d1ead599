"""Callbacks: objects called by ``fit``/``evaluate``/``predict`` at fixed points."""

from tholos.callbacks.backup_and_restore import BackupAndRestore
from tholos.callbacks.callback import Callback
from tholos.callbacks.callback_list import CallbackList
from tholos.callbacks.csv_logger import CSVLogger
from tholos.callbacks.early_stopping import EarlyStopping
from tholos.callbacks.history import History
from tholos.callbacks.lambda_callback import LambdaCallback
from tholos.callbacks.learning_rate_scheduler import LearningRateScheduler
from tholos.callbacks.model_checkpoint import ModelCheckpoint
from tholos.callbacks.progbar_logger import ProgbarLogger
from tholos.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from tholos.callbacks.swap_ema_weights import SwapEMAWeights
from tholos.callbacks.tensorboard import TensorBoard
from tholos.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "SwapEMAWeights",
    "TensorBoard",
    "TerminateOnNaN",
]
