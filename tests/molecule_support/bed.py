"""One emulated AWS account and its chroot hosts per Molecule scenario.

    python -m tests.molecule_support.bed up SCENARIO HOST...   # prints the bed as JSON
    python -m tests.molecule_support.bed down SCENARIO         # fails if a process or hosts entry is left

The emulator listens where AWS_ENDPOINT_URL points (each scenario's molecule.yml gives its own port, so that
every process Molecule starts has it), on a free port when it is unset. Endpoint addresses come from
127.0.<block>.x, block 14 unless FUNMAGIC_MOLECULE_ADDRESS_BLOCK says otherwise. State lives under
.testbed/molecule/<scenario>/ (ignored by git, yamllint, ansible-lint and the Galaxy build): the emulator,
its CA, the hosts' root filesystems and bed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.emulator.__main__ import ROOT, environment

ADDRESS_BLOCK = int(os.environ.get("FUNMAGIC_MOLECULE_ADDRESS_BLOCK", "14"))
STATE_ROOT = os.path.join(ROOT, ".testbed", "molecule")
# Short transitions keep every state change of a scenario in the tens of seconds.
CLOCK = ["--create-seconds", "0.5", "--modify-seconds", "0.3", "--delete-seconds", "0.3"]


def state_dir(scenario: str) -> str:
    return os.path.join(STATE_ROOT, scenario)


def load(scenario: str) -> dict:
    """The bed that `up` wrote: endpoint, port, ca_file, hosts (name -> rootfs)."""
    with open(os.path.join(state_dir(scenario), "bed.json"), encoding="utf-8") as handle:
        return json.load(handle)


def control(endpoint: str, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{endpoint}/_emulator/{path}", method=method)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def _port() -> int:
    """The port AWS_ENDPOINT_URL names, checked to be free; else any free port."""
    wanted = urllib.parse.urlsplit(os.environ.get("AWS_ENDPOINT_URL", "")).port or 0
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", wanted))
        except OSError as error:
            raise RuntimeError(f"port {wanted} of AWS_ENDPOINT_URL is taken: {error}") from error
        return sock.getsockname()[1]


def _run(argv, **env) -> str:
    answer = subprocess.run([sys.executable, *argv], cwd=ROOT, env={**os.environ, **env}, check=True,
                            capture_output=True, text=True)
    return answer.stdout.strip()


def up(scenario: str, host_names: list[str]) -> dict:
    """A fresh emulator with the app security group seeded, the chroot hosts, and an empty request log."""
    down(scenario)
    directory = state_dir(scenario)
    os.makedirs(directory)
    port = _port()
    endpoint = _run(["-m", "tests.emulator", "start", "--state-dir", directory, "--port", str(port),
                     "--address-block", str(ADDRESS_BLOCK), *CLOCK])
    bed = {"scenario": scenario, "endpoint": endpoint, "port": port, "state_dir": directory,
           "ca_file": control(endpoint, "state")["ca_file"], "hosts": {}}
    with open(os.path.join(directory, "bed.json"), "w", encoding="utf-8") as handle:
        json.dump(bed, handle)  # written first, so that `down` finds the emulator even if a host fails
    _run(["-m", "tests.testbed.seed", "--endpoint", endpoint], **environment(endpoint))

    def create(name):
        return name, _run(["-m", "tests.testbed.hosts", "create", name, "--endpoint", endpoint,
                           "--ca-file", bed["ca_file"]], FUNMAGIC_TESTBED_DIR=directory)

    with ThreadPoolExecutor(max_workers=2) as pool:
        bed["hosts"] = dict(pool.map(create, host_names))
    control(endpoint, "requests", method="DELETE")
    with open(os.path.join(directory, "bed.json"), "w", encoding="utf-8") as handle:
        json.dump(bed, handle, indent=1)
    return bed


def leftovers(directory: str, port: int | None, hosts_file: str = "/etc/hosts") -> list[str]:
    """What a bed left behind: processes started from its state directory, its block in the hosts file."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if directory in cmdline:
                found.append(f"process {entry}: {cmdline.strip()}")
    if port is not None:
        with open(hosts_file, encoding="utf-8") as handle:
            if f"funmagic-elasticache emulator {port} " in handle.read():
                found.append(f"{hosts_file} still maps the endpoints of emulator {port}")
    return found


def down(scenario: str) -> None:
    """Stop the emulator and its redis-servers, delete the hosts and the state; fail if anything remains."""
    directory = state_dir(scenario)
    if not os.path.exists(directory):
        return
    port = None
    if os.path.exists(os.path.join(directory, "bed.json")):
        port = load(scenario)["port"]
        _run(["-m", "tests.emulator", "stop", "--state-dir", directory, "--port", str(port)])
    hosts_dir = os.path.join(directory, "hosts")
    for name in sorted(os.listdir(hosts_dir)) if os.path.isdir(hosts_dir) else []:
        _run(["-m", "tests.testbed.hosts", "destroy", name], FUNMAGIC_TESTBED_DIR=directory)
    remaining = leftovers(directory, port)
    if remaining:
        raise RuntimeError("the test bed left behind:\n" + "\n".join(remaining))
    log = os.path.join(directory, "emulator", "log")
    if os.path.exists(log):
        shutil.copy(log, os.path.join(STATE_ROOT, f"{scenario}.emulator.log"))
    subprocess.run(["rm", "-rf", "--one-file-system", directory], check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.molecule_support.bed")
    parser.add_argument("command", choices=["up", "down"])
    parser.add_argument("scenario")
    parser.add_argument("hosts", nargs="*")
    options = parser.parse_args(argv)
    if options.command == "up":
        print(json.dumps(up(options.scenario, options.hosts)))
    else:
        down(options.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
