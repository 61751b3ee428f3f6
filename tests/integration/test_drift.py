"""playbooks/drift.yml on the emulator: a converged stack has no drift; changes made by hand are one row each."""

from __future__ import annotations

import os
import re
import sys

import yaml

from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.testbed.seed import seed

TOKEN = "Drift-Test-Token-0123456"


def _inventory(tmp_path):
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump({
        "aws_region": "us-east-1", "cache_name_prefix": "drift",
        "cache_instances": [{"name": "main", "purpose": "main"}, {"name": "queue", "purpose": "queue"}],
        "cache_auth_tokens": {"main": TOKEN, "queue": TOKEN}, "cache_wait_delay": 1,
        "network_app_security_group": "funmagic-ec2-sg", "monitoring_alarm_actions": [],
    }))
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    return ["-i", str(inventory)]


def _drift(emulator, args):
    """(rc, output, table rows as (resource, field, inventory, AWS)) of one drift.yml run, which must change nothing."""
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(os.path.join(ROOT, "playbooks", "drift.yml"), emulator, *args, check=False)
    assert emulator.requests(mutating_only=True) == []
    assert TOKEN not in output
    # The table's lines as the failure message prints them (not the `table` list, whose items the callback folds).
    rows = {tuple(cell.strip() for cell in line.split(" | "))
            for line in output.splitlines() if line.count(" | ") == 3 and not line.strip().startswith("- ")}
    return rc, output, sorted(r for r in rows if r[0] != "resource")


def test_drift_reports_each_change_made_behind_the_collections_back(aws, emulator, tmp_path):
    seed(emulator.endpoint)
    args = _inventory(tmp_path)
    run_ansible.playbook(os.path.join(ROOT, "playbooks", "provision.yml"), emulator, *args)

    rc, output, rows = _drift(emulator, args)
    assert rc == 0, output[-5000:]
    assert rows == [] and "Drift: 0 difference(s) between the inventory and AWS or the hosts." in output

    ec2, elasticache, cloudwatch = aws.ec2, aws.elasticache, aws.cloudwatch
    redis_sg = ec2.describe_security_groups(GroupNames=["drift-redis-sg"])["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=redis_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    retention = elasticache.describe_replication_groups(ReplicationGroupId="drift-main")["ReplicationGroups"][0][
        "SnapshotRetentionLimit"]
    elasticache.modify_replication_group(ReplicationGroupId="drift-main", SnapshotRetentionLimit=retention + 3,
                                         ApplyImmediately=True)
    elasticache.modify_cache_parameter_group(CacheParameterGroupName="drift-queue-redis7", ParameterNameValues=[
        {"ParameterName": "maxmemory-policy", "ParameterValue": "allkeys-lru"}])
    alarms = sorted(a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"])
    cloudwatch.delete_alarms(AlarmNames=[alarms[0]])

    rc, output, rows = _drift(emulator, args)
    print("\n".join(" | ".join(row) for row in rows))
    assert rc != 0
    assert rows == sorted([
        ("security group drift-redis-sg", "ingress", "(absent)", "tcp 6379 from 0.0.0.0/0"),
        ("replication group drift-main", "snapshot_retention_limit", str(retention), str(retention + 3)),
        ("parameter group drift-queue-redis7", "parameters.maxmemory-policy", "noeviction", "allkeys-lru"),
        ("alarm %s" % alarms[0], "(resource)", "present", "(absent)"),
    ])
    assert re.search(r"Drift: 4 difference\(s\) between the inventory and AWS", output)
