"""The conformance suite's dtypes tests, collected from the installed package so that
`pytest conformance/tests --tholos-backend NAME` runs the whole suite against NAME."""

from tholos_conformance.suite.test_dtypes import *  # noqa: F403
