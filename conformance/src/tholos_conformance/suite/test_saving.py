"""Saving across backends: a model saved under one backend and loaded under another gives the
same predictions. Waits for the saving issue (model.save / tholos.saving.load_model)."""

from __future__ import annotations

import pytest


@pytest.mark.tholos_area("saving")
def test_model_saved_on_reference_loads_on_backend(tholos_backend_name):
    pytest.skip(
        "model save/load across backends: waiting for the saving issue "
        "(tholos.saving.load_model of a .keras file)"
    )
