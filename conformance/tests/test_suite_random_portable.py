"""The conformance suite's portable-randomness tests, collected from the installed package so
that `pytest conformance/tests --tholos-backend NAME` runs the whole suite against NAME."""

from tholos_conformance.suite.test_random_portable import *  # noqa: F403
