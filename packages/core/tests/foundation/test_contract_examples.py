"""Every op's docstring example runs, on the NumPy reference backend, and prints what it says."""

import doctest

import numpy as np
import pytest

import tholos
from tholos import ops
from tholos.backend.contract import all_op_specs

SPECS = {
    name: spec
    for name, spec in all_op_specs().items()
    if spec.family not in ("devices", "trainer") and spec.function.__doc__
}


@pytest.mark.parametrize("qualname", sorted(SPECS))
def test_docstring_example(qualname):
    spec = SPECS[qualname]
    parser = doctest.DocTestParser()
    test = parser.get_doctest(
        spec.function.__doc__,
        {"ops": ops, "np": np, "tholos": tholos, "random": tholos.random},
        qualname,
        None,
        0,
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
