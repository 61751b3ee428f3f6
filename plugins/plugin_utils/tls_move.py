# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turning in-transit encryption on for groups that run without it, as AWS does it without downtime:
TransitEncryptionMode `preferred` (the group accepts plain and TLS clients on the same endpoint), the application
hosts moved to rediss:// batch by batch with PONG over TLS on each, then `required` once every host uses TLS.

Plain functions of the resolved instances and the replication groups as AWS describes them (snake_case).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# ElastiCache changes in-transit encryption in place only from these engine versions on (Redis OSS 7.0, every Valkey).
MINIMUM_VERSION = {"redis": (7, 0), "valkey": (7, 2)}


def _version(text):
    try:
        return tuple(int(part) for part in str(text).split(".")[:2])
    except ValueError:
        return None


def check(where, spec, group):
    """Why the inventory cannot turn TLS on for this existing group in place (messages naming the field), or []."""
    if not spec["transit_encryption"] or group.get("transit_encryption_enabled"):
        return []
    errors = []
    minimum = MINIMUM_VERSION.get(spec["engine"], (7, 0))
    version = _version(spec["engine_version"])
    if version is not None and version < minimum:
        errors.append("%s.transit_encryption: replication group %s runs without TLS, and AWS turns TLS on in place "
                      "only from %s %s on; upgrade engine_version first, or keep transit_encryption: false"
                      % (where, spec["replication_group_id"], spec["engine"], ".".join(str(p) for p in minimum)))
    if spec["auth"] and not group.get("auth_token_enabled"):
        errors.append("%s.transit_encryption: replication group %s has neither TLS nor an AUTH token; AWS accepts a "
                      "token only once TLS is on: turn TLS on first (run without cache_auth_tokens.%s), then add "
                      "the token in a later run" % (where, spec["replication_group_id"], spec["name"]))
    if spec.get("access") == "rbac" and not group.get("user_group_ids"):
        errors.append("%s.transit_encryption: replication group %s runs without TLS, and AWS accepts user groups "
                      "only once TLS is on: turn TLS on first with access: token (no token), then move to access: "
                      "rbac in a later run" % (where, spec["replication_group_id"]))
    return errors


def moves(specs, groups):
    """The instances whose clients move to TLS: the inventory asks for transit encryption and the group exists without
    TLS (the cache role turns `preferred` on in this run) or in `preferred` (a move started and not finished).

    Each: name, replication_group_id; in the order of cache_instances.
    """
    by_id = dict((g["replication_group_id"], g) for g in groups)
    result = []
    for spec in specs:
        group = by_id.get(spec["replication_group_id"])
        if group is None or not spec["transit_encryption"]:
            continue
        if not group.get("transit_encryption_enabled") or group.get("transit_encryption_mode") == "preferred":
            result.append({"name": spec["name"], "replication_group_id": spec["replication_group_id"]})
    return result
