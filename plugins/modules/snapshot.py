#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: snapshot
short_description: Take a manual snapshot of an ElastiCache replication group and wait until it is available
version_added: 0.3.0
description:
  - Takes a manual snapshot of a replication group (CreateSnapshot) under a name, unless a snapshot of that name
    exists already, which is adopted (it must be of the same group); then waits until the snapshot is available
    (DescribeSnapshots), so that it can be restored, for example into a serverless cache with
    M(funmagic.elasticache.serverless_cache)'s I(snapshot_arns_to_restore).
  - Refuses, before any call that changes anything, a group that does not exist or is not available, and a snapshot
    of that name taken of another group.
  - In check mode nothing is created; the result says whether the snapshot would be taken.
author:
  - Funmagic Platform Team (@funmagic)
options:
  name:
    description: The snapshot's name.
    type: str
    required: true
  replication_group_id:
    description: The group to take the snapshot of.
    type: str
    required: true
  tags:
    description: Tags of a new snapshot.
    type: dict
    default: {}
  wait:
    description: Wait until the snapshot is available (a new one starts as C(creating)).
    type: bool
    default: true
extends_documentation_fragment:
  - funmagic.elasticache.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Take a snapshot of the main group to restore it into a serverless cache
  funmagic.elasticache.snapshot:
    name: funmagic-main-to-serverless
    replication_group_id: funmagic-main
    wait_delay: 5
  register: taken

- name: Restore it into a new serverless cache
  funmagic.elasticache.serverless_cache:
    name: funmagic-main2
    engine: valkey
    major_engine_version: "8"
    user_group_id: funmagic-main2
    snapshot_arns_to_restore: ["{{ taken.snapshot.arn }}"]
"""

RETURN = r"""
snapshot:
  description: The snapshot as AWS describes it at the end; empty in check mode when it would be taken.
  returned: always
  type: dict
  contains:
    name:
      description: The snapshot's name.
      type: str
    arn:
      description: Its ARN, C(arn:aws:elasticache:<region>:<account>:snapshot:<name>), what a restore names.
      type: str
    status:
      description: C(creating), C(available), ...
      type: str
    replication_group_id:
      description: The group it was taken of.
      type: str
    source:
      description: C(manual) or C(automated).
      type: str
seconds:
  description: How long the wait for C(available) took.
  returned: when the module waited
  type: float
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ElastiCacheError
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_replication_group
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import find
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import WAIT_OPTIONS
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import wait_for


def _describe(client, name):
    return find(client, "describe_snapshots", "Snapshots", "SnapshotNotFoundFault", SnapshotName=name)


def _result(snapshot):
    if not snapshot:
        return {}
    return {"name": snapshot["SnapshotName"], "arn": snapshot.get("ARN"), "status": snapshot.get("SnapshotStatus"),
            "replication_group_id": snapshot.get("ReplicationGroupId"), "source": snapshot.get("SnapshotSource")}


def _wait(client, name, timeout, delay):
    """The snapshot once available (module_utils.users.wait_for); a snapshot that fails or disappears is an
    ElastiCacheError at once, a timeout one naming its status."""
    def described():
        snapshot = _describe(client, name)
        if snapshot is None:
            raise ElastiCacheError(message="Snapshot %s disappeared while it was being taken" % name)
        if snapshot["SnapshotStatus"] in ("failed", "deleting"):
            raise ElastiCacheError(message="Snapshot %s is %s" % (name, snapshot["SnapshotStatus"]))
        seen[name] = snapshot
        return {name: {"Status": snapshot["SnapshotStatus"]}}

    seen = {}
    wait_for(described, {name: "available"}, timeout, delay, "snapshot %s" % name)
    return seen[name]


def ensure(module, client):
    params = module.params
    name, group_id = params["name"], params["replication_group_id"].lower()
    snapshot = _describe(client, name)
    changed = False
    if snapshot is not None:
        if snapshot.get("ReplicationGroupId") != group_id:
            module.fail_json(msg="Snapshot %s exists, but of %s, not of replication group %s; choose another name"
                             % (name, snapshot.get("ReplicationGroupId") or snapshot.get("CacheClusterId"), group_id),
                             snapshot=_result(snapshot))
    else:
        group = describe_replication_group(client, group_id)
        if group is None:
            module.fail_json(msg="Replication group %s does not exist; there is nothing to take a snapshot of"
                             % group_id)
        if group["Status"] != "available":
            module.fail_json(msg="Replication group %s is %s; a snapshot can only be taken while it is available"
                             % (group_id, group["Status"]))
        changed = True
        if module.check_mode:
            return True, {"snapshot": {}}
        tags = [{"Key": k, "Value": v} for k, v in sorted((params["tags"] or {}).items())]
        snapshot = client.create_snapshot(SnapshotName=name, ReplicationGroupId=group_id,
                                          **({"Tags": tags} if tags else {}))["Snapshot"]
    result = {}
    if params["wait"] and not module.check_mode and snapshot["SnapshotStatus"] != "available":
        started = time.monotonic()
        snapshot = _wait(client, name, params["wait_timeout"], params["wait_delay"])
        result["seconds"] = round(time.monotonic() - started, 1)
    result["snapshot"] = _result(snapshot)
    return changed, result


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            replication_group_id=dict(type="str", required=True),
            tags=dict(type="dict", default={}),
            wait=dict(type="bool", default=True),
            **WAIT_OPTIONS
        ),
        supports_check_mode=True,
    )
    run(module, ensure)


if __name__ == "__main__":
    main()
