"""The conformance suite's random tests, collected from the installed package so that
`pytest conformance/tests --tholos-backend NAME` runs the whole suite against NAME."""

from tholos_conformance.suite.test_random import *  # noqa: F403
