"""No test module shadows an installed package.

Run from its own folder (`cd tests/integration && python -c "import ansible"`), or by any tool that puts a test
folder on sys.path, a file named like a package is imported instead of it: tests/integration/ansible.py did this to
ansible-core.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = os.path.join(ROOT, "tests")


def _installed(name: str) -> bool:
    """Whether `name` is importable from outside the checkout (the venv's packages or the standard library)."""
    saved = list(sys.path)
    try:
        sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != ROOT
                       and not os.path.abspath(p).startswith(TESTS + os.sep)]
        return importlib.util.find_spec(name) is not None
    finally:
        sys.path[:] = saved


def test_no_file_under_tests_is_named_like_an_installed_package():
    shadows = []
    for folder, _dirs, files in os.walk(TESTS):
        for name in files:
            stem, ext = os.path.splitext(name)
            if ext == ".py" and stem not in ("__init__", "__main__", "conftest") and _installed(stem):
                shadows.append(os.path.relpath(os.path.join(folder, name), ROOT))
    assert not shadows, f"these test files shadow installed packages: {shadows}"


def test_ansible_imported_from_the_integration_folder_is_ansible_core():
    answer = subprocess.run([sys.executable, "-c", "import ansible, os; print(os.path.abspath(ansible.__file__))"],
                            cwd=os.path.join(TESTS, "integration"), capture_output=True, text=True, check=True)
    assert "site-packages" in answer.stdout and not answer.stdout.startswith(TESTS), answer.stdout
