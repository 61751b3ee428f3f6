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

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import instance_for
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import queue_prefix
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError

KINDS = ("serverless",)
MOVE_PLAYBOOK = "playbooks/move_kind.yml"


def instance_errors(specs):
    """The problems of the `moved_from` fields of the resolved instance specs, each naming its field: it names
    another instance of kind node with the same purpose, at most one instance moves from each, and a target is not
    itself moved from."""
    errors = []
    by_name = dict((s["name"], s) for s in specs)
    taken = {}
    for index, spec in enumerate(specs):
        source_name = spec.get("moved_from")
        if not source_name:
            continue
        where = "cache_instances[%d] (%s).moved_from" % (index, spec["name"])
        source = by_name.get(source_name)
        if source is None or source_name == spec["name"]:
            errors.append("%s: %r names no other instance in cache_instances (known: %s); name the node-based "
                          "instance this serverless one takes over, or remove moved_from once the move is done and "
                          "the old instance is gone" % (
                              where, source_name, ", ".join(sorted(n for n in by_name if n != spec["name"]))))
            continue
        if spec.get("kind") != "serverless":
            errors.append("%s: only a kind: serverless instance can be moved to (the way back to nodes is manual, "
                          "see the runbook); set kind: serverless on %s" % (where, spec["name"]))
        if source.get("kind") == "serverless" or source.get("moved_from"):
            errors.append("%s: %s is not a node-based instance that stays where it is; name a kind: node instance"
                          % (where, source_name))
        if source.get("purpose") != spec.get("purpose"):
            errors.append("%s: %s has purpose %s and %s has %s; the hosts move to it for the same purpose, so give "
                          "it purpose: %s" % (where, source_name, source.get("purpose"), spec["name"],
                                              spec.get("purpose"), source.get("purpose")))
        if source.get("engine") == "valkey" and spec.get("engine") == "redis":
            errors.append("%s: %s runs Valkey, and a Valkey snapshot cannot be restored into Redis OSS; give %s "
                          "engine: valkey" % (where, source_name, spec["name"]))
        if source_name in taken:
            errors.append("%s: %s moves to %s already; one instance moves to one serverless instance"
                          % (where, source_name, taken[source_name]))
        taken.setdefault(source_name, spec["name"])
    return errors


def move_instance_errors(move_instance, move_kind_playbook):
    """move_instance moves an instance only in playbooks/move_kind.yml, which says so with move_kind_playbook: given
    to any other playbook (redis.yml -e move_instance=main), it would create the target empty, so it is refused."""
    if move_instance is None or move_kind_playbook:
        return []
    return ["move_instance: only %s takes it (it snapshots the group and makes the serverless cache from it); run "
            "ansible-playbook %s -e move_instance=%s instead, or drop -e move_instance" % (
                MOVE_PLAYBOOK, MOVE_PLAYBOOK, move_instance)]


def pending_errors(specs, present, move_instance):
    """A target (moved_from) that does not exist yet while its source does is made only by the move, from the
    source's snapshot: any other run that would create it empty is refused, naming the field and the playbook.
    A source whose group is gone once its target exists is refused too: the run would create it again, empty.
    present: the replication group ids and serverless cache names that exist now."""
    by_name = dict((s["name"], s) for s in specs)
    errors = []
    for index, spec in enumerate(specs):
        source = by_name.get(spec.get("moved_from"))
        if source is not None and spec["replication_group_id"] in present \
                and source["replication_group_id"] not in present:
            errors.append("cache_instances[%d] (%s): replication group %s is gone and %s, which moved_from it, "
                          "exists: the move is done. Remove %s from cache_instances and moved_from from %s; a run "
                          "would create %s again, empty" % (
                              specs.index(source), source["name"], source["replication_group_id"], spec["name"],
                              source["name"], spec["name"], source["name"]))
            continue
        if source is None or spec["replication_group_id"] in present or source["replication_group_id"] not in present:
            continue
        if move_instance != source["name"]:
            errors.append("cache_instances[%d] (%s).moved_from: the serverless cache %s does not exist yet and "
                          "replication group %s of %s does; it would be created empty. Run %s -e move_instance=%s "
                          "first: it restores the data of %s into it and moves the hosts" % (
                              index, spec["name"], spec["replication_group_id"], source["replication_group_id"],
                              source["name"], MOVE_PLAYBOOK, source["name"], source["name"]))
    return errors


def replaced(specs, present):
    """source name -> target name, for each move whose target exists: the hosts' env files and PINGs use the target
    for that purpose, never the source."""
    by_name = dict((s["name"], s) for s in specs)
    return dict((s["moved_from"], s["name"]) for s in specs
                if s.get("moved_from") in by_name and s["replication_group_id"] in present)


def redirect(clients, moved):
    """A worker that maps a purpose to a moved source by name (client_workers[].instances) gets its target instead,
    in place on the model's clients. moved: replaced()."""
    for client in clients.values():
        for worker in client["workers"]:
            worker["instances"] = dict((purpose, moved.get(name, name))
                                       for purpose, name in (worker.get("instances") or {}).items())


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


def prefix_warnings(specs, clients, move_instance):
    """What the move does to BullMQ: each worker that uses move_instance (cluster mode off) for its queues and whose
    QUEUE_PREFIX becomes a hash tag on the serverless cache (a cluster). The jobs waiting under the old prefix are
    carried over, but no worker looks there any more. clients: the model's, host -> {workers}."""
    by_name = dict((s["name"], s) for s in specs)
    source = by_name.get(move_instance)
    if source is None or source.get("cluster_mode"):
        return []
    before = dict((s["name"], {"purpose": s["purpose"], "order": i}) for i, s in enumerate(specs)
                  if not s.get("moved_from"))  # the instances the hosts use before the move
    warnings = {}
    for client in clients.values():
        for worker in client["workers"]:
            try:
                if instance_for(before, worker, "queue")[0] != move_instance:
                    continue
            except ValueError:
                continue  # reported by the client rules
            old, new = queue_prefix(worker.get("queue_prefix")), queue_prefix(worker.get("queue_prefix"), True)
            if old != new:
                warnings[worker["name"]] = (
                    "move_instance: worker %s's QUEUE_PREFIX goes from %r to %r on the serverless cache (a cluster: "
                    "the keys of a BullMQ queue must share a slot). The jobs still waiting under %r are carried over, "
                    "but no worker sees them: drain the queues (pause the producers) before the move"
                    % (worker["name"], old or "bull", new, old or "bull"))
    return [warnings[name] for name in sorted(warnings)]


def describe(model, present, groups, caches, move_instance, move_snapshot_arn, cache_role):
    """The inputs action's part of a move, on its model (in place): the refusals of pending_errors (cache_role: the
    run checks the cache role's inputs), with move_instance the plan in model["move"] (with its prefix warnings) and
    the target restored from move_snapshot_arn, and every worker mapping a replaced source by name redirected.
    present: the group ids and serverless cache names that exist. Returns replaced() (source -> target)."""
    instances = model["instances"]
    if cache_role:
        errors = pending_errors(instances, present, move_instance)
        if errors:
            raise InputError(errors)
    if move_instance is not None:
        model["move"] = plan(instances, move_instance, "serverless", [g["replication_group_id"] for g in groups],
                             [c["serverless_cache_name"] for c in caches])
        model["move"]["warnings"] = prefix_warnings(instances, model.get("clients") or {}, move_instance)
        for spec in instances:
            if spec["name"] == model["move"]["target"] and spec["replication_group_id"] not in present \
                    and move_snapshot_arn:
                spec["snapshot_arns_to_restore"] = [move_snapshot_arn]
    moved = replaced(instances, present)
    redirect(model.get("clients") or {}, moved)
    return moved
