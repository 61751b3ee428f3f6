"""Cluster mode from the inventory, end to end: playbooks/redis.yml with an instance of 2 shards x 1 replica.

The env files point at the configuration endpoint and say it is a cluster, PONG comes from every shard (redis-cli -c
and redis_ping's CLUSTER INFO check), a cluster client writes 1,000 keys through the env file's URL, and changing
`shards` in the inventory reshards online, 2 -> 3 -> 2, while a reader keeps every key readable.
"""

from __future__ import annotations

import os

import pytest
import redis

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.emulator.probes import KeyReader
from tests.integration import run_ansible
from tests.integration.bed import Bed

pytestmark = pytest.mark.chroot
TOKEN = "Cluster-Token-0123456789"
PLAYBOOK = os.path.join(ROOT, "playbooks", "redis.yml")
KEYS = dict(("order:%04d" % i, "v%d" % i) for i in range(1000))


def _instance(shards):
    return [{"name": "main", "purpose": "main", "cluster_mode": True, "shards": shards, "replicas": 1}]


def _client(bed):
    url = bed.env_file()["REDIS_URL"]
    hosts.assert_mapped(url.rsplit("@", 1)[1].split(":")[0])
    return redis.RedisCluster.from_url(url, ssl_ca_certs=bed.ca_file, socket_timeout=5, decode_responses=True)


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("cluster"), overrides={
        "cache_instances": _instance(2), "cache_auth_tokens": {"main": TOKEN},
        "client_workers": [{"name": "web", "queue_prefix": ""}, {"name": "admin", "queue_prefix": "admin"}]}).up()
    output = run_ansible.playbook(PLAYBOOK, emulator_session, *bed.args())[1]
    bed.first_run = output
    yield bed
    bed.down()


def test_env_files_point_at_the_configuration_endpoint_and_say_cluster(bed):
    web, admin = bed.env_file("web"), bed.env_file("admin")
    assert web["REDIS_URL"].startswith("rediss://default:%s@clustercfg.funmagic-main." % TOKEN)
    assert web["REDIS_CLUSTER"] == web["REDIS_QUEUE_CLUSTER"] == web["REDIS_PUBSUB_CLUSTER"] == "true"
    assert web["QUEUE_PREFIX"] == "{bull}" and admin["QUEUE_PREFIX"] == "{admin}"


def test_every_shard_answers_pong(bed):
    assert "main: PONG (redis-cli)" in bed.first_run
    assert "'main: PONG in" in bed.first_run
    assert TOKEN not in bed.first_run


def test_a_queue_keeps_its_keys_in_one_slot_with_the_env_files_prefix(bed):
    client = _client(bed)
    prefix = bed.env_file("admin")["QUEUE_PREFIX"]
    slots = {client.keyslot("%s:emails:%s" % (prefix, suffix)) for suffix in ("wait", "active", "1", "meta", "events")}
    assert len(slots) == 1
    client.close()


def test_resharding_from_the_inventory_keeps_every_key_readable(bed):
    client = _client(bed)
    client.mset_nonatomic(KEYS)
    reader = KeyReader(_client(bed), KEYS)
    reader.start()
    reader.wait_for_passes(1)
    timings = {}
    for shards in (3, 2):
        bed.write_vars(cache_instances=_instance(shards))
        run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args())
        client.nodes_manager.initialize()
        assert len(client.get_primaries()) == shards
    reader.wait_for_passes(reader.passes + 1)
    reader.stop()
    reader.check(timings)
    assert all(client.get(key) == value for key, value in KEYS.items())
    client.close()
