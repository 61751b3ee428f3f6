# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Node types: vCPUs (for alarm thresholds) and on-demand prices (for cost estimates).

Prices come from the AWS Price List Query API (GetProducts, service code AmazonElastiCache) when it can be
reached, else from the bundled table below (us-east-1 prices, their source and date in PRICE_SOURCE and
PRICES_TAKEN). Everything here is plain Python: the API call itself is in the node_prices module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.funmagic.elasticache.plugins.module_utils import global_datastore
from ansible_collections.funmagic.elasticache.plugins.module_utils import serverless_cost

PRICES_TAKEN = "2025-06-01"
PRICE_SOURCE = "AWS ElastiCache on-demand pricing for Redis OSS, node-based clusters"
HOURS_PER_MONTH = 730
# Regions whose on-demand node prices equal us-east-1's. Other regions have no data here yet.
SAME_PRICE_REGIONS = ("us-east-1", "us-east-2", "us-west-2")
# Valkey nodes cost 20% less than Redis OSS nodes of the same type.
ENGINE_FACTOR = {"redis": 1.0, "valkey": 0.8}

_SIZE_VCPUS = {"micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16,
               "8xlarge": 32, "12xlarge": 48, "16xlarge": 64, "24xlarge": 96}
_T2_VCPUS = {"micro": 1, "small": 1, "medium": 2}

# USD per node-hour in us-east-1.
HOURLY_USD = {
    "cache.t2.micro": 0.017, "cache.t2.small": 0.034, "cache.t2.medium": 0.068,
    "cache.t3.micro": 0.017, "cache.t3.small": 0.034, "cache.t3.medium": 0.068,
    "cache.t4g.micro": 0.016, "cache.t4g.small": 0.032, "cache.t4g.medium": 0.065,
    "cache.m5.large": 0.156, "cache.m5.xlarge": 0.311, "cache.m5.2xlarge": 0.623, "cache.m5.4xlarge": 1.245,
    "cache.m5.12xlarge": 3.737, "cache.m5.24xlarge": 7.474,
    "cache.m6g.large": 0.149, "cache.m6g.xlarge": 0.297, "cache.m6g.2xlarge": 0.594, "cache.m6g.4xlarge": 1.188,
    "cache.m6g.8xlarge": 2.376, "cache.m6g.12xlarge": 3.564, "cache.m6g.16xlarge": 4.752,
    "cache.m7g.large": 0.158, "cache.m7g.xlarge": 0.315, "cache.m7g.2xlarge": 0.630, "cache.m7g.4xlarge": 1.260,
    "cache.m7g.8xlarge": 2.520, "cache.m7g.12xlarge": 3.780, "cache.m7g.16xlarge": 5.040,
    "cache.r5.large": 0.216, "cache.r5.xlarge": 0.431, "cache.r5.2xlarge": 0.862, "cache.r5.4xlarge": 1.724,
    "cache.r5.12xlarge": 5.173, "cache.r5.24xlarge": 10.346,
    "cache.r6g.large": 0.206, "cache.r6g.xlarge": 0.411, "cache.r6g.2xlarge": 0.821, "cache.r6g.4xlarge": 1.642,
    "cache.r6g.8xlarge": 3.284, "cache.r6g.12xlarge": 4.926, "cache.r6g.16xlarge": 6.568,
    # r6gd: memory plus local SSDs, with data tiering (AWS price list, us-east-1 on demand).
    "cache.r6gd.xlarge": 0.781, "cache.r6gd.2xlarge": 1.56, "cache.r6gd.4xlarge": 3.12, "cache.r6gd.8xlarge": 6.24,
    "cache.r6gd.12xlarge": 9.358, "cache.r6gd.16xlarge": 12.477,
    "cache.r7g.large": 0.219, "cache.r7g.xlarge": 0.437, "cache.r7g.2xlarge": 0.873, "cache.r7g.4xlarge": 1.745,
    "cache.r7g.8xlarge": 3.489, "cache.r7g.12xlarge": 5.234, "cache.r7g.16xlarge": 6.978,
}


def vcpus(node_type):
    """vCPUs of a node type, e.g. cache.t3.micro -> 2, cache.r6g.xlarge -> 4."""
    parts = (node_type or "").split(".")
    if len(parts) != 3 or parts[0] != "cache":
        raise ValueError("%r is not an ElastiCache node type (cache.FAMILY.SIZE)" % node_type)
    family, size = parts[1], parts[2]
    table = _T2_VCPUS if family == "t2" else _SIZE_VCPUS
    if size not in table:
        raise ValueError("unknown size %r in node type %s" % (size, node_type))
    return table[size]


def monthly_cost(node_type, nodes=1, region="us-east-1", engine="redis"):
    """Estimated USD per month (730 hours) for `nodes` on-demand nodes of `node_type`, from the bundled table."""
    if node_type not in HOURLY_USD:
        raise ValueError("no price for node type %r; known: %s" % (node_type, ", ".join(sorted(HOURLY_USD))))
    if region not in SAME_PRICE_REGIONS:
        raise ValueError("no price data for region %r; known regions: %s" % (region, ", ".join(SAME_PRICE_REGIONS)))
    if engine not in ENGINE_FACTOR:
        raise ValueError("engine must be redis or valkey, got %r" % engine)
    if int(nodes) < 1:
        raise ValueError("nodes must be at least 1, got %r" % nodes)
    return round(HOURLY_USD[node_type] * HOURS_PER_MONTH * int(nodes) * ENGINE_FACTOR[engine], 2)


# The Price List Query API answers from these regions only, whatever region is priced (AWS Billing User Guide).
PRICE_LIST_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")
PRICE_LIST_SERVICE_CODE = "AmazonElastiCache"
# The cacheEngine attribute of the price list, by the engine names ElastiCache's API uses.
CACHE_ENGINE_ATTRIBUTE = {"redis": "Redis", "valkey": "Valkey"}
BUNDLED_SOURCE = "bundled table (%s, taken %s)" % (PRICE_SOURCE, PRICES_TAKEN)


def price_list_filters(region, engine, node_type):
    """GetProducts filters for one node type of one engine in one region."""
    if engine not in CACHE_ENGINE_ATTRIBUTE:
        raise ValueError("engine must be redis or valkey, got %r" % engine)
    return [{"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in (
        ("regionCode", region), ("instanceType", node_type), ("cacheEngine", CACHE_ENGINE_ATTRIBUTE[engine]))]


def on_demand_price(price_list, node_type):
    """The on-demand USD per node-hour in GetProducts' PriceList items, or None when none is for `node_type`.

    Only the plain node-hour product counts (usage type `[REGION-]NodeUsage:<node type>`): the price list also
    holds surcharges for the same node type (extended support, ...), which are added to it, not instead of it.
    Returns {"hourly_usd", "effective_date", "publication_date"}; several different prices raise ValueError.
    """
    usage = re.compile(r"^(?:[A-Z0-9]+-)?NodeUsage:%s$" % re.escape(node_type))
    found = {}
    for item in price_list:
        product = json.loads(item) if isinstance(item, str) else item
        attributes = product.get("product", {}).get("attributes", {})
        if attributes.get("instanceType") != node_type or not usage.match(attributes.get("usagetype", "")):
            continue
        for term in product.get("terms", {}).get("OnDemand", {}).values():
            for dimension in term.get("priceDimensions", {}).values():
                if dimension.get("unit") == "Hrs" and "USD" in dimension.get("pricePerUnit", {}):
                    price = float(dimension["pricePerUnit"]["USD"])
                    found[price] = {"hourly_usd": price, "effective_date": term.get("effectiveDate", ""),
                                    "publication_date": product.get("publicationDate", "")}
    if len(found) > 1:
        raise ValueError("the price list has %d on-demand prices for %s: %s"
                         % (len(found), node_type, ", ".join(str(p) for p in sorted(found))))
    return next(iter(found.values()), None)


def bundled_hourly(node_type, region, engine):
    """USD per node-hour from the bundled table, or None when it has no price for them."""
    if node_type not in HOURLY_USD or region not in SAME_PRICE_REGIONS or engine not in ENGINE_FACTOR:
        return None
    return round(HOURLY_USD[node_type] * ENGINE_FACTOR[engine], 6)


def node_count(spec):
    """Nodes of one instance of the inputs model: (1 + replicas), times the shards in cluster mode."""
    per_shard = 1 + int(spec.get("replicas") or 0)
    return per_shard * int(spec.get("shards") or 1) if spec.get("cluster_mode") else per_shard


def _serverless_row(spec, prices, usage):
    engine = spec.get("engine") or "redis"
    assumed = usage.get(spec["name"]) or dict(serverless_cost.DEFAULT_ASSUMPTIONS, origin=dict(
        (key, "default") for key in serverless_cost.DEFAULT_ASSUMPTIONS))
    row = serverless_cost.monthly(engine, assumed, prices.get(engine))
    row.update(instance=spec["name"], kind="serverless", node_type="serverless", engine=engine, nodes=None,
               hourly_usd=None, origin=assumed["origin"])
    return row


def global_regions(spec):
    """The secondary regions of a node-based instance's global datastore (inventory global: {regions: [...]}), in
    order, or [] (no global key, or a serverless instance: global datastores are node-based only). Checked by
    global_errors."""
    if serverless_cost.is_serverless(spec):
        return []
    return list((spec.get("global") or {}).get("regions") or [])


def global_errors(specs, region):
    """What is wrong in the instances' global.regions (global_datastore.region_errors, the preflight's rules), each
    message naming the instance; [] when each can be priced."""
    errors = []
    for index, spec in enumerate(specs):
        if serverless_cost.is_serverless(spec) or not spec.get("global"):
            continue
        given = spec["global"]
        where = "instances[%d] (%s)" % (index, spec.get("name"))
        errors += global_datastore.region_errors(where, region, given.get("regions") if isinstance(given, dict)
                                                 else given)
    return errors


def regional_pairs(specs, groups=None):
    """secondary region -> sorted (node_type, engine) pairs to price there, for the instances with global regions;
    with `groups` (a planned change), the pairs of the groups as they are too."""
    found = {}
    specs = [spec for spec in specs if global_regions(spec)]
    shapes = planned_changes(specs, groups) if groups is not None else [(s, None, spec_shape(s)) for s in specs]
    for spec, now, planned in shapes:
        for other in global_regions(spec):
            found.setdefault(other, set()).update((shape["node_type"], shape["engine"])
                                                  for shape in (now, planned) if shape is not None)
    return dict((other, sorted(pairs)) for other, pairs in found.items())


def _node_row(spec, region, hourly, member=None):
    """One node-based row. member: None (no global datastore), primary or secondary; a secondary has the primary's
    node type, engine, shards and replicas (AWS requires the node type and shards to match; replicas may differ per
    member, but the inventory does not say so), priced in its own region."""
    engine = spec.get("engine") or "redis"
    nodes = node_count(spec)
    price = hourly.get((spec["node_type"], engine))
    row = {"instance": spec["name"] if member != "secondary" else "%s@%s" % (spec["name"], region),
           "kind": "node", "node_type": spec["node_type"], "engine": engine, "nodes": nodes, "hourly_usd": price,
           "purpose": spec.get("purpose") if member != "secondary" else None,
           "backups": spec.get("snapshot_retention_limit"),
           "policy": (spec.get("parameters") or {}).get("maxmemory-policy"),
           "monthly_usd": None if price is None else round(price * HOURS_PER_MONTH * nodes, 2)}
    if member:
        row.update(region=region, member=member)
    return row


def report(specs, region, hourly, source, prices_date, serverless_prices=None, usage=None, regional_hourly=None):
    """Rows and total per month. hourly: (node_type, engine) -> USD per node-hour, or None when unknown.

    serverless_prices: engine -> {gb_hour_usd, ecpu_million_usd} for the serverless instances (kind serverless),
    usage: instance name -> {stored_gb, ecpu_per_second, origin} (serverless_cost.assumptions).
    regional_hourly: secondary region -> hourly, for the instances of a global datastore (global.regions): one more
    row per secondary region, instance@region, with the primary's nodes priced there."""
    rows = []
    for spec in specs:
        if serverless_cost.is_serverless(spec):
            rows.append(_serverless_row(spec, serverless_prices or {}, usage or {}))
            continue
        others = global_regions(spec)
        rows.append(_node_row(spec, region, hourly, "primary" if others else None))
        rows += [_node_row(spec, other, (regional_hourly or {}).get(other) or {}, "secondary") for other in others]
    known = [row["monthly_usd"] for row in rows if row["monthly_usd"] is not None]
    return {"rows": rows, "region": region, "source": source, "prices_date": prices_date,
            "total_usd": round(sum(known), 2), "complete": len(known) == len(rows),
            "regions": _regions(region, rows),
            "unpriced": sorted(set(_unpriced(row, region) for row in rows if row["monthly_usd"] is None))}


def _regions(region, rows):
    """The priced region, then each secondary region in the order the instances name them."""
    found = [region]
    for row in rows:
        if row.get("member") == "secondary" and row["region"] not in found:
            found.append(row["region"])
    return found


def _unpriced(row, region):
    if row["kind"] != "node":
        return "serverless " + row["engine"]
    other = row.get("region", region)
    return row["node_type"] if other == region else "%s (%s)" % (row["node_type"], other)


def global_lines(cost):
    """Per global datastore: its members' monthly cost, and that the cross-Region replication traffic is not in it."""
    lines = []
    for primary in [row for row in cost["rows"] if row.get("member") == "primary"]:
        members = [primary] + [row for row in cost["rows"] if row.get("member") == "secondary"
                               and row["instance"].startswith(primary["instance"] + "@")]
        lines.append("Global datastore %s: %s; cross-Region replication traffic is billed as data transfer between "
                     "Regions, at a rate not included here." % (primary["instance"], ", ".join(
                         "%s %s (%d nodes, %s)" % (row["member"], row["region"], row["nodes"],
                                                   "no price" if row["monthly_usd"] is None
                                                   else "%.2f USD/month" % row["monthly_usd"])
                         for row in members)))
    return lines


def _cells(row):
    return [row["instance"], row["node_type"], row["engine"], "-" if row["nodes"] is None else str(row["nodes"]),
            ("-" if row["kind"] == "serverless" else "unavailable") if row["hourly_usd"] is None
            else "%.4f" % row["hourly_usd"],
            "unavailable" if row["monthly_usd"] is None else "%.2f" % row["monthly_usd"]]


_HEADER = ["instance", "node type", "engine", "nodes", "USD/node-hour", "USD/month"]


def purposes_line(rows):
    """What each instance's purpose changes beside its nodes (runbook 11.9), or None when the rows name no purpose:
    daily backups kept (billed per GB-month beyond one backup per cluster, not in the total) and the eviction policy."""
    parts = []
    for row in rows:
        if row.get("purpose") is None or row["kind"] != "node":
            continue
        kept = row.get("backups") or 0
        part = "%s (%s) keeps %s" % (row["instance"], row["purpose"],
                                     "%d daily backup%s" % (kept, "" if kept == 1 else "s") if kept else "no backup")
        parts.append(part + (", evicts nothing (%s)" % row["policy"] if row.get("policy") == "noeviction" else ""))
    if not parts:
        return None
    return ("Purposes: %s. Backup storage beyond one backup per cluster is billed per GB-month, not counted above."
            % "; ".join(parts))


def _footer(cost):
    purposes = purposes_line(cost["rows"])
    total = "Total %s: %.2f USD/month (on-demand, %d hours a month)" % (
        ", ".join(cost.get("regions") or [cost["region"]]), cost["total_usd"], HOURS_PER_MONTH)
    lines = ([purposes] if purposes else []) + global_lines(cost) + [total, "Prices: %s, %s" % (
        cost["source"], cost["prices_date"] or "date unknown")]
    serverless = [row for row in cost["rows"] if row["kind"] == "serverless"]
    if serverless:
        lines += [serverless_cost.explanation(row) for row in serverless] + [serverless_cost.defaults_line()]
    if not cost["complete"]:
        lines.append("No price for %s in %s: not counted in the total." % (
            ", ".join(cost["unpriced"]), cost["region"]))
    return lines


def table(cost):
    """The report as aligned text lines."""
    grid = [_HEADER] + [_cells(row) for row in cost["rows"]]
    widths = [max(len(line[i]) for line in grid) for i in range(len(_HEADER))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in grid]
    return lines + _footer(cost)


def markdown(cost):
    """The report as a markdown document."""
    lines = ["# ElastiCache cost estimate (%s)" % cost["region"], "",
             "| " + " | ".join(_HEADER) + " |", "|" + "|".join(["---"] * 3 + ["---:"] * 3) + "|"]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in cost["rows"]]
    lines += ["| **total** | | | | | **%.2f** |" % cost["total_usd"], ""]
    total = "- Total: %.2f USD/month, on-demand nodes running %d hours a month" % (cost["total_usd"], HOURS_PER_MONTH)
    footer = [line for line in _footer(cost) if not line.startswith("Total ")]
    return "\n".join(lines + ["- " + line for line in footer] + [total]) + "\n"


# What a planned change costs: the instances as their groups are now, and as the inventory wants them.
CHANGE_HEADER = ["instance", "change", "now", "planned", "USD/month now", "USD/month planned"]


def _shape(node_type, engine, nodes):
    return {"node_type": node_type, "engine": engine or "redis", "nodes": int(nodes)}


def group_shape(group):
    """Node type, engine and node count of a replication group as replication_group_info returns it."""
    return _shape(group.get("cache_node_type"), group.get("engine"), len(group.get("member_clusters") or []))


def spec_shape(spec):
    """Node type, engine and node count of an instance of the inputs model."""
    return _shape(spec["node_type"], spec.get("engine"), node_count(spec))


def _what_changes(before, after):
    if before is None:
        return "new"
    labels = (("node_type", "node type"), ("engine", "engine"), ("nodes", "nodes"))
    return ", ".join(label for key, label in labels if before[key] != after[key])


def planned_changes(specs, groups):
    """[(spec, shape now or None for a group that does not exist yet, planned shape)] for every instance, in order.

    groups: the replication groups as they are (replication_group_info's, matched by replication_group_id)."""
    by_id = dict((g.get("replication_group_id"), g) for g in groups)
    found = []
    for spec in specs:
        group = by_id.get(spec["replication_group_id"])
        found.append((spec, None if group is None else group_shape(group), spec_shape(spec)))
    return found


def priced_changes(specs, groups):
    """Names of the instances whose node type, engine or node count would change, or whose group is new."""
    return [spec["name"] for spec, now, planned in planned_changes(specs, groups) if now != planned]


def change_pairs(specs, groups):
    """The (node_type, engine) pairs to price, now and planned, for change_report."""
    pairs = set()
    for _spec, now, planned in planned_changes(specs, groups):
        for shape in (now, planned):
            if shape is not None:
                pairs.add((shape["node_type"], shape["engine"]))
    return sorted(pairs)


def _priced(shape, hourly):
    if shape is None:
        return None
    price = hourly.get((shape["node_type"], shape["engine"]))
    return dict(shape, hourly_usd=price,
                monthly_usd=None if price is None else round(price * HOURS_PER_MONTH * shape["nodes"], 2))


def change_report(specs, groups, region, hourly, source, prices_date, regional_hourly=None):
    """Per instance the monthly cost now and planned, and both totals. A group that does not exist yet costs 0 now.

    hourly: (node_type, engine) -> USD per node-hour, or None when unknown (that instance is left out of both totals,
    so the two totals always count the same instances). regional_hourly: secondary region -> hourly; each global
    datastore's secondary is a row instance@region with the primary's nodes now and planned (AWS keeps the members'
    node types and shards equal), priced in its region."""
    rows, unpriced = [], set()
    for spec, now, planned in planned_changes(specs, groups):
        change = _what_changes(now, planned) if now != planned else ""
        members = [(spec["name"], region, hourly)] + [("%s@%s" % (spec["name"], other), other,
                                                       (regional_hourly or {}).get(other) or {})
                                                      for other in global_regions(spec)]
        for name, where, prices in members:
            row = {"instance": name, "change": change, "now": _priced(now, prices), "planned": _priced(planned, prices)}
            row["complete"] = all(side is None or side["monthly_usd"] is not None
                                  for side in (row["now"], row["planned"]))
            missing = [s for s in (row["now"], row["planned"]) if s is not None and s["monthly_usd"] is None]
            unpriced.update(side["node_type"] if where == region else "%s (%s)" % (side["node_type"], where)
                            for side in missing)
            rows.append(row)

    def total(side):
        return round(sum((row[side] or {}).get("monthly_usd") or 0.0 for row in rows if row["complete"]), 2)

    now_usd, planned_usd = total("now"), total("planned")
    return {"rows": rows, "region": region, "source": source, "prices_date": prices_date,
            "now_usd": now_usd, "planned_usd": planned_usd, "difference_usd": round(planned_usd - now_usd, 2),
            "changing": [row["instance"] for row in rows if row["change"]],
            "regions": [region] + sorted(set(r for spec in specs for r in global_regions(spec))),
            "complete": all(row["complete"] for row in rows), "unpriced": sorted(unpriced)}


def _side_cells(side):
    if side is None:
        return "(none)", "0.00"
    return ("%s %s x%d" % (side["node_type"], side["engine"], side["nodes"]),
            "unavailable" if side["monthly_usd"] is None else "%.2f" % side["monthly_usd"])


def change_table(report):
    """The cost now and planned as aligned text lines, the totals, the source and the date."""
    grid = [CHANGE_HEADER]
    for row in report["rows"]:
        now, now_usd = _side_cells(row["now"])
        planned, planned_usd = _side_cells(row["planned"])
        grid.append([row["instance"], row["change"] or "-", now, planned, now_usd, planned_usd])
    widths = [max(len(line[i]) for line in grid) for i in range(len(CHANGE_HEADER))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in grid]
    lines.append("Total %s: %.2f USD/month now, %.2f USD/month planned (%+.2f), on-demand, %d hours a month" % (
        " + ".join(report.get("regions") or [report["region"]]), report["now_usd"], report["planned_usd"],
        report["difference_usd"], HOURS_PER_MONTH))
    lines.append("Prices: %s, %s" % (report["source"], report["prices_date"] or "date unknown"))
    if not report["complete"]:
        lines.append("No price for %s in %s: those instances are not counted in either total." % (
            ", ".join(report["unpriced"]), report["region"]))
    if len(report.get("regions") or []) > 1:
        lines.append("instance@region: a global datastore's secondary, the primary's nodes at that region's price; "
                     "cross-Region replication traffic is billed as data transfer, not included.")
    return lines
