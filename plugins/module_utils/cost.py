# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Node types: vCPUs (for alarm thresholds) and on-demand prices (for cost estimates)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
    """Estimated USD per month (730 hours) for `nodes` on-demand nodes of `node_type`."""
    if node_type not in HOURLY_USD:
        raise ValueError("no price for node type %r; known: %s" % (node_type, ", ".join(sorted(HOURLY_USD))))
    if region not in SAME_PRICE_REGIONS:
        raise ValueError("no price data for region %r; known regions: %s" % (region, ", ".join(SAME_PRICE_REGIONS)))
    if engine not in ENGINE_FACTOR:
        raise ValueError("engine must be redis or valkey, got %r" % engine)
    if int(nodes) < 1:
        raise ValueError("nodes must be at least 1, got %r" % nodes)
    return round(HOURLY_USD[node_type] * HOURS_PER_MONTH * int(nodes) * ENGINE_FACTOR[engine], 2)
