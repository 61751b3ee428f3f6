"""playbooks/failover_drill.yml (the failover_drill role) on the emulator: an application host PINGs through a
TestFailover, and bad input is refused, naming its variable, before anything changes."""

from __future__ import annotations

import concurrent.futures
import json
import os
import sys

import pytest
import yaml

from tests.emulator import probes
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible

PLAYBOOK = os.path.join(ROOT, "playbooks", "failover_drill.yml")
TOKEN = "Drill-Test-Token-0123456"
JSON_OUTPUT = {"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json"}
INSTANCES = [{"name": "queue", "purpose": "queue", "replicas": 1}, {"name": "solo", "purpose": "main"}]

# (id, extra vars over failover_drill_instance=queue, what the messages must say). Each case breaks one rule;
# the last breaks three at once, and all three are named.
BAD_INPUTS = [
    ("instance-missing", {"failover_drill_instance": None},
     ["failover_drill_instance: is required; set it to the name of the instance to drill, one of queue, solo"]),
    ("instance-unknown", {"failover_drill_instance": "nope"},
     ["failover_drill_instance: 'nope' is not in cache_instances; set it to the name of the instance to drill, "
      "one of queue, solo"]),
    ("instance-without-group", {"failover_drill_instance": "ghost",
                                "cache_instances": INSTANCES + [{"name": "ghost", "purpose": "main"}]},
     ["failover_drill_instance: the replication group of ghost (drill-ghost) does not exist; run "
      "playbooks/provision.yml first"]),
    ("host-unknown", {"failover_drill_host": "nohost"},
     ["failover_drill_host: 'nohost' is neither a host nor a group with hosts in the inventory"]),
    ("interval-type", {"failover_drill_interval": "fast"}, ["failover_drill_interval: must be a number, got 'fast'"]),
    ("interval-zero", {"failover_drill_interval": 0}, ["failover_drill_interval: must be greater than 0, got 0"]),
    ("probe-seconds-negative", {"failover_drill_probe_seconds": -5},
     ["failover_drill_probe_seconds: must be greater than 0, got -5"]),
    ("settle-seconds-zero", {"failover_drill_settle_seconds": 0},
     ["failover_drill_settle_seconds: must be greater than 0, got 0"]),
    ("wait-delay-zero", {"failover_drill_wait_delay": 0}, ["failover_drill_wait_delay: must be greater than 0, got 0"]),
    ("outage-below-interval", {"failover_drill_max_outage_seconds": 0.05},
     ["failover_drill_max_outage_seconds: must be longer than failover_drill_interval (0.1 s"]),
    ("outage-beyond-probe", {"failover_drill_probe_seconds": 60},
     ["shorter than failover_drill_probe_seconds (60 s: the probe stops before a longer one ends), got 120"]),
    ("three-at-once", {"failover_drill_host": "nohost", "failover_drill_interval": -1, "failover_drill_wait_delay": 0},
     ["failover_drill_host: 'nohost' is neither a host", "failover_drill_interval: must be greater than 0, got -1",
      "failover_drill_wait_delay: must be greater than 0, got 0"]),
]


@pytest.fixture
def drill(aws, emulator, tmp_path):
    """Two instances of prefix `drill`: queue with one replica, solo without; an inventory whose app host is
    this machine (local connection). Returns the ansible-playbook arguments."""
    emulator.call("config", {"modify_seconds": 3})
    probes.network(aws)
    common = {"CacheNodeType": "cache.t3.micro", "CacheSubnetGroupName": "redis-subnets",
              "TransitEncryptionEnabled": True, "AtRestEncryptionEnabled": True, "AuthToken": TOKEN}
    probes.create(aws, "drill-queue", NumCacheClusters=2, AutomaticFailoverEnabled=True, **common)
    probes.create(aws, "drill-solo", NumCacheClusters=1, **common)
    for group_id in ("drill-queue", "drill-solo"):
        probes.statuses_until(aws, "available", group_id)
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump({
        "aws_region": "us-east-1", "cache_name_prefix": "drill", "cache_instances": INSTANCES,
        "cache_auth_tokens": {"queue": TOKEN, "solo": TOKEN},
    }))
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "hosts": {"localhost": local}, "children": {"app": {"hosts": {"app1": local}}}}}))
    return ["-i", str(inventory), "-e", f"failover_drill_ca_file={emulator.state()['ca_file']}",
            "-e", "failover_drill_wait_delay=1", "-e", "failover_drill_settle_seconds=2"]


def _results(output):
    """task name (without the role) -> localhost's result, from ansible's JSON output."""
    data = json.loads(output[output.find("{"):output.rfind("}") + 1])
    return {task["task"]["name"].split(" : ")[-1]: task["hosts"].get("localhost", {})
            for play in data["plays"] for task in play["tasks"]}


def _failure_messages(output):
    """The msg of every failed task and failed loop item."""
    found = []
    for result in _results(output).values():
        found.extend(r.get("msg", "") for r in [result] + result.get("results", []) if r.get("failed"))
    return " ".join(" ".join(found).split())


def test_the_drill_publishes_a_new_primary_and_a_bounded_outage(aws, emulator, drill):
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(PLAYBOOK, emulator, *drill, "-e", "failover_drill_instance=queue", check=False,
                                      extra_env=JSON_OUTPUT)
    assert rc == 0, output[-6000:]
    assert TOKEN not in output
    members = probes.describe(aws, "drill-queue")["NodeGroups"][0]["NodeGroupMembers"]
    assert [m["CacheClusterId"] for m in members if m["CurrentRole"] == "primary"] == ["drill-queue-002"]
    results = _results(output)
    fact = results["Publish what the drill saw"]["ansible_facts"]["failover_drill_result"]
    print(f"drill: {fact['pings_failed']} of {fact['pings']} PINGs failed, longest time without PONG "
          f"{fact['longest_outage_seconds']} s")
    assert (fact["instance"], fact["replication_group_id"], fact["probe_host"]) == ("queue", "drill-queue", "app1")
    assert (fact["previous_primary"], fact["new_primary"]) == ("drill-queue-001", "drill-queue-002")
    assert fact["seconds"] > 0
    # The emulator drops every client connection when the failover completes: the probe must see it and
    # get PONG again on a new connection within a few of its 100 ms ticks.
    assert fact["pings_failed"] >= 1 and fact["pings"] >= 40
    assert 0 < fact["longest_outage_seconds"] < 2
    assert fact["outages"] and all(o["ended"] for o in fact["outages"])
    assert max(o["seconds"] for o in fact["outages"]) == fact["longest_outage_seconds"]
    assert fact["pong_after"] is True
    assert "Failover from primary node drill-queue-001 to replica node drill-queue-002 completed" in \
        [e["message"] for e in fact["events"]]
    report = " ".join(" ".join(results["Report the drill"]["msg"]).split())
    assert "drill-queue: primary drill-queue-001 -> drill-queue-002" in report
    assert (f"probe from app1: {fact['pings_failed']} of {fact['pings']} PINGs failed; longest time without PONG "
            f"{fact['longest_outage_seconds']} s") in report
    assert "PONG after: yes" in report
    mutating = [r["operation"] for r in emulator.requests(mutating_only=True)]
    assert mutating == ["TestFailover"]


def test_a_group_without_a_replica_is_refused_before_any_change(aws, emulator, drill):
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(PLAYBOOK, emulator, *drill, "-e", "failover_drill_instance=solo", check=False)
    assert rc != 0
    assert "Replication group drill-solo has no replica in node group 0001" in " ".join(output.split())
    assert "Start PINGing" not in output  # refused before the probe starts
    assert emulator.requests(mutating_only=True) == []
    assert TOKEN not in output


def test_bad_input_is_refused_naming_the_variable_before_any_change(emulator, drill, tmp_path):
    emulator.call("requests", method="DELETE")

    def run(case):
        name, extra, _expected = case
        variables = {"failover_drill_instance": "queue", **extra}
        vars_file = tmp_path / f"{name}.json"
        vars_file.write_text(json.dumps({k: v for k, v in variables.items() if v is not None}))
        return run_ansible.playbook(PLAYBOOK, emulator, *drill, "-e", f"@{vars_file}", check=False,
                                    extra_env=JSON_OUTPUT)

    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        answers = dict(zip([c[0] for c in BAD_INPUTS], pool.map(run, BAD_INPUTS)))
    for name, _extra, expected in BAD_INPUTS:
        rc, output = answers[name]
        assert rc != 0, (name, output[-3000:])
        messages = _failure_messages(output)
        assert all(e in messages for e in expected), (name, messages)
        assert "Start PINGing" not in output and TOKEN not in output, name
    assert emulator.requests(mutating_only=True) == []


def test_check_mode_only_checks(aws, emulator, drill):
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(PLAYBOOK, emulator, *drill, "-e", "failover_drill_instance=queue", "--check",
                                      check=False, extra_env=JSON_OUTPUT)
    assert rc == 0, output[-4000:]
    assert emulator.requests(mutating_only=True) == []
    members = probes.describe(aws, "drill-queue")["NodeGroups"][0]["NodeGroupMembers"]
    assert [m["CacheClusterId"] for m in members if m["CurrentRole"] == "primary"] == ["drill-queue-001"]
    results = _results(output)
    assert results["Check that the probe host gets PONG from the primary endpoint"]["pong"] is True
    assert results["Publish what the drill saw"].get("skipped") is True
