"""Helpers shared by the test folders (docs/architecture.md, "Test suite"). Import them as
`from helpers.auth import make_token`: tests/ is on the import path (tests/conftest.py
lives there). Fixtures stay in the conftest.py files; these are plain functions."""
