"""playbooks/compliance.yml on the emulator: a converged group passes, a setting turned off by hand fails naming the
control and the inventory field, accepted exceptions are listed apart with their reasons, and nothing changes."""

from __future__ import annotations

import os
import sys

import yaml

from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.testbed.seed import seed

TOKEN = "Compliance-Test-Token-0123"
CMK = {"control": "CKV_AWS_191", "reason": "Queue data only; the AWS owned key is enough"}
RBAC = {"control": "elasticache-rbac-auth-enabled", "instance": "main", "reason": "Moves to RBAC next quarter"}


def _inventory(tmp_path, exceptions, **settings):
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True, exist_ok=True)
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump(dict({
        "aws_region": "us-east-1", "cache_name_prefix": "comply",
        "cache_instances": [{"name": "main", "purpose": "main", "replicas": 1}],
        "cache_auth_tokens": {"main": TOKEN}, "cache_wait_delay": 1,
        "network_app_security_group": "funmagic-ec2-sg", "monitoring_enabled": False,
        "compliance_accepted_exceptions": exceptions,
    }, **settings)))
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    return ["-i", str(inventory)]


def _report(emulator, args):
    """(rc, output, {(control, instance): (result, field)} of the scored table, the accepted table's rows) of one
    compliance.yml run, which must change nothing and print no token."""
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(os.path.join(ROOT, "playbooks", "compliance.yml"), emulator, *args, check=False)
    assert emulator.requests(mutating_only=True) == []
    assert TOKEN not in output
    # The report's lines as the role prints them (one block of text).
    cells = [[cell.strip() for cell in line.split(" | ")] for line in output.splitlines() if line.count(" | ") == 4]
    results = ("PASS", "FAIL", "NOT_ENABLED", "NOT_APPLICABLE")
    scored = dict(((c[0], c[1]), (c[2], c[3])) for c in cells if c[2] in results)
    accepted = [tuple(c[:4]) for c in cells if c[0] != "control" and c[2] not in results]
    return rc, output, scored, accepted


def test_compliance_scores_a_converged_group_and_names_what_to_change(aws, emulator, tmp_path):
    seed(emulator.endpoint)
    args = _inventory(tmp_path, [CMK, RBAC])
    run_ansible.playbook(os.path.join(ROOT, "playbooks", "provision.yml"), emulator, *args)

    # The collection's settings pass Security Hub; the two exceptions are listed apart, with their reasons.
    rc, output, scored, accepted = _report(emulator, args)
    assert rc == 0, output[-5000:]
    assert scored == {
        ("ElastiCache.%d" % n, "main"): ("PASS", "") for n in (1, 2, 3, 4, 5, 7)
    } | {("ElastiCache.6", "main"): ("NOT_APPLICABLE", "")}
    assert accepted == [
        ("elasticache-rbac-auth-enabled", "main", "cache_instances[0] (main).access: rbac", RBAC["reason"]),
        ("CKV_AWS_191", "main", "cache_kms_key: create, or a key ARN", CMK["reason"]),
    ]
    assert "Compliance: 0 failing control(s), 2 accepted exception(s), on 1 replication group(s)." in output

    # Backups turned off by hand, and the RBAC rule no longer accepted: both fail, each naming its field.
    aws.elasticache.modify_replication_group(ReplicationGroupId="comply-main", SnapshotRetentionLimit=0,
                                             ApplyImmediately=True)
    args = _inventory(tmp_path, [CMK])
    rc, output, scored, accepted = _report(emulator, args)
    assert rc != 0
    retention = "cache_instances[0] (main).snapshot_retention_limit: 1 or more"
    assert scored[("ElastiCache.1", "main")] == ("FAIL", retention)
    assert scored[("elasticache-rbac-auth-enabled", "main")] == ("FAIL", "cache_instances[0] (main).access: rbac")
    assert sorted(key for key, (result, field) in scored.items() if result != "PASS") == [
        ("ElastiCache.1", "main"), ("ElastiCache.6", "main"), ("elasticache-rbac-auth-enabled", "main")]
    assert accepted == [("CKV_AWS_191", "main", "cache_kms_key: create, or a key ARN", CMK["reason"])]
    assert "Compliance: 2 failing control(s), 1 accepted exception(s)" in output
    assert ("ElastiCache.1 FAIL on main (comply-main): change cache_instances[0] (main).snapshot_retention_limit: "
            "1 or more; SnapshotRetentionLimit 0, less than 1") in output
    assert "the inventory says snapshot_retention_limit: 1, so playbooks/redis.yml sets it back" in output


def test_the_production_settings_with_rbac_and_a_customer_managed_key_pass_every_control(emulator, tmp_path):
    """cache_kms_key: create makes the environment's key (access role), the new group is encrypted with it, and the
    group's user group (its default user off) satisfies the Config rule: no failure, no exception needed."""
    seed(emulator.endpoint)
    args = _inventory(tmp_path, [], cache_name_prefix="strict", cache_auth_tokens={}, cache_kms_key="create",
                      cache_instances=[{"name": "main", "purpose": "main", "replicas": 1, "access": "rbac"}])
    run_ansible.playbook(os.path.join(ROOT, "playbooks", "provision.yml"), emulator, *args)
    rc, output, scored, accepted = _report(emulator, args)
    assert rc == 0, output[-5000:]
    assert accepted == []
    assert {key: result for key, (result, _field) in scored.items()} == dict(
        [(("ElastiCache.%d" % n, "main"), "PASS") for n in (1, 2, 3, 4, 5, 7)] +
        [(("ElastiCache.6", "main"), "NOT_APPLICABLE"), (("elasticache-rbac-auth-enabled", "main"), "PASS"),
         (("CKV_AWS_191", "main"), "PASS")])
