"""Benchmark: three instances that each take N seconds to create provision in about N s, not 3N.

    .venv/bin/python -m tests.bench.parallel_create [--create-seconds 20]

Starts a private emulator, runs playbooks/provision.yml with main, queue and pubsub, prints the seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from tests.emulator.__main__ import ROOT, environment
from tests.testbed.seed import seed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--create-seconds", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=5790)
    options = parser.parse_args(argv)
    endpoint = f"http://127.0.0.1:{options.port}"
    with tempfile.TemporaryDirectory() as state:
        emulator = [sys.executable, "-m", "tests.emulator", "--state-dir", state, "--port", str(options.port),
                    "--address-block", "4"]
        subprocess.run(emulator[:3] + ["start"] + emulator[3:] + ["--create-seconds", str(options.create_seconds)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        try:
            os.environ.update(environment(endpoint))
            seed(endpoint)
            env = {**os.environ, "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
                   "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
            started = time.monotonic()
            subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
                            "playbooks/provision.yml", "-i", "inventories/local", "-e", f"aws_endpoint_url={endpoint}",
                            "-e", "monitoring_enabled=false"], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
            elapsed = time.monotonic() - started
        finally:
            subprocess.run(emulator[:3] + ["stop"] + emulator[3:], cwd=ROOT, check=True)
    print(f"3 instances, {options.create_seconds:.0f} s each to create: provisioned in {elapsed:.1f} s "
          f"(one after another would take at least {3 * options.create_seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
