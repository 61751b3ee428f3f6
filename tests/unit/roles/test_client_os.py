"""The client role's install tasks on Amazon Linux 2023, Ubuntu and Debian, given each system's facts.

These systems cannot be booted here, so the role runs for real (ansible-playbook, --check, the role's own
first_found OS variables and install tasks) against a local connection whose "Python" is a stand-in: it
answers fact gathering with the OS's facts (distribution, os_family, pkg_mgr, as those systems report them),
answers `stat` with "no such file" and every other module with "changed", and runs nothing. A callback
records each task that ran or was skipped, with its module and templated arguments: what the role would do
on that system.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BIN = os.path.dirname(sys.executable)

# Facts as each system reports them to ansible-core 2.19's setup module.
FACTS = {
    "al2023": {"ansible_distribution": "Amazon", "ansible_distribution_major_version": "2023",
               "ansible_distribution_version": "2023", "ansible_os_family": "RedHat", "ansible_pkg_mgr": "dnf"},
    "ubuntu2404": {"ansible_distribution": "Ubuntu", "ansible_distribution_major_version": "24",
                   "ansible_distribution_version": "24.04", "ansible_os_family": "Debian", "ansible_pkg_mgr": "apt"},
    "debian12": {"ansible_distribution": "Debian", "ansible_distribution_major_version": "12",
                 "ansible_distribution_version": "12.7", "ansible_os_family": "Debian", "ansible_pkg_mgr": "apt"},
    "al2": {"ansible_distribution": "Amazon", "ansible_distribution_major_version": "2",
            "ansible_distribution_version": "2", "ansible_os_family": "RedHat", "ansible_pkg_mgr": "yum"},
}

STAND_IN = '''#!{python}
import json, os, sys
module = os.path.basename(sys.argv[1])[len("AnsiballZ_"):-len(".py")]
if module == "setup":
    with open(os.environ["FAKE_FACTS"], encoding="utf-8") as handle:
        print(json.dumps({{"ansible_facts": json.load(handle), "changed": False}}))
elif module == "stat":
    print(json.dumps({{"stat": {{"exists": False}}, "changed": False}}))
else:
    print(json.dumps({{"changed": True, "msg": "stand-in for " + module}}))
'''

RECORDER = '''
import json, os
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        with open(os.environ["RECORD_FILE"], "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"task": result.task_name, "action": result.task.action, "status": status,
                                     "args": {k: v for k, v in result.task_fields.get("args", {}).items()
                                              if not k.startswith("_ansible")},
                                     "msg": result._result.get("msg", "")}, default=str) + "\\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")
'''

PLAY = """
- name: The client role's install tasks
  hosts: all
  gather_facts: true
  roles:
    - funmagic.elasticache.client
"""


def _install(tmp_path, system, ca_bundle=True):
    """(rc, output, {task name: record}) of the role's install tag in check mode on `system`'s facts."""
    (tmp_path / "facts.json").write_text(json.dumps(FACTS[system]))
    stand_in = tmp_path / "python"
    stand_in.write_text(STAND_IN.format(python=sys.executable))
    stand_in.chmod(0o755)
    (tmp_path / "callbacks").mkdir()
    (tmp_path / "callbacks" / "record.py").write_text(RECORDER)
    (tmp_path / "play.yml").write_text(PLAY)
    (tmp_path / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    (tmp_path / "hosts").write_text(f"{system} ansible_connection=local ansible_python_interpreter={stand_in}\n")
    # What funmagic.elasticache.inputs would have returned for this host (its task is skipped: no AWS here).
    host = {"ca_bundle": str(tmp_path / "ca.crt") if ca_bundle else ""}
    model = {"__client_inputs": {"model": {"clients": {system: host}, "connections": {}}}}
    (tmp_path / "inputs.json").write_text(json.dumps(model))
    env = {**os.environ, "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
           "FAKE_FACTS": str(tmp_path / "facts.json"), "RECORD_FILE": str(tmp_path / "record.jsonl"),
           "ANSIBLE_CALLBACK_PLUGINS": str(tmp_path / "callbacks"),
           "ANSIBLE_CALLBACKS_ENABLED": "record", "ANSIBLE_PIPELINING": "false", "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"), "ANSIBLE_REMOTE_TEMP": str(tmp_path / "remote-tmp")}
    answer = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), "-i", str(tmp_path / "hosts"), str(tmp_path / "play.yml"), "--check",
         "--tags", "install", "--skip-tags", "preflight", "-e", "@" + str(tmp_path / "inputs.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    records = {}
    if (tmp_path / "record.jsonl").exists():
        for line in (tmp_path / "record.jsonl").read_text().splitlines():
            entry = json.loads(line)
            records[entry["task"]] = entry
    return answer.returncode, answer.stdout + answer.stderr, records


def _ran(records):
    """Task name -> (module, arguments) of the tasks that ran (not skipped)."""
    return {name: (r["action"], r["args"]) for name, r in records.items() if r["status"] == "ok"}


def test_amazon_linux_2023_installs_redis6_with_dnf_and_uses_the_ca_trust_anchors(tmp_path):
    rc, output, records = _install(tmp_path, "al2023")
    assert rc == 0, output[-3000:]
    ran = _ran(records)
    assert ran["Install redis-cli with dnf"] == ("ansible.builtin.dnf", {"name": ["redis6", "ca-certificates"]})
    assert records["Install redis-cli with apt"]["status"] == "skipped"
    action, args = ran["Install the CA bundle"]
    assert action == "ansible.builtin.copy"
    assert args["dest"] == "/etc/pki/ca-trust/source/anchors/funmagic-elasticache.crt" and args["mode"] == "0644"
    assert ran["Refresh the trust store"] == ("ansible.builtin.command", {"argv": ["update-ca-trust", "extract"]})


@pytest.mark.parametrize("system", ["ubuntu2404", "debian12"])
def test_ubuntu_and_debian_install_redis_tools_with_apt_and_use_update_ca_certificates(tmp_path, system):
    rc, output, records = _install(tmp_path, system)
    assert rc == 0, output[-3000:]
    ran = _ran(records)
    assert ran["Install redis-cli with apt"] == ("ansible.builtin.apt", {
        "name": ["redis-tools", "ca-certificates"], "update_cache": True, "cache_valid_time": 3600})
    assert records["Install redis-cli with dnf"]["status"] == "skipped"
    assert ran["Install the CA bundle"][1]["dest"] == "/usr/local/share/ca-certificates/funmagic-elasticache.crt"
    assert ran["Refresh the trust store"] == ("ansible.builtin.command", {"argv": ["update-ca-certificates"]})


def test_without_a_ca_bundle_the_trust_store_is_left_alone(tmp_path):
    rc, output, records = _install(tmp_path, "al2023", ca_bundle=False)
    assert rc == 0, output[-3000:]
    assert records["Install the CA bundle"]["status"] == "skipped"
    assert "Refresh the trust store" not in records


def test_amazon_linux_2_is_refused_by_name_before_any_package_is_installed(tmp_path):
    rc, output, records = _install(tmp_path, "al2")
    assert rc != 0
    assert records["Require the package manager this OS's variables are written for"]["status"] == "failed"
    assert "with dnf on Amazon Linux 2023; Amazon 2 uses yum, which it does not support" in " ".join(output.split())
    assert not any(name.startswith("Install") for name in records)


@pytest.mark.parametrize("system, cli", [("al2023", "redis6-cli"), ("ubuntu2404", "redis-cli")])
def test_the_cli_name_follows_the_os(tmp_path, system, cli):
    rc, output, records = _install(tmp_path, system)
    assert rc == 0, output[-3000:]
    selected = records["Select the OS-specific package and trust store names"]
    assert selected["status"] == "ok"
    vars_file = os.path.basename(selected["args"]["_raw_params"])
    assert vars_file == ("Amazon.yml" if system == "al2023" else "Debian.yml")
    with open(os.path.join(ROOT, "roles", "client", "vars", vars_file), encoding="utf-8") as handle:
        assert f"_client_cli: {cli}\n" in handle.read()
