"""The packaging tests reuse the integration tests' private emulator (its own port and address block)."""

from tests.integration.conftest import emulator_session  # noqa: F401  pylint: disable=unused-import
