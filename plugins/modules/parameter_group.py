#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: parameter_group
short_description: Manage ElastiCache cache parameter groups for Redis OSS and Valkey
version_added: 0.1.0
description:
  - Create, update, reset and delete cache parameter groups of the families redis6.x, redis7, valkey7 and valkey8.
  - Idempotent by comparing with DescribeCacheParameters, with values normalised to what ElastiCache stores
    (C(true) becomes C(yes) for yes/no parameters, numbers become strings).
  - Unknown or non-modifiable parameter names are refused before anything is changed.
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description:
      - C(present) creates the group and sets I(parameters); parameters not listed are left as they are.
      - C(reset) resets every parameter to the family default. C(absent) deletes the group.
    type: str
    choices: [present, absent, reset]
    default: present
  name:
    description: The group's name.
    type: str
    required: true
  family:
    description: The parameter group family. Required to create the group; fixed afterwards.
    type: str
    choices: [redis6.x, redis7, valkey7, valkey8]
  description:
    description: The group's description. Defaults to the name.
    type: str
  parameters:
    description: "Parameter names and values, for example C({maxmemory-policy: noeviction})."
    type: dict
    default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: BullMQ needs noeviction
  funmagic.elasticache.parameter_group:
    name: app-queue
    family: redis7
    description: BullMQ queue instance
    parameters:
      maxmemory-policy: noeviction
"""

RETURN = r"""
parameter_group:
  description: The group as AWS describes it, in snake_case.
  returned: when the group exists
  type: dict
  contains:
    cache_parameter_group_name:
      description: The name.
      type: str
    cache_parameter_group_family:
      description: The family.
      type: str
parameters:
  description: The values of the parameters named in I(parameters), as ElastiCache stores them.
  returned: when I(state=present)
  type: dict
  sample: {maxmemory-policy: noeviction}
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
from ansible_collections.funmagic.elasticache.plugins.module_utils.parameters import FAMILIES
from ansible_collections.funmagic.elasticache.plugins.module_utils.parameters import chunks
from ansible_collections.funmagic.elasticache.plugins.module_utils.parameters import diff


def describe(client, name):
    try:
        return paginate(client, "describe_cache_parameter_groups", "CacheParameterGroups",
                        CacheParameterGroupName=name)[0]
    except is_boto3_error_code("CacheParameterGroupNotFound"):
        return None


def current_parameters(client, name, source=None):
    params = {"CacheParameterGroupName": name}
    if source:
        params["Source"] = source
    found = paginate(client, "describe_cache_parameters", "Parameters", **params)
    return dict((p["ParameterName"], {"value": p.get("ParameterValue", ""), "allowed": p.get("AllowedValues"),
                                      "modifiable": p.get("IsModifiable", True)}) for p in found)


def family_defaults(client, family):
    """Parameters of a group that does not exist yet: those of the family's default group."""
    return current_parameters(client, "default.%s" % family)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            state=dict(type="str", default="present", choices=["present", "absent", "reset"]),
            name=dict(type="str", required=True),
            family=dict(type="str", choices=list(FAMILIES)),
            description=dict(type="str"),
            parameters=dict(type="dict", default={}),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    client = retrying_client(module, "elasticache")
    try:
        group = describe(client, name)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe parameter group %s" % name)

    if params["state"] == "absent":
        if group is None:
            module.exit_json(changed=False)
        if not module.check_mode:
            try:
                client.delete_cache_parameter_group(CacheParameterGroupName=name, aws_retry=True)
            except AWS_ERRORS as e:
                module.fail_json_aws(e, msg="Failed to delete parameter group %s" % name)
        module.exit_json(changed=True, diff={"before": {"name": name}, "after": {}})

    if group is None and not params["family"]:
        module.fail_json(msg="family is required to create parameter group %s." % name)
    if group is not None and params["family"] and params["family"] != group["CacheParameterGroupFamily"]:
        module.fail_json(msg="family: parameter group %s is %s, not %s; a family cannot change, create a new group."
                             % (name, group["CacheParameterGroupFamily"], params["family"]))
    try:
        current = current_parameters(client, name) if group else family_defaults(client, params["family"])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to read the parameters of %s" % name)

    if params["state"] == "reset":
        if group is None:
            module.fail_json(msg="parameter group %s does not exist, there is nothing to reset." % name)
        user_set = current_parameters(client, name, source="user")
        if user_set and not module.check_mode:
            try:
                client.reset_cache_parameter_group(CacheParameterGroupName=name, ResetAllParameters=True,
                                                   aws_retry=True)
            except AWS_ERRORS as e:
                module.fail_json_aws(e, msg="Failed to reset parameter group %s" % name)
        before = dict((k, v["value"]) for k, v in user_set.items())
        module.exit_json(changed=bool(user_set), diff={"before": before, "after": {}})

    changes, unknown = diff(params["parameters"], current)
    fixed = [k for k in changes if not current[k]["modifiable"]]
    if unknown or fixed:
        module.fail_json(msg="parameters: %s%s" % (
            "unknown for family %s: %s. " % (params["family"] or group["CacheParameterGroupFamily"],
                                             ", ".join(unknown)) if unknown else "",
            "not modifiable: %s." % ", ".join(fixed) if fixed else ""))
    before = dict((k, current[k]["value"]) for k in changes)
    changed = group is None or bool(changes)
    if not module.check_mode:
        try:
            if group is None:
                request = dict(CacheParameterGroupName=name, CacheParameterGroupFamily=params["family"],
                               Description=params["description"] or name)
                if params["tags"]:
                    request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
                client.create_cache_parameter_group(aws_retry=True, **request)
            for chunk in chunks(changes):
                client.modify_cache_parameter_group(CacheParameterGroupName=name, ParameterNameValues=chunk,
                                                    aws_retry=True)
            group = describe(client, name)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg="Failed to apply parameters to %s" % name)
    result = {}
    if group is not None:
        changed = ensure_tags(module, client, group["ARN"], get_tags(client, group["ARN"]), params["tags"],
                              params["purge_tags"]) or changed
        result = camel_dict_to_snake_dict(group)
    values = dict((k, changes.get(k, current[k]["value"])) for k in params["parameters"])
    module.exit_json(changed=changed, parameter_group=result, parameters=values,
                     diff={"before": before, "after": changes})


if __name__ == "__main__":
    main()
