"""What the reliability tests share: one chroot app host per session with redis-tools installed, an inventory
per test module, playbook runs that can be started, watched and killed, and resources counted by describe calls.

Each module gets its own inventory and its own name prefixes, so modules and scenarios never see each other's
resources. The app host is made once per session (apt-get install redis-tools takes most of a minute); each
module writes its env files under its own client_env_dir on it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter

import boto3
import pytest
import yaml

from tests.emulator.__main__ import ROOT, environment
from tests.integration import run_ansible
from tests.testbed.seed import APP_SECURITY_GROUP, seed

PLAYBOOKS = os.path.join(ROOT, "playbooks")
TOKEN = "Reliability-Token-0123456789"
INSTANCES = [{"name": "main", "purpose": "main"}, {"name": "queue", "purpose": "queue"}]
WORKERS = [{"name": "web", "queue_prefix": ""}, {"name": "admin", "queue_prefix": "admin"}]
RUN_TIMEOUT = 240  # seconds; no playbook run of these tests takes more than a minute on 2 cores
DELETING = ("Delete", "Revoke", "Remove", "Decrease", "Reset")


@pytest.fixture(scope="session")
def app_host(emulator_session, tmp_path_factory):
    """One chroot app host for the whole session, trusting the emulator's CA, with redis-tools installed."""
    state = tmp_path_factory.mktemp("reliability-hosts")
    env = {**os.environ, "FUNMAGIC_TESTBED_DIR": str(state)}
    subprocess.run([sys.executable, "-m", "tests.testbed.hosts", "create", "rel1", "--endpoint",
                    emulator_session.endpoint, "--ca-file", emulator_session.state()["ca_file"]],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    rootfs = os.path.join(state, "hosts", "rel1")
    apt = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "redis-tools"]):
        subprocess.run(["chroot", rootfs] + command, env=apt, check=True, stdout=subprocess.DEVNULL, timeout=300)
    yield rootfs
    subprocess.run([sys.executable, "-m", "tests.testbed.hosts", "destroy", "rel1"], cwd=ROOT, env=env, check=True)


class Bed:
    """A test module's inventory (localhost + the app host) on the session's emulator."""

    def __init__(self, emulator, workdir, rootfs, env_dir):
        self.emulator = emulator
        self.workdir = workdir
        self.rootfs = rootfs
        self.env_dir = env_dir
        self.inventory = os.path.join(workdir, "inventory")
        self._vars = 0
        os.makedirs(os.path.join(self.inventory, "group_vars"))
        shutil.copy(os.path.join(ROOT, "inventories", "local", "group_vars", "all.yml"),
                    os.path.join(self.inventory, "group_vars"))
        with open(os.path.join(self.inventory, "hosts.yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump({"all": {
                "hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}},
                "children": {"app": {"hosts": {"rel1": {"ansible_connection": "community.general.chroot",
                                                        "ansible_host": rootfs,
                                                        "ansible_python_interpreter": "/usr/bin/python3"}}}}}},
                handle)

    @classmethod
    def make(cls, emulator, tmp_path_factory, rootfs, name, **config):
        """An emptied account with the app security group, and a fresh inventory for module `name`."""
        emulator.reset(**config)
        seed(emulator.endpoint)
        return cls(emulator, str(tmp_path_factory.mktemp(name)), rootfs, f"/etc/funmagic-{name}")

    def variables(self, prefix, **extra):
        """Extra vars for one scenario: its own prefix, the seeded app group, the module's env dir."""
        return {"cache_name_prefix": prefix, "network_app_security_group": APP_SECURITY_GROUP,
                "cache_instances": INSTANCES, "cache_auth_tokens": {i["name"]: TOKEN for i in INSTANCES},
                "client_workers": WORKERS, "client_env_dir": self.env_dir,
                "client_ca_bundle": self.emulator.state()["ca_file"], **extra}

    def _argv(self, playbook, variables, args):
        self._vars += 1
        path = os.path.join(self.workdir, f"vars-{self._vars}.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(variables, handle)
        return [os.path.join(run_ansible.BIN, "ansible-playbook"), os.path.join(PLAYBOOKS, playbook),
                "-e", f"aws_endpoint_url={self.emulator.endpoint}", "-i", self.inventory, "-e", f"@{path}", *args]

    def run(self, playbook, variables, *args, check=True, timeout=RUN_TIMEOUT, extra_env=None):
        """(rc, output) of a playbook run, killed after timeout seconds; fails the test if check and it failed."""
        run = self.start(playbook, variables, *args, extra_env=extra_env)
        rc = run.wait(timeout)
        output = run.output()
        if check and rc != 0:
            raise AssertionError(f"{playbook} failed ({rc}):\n{output[-6000:]}")
        return rc, output

    def start(self, playbook, variables, *args, extra_env=None):
        """A playbook run in its own process group, so that it can be killed with everything it started."""
        env = {**os.environ, **environment(self.emulator.endpoint), "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
               "PATH": run_ansible.BIN + os.pathsep + os.environ.get("PATH", ""), "ANSIBLE_NOCOLOR": "1",
               "ANSIBLE_FORCE_COLOR": "0", **(extra_env or {})}
        argv = self._argv(playbook, variables, args)
        log = open(os.path.join(self.workdir, f"run-{self._vars}.log"), "w+", encoding="utf-8")  # pylint: disable=consider-using-with
        return Run(subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log,  # pylint: disable=consider-using-with
                                    stderr=subprocess.STDOUT, start_new_session=True), log)

    def kill_when(self, run, seen, timeout=120.0):
        """SIGKILL the run's whole process group as soon as the request log holds an entry for which seen(entry)
        is true; returns that entry. Fails if the run ends first or nothing is seen in time."""
        since = self.emulator.requests()[-1]["seq"] if self.emulator.requests() else 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            entries = self.emulator.call(f"requests?since={since}")
            for entry in entries:
                if seen(entry):
                    run.kill()
                    return entry
            since = entries[-1]["seq"] if entries else since
            if run.process.poll() is not None:
                raise AssertionError(f"the run ended ({run.process.returncode}) before the kill point:\n"
                                     f"{run.output()[-4000:]}")
            time.sleep(0.02)
        run.kill()
        raise AssertionError(f"kill point not reached in {timeout} s")

    def env_file(self, worker):
        return os.path.join(self.rootfs, self.env_dir.lstrip("/"), f"{worker}.env")


class Run:
    def __init__(self, process, log):
        self.process = process
        self.log = log

    def kill(self):
        """SIGKILL ansible-playbook and every process under it. ansible-core's workers call setsid(), so killing
        the process group alone would leave the worker of the running task to finish its module: stop the whole
        tree first (nothing new can start), then kill it."""
        stopped = set()
        while True:
            tree = {self.process.pid} | _descendants(self.process.pid)
            if tree <= stopped:
                break
            for pid in tree - stopped:
                _signal(pid, signal.SIGSTOP)
            stopped |= tree
        for pid in stopped:
            _signal(pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def wait(self, timeout=RUN_TIMEOUT):
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            self.kill()
            raise AssertionError(f"the run took more than {timeout} s:\n{self.output()[-4000:]}") from error
        return self.process.returncode

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _descendants(root):
    """Every live process below root, found through the parent ids in /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, todo = set(), [root]
    while todo:
        parent = todo.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in found]
        found.update(children)
        todo.extend(children)
    return found


def clients(emulator):
    """boto3 clients with retries off: a describe that counts must not be hidden by a retry."""
    from botocore.config import Config  # pylint: disable=import-outside-toplevel

    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return {service: boto3.client(service, region_name="us-east-1", endpoint_url=emulator.endpoint, config=config)
            for service in ("ec2", "elasticache", "cloudwatch", "logs")}


def resources(emulator, prefix):
    """Every resource named with the prefix, counted by describe calls: name -> how many exist.

    Alarms are counted by (node, metric), so that two alarms watching the same thing count as a duplicate.
    """
    aws = clients(emulator)
    cache = aws["elasticache"]
    named = [  # (label, what the describe call returns, the name field)
        ("security group", aws["ec2"].describe_security_groups()["SecurityGroups"], "GroupName"),
        ("subnet group", cache.describe_cache_subnet_groups()["CacheSubnetGroups"], "CacheSubnetGroupName"),
        ("parameter group", cache.describe_cache_parameter_groups()["CacheParameterGroups"],
         "CacheParameterGroupName"),
    ]
    found = Counter(f"{label} {item[field]}" for label, items, field in named for item in items
                    if item[field].startswith(f"{prefix}-"))
    for group in cache.describe_replication_groups()["ReplicationGroups"]:
        if group["ReplicationGroupId"].startswith(f"{prefix}-"):
            found[f"replication group {group['ReplicationGroupId']} ({group['Status']})"] += 1
    for group in aws["logs"].describe_log_groups(logGroupNamePrefix=f"/elasticache/{prefix}-")["logGroups"]:
        found[f"log group {group['logGroupName']}"] += 1
    for page in aws["cloudwatch"].get_paginator("describe_alarms").paginate(AlarmNamePrefix=f"{prefix}-"):
        for alarm in page["MetricAlarms"]:
            node = ",".join(d["Value"] for d in alarm["Dimensions"])
            found[f"alarm {alarm['MetricName']} on {node}"] += 1
    return found


def assert_one_set(emulator, prefix, instances=None):
    """Exactly the resources of one converged run: each once, every group available, alarms on every node."""
    instances = INSTANCES if instances is None else instances
    found = resources(emulator, prefix)
    duplicates = {name: count for name, count in found.items() if count != 1}
    assert not duplicates, f"duplicates: {duplicates}"
    names = set(found)
    expected = {f"security group {prefix}-redis-sg", f"subnet group {prefix}-redis-subnet"}
    # The collection's parameter groups are named by family: <group id>-redis7 for the default Redis OSS 7.1.
    expected |= {f"parameter group {prefix}-{i['name']}-redis7" for i in instances}
    expected |= {f"replication group {prefix}-{i['name']} (available)" for i in instances}
    assert expected <= names, f"missing: {sorted(expected - names)}"
    alarms = {name for name in names if name.startswith("alarm ")}
    log_groups = {name for name in names if name.startswith("log group ")}
    assert names - alarms - log_groups == expected, f"unexpected: {sorted(names - alarms - log_groups - expected)}"
    for instance in instances:
        assert [a for a in alarms if f" on {prefix}-{instance['name']}-" in a], f"no alarm on {instance['name']}"
        assert [g for g in log_groups if f"/elasticache/{prefix}-{instance['name']}/" in g], \
            f"no log group for {instance['name']}"
    rules = list(clients(emulator)["ec2"].describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"{prefix}-redis-sg"]}])["SecurityGroups"][0]["IpPermissions"])
    assert len(rules) == 1 and len(rules[0]["UserIdGroupPairs"]) == 1, rules
    return found


def deleting_calls(entries):
    """Calls that delete or take something away, in any service."""
    return [f"{e['service']} {e['operation']}" for e in entries if e["mutating"] and e["operation"].startswith(DELETING)]


JSON_OUTPUT = {"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json"}


def failure_messages(output):
    """The msg of every failed task of a run with JSON_OUTPUT."""
    data = json.loads(output[output.find("{"):output.rfind("}") + 1])
    return [result.get("msg", "") for play in data["plays"] for task in play["tasks"]
            for result in task["hosts"].values() if result.get("failed")]


def changed(output):
    return {host: counts["changed"] for host, counts in run_ansible.recap(output).items()}
