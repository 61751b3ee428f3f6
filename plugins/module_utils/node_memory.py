# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How much data a node type holds, and whether a group's data fits a smaller one. Plain Python, no AWS calls.

MAXMEMORY is ElastiCache's `maxmemory` of each node type (User Guide, "Redis OSS node-type specific parameters",
bytes). The engine may use maxmemory less reserved-memory-percent (25 by default) for data: that is what
`INFO memory` shows as maxmemory on the node, and what AWS compares BytesUsedForCache with when it scales a group
down ("Failed to scale down ... because the node has insufficient memory").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

_GIB = 1024 ** 3
_SMALL = {"micro": 536870912, "small": 1471026299, "medium": 3317862236}
_GENERAL = {"large": 6854542746, "xlarge": 13891921715, "2xlarge": 27966669210, "4xlarge": 56116178125,
            "8xlarge": 111325552312, "12xlarge": 168715971994, "16xlarge": 225000375228, "24xlarge": 337500562842}
_MEMORY = {"large": 14037181030, "xlarge": 28261849702, "2xlarge": 56711183565, "4xlarge": 113609865216,
           "8xlarge": 225000375228, "12xlarge": 341206346547, "16xlarge": 450000750456, "24xlarge": 682485973811}
MAXMEMORY = dict(
    [("cache.t2.micro", 581959680), ("cache.t2.small", 1665138688), ("cache.t2.medium", 3461349376)]
    + [("cache.%s.%s" % (family, size), value) for family in ("t3", "t4g") for size, value in _SMALL.items()]
    + [("cache.%s.%s" % (family, size), value) for family in ("m5", "m6g", "m7g") for size, value in _GENERAL.items()]
    + [("cache.%s.%s" % (family, size), value) for family in ("r5", "r6g", "r7g") for size, value in _MEMORY.items()]
)
DEFAULT_RESERVED_PERCENT = 25


def usable_bytes(node_type, reserved_percent=None):
    """The bytes a node of that type keeps for data (maxmemory less reserved-memory-percent), or None if unknown."""
    if node_type not in MAXMEMORY:
        return None
    percent = DEFAULT_RESERVED_PERCENT if reserved_percent in (None, "") else float(reserved_percent)
    return int(MAXMEMORY[node_type] * (100 - percent) / 100)


def direction(current, wanted):
    """'up', 'down' or None (same size, or a node type this table does not know) for a node type change."""
    if current not in MAXMEMORY or wanted not in MAXMEMORY or MAXMEMORY[current] == MAXMEMORY[wanted]:
        return None
    return "up" if MAXMEMORY[wanted] > MAXMEMORY[current] else "down"


def gib(value):
    return "%.2f GiB" % (value / float(_GIB))


def scale_down_refusal(group_id, current, wanted, used_bytes, reserved_percent=None):
    """Why `wanted` cannot hold the group's data (a message), or None when it fits or nothing is known.

    used_bytes: the most a node of the group used (BytesUsedForCache, or INFO used_memory), or None.
    """
    usable = usable_bytes(wanted, reserved_percent)
    if used_bytes is None or usable is None or used_bytes <= usable:
        return None
    return ("replication group %s holds %s (BytesUsedForCache) and a %s node keeps %s for data (maxmemory %s less "
            "reserved-memory-percent %s); AWS would refuse the scale down (insufficient memory). Keep node_type %s, "
            "choose a node type with more memory, or reduce the data first"
            % (group_id, gib(used_bytes), wanted, gib(usable), gib(MAXMEMORY[wanted]),
               DEFAULT_RESERVED_PERCENT if reserved_percent in (None, "") else reserved_percent, current))
