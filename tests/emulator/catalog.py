"""What AWS knows about ElastiCache: node types, engine versions, parameter families and defaults.

Taken from the ElastiCache User Guide ("Supported node types", "Supported engine versions",
"Engine specific parameters"). Only what the emulator needs to refuse what AWS refuses.
"""

from __future__ import annotations

_SIZES = {
    "t2": ["micro", "small", "medium"],
    "t3": ["micro", "small", "medium"],
    "t4g": ["micro", "small", "medium"],
    "m5": ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
    "m6g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "m7g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "r5": ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
    "r6g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "r6gd": ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "r7g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "c7gn": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
}
NODE_TYPES = frozenset(f"cache.{family}.{size}" for family, sizes in _SIZES.items() for size in sizes)

ENGINE_VERSIONS = {
    "redis": {"6.0": "redis6.x", "6.2": "redis6.x", "7.0": "redis7", "7.1": "redis7"},
    "valkey": {"7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8"},
}
DEFAULT_ENGINE_VERSION = {"redis": "7.1", "valkey": "8.0"}
# The families of the engine versions above: each has its default parameter groups and its PARAMETERS.
FAMILIES = ("redis6.x", "redis7", "valkey7", "valkey8")
# Every family CreateCacheParameterGroup takes, as botocore's model documents them.
PARAMETER_GROUP_FAMILIES = ("memcached1.4", "memcached1.5", "memcached1.6", "redis2.6", "redis2.8", "redis3.2",
                            "redis4.0", "redis5.0") + FAMILIES

_POLICIES = "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction"

# name: (default, data type, allowed values, modifiable, change type)
_COMMON = {
    "activedefrag": ("no", "string", "yes,no", True, "immediate"),
    "active-defrag-cycle-max": ("75", "integer", "1-75", True, "immediate"),
    "active-defrag-cycle-min": ("5", "integer", "1-75", True, "immediate"),
    "active-defrag-ignore-bytes": ("104857600", "integer", "1048576-", True, "immediate"),
    "active-defrag-threshold-lower": ("10", "integer", "1-100", True, "immediate"),
    "active-defrag-threshold-upper": ("100", "integer", "1-100", True, "immediate"),
    "active-expire-effort": ("1", "integer", "1-10", True, "immediate"),
    "activerehashing": ("yes", "string", "yes,no", True, "requires-reboot"),
    "client-output-buffer-limit-normal-hard-limit": ("0", "integer", "0-", True, "immediate"),
    "client-output-buffer-limit-normal-soft-limit": ("0", "integer", "0-", True, "immediate"),
    "client-output-buffer-limit-normal-soft-seconds": ("0", "integer", "0-", True, "immediate"),
    "client-output-buffer-limit-pubsub-hard-limit": ("33554432", "integer", "0-", True, "immediate"),
    "client-output-buffer-limit-pubsub-soft-limit": ("8388608", "integer", "0-", True, "immediate"),
    "client-output-buffer-limit-pubsub-soft-seconds": ("60", "integer", "0-", True, "immediate"),
    "close-on-replica-write": ("yes", "string", "yes,no", True, "immediate"),
    "cluster-enabled": ("no", "string", "yes,no", True, "requires-reboot"),
    "cluster-require-full-coverage": ("no", "string", "yes,no", True, "immediate"),
    "databases": ("16", "integer", "1-1200000", True, "requires-reboot"),
    "hll-sparse-max-bytes": ("3000", "integer", "0-16000", True, "immediate"),
    "lazyfree-lazy-eviction": ("no", "string", "yes,no", True, "immediate"),
    "lazyfree-lazy-expire": ("no", "string", "yes,no", True, "immediate"),
    "lazyfree-lazy-server-del": ("no", "string", "yes,no", True, "immediate"),
    "lfu-decay-time": ("1", "integer", "0-", True, "immediate"),
    "lfu-log-factor": ("10", "integer", "1-", True, "immediate"),
    "list-compress-depth": ("0", "integer", "0-", True, "immediate"),
    "lua-time-limit": ("5000", "integer", "5000", False, "immediate"),
    "maxclients": ("65000", "integer", "1-65000", False, "requires-reboot"),
    "maxmemory-policy": ("volatile-lru", "string", _POLICIES, True, "immediate"),
    "maxmemory-samples": ("3", "integer", "1-", True, "immediate"),
    "min-replicas-max-lag": ("10", "integer", "0-", True, "immediate"),
    "min-replicas-to-write": ("0", "integer", "0-", True, "immediate"),
    "notify-keyspace-events": ("", "string", None, True, "immediate"),
    "repl-backlog-size": ("1048576", "integer", "16384-", True, "immediate"),
    "repl-backlog-ttl": ("3600", "integer", "0-", True, "immediate"),
    "reserved-memory-percent": ("25", "integer", "0-100", True, "immediate"),
    "set-max-intset-entries": ("512", "integer", "0-", True, "immediate"),
    "slowlog-log-slower-than": ("10000", "integer", "-", True, "immediate"),
    "slowlog-max-len": ("128", "integer", "0-", True, "immediate"),
    "stream-node-max-bytes": ("4096", "integer", "0-", True, "immediate"),
    "stream-node-max-entries": ("100", "integer", "0-", True, "immediate"),
    "tcp-keepalive": ("300", "integer", "0-", True, "immediate"),
    "timeout": ("0", "integer", "0,20-", True, "immediate"),
}
_ZIPLIST = {
    "hash-max-ziplist-entries": ("512", "integer", "0-", True, "immediate"),
    "hash-max-ziplist-value": ("64", "integer", "0-", True, "immediate"),
    "list-max-ziplist-size": ("-2", "integer", "-5,-4,-3,-2,-1,1-", True, "immediate"),
    "zset-max-ziplist-entries": ("128", "integer", "0-", True, "immediate"),
    "zset-max-ziplist-value": ("64", "integer", "0-", True, "immediate"),
}
_LISTPACK = {
    "hash-max-listpack-entries": ("128", "integer", "0-", True, "immediate"),
    "hash-max-listpack-value": ("64", "integer", "0-", True, "immediate"),
    "list-max-listpack-size": ("-2", "integer", "-5,-4,-3,-2,-1,1-", True, "immediate"),
    "zset-max-listpack-entries": ("128", "integer", "0-", True, "immediate"),
    "zset-max-listpack-value": ("64", "integer", "0-", True, "immediate"),
    "lazyfree-lazy-user-del": ("no", "string", "yes,no", True, "immediate"),
    "lazyfree-lazy-user-flush": ("no", "string", "yes,no", True, "immediate"),
    "acllog-max-len": ("128", "integer", "1-10000", True, "immediate"),
}
PARAMETERS = {
    "redis6.x": {**_COMMON, **_ZIPLIST},
    "redis7": {**_COMMON, **_LISTPACK},
    "valkey7": {**_COMMON, **_LISTPACK},
    "valkey8": {**_COMMON, **_LISTPACK},
}


def allows(allowed: str | None, data_type: str, value: str) -> bool:
    """Whether a value fits a parameter's AllowedValues text ("yes,no", "1-64", "0,20-")."""
    if allowed is None:
        return True
    if data_type != "integer":
        return value in allowed.split(",")
    try:
        number = int(value)
    except ValueError:
        return False
    for part in allowed.split(","):
        low, dash, high = part.partition("-") if not part.startswith("-") or part == "-" else (part, "", "")
        if not dash:
            if number == int(low):
                return True
        elif (low == "" or number >= int(low)) and (high == "" or number <= int(high)):
            return True
    return False
