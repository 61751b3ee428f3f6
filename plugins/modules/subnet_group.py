#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: subnet_group
short_description: Manage ElastiCache cache subnet groups
version_added: 0.1.0
description:
  - Create, update and delete ElastiCache cache subnet groups, with tags, check mode and diff mode.
  - Refuses subnets in fewer than two availability zones unless I(allow_single_az=true), because
    Multi-AZ replication groups need two.
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description: Whether the subnet group should exist.
    type: str
    choices: [present, absent]
    default: present
  name:
    description: The subnet group's name (stored in lower case).
    type: str
    required: true
  description:
    description: The subnet group's description. Defaults to the name.
    type: str
  subnets:
    description: Subnet ids, all in one VPC. Required when I(state=present).
    type: list
    elements: str
  allow_single_az:
    description: Accept subnets that are all in one availability zone.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Subnet group across two AZs
  funmagic.elasticache.subnet_group:
    name: funmagic-redis-subnet
    description: Redis subnets
    subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
    tags:
      Environment: prod
"""

RETURN = r"""
subnet_group:
  description: The subnet group as AWS describes it, in snake_case.
  returned: when I(state=present)
  type: dict
  contains:
    name:
      description: The name.
      type: str
      sample: funmagic-redis-subnet
    vpc_id:
      description: The VPC of the subnets.
      type: str
    subnet_ids:
      description: The subnets.
      type: list
      elements: str
    availability_zones:
      description: The distinct availability zones of the subnets.
      type: list
      elements: str
    tags:
      description: The tags, when I(tags) is set (they are read only to be compared).
      type: dict
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ElastiCacheError
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import connect
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import delete_if_present
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ensure_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import find
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run


def zones_of(group):
    """subnet id -> availability zone, as the subnet group describes its subnets."""
    return dict((s["SubnetIdentifier"], s["SubnetAvailabilityZone"]["Name"]) for s in group["Subnets"])


def result(group, tags):
    snake = camel_dict_to_snake_dict(group)
    snake["name"] = group["CacheSubnetGroupName"]
    snake["subnet_ids"] = sorted(zones_of(group))
    snake["availability_zones"] = sorted(set(zones_of(group).values()))
    if tags is not None:
        snake["tags"] = tags
    return snake


def single_zone_error(subnets, zones):
    """The refusal of subnets that are all in one AZ, or None when they span two or more."""
    if len(set(zones)) >= 2:
        return None
    return ("subnets: %s are all in %s; Multi-AZ needs subnets in at least 2 availability zones. "
            "Add a subnet in another zone, or set allow_single_az=true." % (", ".join(subnets), ", ".join(sorted(zones))))


def subnet_zones(module, subnets, group):
    """The zones of `subnets`: from the group's own description when it already has them, else from EC2."""
    known = zones_of(group) if group else {}
    if all(s in known for s in subnets):
        return [known[s] for s in subnets]
    try:
        found = connect(module, "ec2").paginate("describe_subnets", "Subnets", SubnetIds=subnets)
    except is_ansible_aws_error_code("InvalidSubnetID.NotFound") as e:
        raise ElastiCacheError(message="subnets: one of %s does not exist" % ", ".join(subnets), exception=e.exception)
    return [s["AvailabilityZone"] for s in found]


def ensure_present(module, client, name, group):
    params = module.params
    subnets = params["subnets"]
    problem = None if params["allow_single_az"] else single_zone_error(subnets, subnet_zones(module, subnets, group))
    if problem:
        module.fail_json(msg=problem)
    description = params["description"] or name
    wanted = {"description": description, "subnet_ids": sorted(subnets)}
    if group is None:
        if module.check_mode:
            return True, {"diff": {"before": {}, "after": wanted}, "subnet_group": None}
        request = dict(CacheSubnetGroupName=name, CacheSubnetGroupDescription=description, SubnetIds=subnets)
        if params["tags"]:
            request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
        group = client.create_cache_subnet_group(**request)["CacheSubnetGroup"]
        return True, {"diff": {"before": {}, "after": wanted}, "subnet_group": result(group, params["tags"])}

    current = {"description": group["CacheSubnetGroupDescription"], "subnet_ids": sorted(zones_of(group))}
    changed = current != wanted
    if changed and not module.check_mode:
        group = client.modify_cache_subnet_group(CacheSubnetGroupName=name, CacheSubnetGroupDescription=description,
                                                 SubnetIds=subnets)["CacheSubnetGroup"]
    diff = {"before": current, "after": dict(wanted)}
    tags_changed, tags = ensure_tags(client, group["ARN"], params["tags"], params["purge_tags"], module.check_mode,
                                     diff=diff)
    return changed or tags_changed, {"diff": diff, "subnet_group": result(group, tags)}


def ensure(module, client):
    name = module.params["name"].lower()
    group = find(client, "describe_cache_subnet_groups", "CacheSubnetGroups", "CacheSubnetGroupNotFoundFault",
                 CacheSubnetGroupName=name)
    if module.params["state"] == "absent":
        return delete_if_present(client, module.check_mode, group, name, "delete_cache_subnet_group",
                                 CacheSubnetGroupName=name)
    return ensure_present(module, client, name, group)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            state=dict(type="str", default="present", choices=["present", "absent"]),
            name=dict(type="str", required=True),
            description=dict(type="str"),
            subnets=dict(type="list", elements="str"),
            allow_single_az=dict(type="bool", default=False),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
        ),
        required_if=[["state", "present", ["subnets"]]],
        supports_check_mode=True,
    )
    run(module, ensure)


if __name__ == "__main__":
    main()
