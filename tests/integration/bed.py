"""A test bed for playbook runs: an emptied emulated account, chroot app hosts and an inventory for them."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from tests.emulator.__main__ import ROOT
from tests.testbed.seed import seed


class Bed:
    """Hosts under their own FUNMAGIC_TESTBED_DIR; group_vars are the local inventory's, changed by `overrides`."""

    def __init__(self, emulator, state_dir, hosts=("app1",), overrides=None, host_vars=None):
        self.emulator = emulator
        self.host_vars = host_vars or {}  # host -> its own inventory variables
        self.state = str(state_dir)
        self.env = {**os.environ, "FUNMAGIC_TESTBED_DIR": self.state}
        self.hosts = list(hosts)
        self.ca_file = emulator.state()["ca_file"]
        self.inventory = os.path.join(self.state, "inventory")
        with open(os.path.join(ROOT, "inventories", "local", "group_vars", "all.yml"), encoding="utf-8") as handle:
            self.group_vars = yaml.safe_load(handle)
        self.group_vars.update(overrides or {}, client_ca_bundle=self.ca_file)

    def rootfs(self, host="app1"):
        return os.path.join(self.state, "hosts", host)

    def up(self):
        seed(self.emulator.endpoint)
        for host in self.hosts:
            subprocess.run([sys.executable, "-m", "tests.testbed.hosts", "create", host, "--endpoint",
                            self.emulator.endpoint, "--ca-file", self.ca_file],
                           cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL)
        os.makedirs(os.path.join(self.inventory, "group_vars"), exist_ok=True)
        self.write_vars()
        app = dict((host, {"ansible_connection": "community.general.chroot", "ansible_host": self.rootfs(host),
                           "ansible_python_interpreter": "/usr/bin/python3", **self.host_vars.get(host, {})})
                   for host in self.hosts)
        with open(os.path.join(self.inventory, "hosts.yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump({"all": {"hosts": {"localhost": {"ansible_connection": "local",
                                                            "ansible_python_interpreter": sys.executable}},
                                    "children": {"app": {"hosts": app}}}}, handle)
        return self

    def write_vars(self, **changes):
        self.group_vars.update(changes)
        with open(os.path.join(self.inventory, "group_vars", "all.yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump(self.group_vars, handle)

    def args(self):
        return ["-i", self.inventory]

    def down(self):
        for host in self.hosts:
            subprocess.run([sys.executable, "-m", "tests.testbed.hosts", "destroy", host], cwd=ROOT, env=self.env,
                           check=True)

    def env_file(self, worker="web", host="app1"):
        with open(os.path.join(self.rootfs(host), "etc", "funmagic", "%s.env" % worker), encoding="utf-8") as handle:
            return dict(line.split("=", 1) for line in handle.read().splitlines() if "=" in line)
