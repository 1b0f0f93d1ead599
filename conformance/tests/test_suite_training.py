"""The conformance suite's training tests, collected from the installed package so that
`pytest conformance/tests --tholos-backend NAME` runs the whole suite against NAME."""

from tholos_conformance.suite.test_training import *  # noqa: F403
