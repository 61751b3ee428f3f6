"""The alarms of serverless caches: ECPUs and stored data against the usage limits, throttled commands, connections;
dimension clusterId (the cache's name); node-based alarms unchanged; the purge pattern covers both."""

import re

import pytest

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import derived

SETTINGS = {"prefix": "", "connections_limit": 500, "period": 300, "evaluation_periods": 2,
            "actions": ["arn:aws:sns:us-east-1:123456789012:ops"]}
QUEUE = {"name": "queue", "purpose": "queue", "kind": "serverless", "engine": "valkey", "engine_version": "8",
         "replication_group_id": "fm-queue",
         "usage_limits": {"data_storage": {"minimum": 1, "maximum": 5}, "ecpu_per_second": {"maximum": 5000}}}
MAIN = {"name": "main", "purpose": "main", "kind": "node", "replication_group_id": "fm-main"}
GROUPS = [{"replication_group_id": "fm-main", "cache_node_type": "cache.t3.micro", "member_clusters": ["fm-main-001"]}]


def by_name(alarms):
    return dict((a["name"], a) for a in alarms)


def test_serverless_alarms_watch_the_limits_throttling_and_connections_of_the_cache():
    alarms = by_name(derived.serverless_alarms([MAIN, QUEUE], SETTINGS))
    assert sorted(alarms) == ["fm-queue-connections", "fm-queue-data-storage", "fm-queue-ecpu",
                              "fm-queue-throttled-commands"]
    assert all(a["dimensions"] == {"clusterId": "fm-queue"} for a in alarms.values())
    ecpu = alarms["fm-queue-ecpu"]
    assert (ecpu["metric"], ecpu["statistic"], ecpu["threshold"]) == ("ElastiCacheProcessingUnits", "Sum",
                                                                      5000 * 0.8 * 300)
    storage = alarms["fm-queue-data-storage"]
    assert (storage["metric"], storage["statistic"]) == ("BytesUsedForCache", "Maximum")
    assert storage["threshold"] == 5 * 0.8 * 10 ** 9
    assert storage["comparison"] == "GreaterThanOrEqualToThreshold"
    throttled = alarms["fm-queue-throttled-commands"]
    assert (throttled["metric"], throttled["comparison"], throttled["threshold"]) == (
        "ThrottledCmds", "GreaterThanThreshold", 0.0)
    assert alarms["fm-queue-connections"]["threshold"] == 500.0
    assert alarms["fm-queue-ecpu"]["actions"] == SETTINGS["actions"]
    assert "80% of the ECPU limit (5000 per second)" in ecpu["description"]


def test_a_limit_without_a_maximum_gets_no_limit_alarm():
    spec = dict(QUEUE, usage_limits={"data_storage": {"minimum": 1}})
    assert sorted(by_name(derived.serverless_alarms([spec], SETTINGS))) == ["fm-queue-connections",
                                                                            "fm-queue-throttled-commands"]
    assert len(derived.serverless_alarms([dict(QUEUE, usage_limits=None)], SETTINGS)) == 2


def test_node_alarms_leave_serverless_caches_out_and_are_unchanged():
    alarms = derived.alarms([MAIN, QUEUE], GROUPS, SETTINGS)
    assert alarms == derived.alarms([MAIN], GROUPS, SETTINGS)
    assert all("CacheClusterId" in a["dimensions"] for a in alarms)
    assert derived.serverless_alarms([MAIN], SETTINGS) == []


def test_the_purge_pattern_covers_serverless_alarm_names_and_nothing_else():
    model = {"prefix": "fm", "monitoring": {"prefix": ""}, "instances": [MAIN, QUEUE]}
    purge = derived.alarm_purge(model)
    assert purge["prefix"] == "fm-"
    for name in ("fm-queue-ecpu", "fm-queue-data-storage", "fm-queue-throttled-commands", "fm-queue-connections",
                 "fm-main-001-cpu"):
        assert re.fullmatch(purge["pattern"], name), name
    for name in ("fm-queue-cpu", "fm-main-ecpu", "fm-queue-001-ecpu", "x-fm-queue-ecpu"):
        assert not re.fullmatch(purge["pattern"], name), name
    assert derived.alarm_purge({"prefix": "fm", "monitoring": {}, "instances": [MAIN]})["pattern"] == \
        derived.alarm_purge({"prefix": "fm", "monitoring": {}, "instances": [dict(MAIN, kind=None)]})["pattern"]


CACHE = {"serverless_cache_name": "fm-queue", "status": "available",
         "endpoint": {"address": "fm-queue-abc.serverless.use1.cache.amazonaws.com", "port": 6379},
         "reader_endpoint": {"address": "fm-queue-abc.serverless.use1.cache.amazonaws.com", "port": 6380}}
GROUP = dict(GROUPS[0], primary_endpoint={"address": "master.fm-main.x", "port": 6379}, transit_encryption_enabled=True,
             cluster_enabled=False)


def test_a_serverless_cache_is_reached_as_a_cluster_over_tls_with_the_workers_user():
    specs = [dict(MAIN, auth=True, access="token"), dict(QUEUE, auth=False, access="rbac")]
    facts = derived.connections(specs, [GROUP], [CACHE])
    assert facts["queue"] == {
        "kind": "serverless", "purpose": "queue", "replication_group_id": "fm-queue",
        "endpoint": "fm-queue-abc.serverless.use1.cache.amazonaws.com", "port": 6379,
        "reader_endpoint": "fm-queue-abc.serverless.use1.cache.amazonaws.com", "reader_port": 6380, "tls": True,
        "cluster": True, "auth": False, "access": "rbac", "order": 1,
        "url_redacted": "rediss://WORKER:********@fm-queue-abc.serverless.use1.cache.amazonaws.com:6379"}
    assert (facts["main"]["kind"], facts["main"]["endpoint"]) == ("node", "master.fm-main.x")


def test_a_serverless_cache_that_is_missing_or_has_no_endpoint_yet_is_named():
    spec = dict(QUEUE, auth=False, access="rbac")
    with pytest.raises(ValueError, match="serverless cache fm-queue does not exist; run provision.yml first"):
        derived.connections([spec], [], [])
    with pytest.raises(ValueError, match="serverless cache fm-queue has no endpoint yet \\(status creating\\)"):
        derived.connections([spec], [], [{"serverless_cache_name": "fm-queue", "status": "creating"}])
