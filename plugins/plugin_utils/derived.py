# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the roles create or use that follows from the resolved instances: parameter groups, log groups,
log delivery, connection facts and CloudWatch alarms. Plain functions of the model (and of the replication groups
as AWS describes them); none of them holds or returns a secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import PURPOSES
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import instance_for
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redact_url
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redis_url
from ansible_collections.funmagic.elasticache.plugins.module_utils.serverless import is_serverless

# The log types of ElastiCache log delivery, by their cache_log_delivery switch.
LOG_TYPES = (("slow_log", "slow-log"), ("engine_log", "engine-log"))
# The checks of the collection's alarm names (<alarm prefix><node>-<check>), for the purge pattern.
ALARM_CHECKS = ("cpu", "engine-cpu", "memory", "connections", "evictions", "replication-lag")
# The checks of a serverless cache's alarms (<alarm prefix><cache name>-<check>).
SERVERLESS_CHECKS = ("ecpu", "data-storage", "throttled-commands", "connections")
# A serverless cache's ECPU and stored data alarms fire at this share of its usage limits' maximum.
SERVERLESS_LIMIT_SHARE = 0.8
# CacheUsageLimits.DataStorage is in GB; counted as 10^9 bytes, the alarm fires a little early rather than late.
BYTES_PER_GB = 1000 ** 3


def log_delivery(settings, spec):
    """The replication group's log delivery configurations: one per log type that is on, each in its own group."""
    return [{"log_type": log_type, "log_format": settings["log_format"], "destination_type": "cloudwatch-logs",
             "log_group": "/elasticache/%s/%s" % (spec["replication_group_id"], log_type)}
            for key, log_type in LOG_TYPES if settings[key]]


def parameter_groups(model):
    """Every instance's cache parameter group, for funmagic.elasticache.parameter_group's parameter_groups. A group
    made for an engine or major version change starts with the values set on the group the instance uses now
    (copy_from), under the inventory's."""
    groups = []
    for spec in model["instances"]:
        if is_serverless(spec):
            continue  # a serverless cache has no parameter group
        group = {"name": spec["parameter_group"], "family": spec.get("family"), "parameters": spec["parameters"],
                 "description": "Parameters of %s (%s)" % (spec["name"], spec["purpose"]), "tags": spec["tags"]}
        change = spec.get("engine_change") or {}
        if change.get("parameter_group_from") and change["parameter_group_from"] != spec["parameter_group"]:
            group["copy_from"] = change["parameter_group_from"]
        groups.append(group)
    return groups


def log_groups(model):
    """The CloudWatch Logs log groups of every instance's log delivery, with the retention to give them."""
    return [{"name": c["log_group"], "retention_days": model["cache"]["log_retention_days"]}
            for spec in model["instances"] for c in spec["log_delivery_configurations"]]


def connections(specs, groups, caches=(), region=None, regional=None):
    """name -> connection facts from the specs and the described replication groups and serverless caches (`caches`,
    for the specs of kind serverless). No secret in them.

    Each: purpose, replication_group_id, kind, endpoint, port, reader_endpoint, reader_port, tls, auth, access,
    cluster, url_redacted, and order (the instance's place in cache_instances: a worker that maps no instance to a
    purpose gets the first). The URL with the token is built where it is written (redis_env with cache_auth_tokens).
    A serverless cache is reached as a cluster, over TLS, each worker with its own user.

    An instance with global.regions also gets `regions` (Region -> its member's endpoint, port, reader_endpoint,
    reader_port and role, PRIMARY or SECONDARY) and `primary_region`, from `groups` (described in `region`, the
    inventory's aws_region) and `regional` (Region -> the groups described there); its endpoint and reader endpoint
    are then the primary member's (global_writer), wherever that is now.
    """
    by_id = dict((g["replication_group_id"], g) for g in groups)
    by_name = dict((c["serverless_cache_name"], c) for c in caches)
    result = {}
    for order, spec in enumerate(specs):
        facts = _serverless_facts(spec, by_name) if is_serverless(spec) else _group_facts(spec, by_id)
        if (spec.get("global") or {}).get("regions") and region:
            facts.update(_global_facts(spec, by_id[spec["replication_group_id"]], facts, region, regional or {}))
        facts.update(purpose=spec["purpose"], replication_group_id=spec["replication_group_id"], auth=spec["auth"],
                     access=spec.get("access") or "token", order=order, url_redacted=redact_url(redis_url(
                         facts["endpoint"], facts["port"], facts["tls"],
                         user="WORKER" if spec.get("access") == "rbac" else None,
                         token="x" if spec["auth"] or spec.get("access") == "rbac" else None)))
        result[spec["name"]] = facts
    return result


def _role(group):
    return (group.get("global_replication_group_info") or {}).get("global_replication_group_member_role")


def _member(group):
    endpoint = group.get("primary_endpoint") or group.get("configuration_endpoint") or {}
    reader = group.get("reader_endpoint") or {}
    return {"endpoint": endpoint.get("address"), "port": endpoint.get("port"), "reader_endpoint": reader.get("address"),
            "reader_port": reader.get("port"), "role": _role(group)}


def _global_facts(spec, home, facts, region, regional):
    """regions, primary_region, and the primary member's endpoints, of an instance with global.regions. A member is a
    group of the instance's id that the Region describes with a global role; the inventory's own Region counts as
    primary until a member says PRIMARY (the global datastore is made after its primary group)."""
    members = {region: dict(((k, facts[k]) for k in ("endpoint", "port", "reader_endpoint", "reader_port")),
                            role=_role(home))}
    for other in spec["global"]["regions"]:
        found = [_member(g) for g in regional.get(other) or []
                 if g["replication_group_id"] == spec["replication_group_id"]]
        if found and found[0]["role"] and found[0]["endpoint"]:
            members[other] = found[0]
    primaries = sorted(r for r, m in members.items() if m["role"] == "PRIMARY")
    primary = primaries[0] if primaries else region
    members[primary]["role"] = "PRIMARY"
    for name, member in members.items():
        if name != primary:
            member["role"] = "SECONDARY"
    chosen = members[primary]
    return dict(regions=members, primary_region=primary, endpoint=chosen["endpoint"], port=chosen["port"],
                reader_endpoint=chosen["reader_endpoint"], reader_port=chosen["reader_port"])


def global_writer(connection):
    """(Region, {endpoint, port, reader_endpoint, reader_port, role}) of the member that takes writes: the one
    DescribeReplicationGroups calls PRIMARY in its GlobalReplicationGroupInfo (after a regional failover, the promoted
    one). (None, the connection itself) for an instance without a global datastore."""
    if not connection.get("regions"):
        return None, connection
    return connection["primary_region"], connection["regions"][connection["primary_region"]]


def host_connections(connections, region):
    """The connection facts of an application host in `region` (client_region), name -> facts.

    An instance without a global datastore, or a host in its primary Region: as `connections` gives it. A host in a
    secondary Region: endpoint and port stay the primary member's (what writers with global_writes primary use),
    local_endpoint and local_port are its own Region's member (global_writes local; read-only), reader_endpoint and
    reader_port that member's reader endpoint (its primary endpoint when it has none), and local_region names the
    Region. A host in a Region without a member: the primary's, with no_member set (host_warnings says so)."""
    result = {}
    for name, facts in connections.items():
        facts = dict(facts)
        if facts.get("regions"):
            primary_region, writer = global_writer(facts)
            own = facts["regions"].get(region)
            facts.update(host_region=region, endpoint=writer["endpoint"], port=writer["port"],
                         reader_endpoint=writer["reader_endpoint"], reader_port=writer["reader_port"])
            if own is None:
                facts["no_member"] = True
            elif region != primary_region:
                facts.update(local_region=region, local_endpoint=own["endpoint"], local_port=own["port"],
                             reader_endpoint=own["reader_endpoint"] or own["endpoint"],
                             reader_port=own["reader_port"] or own["port"])
        result[name] = facts
    return result


def host_warnings(host, region, connections, workers):
    """What the client role warns about for a host in `region` (connections: host_connections'), one message each:
    a worker whose global_writes is local writes to a read-only secondary; an instance without a member in the
    host's Region is reached in the primary's, across Regions."""
    warnings = []
    for name in sorted(connections):
        facts = connections[name]
        if facts.get("no_member"):
            warnings.append("host %s (%s): instance %s has no member in %s; its env files point at the primary in %s, "
                            "across Regions (the Redis security group there must admit this host's address, a CIDR "
                            "rule)" % (host, region, name, region, facts["primary_region"]))
            continue
        if not facts.get("local_endpoint"):
            continue
        for worker in workers:
            if worker.get("global_writes") != "local":
                continue
            purposes = [p for p in PURPOSES if _uses(connections, worker, p) == name]
            if purposes:
                warnings.append("host %s (%s): worker %s writes %s to instance %s's secondary in %s, which is "
                                "read-only: writes get READONLY until %s is promoted (global_writes: local)"
                                % (host, region, worker["name"], ", ".join(purposes), name, region, region))
    return warnings


def _uses(connections, worker, purpose):
    """The instance a worker uses for a purpose, None when it is not among `connections` (not made yet)."""
    try:
        return instance_for(connections, worker, purpose)[0]
    except ValueError:
        return None


def _group_facts(spec, by_id):
    group = by_id.get(spec["replication_group_id"])
    if group is None:
        raise ValueError("cache_instances (%s): replication group %s does not exist; run provision.yml first"
                         % (spec["name"], spec["replication_group_id"]))
    endpoint = group.get("primary_endpoint") or group.get("configuration_endpoint")
    if not endpoint:
        raise ValueError("cache_instances (%s): replication group %s has no endpoint yet (status %s)"
                         % (spec["name"], spec["replication_group_id"], group.get("status")))
    reader = group.get("reader_endpoint") or {}
    return {"kind": "node", "endpoint": endpoint["address"], "port": endpoint["port"],
            "reader_endpoint": reader.get("address"), "reader_port": reader.get("port"),
            "tls": bool(group.get("transit_encryption_enabled")), "cluster": bool(group.get("cluster_enabled"))}


def _serverless_facts(spec, by_name):
    cache = by_name.get(spec["replication_group_id"])
    if cache is None:
        raise ValueError("cache_instances (%s): serverless cache %s does not exist; run provision.yml first"
                         % (spec["name"], spec["replication_group_id"]))
    endpoint = cache.get("endpoint") or {}
    if not endpoint.get("address"):
        raise ValueError("cache_instances (%s): serverless cache %s has no endpoint yet (status %s)"
                         % (spec["name"], spec["replication_group_id"], cache.get("status")))
    reader = cache.get("reader_endpoint") or {}
    return {"kind": "serverless", "endpoint": endpoint["address"], "port": endpoint["port"],
            "reader_endpoint": reader.get("address"), "reader_port": reader.get("port"), "tls": True,
            "cluster": True}


def alarm_purge(model):
    """Which existing alarms are the collection's own, for metric_alarms' purge: the prefix they share and the
    pattern of their names (<alarm prefix><group id>-<node number>-<check>, and <alarm prefix><cluster id>-<check>
    for a cache cluster adopted as a group's primary, which keeps its own name), so that alarms of nodes that are gone
    are removed, and nothing else is touched."""
    settings = model.get("monitoring") or {}
    alarm_prefix = settings.get("prefix") or ""
    ids = [spec["replication_group_id"] for spec in model["instances"]]
    adopted = sorted(set(spec["primary_cluster_id"] for spec in model["instances"] if spec.get("primary_cluster_id")))
    shared = os.path.commonprefix([alarm_prefix + (model["prefix"] + "-" if model["prefix"] else "")]
                                  + [alarm_prefix + cluster_id for cluster_id in adopted])
    groups = "|".join(re.escape(group_id) for group_id in ids)
    nodes = "|".join(["(%s)-(\\d{3}|\\d{4}-\\d{3})" % groups] + [re.escape(cluster_id) for cluster_id in adopted])
    pattern = "%s(%s)-(%s)" % (re.escape(alarm_prefix), nodes, "|".join(ALARM_CHECKS))
    caches = [spec["replication_group_id"] for spec in model["instances"] if is_serverless(spec)]
    if caches:
        pattern = "(%s)|(%s(%s)-(%s))" % (pattern, re.escape(alarm_prefix), "|".join(re.escape(c) for c in caches),
                                          "|".join(SERVERLESS_CHECKS))
    return {"prefix": shared, "pattern": pattern}


def _maximum(spec, limit):
    value = (((spec.get("usage_limits") or {}).get(limit)) or {}).get("maximum")
    return None if value is None else float(value)


def serverless_alarms(specs, settings):
    """CloudWatch alarm definitions for every serverless cache (kind serverless) of `specs`, dimension clusterId =
    the cache's name: ECPUs against the ecpu_per_second maximum and stored data (BytesUsedForCache) against the
    data_storage maximum (each at SERVERLESS_LIMIT_SHARE, only when the maximum is set), throttled commands (any),
    connections (monitoring.connections_limit)."""
    definitions = []
    period = settings.get("period") or 300
    for spec in sorted((s for s in specs if is_serverless(s)), key=lambda s: s["name"]):
        cache = spec["replication_group_id"]
        checks = []
        ecpu = _maximum(spec, "ecpu_per_second")
        if ecpu is not None:
            # ElastiCacheProcessingUnits is a count: its Sum over the period, against the limit per second x period.
            checks.append(("ecpu", "ElastiCacheProcessingUnits", "Sum", "GreaterThanOrEqualToThreshold",
                           round(ecpu * SERVERLESS_LIMIT_SHARE * period, 1),
                           "%d%% of the ECPU limit (%s per second)" % (SERVERLESS_LIMIT_SHARE * 100, int(ecpu))))
        storage = _maximum(spec, "data_storage")
        if storage is not None:
            checks.append(("data-storage", "BytesUsedForCache", "Maximum", "GreaterThanOrEqualToThreshold",
                           round(storage * BYTES_PER_GB * SERVERLESS_LIMIT_SHARE, 1),
                           "%d%% of the data storage limit (%s GB)" % (SERVERLESS_LIMIT_SHARE * 100, storage)))
        checks += [("throttled-commands", "ThrottledCmds", "Sum", "GreaterThanThreshold", 0.0,
                    "any command throttled"),
                   ("connections", "CurrConnections", "Maximum", "GreaterThanOrEqualToThreshold",
                    float(settings.get("connections_limit") or 1000), "connections")]
        for short, metric, statistic, comparison, threshold, why in checks:
            definitions.append({
                "name": "%s%s-%s" % (settings.get("prefix") or "", cache, short),
                "metric": metric,
                "comparison": comparison,
                "threshold": threshold,
                "statistic": statistic,
                "period": period,
                "evaluation_periods": settings.get("evaluation_periods") or 2,
                "dimensions": {"clusterId": cache},
                "description": "%s of serverless cache %s (%s instance %s): %s" % (
                    metric, cache, spec["purpose"], spec["name"], why),
                "actions": list(settings.get("actions") or []),
            })
    return definitions


def alarms(specs, groups, settings, missing_ok=False):
    """CloudWatch alarm definitions for every node of every node-based instance (settings: the model's monitoring);
    serverless caches are left to serverless_alarms."""
    by_id = dict((g["replication_group_id"], g) for g in groups)
    definitions = []
    for spec in sorted((s for s in specs if not is_serverless(s)), key=lambda s: s["name"]):
        group = by_id.get(spec["replication_group_id"])
        if group is None:
            if missing_ok:
                continue
            raise ValueError("cache_instances (%s): replication group %s does not exist"
                             % (spec["name"], spec["replication_group_id"]))
        nodes = group.get("member_clusters") or []
        try:
            vcpus = cost.vcpus(group["cache_node_type"])
        except ValueError:
            vcpus = 4  # a node type newer than the catalog: watch the engine's own CPU
        evictions = 0 if spec["purpose"] == "queue" else settings.get("evictions_limit") or 0
        checks = [("cpu", "CPUUtilization", "GreaterThanThreshold", round(90.0 / vcpus, 1)) if vcpus <= 2 else
                  ("engine-cpu", "EngineCPUUtilization", "GreaterThanOrEqualToThreshold", 90.0),
                  ("memory", "DatabaseMemoryUsagePercentage", "GreaterThanOrEqualToThreshold", 90.0),
                  ("connections", "CurrConnections", "GreaterThanOrEqualToThreshold",
                   float(settings.get("connections_limit") or 1000)),
                  ("evictions", "Evictions", "GreaterThanThreshold", float(evictions))]
        if len(nodes) > 1:
            checks.append(("replication-lag", "ReplicationLag", "GreaterThanOrEqualToThreshold",
                           float(settings.get("replication_lag_seconds") or 60)))
        for node in nodes:
            for short, metric, comparison, threshold in checks:
                definitions.append({
                    "name": "%s%s-%s" % (settings.get("prefix") or "", node, short),
                    "metric": metric,
                    "comparison": comparison,
                    "threshold": threshold,
                    "statistic": "Maximum" if metric in ("Evictions", "CurrConnections") else "Average",
                    "period": settings.get("period") or 300,
                    "evaluation_periods": settings.get("evaluation_periods") or 2,
                    "dimensions": {"CacheClusterId": node, "CacheNodeId": "0001"},
                    "description": "%s of %s (%s instance %s)" % (metric, node, spec["purpose"], spec["name"]),
                    "actions": list(settings.get("actions") or []),
                })
    return definitions
