# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the nodes of a replication group are and where they stand: data tiering, network type and IP discovery,
the availability zone of each node. The rules AWS applies to them, the CreateReplicationGroup parameters, and the
comparison with a described group. No AWS calls here; shared by the replication_group module and the input rules.

What AWS allows (CreateReplicationGroup / ModifyReplicationGroup in botocore's model, the User Guide's "Data
tiering" and "Choosing a network type"):
- DataTieringEnabled only with r6gd node types, and r6gd nodes only with it; Redis OSS 6.2 or later. Fixed at creation.
- NetworkType ipv4, ipv6 or dual_stack, fixed at creation; ipv6 and dual_stack need Redis OSS 6.2 or later (or Valkey)
  and subnets with IPv6 CIDRs. IpDiscovery (ipv4|ipv6) changes in place (ModifyReplicationGroup).
- PreferredCacheClusterAZs: one zone per node (NumCacheClusters of them); in cluster mode NodeGroupConfiguration gives
  each shard's primary and replica zones. A node does not move to another zone in place.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NETWORK_TYPES = ("ipv4", "ipv6", "dual_stack")
IP_DISCOVERY = ("ipv4", "ipv6")
OPTIONS = ("data_tiering", "network_type", "ip_discovery", "preferred_azs")


def is_tiering_node_type(node_type):
    """Whether the node type is of the r6gd family (local SSDs), the only one with data tiering."""
    return (node_type or "").startswith("cache.r6gd.")


def _version(value):
    try:
        return tuple(int(p) for p in str(value).split(".")[:2])
    except ValueError:
        return None


def _engine_allows(engine, version, redis_from=(6, 2)):
    """Valkey (7.2 on) always; Redis OSS from `redis_from`; an unknown version (AWS picks the latest) too."""
    if engine == "valkey" or not version:
        return True
    parsed = _version(version)
    return parsed is None or parsed >= redis_from


def errors(options, where=""):
    """Every problem with data_tiering, network_type, ip_discovery and preferred_azs, each naming its field.

    options: node_type, engine, engine_version, nodes_per_shard (primary + replicas), and the four options (None =
    not set). where: a prefix for the field names ("cache_instances[0] (queue)." in the inventory).
    """
    found = []
    node_type, tiering = options.get("node_type"), options.get("data_tiering")
    engine, version = options.get("engine") or "redis", options.get("engine_version")
    if tiering and node_type and not is_tiering_node_type(node_type):
        found.append("%sdata_tiering: needs an r6gd node type (cache.r6gd.xlarge and larger), node_type is %s; set "
                     "data_tiering: false or choose an r6gd node type" % (where, node_type))
    if tiering is False and is_tiering_node_type(node_type):
        found.append("%sdata_tiering: r6gd node types (%s) only run with data tiering; AWS refuses them without it. "
                     "Set data_tiering: true, or choose an r6g node type" % (where, node_type))
    if tiering and not _engine_allows(engine, version):
        found.append("%sdata_tiering: needs Redis OSS 6.2 or later (or Valkey), engine_version is %s"
                     % (where, version))
    network, discovery = options.get("network_type"), options.get("ip_discovery")
    if network not in (None, "ipv4") and not _engine_allows(engine, version):
        found.append("%snetwork_type: %s needs Redis OSS 6.2 or later (or Valkey), engine_version is %s"
                     % (where, network, version))
    if discovery == "ipv6" and (network or "ipv4") == "ipv4":
        found.append("%sip_discovery: ipv6 needs network_type ipv6 or dual_stack (network_type is ipv4)" % where)
    if discovery == "ipv4" and network == "ipv6":
        found.append("%sip_discovery: ipv4 cannot be discovered on an IPv6-only group (network_type ipv6); set "
                     "ip_discovery: ipv6, or network_type: dual_stack" % where)
    azs, nodes = options.get("preferred_azs"), options.get("nodes_per_shard")
    if azs and nodes is not None and len(azs) != nodes:
        found.append("%spreferred_azs: lists %d zone(s) for %d node(s) per shard (the primary, then each replica); "
                     "list one zone per node" % (where, len(azs), nodes))
    return found


def resolved(options):
    """The options with what AWS would pick filled in where it matters for a comparison: an r6gd node type has data
    tiering; a dual-stack or IPv6-only group discovers IPv6 unless told otherwise (AWS's default)."""
    result = dict(options)
    if result.get("data_tiering") is None and is_tiering_node_type(result.get("node_type")):
        result["data_tiering"] = True
    if result.get("ip_discovery") is None and result.get("network_type") in ("ipv6", "dual_stack"):
        result["ip_discovery"] = "ipv6"
    return result


def create_parameters(desired):
    """The CreateReplicationGroup parameters of the four options (only those that are set)."""
    params = {}
    if desired.get("data_tiering") is not None:
        params["DataTieringEnabled"] = desired["data_tiering"]
    if desired.get("network_type"):
        params["NetworkType"] = desired["network_type"]
    if desired.get("ip_discovery"):
        params["IpDiscovery"] = desired["ip_discovery"]
    azs = desired.get("preferred_azs")
    if azs and desired.get("cluster_mode"):
        params["NodeGroupConfiguration"] = [
            {"NodeGroupId": "%04d" % number, "ReplicaCount": len(azs) - 1, "PrimaryAvailabilityZone": azs[0],
             "ReplicaAvailabilityZones": list(azs[1:])}
            for number in range(1, (desired.get("num_node_groups") or 1) + 1)]
    elif azs:
        params["PreferredCacheClusterAZs"] = list(azs)
    return params


def current(group):
    """The four options as a described group has them. preferred_azs: the zones of the first shard's nodes, sorted
    (a failover changes which node is the primary, not where the nodes are)."""
    members = ((group.get("NodeGroups") or [{}])[0].get("NodeGroupMembers")) or []
    return {
        "data_tiering": group.get("DataTiering") == "enabled",
        "network_type": group.get("NetworkType") or "ipv4",
        "ip_discovery": group.get("IpDiscovery") or "ipv4",
        "preferred_azs": sorted(m.get("PreferredAvailabilityZone") or "" for m in members),
    }


def misplaced_shards(group, azs):
    """The node groups whose nodes are not in `azs` (compared as a multiset), as {node group id: their zones}."""
    wanted = sorted(azs)
    found = {}
    for node_group in group.get("NodeGroups") or []:
        zones = sorted(m.get("PreferredAvailabilityZone") or "" for m in node_group.get("NodeGroupMembers") or [])
        if zones != wanted:
            found[node_group.get("NodeGroupId")] = zones
    return found


def plan(desired, group):
    """Compare the options the user set with the described group.

    Returns errors (data_tiering and network_type differ: fixed at creation), modify (IpDiscovery),
    placement (node groups whose zones differ from preferred_azs: AWS cannot move a node, so this is reported, not
    changed), before/after (for diff mode and the drift report).
    """
    state, wanted = current(group), resolved(desired)
    found, modify, before, after = [], {}, {}, {}
    for option in ("data_tiering", "network_type"):
        value = wanted.get(option)
        if value is not None and value != state[option]:
            found.append("%s cannot be changed on an existing replication group (it is %r, the task asks for %r). "
                         "Keep it (set %s to %r); or migrate: take a snapshot, create a new group from it with "
                         "%s=%r, move the clients, then delete this one." % (option, state[option], value, option,
                                                                             state[option], option, value))
    if wanted.get("ip_discovery") and wanted["ip_discovery"] != state["ip_discovery"]:
        modify["IpDiscovery"] = wanted["ip_discovery"]
        before["ip_discovery"], after["ip_discovery"] = state["ip_discovery"], wanted["ip_discovery"]
    placement = misplaced_shards(group, desired["preferred_azs"]) if desired.get("preferred_azs") else {}
    if placement:
        before["preferred_azs"] = dict((k, v) for k, v in placement.items())
        after["preferred_azs"] = dict((k, sorted(desired["preferred_azs"])) for k in placement)
    return {"errors": found, "modify": modify, "placement": placement, "before": before, "after": after}


def placement_warning(group_id, placement, azs):
    """What to do about nodes that are not where preferred_azs puts them (AWS moves no node in place)."""
    found = "; ".join(", ".join(placement[node_group]) for node_group in sorted(placement))
    return ("Replication group %s: the nodes of node group(s) %s are in %s, not in preferred_azs %s. AWS cannot move a "
            "node to another zone; remove the misplaced replica (DecreaseReplicaCount with ReplicasToRemove) and add "
            "one in the wanted zone (IncreaseReplicaCount with ReplicaConfiguration), or leave it and set "
            "preferred_azs to where the nodes are." % (group_id, ", ".join(sorted(placement)), found, ", ".join(azs)))
