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
      description: The tags.
      type: dict
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import AWS_ERRORS
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ensure_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import get_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import paginate
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import retrying_client


def describe(client, name):
    try:
        return paginate(client, "describe_cache_subnet_groups", "CacheSubnetGroups", CacheSubnetGroupName=name)[0]
    except is_boto3_error_code("CacheSubnetGroupNotFoundFault"):
        return None


def result(client, group):
    snake = camel_dict_to_snake_dict(group)
    snake["name"] = group["CacheSubnetGroupName"]
    snake["subnet_ids"] = sorted(s["SubnetIdentifier"] for s in group["Subnets"])
    snake["availability_zones"] = sorted(set(s["SubnetAvailabilityZone"]["Name"] for s in group["Subnets"]))
    snake["tags"] = get_tags(client, group["ARN"])
    return snake


def check_zones(module, subnets):
    """Refuse, before any change, subnets that are missing or all in one AZ."""
    ec2 = retrying_client(module, "ec2")
    try:
        found = paginate(ec2, "describe_subnets", "Subnets", SubnetIds=subnets)
    except is_boto3_error_code("InvalidSubnetID.NotFound") as e:
        module.fail_json_aws(e, msg="subnets: one of %s does not exist" % ", ".join(subnets))
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="subnets: cannot describe %s" % ", ".join(subnets))
    zones = sorted(set(s["AvailabilityZone"] for s in found))
    if len(zones) < 2 and not module.params["allow_single_az"]:
        module.fail_json(msg="subnets: %s are all in %s; Multi-AZ needs subnets in at least 2 availability zones. "
                             "Add a subnet in another zone, or set allow_single_az=true."
                             % (", ".join(subnets), ", ".join(zones)))


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
    params = module.params
    name = params["name"].lower()
    client = retrying_client(module, "elasticache")
    try:
        group = describe(client, name)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe cache subnet group %s" % name)

    if params["state"] == "absent":
        if group is None:
            module.exit_json(changed=False)
        if not module.check_mode:
            try:
                client.delete_cache_subnet_group(CacheSubnetGroupName=name, aws_retry=True)
            except AWS_ERRORS as e:
                module.fail_json_aws(e, msg="Failed to delete cache subnet group %s" % name)
        module.exit_json(changed=True, diff={"before": {"name": name}, "after": {}})

    check_zones(module, params["subnets"])
    description = params["description"] or name
    wanted = {"description": description, "subnet_ids": sorted(params["subnets"])}
    if group is None:
        if not module.check_mode:
            try:
                request = dict(CacheSubnetGroupName=name, CacheSubnetGroupDescription=description,
                               SubnetIds=params["subnets"])
                if params["tags"]:
                    request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
                group = client.create_cache_subnet_group(aws_retry=True, **request)["CacheSubnetGroup"]
            except AWS_ERRORS as e:
                module.fail_json_aws(e, msg="Failed to create cache subnet group %s" % name)
        module.exit_json(changed=True, diff={"before": {}, "after": wanted},
                         subnet_group=result(client, group) if group else None)

    current = {"description": group["CacheSubnetGroupDescription"],
               "subnet_ids": sorted(s["SubnetIdentifier"] for s in group["Subnets"])}
    changed = current != wanted
    if changed and not module.check_mode:
        try:
            group = client.modify_cache_subnet_group(CacheSubnetGroupName=name, CacheSubnetGroupDescription=description,
                                                     SubnetIds=params["subnets"], aws_retry=True)["CacheSubnetGroup"]
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg="Failed to modify cache subnet group %s" % name)
    tags_changed = ensure_tags(module, client, group["ARN"], get_tags(client, group["ARN"]), params["tags"],
                               params["purge_tags"])
    module.exit_json(changed=changed or tags_changed, diff={"before": current, "after": wanted},
                     subnet_group=result(client, group))


if __name__ == "__main__":
    main()
