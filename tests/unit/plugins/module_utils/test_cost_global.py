"""The cost of a global datastore: the primary's nodes in its region and the same nodes in each secondary region,
priced there, one line per region, and the cross-Region transfer named as not included."""

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost

MAIN = {"name": "main", "node_type": "cache.r6g.large", "engine": "redis", "replicas": 1,
        "global": {"regions": ["us-west-2", "eu-west-1"]}}
# us-east-1 and us-west-2 share a price (the bundled table's SAME_PRICE_REGIONS); eu-west-1's differs (the Price List
# emulator's fixture, tests/emulator/fixtures/pricing: 0.229 USD per cache.r6g.large node-hour).
HOURLY = {("cache.r6g.large", "redis"): 0.206}
REGIONAL = {"us-west-2": {("cache.r6g.large", "redis"): 0.206}, "eu-west-1": {("cache.r6g.large", "redis"): 0.229}}


def _report(specs, regional=None):
    return cost.report(specs, "us-east-1", HOURLY, "test prices", "2025-06-01",
                       regional_hourly=REGIONAL if regional is None else regional)


def test_every_member_region_is_a_line_with_the_primarys_nodes_priced_in_that_region():
    report = _report([MAIN])
    assert [(r["instance"], r["region"], r["member"], r["nodes"], r["hourly_usd"], r["monthly_usd"])
            for r in report["rows"]] == [
        ("main", "us-east-1", "primary", 2, 0.206, 300.76),  # 0.206 x 730 x 2
        ("main@us-west-2", "us-west-2", "secondary", 2, 0.206, 300.76),
        ("main@eu-west-1", "eu-west-1", "secondary", 2, 0.229, 334.34)]  # 0.229 x 730 x 2
    assert report["total_usd"] == 935.86 and report["complete"]
    lines = cost.table(report)
    assert lines[1].split() == ["main", "cache.r6g.large", "redis", "2", "0.2060", "300.76"]
    assert lines[3].split() == ["main@eu-west-1", "cache.r6g.large", "redis", "2", "0.2290", "334.34"]
    assert ("Global datastore main: primary us-east-1 (2 nodes, 300.76 USD/month), secondary us-west-2 (2 nodes, "
            "300.76 USD/month), secondary eu-west-1 (2 nodes, 334.34 USD/month); cross-Region replication traffic is "
            "billed as data transfer between Regions, at a rate not included here.") in lines
    assert "Total us-east-1, us-west-2, eu-west-1: 935.86 USD/month (on-demand, 730 hours a month)" in lines
    assert "| main@eu-west-1 | cache.r6g.large | redis | 2 | 0.2290 | 334.34 |" in cost.markdown(report)


def test_a_sharded_primary_has_the_same_shards_and_replicas_in_each_secondary():
    sharded = dict(MAIN, cluster_mode=True, shards=3, replicas=2, **{"global": {"regions": ["eu-west-1"]}})
    rows = _report([sharded])["rows"]
    assert [(r["instance"], r["nodes"], r["monthly_usd"]) for r in rows] == [
        ("main", 9, 1353.42), ("main@eu-west-1", 9, 1504.53)]  # 9 x 730 x 0.206, 9 x 730 x 0.229


def test_a_region_without_a_price_is_named_and_left_out_of_the_total():
    report = _report([dict(MAIN, **{"global": {"regions": ["ap-southeast-1"]}})], regional={})
    assert [r["monthly_usd"] for r in report["rows"]] == [300.76, None]
    assert report["total_usd"] == 300.76 and not report["complete"]
    lines = cost.table(report)
    assert "No price for cache.r6g.large (ap-southeast-1) in us-east-1: not counted in the total." in lines
    assert any("secondary ap-southeast-1 (2 nodes, no price)" in line for line in lines)


def test_without_global_regions_nothing_changes():
    plain = dict(MAIN)
    del plain["global"]
    report = _report([plain])
    assert [r["instance"] for r in report["rows"]] == ["main"] and "region" not in report["rows"][0]
    assert not any(line.startswith("Global datastore") for line in cost.table(report))
    assert "Total us-east-1: 300.76 USD/month (on-demand, 730 hours a month)" in cost.table(report)


def test_regional_pairs_are_what_each_secondary_region_is_asked_for():
    queue = {"name": "queue", "node_type": "cache.m6g.large", "engine": "valkey", "global": {"regions": ["eu-west-1"]}}
    serverless = {"name": "jobs", "kind": "serverless", "engine": "valkey", "global": {"regions": ["eu-west-1"]}}
    assert cost.regional_pairs([MAIN, queue, serverless]) == {
        "us-west-2": [("cache.r6g.large", "redis")],
        "eu-west-1": [("cache.m6g.large", "valkey"), ("cache.r6g.large", "redis")]}


def test_the_bundled_table_prices_only_the_regions_it_knows():
    assert cost.bundled_hourly("cache.r6g.large", "us-west-2", "redis") == 0.206
    assert cost.bundled_hourly("cache.r6g.large", "eu-west-1", "redis") is None


@pytest.mark.parametrize("given, message", [
    ({"regions": "eu-west-1"}, "instances[1] (main).global.regions: must be a list of AWS Region names (such as "
                               "[us-west-2]), not 'eu-west-1'."),
    ("eu-west-1", "instances[1] (main).global.regions: must be a list of AWS Region names (such as [us-west-2]), "
                  "not 'eu-west-1'."),
    ({"regions": [""]}, "instances[1] (main).global.regions:  is not an AWS Region name (such as us-west-2)."),
    ({"regions": ["us-east-1"]}, "instances[1] (main).global.regions: us-east-1 is the primary's own Region; list "
                                 "the other Regions only."),
    ({"regions": ["eu-west-1", "eu-west-1"]}, "instances[1] (main).global.regions: each Region may be listed once.")])
def test_bad_global_regions_are_refused_naming_the_instance_as_the_preflight_does(given, message):
    specs = [dict(MAIN, name="pubsub"), dict(MAIN, **{"global": given})]
    assert cost.global_errors(specs, "us-east-1") == [message]
    assert cost.global_errors([dict(MAIN, **{"global": {"regions": ["eu-west-1"]}})], "us-east-1") == []


def test_the_planned_change_of_a_global_datastore_prices_each_secondary_in_its_region():
    spec = dict(MAIN, replication_group_id="fm-main")
    group = {"replication_group_id": "fm-main", "cache_node_type": "cache.m6g.large", "engine": "redis",
             "member_clusters": ["fm-main-001", "fm-main-002"]}
    assert cost.regional_pairs([spec], [group]) == {
        "us-west-2": [("cache.m6g.large", "redis"), ("cache.r6g.large", "redis")],
        "eu-west-1": [("cache.m6g.large", "redis"), ("cache.r6g.large", "redis")]}
    hourly = dict(HOURLY)
    hourly[("cache.m6g.large", "redis")] = 0.149
    regional = {"us-west-2": dict(hourly), "eu-west-1": {("cache.m6g.large", "redis"): 0.166,
                                                         ("cache.r6g.large", "redis"): 0.229}}
    change = cost.change_report([spec], [group], "us-east-1", hourly, "test prices", "2025-06-01", regional)
    assert [(r["instance"], r["change"], r["now"]["monthly_usd"], r["planned"]["monthly_usd"])
            for r in change["rows"]] == [
        ("main", "node type", 217.54, 300.76),  # 0.149 x 730 x 2, 0.206 x 730 x 2
        ("main@us-west-2", "node type", 217.54, 300.76),
        ("main@eu-west-1", "node type", 242.36, 334.34)]  # 0.166 x 730 x 2, 0.229 x 730 x 2
    assert (change["now_usd"], change["planned_usd"], change["difference_usd"]) == (677.44, 935.86, 258.42)
    lines = cost.change_table(change)
    assert lines[4] == ("Total us-east-1 + eu-west-1 + us-west-2: 677.44 USD/month now, 935.86 USD/month planned "
                        "(+258.42), on-demand, 730 hours a month")
    assert lines[-1].startswith("instance@region: a global datastore's secondary")
    unpriced = cost.change_report([spec], [group], "us-east-1", hourly, "test prices", "2025-06-01",
                                  {"us-west-2": regional["us-west-2"]})
    assert unpriced["planned_usd"] == 601.52 and not unpriced["complete"]
    assert unpriced["unpriced"] == ["cache.m6g.large (eu-west-1)", "cache.r6g.large (eu-west-1)"]
    plain = dict(spec)
    del plain["global"]
    change = cost.change_report([plain], [group], "us-east-1", hourly, "test prices", "2025-06-01")
    assert [r["instance"] for r in change["rows"]] == ["main"]
    assert not any("instance@region" in line for line in cost.change_table(change))
