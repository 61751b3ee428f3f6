"""The dashboard body: a row per instance, a graph per metric with a line per node, the alarms' thresholds drawn."""

from __future__ import annotations

import json

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import dashboard
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import derived


def spec(name, purpose="main", **extra):
    return dict({"name": name, "purpose": purpose, "replication_group_id": "fm-%s" % name}, **extra)


def group(name, nodes, node_type="cache.t3.micro"):
    return {"replication_group_id": "fm-%s" % name, "cache_node_type": node_type, "member_clusters": nodes}


SETTINGS = {"connections_limit": 500, "evictions_limit": 100, "replication_lag_seconds": 30, "period": 300,
            "evaluation_periods": 2}


def build(specs, groups, region="eu-west-1"):
    return dashboard.body(specs, derived.alarms(specs, groups, SETTINGS), region)


def graphs(body):
    return dict((w["properties"]["title"], w["properties"]) for w in body["widgets"] if w["type"] == "metric")


def test_one_graph_per_instance_and_metric_with_a_line_per_node_and_the_alarm_threshold():
    specs = [spec("main"), spec("queue", "queue")]
    body = build(specs, [group("main", ["fm-main-001", "fm-main-002"]), group("queue", ["fm-queue-001"])])
    found = graphs(body)
    assert sorted(found) == sorted(["main: %s" % m for m, _s, _r in dashboard.METRICS]
                                   + ["queue: %s" % m for m, _s, replica in dashboard.METRICS if not replica])
    memory = found["main: DatabaseMemoryUsagePercentage"]
    assert [line[3] for line in memory["metrics"]] == ["fm-main-001", "fm-main-002"]
    assert memory["metrics"][0] == ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId",
                                    "fm-main-001", "CacheNodeId", "0001", {"label": "fm-main-001"}]
    assert memory["annotations"] == {"horizontal": [{"label": "alarm", "value": 90.0}]}
    assert memory["region"] == "eu-west-1" and memory["period"] == 60
    # cache.t3.micro has 2 vCPUs: its CPU alarm is on CPUUtilization at 45%; the engine's CPU has no alarm line.
    assert found["main: CPUUtilization"]["annotations"]["horizontal"][0]["value"] == 45.0
    assert "annotations" not in found["main: EngineCPUUtilization"]
    assert found["main: ReplicationLag"]["annotations"]["horizontal"][0]["value"] == 30.0
    # The queue's evictions alarm fires above 0 (BullMQ loses jobs on eviction), with the alarm's statistic.
    assert found["queue: Evictions"]["annotations"]["horizontal"][0]["value"] == 0.0
    assert found["queue: Evictions"]["stat"] == "Maximum"
    assert found["main: CurrConnections"]["annotations"]["horizontal"][0]["value"] == 500.0
    headers = [w["properties"]["markdown"] for w in body["widgets"] if w["type"] == "text"]
    assert headers == ["## main (main): replication group fm-main, 2 nodes",
                       "## queue (queue): replication group fm-queue, 1 node"]


def test_widgets_sit_on_the_grid_without_overlapping():
    specs = [spec("main"), spec("queue", "queue")]
    body = build(specs, [group("main", ["fm-main-001", "fm-main-002"]), group("queue", ["fm-queue-001"])])
    cells = set()
    for widget in body["widgets"]:
        assert 0 <= widget["x"] and widget["x"] + widget["width"] <= 24
        for x in range(widget["x"], widget["x"] + widget["width"]):
            for y in range(widget["y"], widget["y"] + widget["height"]):
                assert (x, y) not in cells
                cells.add((x, y))
    json.dumps(body)  # PutDashboard takes it as JSON


def test_a_group_that_does_not_exist_gets_no_row_and_an_adopted_primary_is_its_instance_node():
    specs = [spec("main", primary_cluster_id="legacy-cache"), spec("queue", "queue")]
    # As the inputs model has them: alarms of the groups that exist only.
    alarms = derived.alarms(specs[:1], [group("main", ["legacy-cache", "fm-main-002"])], SETTINGS)
    found = graphs(dashboard.body(specs, alarms, "us-east-1"))
    assert [line[3] for line in found["main: CurrConnections"]["metrics"]] == ["fm-main-002", "legacy-cache"]
    assert not any(title.startswith("queue") for title in found)


def test_nodes_of_a_large_cluster_are_split_into_graphs_of_100_lines():
    nodes = ["fm-big-%04d-%03d" % (shard, node) for shard in range(1, 61) for node in (1, 2)]
    found = graphs(build([spec("big")], [group("big", nodes)]))
    assert [len(found[t]["metrics"]) for t in ("big: CacheHits (nodes 1-100)", "big: CacheHits (nodes 101-120)")] \
        == [100, 20]


def test_too_many_widgets_and_a_bad_name_or_region_are_refused_with_the_field():
    specs = [spec("i%d" % n) for n in range(60)]
    groups = [group("i%d" % n, ["fm-i%d-001" % n]) for n in range(60)]
    with pytest.raises(ValueError, match="cache_instances: the dashboard would have 540 widgets"):
        build(specs, groups)
    with pytest.raises(ValueError, match="^region"):
        build([spec("main")], [group("main", ["fm-main-001"])], region="")
    with pytest.raises(ValueError, match="^prefix"):
        dashboard.dashboard_name("bad prefix")
    assert dashboard.dashboard_name("fm") == "fm-redis" and dashboard.dashboard_name("") == "redis"


def test_parse_and_widgets_by_title():
    assert dashboard.parse('{"widgets": []}') == {"widgets": []}
    assert dashboard.parse("not json") is None and dashboard.parse("[]") is None
    body = build([spec("main")], [group("main", ["fm-main-001"])])
    assert "main: Evictions" in dashboard.widgets_by_title(body)


SERVERLESS = {"name": "jobs", "purpose": "queue", "kind": "serverless", "engine": "valkey", "replication_group_id":
              "fm-jobs", "usage_limits": {"data_storage": {"maximum": 5}, "ecpu_per_second": {"maximum": 5000}}}


def test_a_serverless_cache_gets_its_ecpu_and_storage_graphs_with_its_limits_and_alarms_drawn():
    specs = [spec("main"), SERVERLESS]
    alarms = derived.alarms(specs, [group("main", ["fm-main-001"])], SETTINGS) + derived.serverless_alarms(
        specs, SETTINGS)
    body = dashboard.body(specs, alarms, "us-east-1")
    found = graphs(body)
    jobs = sorted(title for title in found if title.startswith("jobs: "))
    assert jobs == ["jobs: BytesUsedForCache", "jobs: CurrConnections", "jobs: ElastiCacheProcessingUnits",
                    "jobs: ThrottledCmds"]
    ecpu = found["jobs: ElastiCacheProcessingUnits"]
    assert ecpu["metrics"] == [["AWS/ElastiCache", "ElastiCacheProcessingUnits", "clusterId", "fm-jobs",
                                {"label": "fm-jobs"}]]
    assert ecpu["stat"] == "Sum" and ecpu["period"] == 60
    # Per minute: the limit 5000 ECPUs/s x 60, the alarm's 80% over 300 s brought to 60 s.
    assert ecpu["annotations"]["horizontal"] == [{"label": "alarm", "value": 240000.0},
                                                 {"label": "limit (5000 ECPUs/s)", "value": 300000.0}]
    storage = found["jobs: BytesUsedForCache"]
    assert storage["annotations"]["horizontal"] == [{"label": "alarm", "value": 4e9},
                                                    {"label": "limit (5 GB)", "value": 5e9}]
    assert found["jobs: CurrConnections"]["annotations"]["horizontal"] == [{"label": "alarm", "value": 500.0}]
    assert not any(metric in found for metric in ("jobs: CPUUtilization", "jobs: DatabaseMemoryUsagePercentage"))
    headers = [w["properties"]["markdown"] for w in body["widgets"] if w["type"] == "text"]
    assert headers[1] == "## jobs (queue): serverless cache fm-jobs, valkey"
    # Rows do not overlap: the serverless row starts below the node row.
    main_bottom = max(w["y"] + w["height"] for w in body["widgets"] if w["properties"].get("title", "").startswith(
        "main"))
    assert min(w["y"] for w in body["widgets"] if "jobs" in json.dumps(w["properties"])) >= main_bottom


def test_a_serverless_cache_without_limits_has_no_limit_lines():
    plain = dict(SERVERLESS, usage_limits={})
    found = graphs(dashboard.body([plain], derived.serverless_alarms([plain], SETTINGS), "us-east-1"))
    assert "annotations" not in found["jobs: ElastiCacheProcessingUnits"]
    assert found["jobs: ThrottledCmds"]["annotations"]["horizontal"] == [{"label": "alarm", "value": 0.0}]
