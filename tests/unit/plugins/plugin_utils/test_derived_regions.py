"""Hosts per Region (issue #22, deliverable 2): a global datastore's members in the connection facts, the facts of a
host in each Region, the env file each worker gets there and what the role warns about."""

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import from_connections
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redis_env
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import derived

TOKEN = "Regional-Token-0123456789"
SPEC = {"name": "main", "purpose": "main", "replication_group_id": "funmagic-main", "auth": True,
        "global": {"regions": ["us-west-2"]}}


def _group(region, role=None, group_id="funmagic-main"):
    group = {"replication_group_id": group_id, "status": "available", "transit_encryption_enabled": True,
             "cluster_enabled": False,
             "primary_endpoint": {"address": "master.%s.%s.example" % (group_id, region), "port": 6379},
             "reader_endpoint": {"address": "replica.%s.%s.example" % (group_id, region), "port": 6379}}
    if role:
        group["global_replication_group_info"] = {"global_replication_group_id": "ldgnf-" + group_id,
                                                  "global_replication_group_member_role": role}
    return group


def _connections(east_role="PRIMARY", west_role="SECONDARY"):
    east = _group("us-east-1", east_role)
    regional = {"us-east-1": [east], "us-west-2": [_group("us-west-2", west_role)] if west_role else []}
    return derived.connections([SPEC], [east], (), "us-east-1", regional)


def _env(connections, region, **worker):
    text = redis_env(derived.host_connections(connections, region), dict(name="web", **worker), {"main": TOKEN})
    return dict(line.split("=", 1) for line in text.splitlines())


def _url(host):
    return "rediss://default:%s@%s:6379" % (TOKEN, host)


EAST, WEST = "master.funmagic-main.us-east-1.example", "master.funmagic-main.us-west-2.example"
WEST_READER = "replica.funmagic-main.us-west-2.example"


def test_connections_carry_every_members_endpoints_and_role_and_the_primary_is_the_writer():
    facts = _connections()["main"]
    assert facts["primary_region"] == "us-east-1"
    assert facts["regions"] == {
        "us-east-1": {"endpoint": EAST, "port": 6379, "reader_endpoint": "replica.funmagic-main.us-east-1.example",
                      "reader_port": 6379, "role": "PRIMARY"},
        "us-west-2": {"endpoint": WEST, "port": 6379, "reader_endpoint": WEST_READER, "reader_port": 6379,
                      "role": "SECONDARY"}}
    assert derived.global_writer(facts) == ("us-east-1", facts["regions"]["us-east-1"])
    assert facts["endpoint"] == EAST


def test_a_host_in_the_primary_region_gets_what_it_got_before():
    env = _env(_connections(), "us-east-1")
    assert env == {"REDIS_URL": _url(EAST), "REDIS_QUEUE_URL": _url(EAST), "REDIS_PUBSUB_URL": _url(EAST),
                   "REDIS_TLS": "true", "QUEUE_PREFIX": ""}


def test_a_writer_in_a_secondary_region_writes_to_the_primary_and_reads_its_own_region():
    env = _env(_connections(), "us-west-2")
    assert env["REDIS_URL"] == env["REDIS_QUEUE_URL"] == _url(EAST)
    assert env["REDIS_READER_URL"] == env["REDIS_QUEUE_READER_URL"] == env["REDIS_PUBSUB_READER_URL"] == \
        _url(WEST_READER)
    facts = derived.host_connections(_connections(), "us-west-2")["main"]
    assert (facts["local_region"], facts["local_endpoint"], facts["local_port"]) == ("us-west-2", WEST, 6379)
    assert derived.host_warnings("app2", "us-west-2", {"main": facts}, [{"name": "web"}]) == []


def test_a_local_writer_in_a_secondary_region_uses_its_region_and_is_warned_that_it_is_read_only():
    env = _env(_connections(), "us-west-2", global_writes="local", read_from_replicas=["main"])
    assert env["REDIS_URL"] == env["REDIS_PUBSUB_URL"] == _url(WEST)
    assert env["REDIS_READER_URL"] == _url(WEST_READER)
    assert "REDIS_QUEUE_READER_URL" not in env
    host = derived.host_connections(_connections(), "us-west-2")
    [warning] = derived.host_warnings("app2", "us-west-2", host, [{"name": "web", "global_writes": "local"}])
    assert "worker web writes main, queue, pubsub to instance main's secondary in us-west-2" in warning
    assert "READONLY" in warning


def test_the_checks_of_a_secondary_region_host_ping_the_primary_its_regions_member_and_its_reader():
    host = derived.host_connections(_connections(), "us-west-2")
    targets = from_connections(host, {"main": TOKEN}, [{"name": "web"}], {})
    assert [(t["name"], t["host"], t["password"]) for t in targets] == [
        ("main", EAST, TOKEN), ("main (reader)", WEST_READER, TOKEN), ("main (us-west-2)", WEST, TOKEN)]


def test_a_host_in_a_region_without_a_member_uses_the_primary_and_is_warned():
    host = derived.host_connections(_connections(), "eu-west-1")
    assert host["main"]["endpoint"] == EAST and host["main"]["no_member"] is True
    assert "local_endpoint" not in host["main"]
    assert _env(_connections(), "eu-west-1", global_writes="local")["REDIS_URL"] == _url(EAST)
    [warning] = derived.host_warnings("app3", "eu-west-1", host, [{"name": "web"}])
    assert warning.startswith("host app3 (eu-west-1): instance main has no member in eu-west-1; its env files point "
                              "at the primary in us-east-1")


def test_after_a_regional_failover_writers_everywhere_follow_the_new_primary():
    connections = _connections(east_role="SECONDARY", west_role="PRIMARY")
    assert derived.global_writer(connections["main"])[0] == "us-west-2"
    west = _env(connections, "us-west-2")
    assert west["REDIS_URL"] == _url(WEST) and "REDIS_READER_URL" not in west
    east = _env(connections, "us-east-1")
    assert east["REDIS_URL"] == _url(WEST)
    assert east["REDIS_READER_URL"] == _url("replica.funmagic-main.us-east-1.example")


def test_before_the_global_datastore_exists_the_inventorys_region_is_the_primary():
    connections = _connections(east_role=None, west_role=None)
    assert connections["main"]["primary_region"] == "us-east-1"
    assert list(connections["main"]["regions"]) == ["us-east-1"]
    assert derived.host_connections(connections, "us-west-2")["main"]["no_member"] is True


def test_an_instance_without_a_global_datastore_is_the_same_in_every_region():
    spec = dict(SPEC, name="queue", purpose="queue", replication_group_id="funmagic-queue", **{"global": None})
    group = _group("us-east-1", group_id="funmagic-queue")
    connections = derived.connections([spec], [group], (), "us-east-1", {})
    assert derived.host_connections(connections, "us-west-2") == connections


@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "eu-west-1"])
def test_no_secret_in_the_facts(region):
    connections = _connections()
    host = derived.host_connections(connections, region)
    assert TOKEN not in repr(connections) + repr(host)
    assert host["main"]["url_redacted"] == "rediss://default:********@%s:6379" % EAST


def test_a_worker_mapped_to_an_instance_not_made_yet_is_not_an_error_in_the_warnings():
    host = derived.host_connections(_connections(), "us-west-2")
    worker = {"name": "jobs", "global_writes": "local", "instances": {"queue": "queue"}}
    [warning] = derived.host_warnings("app2", "us-west-2", host, [worker])
    assert "worker jobs writes main, pubsub to instance main's secondary" in warning
