"""What CreateReplicationGroup's node options become (data tiering, network type, IP discovery, the zone of each
node), checked as AWS checks them (User Guide: "Data tiering", "Choosing a network type"; API reference:
PreferredCacheClusterAZs, NodeGroupConfiguration), and IpDiscovery's change in place (ModifyReplicationGroup)."""

from __future__ import annotations

from .. import rules
from ..protocol import AWSError
from .common import version_tuple


def _ipv6_engine(engine, version):
    return engine == "valkey" or version_tuple(version) >= (6, 2)


def create_settings(p, settings, subnet_group, cluster_mode, num_node_groups, replicas):
    """data_tiering, network_type, ip_discovery and node_azs (one list of zones per node group, or None)."""
    node_type, engine, version = settings["node_type"], settings["engine"], settings["engine_version"]
    tiering = p.get("DataTieringEnabled", False)
    if node_type.startswith("cache.r6gd.") and not tiering:
        raise rules.combination(f"Data tiering must be enabled for node type {node_type}: set DataTieringEnabled "
                                "to true.")
    if tiering and not node_type.startswith("cache.r6gd."):
        raise rules.combination(f"Data tiering is only supported for r6gd node types, not {node_type}.")
    if tiering and version_tuple(version) < (6, 2) and engine == "redis":
        raise rules.combination(f"Data tiering is not supported for engine version {version}; use 6.2 or later.")
    network = p.get("NetworkType", "ipv4")
    if network != "ipv4" and not _ipv6_engine(engine, version):
        raise rules.invalid(f"Network type {network} is not supported for {engine} {version}; IPv6 needs "
                            "Redis OSS 6.2 or later.")
    if network not in subnet_group.get("SupportedNetworkTypes", ["ipv4"]):
        raise rules.invalid(f"Cache subnet group {subnet_group['CacheSubnetGroupName']} does not support network "
                            f"type {network}; it supports {', '.join(subnet_group.get('SupportedNetworkTypes'))}.")
    discovery = p.get("IpDiscovery", "ipv4" if network == "ipv4" else "ipv6")
    check_discovery(network, discovery)
    zones = set(s["SubnetAvailabilityZone"]["Name"] for s in subnet_group["Subnets"])
    return {"data_tiering": tiering, "network_type": network, "ip_discovery": discovery,
            "node_azs": _node_azs(p, zones, cluster_mode, num_node_groups, replicas)}


def check_discovery(network, discovery):
    if discovery == "ipv6" and network == "ipv4":
        raise rules.combination("IpDiscovery ipv6 needs NetworkType ipv6 or dual_stack.")
    if discovery == "ipv4" and network == "ipv6":
        raise rules.combination("IpDiscovery ipv4 is not supported with NetworkType ipv6.")


def _node_azs(p, zones, cluster_mode, num_node_groups, replicas):
    if "PreferredCacheClusterAZs" in p:
        azs = list(p["PreferredCacheClusterAZs"])
        if cluster_mode:
            raise rules.combination("PreferredCacheClusterAZs cannot be used with ClusterMode enabled; use "
                                    "NodeGroupConfiguration.")
        if len(azs) != replicas + 1:
            raise rules.invalid(f"The number of PreferredCacheClusterAZs ({len(azs)}) must match NumCacheClusters "
                                f"({replicas + 1}).")
        node_azs = [azs]
    elif "NodeGroupConfiguration" in p:
        configs = p["NodeGroupConfiguration"]
        if len(configs) != num_node_groups:
            raise rules.invalid(f"NodeGroupConfiguration lists {len(configs)} node groups; NumNodeGroups is "
                                f"{num_node_groups}.")
        node_azs = []
        for config in configs:
            if config.get("ReplicaCount", replicas) != replicas:
                raise AWSError("InvalidAction", "A ReplicaCount per node group other than "
                               "ReplicasPerNodeGroup is not implemented by the emulator.")
            azs = [config["PrimaryAvailabilityZone"]] if "PrimaryAvailabilityZone" in config else []
            azs += list(config.get("ReplicaAvailabilityZones") or [])
            if azs and len(azs) != replicas + 1:
                raise rules.invalid(f"Node group {config.get('NodeGroupId')}: {len(azs)} availability zones for "
                                    f"{replicas + 1} nodes.")
            node_azs.append(azs or None)
    else:
        return None
    for azs in node_azs:
        unknown = sorted(set(azs or []) - zones)
        if unknown:
            raise rules.invalid(f"Availability zone {unknown[0]} has no subnet in the cache subnet group "
                                f"(it has {', '.join(sorted(zones))}).")
    return node_azs
