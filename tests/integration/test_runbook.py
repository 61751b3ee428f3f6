"""The whole runbook, ansible-playbook playbooks/redis.yml, on the emulated bed with a chroot app host."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest
import yaml

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed

pytestmark = pytest.mark.chroot
PLAYBOOK = os.path.join(ROOT, "playbooks", "redis.yml")


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    """An emptied account, one chroot host, and an inventory like inventories/local pointing at them; web also reads
    the queue from its replicas (the group's reader endpoint)."""
    emulator_session.reset(create_seconds=2)
    testbed = Bed(emulator_session, tmp_path_factory.mktemp("bed"), overrides={"client_workers": [
        {"name": "web", "queue_prefix": "", "read_from_replicas": ["queue"]},
        {"name": "admin", "queue_prefix": "admin"}]}).up()
    yield emulator_session, testbed.rootfs(), testbed.args()
    testbed.down()


@pytest.fixture(scope="module")
def aws(bed):
    """Clients on the bed's account, without the per-test reset of the shared `aws` fixture."""
    import boto3  # pylint: disable=import-outside-toplevel

    class Clients:
        ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=bed[0].endpoint)
        elasticache = boto3.client("elasticache", region_name="us-east-1", endpoint_url=bed[0].endpoint)
        cloudwatch = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=bed[0].endpoint)

    return Clients


@pytest.fixture(scope="module")
def runs(bed):
    emulator, rootfs, args = bed
    emulator.call("requests", method="DELETE")
    check = run_ansible.playbook(PLAYBOOK, emulator, *args, "--check")[1]
    check_mutations = emulator.requests(mutating_only=True)
    first = run_ansible.playbook(PLAYBOOK, emulator, *args)[1]
    emulator.call("requests", method="DELETE")
    second = run_ansible.playbook(PLAYBOOK, emulator, *args, "-vvv")[1]
    second_calls = emulator.requests()
    emulator.call("requests", method="DELETE")
    verify = run_ansible.playbook(PLAYBOOK, emulator, *args, "--tags", "verify")[1]
    verify_mutations = emulator.requests(mutating_only=True)
    return {"check": check, "check_mutations": check_mutations, "first": first, "second": second,
            "second_calls": second_calls, "verify": verify, "verify_mutations": verify_mutations}


def test_check_mode_on_an_empty_account_changes_nothing(runs):
    assert runs["check_mutations"] == []
    assert run_ansible.recap(runs["check"])["localhost"]["changed"] > 0  # it reports what it would do


def test_every_instance_answers_pong_twice(runs):
    for name in ("main", "queue", "pubsub"):
        assert f"{name}: PONG (redis-cli)" in runs["first"]
        assert f"'{name}: PONG in" in runs["first"] and "over TLSv1" in runs["first"]


def test_the_queues_reader_endpoint_answers_pong_from_the_host(runs):
    """web reads the queue from replicas: the node-based group's reader endpoint, checked like the others."""
    for run in ("first", "verify"):
        assert "queue (reader): PONG (redis-cli)" in runs[run]
        assert "'queue (reader): PONG in" in runs[run]


def test_tags_verify_runs_the_pings_and_changes_nothing_in_aws(runs):
    for name in ("main", "queue", "pubsub"):
        assert f"{name}: PONG (redis-cli)" in runs["verify"]
        assert f"'{name}: PONG in" in runs["verify"]
    assert "Create or update the replication groups" not in runs["verify"]
    assert runs["verify_mutations"] == []
    assert {host: counts["changed"] for host, counts in run_ansible.recap(runs["verify"]).items()} == \
        {"localhost": 0, "app1": 0}


def test_rerun_changes_nothing(runs):
    assert {host: counts["changed"] for host, counts in run_ansible.recap(runs["second"]).items()} == \
        {"localhost": 0, "app1": 0}


def test_a_rerun_makes_at_most_one_and_a_half_calls_per_managed_resource(runs, bed, aws):
    """Issue 9's budget, every service counted (STS, EC2, ElastiCache, CloudWatch, Logs) and every resource."""
    import boto3  # pylint: disable=import-outside-toplevel

    logs = boto3.client("logs", region_name="us-east-1", endpoint_url=bed[0].endpoint)
    resources = (1 + 1  # the Redis security group, the subnet group
                 + len(aws.elasticache.describe_cache_parameter_groups()["CacheParameterGroups"])
                 + len(aws.elasticache.describe_replication_groups()["ReplicationGroups"])
                 + len(aws.cloudwatch.describe_alarms(MaxRecords=100)["MetricAlarms"])
                 + len(logs.describe_log_groups(logGroupNamePrefix="/elasticache/")["logGroups"]))
    calls = runs["second_calls"]
    assert not [c for c in calls if c["mutating"]]
    assert resources >= 20 and len(calls) <= 1.5 * resources, \
        "%d calls for %d resources: %s" % (len(calls), resources, sorted(c["operation"] for c in calls))


def test_no_run_prints_a_deprecation_warning(runs):
    for name in ("check", "first", "second", "verify"):
        warned = [line for line in runs[name].splitlines() if "[DEPRECATION WARNING]" in line]
        assert not warned, "the %s run: %s" % (name, warned)


def test_no_token_in_any_output_even_at_vvv(runs):
    token = yaml.safe_load(open(os.path.join(ROOT, "inventories/local/group_vars/all.yml"),
                                encoding="utf-8"))["cache_auth_tokens"]["main"]
    for name, output in runs.items():
        assert token not in str(output), f"the AUTH token appears in the {name} run"


def test_env_files_hold_the_urls_with_mode_0640(runs, bed, aws):
    rootfs = bed[1]
    token = "Local-Test-Token-0123"
    queue = aws.elasticache.describe_replication_groups(ReplicationGroupId="funmagic-queue")["ReplicationGroups"][0]
    queue_host = queue["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    reader_host = queue["NodeGroups"][0]["ReaderEndpoint"]["Address"]
    assert reader_host != queue_host
    for worker, prefix in (("web", ""), ("admin", "admin")):
        path = os.path.join(rootfs, "etc/funmagic", f"{worker}.env")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
        lines = open(path, encoding="utf-8").read().splitlines()
        assert f"REDIS_QUEUE_URL=rediss://default:{token}@{queue_host}:6379" in lines
        assert [line for line in lines if line.startswith("REDIS_URL=rediss://default:")]
        assert "REDIS_TLS=true" in lines and f"QUEUE_PREFIX={prefix}" in lines
        readers = [line for line in lines if "_READER_URL=" in line]
        assert readers == ([f"REDIS_QUEUE_READER_URL=rediss://default:{token}@{reader_host}:6379"]
                           if worker == "web" else [])


def test_queue_instance_has_noeviction(runs, bed):
    emulator = bed[0]
    queue_host = [n for n in emulator.state()["hosts"] if n.startswith("master.funmagic-queue.")][0]
    hosts.assert_mapped(queue_host)
    # INFO, not CONFIG GET: ElastiCache refuses CONFIG to clients, and so do the emulated endpoints.
    answer = subprocess.run(["redis-cli", "--tls", "--cacert", emulator.state()["ca_file"], "-h", queue_host,
                             "INFO", "memory"], env={**os.environ, "REDISCLI_AUTH": "Local-Test-Token-0123"},
                            capture_output=True, text=True, check=True)
    assert "maxmemory_policy:noeviction" in answer.stdout.split()


def test_redis_security_group_admits_only_the_app_group(runs, aws):
    groups = {g["GroupName"]: g for g in aws.ec2.describe_security_groups()["SecurityGroups"]}
    rules = groups["funmagic-redis-sg"]["IpPermissions"]
    assert len(rules) == 1
    rule = rules[0]
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 6379, 6379)
    assert rule["IpRanges"] == [] and rule.get("Ipv6Ranges", []) == []
    assert [p["GroupId"] for p in rule["UserIdGroupPairs"]] == [groups["funmagic-ec2-sg"]["GroupId"]]


def test_alarms_exist_for_every_node(runs, aws):
    names = {a["AlarmName"] for a in aws.cloudwatch.describe_alarms(MaxRecords=100)["MetricAlarms"]}
    assert {"funmagic-main-001-cpu", "funmagic-queue-002-replication-lag", "funmagic-queue-001-evictions",
            "funmagic-pubsub-001-memory", "funmagic-main-001-connections"} <= names


def test_slow_and_engine_logs_go_to_log_groups_with_a_retention(runs, bed):
    import boto3  # pylint: disable=import-outside-toplevel

    endpoint = bed[0].endpoint
    elasticache = boto3.client("elasticache", region_name="us-east-1", endpoint_url=endpoint)
    logs = boto3.client("logs", region_name="us-east-1", endpoint_url=endpoint)
    retention = dict((g["logGroupName"], g.get("retentionInDays"))
                     for g in logs.describe_log_groups(logGroupNamePrefix="/elasticache/")["logGroups"])
    for group_id in ("funmagic-main", "funmagic-queue", "funmagic-pubsub"):
        group = elasticache.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]
        delivered = dict((c["LogType"], c["DestinationDetails"]["CloudWatchLogsDetails"]["LogGroup"])
                         for c in group["LogDeliveryConfigurations"] if c["Status"] == "active")
        assert delivered == {"slow-log": "/elasticache/%s/slow-log" % group_id,
                             "engine-log": "/elasticache/%s/engine-log" % group_id}
        assert all(retention.get(name) == 7 for name in delivered.values()), retention


def test_drift_sees_an_env_file_edited_by_hand_on_a_host(runs, bed, aws):
    """Last in this file: it edits web.env and puts it back. A converged bed has no drift; REDIS_QUEUE_URL pointed
    at the main instance by hand is one row, naming the host and the file, with both tokens masked."""
    emulator, rootfs, args = bed
    drift = os.path.join(ROOT, "playbooks", "drift.yml")
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(drift, emulator, *args, check=False)
    assert rc == 0 and "Drift: 0 difference(s)" in output, output[-4000:]
    path = os.path.join(rootfs, "etc/funmagic/web.env")
    original = open(path, encoding="utf-8").read()
    main_url = [line for line in original.splitlines() if line.startswith("REDIS_URL=")][0].split("=", 1)[1]
    edited = "\n".join("REDIS_QUEUE_URL=" + main_url if line.startswith("REDIS_QUEUE_URL=") else line
                       for line in original.splitlines()) + "\n"
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(edited)
        rc, output = run_ansible.playbook(drift, emulator, *args, check=False)
    finally:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(original)
    assert rc != 0
    # The table's lines as the failure message prints them (twice: the error and the result's msg), not the `table`
    # list, whose items the callback folds.
    rows = sorted(set(" ".join(line.split()) for line in output.splitlines()
                      if "| REDIS_QUEUE_URL |" in line and line.count(" | ") == 3 and not line.strip().startswith("- ")))
    main_host = main_url.split("@", 1)[1]
    queue = aws.elasticache.describe_replication_groups(ReplicationGroupId="funmagic-queue")["ReplicationGroups"][0]
    queue_host = "%s:6379" % queue["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    assert rows == ["host app1: /etc/funmagic/web.env | REDIS_QUEUE_URL | rediss://default:********@%s | "
                    "rediss://default:********@%s" % (queue_host, main_host)], output[-4000:]
    assert "Drift: 1 difference(s)" in output
    assert "Local-Test-Token-0123" not in output
    assert emulator.requests(mutating_only=True) == []
