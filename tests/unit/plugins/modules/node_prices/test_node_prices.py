"""node_prices: prices from GetProducts (the emulator's fixture, through botocore), else the bundled table, said so."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.funmagic.elasticache.plugins.module_utils import cost
from ansible_collections.funmagic.elasticache.plugins.modules import node_prices
from tests.emulator.pricing import FIXTURES, PriceList
from tests.unit.plugins.modules.fake_aws import FakeAWS, unreachable

MAIN = {"name": "main", "node_type": "cache.t3.micro", "replicas": 1, "engine": "redis"}
SHARDED = {"name": "queue", "node_type": "cache.t4g.small", "engine": "valkey", "cluster_mode": True, "shards": 2,
           "replicas": 1}
API_SOURCE = "AWS Price List API (GetProducts, pricing endpoint in us-east-1)"


def fixture_answers(params):
    return PriceList().get_products(params)


def run(aws, **args):
    """The module's (failed, result) and the keyword arguments it created its clients with."""
    created = []

    def client(_module, service, **kwargs):
        created.append(dict(kwargs, service=service))
        return aws.client(service)

    def main():
        with mock.patch.object(AnsibleAWSModule, "client", client):
            node_prices.main()

    failed, result = aws.run(main, dict({"cache_region": "us-east-1", "instances": [MAIN]}, **args),
                             region="eu-west-1")
    return failed, result, created


def test_prices_come_from_the_price_list_with_nodes_counted_per_shard():
    aws = FakeAWS({"GetProducts": fixture_answers})
    failed, result, created = run(aws, instances=[MAIN, SHARDED])
    assert not failed and not result["changed"]
    assert result["rows"] == [
        {"instance": "main", "kind": "node", "node_type": "cache.t3.micro", "engine": "redis", "nodes": 2,
         "hourly_usd": 0.017, "purpose": None, "backups": None, "policy": None,
         "monthly_usd": 24.82},
        {"instance": "queue", "kind": "node", "node_type": "cache.t4g.small", "engine": "valkey", "nodes": 4,
         "hourly_usd": 0.0256, "purpose": None, "backups": None, "policy": None,
         "monthly_usd": 74.75}]
    assert result["total_usd"] == 99.57 and result["complete"] and result["unpriced"] == []
    assert result["source"] == API_SOURCE and result["prices_date"] == "2025-06-01T00:00:00Z"
    assert result["fallback_reason"] == ""
    # The Price List endpoint's region, not the module's region (eu-west-1), which has no pricing endpoint.
    assert [(c["service"], c["region"]) for c in created] == [("pricing", "us-east-1")]
    assert aws.params("GetProducts")[0] == {"ServiceCode": "AmazonElastiCache", "FormatVersion": "aws_v1", "Filters": [
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"},
        {"Type": "TERM_MATCH", "Field": "instanceType", "Value": "cache.t3.micro"},
        {"Type": "TERM_MATCH", "Field": "cacheEngine", "Value": "Redis"}]}
    assert "| main | cache.t3.micro | redis | 2 | 0.0170 | 24.82 |" in result["markdown"]
    assert result["table"][-2:] == ["Total us-east-1: 99.57 USD/month (on-demand, 730 hours a month)",
                                    "Prices: %s, 2025-06-01T00:00:00Z" % API_SOURCE]


def test_a_node_type_the_region_has_no_price_for_is_unavailable_and_not_counted():
    aws = FakeAWS({"GetProducts": fixture_answers})
    failed, result, _created = run(aws, cache_region="eu-west-1",
                                   instances=[MAIN, dict(MAIN, name="queue", node_type="cache.m6g.large")])
    assert not failed
    assert [r["monthly_usd"] for r in result["rows"]] == [26.28, None]
    assert result["total_usd"] == 26.28 and not result["complete"] and result["unpriced"] == ["cache.m6g.large"]
    assert "No price for cache.m6g.large in eu-west-1: not counted in the total." in result["table"]


@pytest.mark.parametrize("error, named", [("ThrottlingException", "ThrottlingException"),
                                          (unreachable(), "Could not connect to the endpoint URL")])
def test_an_unreachable_api_falls_back_to_the_bundled_table_and_says_why(error, named):
    aws = FakeAWS({"GetProducts": error})
    failed, result, _created = run(aws)
    assert not failed
    assert result["source"] == cost.BUNDLED_SOURCE and result["prices_date"] == cost.PRICES_TAKEN
    assert result["fallback_reason"].startswith("the Price List API (pricing endpoint in us-east-1) did not answer: ")
    assert named in result["fallback_reason"]
    assert result["rows"][0]["monthly_usd"] == cost.monthly_cost("cache.t3.micro", 2) == 24.82


def test_source_api_fails_instead_of_falling_back():
    failed, result, _created = run(FakeAWS({"GetProducts": unreachable()}), source="api")
    assert failed and "did not answer GetProducts" in result["msg"]


def test_source_bundled_calls_nothing():
    aws = FakeAWS()
    failed, result, created = run(aws, source="bundled", cache_region="eu-west-1")
    assert not failed and created == [] and aws.operations() == []
    assert result["rows"][0]["hourly_usd"] is None and result["unpriced"] == ["cache.t3.micro"]


def test_an_answer_with_two_prices_for_one_node_type_is_not_guessed_from():
    def two_prices(params):
        answer = fixture_answers(params)
        item = json.loads(answer["PriceList"][0])
        term = next(iter(item["terms"]["OnDemand"].values()))
        next(iter(term["priceDimensions"].values()))["pricePerUnit"]["USD"] = "0.5"
        return dict(answer, PriceList=answer["PriceList"] + [json.dumps(item)])

    failed, result, _created = run(FakeAWS({"GetProducts": two_prices}))
    assert not failed and result["source"] == cost.BUNDLED_SOURCE
    assert "2 on-demand prices for cache.t3.micro" in result["fallback_reason"]


def test_an_instance_without_a_node_type_is_refused_before_any_call():
    aws = FakeAWS()
    failed, result, created = run(aws, instances=[MAIN, {"name": "queue"}])
    assert failed and result["msg"] == "instances[1]: each instance needs a name and a node_type (or kind serverless)"
    assert created == []


def test_the_fixture_notes_where_every_price_comes_from():
    with open("%s/AmazonElastiCache.json" % FIXTURES, encoding="utf-8") as handle:
        fixture = json.load(handle)
    assert sorted(fixture["_notes"]) == sorted(item["product"]["sku"] for item in fixture["PriceList"])


def _group(node_type, nodes):
    return {"replication_group_id": "fm-main", "cache_node_type": node_type, "engine": "redis",
            "member_clusters": ["fm-main-%03d" % (n + 1) for n in range(nodes)]}


WANTED = dict(MAIN, replication_group_id="fm-main", node_type="cache.t3.small")


def test_with_current_a_node_type_change_is_priced_now_and_planned_in_the_same_calls():
    aws = FakeAWS({"GetProducts": fixture_answers})
    failed, result, _created = run(aws, instances=[WANTED], current=[_group("cache.t3.micro", 2)])
    assert not failed and not result["changed"]
    change = result["change"]
    assert change["changing"] == ["main"] and (change["now_usd"], change["planned_usd"]) == (24.82, 49.64)
    assert change["source"] == API_SOURCE
    assert sorted(p["Filters"][1]["Value"] for p in aws.params("GetProducts")) == ["cache.t3.micro", "cache.t3.small"]
    assert any("24.82" in line and "49.64" in line for line in change["table"])
    assert result["total_usd"] == 49.64  # the planned report as without current


def test_with_current_and_nothing_priced_changing_no_price_is_asked():
    aws = FakeAWS({})
    failed, result, _created = run(aws, instances=[WANTED], current=[_group("cache.t3.small", 2)])
    assert not failed and result["change"] == {"changing": [], "table": []}
    assert aws.operations() == []


def test_with_current_each_instance_needs_its_replication_group_id():
    failed, result, _created = run(FakeAWS({}), instances=[MAIN], current=[])
    assert failed and result["msg"] == "instances[0]: with current, each instance needs its replication_group_id"


QUEUE = {"name": "queue", "kind": "serverless", "engine": "valkey", "replication_group_id": "fm-queue"}


def test_a_serverless_instance_is_priced_from_the_price_list_in_one_more_call():
    aws = FakeAWS({"GetProducts": fixture_answers})
    failed, result, _created = run(aws, instances=[MAIN, QUEUE],
                                   cost_assumptions={"instances": {"queue": {"stored_gb": 0.5, "ecpu_per_second": 10}}})
    assert not failed
    queue = result["rows"][1]
    assert (queue["kind"], queue["billed_gb"], queue["gb_hour_usd"], queue["ecpu_million_usd"]) == (
        "serverless", 0.5, 0.084, 0.0023)
    assert queue["monthly_usd"] == round(round(0.5 * 730 * 0.084, 2) + round(10 * 2.628 * 0.0023, 2), 2)
    assert result["total_usd"] == round(24.82 + queue["monthly_usd"], 2) and result["complete"]
    asked = aws.params("GetProducts")
    assert len(asked) == 2 and asked[1]["Filters"][1] == {
        "Type": "TERM_MATCH", "Field": "operation", "Value": "CreateServerlessCache"}
    assert any(line.startswith("Serverless queue (valkey): 0.5 GB stored") for line in result["table"])


def test_a_serverless_instance_falls_back_to_the_bundled_prices_and_says_so():
    failed, result, _created = run(FakeAWS({"GetProducts": "ThrottlingException"}), instances=[QUEUE])
    assert not failed and "ThrottlingException" in result["fallback_reason"]
    assert "AWS ElastiCache serverless pricing" in result["source"]
    assert result["rows"][0]["monthly_usd"] == round(round(1 * 730 * 0.084, 2) + round(1000 * 2.628 * 0.0023, 2), 2)


def test_bad_cost_assumptions_are_refused_before_any_call():
    aws = FakeAWS()
    failed, result, created = run(aws, instances=[MAIN, QUEUE], cost_assumptions={"stored_gb": "a lot"})
    assert failed and result["msg"] == "cost_assumptions.stored_gb must be a number of at least 0, got 'a lot'"
    assert created == []


def test_with_current_a_serverless_instance_is_not_in_the_change_of_nodes():
    aws = FakeAWS({"GetProducts": fixture_answers})
    failed, result, _created = run(aws, instances=[WANTED, QUEUE], current=[_group("cache.t3.micro", 2)])
    assert not failed and result["change"]["changing"] == ["main"]
    assert [row["instance"] for row in result["change"]["rows"]] == ["main"]
    assert all(p["Filters"][1]["Field"] == "instanceType" for p in aws.params("GetProducts"))
    failed, result, _created = run(FakeAWS({}), instances=[WANTED, QUEUE], current=[_group("cache.t3.small", 2)])
    assert not failed and result["change"] == {"changing": [], "table": []}


GLOBAL = {"name": "main", "node_type": "cache.r6g.large", "engine": "redis", "replicas": 1,
          "global": {"regions": ["eu-west-1"]}}


def test_a_global_datastores_secondary_is_priced_in_its_own_region_from_the_price_list():
    """The fixture's eu-west-1 price of cache.r6g.large (0.229) differs from us-east-1's (0.206)."""
    aws = FakeAWS({"GetProducts": fixture_answers})
    failed, result, _created = run(aws, instances=[GLOBAL])
    assert not failed
    assert [(r["instance"], r["region"], r["nodes"], r["hourly_usd"], r["monthly_usd"]) for r in result["rows"]] == [
        ("main", "us-east-1", 2, 0.206, 300.76), ("main@eu-west-1", "eu-west-1", 2, 0.229, 334.34)]
    assert result["total_usd"] == 635.1 and result["complete"]
    assert [p["Filters"][0]["Value"] for p in aws.params("GetProducts")] == ["us-east-1", "eu-west-1"]
    assert "Total us-east-1, eu-west-1: 635.10 USD/month (on-demand, 730 hours a month)" in result["table"]
    assert any(line.startswith("Global datastore main: primary us-east-1 (2 nodes, 300.76 USD/month), secondary "
                               "eu-west-1 (2 nodes, 334.34 USD/month); cross-Region replication traffic")
               for line in result["table"])


def test_without_the_price_list_a_secondary_region_the_bundled_table_lacks_is_named_unpriced():
    failed, result, _created = run(FakeAWS({"GetProducts": "ThrottlingException"}),
                                   instances=[dict(GLOBAL, **{"global": {"regions": ["us-west-2", "eu-west-1"]}})])
    assert not failed and "ThrottlingException" in result["fallback_reason"]
    assert [r["monthly_usd"] for r in result["rows"]] == [300.76, 300.76, None]
    assert result["unpriced"] == ["cache.r6g.large (eu-west-1)"] and result["total_usd"] == 601.52
    assert "No price for cache.r6g.large (eu-west-1) in us-east-1: not counted in the total." in result["table"]


def test_bad_global_regions_are_refused_before_any_call():
    aws = FakeAWS()
    failed, result, created = run(aws, instances=[dict(GLOBAL, **{"global": {"regions": "eu-west-1"}})])
    assert failed and result["msg"].startswith("instances[0] (main).global.regions: must be a list of AWS Region names")
    assert created == []
