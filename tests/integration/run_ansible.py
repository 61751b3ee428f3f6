"""Run ansible-playbook and ad-hoc modules against the test session's emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.emulator.__main__ import ROOT, environment

# ansible-core's commands: this venv's, or those of the venv whose bin folder FUNMAGIC_ANSIBLE_BIN names
# (make compat runs the runbook test under each supported ansible-core this way, see tests/bin/compat).
BIN = os.environ.get("FUNMAGIC_ANSIBLE_BIN") or os.path.dirname(sys.executable)


def run(argv, emulator, check=True, extra_env=None):
    env = {**os.environ, **environment(emulator.endpoint), "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
           "PATH": BIN + os.pathsep + os.environ.get("PATH", ""), "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_FORCE_COLOR": "0", **(extra_env or {})}
    answer = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    output = answer.stdout + answer.stderr
    if check and answer.returncode != 0:
        raise AssertionError(f"{' '.join(argv[:3])} failed ({answer.returncode}):\n{output[-6000:]}")
    return answer.returncode, output


def playbook(path, emulator, *args, check=True, extra_env=None):
    return run([os.path.join(BIN, "ansible-playbook"), path, "-e", f"aws_endpoint_url={emulator.endpoint}", *args],
               emulator, check, extra_env)


def module(name, args: dict, emulator, check_mode=False):
    """One module run on localhost; returns (rc, output)."""
    import json  # pylint: disable=import-outside-toplevel

    argv = [os.path.join(BIN, "ansible"), "localhost", "-e", f"ansible_python_interpreter={sys.executable}",
            "-m", f"funmagic.elasticache.{name}",
            "-a", json.dumps({"region": "us-east-1", "endpoint_url": emulator.endpoint, **args})]
    if check_mode:
        argv.append("--check")
    return run(argv, emulator, check=False)


def recap(output):
    """host -> {ok, changed, failed, ...} from the PLAY RECAP."""
    result = {}
    for host, counters in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, re.MULTILINE):
        result[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", counters)}
    return result


def assert_rerun_changes_nothing_and_check_is_quiet(path, emulator, *args):
    """A rerun of the playbook changes nothing on any host, and a run with --check --diff makes no mutating call."""
    output = playbook(path, emulator, *args)[1]
    assert all(counters["changed"] == 0 for counters in recap(output).values()), output[-4000:]
    emulator.call("requests", method="DELETE")
    playbook(path, emulator, *args, "--check", "--diff")
    assert emulator.requests(mutating_only=True) == []


def four_times(run_module, emulator, args):
    """(changed of each run, mutating operations of each run) of a module's check, real, check rerun and real rerun;
    run_module(emulator, args, check_mode) -> (rc, output) of one `ansible localhost -m` run."""
    changed, mutating = [], []
    for check_mode in (True, False, True, False):
        emulator.call("requests", method="DELETE")
        rc, output = run_module(emulator, args, check_mode)
        assert rc == 0, output[-4000:]
        changed.append(re.search(r"^localhost \| (CHANGED|SUCCESS) =>", output, re.MULTILINE).group(1) == "CHANGED")
        mutating.append(sorted(r["operation"] for r in emulator.requests(mutating_only=True)))
    return changed, mutating


def module_result(output):
    """The result of an `ansible localhost -m` run, which the callback prints as YAML after `localhost | ... =>`."""
    import yaml  # pylint: disable=import-outside-toplevel

    lines = output[output.index("=>") + 2:].splitlines()
    return yaml.safe_load("\n".join(line for line in lines if line.startswith(" ")))
