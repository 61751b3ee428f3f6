"""Moving an instance from nodes to serverless with playbooks/move_kind.yml (issue #21, deliverable 5), on two chroot
hosts with one worker each, moved one host at a time.

A node-based `main` made by redis.yml holds 20 keys and one with a TTL. The inventory then names `main2`, kind
serverless, moved_from: main: redis.yml refuses to create it empty while main's group exists. move_kind.yml --check
shows the plan and makes no mutating call. move_kind.yml -e move_instance=main -e redis_batch_size=1 takes a snapshot
of the group, makes the serverless cache from the snapshot's ARN, and moves the hosts in two batches: each env file
has the serverless endpoint in REDIS_URL, the worker's own user and a hash-tagged QUEUE_PREFIX (warned of), and each
host proves PONG as that user. The keys and the TTL are on the serverless cache. A rerun changes nothing; --check
makes no mutating call. Last, the runbook's end: the old group deleted with a final snapshot, redis.yml refused until
the inventory drops main, then the hosts left as they are.
"""

from __future__ import annotations

import os
import re
import time
from urllib.parse import unquote, urlsplit

import boto3
import pytest

from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed
from tests.integration.test_serverless_inventory import _connect, _node_of

pytestmark = pytest.mark.chroot
PLAYBOOKS = os.path.join(ROOT, "playbooks")
TOKEN = "Move-Main-Token-00001"
PASSWORD = "Move-Web-Password-0001"
SECRETS = [TOKEN, PASSWORD]
KEYS = dict(("web:key:%d" % i, "value %d" % i) for i in range(20))
HOSTS = ("app1", "app2")
TARGET = {"name": "main2", "purpose": "main", "kind": "serverless", "access": "rbac", "moved_from": "main"}


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("move"), hosts=HOSTS, overrides={
        "cache_instances": [{"name": "main", "purpose": "main"}],
        "cache_auth_tokens": {"main": TOKEN},
        # web maps main by name: the move gives it the target (kind_move.redirect)
        "client_workers": [{"name": "web", "queue_prefix": "web", "instances": {"main": "main"}}],
        "cache_log_delivery": {}}).up()
    bed.started = time.monotonic()
    run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator, *bed.args())
    source = _connect(bed, urlsplit(bed.env_file()["REDIS_URL"]))
    for key, value in KEYS.items():
        source.set(key, value)
    source.set("web:ttl", "soon gone", ex=600)
    source.close()
    bed.write_vars(cache_instances=[{"name": "main", "purpose": "main"}, TARGET],
                   cache_user_passwords={"main2": {"web": PASSWORD}})
    bed.emulator.call("requests", method="DELETE")
    bed.refused = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator, *bed.args(), check=False)
    bed.refused_mutating = bed.emulator.requests(mutating_only=True)
    bed.emulator.call("requests", method="DELETE")
    bed.checked = run_ansible.playbook(os.path.join(PLAYBOOKS, "move_kind.yml"), bed.emulator, *bed.args(),
                                       "-e", "move_instance=main", "--check", "--diff", check=False)
    bed.checked_mutating = bed.emulator.requests(mutating_only=True)
    bed.emulator.call("requests", method="DELETE")
    started = time.monotonic()
    bed.rc, bed.output = run_ansible.playbook(os.path.join(PLAYBOOKS, "move_kind.yml"), bed.emulator, *bed.args(),
                                              "-e", "move_instance=main", "-e", "redis_batch_size=1", "-v",
                                              check=False)
    bed.move_seconds = time.monotonic() - started
    bed.mutating = [r["operation"] for r in bed.emulator.requests(mutating_only=True)]
    yield bed
    bed.down()


def _cache(bed):
    client = boto3.session.Session(region_name="us-east-1").client("elasticache", endpoint_url=bed.emulator.endpoint)
    return client.describe_serverless_caches(ServerlessCacheName="funmagic-main2")["ServerlessCaches"][0]


def test_redis_yml_refuses_to_make_the_target_empty_while_the_group_exists(bed):
    rc, output = bed.refused
    assert rc != 0 and bed.refused_mutating == []
    assert "cache_instances[1] (main2).moved_from: the serverless cache funmagic-main2 does not exist yet" in output
    assert "Run playbooks/move_kind.yml -e move_instance=main first" in output


def test_the_move_in_check_mode_shows_the_plan_and_makes_no_mutating_call(bed):
    rc, output = bed.checked
    assert rc == 0, output[-4000:]
    assert bed.checked_mutating == []
    assert "main (funmagic-main) -> main2" in output and "snapshot funmagic-main-to-serverless" in output


def test_the_move_snapshots_the_group_restores_it_and_moves_the_host_to_the_new_endpoint(bed):
    assert bed.rc == 0, bed.output[-6000:]
    print("move_kind.yml took %.1f s" % bed.move_seconds)
    assert bed.mutating.count("CreateSnapshot") == 1 and bed.mutating.count("CreateServerlessCache") == 1
    assert "DeleteReplicationGroup" not in bed.mutating  # deleting the old group is a separate step
    cache = _cache(bed)
    for host in HOSTS:
        env = bed.env_file("web", host)
        url = urlsplit(env["REDIS_URL"])
        assert (url.scheme, url.hostname, url.port) == ("rediss", cache["Endpoint"]["Address"],
                                                        cache["Endpoint"]["Port"]), host
        assert (unquote(url.username), unquote(url.password)) == ("web", PASSWORD)
        assert (env["REDIS_CLUSTER"], env["QUEUE_PREFIX"]) == ("true", "{web}")  # it was web on the group
        assert os.stat(os.path.join(bed.rootfs(host), "etc", "funmagic", "web.env")).st_mode & 0o777 == 0o640
    assert "[WARNING]: move_instance: worker web's QUEUE_PREFIX goes from 'web' to '{web}'" in bed.output
    moved = bed.output.split("PLAY [Report the move")[0].split("PLAY [Move the application hosts")[1:]
    assert len(moved) == 2  # one batch per host
    for host, batch in zip(HOSTS, moved):  # each batch: its own host's PONG as web, with redis-cli and redis_ping
        for pong in (r"PONG \(redis-cli\)", "PONG in"):
            assert re.search(r"^ok: \[%s\] => ?\n(?:    .*\n)*?    - '?main2 as web: %s" % (host, pong), batch, re.M)
    for batch in moved:  # the old group is not used any more: no PING of main (token access: "main: PONG ...")
        assert not re.search(r"^    - '?main[: ]", batch, re.M)
    for secret in SECRETS:
        assert secret not in bed.output


def test_the_keys_and_the_ttl_are_on_the_serverless_cache(bed):
    url = bed.env_file()["REDIS_URL"]
    for key, value in list(KEYS.items()) + [("web:ttl", "soon gone")]:
        node = _node_of(bed, url, key)
        try:
            assert node.get(key) == value.encode(), key
            if key == "web:ttl":
                assert 0 < node.ttl(key) <= 600
        finally:
            node.close()


def test_a_rerun_changes_nothing_and_check_mode_makes_no_mutating_call(bed):
    run_ansible.assert_rerun_changes_nothing_and_check_is_quiet(os.path.join(PLAYBOOKS, "move_kind.yml"),
                                                                bed.emulator, *bed.args(), "-e", "move_instance=main")
    print("whole module took %.1f s" % (time.monotonic() - bed.started))


def test_the_snapshot_module_checks_then_takes_a_snapshot_once_and_adopts_it_by_name(bed):
    """funmagic.elasticache.snapshot on its own: --check, a run, then both again (changed, mutating calls)."""
    def run_module(emulator, args, check_mode):
        return run_ansible.module("snapshot", args, emulator, check_mode)

    args = {"name": "funmagic-main-by-hand", "replication_group_id": "funmagic-main", "wait_delay": 1}
    assert run_ansible.four_times(run_module, bed.emulator, args) == (
        [True, True, False, False], [[], ["CreateSnapshot"], [], []])
    client = boto3.session.Session(region_name="us-east-1").client("elasticache", endpoint_url=bed.emulator.endpoint)
    snapshot = client.describe_snapshots(SnapshotName="funmagic-main-by-hand")["Snapshots"][0]
    assert (snapshot["SnapshotStatus"], snapshot["SnapshotSource"]) == ("available", "manual")


def test_after_the_old_group_is_deleted_the_inventory_without_it_converges_leaving_the_hosts_as_they_are(bed):
    """The runbook's last steps: delete the old group with a final snapshot; until main and moved_from leave the
    inventory, redis.yml refuses (it would create main again, empty); then it changes only the dashboard (main's
    widgets go) and nothing on the hosts."""
    rc, output = run_ansible.module("replication_group", {
        "replication_group_id": "funmagic-main", "state": "absent", "wait": True,
        "final_snapshot_identifier": "funmagic-main-final-moved"}, bed.emulator)
    assert rc == 0, output[-3000:]
    client = boto3.session.Session(region_name="us-east-1").client("elasticache", endpoint_url=bed.emulator.endpoint)
    assert client.describe_snapshots(SnapshotName="funmagic-main-final-moved")["Snapshots"]
    bed.emulator.call("requests", method="DELETE")
    rc, output = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator, *bed.args(), check=False)
    assert rc != 0 and bed.emulator.requests(mutating_only=True) == []
    assert "cache_instances[0] (main): replication group funmagic-main is gone and main2, which moved_from it, " \
           "exists: the move is done" in output
    bed.write_vars(cache_instances=[{k: v for k, v in TARGET.items() if k != "moved_from"}], cache_auth_tokens={},
                   client_workers=[{"name": "web", "queue_prefix": "web", "instances": {"main": "main2"}}])
    output = run_ansible.playbook(os.path.join(PLAYBOOKS, "redis.yml"), bed.emulator, *bed.args())[1]
    counters = run_ansible.recap(output)
    assert (counters["app1"]["changed"], counters["app2"]["changed"]) == (0, 0), output[-4000:]  # env files as they are
    changed = re.findall(r"^TASK \[([^\]]+)\] \*+\nchanged: ", output, re.M)
    assert changed == ["funmagic.elasticache.monitoring : Create or update the environment's CloudWatch dashboard"]
    assert urlsplit(bed.env_file("web", "app2")["REDIS_URL"]).hostname == _cache(bed)["Endpoint"]["Address"]
    for secret in SECRETS:
        assert secret not in output
