"""The serverless_cache module against the emulator: each change run four times (check mode, real, check-mode rerun,
real rerun), as amazon.aws's integration targets do; a user of the cache's user group gets PONG, SET and GET over TLS
through redis-py's RedisCluster; the final snapshot of a deleted cache brings its key back in a new cache."""

from __future__ import annotations

import json
import os
import sys

from redis.cluster import RedisCluster

from tests.emulator import hosts
from tests.integration import run_ansible

PASSWORD = "Queue-Password-0000001"
CACHE = {"name": "it-queue", "engine": "valkey", "user_group_id": "it-queue", "description": "queues",
         "usage_limits": {"data_storage": {"minimum": 1, "maximum": 10}, "ecpu_per_second": {"maximum": 5000}},
         "snapshot_retention_limit": 1, "daily_snapshot_time": "04:00", "tags": {"Environment": "it"}}


def _run(emulator, args, check_mode=False):
    argv = [os.path.join(run_ansible.BIN, "ansible"), "localhost", "--diff",
            "-e", f"ansible_python_interpreter={sys.executable}", "-m", "funmagic.elasticache.serverless_cache",
            "-a", json.dumps({"region": "us-east-1", "endpoint_url": emulator.endpoint, "wait_delay": 1, **args})]
    rc, output = run_ansible.run(argv + (["--check"] if check_mode else []), emulator, check=False)
    assert PASSWORD not in output
    return rc, output


def _four_times(emulator, args):
    return run_ansible.four_times(_run, emulator, args)


_result = run_ansible.module_result


def _client(emulator, cache):
    hosts.assert_mapped(cache["endpoint"]["address"])
    return RedisCluster(host=cache["endpoint"]["address"], port=cache["endpoint"]["port"], ssl=True,
                        ssl_ca_certs=emulator.state()["ca_file"], username="queue", password=PASSWORD,
                        socket_timeout=10)


def _describe(aws, name):
    return aws.elasticache.describe_serverless_caches(ServerlessCacheName=name)["ServerlessCaches"][0]


def test_a_cache_is_created_changed_reached_deleted_with_a_snapshot_and_restored(aws, emulator):
    aws.elasticache.create_user(UserId="it-queue-user", UserName="queue", Engine="valkey", Passwords=[PASSWORD],
                                AccessString="on ~* &* +@all")
    aws.elasticache.create_user_group(UserGroupId="it-queue", Engine="valkey", UserIds=["it-queue-user"])
    try:
        assert _four_times(emulator, CACHE) == ([True, True, False, False], [[], ["CreateServerlessCache"], [], []])
        rc, output = _run(emulator, CACHE)
        cache = _result(output)["serverless_cache"]
        assert cache["status"] == "available" and cache["reader_endpoint"]["port"] == 6380
        client = _client(emulator, cache)
        assert client.ping() is True and client.set("job:1", "done") is True and client.get("job:1") == b"done"
        client.close()

        bigger = dict(CACHE, usage_limits={"data_storage": {"minimum": 1, "maximum": 20},
                                           "ecpu_per_second": {"minimum": 1000, "maximum": 10000}})
        assert _four_times(emulator, bigger) == ([True, True, False, False], [[], ["ModifyServerlessCache"], [], []])
        assert _describe(aws, "it-queue")["CacheUsageLimits"] == {
            "DataStorage": {"Minimum": 1, "Maximum": 20, "Unit": "GB"},
            "ECPUPerSecond": {"Minimum": 1000, "Maximum": 10000}}

        emulator.call("requests", method="DELETE")
        rc, output = _run(emulator, {"name": "it-queue", "state": "absent"})
        assert rc != 0 and "needs final_snapshot_name" in output and emulator.requests(mutating_only=True) == []
        gone = {"name": "it-queue", "state": "absent", "final_snapshot_name": "it-queue-final"}
        assert _four_times(emulator, gone) == ([True, True, False, False], [[], ["DeleteServerlessCache"], [], []])
        snapshot = aws.elasticache.describe_serverless_cache_snapshots(
            ServerlessCacheSnapshotName="it-queue-final")["ServerlessCacheSnapshots"][0]

        restored = dict(CACHE, name="it-queue-restored", snapshot_arns_to_restore=[snapshot["ARN"]])
        rc, output = _run(emulator, restored)
        assert rc == 0, output[-4000:]
        client = _client(emulator, _result(output)["serverless_cache"])
        assert client.get("job:1") == b"done"
        client.close()
    finally:
        for name in ("it-queue", "it-queue-restored"):
            _run(emulator, {"name": name, "state": "absent", "skip_final_snapshot": True})
