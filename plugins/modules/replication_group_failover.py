#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: replication_group_failover
short_description: Test the failover of an ElastiCache replication group (TestFailover)
version_added: 0.2.0
description:
  - Promotes a replica of one node group to primary with TestFailover, as a real failure would,
    waits until the group is available again, and returns the old and the new primary and the events
    AWS recorded meanwhile (DescribeEvents).
  - Refuses, before any call that changes anything, a group that has no replica in that node group,
    whose automatic failover is not enabled, or that is not available.
  - This is an action, not a state. It reports a change every time it runs; in check mode it only checks.
  - AWS allows failover tests on at most 15 node groups in any rolling 24 hours (its API reference), and blocks
    them in some large-scale operational events. It is a test tool, not a way to fix a failing group.
author:
  - Funmagic Platform Team (@funmagic)
options:
  replication_group_id:
    description: The group's identifier.
    type: str
    required: true
    aliases: [id, name]
  node_group_id:
    description: The node group (shard) whose primary fails over. C(0001) with cluster mode disabled.
    type: str
    default: "0001"
  wait:
    description:
      - Wait until the group is available again, then describe the new primary and the events.
      - Without waiting, the new primary is not known yet and is not returned.
    type: bool
    default: true
extends_documentation_fragment:
  - funmagic.elasticache.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Fail the queue instance's primary over to its replica
  funmagic.elasticache.replication_group_failover:
    replication_group_id: funmagic-queue
    wait_delay: 5
  register: failover

- name: Show where the primary went
  ansible.builtin.debug:
    msg: "{{ failover.previous_primary }} -> {{ failover.new_primary }}"
"""

RETURN = r"""
previous_primary:
  description: The member cluster that was the primary.
  returned: always
  type: str
  sample: funmagic-queue-001
new_primary:
  description: The member cluster that is the primary after the failover.
  returned: when I(wait=true) and not in check mode
  type: str
  sample: funmagic-queue-002
seconds:
  description: From the TestFailover call to the group being available again.
  returned: when I(wait=true) and not in check mode
  type: float
events:
  description: The events about the group and its members since the TestFailover call, oldest first.
  returned: when I(wait=true) and not in check mode
  type: list
  elements: dict
  contains:
    date:
      description: When, in ISO 8601.
      type: str
    source_identifier:
      description: The group or member cluster.
      type: str
    source_type:
      description: C(replication-group) or C(cache-cluster).
      type: str
    message:
      description: What happened.
      type: str
      sample: Failover from primary node funmagic-queue-001 to replica node funmagic-queue-002 completed
replication_group:
  description: The group as AWS describes it at the end, as M(funmagic.elasticache.replication_group) returns it.
  returned: always
  type: dict
"""

import datetime
import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_replication_group
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import WAIT_OPTIONS
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import events_of
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import failover_refusal
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import group_result
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import primary_member


def ensure(module, client):
    params = module.params
    group_id = params["replication_group_id"].lower()
    group = describe_replication_group(client, group_id)
    if group is None:
        module.fail_json(msg="Replication group %s does not exist." % group_id)
    refusal = failover_refusal(group, params["node_group_id"])
    if refusal:
        module.fail_json(msg=refusal, replication_group=group_result(group, None))
    result = {"previous_primary": primary_member(group, params["node_group_id"])}
    if module.check_mode:
        return True, dict(result, replication_group=group_result(group, None))
    # A second of margin: AWS stamps events with its own clock.
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    started = time.monotonic()
    group = client.test_failover(ReplicationGroupId=group_id, NodeGroupId=params["node_group_id"])["ReplicationGroup"]
    if params["wait"]:
        client.wait("replication_group_available", params["wait_timeout"], params["wait_delay"],
                    "replication group %s to be available after the failover" % group_id, ReplicationGroupId=group_id)
        result["seconds"] = round(time.monotonic() - started, 1)
        group = describe_replication_group(client, group_id)
        result["new_primary"] = primary_member(group, params["node_group_id"])
        result["events"] = events_of(client.paginate("describe_events", "Events", StartTime=since), group)
    result["replication_group"] = group_result(group, None)
    return True, result


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            replication_group_id=dict(type="str", required=True, aliases=["id", "name"]),
            node_group_id=dict(type="str", default="0001"),
            wait=dict(type="bool", default=True),
            **WAIT_OPTIONS
        ),
        supports_check_mode=True,
    )
    run(module, ensure)


if __name__ == "__main__":
    main()
