"""The emulator stays split by resource and by job: no Python file under tests/emulator grows past 500 lines."""

import pathlib

import pytest

EMULATOR = pathlib.Path(__file__).resolve().parents[2] / "emulator"
MAX_LINES = 500


@pytest.mark.parametrize("path", sorted(EMULATOR.rglob("*.py")), ids=lambda p: str(p.relative_to(EMULATOR)))
def test_no_emulator_file_exceeds_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, (f"{path.relative_to(EMULATOR.parent.parent)} has {lines} lines: split it by resource "
                                "or by job (see docs/testbed.md, 'Where the emulator's code lives')")
