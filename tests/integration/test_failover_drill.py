"""playbooks/failover_drill.yml on the emulator: an application host PINGs through a TestFailover."""

from __future__ import annotations

import os
import re
import sys

import pytest
import yaml

from tests.emulator import probes
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible

PLAYBOOK = os.path.join(ROOT, "playbooks", "failover_drill.yml")
TOKEN = "Drill-Test-Token-0123456"


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
        "aws_region": "us-east-1", "cache_name_prefix": "drill",
        "cache_instances": [{"name": "queue", "purpose": "queue", "replicas": 1}, {"name": "solo", "purpose": "main"}],
        "cache_auth_tokens": {"queue": TOKEN, "solo": TOKEN},
    }))
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {
        "hosts": {"localhost": local}, "children": {"app": {"hosts": {"app1": local}}}}}))
    return ["-i", str(inventory), "-e", f"failover_drill_ca_file={emulator.state()['ca_file']}",
            "-e", "failover_drill_wait_delay=1", "-e", "failover_drill_settle_seconds=2"]


def test_the_drill_reports_a_new_primary_and_a_bounded_outage(aws, emulator, drill):
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(PLAYBOOK, emulator, *drill, "-e", "failover_drill_instance=queue", check=False)
    assert rc == 0, output[-6000:]
    assert TOKEN not in output
    members = probes.describe(aws, "drill-queue")["NodeGroups"][0]["NodeGroupMembers"]
    assert [m["CacheClusterId"] for m in members if m["CurrentRole"] == "primary"] == ["drill-queue-002"]
    report = " ".join(output.split())  # the YAML callback folds long lines
    assert "drill-queue: primary drill-queue-001 -> drill-queue-002" in report
    failed, attempts, outage = re.search(r"(\d+) of (\d+) PINGs failed; longest time without PONG ([\d.]+) s",
                                         report).groups()
    print(f"drill: {failed} of {attempts} PINGs failed, longest time without PONG {outage} s")
    # The emulator drops every client connection when the failover completes: the probe must see it and
    # get PONG again on a new connection within a few of its 100 ms ticks.
    assert int(failed) >= 1 and int(attempts) >= 40
    assert 0 < float(outage) < 2
    assert "PONG after: yes" in report
    assert "Failover from primary node drill-queue-001 to replica node drill-queue-002 completed" in report
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


def test_an_unknown_instance_is_named(emulator, drill):
    rc, output = run_ansible.playbook(PLAYBOOK, emulator, *drill, "-e", "failover_drill_instance=nope", check=False)
    assert rc != 0 and "failover_drill_instance: set it to the name of the instance to drill, one of queue, solo" \
        in " ".join(output.split())


def test_check_mode_only_checks(aws, emulator, drill):
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(PLAYBOOK, emulator, *drill, "-e", "failover_drill_instance=queue", "--check",
                                  check=False)
    assert rc == 0, output[-4000:]
    assert emulator.requests(mutating_only=True) == []
    members = probes.describe(aws, "drill-queue")["NodeGroups"][0]["NodeGroupMembers"]
    assert [m["CacheClusterId"] for m in members if m["CurrentRole"] == "primary"] == ["drill-queue-001"]
