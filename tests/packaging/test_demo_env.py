"""The README's one line after make demo, eval "$(make -s demo-env)", is all a shell needs to run a playbook."""

from __future__ import annotations

import os
import subprocess
import urllib.parse

from tests.emulator.__main__ import ROOT


def test_demo_env_alone_lets_a_plain_shell_run_a_playbook(emulator_session):
    port = urllib.parse.urlsplit(emulator_session.endpoint).port
    # A login-like shell: no AWS variable, no venv on PATH, not inside make.
    env = {"HOME": os.environ.get("HOME", "/root"), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    script = (f'eval "$(make -s demo-env PORT={port})" && '
              "ansible-playbook playbooks/cost_report.yml -i inventories/local")
    answer = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                            timeout=300)
    output = answer.stdout + answer.stderr
    assert answer.returncode == 0, output[-4000:]
    assert "USD/month" in output and "failed=0" in output
    exports = subprocess.run(["make", "-s", "demo-env", f"PORT={port}"], cwd=ROOT, env=env, capture_output=True,
                             text=True, check=True).stdout
    assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{port}\n" in exports
    assert "export AWS_EC2_METADATA_DISABLED=true\n" in exports
