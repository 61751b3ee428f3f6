#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: global_replication_group
short_description: Manage ElastiCache global datastores (global replication groups) and fail them over
version_added: 0.3.0
description:
  - Create an Amazon ElastiCache global datastore around an existing replication group (its primary), change its
    description, fail it over to another Region, and delete it.
  - ElastiCache puts a prefix of the Region before the I(suffix) (C(ldgnf-) in us-east-1, C(sgaui-) in us-west-2);
    the module finds an existing global datastore by its suffix, whatever the prefix, and adopts it.
  - A secondary is a replication group created in another Region with C(GlobalReplicationGroupId)
    (M(funmagic.elasticache.replication_group) in that Region); it takes node type, engine version, encryption and
    AUTH from the primary and is read-only.
  - I(primary_region) names the Region whose member should take writes; when another member is primary, the module
    calls C(FailoverGlobalReplicationGroup). Clients of the old primary Region must move to the new one.
  - I(state=absent) disassociates every secondary (each stays as a standalone replication group in its Region, with
    its data, and becomes writable), then deletes the global datastore. The primary replication group stays as a
    standalone one (AWS never deletes it with the global datastore); delete it with
    M(funmagic.elasticache.replication_group).
  - While it waits, the module polls C(DescribeGlobalReplicationGroups) every I(wait_delay) seconds and returns each
    poll's status in I(polls).
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description: Whether the global datastore should exist.
    type: str
    choices: [present, absent]
    default: present
  suffix:
    description:
      - The global datastore's name without the Region prefix ElastiCache adds (C(GlobalReplicationGroupIdSuffix)).
    type: str
    required: true
    aliases: [global_replication_group_id_suffix]
  primary_replication_group_id:
    description:
      - The replication group, in the module's I(region), that becomes the primary when the global datastore is
        created. For an existing global datastore it must be one of its members.
      - Required to create the global datastore.
    type: str
  description:
    description: The global datastore's description.
    type: str
  primary_region:
    description:
      - The Region whose member should be the primary. When another member is primary, the global datastore fails
        over to the member in this Region. Omitted, the primary stays where it is.
    type: str
  wait:
    description: Wait until the global datastore is settled (available or primary-only), or gone.
    type: bool
    default: true
extends_documentation_fragment:
  - funmagic.elasticache.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A global datastore around the orders group of us-east-1
  funmagic.elasticache.global_replication_group:
    region: us-east-1
    suffix: orders
    primary_replication_group_id: orders
    description: orders, read in us-west-2

- name: Promote the us-west-2 member (a regional failover)
  funmagic.elasticache.global_replication_group:
    region: us-east-1
    suffix: orders
    primary_region: us-west-2

- name: Disassociate the secondaries and delete the global datastore, keeping the primary group
  funmagic.elasticache.global_replication_group:
    region: us-east-1
    suffix: orders
    state: absent
"""

RETURN = r"""
global_replication_group:
  description: The global datastore as AWS describes it after the change, in snake_case; null when it does not exist.
  returned: always
  type: dict
  contains:
    global_replication_group_id:
      description: The id, the Region prefix and the suffix.
      type: str
      sample: ldgnf-orders
    global_replication_group_description:
      description: The description.
      type: str
    status:
      description: creating, available, primary-only (no secondary), modifying or deleting.
      type: str
      sample: available
    members:
      description: Each member replication group with its role (PRIMARY or SECONDARY), Region and status.
      type: list
      elements: dict
      sample:
        - {replication_group_id: orders, replication_group_region: us-east-1, role: PRIMARY, status: associated,
           automatic_failover: enabled}
        - {replication_group_id: orders, replication_group_region: us-west-2, role: SECONDARY, status: associated,
           automatic_failover: enabled}
    cache_node_type:
      description: The node type every member runs.
      type: str
    engine:
      description: redis or valkey.
      type: str
    engine_version:
      description: The engine version every member runs.
      type: str
    arn:
      description: The ARN (a global datastore's ARN names no Region).
      type: str
polls:
  description: The status of the global datastore at each poll while the module waited, oldest first.
  returned: always
  type: list
  elements: str
  sample: ["ldgnf-orders=modifying", "ldgnf-orders=available"]
disassociated:
  description: The secondaries that state=absent disassociated; each is now a standalone replication group.
  returned: when state=absent disassociated members
  type: list
  elements: dict
  sample: [{replication_group_id: orders, replication_group_region: us-west-2}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils import global_datastore as gd
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import find
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import WAIT_OPTIONS
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import wait_for


def describe(client, gid):
    return find(client, "describe_global_replication_groups", "GlobalReplicationGroups",
                "GlobalReplicationGroupNotFoundFault", GlobalReplicationGroupId=gid, ShowMemberInfo=True)


def by_suffix(client, suffix):
    groups = client.paginate("describe_global_replication_groups", "GlobalReplicationGroups", ShowMemberInfo=True)
    return gd.find_by_suffix(groups, suffix)


def settle(client, params, gid, polls, gone=False):
    """Poll until the global datastore is settled (or gone); its polls are added to `polls`. Returns it (None: gone).

    Right after a change AWS may still show the old status for a moment; a poll that sees the datastore settled
    counts only once its members are settled too (shown as "<status> (members associating)" until then).
    """
    last = {}

    def described():
        last["group"] = group = describe(client, gid)
        if group is None:
            return {}
        settled = all(m.get("Status") == "associated" for m in group.get("Members") or [])
        return {gid: {"Status": group["Status"] if settled else "%s (members associating)" % group["Status"]}}

    seen = wait_for(described, {gid: "gone" if gone else gd.SETTLED}, params["wait_timeout"], params["wait_delay"],
                    "global datastore %s to be %s" % (gid, "gone" if gone else "available"))[1]
    polls.extend(seen)
    return last["group"]


def ensure_absent(module, client, group):
    params = module.params
    if group is None or group["Status"] == "deleting":
        return False, {"global_replication_group": None, "polls": []}
    gid = group["GlobalReplicationGroupId"]
    diff = {"before": gd.summary(group), "after": gd.summary(None)}
    secondaries = gd.members(group)[1]
    disassociated = [{"replication_group_id": m["ReplicationGroupId"],
                      "replication_group_region": m["ReplicationGroupRegion"]} for m in secondaries]
    if module.check_mode:
        return True, {"global_replication_group": None, "polls": [], "diff": diff, "disassociated": disassociated}
    polls = []
    for member in secondaries:
        # Each disassociation needs the datastore settled, and leaves it modifying for a while.
        settle(client, params, gid, polls)
        client.disassociate_global_replication_group(GlobalReplicationGroupId=gid,
                                                     ReplicationGroupId=member["ReplicationGroupId"],
                                                     ReplicationGroupRegion=member["ReplicationGroupRegion"])
    settle(client, params, gid, polls)
    client.delete_global_replication_group(GlobalReplicationGroupId=gid, RetainPrimaryReplicationGroup=True)
    if params["wait"]:
        settle(client, params, gid, polls, gone=True)
    return True, {"global_replication_group": None, "polls": polls, "diff": diff, "disassociated": disassociated}


def create(module, client):
    params = module.params
    if not params["primary_replication_group_id"]:
        module.fail_json(msg="primary_replication_group_id is required to create global datastore %s."
                         % params["suffix"])
    diff = {"before": gd.summary(None), "after": {"state": "present", "description": params["description"] or "",
                                                  "primary_region": module.region}}
    if params["primary_region"] and params["primary_region"] != module.region:
        module.fail_json(msg="primary_region: a new global datastore's primary is in the module's region (%s), not %s;"
                             " fail over once a secondary exists there." % (module.region, params["primary_region"]))
    if module.check_mode:
        return True, {"global_replication_group": None, "polls": [], "diff": diff}
    request = {"GlobalReplicationGroupIdSuffix": params["suffix"],
               "PrimaryReplicationGroupId": params["primary_replication_group_id"]}
    if params["description"]:
        request["GlobalReplicationGroupDescription"] = params["description"]
    group = client.create_global_replication_group(**request)["GlobalReplicationGroup"]
    polls = []
    if params["wait"]:
        group = settle(client, params, group["GlobalReplicationGroupId"], polls)
    return True, {"global_replication_group": gd.result(group), "polls": polls, "diff": diff}


def update(module, client, group):
    params = module.params
    gid = group["GlobalReplicationGroupId"]
    changes = gd.plan(params, group)
    if changes["errors"]:
        module.fail_json(msg="Global datastore %s: %s" % (gid, " ".join(changes["errors"])))
    diff = {"before": gd.summary(group), "after": gd.planned(group, changes)}
    changed = bool(changes["description"] is not None or changes["failover"])
    if module.check_mode or not changed:
        return changed, {"global_replication_group": gd.result(group), "polls": [], "diff": diff}
    polls = []
    if changes["description"] is not None:
        settle(client, params, gid, polls)
        client.modify_global_replication_group(GlobalReplicationGroupId=gid, ApplyImmediately=True,
                                               GlobalReplicationGroupDescription=changes["description"])
    if changes["failover"]:
        settle(client, params, gid, polls)
        client.failover_global_replication_group(GlobalReplicationGroupId=gid,
                                                 PrimaryRegion=changes["failover"]["region"],
                                                 PrimaryReplicationGroupId=changes["failover"]["id"])
    group = settle(client, params, gid, polls) if params["wait"] else describe(client, gid)
    return True, {"global_replication_group": gd.result(group), "polls": polls, "diff": diff}


def ensure(module, client):
    group = by_suffix(client, module.params["suffix"])
    if module.params["state"] == "absent":
        return ensure_absent(module, client, group)
    if group is None:
        return create(module, client)
    return update(module, client, group)


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        suffix=dict(type="str", required=True, aliases=["global_replication_group_id_suffix"]),
        primary_replication_group_id=dict(type="str"),
        description=dict(type="str"),
        primary_region=dict(type="str"),
        wait=dict(type="bool", default=True),
        **WAIT_OPTIONS
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = gd.validate(module.params)
    if errors:
        module.fail_json(msg="Invalid options: " + " ".join(errors))
    run(module, ensure)


if __name__ == "__main__":
    main()
