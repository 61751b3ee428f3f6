"""destroy.yml on an inventory with a serverless instance: the cache is deleted with a final snapshot, its user group
after it, and a cache restored from that snapshot has the key written before (the cache is made here with the
serverless_cache module under the instance's name, so that this test runs destroy.yml alone; test_serverless_inventory
makes one with redis.yml)."""

from __future__ import annotations

import json
import os
import shutil
import sys

import yaml
from redis.cluster import RedisCluster

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.test_serverless_cache_module import _result
from tests.integration.test_serverless_cache_module import _run as _module
from tests.testbed.seed import seed

PASSWORD = "Serverless-Destroy-Password-1"
TOKEN = "Serverless-Destroy-Token-01"


def _inventory(tmp_path):
    (tmp_path / "group_vars").mkdir()
    shutil.copy(os.path.join(ROOT, "inventories", "local", "group_vars", "all.yml"), tmp_path / "group_vars")
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({
        "destroy_confirm": "funmagic", "cache_auth_tokens": {"main": TOKEN},
        "cache_instances": [{"name": "main"}, {"name": "queue", "purpose": "queue", "kind": "serverless",
                                               "access": "rbac", "engine": "valkey", "engine_version": "8.0"}],
        "cache_user_passwords": {"queue": {"web": PASSWORD, "admin": PASSWORD}}}))
    return ["-i", str(tmp_path / "hosts.yml"), "-e", "@%s" % extra]


def _user_group(aws, group_id):
    aws.elasticache.create_user(UserId=group_id + "-web", UserName="web", Engine="valkey", Passwords=[PASSWORD],
                                AccessString="on ~* &* +@all")
    aws.elasticache.create_user_group(UserGroupId=group_id, Engine="valkey", UserIds=[group_id + "-web"])


def test_destroy_keeps_a_final_snapshot_of_the_serverless_cache_that_brings_its_keys_back(aws, emulator, tmp_path):
    seed(emulator.endpoint)
    _user_group(aws, "funmagic-queue")
    cache = {"name": "funmagic-queue", "engine": "valkey", "user_group_id": "funmagic-queue", "wait_delay": 1}
    rc, output = _module(emulator, cache)
    assert rc == 0, output[-3000:]
    client = _client_as_web(emulator, _result(output)["serverless_cache"])
    assert client.set("{bull:jobs}:1", "done") is True
    client.close()

    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(os.path.join(ROOT, "playbooks", "destroy.yml"), emulator, *_inventory(tmp_path),
                                      check=False)
    assert rc == 0, output[-4000:]
    assert PASSWORD not in output and TOKEN not in output
    deleted = [r["operation"] for r in emulator.requests(mutating_only=True)]
    assert "DeleteServerlessCache" in deleted and "DeleteUserGroup" in deleted
    assert aws.elasticache.describe_serverless_caches()["ServerlessCaches"] == []
    snapshots = [s for s in aws.elasticache.describe_serverless_cache_snapshots()["ServerlessCacheSnapshots"]
                 if s["ServerlessCacheSnapshotName"].startswith("funmagic-queue-final-")]
    assert len(snapshots) == 1

    _user_group(aws, "restored-queue")
    rc, output = _module(emulator, dict(cache, name="restored-queue", user_group_id="restored-queue",
                                        snapshot_arns_to_restore=[snapshots[0]["ARN"]]))
    assert rc == 0, output[-3000:]
    client = _client_as_web(emulator, _result(output)["serverless_cache"])
    try:
        assert client.get("{bull:jobs}:1") == b"done"
    finally:
        client.close()
        _module(emulator, {"name": "restored-queue", "state": "absent", "skip_final_snapshot": True})


def _client_as_web(emulator, cache):
    hosts.assert_mapped(cache["endpoint"]["address"])
    return RedisCluster(host=cache["endpoint"]["address"], port=cache["endpoint"]["port"], ssl=True,
                        ssl_ca_certs=emulator.state()["ca_file"], username="web", password=PASSWORD,
                        socket_timeout=10)
