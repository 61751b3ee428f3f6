"""CloudWatch metrics of the emulated nodes, as ElastiCache publishes them (namespace AWS/ElastiCache, dimension
CacheClusterId), put into moto's CloudWatch so that GetMetricStatistics answers them.

BytesUsedForCache: each emulated node is one redis-server with `maxmemory 64mb` (redis_fixture.MAXMEMORY) standing
for a node of the group's node type; its INFO used_memory is scaled by the node type's maxmemory over 64 MiB, so
the share of memory used is the real server's. Published when the control API asks (POST /_emulator/metrics), as
automatic snapshots are.
"""

from __future__ import annotations

from moto.cloudwatch.models import cloudwatch_backends
from moto.core import DEFAULT_ACCOUNT_ID

from plugins.module_utils.node_memory import MAXMEMORY

SERVER_BYTES = 64 * 1024 * 1024


def scaled(used_memory: int, node_type: str) -> int:
    """The bytes a node of `node_type` would use for what uses `used_memory` of the 64 MiB server."""
    return int(used_memory * MAXMEMORY.get(node_type, SERVER_BYTES) / SERVER_BYTES)


def publish(running_groups, used_memory) -> dict:
    """Puts BytesUsedForCache for every member of every running group (used_memory: server key -> bytes or None);
    returns cache cluster id -> the bytes published."""
    published = {}
    for region, group in running_groups:
        used = used_memory(group.server_key)
        if used is None:
            continue
        value = scaled(used, group.node_type)
        # No Timestamp: moto stamps the datum with its own clock, the one GetMetricStatistics compares with.
        data = [{"MetricName": "BytesUsedForCache", "Value": float(value), "Unit": "Bytes",
                 "Dimensions": [{"Name": "CacheClusterId", "Value": member}]} for member in group.member_ids()]
        cloudwatch_backends[DEFAULT_ACCOUNT_ID][region.name].put_metric_data("AWS/ElastiCache", data)
        published.update((member, value) for member in group.member_ids())
    return published
