# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An instance of `kind: serverless`: what cannot apply to it, what it needs, and its resolved spec.

A serverless cache has no nodes, parameter group or maintenance window (AWS sizes, patches and scales it), always
uses TLS and is reached only through an RBAC user group (ElastiCache Serverless user guide). What it takes from the
instance: engine (redis or valkey) and the major version of engine_version, usage_limits, snapshot_retention_limit and
the start of snapshot_window as its daily snapshot time. The serverless cache is named like a replication group
(`replication_group_id`, `<prefix>-<name>`), which the cost report and the alarms read too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.funmagic.elasticache.plugins.module_utils import serverless

# Options that mean nodes, with why a serverless cache has none of them.
NODE_ONLY = (
    ("node_type", "a serverless cache has no nodes to size; AWS scales it within usage_limits"),
    ("replicas", "a serverless cache has no nodes to replicate; AWS keeps its data in several zones"),
    ("cluster_mode", "a serverless cache is always served as a cluster; there is nothing to choose"),
    ("shards", "a serverless cache has no shards to choose; AWS scales it within usage_limits"),
    ("parameters", "a serverless cache has no parameter group"),
    ("maintenance_window", "AWS patches a serverless cache without a maintenance window"),
    ("data_tiering", "a serverless cache has no nodes whose data could be tiered to SSD"),
    ("preferred_azs", "AWS places a serverless cache in the zones of its subnets itself"),
    ("network_type", "the collection makes serverless caches on IPv4 only"),
    ("ip_discovery", "the collection makes serverless caches on IPv4 only"),
    ("primary_cluster_id", "a serverless cache cannot be made around a cache cluster; make it from a snapshot of the "
                           "cluster with funmagic.elasticache.serverless_cache's snapshot_arns_to_restore instead"),
    ("global", "a serverless cache cannot be a member of a global datastore; AWS makes global datastores of "
               "node-based replication groups only"),
    ("restore_from_snapshot", "the cache role restores node-based snapshots only; make the serverless cache from a "
                              "snapshot with funmagic.elasticache.serverless_cache's snapshot_arns_to_restore"),
)


def explicit_errors(where, instance, defaults_path=None, defaults=None):
    """The node-only options set on a serverless instance (its own fields) or in a cache_defaults that says
    kind: serverless (defaults_path, defaults), each with the reason."""
    errors = []
    for path, fields in ((where, instance), (defaults_path, defaults)):
        for option, reason in NODE_ONLY:
            if path and (fields or {}).get(option) is not None:
                errors.append("%s.%s: %s; remove it from this serverless instance (kind: serverless)"
                              % (path, option, reason))
    return errors


def ingress_ports(port, specs):
    """The ports the Redis security group admits from the application hosts: cache_port, and a serverless cache's
    reader endpoint port (6380) when there is a serverless instance (AWS: both ports must be open to read from
    replicas)."""
    if any(serverless.is_serverless(spec) for spec in specs) and port != serverless.READER_PORT:
        return [port, serverless.READER_PORT]
    return [port]


def port_errors(port, specs):
    """A serverless cache listens on 6379 (its reader endpoint on 6380), and the Redis security group admits cache_port
    (and 6380 when there is a serverless instance): another port would shut the hosts out of the serverless
    instances."""
    names = [spec["name"] for spec in specs if serverless.is_serverless(spec)]
    if names and port is not None and port != serverless.ENDPOINT_PORT:
        return ["cache_port: %s; a serverless cache listens on %d, which the Redis security group would not admit, "
                "so the hosts could not reach %s; set cache_port: %d, or kind: node for them"
                % (port, serverless.ENDPOINT_PORT, ", ".join(names), serverless.ENDPOINT_PORT)]
    return []


def resolve(where, spec):
    """Fill in the serverless keys of a resolved instance spec; returns the problems, each naming its field."""
    errors = []
    if not spec["transit_encryption"]:
        errors.append("%s.transit_encryption: a serverless cache always uses TLS; remove transit_encryption: false"
                      % where)
    if not spec["at_rest_encryption"]:
        errors.append("%s.at_rest_encryption: a serverless cache is always encrypted at rest; remove "
                      "at_rest_encryption: false" % where)
    if spec["access"] != "rbac":
        errors.append("%s.access: a serverless cache is reached only through an RBAC user group, not an AUTH token; "
                      "set access: rbac (a user per worker)" % where)
    spec["major_engine_version"] = str(spec["engine_version"]).split(".", 1)[0]
    errors.extend(serverless.major_version_errors(spec["engine"], spec["major_engine_version"],
                                                  "%s.engine_version" % where))
    errors.extend(serverless.limit_errors(spec.get("usage_limits"), "%s.usage_limits" % where))
    spec["usage_limits"] = spec.get("usage_limits") or None
    window = spec.get("snapshot_window")
    spec["daily_snapshot_time"] = window.split("-", 1)[0] if window else None
    spec["user_group_id"] = spec["replication_group_id"]
    for option, _reason in NODE_ONLY:
        spec[option] = None
    # Clients reach it as a cluster: cluster clients, and queue prefixes with a hash tag.
    spec.update(parameters={}, cluster_mode=True, parameter_group=None, family=None, log_delivery_configurations=[])
    return errors
