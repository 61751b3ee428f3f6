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
  - With I(parameter_groups), manages several groups in one module execution (one group after another, in the
    order given); I(state), I(purge_tags) and the AWS options apply to each.
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
    description: The group's name. Required unless I(parameter_groups) is given.
    type: str
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
  parameter_groups:
    description:
      - Several groups, each with the options I(name), I(family), I(description), I(parameters) and I(tags) of one
        group, instead of I(name). The result then lists each group's result under C(parameter_groups), and the
        diff is one entry per group.
      - A group that cannot be managed fails the task, naming the group; the groups before it are done.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
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
        description: Parameter names and values.
        type: dict
        default: {}
      tags:
        description: The group's tags (with I(purge_tags), the only ones it keeps). Omitted, they are left alone.
        type: dict
      copy_from:
        description:
          - When the group is created, start from the values set on this group (of another family, for an engine
            or major version change), under I(parameters); names the new family does not know are left out.
          - Ignored once the group exists.
        type: str
        version_added: 0.3.0
  absent:
    description:
      - With I(parameter_groups), names of groups to delete as well, after the others are made; those that do not
        exist are skipped. One DescribeCacheParameterGroups walk for all.
      - AWS refuses to delete a group that a cache cluster still uses; the task then fails naming it.
    type: list
    elements: str
    default: []
    version_added: 0.3.0
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

- name: Every instance's group in one module execution
  funmagic.elasticache.parameter_group:
    parameter_groups:
      - name: app-main
        family: redis7
      - name: app-queue
        family: redis7
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
parameter_groups:
  description: With I(parameter_groups), each group's C(name), C(changed), C(parameter_group), C(parameters) and C(diff).
  returned: when I(parameter_groups) is given
  type: list
  elements: dict
  version_added: 0.2.0
deleted:
  description: The groups of I(absent) that were deleted (or would be, in check mode).
  returned: when I(parameter_groups) is given
  type: list
  elements: str
  version_added: 0.3.0
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import delete_if_present
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ensure_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import find
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.parameters import FAMILIES
from ansible_collections.funmagic.elasticache.plugins.module_utils.parameters import chunks
from ansible_collections.funmagic.elasticache.plugins.module_utils.parameters import diff


def current_parameters(client, name, source=None):
    """name -> {value, allowed, modifiable}; source="user" reads only the values someone set."""
    params = {"CacheParameterGroupName": name}
    if source:
        params["Source"] = source
    found = client.paginate("describe_cache_parameters", "Parameters", **params)
    return dict((p["ParameterName"], {"value": p.get("ParameterValue", ""), "allowed": p.get("AllowedValues"),
                                      "modifiable": p.get("IsModifiable", True)}) for p in found)


def parameters_to_compare(client, name, group, family, wanted):
    """The current parameters that `wanted` needs, read with as few calls as possible.

    A parameter someone set is in the short Source=user list; only a wanted name missing from it (at its
    default, or unknown) makes the full list necessary. A group to be created compares with its family's
    default group.
    """
    if group is None:
        return current_parameters(client, "default.%s" % family)
    if not wanted:
        return {}
    user_set = current_parameters(client, name, source="user")
    if all(k in user_set for k in wanted):
        return user_set
    return current_parameters(client, name)


def carried_over(client, source, defaults, wanted):
    """The values set on `source` that a new group of another family takes over: those its family knows, may
    change and does not have already, and that `wanted` does not set."""
    values = dict((k, v["value"]) for k, v in current_parameters(client, source, source="user").items())
    return dict((k, v) for k, v in values.items() if k not in wanted and k in defaults and
                defaults[k]["modifiable"] and defaults[k]["value"] != v)


def delete_unused(module, client, names):
    """Deletes the groups of `names` that exist (one paginated describe): the deleted names."""
    existing = set(g["CacheParameterGroupName"] for g in client.paginate(
        "describe_cache_parameter_groups", "CacheParameterGroups"))
    deleted = [name for name in names if name in existing]
    if not module.check_mode:
        for name in deleted:
            client.delete_cache_parameter_group(CacheParameterGroupName=name)
    return deleted


def reset(module, client, name, group):
    if group is None:
        module.fail_json(msg="parameter group %s does not exist, there is nothing to reset." % name)
    user_set = current_parameters(client, name, source="user")
    if user_set and not module.check_mode:
        client.reset_cache_parameter_group(CacheParameterGroupName=name, ResetAllParameters=True)
    before = dict((k, v["value"]) for k, v in user_set.items())
    return bool(user_set), {"diff": {"before": before, "after": {}}}


def ensure_present(module, client, name, group):
    params = module.params
    if group is None and not params["family"]:
        module.fail_json(msg="family is required to create parameter group %s." % name)
    if group is not None and params["family"] and params["family"] != group["CacheParameterGroupFamily"]:
        module.fail_json(msg="family: parameter group %s is %s, not %s; a family cannot change, create a new group."
                             % (name, group["CacheParameterGroupFamily"], params["family"]))
    family = params["family"] or group["CacheParameterGroupFamily"]
    current = parameters_to_compare(client, name, group, family, params["parameters"])
    changes, unknown = diff(params["parameters"], current)
    fixed = [k for k in changes if not current[k]["modifiable"]]
    if unknown or fixed:
        module.fail_json(msg="parameters: %s%s" % (
            "unknown for family %s: %s. " % (family, ", ".join(unknown)) if unknown else "",
            "not modifiable: %s." % ", ".join(fixed) if fixed else ""))
    if group is None and params.get("copy_from"):
        changes = dict(carried_over(client, params["copy_from"], current, params["parameters"]), **changes)
    shown = {"before": dict((k, current[k]["value"]) for k in changes), "after": dict(changes)}
    changed = group is None or bool(changes)
    if group is not None:
        changed = ensure_tags(client, group["ARN"], params["tags"], params["purge_tags"], module.check_mode,
                              diff=shown)[0] or changed
    if not module.check_mode:
        if group is None:
            request = dict(CacheParameterGroupName=name, CacheParameterGroupFamily=family,
                           Description=params["description"] or name)
            if params["tags"]:
                request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
            group = client.create_cache_parameter_group(**request)["CacheParameterGroup"]
        for chunk in chunks(changes):
            client.modify_cache_parameter_group(CacheParameterGroupName=name, ParameterNameValues=chunk)
    values = dict((k, changes.get(k, current[k]["value"])) for k in params["parameters"])
    return changed, {"parameter_group": camel_dict_to_snake_dict(group) if group else {}, "parameters": values,
                     "diff": shown}


class Group:
    """One group of I(parameter_groups), as the functions above see a module: its own params, the module's check
    mode and warnings, and a failure that names the group."""

    def __init__(self, module, params):
        self.module, self.params, self.check_mode = module, params, module.check_mode

    def fail_json(self, msg, **kwargs):
        self.module.fail_json(msg="parameter group %s: %s" % (self.params["name"], msg), **kwargs)


def ensure_all(module, client):
    """Every group of parameter_groups, in one module execution."""
    changed, results = False, []
    for item in module.params["parameter_groups"]:
        params = dict(module.params, parameter_groups=None, **item)
        group_changed, result = ensure(Group(module, params), client)
        results.append(dict(result, name=item["name"], changed=group_changed))
        changed = changed or group_changed
    deleted = delete_unused(module, client, module.params["absent"]) if module.params["absent"] else []
    diffs = [r["diff"] for r in results if "diff" in r]
    diffs += [{"before": {"parameter_group": name}, "after": {}} for name in deleted]
    return changed or bool(deleted), {"parameter_groups": results, "deleted": deleted, "diff": diffs}


def ensure(module, client):
    if module.params.get("parameter_groups") is not None:
        return ensure_all(module, client)
    name = module.params["name"]
    group = find(client, "describe_cache_parameter_groups", "CacheParameterGroups", "CacheParameterGroupNotFound",
                 CacheParameterGroupName=name)
    if module.params["state"] == "absent":
        return delete_if_present(client, module.check_mode, group, name, "delete_cache_parameter_group",
                                 CacheParameterGroupName=name)
    if module.params["state"] == "reset":
        return reset(module, client, name, group)
    return ensure_present(module, client, name, group)


def main():
    # What one group takes, at the top level or as an item of parameter_groups.
    group_options = dict(family=dict(type="str", choices=list(FAMILIES)), description=dict(type="str"),
                         parameters=dict(type="dict", default={}))
    module = AnsibleAWSModule(
        argument_spec=dict(
            state=dict(type="str", default="present", choices=["present", "absent", "reset"]),
            name=dict(type="str"),
            parameter_groups=dict(type="list", elements="dict", options=dict(
                group_options, name=dict(type="str", required=True), tags=dict(type="dict"),
                copy_from=dict(type="str"))),
            absent=dict(type="list", elements="str", default=[]),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
            **group_options
        ),
        required_one_of=[["name", "parameter_groups"]],
        mutually_exclusive=[["name", "parameter_groups"], ["family", "parameter_groups"],
                            ["description", "parameter_groups"], ["tags", "parameter_groups"]],
        supports_check_mode=True,
    )
    run(module, ensure)


if __name__ == "__main__":
    main()
