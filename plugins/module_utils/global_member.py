# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replication_group module's option global_replication_group_id: a secondary member of a global datastore.

A secondary is created in its own Region with CreateReplicationGroup GlobalReplicationGroupId; node type, engine,
engine version, encryption, port and the AUTH token come from the primary (the User Guide's global datastore
prerequisites), so the options that would set them otherwise are refused or left out. ElastiCache cannot add an
existing replication group to a global datastore, nor move one between global datastores.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Options a secondary cannot take: they come from the primary, or make a group that cannot join.
_REFUSED = (("auth_token", "the secondary uses the primary's AUTH token"),
            ("user_group_ids", "the secondary takes its access control from the primary"),
            ("primary_cluster_id", "a secondary is a new replication group"),
            ("snapshot_name", "a secondary starts from the primary's data"),
            ("snapshot_arns", "a secondary starts from the primary's data"))


def validate(params):
    """Every option that contradicts global_replication_group_id, each named; [] when fine or not a secondary."""
    if not params.get("global_replication_group_id"):
        return []
    return ["%s cannot be given with global_replication_group_id: %s." % (option, reason)
            for option, reason in _REFUSED if params.get(option)]


def secondary_request(request, desired):
    """CreateReplicationGroup's parameters for a secondary: the global datastore named, and no engine the user did
    not choose (the primary's is taken; the module's default redis would contradict a valkey primary)."""
    wanted = desired.get("global_replication_group_id")
    if not wanted:
        return request
    request = dict(request, GlobalReplicationGroupId=wanted)
    if not desired.get("engine"):
        request.pop("Engine", None)
    return request


def membership_errors(group, wanted):
    """[] when the existing group is a member of the global datastore `wanted` (or `wanted` is None)."""
    if not wanted:
        return []
    current = (group.get("GlobalReplicationGroupInfo") or {}).get("GlobalReplicationGroupId")
    if current == wanted:
        return []
    return ["global_replication_group_id: the group belongs to %s, not to %s; ElastiCache cannot add an existing "
            "replication group to a global datastore: create the secondary under another id, or delete this one "
            "first." % (current or "no global datastore", wanted)]
