"""cost.py's price list reading, node counts and report text (plain Python)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost


def item(node_type="cache.t3.micro", usage="NodeUsage:cache.t3.micro", on_demand="0.0170000000", reserved="0.011"):
    return json.dumps({
        "product": {"attributes": {"instanceType": node_type, "usagetype": usage}, "sku": "S"},
        "terms": {"OnDemand": {"S.JRTCKXETXF": {"effectiveDate": "2025-06-01T00:00:00Z", "priceDimensions": {
            "S.JRTCKXETXF.6YS6EN2CT7": {"unit": "Hrs", "pricePerUnit": {"USD": on_demand}}}}},
            "Reserved": {"S.4NA7Y494T4": {"priceDimensions": {
                "S.4NA7Y494T4.6YS6EN2CT7": {"unit": "Hrs", "pricePerUnit": {"USD": reserved}}}}}},
        "publicationDate": "2025-06-02T00:00:00Z"})


def test_the_on_demand_node_hour_is_read_not_the_reserved_one_nor_a_surcharge():
    price = cost.on_demand_price([item(), item(usage="ExtendedSupportYr1_Yr2-NodeUsage:cache.t3.micro",
                                               on_demand="0.0136")], "cache.t3.micro")
    assert price == {"hourly_usd": 0.017, "effective_date": "2025-06-01T00:00:00Z",
                     "publication_date": "2025-06-02T00:00:00Z"}


@pytest.mark.parametrize("usage", ["EU-NodeUsage:cache.t3.micro", "APS2-NodeUsage:cache.t3.micro"])
def test_regional_usage_types_count(usage):
    assert cost.on_demand_price([item(usage=usage)], "cache.t3.micro")["hourly_usd"] == 0.017


def test_no_product_for_the_node_type_is_no_price():
    assert cost.on_demand_price([item(node_type="cache.t3.small", usage="NodeUsage:cache.t3.small")],
                                "cache.t3.micro") is None
    assert cost.on_demand_price([], "cache.t3.micro") is None


def test_two_prices_for_one_node_type_are_an_error():
    with pytest.raises(ValueError, match="2 on-demand prices for cache.t3.micro: 0.017, 0.02"):
        cost.on_demand_price([item(), item(on_demand="0.02")], "cache.t3.micro")


def test_filters_name_the_price_lists_engine():
    assert cost.price_list_filters("eu-west-1", "valkey", "cache.t4g.small")[2] == {
        "Type": "TERM_MATCH", "Field": "cacheEngine", "Value": "Valkey"}
    with pytest.raises(ValueError, match="redis or valkey"):
        cost.price_list_filters("eu-west-1", "memcached", "cache.t4g.small")


@pytest.mark.parametrize("spec, nodes", [({}, 1), ({"replicas": 2}, 3), ({"cluster_mode": True, "shards": 3}, 3),
                                         ({"cluster_mode": True, "shards": 3, "replicas": 1}, 6),
                                         ({"cluster_mode": False, "shards": 3, "replicas": 1}, 2)])
def test_node_count(spec, nodes):
    assert cost.node_count(spec) == nodes


def test_bundled_prices_exist_for_their_regions_only():
    assert cost.bundled_hourly("cache.t3.micro", "us-west-2", "redis") == 0.017
    assert cost.bundled_hourly("cache.t3.micro", "us-east-1", "valkey") == pytest.approx(0.0136)
    assert cost.bundled_hourly("cache.t3.micro", "eu-west-1", "redis") is None
    assert cost.bundled_hourly("cache.bogus.large", "us-east-1", "redis") is None


def test_markdown_has_the_rows_the_total_and_the_source():
    report = cost.report([{"name": "main", "node_type": "cache.t3.micro"},
                          {"name": "new", "node_type": "cache.x9.large"}], "us-east-1",
                         {("cache.t3.micro", "redis"): 0.017}, "test source", "2025-06-01")
    text = cost.markdown(report)
    assert text.splitlines()[:6] == [
        "# ElastiCache cost estimate (us-east-1)", "",
        "| instance | node type | engine | nodes | USD/node-hour | USD/month |",
        "|---|---|---|---:|---:|---:|",
        "| main | cache.t3.micro | redis | 1 | 0.0170 | 12.41 |",
        "| new | cache.x9.large | redis | 1 | unavailable | unavailable |"]
    assert "| **total** | | | | | **12.41** |" in text
    assert "- Prices: test source, 2025-06-01" in text
    assert "- No price for cache.x9.large in us-east-1: not counted in the total." in text
