"""playbooks/cost_report.yml and the node_prices module against the emulator's Price List API.

The emulator serves GetProducts from tests/emulator/fixtures/pricing/AmazonElastiCache.json (us-east-1 and
eu-west-1; eu-west-1 has no cache.m6g.large on purpose). Expected figures: USD per node-hour x 730 x nodes.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys

import boto3
import pytest
import yaml
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible

PLAYBOOK = os.path.join(ROOT, "playbooks", "cost_report.yml")
INSTANCES = [{"name": "main", "purpose": "main", "replicas": 1},
             {"name": "queue", "purpose": "queue", "node_type": "cache.m6g.large"}]


def _inventory(tmp_path, region):
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump({
        "aws_region": region, "cache_name_prefix": "prices", "cache_instances": INSTANCES,
        "cache_defaults": {"node_type": "cache.t3.micro"}}))
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    return ["-i", str(inventory)]


def _table(output):
    """instance -> the cells of its row in the printed table."""
    rows = {}
    for line in output.splitlines():
        cells = re.sub(r"^\s*- ", "", line).strip("'\"").split()
        if len(cells) == 6 and cells[0] in ("main", "queue"):
            rows[cells[0]] = cells[1:]
    return rows


def _report(emulator, tmp_path, region, *args, check=True):
    """The playbook's output with its line folds undone, after checking that it changed nothing in AWS."""
    emulator.call("requests", method="DELETE")
    _rc, output = run_ansible.playbook(PLAYBOOK, emulator, *_inventory(tmp_path, region), *args, check=check)
    assert emulator.requests(mutating_only=True) == []
    return output


def _flat(output):
    return " ".join(output.split())


def test_prices_come_from_the_price_list_api_and_the_source_is_named(emulator, tmp_path):
    markdown = tmp_path / "cost.md"
    output = _report(emulator, tmp_path, "us-east-1", "-e", f"cost_report_markdown={markdown}")

    assert _table(output) == {"main": ["cache.t3.micro", "redis", "2", "0.0170", "24.82"],
                              "queue": ["cache.m6g.large", "redis", "1", "0.1490", "108.77"]}
    output = _flat(output)
    assert "Total us-east-1: 133.59 USD/month" in output
    assert "Prices: AWS Price List API (GetProducts, pricing endpoint in us-east-1), 2025-06-01T00:00:00Z" in output
    # The purposes' own defaults (the queue's noeviction) from the inputs model, beside the node prices.
    assert "Purposes: main (main) keeps" in output and "queue (queue) keeps" in output
    assert "evicts nothing (noeviction)" in output
    assert "Using the bundled prices" not in output
    calls = [(r["service"], r["region"], r["operation"]) for r in emulator.requests()]
    assert calls.count(("pricing", "us-east-1", "GetProducts")) == 2

    text = markdown.read_text()
    assert "| main | cache.t3.micro | redis | 2 | 0.0170 | 24.82 |" in text
    assert "| queue | cache.m6g.large | redis | 1 | 0.1490 | 108.77 |" in text
    assert "| **total** | | | | | **133.59** |" in text
    assert "- Prices: AWS Price List API" in text


def test_a_failing_price_list_api_falls_back_to_the_bundled_table_and_says_so(emulator, tmp_path):
    emulator.call("faults", {"rate": 1.0, "kinds": ["ServiceUnavailable"], "services": ["pricing"]})
    raw = _report(emulator, tmp_path, "us-east-1")
    output = _flat(raw)

    assert "Using the bundled prices: the Price List API (pricing endpoint in us-east-1) did not answer" in output
    assert "ServiceUnavailable" in output
    assert "Prices: bundled table (AWS ElastiCache on-demand pricing for Redis OSS, node-based clusters, " \
           "taken 2025-06-01), 2025-06-01" in output
    assert _table(raw)["main"] == ["cache.t3.micro", "redis", "2", "0.0170", "24.82"]
    assert "Total us-east-1: 133.59 USD/month" in output


def test_eu_west_1_gets_api_prices_and_node_types_without_one_are_marked(emulator, tmp_path):
    output = _report(emulator, tmp_path, "eu-west-1")

    assert _table(output) == {"main": ["cache.t3.micro", "redis", "2", "0.0180", "26.28"],
                              "queue": ["cache.m6g.large", "redis", "1", "unavailable", "unavailable"]}
    output = _flat(output)
    assert "Total eu-west-1: 26.28 USD/month" in output
    assert "No price for cache.m6g.large in eu-west-1: not counted in the total." in output
    assert "Prices: AWS Price List API" in output
    # Asked of the pricing endpoint in us-east-1, for eu-west-1's products.
    asked = [r for r in emulator.requests() if r["service"] == "pricing"]
    assert {r["region"] for r in asked} == {"us-east-1"}
    assert {f["Value"] for r in asked for f in r["params"]["Filters"] if f["Field"] == "regionCode"} == {"eu-west-1"}


def test_eu_west_1_without_the_api_says_no_price_is_known(emulator, tmp_path):
    emulator.call("faults", {"rate": 1.0, "kinds": ["Throttling"], "services": ["pricing"]})
    output = _report(emulator, tmp_path, "eu-west-1")

    assert _table(output)["main"] == ["cache.t3.micro", "redis", "2", "unavailable", "unavailable"]
    output = _flat(output)
    assert "No price for cache.m6g.large, cache.t3.micro in eu-west-1: not counted in the total." in output
    assert "Prices: bundled table" in output


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_endpoint_falls_back_and_source_api_refuses_to(emulator, tmp_path):
    nowhere = f"aws_endpoint_url=http://127.0.0.1:{_closed_port()}"
    output = _flat(_report(emulator, tmp_path, "us-east-1", "-e", nowhere))
    assert "Using the bundled prices: the Price List API (pricing endpoint in us-east-1) did not answer: " \
           "Could not connect to the endpoint URL" in output
    assert "Prices: bundled table" in output and "Total us-east-1: 133.59 USD/month" in output

    output = _flat(_report(emulator, tmp_path / "api", "us-east-1", "-e", nowhere, "-e", "cost_report_source=api",
                           check=False))
    assert "The Price List API (pricing endpoint in us-east-1) did not answer GetProducts" in output
    assert "failed=1" in output


def _pricing(emulator, region="us-east-1"):
    return boto3.session.Session().client("pricing", region_name=region, endpoint_url=emulator.endpoint,
                                          config=Config(retries={"max_attempts": 1}))


def test_the_emulator_answers_getproducts_in_aws_format_with_pages(emulator):
    client = _pricing(emulator)
    pages = list(client.get_paginator("get_products").paginate(
        ServiceCode="AmazonElastiCache", PaginationConfig={"PageSize": 3},
        Filters=[{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"}]))
    items = [json.loads(item) for page in pages for item in page["PriceList"]]
    assert len(pages) == 4 and len(items) == 11  # 7 node products, 4 serverless ones
    assert all(page["FormatVersion"] == "aws_v1" for page in pages)
    valkey = [i for i in items if i["product"]["attributes"]["cacheEngine"] == "Valkey"][0]
    term = next(iter(valkey["terms"]["OnDemand"].values()))
    dimension = next(iter(term["priceDimensions"].values()))
    assert dimension["unit"] == "Hrs" and dimension["pricePerUnit"]["USD"] == "0.0256000000"
    serverless = client.get_products(ServiceCode="AmazonElastiCache", Filters=[
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"},
        {"Type": "TERM_MATCH", "Field": "operation", "Value": "CreateServerlessCache"}])["PriceList"]
    assert sorted(json.loads(i)["product"]["attributes"]["usagetype"] for i in serverless) == [
        "USE1-CachedData:Redis", "USE1-CachedData:Valkey", "USE1-ElastiCacheProcessingUnits:Redis",
        "USE1-ElastiCacheProcessingUnits:Valkey"]


def test_the_emulator_refuses_what_aws_refuses(emulator):
    with pytest.raises(ParamValidationError):  # botocore's own check
        _pricing(emulator).get_products(ServiceCode="AmazonElastiCache", MaxResults="ten")
    with pytest.raises(ClientError) as bad_type:  # the enum, which only the server checks
        _pricing(emulator).get_products(ServiceCode="AmazonElastiCache",
                                        Filters=[{"Type": "FUZZY", "Field": "instanceType", "Value": "x"}])
    assert bad_type.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as refused:
        _pricing(emulator, "eu-west-1").get_products(ServiceCode="AmazonElastiCache")
    assert "no endpoint in eu-west-1" in str(refused.value)
    with pytest.raises(ClientError) as unknown:
        _pricing(emulator).get_products(ServiceCode="AmazonRDS")
    assert unknown.value.response["Error"]["Code"] == "NotFoundException"


def test_a_global_datastore_is_counted_in_every_region_with_the_secondarys_own_price(emulator, tmp_path):
    """A primary in us-east-1 with a secondary in eu-west-1 (the fixture's cache.r6g.large: 0.206 and 0.229 USD per
    node-hour): one line per region, the global datastore's line, the total over both regions."""
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump({
        "aws_region": "us-east-1", "cache_name_prefix": "prices", "cache_instances": [
            {"name": "main", "purpose": "main", "node_type": "cache.r6g.large", "replicas": 1,
             "global": {"regions": ["eu-west-1"]}}]}))
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    emulator.call("requests", method="DELETE")
    output = _flat(run_ansible.playbook(PLAYBOOK, emulator, "-i", str(inventory))[1])
    assert "main cache.r6g.large redis 2 0.2060 300.76" in output
    assert "main@eu-west-1 cache.r6g.large redis 2 0.2290 334.34" in output
    assert ("Global datastore main: primary us-east-1 (2 nodes, 300.76 USD/month), secondary eu-west-1 (2 nodes, "
            "334.34 USD/month); cross-Region replication traffic is billed as data transfer between Regions, at a "
            "rate not included here.") in output
    assert "Total us-east-1, eu-west-1: 635.10 USD/month" in output
    assert emulator.requests(mutating_only=True) == []
