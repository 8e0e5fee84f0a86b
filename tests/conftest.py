"""Fixtures every test folder shares, defined in tests/support (never imported across test
folders). `postgres` comes before `databases`, which imports it."""

pytest_plugins = ["tests.support.clock", "tests.support.postgres", "tests.support.databases"]
