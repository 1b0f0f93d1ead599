"""The conformance suite's layers tests, collected from the installed package so that
`pytest conformance/tests --tholos-backend NAME` runs the whole suite against NAME."""

from tholos_conformance.suite.test_layers import *  # noqa: F403
