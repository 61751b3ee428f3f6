"""The monthly cost of a change before it is made: the groups as they are against the instances as wanted."""

from __future__ import annotations

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost

HOURLY = {("cache.t3.micro", "redis"): 0.017, ("cache.t3.small", "redis"): 0.034,
          ("cache.t4g.small", "valkey"): 0.0256, ("cache.t4g.small", "redis"): 0.032}


def spec(name, node_type="cache.t3.micro", **extra):
    return dict({"name": name, "replication_group_id": "fm-%s" % name, "node_type": node_type, "engine": "redis",
                 "replicas": 0}, **extra)


def group(name, node_type="cache.t3.micro", nodes=1, engine="redis"):
    return {"replication_group_id": "fm-%s" % name, "cache_node_type": node_type, "engine": engine,
            "member_clusters": ["fm-%s-%03d" % (name, n + 1) for n in range(nodes)]}


def report(specs, groups, hourly=None):
    return cost.change_report(specs, groups, "us-east-1", HOURLY if hourly is None else hourly, "test", "2025-06-01")


def test_nothing_priced_changes_when_each_group_has_the_wanted_type_engine_and_nodes():
    specs = [spec("main", replicas=1), spec("queue", cluster_mode=True, shards=2, replicas=1)]
    groups = [group("main", nodes=2), group("queue", nodes=4)]
    assert cost.priced_changes(specs, groups) == []
    found = report(specs, groups)
    assert found["changing"] == [] and found["now_usd"] == found["planned_usd"] == 74.46


def test_a_node_type_change_prices_the_instance_before_and_after_and_both_totals():
    specs = [spec("main", "cache.t3.small", replicas=1), spec("queue")]
    found = report(specs, [group("main", nodes=2), group("queue")])
    assert cost.priced_changes(specs, [group("main", nodes=2), group("queue")]) == ["main"]
    main, queue = found["rows"]
    assert main["change"] == "node type"
    assert (main["now"]["monthly_usd"], main["planned"]["monthly_usd"]) == (24.82, 49.64)
    assert queue["change"] == "" and queue["now"] == queue["planned"]
    assert (found["now_usd"], found["planned_usd"], found["difference_usd"]) == (37.23, 62.05, 24.82)
    lines = cost.change_table(found)
    assert lines[0].split() == ["instance", "change", "now", "planned", "USD/month", "now", "USD/month", "planned"]
    assert lines[1].split() == ["main", "node", "type", "cache.t3.micro", "redis", "x2", "cache.t3.small", "redis",
                                "x2", "24.82", "49.64"]
    assert lines[2].split()[:2] == ["queue", "-"]
    assert lines[3] == ("Total us-east-1: 37.23 USD/month now, 62.05 USD/month planned (+24.82), on-demand, "
                        "730 hours a month")
    assert lines[4] == "Prices: test, 2025-06-01"


def test_engine_replicas_shards_and_new_groups_are_priced_changes():
    specs = [spec("main", "cache.t4g.small", engine="valkey"), spec("queue", replicas=2),
             spec("big", cluster_mode=True, shards=3, replicas=1), spec("pubsub")]
    groups = [group("main", "cache.t4g.small"), group("queue", nodes=2), group("big", nodes=4)]
    found = report(specs, groups)
    assert [(r["instance"], r["change"]) for r in found["rows"]] == [
        ("main", "engine"), ("queue", "nodes"), ("big", "nodes"), ("pubsub", "new")]
    assert found["rows"][0]["now"]["monthly_usd"] == 23.36 and found["rows"][0]["planned"]["monthly_usd"] == 18.69
    assert found["rows"][3]["now"] is None and found["rows"][3]["planned"]["monthly_usd"] == 12.41
    assert "(none)" in cost.change_table(found)[4]
    assert found["difference_usd"] == round(found["planned_usd"] - found["now_usd"], 2)


def test_an_unpriced_node_type_is_left_out_of_both_totals_and_named():
    specs = [spec("main", "cache.x9.huge"), spec("queue")]
    found = report(specs, [group("main"), group("queue")])
    assert found["complete"] is False and found["unpriced"] == ["cache.x9.huge"]
    assert found["now_usd"] == found["planned_usd"] == 12.41
    assert "unavailable" in cost.change_table(found)[1]
    assert cost.change_table(found)[-1].startswith("No price for cache.x9.huge in us-east-1")


def test_the_pairs_to_price_cover_both_sides():
    specs = [spec("main", "cache.t3.small")]
    assert cost.change_pairs(specs, [group("main", engine=None)]) == [("cache.t3.micro", "redis"),
                                                                      ("cache.t3.small", "redis")]
