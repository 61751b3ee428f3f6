"""An inventory with a node-based `main` and a serverless Valkey `queue` (kind: serverless, access rbac), through
playbooks/redis.yml on one chroot host with two workers, web and admin (issue #21, deliverables 2 and 3).

One run makes the replication group and the serverless cache side by side (the Redis security group, the subnet
group's subnets, the queue's user group), writes each worker's env file with the serverless endpoint over TLS, the
worker's own user, REDIS_QUEUE_CLUSTER and a hash-tagged QUEUE_PREFIX, and proves PONG with the host's redis-cli and
redis_ping. From the test, a cluster client on each env file's URL gets PONG, writes under its own prefix and is refused
(NOPERM) the other worker's keys. A rerun changes nothing; --check makes no mutating call.
"""

from __future__ import annotations

import json
import os
import subprocess
from urllib.parse import unquote, urlsplit

import boto3
import pytest
import redis
from redis.crc import key_slot
from redis.exceptions import NoPermissionError

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed
from tests.integration.test_bullmq_acl import _node_ready

pytestmark = pytest.mark.chroot
PLAYBOOKS = os.path.join(ROOT, "playbooks")
ROUND_TRIP = os.path.join(ROOT, "tests", "node", "bullmq_roundtrip.js")
TOKEN = "Serverless-Main-Token-001"
PASSWORDS = {"queue": {"web": "Serverless-Web-Password-01", "admin": "Serverless-Admin-Password-2"}}
SECRETS = [TOKEN, PASSWORDS["queue"]["web"], PASSWORDS["queue"]["admin"]]


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("serverless"), overrides={
        "cache_instances": [{"name": "main", "purpose": "main"},
                            {"name": "queue", "purpose": "queue", "kind": "serverless", "access": "rbac",
                             "engine": "valkey", "engine_version": "8.0",
                             "usage_limits": {"data_storage": {"maximum": 10}, "ecpu_per_second": {"maximum": 5000}}}],
        "cache_auth_tokens": {"main": TOKEN}, "cache_user_passwords": PASSWORDS,
        "client_workers": [{"name": "web", "queue_prefix": "web", "read_from_replicas": ["queue"]},
                           {"name": "admin", "queue_prefix": "admin"}],
        "cache_log_delivery": {}}).up()
    emulator_session.call("requests", method="DELETE")
    bed.rc, bed.first_output = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), emulator_session,
                                                    *bed.args(), "-v", check=False)
    yield bed
    bed.down()


def _client(bed, service):
    """boto3 on the bed's emulator (the `aws` fixture would reset it)."""
    return boto3.session.Session(region_name="us-east-1").client(service, endpoint_url=bed.emulator.endpoint)


def _queue_cache(bed):
    return _client(bed, "elasticache").describe_serverless_caches(
        ServerlessCacheName="funmagic-queue")["ServerlessCaches"][0]


def _connect(bed, parts, host=None, port=None):
    host = host or parts.hostname
    hosts.assert_mapped(host)
    return redis.Redis(host=host, port=port or parts.port, ssl=parts.scheme == "rediss", ssl_ca_certs=bed.ca_file,
                       username=unquote(parts.username), password=unquote(parts.password), socket_timeout=10)


def _node_of(bed, url, key):
    """A connection to the node that serves `key`, found as a cluster client finds it (CLUSTER SLOTS on the endpoint;
    redis-py's RedisCluster would also need COMMAND, which the workers' users are not given)."""
    parts = urlsplit(url)
    endpoint = _connect(bed, parts)
    try:
        slot = key_slot(key.encode())
        for start, end, primary, *_replicas in endpoint.execute_command("CLUSTER", "SLOTS"):
            if start <= slot <= end:
                metadata = primary[3] if len(primary) > 3 else []
                names = dict(zip(metadata[::2], metadata[1::2])) if isinstance(metadata, list) else metadata
                return _connect(bed, parts, (names.get(b"hostname") or primary[0]).decode(), primary[1])
    finally:
        endpoint.close()
    raise AssertionError("no node serves slot %d" % slot)


def test_one_run_makes_the_group_and_the_serverless_cache_and_proves_pong_as_each_worker(bed):
    assert bed.rc == 0, bed.first_output[-6000:]
    made = [r["operation"] for r in bed.emulator.requests(mutating_only=True)]
    assert made.count("CreateServerlessCache") == 1 and made.count("CreateReplicationGroup") == 1
    for worker, other in (("web", "admin"), ("admin", "web")):
        assert "queue as %s: PONG (redis-cli)" % worker in bed.first_output  # the host's redis-cli
        assert "queue as %s: PONG in" % worker in bed.first_output  # redis_ping, TLS verified
        assert "queue as %s: refused on {%s}:refused-probe" % (worker, other) in bed.first_output
    # web reads from replicas: the reader endpoint (port 6380) answers it too, by redis-cli and redis_ping
    assert "queue (reader) as web: PONG (redis-cli)" in bed.first_output
    assert "queue (reader) as web: PONG in" in bed.first_output
    for secret in SECRETS:
        assert secret not in bed.first_output


def test_the_serverless_cache_is_in_the_redis_network_with_the_queues_user_group(bed):
    cache = _queue_cache(bed)
    group = _client(bed, "ec2").describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["funmagic-redis-sg"]}])["SecurityGroups"][0]
    subnet_group = _client(bed, "elasticache").describe_cache_subnet_groups(
        CacheSubnetGroupName="funmagic-redis-subnet")["CacheSubnetGroups"][0]
    assert cache["SecurityGroupIds"] == [group["GroupId"]]
    # both the endpoint's port and the reader endpoint's, from the application security group only
    app = _client(bed, "ec2").describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["funmagic-ec2-sg"]}])["SecurityGroups"][0]["GroupId"]
    assert sorted((rule["FromPort"], rule["ToPort"], [g["GroupId"] for g in rule["UserIdGroupPairs"]])
                  for rule in group["IpPermissions"]) == [(6379, 6379, [app]), (6380, 6380, [app])]
    assert sorted(cache["SubnetIds"]) == sorted(s["SubnetIdentifier"] for s in subnet_group["Subnets"])
    assert (cache["UserGroupId"], cache["Engine"], cache["MajorEngineVersion"]) == ("funmagic-queue", "valkey", "8")
    assert cache["CacheUsageLimits"]["ECPUPerSecond"] == {"Maximum": 5000}


def test_each_env_file_reaches_the_serverless_endpoint_over_tls_as_its_worker_with_a_hash_tagged_prefix(bed):
    cache = _queue_cache(bed)
    for worker in ("web", "admin"):
        env = bed.env_file(worker)
        queue = urlsplit(env["REDIS_QUEUE_URL"])
        assert (queue.scheme, queue.hostname, queue.port) == (
            "rediss", cache["Endpoint"]["Address"], cache["Endpoint"]["Port"])
        assert (unquote(queue.username), unquote(queue.password)) == (worker, PASSWORDS["queue"][worker])
        assert env["REDIS_QUEUE_CLUSTER"] == "true" and env["QUEUE_PREFIX"] == "{%s}" % worker
        assert urlsplit(env["REDIS_URL"]).username == "default" and "REDIS_CLUSTER" not in env
        reader = env.get("REDIS_QUEUE_READER_URL")
        if worker == "admin":
            assert reader is None  # admin does not read from replicas
            continue
        reader = urlsplit(reader)
        assert (reader.scheme, reader.hostname, reader.port) == (
            "rediss", cache["ReaderEndpoint"]["Address"], cache["ReaderEndpoint"]["Port"]) == (
            "rediss", cache["Endpoint"]["Address"], 6380)
        assert (unquote(reader.username), unquote(reader.password)) == (worker, PASSWORDS["queue"][worker])


def test_a_cluster_client_on_the_env_files_url_gets_pong_and_is_refused_the_other_workers_keys(bed):
    web_url, admin_url = (bed.env_file(w)["REDIS_QUEUE_URL"] for w in ("web", "admin"))
    web, admin = _node_of(bed, web_url, "{web}:probe:1"), _node_of(bed, admin_url, "{web}:probe:1")
    try:
        assert web.ping() is True and admin.ping() is True
        assert web.set("{web}:probe:1", "queued") is True
        with pytest.raises(NoPermissionError):
            admin.get("{web}:probe:1")  # the ACL is checked before any redirection: refused on every node
        with pytest.raises(NoPermissionError):
            web.set("{admin}:probe:1", "not yours")
        assert web.get("{web}:probe:1") == b"queued"
    finally:
        web.close()
        admin.close()


def _round_trip(bed, env, prefix):
    """tests/node/bullmq_roundtrip.js on the env file's queue URL, as a cluster client when the env file says so."""
    hosts.assert_mapped(urlsplit(env["REDIS_QUEUE_URL"]).hostname)
    answer = subprocess.run(["node", ROUND_TRIP, env["REDIS_QUEUE_URL"], prefix, "jobs"], capture_output=True,
                            text=True, check=False, timeout=90, env=dict(
                                os.environ, REDIS_CA_FILE=bed.ca_file, BULLMQ_ROUNDTRIP_TIMEOUT_MS="15000",
                                REDIS_CLUSTER=env.get("REDIS_QUEUE_CLUSTER", "false")))
    for secret in SECRETS:
        assert secret not in answer.stdout + answer.stderr
    assert answer.stdout.count("\n") == 1, answer.stdout + answer.stderr[-2000:]
    return json.loads(answer.stdout)


@pytest.mark.parametrize("worker, other", [("web", "admin"), ("admin", "web")])
def test_a_real_bullmq_job_runs_on_the_serverless_queue_with_the_env_files_prefix_and_not_on_the_others(
        bed, worker, other):
    _node_ready()
    env = bed.env_file(worker)
    result = _round_trip(bed, env, env["QUEUE_PREFIX"])
    assert (result["ok"], result["error"]) == (True, None), result
    refused = _round_trip(bed, env, bed.env_file(other)["QUEUE_PREFIX"])
    assert refused["ok"] is False and "NOPERM" in refused["error"], refused


def test_a_rerun_changes_nothing_and_check_mode_makes_no_mutating_call(bed):
    run_ansible.assert_rerun_changes_nothing_and_check_is_quiet(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator,
                                                                *bed.args())


def test_compliance_scores_the_serverless_cache_on_what_applies_to_it_and_changes_nothing(bed):
    bed.emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(os.path.join(PLAYBOOKS, "compliance.yml"), bed.emulator, *bed.args(),
                                      check=False)
    assert bed.emulator.requests(mutating_only=True) == []
    assert all(secret not in output for secret in SECRETS)
    rows = dict(((cells[0], cells[1]), cells[2]) for cells in (
        [cell.strip() for cell in line.strip().strip('"').split(" | ")] for line in output.splitlines()
        if line.count(" | ") >= 4) if len(cells) >= 3)
    assert "(group)" not in {control for control, instance in rows}, output[-5000:]
    queue = dict((control, result) for (control, instance), result in rows.items() if instance == "queue")
    assert queue == {"ElastiCache.1": "PASS", "ElastiCache.2": "NOT_APPLICABLE", "ElastiCache.3": "NOT_APPLICABLE",
                     "ElastiCache.4": "PASS", "ElastiCache.5": "PASS", "ElastiCache.6": "NOT_APPLICABLE",
                     "ElastiCache.7": "NOT_APPLICABLE", "elasticache-rbac-auth-enabled": "PASS",
                     "CKV_AWS_191": "NOT_ENABLED"}, output[-5000:]
    assert rc != 0  # main, a token group without a replica, fails ElastiCache.3 and the RBAC rule


def test_drift_finds_none_then_the_serverless_caches_retention_changed_by_hand(bed):
    """Last: it changes the cache behind the collection's back."""
    def drift():
        bed.emulator.call("requests", method="DELETE")
        rc, output = run_ansible.playbook(os.path.join(PLAYBOOKS, "drift.yml"), bed.emulator, *bed.args(),
                                          check=False)
        assert bed.emulator.requests(mutating_only=True) == []
        for secret in SECRETS:
            assert secret not in output
        rows = {tuple(cell.strip() for cell in line.split(" | "))
                for line in output.splitlines() if line.count(" | ") == 3 and not line.strip().startswith("- ")}
        return rc, output, sorted(r for r in rows if r[0] != "resource")

    rc, output, rows = drift()
    assert rc == 0 and rows == [], output[-5000:]
    retention = _queue_cache(bed)["SnapshotRetentionLimit"]
    _client(bed, "elasticache").modify_serverless_cache(ServerlessCacheName="funmagic-queue",
                                                        SnapshotRetentionLimit=retention + 3)
    rc, output, rows = drift()
    assert rc != 0
    assert ("serverless cache funmagic-queue", "snapshot_retention_limit", str(retention), str(retention + 3)) in rows
