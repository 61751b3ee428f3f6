# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a serverless cache costs a month for a stated usage: stored data (GB-hours, at least the engine's minimum)
and ElastiCache Processing Units (ECPUs, priced per million).

Prices come from the AWS Price List Query API (GetProducts, service code AmazonElastiCache, operation
CreateServerlessCache, usage types [REGION-]CachedData:<Engine> and [REGION-]ElastiCacheProcessingUnits:<Engine>)
when it can be reached, else from the bundled table below. The minimum stored data is not in the price list: AWS
meters at least 1 GB for Redis OSS and 100 MB for Valkey serverless caches. Plain Python; the call is in node_prices.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.funmagic.elasticache.plugins.module_utils.serverless import is_serverless

SERVERLESS_PRICES_TAKEN = "2025-06-01"
SERVERLESS_PRICE_SOURCE = ("AWS ElastiCache serverless pricing, us-east-1: Redis OSS 0.125 USD/GB-hour and "
                           "0.0034 USD/million ECPUs, Valkey 0.084 USD/GB-hour and 0.0023 USD/million ECPUs")
# us-east-1 prices, also used for the regions of cost.SAME_PRICE_REGIONS.
BUNDLED = {
    "redis": {"gb_hour_usd": 0.125, "ecpu_million_usd": 0.0034},
    "valkey": {"gb_hour_usd": 0.084, "ecpu_million_usd": 0.0023},
}
# AWS meters at least this much stored data on every serverless cache, whatever it holds.
MINIMUM_STORED_GB = {"redis": 1.0, "valkey": 0.1}
# What the cost report assumes for a serverless cache when cost_assumptions says nothing about it.
DEFAULT_ASSUMPTIONS = {"stored_gb": 1.0, "ecpu_per_second": 1000.0}
HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
SERVERLESS_OPERATION = "CreateServerlessCache"
_ENGINE_OF = {"Redis": "redis", "Valkey": "valkey"}
_USAGE = re.compile(r"^(?:[A-Z0-9]+-)?(CachedData|ElastiCacheProcessingUnits):(Redis|Valkey)$")
_KEYS = {"CachedData": "gb_hour_usd", "ElastiCacheProcessingUnits": "ecpu_million_usd"}
# Price list figures are per unit (one GB-hour, one ECPU); the report shows ECPUs per million.
_SCALE = {"gb_hour_usd": 1.0, "ecpu_million_usd": 1000000.0}


def price_list_filters(region):
    """GetProducts filters for the serverless products (both engines) of one region."""
    return [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region},
            {"Type": "TERM_MATCH", "Field": "operation", "Value": SERVERLESS_OPERATION}]


def prices_from_list(price_list):
    """engine -> {gb_hour_usd, ecpu_million_usd} from GetProducts' PriceList items, and the newest publication date.

    An engine with only one of the two prices is left out; two different prices for one usage raise ValueError."""
    found, dates = {}, []
    for item in price_list:
        product = json.loads(item) if isinstance(item, str) else item
        match = _USAGE.match(product.get("product", {}).get("attributes", {}).get("usagetype", ""))
        if not match:
            continue
        engine, key = _ENGINE_OF[match.group(2)], _KEYS[match.group(1)]
        for term in product.get("terms", {}).get("OnDemand", {}).values():
            for dimension in term.get("priceDimensions", {}).values():
                if "USD" not in dimension.get("pricePerUnit", {}):
                    continue
                price = round(float(dimension["pricePerUnit"]["USD"]) * _SCALE[key], 10)
                known = found.setdefault(engine, {}).get(key)
                if known is not None and known != price:
                    raise ValueError("the price list has two prices for %s: %s and %s"
                                     % (match.group(0), known, price))
                found[engine][key] = price
                dates.append(product.get("publicationDate") or term.get("effectiveDate") or "")
    complete = dict((engine, prices) for engine, prices in found.items() if len(prices) == 2)
    return complete, max(dates) if dates else ""


def bundled_prices(region, same_price_regions):
    """engine -> prices from the bundled table, or {} for a region it has no prices for."""
    return dict((engine, dict(prices)) for engine, prices in BUNDLED.items()) if region in same_price_regions else {}


def _number(value, path, errors):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        errors.append("%s must be a number of at least 0, got %r" % (path, value))
        return None
    return float(value)


def assumptions(given, specs):
    """instance name -> {stored_gb, ecpu_per_second, origin} for every serverless instance of `specs`.

    given: the cost_assumptions variable, {stored_gb, ecpu_per_second, instances: {name: {stored_gb,
    ecpu_per_second}}}, every key optional. origin says where each figure came from (default, cost_assumptions,
    cost_assumptions.instances.<name>). Raises ValueError naming every field that is wrong."""
    given = given or {}
    errors = []
    if not isinstance(given, dict):
        raise ValueError("cost_assumptions must be a mapping (stored_gb, ecpu_per_second, instances), got %r" % given)
    unknown = sorted(set(given) - set(["stored_gb", "ecpu_per_second", "instances"]))
    if unknown:
        errors.append("cost_assumptions: unknown keys %s (known: stored_gb, ecpu_per_second, instances)"
                      % ", ".join(unknown))
    defaults = dict(DEFAULT_ASSUMPTIONS)
    origins = dict((key, "default") for key in DEFAULT_ASSUMPTIONS)
    for key in DEFAULT_ASSUMPTIONS:
        if key in given:
            defaults[key] = _number(given[key], "cost_assumptions.%s" % key, errors)
            origins[key] = "cost_assumptions"
    per_instance = given.get("instances") or {}
    if not isinstance(per_instance, dict):
        errors.append("cost_assumptions.instances must map instance names to {stored_gb, ecpu_per_second}")
        per_instance = {}
    serverless = [spec["name"] for spec in specs if is_serverless(spec)]
    for name in sorted(set(per_instance) - set(serverless)):
        errors.append("cost_assumptions.instances.%s: no serverless instance has this name (serverless: %s)"
                      % (name, ", ".join(serverless) or "none"))
    result = {}
    for name in serverless:
        own = per_instance.get(name) or {}
        if not isinstance(own, dict):
            errors.append("cost_assumptions.instances.%s must be a mapping (stored_gb, ecpu_per_second)" % name)
            own = {}
        for key in sorted(set(own) - set(DEFAULT_ASSUMPTIONS)):
            errors.append("cost_assumptions.instances.%s.%s: unknown key (known: stored_gb, ecpu_per_second)"
                          % (name, key))
        entry = {"origin": {}}
        for key in DEFAULT_ASSUMPTIONS:
            if key in own:
                path = "cost_assumptions.instances.%s" % name
                entry[key] = _number(own[key], "%s.%s" % (path, key), errors)
                entry["origin"][key] = path
            else:
                entry[key], entry["origin"][key] = defaults[key], origins[key]
        result[name] = entry
    if errors:
        raise ValueError("; ".join(errors))
    return result


def monthly(engine, usage, prices):
    """The monthly cost of one serverless cache: {billed_gb, storage_usd, ecpu_usd, monthly_usd, ...}.

    usage: {stored_gb, ecpu_per_second}; prices: {gb_hour_usd, ecpu_million_usd} or None (then the USD figures
    are None). The stored data billed is at least the engine's minimum."""
    if engine not in MINIMUM_STORED_GB:
        raise ValueError("engine must be redis or valkey, got %r" % engine)
    minimum = MINIMUM_STORED_GB[engine]
    billed = max(float(usage["stored_gb"]), minimum)
    ecpus_million = float(usage["ecpu_per_second"]) * SECONDS_PER_MONTH / 1000000.0
    row = {"stored_gb": float(usage["stored_gb"]), "minimum_gb": minimum, "billed_gb": billed,
           "ecpu_per_second": float(usage["ecpu_per_second"]), "ecpus_million": round(ecpus_million, 3),
           "gb_hour_usd": None, "ecpu_million_usd": None, "storage_usd": None, "ecpu_usd": None, "monthly_usd": None}
    if prices:
        # The total is the sum of the two parts as printed, so the report's arithmetic adds up.
        storage = round(billed * HOURS_PER_MONTH * prices["gb_hour_usd"], 2)
        ecpu = round(ecpus_million * prices["ecpu_million_usd"], 2)
        row.update(gb_hour_usd=prices["gb_hour_usd"], ecpu_million_usd=prices["ecpu_million_usd"],
                   storage_usd=storage, ecpu_usd=ecpu, monthly_usd=round(storage + ecpu, 2))
    return row


def _figure(value):
    return ("%.3f" % value).rstrip("0").rstrip(".")


def explanation(row):
    """One line per serverless row: the usage assumed, where it came from, the minimum applied, the arithmetic."""
    origin = row["origin"]
    said = "; ".join("%s from %s" % (key, origin[key]) for key in ("stored_gb", "ecpu_per_second"))
    stored = "%s GB stored" % _figure(row["stored_gb"])
    if row["billed_gb"] > row["stored_gb"]:
        stored += " (billed %s GB: the %s minimum)" % (_figure(row["billed_gb"]), row["engine"])
    usage = "%s, %s ECPUs/s on average" % (stored, _figure(row["ecpu_per_second"]))
    if row["monthly_usd"] is None:
        return "Serverless %s (%s): %s [%s]; no serverless price for %s" % (
            row["instance"], row["engine"], usage, said, row["engine"])
    return ("Serverless %s (%s): %s [%s]: %s GB x %d h x %s USD/GB-hour = %.2f + %s million ECPUs x %s USD/million "
            "= %.2f; %.2f USD/month" % (
                row["instance"], row["engine"], usage, said, _figure(row["billed_gb"]), HOURS_PER_MONTH,
                row["gb_hour_usd"], row["storage_usd"], _figure(row["ecpus_million"]), row["ecpu_million_usd"],
                row["ecpu_usd"], row["monthly_usd"]))


def defaults_line():
    """The defaults the report assumes for a serverless cache cost_assumptions does not describe."""
    return ("Serverless usage assumed unless cost_assumptions says otherwise: %s GB stored, %s ECPUs/s on average; "
            "minimum stored data billed: redis %s GB, valkey %s GB" % (
                _figure(DEFAULT_ASSUMPTIONS["stored_gb"]), _figure(DEFAULT_ASSUMPTIONS["ecpu_per_second"]),
                _figure(MINIMUM_STORED_GB["redis"]), _figure(MINIMUM_STORED_GB["valkey"])))
