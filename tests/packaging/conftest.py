"""The emulator fixtures come from tests/conftest.py (one emulator per test session)."""
