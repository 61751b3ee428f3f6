"""make docs: the HTML site builds with no Sphinx warning and antsibull-docs lint-collection-docs is clean."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.emulator.__main__ import ROOT


def test_docs_build_without_warnings_and_lint_clean(tmp_path):
    out = tmp_path / "docs"
    answer = subprocess.run(["bash", os.path.join(ROOT, "docs", "build")], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "DOCS_OUT": str(out), "VENV": os.path.dirname(os.path.dirname(sys.executable))},
                            check=False, timeout=600)
    assert answer.returncode == 0, (answer.stdout + answer.stderr)[-6000:]
    site = out / "html" / "collections" / "funmagic" / "elasticache"
    for page in ("replication_group_module", "redis_ping_module", "redis_url_filter", "cache_role", "client_role",
                 "docsite/runbook"):
        assert (site / f"{page}.html").is_file(), page
    assert "Operations runbook" in (site / "docsite" / "runbook.html").read_text()
