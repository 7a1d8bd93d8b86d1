"""Integration tests use the session fixtures ``mirror``, ``built`` and ``warehouse`` of tests/conftest.py."""
