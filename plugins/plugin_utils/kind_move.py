# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Moving one instance from a replication group (kind: node) to a serverless cache: the checks and the plan.

AWS restores a node-based group's backup into a new serverless cache directly (CreateServerlessCache
SnapshotArnsToRestore with the ElastiCache snapshot's ARN; "Backups from Valkey or Redis OSS node-based clusters can
be restored into a serverless configuration", ElastiCache user guide, Choosing between deployment options). A
serverless cache cannot take the group's name while the group exists, so the inventory names the target as a NEW
instance of kind serverless with `moved_from: <old instance>`. This module only decides; the playbook arranges.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError

KINDS = ("serverless",)


def plan(instances, move_instance, move_to, replication_groups, serverless_caches):
    """The move of move_instance to move_to, or InputError naming each bad field before anything changes.

    instances: the checked instance specs (name, kind, replication_group_id, moved_from);
    replication_groups / serverless_caches: the ids that exist in AWS now.
    Returns source (group id), target (instance name), cache (serverless cache name), snapshot (its name),
    and done (the cache exists already: restore skipped, the hosts' move still converges).
    """
    errors = []
    if move_to not in KINDS:
        errors.append("move_to: %r is not supported; choose one of %s (the way back to nodes is not automated)"
                      % (move_to, ", ".join(KINDS)))
    by_name = dict((i["name"], i) for i in instances)
    source = by_name.get(move_instance)
    if source is None:
        errors.append("move_instance: no instance named %r in cache_instances (known: %s)"
                      % (move_instance, ", ".join(sorted(by_name)) or "none"))
    elif source.get("kind", "node") == "serverless":
        errors.append("move_instance: %r is already serverless; nothing to move" % move_instance)
    targets = [i for i in instances if i.get("moved_from") == move_instance]
    if source is not None and len(targets) != 1:
        errors.append("cache_instances: exactly one instance must say moved_from: %s (found %d)"
                      % (move_instance, len(targets)))
    target = targets[0] if len(targets) == 1 else None
    if target is not None and target.get("kind", "node") != move_to:
        errors.append("cache_instances (%s).kind: must be %s to receive %r" % (target["name"], move_to, move_instance))
    if errors:
        raise InputError(errors)
    group_id = source["replication_group_id"]
    cache = target["replication_group_id"]
    done = cache in serverless_caches
    if not done and group_id not in replication_groups:
        raise InputError(["move_instance: replication group %s of %r does not exist in AWS; nothing to carry over"
                          % (group_id, move_instance)])
    return {"source": group_id, "target": target["name"], "cache": cache,
            "snapshot": "%s-to-%s" % (group_id, move_to), "done": done}
