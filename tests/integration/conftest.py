"""The emulator fixtures live in tests/conftest.py, shared with tests/reliability and tests/packaging."""
