# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' logic in plain Python: instance specs, connection facts, wait progress and alarms."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost
from ansible_collections.funmagic.elasticache.plugins.module_utils import validation
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redact_url
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redis_url

PURPOSES = ("main", "queue", "pubsub")
# BullMQ refuses to run on an instance that may evict keys.
PURPOSE_PARAMETERS = {"queue": {"maxmemory-policy": "noeviction"}}
SPEC_KEYS = ("node_type", "replicas", "engine", "engine_version", "transit_encryption", "at_rest_encryption",
             "auth_token", "snapshot_retention_limit", "snapshot_window", "maintenance_window", "parameters", "tags")


def family(engine, version):
    """Parameter group family of an engine version: redis 7.1 -> redis7, redis 6.2 -> redis6.x, valkey 8.0 -> valkey8."""
    major = str(version).split(".", 1)[0]
    if engine == "redis" and major == "6":
        return "redis6.x"
    if (engine, major) in (("redis", "7"), ("valkey", "7"), ("valkey", "8")):
        return "%s%s" % (engine, major)
    raise ValueError("engine %s %s has no supported parameter group family (redis 6/7, valkey 7/8)" % (engine, version))


def tokens(instances, defaults):
    """name -> AUTH token ("" for none). Kept apart from the specs, which are looped over and may be printed."""
    default = defaults.get("auth_token") or ""
    return dict((i.get("name"), i.get("auth_token") or default) for i in instances)


def resolve(instances, defaults, prefix, tags=None):
    """Full specs of the instances: defaults merged, ids prefixed, queue parameters added, input checked.

    The specs hold no secret: auth_token is replaced by auth (whether there is one); see tokens().

    Raises ValueError naming the instance and the field when an input is wrong.
    """
    if not instances:
        raise ValueError("cache_instances is empty: define at least one instance (name, purpose)")
    specs, errors, seen = [], [], set()
    for index, instance in enumerate(instances):
        name = instance.get("name")
        where = "cache_instances[%d]%s" % (index, " (%s)" % name if name else "")
        if not name:
            errors.append("%s: name is required" % where)
            continue
        if name in seen:
            errors.append("%s: the name is used twice" % where)
        seen.add(name)
        unknown = set(instance) - set(SPEC_KEYS) - set(("name", "purpose", "description"))
        if unknown:
            errors.append("%s: unknown field(s) %s" % (where, ", ".join(sorted(unknown))))
        purpose = instance.get("purpose", "main")
        if purpose not in PURPOSES:
            errors.append("%s: purpose must be one of %s, got %r" % (where, ", ".join(PURPOSES), purpose))
        spec = dict(defaults)
        spec.update(dict((k, v) for k, v in instance.items() if k in SPEC_KEYS and v is not None))
        spec["name"], spec["purpose"] = name, purpose
        spec["replication_group_id"] = ("%s-%s" % (prefix, name) if prefix else name).lower()
        spec["description"] = instance.get("description") or "%s Redis (%s)" % (name, purpose)
        spec["parameters"] = dict(spec.get("parameters") or {})
        spec["parameters"].update(PURPOSE_PARAMETERS.get(purpose, {}))
        spec["tags"] = dict(tags or {}, **(spec.get("tags") or {}))
        spec["tags"].setdefault("Purpose", purpose)
        token = spec.pop("auth_token", None) or None
        spec["auth"] = bool(token)
        try:
            spec["family"] = family(spec.get("engine", "redis"), spec.get("engine_version", "7.1"))
        except ValueError as e:
            errors.append("%s: %s" % (where, e))
        spec["parameter_group"] = spec["replication_group_id"]
        problems = validation.identifier(spec["replication_group_id"], "%s: replication group id" % where)
        problems += validation.auth_token(token, "%s: auth_token" % where)
        problems += validation.replicas(spec.get("replicas"), "%s: replicas" % where)
        problems += validation.retention(spec.get("snapshot_retention_limit"), "%s: snapshot_retention_limit" % where)
        problems += validation.windows(spec.get("snapshot_window"), spec.get("maintenance_window"))
        if token and not spec.get("transit_encryption"):
            problems.append("%s: auth_token needs transit_encryption: true" % where)
        errors += problems
        specs.append(spec)
    if errors:
        raise ValueError("; ".join(errors))
    return specs


def connections(specs, groups, auth_tokens=None):
    """name -> connection facts, from the specs and replication_group_info's groups.

    Each: purpose, replication_group_id, endpoint, port, reader_endpoint, tls, url (with the token),
    url_redacted (for display), auth (whether a token is used), token (the AUTH token or "").
    """
    by_id = dict((g["replication_group_id"], g) for g in groups)
    result = {}
    for spec in specs:
        group = by_id.get(spec["replication_group_id"])
        if group is None:
            raise ValueError("replication group %s (instance %s) does not exist" %
                             (spec["replication_group_id"], spec["name"]))
        endpoint = group.get("primary_endpoint") or group.get("configuration_endpoint")
        if not endpoint:
            raise ValueError("replication group %s has no endpoint yet (status %s)" %
                             (spec["replication_group_id"], group.get("status")))
        tls = bool(group.get("transit_encryption_enabled"))
        token = (auth_tokens or {}).get(spec["name"]) or ""
        url = redis_url(endpoint["address"], endpoint["port"], tls, token=token or None)
        result[spec["name"]] = {
            "purpose": spec["purpose"],
            "replication_group_id": spec["replication_group_id"],
            "endpoint": endpoint["address"],
            "port": endpoint["port"],
            "reader_endpoint": (group.get("reader_endpoint") or {}).get("address"),
            "tls": tls,
            "auth": bool(token),
            "token": token,
            "url": url,
            "url_redacted": redact_url(url),
        }
    return result


def progress(groups, ids):
    """{ready, failed, summary}: whether every id is available, and 'id=status' for each, in order."""
    status = dict((g["replication_group_id"], g.get("status", "?")) for g in groups)
    states = [(i, status.get(i, "missing")) for i in ids]
    return {
        "ready": all(state == "available" for group_id, state in states),
        "failed": [group_id for group_id, state in states if state in ("create-failed", "missing", "deleting")],
        "summary": ", ".join("%s=%s" % pair for pair in states),
    }


def alarms(instances, groups, settings):
    """CloudWatch alarm definitions per node of every instance.

    instances: name -> {purpose, replication_group_id} (the cache role's connection facts), or a list
    of resolved specs. settings: prefix, connections_limit, evictions_limit, replication_lag_seconds,
    actions, period, evaluation_periods, missing_ok (skip instances whose group does not exist).
    """
    if isinstance(instances, list):
        instances = dict((spec["name"], spec) for spec in instances)
    by_id = dict((g["replication_group_id"], g) for g in groups)
    definitions = []
    for name in sorted(instances):
        spec = dict(instances[name], name=name)
        group = by_id.get(spec["replication_group_id"])
        if group is None:
            if settings.get("missing_ok"):
                continue
            raise ValueError("instance %s: replication group %s does not exist" % (name, spec["replication_group_id"]))
        vcpus = cost.vcpus(group["cache_node_type"])
        evictions = 0 if spec["purpose"] == "queue" else settings.get("evictions_limit", 0)
        replicas = len(group.get("member_clusters") or []) > 1
        for node in group.get("member_clusters") or []:
            checks = []
            if vcpus <= 2:
                checks.append(("cpu", "CPUUtilization", "GreaterThanThreshold", round(90.0 / vcpus, 1)))
            else:
                checks.append(("engine-cpu", "EngineCPUUtilization", "GreaterThanOrEqualToThreshold", 90.0))
            checks.append(("memory", "DatabaseMemoryUsagePercentage", "GreaterThanOrEqualToThreshold", 90.0))
            checks.append(("connections", "CurrConnections", "GreaterThanOrEqualToThreshold",
                           float(settings.get("connections_limit", 1000))))
            checks.append(("evictions", "Evictions", "GreaterThanThreshold", float(evictions)))
            if replicas:
                checks.append(("replication-lag", "ReplicationLag", "GreaterThanOrEqualToThreshold",
                               float(settings.get("replication_lag_seconds", 60))))
            for short, metric, comparison, threshold in checks:
                definitions.append({
                    "name": "%s%s-%s" % (settings.get("prefix", ""), node, short),
                    "metric": metric,
                    "comparison": comparison,
                    "threshold": threshold,
                    "statistic": "Maximum" if metric in ("Evictions", "CurrConnections") else "Average",
                    "period": settings.get("period", 300),
                    "evaluation_periods": settings.get("evaluation_periods", 2),
                    "dimensions": {"CacheClusterId": node, "CacheNodeId": "0001"},
                    "description": "%s of %s (%s instance %s)" % (metric, node, spec["purpose"], spec["name"]),
                    "actions": list(settings.get("actions") or []),
                })
    return definitions


def cost_report(specs, region):
    """Rows (instance, node type, nodes, monthly USD) and the total, for the cost playbook."""
    rows = []
    for spec in specs:
        nodes = (spec.get("replicas") or 0) + 1
        rows.append({"instance": spec["name"], "node_type": spec["node_type"], "nodes": nodes,
                     "monthly_usd": cost.monthly_cost(spec["node_type"], nodes, region, spec.get("engine", "redis"))})
    return {"rows": rows, "total_usd": round(sum(r["monthly_usd"] for r in rows), 2),
            "prices_taken": cost.PRICES_TAKEN}
