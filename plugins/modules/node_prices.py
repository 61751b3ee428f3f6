#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: node_prices
short_description: Monthly cost of ElastiCache instances, priced by the AWS Price List API or the bundled table
version_added: 0.2.0
description:
  - Read-only. Asks the AWS Price List Query API (C(GetProducts), service code C(AmazonElastiCache)) for the
    on-demand price per node-hour of each node type and engine of I(instances) in I(cache_region), and returns
    the monthly cost per instance and in total (730 hours a month).
  - When the API cannot be reached or refuses the call, and I(source=auto), the prices come from the bundled table
    of the collection instead, and the result says so (RV(source), RV(prices_date), RV(fallback_reason)).
  - A node type without a price (not in the price list of the region, or not in the bundled table) is shown as
    unavailable and left out of the total; RV(complete) is then false.
  - The Price List API is served from a few regions only (I(price_list_region)); the AWS I(region) option is not
    used to reach it.
  - A serverless instance (C(kind=serverless)) is priced by stored data (USD per GB-hour, at least the engine's
    minimum, 1 GB for Redis OSS and 0.1 GB for Valkey) and ECPUs (USD per million), for the usage that
    I(cost_assumptions) states (or the defaults, printed with the table); one more C(GetProducts) call
    (operation C(CreateServerlessCache)) gets both engines' serverless prices.
author:
  - Funmagic Platform Team (@funmagic)
options:
  cache_region:
    description: The region whose prices are wanted, where the caches run (for example C(eu-west-1)).
    type: str
    required: true
  instances:
    description:
      - The instances to price, as the C(instances) of the M(funmagic.elasticache.inputs) model.
      - Each needs C(name) and C(node_type); C(engine) (C(redis) or C(valkey), default C(redis)), C(replicas),
        C(cluster_mode) and C(shards) give the engine and the number of nodes.
      - An instance with C(kind=serverless) needs no C(node_type); it is priced for the usage of I(cost_assumptions).
      - An instance with C(global.regions) (a global datastore) also gets one row per secondary region, named
        C(instance@region), with the primary's node type, engine, shards and replicas priced in that region.
    type: list
    elements: dict
    required: true
  source:
    description:
      - C(auto) asks the Price List API and falls back to the bundled table when it cannot be reached.
      - C(api) fails when the API cannot be reached; C(bundled) does not call AWS at all.
    type: str
    choices: [auto, api, bundled]
    default: auto
  price_list_region:
    description: The region of the Price List API endpoint to call.
    type: str
    choices: [us-east-1, eu-central-1, ap-south-1]
    default: us-east-1
  current:
    description:
      - The replication groups as they are, as M(funmagic.elasticache.replication_group_info) returns them
        (C(replication_group_id), C(cache_node_type), C(engine), C(member_clusters)); an instance whose group is
        not in the list is a new one.
      - With it the result has RV(change), the monthly cost of each instance now and as I(instances) want it, priced
        in the same calls. When no instance changes its node type, engine or node count (and none is new), the
        prices are not asked for and only RV(change) is returned, with nothing in it.
      - Each instance then needs its C(replication_group_id).
    type: list
    elements: dict
    version_added: 0.3.0
  cost_assumptions:
    description:
      - The usage a serverless instance is priced for, on average over the month. C(stored_gb) (GB of data stored)
        and C(ecpu_per_second) (ECPUs per second) apply to every serverless instance; C(instances) maps an instance
        name to its own C(stored_gb) and C(ecpu_per_second).
      - What is not given is assumed (1 GB stored, 1000 ECPUs per second); the table says, for each figure, where it
        comes from.
    type: dict
    default: {}
    version_added: 0.4.0
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Price the inventory's instances
  funmagic.elasticache.node_prices:
    cache_region: eu-west-1
    instances:
      - {name: main, node_type: cache.t4g.small, replicas: 1}
      - {name: queue, node_type: cache.t4g.small, engine: valkey}
      - {name: jobs, kind: serverless, engine: valkey}
    cost_assumptions:
      instances:
        jobs: {stored_gb: 0.5, ecpu_per_second: 200}
  register: cost

- name: Show the table
  ansible.builtin.debug:
    msg: "{{ cost.table }}"
"""

RETURN = r"""
change:
  description:
    - The monthly cost now and planned (with I(current)). C(rows) has one entry per instance, with C(change) (what
      differs, for example C(node type), C(engine), C(nodes) or C(new); empty when nothing priced changes), C(now)
      (null for a new group) and C(planned), each with C(node_type), C(engine), C(nodes), C(hourly_usd),
      C(monthly_usd). A global datastore's secondary has its own row, C(<instance>@<region>), with the primary's
      nodes now and planned priced in that region; C(regions) names every region counted.
    - C(now_usd), C(planned_usd), C(difference_usd) are the totals (an instance without a price is in neither);
      C(changing) names the instances that change; C(table) holds the aligned text lines (and why the bundled
      prices are used, when they are).
    - Only C(changing) and C(table), both empty, when nothing priced changes.
  returned: with I(current)
  type: dict
  version_added: 0.3.0
  sample:
    changing: [main]
    now_usd: 24.82
    planned_usd: 49.64
    difference_usd: 24.82
    table: ["instance  change     now                       planned ..."]
source:
  description: Where the prices come from, the Price List API endpoint region or the bundled table with its source.
  returned: unless I(current) is given and nothing priced changes
  type: str
  sample: AWS Price List API (GetProducts, pricing endpoint in us-east-1)
prices_date:
  description: Publication date of the price list (API), or the date the bundled prices were taken.
  returned: unless I(current) is given and nothing priced changes
  type: str
  sample: "2025-06-24T13:06:39Z"
fallback_reason:
  description: Why the bundled table was used although the API was asked; empty when it was not.
  returned: unless I(current) is given and nothing priced changes
  type: str
region:
  description: The priced region (I(cache_region)).
  returned: unless I(current) is given and nothing priced changes
  type: str
rows:
  description:
    - One row per instance, C(hourly_usd) and C(monthly_usd) null when the node type has no price.
    - A node row also has the instance's C(purpose), C(backups) (daily backups kept) and C(policy) (its
      maxmemory-policy parameter, if set), which the table's Purposes line shows.
    - A serverless row (C(kind=serverless), C(node_type=serverless)) has C(stored_gb), C(billed_gb) (at least
      C(minimum_gb)), C(ecpu_per_second), C(origin) (where each figure comes from), C(gb_hour_usd),
      C(ecpu_million_usd), C(storage_usd), C(ecpu_usd) and C(monthly_usd).
    - The rows of a global datastore also have C(region) and C(member) (C(primary) or C(secondary)); the table
      then has a line per global datastore, and its total names every region counted.
  returned: unless I(current) is given and nothing priced changes
  type: list
  elements: dict
  sample: [{instance: main, node_type: cache.t3.micro, engine: redis, nodes: 2, hourly_usd: 0.017, monthly_usd: 24.82}]
total_usd:
  description: Sum of the monthly costs that have a price.
  returned: unless I(current) is given and nothing priced changes
  type: float
complete:
  description: Whether every instance has a price (otherwise the total leaves some out).
  returned: unless I(current) is given and nothing priced changes
  type: bool
unpriced:
  description: Node types without a price in the region.
  returned: unless I(current) is given and nothing priced changes
  type: list
  elements: str
table:
  description: The report as aligned text lines, with the total, the source and the date.
  returned: unless I(current) is given and nothing priced changes
  type: list
  elements: str
markdown:
  description: The report as a markdown document.
  returned: unless I(current) is given and nothing priced changes
  type: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost
from ansible_collections.funmagic.elasticache.plugins.module_utils import serverless_cost

# A price estimate should not hang on an unreachable endpoint: short timeouts, few attempts.
CLIENT_CONFIG = {"connect_timeout": 5, "read_timeout": 20, "retries": {"max_attempts": 3, "mode": "standard"}}


def api_prices(client, region, pairs):
    """(node_type, engine) -> USD per node-hour or None, and the newest publication date, from GetProducts."""
    hourly, dates = {}, []
    paginator = client.get_paginator("get_products")
    for node_type, engine in pairs:
        items = []
        for page in paginator.paginate(ServiceCode=cost.PRICE_LIST_SERVICE_CODE, FormatVersion="aws_v1",
                                       Filters=cost.price_list_filters(region, engine, node_type)):
            items.extend(page.get("PriceList", []))
        found = cost.on_demand_price(items, node_type)
        hourly[(node_type, engine)] = found["hourly_usd"] if found else None
        if found:
            dates.append(found["publication_date"] or found["effective_date"])
    return hourly, max(dates) if dates else ""


def api_serverless_prices(client, region):
    """engine -> serverless prices and the publication date, from one GetProducts (both engines)."""
    items = []
    for page in client.get_paginator("get_products").paginate(
            ServiceCode=cost.PRICE_LIST_SERVICE_CODE, FormatVersion="aws_v1",
            Filters=serverless_cost.price_list_filters(region)):
        items.extend(page.get("PriceList", []))
    return serverless_cost.prices_from_list(items)


def hourly_prices(module, pairs, serverless=False, regional=None):
    """(hourly, serverless prices, source, prices_date, fallback_reason, regional hourly) for these (node_type,
    engine) pairs, when asked the serverless prices, and regional: secondary region -> pairs to price there (global
    datastores): from the Price List API, else (source auto) from the bundled table."""
    region, mode = module.params["cache_region"], module.params["source"]
    regional = regional or {}
    fallback_reason = ""
    if mode != "bundled":
        endpoint_region = module.params["price_list_region"]
        try:
            client = module.client("pricing", region=endpoint_region, config=CLIENT_CONFIG)
            hourly, prices_date = api_prices(client, region, pairs)
            found, serverless_date = api_serverless_prices(client, region) if serverless else ({}, "")
            regional_hourly, dates = {}, [prices_date, serverless_date]
            for other, other_pairs in sorted(regional.items()):
                regional_hourly[other], other_date = api_prices(client, other, other_pairs)
                dates.append(other_date)
            source = "AWS Price List API (GetProducts, pricing endpoint in %s)" % endpoint_region
            return hourly, found, source, max(dates), fallback_reason, regional_hourly
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            if mode == "api":
                module.fail_json_aws(e, msg="The Price List API (pricing endpoint in %s) did not answer GetProducts"
                                     % endpoint_region)
            fallback_reason = "the Price List API (pricing endpoint in %s) did not answer: %s" % (endpoint_region, e)
        except ValueError as e:
            if mode == "api":
                module.fail_json(msg="The Price List API answer could not be used: %s" % e)
            fallback_reason = "the Price List API answer could not be used: %s" % e
    hourly = dict((pair, cost.bundled_hourly(pair[0], region, pair[1])) for pair in pairs)
    found = serverless_cost.bundled_prices(region, cost.SAME_PRICE_REGIONS) if serverless else {}
    source = cost.BUNDLED_SOURCE
    if serverless:
        source += "; %s (taken %s)" % (serverless_cost.SERVERLESS_PRICE_SOURCE, serverless_cost.SERVERLESS_PRICES_TAKEN)
    regional_hourly = dict((other, dict((pair, cost.bundled_hourly(pair[0], other, pair[1])) for pair in other_pairs))
                           for other, other_pairs in regional.items())
    return hourly, found, source, cost.PRICES_TAKEN, fallback_reason, regional_hourly


def price(module, specs, current=None, usage=None):
    """(result): the report of `specs`, and with `current` the change from those groups, priced together (one
    GetProducts per node type and engine, one for the serverless prices). With `current` and no priced change,
    nothing is asked. Serverless instances are in the report, not in the change (they have no nodes)."""
    region = module.params["cache_region"]
    nodes = [spec for spec in specs if not serverless_cost.is_serverless(spec)]
    serverless = len(nodes) < len(specs)
    pairs = set((spec["node_type"], spec.get("engine") or "redis") for spec in nodes)
    if current is not None:
        if not cost.priced_changes(nodes, current):
            return {"change": {"changing": [], "table": []}}
        pairs.update(cost.change_pairs(nodes, current))
        serverless = False
    regional = cost.regional_pairs(nodes, current)
    hourly, found, source, prices_date, fallback_reason, regional_hourly = hourly_prices(
        module, sorted(pairs), serverless, regional)
    report = cost.report(specs if current is None else nodes, region, hourly, source, prices_date, found, usage,
                         regional_hourly)
    result = dict(report, fallback_reason=fallback_reason, table=cost.table(report), markdown=cost.markdown(report))
    if current is not None:
        change = cost.change_report(nodes, current, region, hourly, source, prices_date, regional_hourly)
        reason = ["Using the bundled prices: %s" % fallback_reason] if fallback_reason else []
        result["change"] = dict(change, table=cost.change_table(change) + reason)
    return result


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            cache_region=dict(type="str", required=True),
            instances=dict(type="list", elements="dict", required=True),
            source=dict(type="str", choices=["auto", "api", "bundled"], default="auto"),
            price_list_region=dict(type="str", choices=list(cost.PRICE_LIST_REGIONS), default="us-east-1"),
            current=dict(type="list", elements="dict"),
            cost_assumptions=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    specs = module.params["instances"]
    broken = [index for index, spec in enumerate(specs) if not spec.get("name")
              or not (spec.get("node_type") or serverless_cost.is_serverless(spec))]
    if broken:
        module.fail_json(msg="instances[%s]: each instance needs a name and a node_type (or kind serverless)"
                         % ", ".join(str(index) for index in broken))
    try:
        usage = serverless_cost.assumptions(module.params["cost_assumptions"], specs)
    except ValueError as e:
        module.fail_json(msg=str(e))
    errors = cost.global_errors(specs, module.params["cache_region"])
    if errors:
        module.fail_json(msg=" ".join(errors))
    current = module.params["current"]
    if current is not None:
        unmatched = [index for index, spec in enumerate(specs) if not spec.get("replication_group_id")]
        if unmatched:
            module.fail_json(msg="instances[%s]: with current, each instance needs its replication_group_id"
                             % ", ".join(str(index) for index in unmatched))
    module.exit_json(changed=False, **price(module, specs, current, usage))


if __name__ == "__main__":
    main()
