"""make bench: provisioning time, no-op rerun calls, host fan-out and check mode, on one private emulator.

    .venv/bin/python -m tests.bench [--create-seconds 15] [--port 5810] [--address-block 17] [--no-write]

Everything runs in one go against one emulator (its own port and address block) and chroot hosts under a
temporary directory. It prints a table and writes docs/benchmarks.md with the machine, the date, the
commands and the figures. Not part of make test: it takes about 10 minutes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter

import boto3
import yaml

from tests.conftest import EmulatorHandle
from tests.emulator.__main__ import ROOT, environment
from tests.integration.run_ansible import recap
from tests.testbed.seed import APP_SECURITY_GROUP, seed

BIN = os.path.dirname(sys.executable)
HOST_COUNTS = (1, 4, 8)
INSTANCE_COUNTS = (1, 3, 6)
TARGETS = {"overhead_seconds": 10.0, "speedup_at_3": 2.5}
SEQUENTIAL = """\
# The baseline: what a user would write without the cache role's parallel wait. The same network, parameter
# groups and alarms as provision.yml, but the replication groups are created one after another.
- name: Provision with one replication group at a time
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/aws: &aws
      region: "{{ aws_region }}"
      endpoint_url: "{{ aws_endpoint_url }}"
    group/funmagic.elasticache.aws: *aws
  tasks:
    - name: Create the security group and the subnet group
      ansible.builtin.include_role:
        name: funmagic.elasticache.network

    - name: Create the parameter groups
      funmagic.elasticache.parameter_group:
        name: "{{ cache_name_prefix }}-{{ item.name }}"
        family: redis7
        description: Parameters of {{ item.name }}
      loop: "{{ cache_instances }}"

    - name: Create a replication group and wait for it
      funmagic.elasticache.replication_group:
        replication_group_id: "{{ cache_name_prefix }}-{{ item.name }}"
        description: sequential baseline
        node_type: cache.t3.micro
        engine_version: "7.1"
        parameter_group: "{{ cache_name_prefix }}-{{ item.name }}"
        subnet_group: "{{ cache_name_prefix }}-redis-subnet"
        security_group_ids: ["{{ cache_name_prefix }}-redis-sg"]
        transit_encryption: true
        at_rest_encryption: true
        auth_token: "{{ cache_auth_tokens[item.name] }}"
        wait: true
        wait_delay: "{{ cache_wait_delay }}"
      loop: "{{ cache_instances }}"
      no_log: true

    - name: Create the alarms
      ansible.builtin.include_role:
        name: funmagic.elasticache.monitoring
"""


PROFILE = {"ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks"}
# The per-host cost (issue 20): module executions on each app host, counted by tests/callbacks/module_executions.py.
EXECUTION_BARS = {"configure_and_verify": 6, "noop": 8}
# The 1 -> 8 host ratios measured before every instance of a host was checked in one execution (2026-11-26).
PREVIOUS_RATIOS = {"configure": 3.5, "verify": 2.3}


def failure(output):
    """The first line of the message of the last failed task."""
    tail = output[output.rfind("fatal:"):]
    message = tail[tail.find("msg:") + 4:].strip().splitlines()
    return message[0].strip(" '\"") if message else "see the output"


def profile(output):
    """(seconds, task) of the slowest tasks, from profile_tasks' recap."""
    rows = []
    for line in output[output.rfind("TASKS RECAP"):].splitlines():
        name, _space, seconds = line.rpartition(" ")
        if seconds.endswith("s") and name.rstrip(" -"):
            try:
                rows.append((float(seconds[:-1]), name.rstrip(" -")))
            except ValueError:
                continue
    return sorted(rows, reverse=True)[:10]


class Bench:
    def __init__(self, options, workdir):
        self.endpoint = f"http://127.0.0.1:{options.port}"
        self.options = options
        self.workdir = workdir
        self.inventory = os.path.join(workdir, "inventory")
        self.env = {**os.environ, **environment(self.endpoint), "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
                    "PATH": BIN + os.pathsep + os.environ["PATH"], "FUNMAGIC_TESTBED_DIR": workdir,
                    "ANSIBLE_NOCOLOR": "1"}
        self.emulator = EmulatorHandle(self.endpoint, os.path.join(workdir, "emulator"))
        self.commands: list[str] = []
        self.ca_file = ""
        self.last_output = ""
        self.last_rc = 0
        self.last_executions = 0

    # --- the bed -------------------------------------------------------------------------------

    def requests(self):
        return self.emulator.requests()

    def clear_requests(self):
        self.emulator.call("requests", method="DELETE")

    def make_bed(self):
        os.environ.update(environment(self.endpoint))
        seed(self.endpoint)
        self.ca_file = self.emulator.state()["ca_file"]
        hosts = {}
        for index in range(1, max(HOST_COUNTS) + 1):
            name = f"bench{index}"
            rootfs = subprocess.run([sys.executable, "-m", "tests.testbed.hosts", "create", name, "--endpoint",
                                     self.endpoint, "--ca-file", self.ca_file], cwd=ROOT, env=self.env, check=True,
                                    capture_output=True, text=True).stdout.strip().splitlines()[-1]
            hosts[name] = {"ansible_connection": "community.general.chroot", "ansible_host": rootfs,
                           "ansible_python_interpreter": "/usr/bin/python3"}
        os.makedirs(os.path.join(self.inventory, "group_vars"))
        shutil.copy(os.path.join(ROOT, "inventories", "local", "group_vars", "all.yml"),
                    os.path.join(self.inventory, "group_vars"))
        children = {"app": {"hosts": hosts}}
        for count in HOST_COUNTS:
            children[f"hosts{count}"] = {"hosts": {f"bench{i}": {} for i in range(1, count + 1)}}
        with open(os.path.join(self.inventory, "hosts.yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump({"all": {"hosts": {"localhost": {"ansible_connection": "local",
                                                            "ansible_python_interpreter": sys.executable}},
                                    "children": children}}, handle)

    def destroy_bed(self):
        for index in range(1, max(HOST_COUNTS) + 1):
            subprocess.run([sys.executable, "-m", "tests.testbed.hosts", "destroy", f"bench{index}"], cwd=ROOT,
                           env=self.env, check=True)

    # --- runs ----------------------------------------------------------------------------------

    def playbook(self, playbook, variables, *args, record=True, allow_failure=False, extra_env=None, count=False):
        """Run a playbook; returns its wall time in seconds. Fails the bench if the playbook fails, unless
        allow_failure (then self.last_rc tells). With count, self.last_executions is the most module executions
        any app host ran (tests/callbacks/module_executions.py)."""
        if count:
            counts = os.path.join(self.workdir, f"executions-{time.monotonic_ns()}.json")
            extra_env = {**(extra_env or {}), "ANSIBLE_CALLBACK_PLUGINS": os.path.join(ROOT, "tests", "callbacks"),
                         "ANSIBLE_CALLBACKS_ENABLED": "module_executions", "FUNMAGIC_EXECUTIONS_FILE": counts}
        path = os.path.join(self.workdir, f"vars-{len(self.commands)}-{time.monotonic_ns()}.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"aws_endpoint_url": self.endpoint, "client_ca_bundle": self.ca_file, **variables}, handle)
        argv = [os.path.join(BIN, "ansible-playbook"), playbook, "-i", self.inventory, "-e", f"@{path}", *args]
        if record:
            shown = " ".join(f"-e '{json.dumps({k: v})}'" for k, v in variables.items())
            shown_playbook = os.path.relpath(playbook, ROOT) if playbook.startswith(ROOT) else "SEQUENTIAL_PLAYBOOK"
            self.commands.append(f"ansible-playbook {shown_playbook} -i INVENTORY {shown} "
                                 f"{' '.join(args)}".rstrip())
        started = time.monotonic()
        answer = subprocess.run(argv, cwd=ROOT, env={**self.env, **(extra_env or {})}, capture_output=True, text=True,
                                check=False)
        elapsed = time.monotonic() - started
        self.last_output, self.last_rc = answer.stdout, answer.returncode
        if answer.returncode != 0 and not allow_failure:
            raise SystemExit(f"{' '.join(argv)} failed:\n{(answer.stdout + answer.stderr)[-5000:]}")
        if count:
            with open(counts, encoding="utf-8") as handle:
                hosts = dict((host, v) for host, v in json.load(handle).items() if host != "localhost")
            self.last_executions = max((v["total"] for v in hosts.values()), default=0)
            busiest = max(hosts, key=lambda host: hosts[host]["total"], default=None)
            if busiest:  # which tasks, so that a count over the bar says where it comes from
                print(f"  {os.path.basename(playbook)}: {busiest} ran {hosts[busiest]['total']} module executions: "
                      f"{json.dumps(hosts[busiest]['tasks'], sort_keys=True)}", flush=True)
        return elapsed

    @staticmethod
    def instances(count):
        return [{"name": f"i{index}", "purpose": "main"} for index in range(1, count + 1)]

    def variables(self, prefix, count, hosts=1, **extra):
        return {"cache_name_prefix": prefix, "network_app_security_group": APP_SECURITY_GROUP,
                "cache_instances": self.instances(count),
                "cache_auth_tokens": {f"i{index}": "Bench-Token-0123456789" for index in range(1, count + 1)},
                "client_workers": [{"name": "web", "queue_prefix": ""}],
                "redis_client_hosts": f"hosts{hosts}", **extra}

    def mutating_by_service(self, playbook, variables):
        self.clear_requests()
        self.playbook(os.path.join(ROOT, "playbooks", playbook), variables, "--check", allow_failure=True)
        log = self.requests()
        services = {e["service"] for e in log} | {"ec2", "elasticache", "cloudwatch", "logs"}
        counts = {service: sum(1 for e in log if e["service"] == service and e["mutating"])
                  for service in sorted(services)}
        return counts, (f"FAILED (rc {self.last_rc}): {failure(self.last_output)}" if self.last_rc else "ok")

    def managed_resources(self, prefix):
        ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=self.endpoint)
        cache = boto3.client("elasticache", region_name="us-east-1", endpoint_url=self.endpoint)
        cloudwatch = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=self.endpoint)
        logs = boto3.client("logs", region_name="us-east-1", endpoint_url=self.endpoint)
        alarms = cloudwatch.get_paginator("describe_alarms").paginate(AlarmNamePrefix=f"{prefix}-")
        return {
            "security group": len(ec2.describe_security_groups(
                Filters=[{"Name": "group-name", "Values": [f"{prefix}-redis-sg"]}])["SecurityGroups"]),
            "subnet group": sum(1 for g in cache.describe_cache_subnet_groups()["CacheSubnetGroups"]
                                if g["CacheSubnetGroupName"] == f"{prefix}-redis-subnet"),
            "parameter groups": sum(1 for g in cache.describe_cache_parameter_groups()["CacheParameterGroups"]
                                    if g["CacheParameterGroupName"].startswith(f"{prefix}-")),
            "replication groups": sum(1 for g in cache.describe_replication_groups()["ReplicationGroups"]
                                      if g["ReplicationGroupId"].startswith(f"{prefix}-")),
            "alarms": sum(len(page["MetricAlarms"]) for page in alarms),
            "log groups": len(logs.describe_log_groups(logGroupNamePrefix=f"/elasticache/{prefix}-")["logGroups"]),
        }

    # --- the measurements ----------------------------------------------------------------------

    def run(self):
        seconds = self.options.create_seconds
        provision = os.path.join(ROOT, "playbooks", "provision.yml")
        redis = os.path.join(ROOT, "playbooks", "redis.yml")
        results = {"create_seconds": seconds, "wait_delay": 1}
        self.emulator.call("config", {"create_seconds": seconds, "modify_seconds": 1, "delete_seconds": 1})

        print("check mode on an empty account ...", flush=True)
        results["check_empty"] = self.mutating_by_service("redis.yml", self.variables("b3", 3))

        results["provision"] = {}
        for count in INSTANCE_COUNTS:
            print(f"provision {count} instance(s), {seconds:.0f} s each to create ...", flush=True)
            results["provision"][count] = self.playbook(provision, self.variables(f"b{count}", count),
                                                        extra_env=PROFILE if count == 3 else None)
            if count == 3:
                results["provision_profile"] = profile(self.last_output)

        print("sequential baseline, 3 instances ...", flush=True)
        sequential = os.path.join(self.workdir, "sequential.yml")
        with open(sequential, "w", encoding="utf-8") as handle:
            handle.write(SEQUENTIAL)
        results["sequential_3"] = self.playbook(sequential, self.variables("s3", 3))

        print("configure the hosts once (installs redis-tools, not timed) ...", flush=True)
        self.playbook(os.path.join(ROOT, "playbooks", "configure_hosts.yml"),
                      self.variables("b3", 3, hosts=max(HOST_COUNTS)), "-f", "8", record=False)
        results["configure"], results["verify"] = {}, {}
        results["configure_executions"], results["verify_executions"] = {}, {}
        for count in HOST_COUNTS:
            print(f"configure and verify {count} host(s) ...", flush=True)
            # A new queue prefix, so that every env file is written again.
            changed = self.variables("b3", 3, hosts=count)
            changed["client_workers"][0]["queue_prefix"] = f"run{count}"
            results["configure"][count] = self.playbook(os.path.join(ROOT, "playbooks", "configure_hosts.yml"),
                                                        changed, "-f", "8", count=True)
            results["configure_executions"][count] = self.last_executions
            results["verify"][count] = self.playbook(os.path.join(ROOT, "playbooks", "verify.yml"),
                                                     self.variables("b3", 3, hosts=count), "-f", "8", count=True)
            results["verify_executions"][count] = self.last_executions

        print("no-op rerun of redis.yml on the 3-instance set ...", flush=True)
        converged = self.variables("b3", 3)
        converged["client_workers"][0]["queue_prefix"] = "run1"
        self.playbook(redis, converged, record=False)  # the hosts' env files as the rerun wants them
        self.clear_requests()
        results["noop_seconds"] = self.playbook(redis, converged, count=True)
        results["noop_executions"] = self.last_executions
        results["noop_changed"] = {host: counts["changed"] for host, counts in recap(self.last_output).items()}
        log = self.requests()
        results["noop_calls"] = dict(Counter(e["service"] for e in log))
        results["noop_mutating"] = sum(1 for e in log if e["mutating"])
        results["noop_operations"] = dict(Counter(f"{e['service']} {e['operation']}" for e in log))
        results["resources"] = self.managed_resources("b3")

        print("check mode on the converged account ...", flush=True)
        results["check_converged"] = self.mutating_by_service("redis.yml", converged)
        return results


def machine():
    with open("/proc/meminfo", encoding="utf-8") as handle:
        memory = int(handle.readline().split()[1]) / 1024 / 1024
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="utf-8")
                  if line.startswith("model name")), platform.processor())
    return (f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the start")


def ansible_version():
    out = subprocess.run([os.path.join(BIN, "ansible"), "--version"], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[0]


def table(results):
    """(title, rows) of the report; rows are lists of strings, the first one the header."""
    seconds = results["create_seconds"]
    provision = results["provision"]
    sequential = results["sequential_3"]
    resources = results["resources"]
    total_resources = sum(resources.values())
    total_calls = sum(results["noop_calls"].values())
    sections = [
        (f"Provision (playbooks/provision.yml, monitoring on), T = {seconds:.0f} s creation time, "
         f"cache_wait_delay {results['wait_delay']} s",
         [["instances", "wall time", "overhead beyond T", f"target <= {TARGETS['overhead_seconds']:.0f} s"]] +
         [[str(n), f"{provision[n]:.1f} s", f"{provision[n] - seconds:.1f} s",
           "-" if n == 1 else ("met" if provision[n] - seconds <= TARGETS["overhead_seconds"] else "MISSED")]
          for n in INSTANCE_COUNTS] +
         [["3, sequential baseline", f"{sequential:.1f} s", f"{sequential - 3 * seconds:.1f} s beyond 3T", "-"],
          ["speedup at 3", f"{sequential / provision[3]:.2f}x", "", f"target >= {TARGETS['speedup_at_3']}x: " +
           ("met" if sequential / provision[3] >= TARGETS["speedup_at_3"] else "MISSED")]]),
        (f"No-op rerun of playbooks/redis.yml (3 instances, 1 host): {results['noop_seconds']:.1f} s, "
         f"{total_calls} AWS calls for {total_resources} managed resources, {results['noop_mutating']} mutating, "
         f"changed: {', '.join(f'{h}={c}' for h, c in sorted(results['noop_changed'].items()))}, "
         f"{results['noop_executions']} module executions on the host (at most {EXECUTION_BARS['noop']})",
         [["service", "calls", "per managed resource"]] +
         [[service, str(count), f"{count / total_resources:.2f}"]
          for service, count in sorted(results["noop_calls"].items())] +
         [["all", str(total_calls), f"{total_calls / total_resources:.2f}"]]),
        ("Managed resources counted for the rerun",
         [["resource", "count"]] + [[name, str(count)] for name, count in resources.items()]),
        ("Configure and verify on chroot hosts (-f 8), 3 instances, module executions per host (configure + verify at "
         f"most {EXECUTION_BARS['configure_and_verify']})",
         [["hosts", "configure_hosts.yml", "ratio to 1 host", "executions per host", "verify.yml", "ratio to 1 host",
           "executions per host"]] +
         [[str(n), f"{results['configure'][n]:.1f} s", f"{results['configure'][n] / results['configure'][1]:.2f}",
           str(results["configure_executions"][n]), f"{results['verify'][n]:.1f} s",
           f"{results['verify'][n] / results['verify'][1]:.2f}", str(results["verify_executions"][n])]
          for n in HOST_COUNTS] +
         [[f"1 -> {max(HOST_COUNTS)}, last run before", f"{PREVIOUS_RATIOS['configure']}x", "", "",
           f"{PREVIOUS_RATIOS['verify']}x", "", ""]]),
        ("Mutating AWS calls under --check (playbooks/redis.yml), by service",
         [["account"] + sorted(results["check_empty"][0]) + ["the check run"]] +
         [[name, *[str(results[key][0].get(s, 0)) for s in sorted(results["check_empty"][0])], results[key][1]]
          for name, key in (("empty", "check_empty"), ("converged", "check_converged"))]),
    ]
    return sections


def markdown(sections):
    lines = []
    for title, rows in sections:
        lines += [f"### {title}", "", "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        lines.append("")
    return lines


def text(sections):
    lines = []
    for title, rows in sections:
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines += ["", title] + ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    return lines


def write_doc(path, sections, results, commands, context):
    body = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`.venv/bin/python -m tests.bench`); do not edit by hand, run it again. "
        "The figures below are from a real run.",
        "",
        f"- Date: {context['date']}",
        f"- Machine: {context['machine']}",
        f"- {context['ansible']}; emulator on its own port with address block {context['block']}, "
        f"creation time T = {results['create_seconds']:.0f} s; total bench time {context['total']:.0f} s",
        "- Other sessions may share the machine; the load average above says how busy it was.",
        "",
        "What is measured, in one run on one emulator:",
        "",
        "- Provision: `playbooks/provision.yml` (network, parameter groups, replication groups created in parallel"
        ", the wait loop, alarms) for 1, 3 and 6 instances on an empty prefix each; the overhead is the wall time "
        "beyond T. The baseline (SEQUENTIAL_PLAYBOOK below) does the same work with a loop of "
        "`funmagic.elasticache.replication_group` with `wait: true`, one group after another, on its own prefix.",
        "- No-op rerun: `playbooks/redis.yml` on the converged 3-instance set with one host, every AWS call read from "
        "the emulator's request log (`GET /_emulator/requests`).",
        "- Configure and verify: `configure_hosts.yml` (every env file rewritten: a new queue prefix each time) and "
        "`verify.yml` on 1, 4 and 8 chroot hosts with `-f 8`, after an untimed first run that installed redis-tools.",
        "- Module executions per host: counted by tests/callbacks/module_executions.py on the configure, verify and "
        "no-op runs (each task result or loop item that ran a module on the host, ok or failed; skipped ones and "
        "controller-only actions such as debug and assert are not executions), the most any app host ran.",
        "- Check mode: `redis.yml --check` on an empty account and on the converged one; every mutating call in "
        "every service is counted (all must be 0).",
        "",
        *markdown(sections),
        "Where the time of the 3-instance provision goes (ansible.posix.profile_tasks, slowest tasks):",
        "",
        *[f"- {seconds:.1f} s: {task}" for seconds, task in results["provision_profile"]],
        "",
        "No-op rerun, every call by operation:",
        "",
        *[f"- {operation}: {count}" for operation, count in sorted(results["noop_operations"].items())],
        "",
        "## Commands",
        "",
        "INVENTORY is a copy of inventories/local/group_vars/all.yml with localhost and the chroot hosts "
        "bench1..bench8 (groups hosts1, hosts4, hosts8); each command also gets `aws_endpoint_url` and "
        "`client_ca_bundle` of the bench's emulator.",
        "",
        "```",
        *commands,
        "```",
        "",
        "SEQUENTIAL_PLAYBOOK:",
        "",
        "```yaml",
        SEQUENTIAL.rstrip(),
        "```",
        "",
    ]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(body))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--create-seconds", type=float, default=15.0)
    parser.add_argument("--port", type=int, default=5810)
    parser.add_argument("--address-block", type=int, default=17)
    parser.add_argument("--no-write", action="store_true", help="print the table only, leave docs/benchmarks.md")
    options = parser.parse_args(argv)
    context = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": machine(), "ansible": ansible_version(), "block": options.address_block}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="funmagic-bench-") as workdir:
        bench = Bench(options, workdir)
        emulator = [sys.executable, "-m", "tests.emulator", "--state-dir", os.path.join(workdir, "emulator"),
                    "--port", str(options.port), "--address-block", str(options.address_block)]
        subprocess.run(emulator[:3] + ["start"] + emulator[3:], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        try:
            bench.make_bed()
            results = bench.run()
        finally:
            subprocess.run(emulator[:3] + ["stop"] + emulator[3:], cwd=ROOT, check=True)
            bench.destroy_bed()
    context["total"] = time.monotonic() - started
    sections = table(results)
    print("\n".join(text(sections)))
    print(f"\nbench took {context['total']:.0f} s")
    if not options.no_write:
        write_doc(os.path.join(ROOT, "docs", "benchmarks.md"), sections, results, bench.commands, context)
        print("wrote docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
