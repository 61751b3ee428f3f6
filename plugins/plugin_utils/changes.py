# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in-place changes of the groups that exist: engine (Redis OSS to Valkey), major and minor versions, node
size, and the parameter group each instance uses. Plain functions of the specs and the described groups (with their
first member's details); they return what they decide and change none of their arguments.

Parameter groups are named `<replication group id>-<family>` (`funmagic-main-valkey8`, `funmagic-main-redis6` for
redis6.x), so that an engine or major version change can make the new family's group beside the old one and move
the group in one ModifyReplicationGroup. A group that already uses a parameter group of the collection's (the old
name, the replication group id, or a family name) of the right family keeps it: stacks made before the family
names converge unchanged.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.funmagic.elasticache.plugins.module_utils import node_memory
from ansible_collections.funmagic.elasticache.plugins.module_utils.parameters import FAMILIES


def parameter_group_name(group_id, family):
    """The collection's parameter group of a replication group and a family: funmagic-main-redis6 for redis6.x."""
    return "%s-%s" % (group_id, family.replace(".x", ""))


def own_names(group_id):
    """Every parameter group name the collection may have given a replication group's parameters."""
    return [group_id] + [parameter_group_name(group_id, f) for f in FAMILIES]


def version_key(version):
    """(major, minor) of an engine version ("7.1", "7.1.0", "8")."""
    parts = (str(version).split(".") + ["0"])[:2]
    return tuple(int(p) if p.isdigit() else 0 for p in parts)


def _family(engine, version, family_of):
    try:
        return family_of(engine, version)
    except ValueError:
        return None


def plan(specs, groups, family_of, used_memory=None, apply_immediately=True):
    """(errors, decisions) for the instances whose groups exist.

    specs: the model's instances (engine, engine_version, node_type, family, parameters, replication_group_id).
    groups: the described groups, with their first member's engine_version and parameter_group.
    family_of: rules.family. used_memory: replication group id -> the bytes a node of it holds, when known.
    apply_immediately: whether the changes apply now (else in the maintenance window, and the parameter group in
    use stays in use after this run).
    decisions: replication group id -> {parameter_group, retire (the collection's other parameter groups of that
    group, to delete once every group is available), engine_change, node_type_change (each None or a description)}.
    """
    by_id = dict((g["replication_group_id"], g) for g in groups)
    taken = set(s["replication_group_id"] for s in specs)
    errors, decisions = [], {}
    for index, spec in enumerate(specs):
        group_id = spec["replication_group_id"]
        where = "cache_instances[%d] (%s)" % (index, spec["name"])
        group = by_id.get(group_id)
        wanted = spec.get("family")
        decision = {"parameter_group": spec["parameter_group"], "engine_change": None, "node_type_change": None}
        kept = set()
        if group is not None and group.get("status") != "deleting" and wanted:
            engine, version = group.get("engine"), group.get("engine_version")
            current = _family(engine, version, family_of) if engine and version else None
            in_use = group.get("parameter_group")
            if not apply_immediately:
                kept.add(in_use)
            if current == wanted and in_use in own_names(group_id):
                decision["parameter_group"] = in_use
            if engine and version:
                errors.extend(_version_errors(where, group_id, engine, version, spec))
                if (engine, version_key(version)) != (spec["engine"], version_key(spec["engine_version"])):
                    decision["engine_change"] = _engine_change(spec, group, engine, version, in_use,
                                                               decision["parameter_group"], current != wanted)
            decision["node_type_change"] = _node_type_change(where, spec, group, used_memory or {}, errors)
        others = set(s["parameter_group"] for s in specs) | (taken - set([group_id])) | kept
        decision["retire"] = [n for n in own_names(group_id) if n not in others | set([decision["parameter_group"]])]
        decisions[group_id] = decision
    return errors, decisions


def _version_errors(where, group_id, engine, version, spec):
    if engine == "valkey" and spec["engine"] == "redis":
        return []  # existing.check_existing names it (valkey cannot go back to redis)
    if engine == spec["engine"] and version_key(spec["engine_version"]) < version_key(version):
        return ["%s.engine_version: replication group %s runs %s %s and ElastiCache cannot downgrade an engine (%s "
                "asked); set engine_version: \"%s\" or later, or migrate: snapshot the group and restore it into a "
                "new instance" % (where, group_id, engine, version, spec["engine_version"],
                                  ".".join(str(v) for v in version_key(version)))]
    return []


def _engine_change(spec, group, engine, version, in_use, parameter_group, new_family):
    """What the change does, as AWS documents an online engine upgrade (cross-engine included)."""
    shards = max(len(group.get("node_groups") or []), 1)
    replicas = group.get("replicas") or 0
    how = ("online: ElastiCache starts a node on %s %s for each node, syncs it from the primary, and fails over "
           "once per shard (%d shard%s): writes pause for a few seconds during each failover, reads go on, the "
           "endpoints keep their names" % (spec["engine"], spec["engine_version"], shards, "" if shards == 1 else "s")
           if replicas else
           "the only node of each shard is replaced by one on %s %s: expect a short outage of that node (add a "
           "replica for an online change)" % (spec["engine"], spec["engine_version"]))
    return {"from": "%s %s" % (engine, version), "to": "%s %s" % (spec["engine"], spec["engine_version"]),
            "parameter_group_from": in_use, "parameter_group_to": parameter_group if new_family else in_use,
            "aws": how}


def _node_type_change(where, spec, group, used_memory, errors):
    current, wanted = group.get("cache_node_type"), spec["node_type"]
    if not current or current == wanted:
        return None
    way = node_memory.direction(current, wanted)
    used = used_memory.get(spec["replication_group_id"])
    refusal = node_memory.scale_down_refusal(spec["replication_group_id"], current, wanted, used,
                                             spec["parameters"].get("reserved-memory-percent")) \
        if way == "down" else None
    if refusal:
        errors.append("%s.node_type: %s" % (where, refusal))
    fits = ("" if way != "down" else " (used memory unknown: AWS refuses the change if the data does not fit)"
            if used is None else " (%s used, %s kept for data)"
            % (node_memory.gib(used), node_memory.gib(node_memory.usable_bytes(
                wanted, spec["parameters"].get("reserved-memory-percent")))))
    return {"from": current, "to": wanted, "direction": way or "change", "used_bytes": used,
            "aws": "online: ElastiCache adds nodes of the new size, syncs them and fails over to them; clients "
                   "reconnect once%s" % fits}


def scale_downs(specs, groups):
    """The member cluster ids of the groups that the specs scale down, whose used memory the preflight must read."""
    by_id = dict((g["replication_group_id"], g) for g in groups)
    return dict((s["replication_group_id"], list(by_id[s["replication_group_id"]].get("member_clusters") or []))
                for s in specs if s["replication_group_id"] in by_id and node_memory.direction(
                    by_id[s["replication_group_id"]].get("cache_node_type"), s["node_type"]) == "down")


def summary(decisions):
    """One line per change, for the role to show (check mode included)."""
    lines = []
    for group_id, decision in sorted(decisions.items()):
        engine, node = decision["engine_change"], decision["node_type_change"]
        if engine:
            lines.append("%s: %s -> %s, parameter group %s -> %s; %s" % (
                group_id, engine["from"], engine["to"], engine["parameter_group_from"], engine["parameter_group_to"],
                engine["aws"]))
        if node:
            lines.append("%s: node type %s -> %s (%s); %s"
                         % (group_id, node["from"], node["to"], node["direction"], node["aws"]))
    return lines
