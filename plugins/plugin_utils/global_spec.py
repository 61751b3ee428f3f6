# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secondary Regions of the global datastores the inventory asks for (cache_instances[].global.regions) and the
network each of them needs: the Redis security group (the cache port from the application security group of THAT
Region) and the subnet group, named as in the primary's Region, in that Region's default VPC unless network_regions
gives its vpc_id and subnet_ids. Pure: the read-only lookups are the caller's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.funmagic.elasticache.plugins.plugin_utils import existing
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError

_SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_VPC_ID = re.compile(r"^vpc-[0-9a-f]{8,17}$")
KEYS = ("vpc_id", "subnet_ids")


def regions(instances):
    """Every secondary Region of the instances' global datastores, sorted."""
    return sorted(set(r for spec in instances for r in ((spec.get("global") or {}).get("regions") or [])))


def members(instances):
    """The group of each secondary Region of the instances' global datastores, as {region, replication_group_id}:
    the same id as the primary's, in that Region."""
    return [{"region": region, "replication_group_id": spec["replication_group_id"]}
            for spec in instances for region in sorted((spec.get("global") or {}).get("regions") or [])]


def networks(network, network_regions, instances, errors):
    """{region: the network of that secondary Region}: `network` (the primary's: the names and tags) with the
    Region's vpc_id and subnet_ids from network_regions ("" and []: its default VPC and every subnet of it).
    Appends to `errors` what is wrong in network_regions, each naming its path."""
    wanted = regions(instances)
    given = network_regions or {}
    result = {}
    for region in sorted(given):
        path = "network_regions.%s" % region
        if region not in wanted:
            errors.append("%s: no instance has %s in its global.regions (%s)"
                          % (path, region, ", ".join(wanted) or "none has global"))
        fields = given[region] or {}
        if not isinstance(fields, dict):
            errors.append("%s: must be a mapping with vpc_id and subnet_ids" % path)
            continue
        for key in sorted(set(fields) - set(KEYS)):
            errors.append("%s: unknown key %r; a Region takes %s" % (path, key, " and ".join(KEYS)))
        vpc_id = fields.get("vpc_id") or ""
        if vpc_id and not _VPC_ID.match(str(vpc_id)):
            errors.append("%s.vpc_id: %r is not a VPC id (vpc-0123abcd); leave it out for the Region's default VPC"
                          % (path, vpc_id))
        subnets = fields.get("subnet_ids") or []
        if not isinstance(subnets, list):
            errors.append("%s.subnet_ids: must be a list of subnet ids" % path)
            subnets = []
        for index, subnet in enumerate(subnets):
            if not _SUBNET_ID.match(str(subnet)):
                errors.append("%s.subnet_ids[%d]: %r is not a subnet id (subnet-0123abcd)" % (path, index, subnet))
    for region in wanted:
        fields = given.get(region) if isinstance(given.get(region), dict) else {}
        result[region] = dict(network, vpc_id=fields.get("vpc_id") or "",
                              subnet_ids=list(fields.get("subnet_ids") or []))
    return result


def check_region(model, region, found):
    """existing.check_prerequisites for one secondary Region (found: that Region's read-only lookups): its network
    facts, or InputError whose every message starts with the Region, and names network_regions for the ids."""
    network = model["network"]["regions"][region]
    sub = {"network": network, "region": region, "port": model["port"], "instances": [], "cache": model["cache"]}
    try:
        return existing.check_prerequisites(sub, found)
    except InputError as e:
        raise InputError(["%s: %s" % (region, _renamed(message, region)) for message in e.errors])


def _renamed(message, region):
    for key in KEYS:
        old = "network_%s" % key
        if message.startswith(old):
            return "network_regions.%s.%s%s" % (region, key, message[len(old):])
    return message
