"""The conformance tests. ``pytest --pyargs tholos_conformance`` collects them here."""
