"""Cache subnet groups: create, describe, modify, delete (refused while in use)."""

from __future__ import annotations

from .. import rules
from .common import ACCOUNT, error, page, request_tags


def supported_network_types(subnets):
    """A subnet group supports the network types every one of its subnets supports."""
    types = set(subnets[0]["SupportedNetworkTypes"]) if subnets else {"ipv4"}
    for subnet in subnets[1:]:
        types &= set(subnet["SupportedNetworkTypes"])
    return [t for t in ("ipv4", "ipv6", "dual_stack") if t in types]


class SubnetGroups:
    """The op_* handlers of cache subnet groups."""

    def _subnets(self, region, subnet_ids):
        view = self._ec2_view(ACCOUNT, region.name)
        subnets, vpcs = [], set()
        for subnet_id in subnet_ids:
            found = view.subnet(subnet_id)
            if found is None:
                raise error("InvalidSubnet", f"The subnet ID {subnet_id} does not exist")
            vpcs.add(found[0])
            subnets.append({"SubnetIdentifier": subnet_id, "SubnetAvailabilityZone": {"Name": found[1]},
                            "SupportedNetworkTypes": view.subnet_network_types(subnet_id)})
        if len(vpcs) > 1:
            raise rules.invalid("All subnets of a cache subnet group must belong to the same VPC.")
        return subnets, vpcs.pop()

    def _subnet_group(self, region, name):
        group = region.subnet_groups.get((name or "").lower())
        if group is None:
            raise error("CacheSubnetGroupNotFoundFault", f"CacheSubnetGroup {name} not found.")
        return group

    def _subnet_group_for_create(self, region, name):
        if name is None:
            name = "default"
            if name not in region.subnet_groups:
                subnets, vpc = self._subnets(region, self._ec2_view(ACCOUNT, region.name).default_subnets())
                region.subnet_groups[name] = {"CacheSubnetGroupName": name, "CacheSubnetGroupDescription": "default",
                                              "VpcId": vpc, "Subnets": subnets, "ARN": region.arn("subnetgroup", name),
                                              "SupportedNetworkTypes": ["ipv4"]}
        return self._subnet_group(region, name)

    def op_CreateCacheSubnetGroup(self, region, p):  # pylint: disable=invalid-name
        name = rules.identifier(p["CacheSubnetGroupName"], "CacheSubnetGroupName", max_length=255)
        if name == "default":
            raise rules.invalid("CacheSubnetGroupName default is reserved.")
        if name in region.subnet_groups:
            raise error("CacheSubnetGroupAlreadyExists", f"Cache subnet group {name} already exists.")
        subnets, vpc = self._subnets(region, p["SubnetIds"])
        group = {"CacheSubnetGroupName": name, "CacheSubnetGroupDescription": p["CacheSubnetGroupDescription"],
                 "VpcId": vpc, "Subnets": subnets, "ARN": region.arn("subnetgroup", name),
                 "SupportedNetworkTypes": supported_network_types(subnets)}
        region.subnet_groups[name] = group
        region.tags[group["ARN"]] = request_tags(p)
        return {"CacheSubnetGroup": group}

    def op_DescribeCacheSubnetGroups(self, region, p):  # pylint: disable=invalid-name
        if "CacheSubnetGroupName" in p:
            groups = [self._subnet_group(region, p["CacheSubnetGroupName"])]
        else:
            groups = [region.subnet_groups[k] for k in sorted(region.subnet_groups)]
        return page(groups, p, "CacheSubnetGroups")

    def op_ModifyCacheSubnetGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._subnet_group(region, p["CacheSubnetGroupName"])
        if "SubnetIds" in p:
            subnets, vpc = self._subnets(region, p["SubnetIds"])
            if vpc != group["VpcId"] and self._subnet_group_users(region, group["CacheSubnetGroupName"]):
                raise error("SubnetInUse", "The subnet group is in use; its subnets must stay in VPC "
                                           f"{group['VpcId']}.")
            group.update(Subnets=subnets, VpcId=vpc, SupportedNetworkTypes=supported_network_types(subnets))
        if "CacheSubnetGroupDescription" in p:
            group["CacheSubnetGroupDescription"] = p["CacheSubnetGroupDescription"]
        return {"CacheSubnetGroup": group}

    def _subnet_group_users(self, region, name):
        return [g.id for g in region.all_groups() if g.subnet_group == name]

    def op_DeleteCacheSubnetGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._subnet_group(region, p["CacheSubnetGroupName"])
        users = self._subnet_group_users(region, group["CacheSubnetGroupName"])
        if users:
            raise error("CacheSubnetGroupInUse", f"Cache subnet group {group['CacheSubnetGroupName']} is in use "
                                                 f"by {', '.join(users)}.")
        del region.subnet_groups[group["CacheSubnetGroupName"]]
        region.tags.pop(group["ARN"], None)
        return {}
