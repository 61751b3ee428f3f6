"""Serverless caches in the cost report: prices from the price list or the bundled table, the usage assumed (stated
or default, and where each figure came from), the engine's minimum stored data, the printed table."""

from __future__ import annotations

import json

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost
from ansible_collections.funmagic.elasticache.plugins.module_utils import serverless_cost as sc

NODE = {"name": "main", "node_type": "cache.t3.micro", "engine": "redis", "replicas": 1}
QUEUE = {"name": "queue", "kind": "serverless", "engine": "valkey", "replication_group_id": "fm-queue"}
CACHE = {"name": "cache", "kind": "serverless", "engine": "redis", "replication_group_id": "fm-cache"}


def product(usage, price, unit="GB-Hours", date="2025-06-01T00:00:00Z"):
    return json.dumps({"product": {"attributes": {"usagetype": usage, "operation": "CreateServerlessCache"}},
                       "terms": {"OnDemand": {"T": {"priceDimensions": {"R": {
                           "unit": unit, "pricePerUnit": {"USD": price}}}, "effectiveDate": date}}},
                       "publicationDate": date})


def test_prices_from_the_price_list_per_engine_ecpus_per_million():
    items = [product("USE1-CachedData:Redis", "0.1250000000"),
             product("USE1-ElastiCacheProcessingUnits:Redis", "0.0000000034", "ECPU"),
             product("CachedData:Valkey", "0.0840000000", date="2025-07-01T00:00:00Z"),
             product("USE1-ElastiCacheProcessingUnits:Valkey", "0.0000000023", "ECPU"),
             product("USE1-BackupUsage:Redis", "0.085")]
    found, date = sc.prices_from_list(items)
    assert found == {"redis": {"gb_hour_usd": 0.125, "ecpu_million_usd": 0.0034},
                     "valkey": {"gb_hour_usd": 0.084, "ecpu_million_usd": 0.0023}}
    assert date == "2025-07-01T00:00:00Z"


def test_an_engine_with_one_price_only_is_left_out_and_two_prices_are_an_error():
    found, _date = sc.prices_from_list([product("USE1-CachedData:Redis", "0.125")])
    assert found == {}
    with pytest.raises(ValueError, match="two prices for USE1-CachedData:Redis"):
        sc.prices_from_list([product("USE1-CachedData:Redis", "0.125"), product("USE1-CachedData:Redis", "0.2")])


def test_filters_ask_for_the_serverless_products_of_the_region():
    assert sc.price_list_filters("us-east-1") == [
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"},
        {"Type": "TERM_MATCH", "Field": "operation", "Value": "CreateServerlessCache"}]


def test_bundled_prices_valkey_cheaper_and_none_for_an_unknown_region():
    found = sc.bundled_prices("us-east-1", cost.SAME_PRICE_REGIONS)
    assert found["valkey"]["gb_hour_usd"] < found["redis"]["gb_hour_usd"]
    assert found["valkey"]["ecpu_million_usd"] < found["redis"]["ecpu_million_usd"]
    assert sc.bundled_prices("eu-west-1", cost.SAME_PRICE_REGIONS) == {}


def test_monthly_cost_is_stored_gb_hours_plus_ecpus():
    row = sc.monthly("redis", {"stored_gb": 2.0, "ecpu_per_second": 1000},
                     {"gb_hour_usd": 0.125, "ecpu_million_usd": 0.0034})
    assert row["storage_usd"] == round(2 * 730 * 0.125, 2) == 182.5
    assert row["ecpus_million"] == 2628.0
    assert row["ecpu_usd"] == round(2628 * 0.0034, 2) == 8.94
    assert row["monthly_usd"] == 191.44


@pytest.mark.parametrize("engine, stored, billed", [("redis", 0.2, 1.0), ("valkey", 0.05, 0.1), ("valkey", 0.5, 0.5)])
def test_the_engines_minimum_stored_data_is_billed(engine, stored, billed):
    row = sc.monthly(engine, {"stored_gb": stored, "ecpu_per_second": 0}, {"gb_hour_usd": 1.0, "ecpu_million_usd": 1.0})
    assert row["billed_gb"] == billed
    assert row["monthly_usd"] == round(billed * 730, 2)


def test_without_prices_the_usage_is_kept_and_the_cost_is_unknown():
    row = sc.monthly("valkey", {"stored_gb": 1, "ecpu_per_second": 1}, None)
    assert row["monthly_usd"] is None and row["billed_gb"] == 1.0


def test_assumptions_default_global_and_per_instance_with_their_origin():
    found = sc.assumptions({"ecpu_per_second": 200, "instances": {"queue": {"stored_gb": 0.5}}}, [NODE, QUEUE, CACHE])
    assert sorted(found) == ["cache", "queue"]
    assert found["queue"] == {"stored_gb": 0.5, "ecpu_per_second": 200.0, "origin": {
        "stored_gb": "cost_assumptions.instances.queue", "ecpu_per_second": "cost_assumptions"}}
    assert found["cache"]["stored_gb"] == sc.DEFAULT_ASSUMPTIONS["stored_gb"]
    assert found["cache"]["origin"]["stored_gb"] == "default"


@pytest.mark.parametrize("given, fragment", [
    ({"stored_gb": -1}, "cost_assumptions.stored_gb must be a number"),
    ({"ecpu_per_second": "lots"}, "cost_assumptions.ecpu_per_second must be a number"),
    ({"instances": {"main": {"stored_gb": 1}}}, "cost_assumptions.instances.main: no serverless instance"),
    ({"instances": {"queue": {"stored": 1}}}, "cost_assumptions.instances.queue.stored: unknown key"),
    ({"instances": {"queue": {"stored_gb": True}}}, "cost_assumptions.instances.queue.stored_gb must be a number"),
    ({"ecpus": 3}, "cost_assumptions: unknown keys ecpus"),
    ("1GB", "cost_assumptions must be a mapping"),
])
def test_bad_assumptions_name_the_field(given, fragment):
    with pytest.raises(ValueError, match=fragment.replace(".", r"\.")):
        sc.assumptions(given, [NODE, QUEUE])


def test_report_prints_a_serverless_cache_next_to_nodes_with_the_assumptions():
    usage = sc.assumptions({"instances": {"queue": {"stored_gb": 0.05, "ecpu_per_second": 100}}}, [NODE, QUEUE])
    prices = sc.bundled_prices("us-east-1", cost.SAME_PRICE_REGIONS)
    report = cost.report([NODE, QUEUE], "us-east-1", {("cache.t3.micro", "redis"): 0.017}, "src", "2025-06-01",
                         prices, usage)
    rows = dict((row["instance"], row) for row in report["rows"])
    storage, ecpu = round(0.1 * 730 * 0.084, 2), round(100 * 2628000 / 1e6 * 0.0023, 2)
    assert rows["queue"]["monthly_usd"] == round(storage + ecpu, 2) == 6.73
    assert report["total_usd"] == round(24.82 + 6.73, 2) and report["complete"]
    lines = cost.table(report)
    assert lines[2].split() == ["queue", "serverless", "valkey", "-", "-", "6.73"]
    text = "\n".join(lines)
    assert ("Serverless queue (valkey): 0.05 GB stored (billed 0.1 GB: the valkey minimum), 100 ECPUs/s on average "
            "[stored_gb from cost_assumptions.instances.queue; ecpu_per_second from cost_assumptions.instances.queue]"
            ": 0.1 GB x 730 h x 0.084 USD/GB-hour = 6.13 + 262.8 million ECPUs x 0.0023 USD/million = 0.60; "
            "6.73 USD/month") in text
    assert "assumed unless cost_assumptions says otherwise: 1 GB stored, 1000 ECPUs/s" in text
    assert "| queue | serverless | valkey | - | - | 6.73 |" in cost.markdown(report)


def test_a_serverless_cache_without_a_price_is_left_out_of_the_total_and_said_so():
    report = cost.report([QUEUE], "eu-west-1", {}, "src", "", {}, sc.assumptions({}, [QUEUE]))
    assert report["total_usd"] == 0 and not report["complete"]
    text = "\n".join(cost.table(report))
    assert "No price for serverless valkey in eu-west-1" in text
    assert "no serverless price for valkey" in text
