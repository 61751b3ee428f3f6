"""What follows from the resolved instances: connections, alarms, log groups, the alarm purge pattern."""

import re

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import derived
from tests.unit.plugins.plugin_utils.models import TOKEN, check, errors_of, group


def test_connections_come_from_specs_and_groups_without_a_token():
    specs = check(cache_auth_tokens={"main": TOKEN})["instances"]
    facts = derived.connections(specs, [group("funmagic-main")])["main"]
    assert facts == {"purpose": "main", "replication_group_id": "funmagic-main", "kind": "node",
                     "endpoint": "master.funmagic-main.example", "reader_port": None,
                     "port": 6379, "reader_endpoint": None, "tls": True, "auth": True, "access": "token", "cluster": False,
                     "order": 0,
                     "url_redacted": "rediss://default:********@master.funmagic-main.example:6379"}
    with pytest.raises(ValueError, match="funmagic-main does not exist"):
        derived.connections(specs, [])


def test_alarms_per_node_with_thresholds_from_the_settings():
    model = check(cache_instances=[{"name": "main"}, {"name": "queue", "purpose": "queue"}],
                  monitoring_connections_limit=500)
    groups = [group("funmagic-main"), group("funmagic-queue", 2, "cache.r6g.xlarge")]
    alarms = dict((a["name"], a) for a in derived.alarms(model["instances"], groups, model["monitoring"]))
    assert alarms["funmagic-main-001-cpu"]["threshold"] == 45.0
    assert alarms["funmagic-main-001-connections"]["threshold"] == 500.0
    assert "funmagic-main-001-replication-lag" not in alarms
    assert alarms["funmagic-queue-002-engine-cpu"]["metric"] == "EngineCPUUtilization"
    assert alarms["funmagic-queue-001-evictions"]["threshold"] == 0.0
    assert alarms["funmagic-main-001-evictions"]["threshold"] == 100.0
    assert alarms["funmagic-queue-001-replication-lag"]["threshold"] == 60.0
    assert derived.alarms(model["instances"], groups[:1], model["monitoring"], missing_ok=True)


def test_log_delivery_gives_each_instance_its_log_groups():
    model = check(cache_log_delivery={"slow_log": True, "engine_log": True, "retention_days": 7})
    assert model["instances"][0]["log_delivery_configurations"] == [
        {"log_type": "slow-log", "log_format": "json", "destination_type": "cloudwatch-logs",
         "log_group": "/elasticache/funmagic-main/slow-log"},
        {"log_type": "engine-log", "log_format": "json", "destination_type": "cloudwatch-logs",
         "log_group": "/elasticache/funmagic-main/engine-log"}]
    assert model["log_groups"] == [{"name": "/elasticache/funmagic-main/slow-log", "retention_days": 7},
                                   {"name": "/elasticache/funmagic-main/engine-log", "retention_days": 7}]
    assert check()["instances"][0]["log_delivery_configurations"] == [] and check()["log_groups"] == []
    errors = errors_of(cache_log_delivery={"slow_log": True, "retention_days": 10})
    assert errors[0].startswith("cache_log_delivery.retention_days: CloudWatch Logs keeps events for one of 1, 3")
    assert errors_of(cache_log_delivery={"slow_logs": True})[0].startswith(
        "cache_log_delivery: unknown key 'slow_logs' (did you mean slow_log?)")


def test_alarm_purge_matches_the_collections_own_alarm_names_only():
    purge = check(cache_instances=[{"name": "main"}, {"name": "main-2"}])["alarm_purge"]
    assert purge["prefix"] == "funmagic-"
    for name in ("funmagic-main-003-cpu", "funmagic-main-2-001-memory", "funmagic-main-0002-001-replication-lag"):
        assert re.fullmatch(purge["pattern"], name), name
    for name in ("funmagic-main-003-disk", "funmagic-db-001-cpu", "funmagic-main-cpu", "x-funmagic-main-001-cpu"):
        assert not re.fullmatch(purge["pattern"], name), name


def test_alarm_purge_also_matches_the_alarms_of_an_adopted_cluster_that_keeps_its_name():
    purge = check(cache_instances=[{"name": "main"}, {"name": "queue", "purpose": "queue",
                                                      "primary_cluster_id": "queue-node", "at_rest_encryption": False}])
    purge = purge["alarm_purge"]
    assert purge["prefix"] == ""  # what "funmagic-" and "queue-node" share
    for name in ("funmagic-main-001-cpu", "queue-node-memory", "funmagic-queue-002-replication-lag"):
        assert re.fullmatch(purge["pattern"], name), name
    for name in ("queue-node-001-disk", "other-node-cpu", "queue-node2-cpu"):
        assert not re.fullmatch(purge["pattern"], name), name
