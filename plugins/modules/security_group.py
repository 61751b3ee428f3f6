#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: security_group
short_description: Manage a VPC security group whose ingress is TCP ports from other security groups
version_added: 0.2.0
description:
  - Creates, updates and deletes one VPC security group whose inbound rules are exactly I(ingress), each a TCP port
    opened to a source security group. Every other inbound rule (CIDR, IPv6, prefix lists, other groups, ports
    or protocols) is revoked. Outbound rules are left as AWS makes them (all traffic allowed).
  - Reads the group with one C(DescribeSecurityGroups) call, which also returns its tags, so a run that changes
    nothing makes that one call. Creating a group makes C(CreateSecurityGroup) and one
    C(AuthorizeSecurityGroupIngress) with every rule, and never sleeps; the authorization is retried with
    backoff while EC2 does not see the new group yet (C(InvalidGroup.NotFound)).
  - Deleting a group still in use (C(DependencyViolation), as when the network interfaces of a cache that was
    just deleted are not released yet) is retried with backoff for about two minutes.
  - Check mode and diff mode.
notes:
  - A security group's description cannot be changed. When it differs from I(description), the module warns and
    leaves it; this is not counted as a change.
  - The diff is C({before, after}), each C({group_name, description, ingress, tags}), C(before) being C({}) when the
    group does not exist. C(ingress) is a sorted list with one string per rule and source, as
    C(tcp 6379 from sg-0abc), C(tcp 1000-2000 from pl-123), C(tcp 22 from ::/0) or C(-1 all from 10.0.0.0/8).
    When only the description of a wanted rule changes, both sides also hold C(ingress_descriptions), rule string
    to description, for the rules whose description changes.
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description: Whether the security group should exist.
    type: str
    choices: [present, absent]
    default: present
  name:
    description: The security group's name.
    type: str
    required: true
  description:
    description: The security group's description. Required when I(state=present).
    type: str
  vpc_id:
    description:
      - The VPC of the security group. Required when I(state=present).
      - With I(state=absent) it narrows the lookup; without it, a name that several VPCs hold is refused.
    type: str
  ingress:
    description:
      - The inbound rules, exactly. Each opens one TCP port to one source security group.
      - A rule without C(description) has none (an existing description is removed).
    type: list
    elements: dict
    default: []
    suboptions:
      port:
        description: The TCP port (1-65535).
        type: int
        required: true
      group_id:
        description: The id of the source security group (C(sg-...)).
        type: str
        required: true
      description:
        description: The rule's description.
        type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Redis reachable on 6379 from the application instances only
  funmagic.elasticache.security_group:
    name: funmagic-redis-sg
    description: Redis, from the application instances
    vpc_id: vpc-0a1b2c3d
    ingress:
      - port: 6379
        group_id: sg-0123456789abcdef0
        description: application instances
    tags:
      Environment: prod

- name: Remove it
  funmagic.elasticache.security_group:
    name: funmagic-redis-sg
    vpc_id: vpc-0a1b2c3d
    state: absent
"""

RETURN = r"""
group_id:
  description:
    - The security group's id. With I(state=absent), the id of the group deleted.
    - C(null) when the group does not exist, or would be created (check mode).
  returned: always
  type: str
  sample: sg-0a1b2c3d4e5f67890
group:
  description:
    - The security group as AWS describes it after the change, in snake_case. C(null) when it does not exist
      (state=absent, or check mode that would create it).
    - After a creation the group is not read back, so C(ip_permissions_egress) and C(owner_id) are missing.
  returned: always
  type: dict
  contains:
    group_id:
      description: The id.
      type: str
    group_name:
      description: The name.
      type: str
    description:
      description: The description.
      type: str
    vpc_id:
      description: The VPC.
      type: str
    ip_permissions:
      description: The inbound rules, as AWS describes them.
      type: list
      elements: dict
    ip_permissions_egress:
      description: The outbound rules, as AWS describes them.
      type: list
      elements: dict
    tags:
      description: The tags.
      type: dict
"""

import collections
import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ElastiCacheError
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import warn

# Where each kind of source sits in an IpPermission, and the field that names it.
SOURCES = (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6"), ("PrefixListIds", "PrefixListId"),
           ("UserIdGroupPairs", "GroupId"))
# EC2 is eventually consistent: these answers mean "not yet". The call is repeated after each pause (seconds),
# then the answer stands.
PAUSES = {
    # A group just created is not yet seen by every EC2 endpoint.
    "InvalidGroup.NotFound": (1, 2, 4, 8),
    # The network interfaces of a cache that was just deleted are released late: about two minutes in all.
    "DependencyViolation": (5, 10, 15, 15, 15, 15, 15, 15, 15),
}

# One source of one permission: its string (see rule_string), the permission's protocol and ports, the
# IpPermission key of the source and the source as AWS describes it.
Rule = collections.namedtuple("Rule", "text ports key source")
# What makes the ingress exactly the wanted Rules: the Rules to authorize, to revoke and to give their wanted
# description, the Rules afterwards, and (before, after) rule string -> description of those redescribed.
Plan = collections.namedtuple("Plan", "authorize revoke redescribe after descriptions")


def rule_string(permission, source):
    """"tcp 6379 from sg-0abc", "tcp 1000-2000 from pl-123", "-1 all from 10.0.0.0/8", "icmp all from ::/0"."""
    protocol, low, high = permission["IpProtocol"], permission.get("FromPort"), permission.get("ToPort")
    if protocol == "-1" or low is None or low == high == -1:
        ports = "all"
    elif low == high:
        ports = str(low)
    else:
        ports = "%s-%s" % (low, high)
    return "%s %s from %s" % (protocol, ports, source)


def rules_of(permissions):
    """The Rules of IpPermissions as AWS describes them, one per source."""
    for permission in permissions:
        ports = dict((k, permission[k]) for k in ("IpProtocol", "FromPort", "ToPort") if k in permission)
        for key, field in SOURCES:
            for source in permission.get(key) or []:
                yield Rule(rule_string(permission, source.get(field) or source.get("GroupName")), ports, key, source)


def ingress_strings(permissions):
    """IpPermissions as a sorted list of strings, one per source: the one rendering of rules, for both sides of
    the diff and for anything that compares rules (as sets)."""
    return sorted(rule.text for rule in rules_of(permissions))


def permissions_of(rules):
    """IpPermissions for Rules: one permission per protocol and port range, the sources in the rules' order."""
    grouped = collections.OrderedDict()
    for rule in rules:
        permission = grouped.setdefault(tuple(sorted(rule.ports.items())), dict(rule.ports))
        permission.setdefault(rule.key, []).append(rule.source)
    return list(grouped.values())


def wanted_rules(ingress):
    """The Rules of the ingress option, in its order."""
    permissions = []
    for item in ingress:
        pair = {"GroupId": item["group_id"]}
        if item["description"]:
            pair["Description"] = item["description"]
        permissions.append({"IpProtocol": "tcp", "FromPort": item["port"], "ToPort": item["port"],
                            "UserIdGroupPairs": [pair]})
    return list(rules_of(permissions))


def ingress_problem(ingress):
    """What is wrong with the ingress option, or None."""
    seen = set()
    for item in ingress:
        if not 1 <= item["port"] <= 65535:
            return "ingress: port %s is not between 1 and 65535" % item["port"]
        if not item["group_id"].startswith("sg-"):
            return "ingress: group_id %s is not a security group id (sg-...)" % item["group_id"]
        if (item["port"], item["group_id"]) in seen:
            return "ingress: port %s from %s is listed twice; list each rule once" % (item["port"], item["group_id"])
        seen.add((item["port"], item["group_id"]))
    return None


def description_of(rule):
    return rule.source.get("Description") or ""


def plan_ingress(current_permissions, wanted):
    """How to make the ingress exactly `wanted` (Rules): a Plan."""
    current = collections.OrderedDict((rule.text, rule) for rule in rules_of(current_permissions))
    wanted_by_text = collections.OrderedDict((rule.text, rule) for rule in wanted)
    redescribe = [rule for text, rule in wanted_by_text.items()
                  if text in current and description_of(rule) != description_of(current[text])]
    redescribed = set(rule.text for rule in redescribe)
    return Plan(
        authorize=[rule for text, rule in wanted_by_text.items() if text not in current],
        revoke=[rule for text, rule in current.items() if text not in wanted_by_text],
        redescribe=redescribe,
        after=[current[text] if text in current and text not in redescribed else rule
               for text, rule in wanted_by_text.items()],
        descriptions=(dict((text, description_of(current[text])) for text in redescribed),
                      dict((rule.text, description_of(rule)) for rule in redescribe)))


def view(name, description, permissions, tags):
    """One side of the diff."""
    return {"group_name": name, "description": description, "ingress": ingress_strings(permissions), "tags": tags}


def snake(group):
    group = dict(group)
    tags = boto3_tag_list_to_ansible_dict(group.pop("Tags", None) or [])
    result = camel_dict_to_snake_dict(group)
    result["tags"] = tags
    return result


def patiently(call, code, **params):
    """call(**params), repeated after each pause of PAUSES[code] while AWS answers `code`."""
    for pause in PAUSES[code]:
        try:
            return call(**params)
        except is_ansible_aws_error_code(code):
            time.sleep(pause)
    return call(**params)


def find_group(client, name, vpc_id):
    """The group of that name (in that VPC), or None; a name that several VPCs hold is refused."""
    filters = [{"Name": "group-name", "Values": [name]}]
    if vpc_id:
        filters.append({"Name": "vpc-id", "Values": [vpc_id]})
    groups = client.paginate("describe_security_groups", "SecurityGroups", Filters=filters)
    if len(groups) > 1:
        found = ", ".join("%s in %s" % (g["GroupId"], g.get("VpcId")) for g in groups)
        raise ElastiCacheError(message="name: %d security groups are named %s (%s); set vpc_id to choose one."
                               % (len(groups), name, found))
    return groups[0] if groups else None


def create(module, client, wanted):
    params = module.params
    permissions = permissions_of(wanted)
    tags = params["tags"] or {}
    diff = {"before": {}, "after": view(params["name"], params["description"], permissions, tags)}
    if module.check_mode:
        return True, {"group_id": None, "group": None, "diff": diff}
    request = dict(GroupName=params["name"], Description=params["description"], VpcId=params["vpc_id"])
    if tags:
        request["TagSpecifications"] = boto3_tag_specifications(tags, ["security-group"])
    created = client.create_security_group(**request)
    if permissions:
        patiently(client.authorize_security_group_ingress, "InvalidGroup.NotFound", GroupId=created["GroupId"],
                  IpPermissions=permissions)
    group = dict(GroupId=created["GroupId"], GroupName=params["name"], Description=params["description"],
                 VpcId=params["vpc_id"], SecurityGroupArn=created.get("SecurityGroupArn"), IpPermissions=permissions,
                 Tags=ansible_dict_to_boto3_tag_list(tags))
    return True, {"group_id": group["GroupId"], "group": snake(group), "diff": diff}


def revoke_ingress(client, group, rules):
    """Revoke with the sources exactly as described, so that they match; AWS answers rules it did not know."""
    answer = client.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=permissions_of(rules))
    unknown = ingress_strings(answer.get("UnknownIpPermissions") or [])
    if unknown:
        raise ElastiCacheError(message="RevokeSecurityGroupIngress failed for %s (%s): AWS did not find %s; "
                               "describe the group and run again." % (group["GroupName"], group["GroupId"],
                                                                      ", ".join(unknown)))


def update(module, client, group, wanted):
    params = module.params
    group_id = group["GroupId"]
    if group["Description"] != params["description"]:
        warn("description: security group %s (%s) is described as %r, not %r, and a security group's "
             "description cannot be changed. To change it, delete the group (state=absent) and create it "
             "again." % (group["GroupName"], group_id, group["Description"], params["description"]))
    plan = plan_ingress(group.get("IpPermissions") or [], wanted)
    current_tags = boto3_tag_list_to_ansible_dict(group.get("Tags") or [])
    to_add, to_remove = {}, []
    if params["tags"] is not None:
        to_add, to_remove = compare_aws_tags(current_tags, params["tags"], params["purge_tags"])
    after_tags = dict((k, v) for k, v in current_tags.items() if k not in to_remove)
    after_tags.update(to_add)

    if not module.check_mode:
        # Authorize before revoking: a rule that moves to another source is never missing in between.
        if plan.authorize:
            client.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions_of(plan.authorize))
        if plan.revoke:
            revoke_ingress(client, group, plan.revoke)
        if plan.redescribe:
            client.update_security_group_rule_descriptions_ingress(GroupId=group_id,
                                                                   IpPermissions=permissions_of(plan.redescribe))
        if to_remove:
            client.delete_tags(Resources=[group_id], Tags=[{"Key": key} for key in to_remove])
        if to_add:
            client.create_tags(Resources=[group_id], Tags=ansible_dict_to_boto3_tag_list(to_add))

    after_permissions = permissions_of(plan.after)
    diff = {"before": view(group["GroupName"], group["Description"], group.get("IpPermissions") or [], current_tags),
            "after": view(group["GroupName"], group["Description"], after_permissions, after_tags)}
    if plan.redescribe:
        diff["before"]["ingress_descriptions"], diff["after"]["ingress_descriptions"] = plan.descriptions
    changed = bool(plan.authorize or plan.revoke or plan.redescribe or to_add or to_remove)
    group = dict(group, IpPermissions=after_permissions, Tags=ansible_dict_to_boto3_tag_list(after_tags))
    return changed, {"group_id": group_id, "group": snake(group), "diff": diff}


def delete(client, group):
    try:
        patiently(client.delete_security_group, "DependencyViolation", GroupId=group["GroupId"])
    except is_ansible_aws_error_code("DependencyViolation") as e:
        raise ElastiCacheError(
            message="DeleteSecurityGroup failed for %s (%s): still in use after %d s of retries. What uses it is not "
                    "known here: a network interface (of a cache still being deleted, an instance, a load balancer) or "
                    "a rule of another security group that references it. Try again later, or find it with "
                    "aws ec2 describe-network-interfaces --filters Name=group-id,Values=%s"
                    % (group["GroupName"], group["GroupId"], sum(PAUSES["DependencyViolation"]), group["GroupId"]),
            exception=e.exception)


def remove(module, client, group):
    if group is None:
        return False, {"group_id": None, "group": None, "diff": {"before": {}, "after": {}}}
    before = view(group["GroupName"], group["Description"], group.get("IpPermissions") or [],
                  boto3_tag_list_to_ansible_dict(group.get("Tags") or []))
    if not module.check_mode:
        delete(client, group)
    return True, {"group_id": group["GroupId"], "group": None, "diff": {"before": before, "after": {}}}


def ensure(module, client):
    params = module.params
    problem = ingress_problem(params["ingress"])
    if problem:
        module.fail_json(msg=problem)
    group = find_group(client, params["name"], params["vpc_id"])
    if params["state"] == "absent":
        return remove(module, client, group)
    wanted = wanted_rules(params["ingress"])
    if group is None:
        return create(module, client, wanted)
    return update(module, client, group, wanted)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            state=dict(type="str", default="present", choices=["present", "absent"]),
            name=dict(type="str", required=True),
            description=dict(type="str"),
            vpc_id=dict(type="str"),
            ingress=dict(type="list", elements="dict", default=[], options=dict(
                port=dict(type="int", required=True),
                group_id=dict(type="str", required=True),
                description=dict(type="str"),
            )),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
        ),
        required_if=[["state", "present", ["description", "vpc_id"]]],
        supports_check_mode=True,
    )
    run(module, ensure, "ec2")


if __name__ == "__main__":
    main()
