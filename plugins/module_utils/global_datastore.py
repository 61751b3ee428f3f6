# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The global_replication_group module's pure logic: which global datastore a suffix names, what a run must do
(create, describe change, fail over, disassociate and delete), the diff and the result.

A global datastore's id is a prefix that ElastiCache picks per Region (us-east-1: ldgnf, us-west-2: sgaui), a hyphen
and the suffix the user gave (the User Guide's "Using the AWS CLI with global datastores"). Its primary member
takes writes; each secondary, a replication group in another Region, replicates from it and is read-only.
Failover needs the datastore available; deletion needs every secondary disassociated first.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.funmagic.elasticache.plugins.module_utils import validation

# A global datastore takes a change (failover, disassociation, deletion) in these states only.
SETTLED = ("available", "primary-only")
# The User Guide's "Prerequisites and limitations" of global datastores: M5 or R5 node families and later,
# Redis OSS 5.0.6 or later (Valkey: 7.2 or later), a primary and up to two secondary Regions.
NODE_FAMILIES = ("m5", "m6g", "m7g", "r5", "r6g", "r6gd", "r7g")
MIN_VERSIONS = {"redis": (5, 0, 6), "valkey": (7, 2)}
MAX_SECONDARY_REGIONS = 2
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


def validate(params):
    """Every problem with the options, each naming its option; [] when they are fine."""
    errors = validation.identifier(params["suffix"], "suffix")
    if params.get("primary_replication_group_id"):
        errors += validation.identifier(params["primary_replication_group_id"], "primary_replication_group_id")
    if params.get("primary_region") and not _REGION.match(params["primary_region"]):
        errors.append("primary_region: %s is not an AWS Region name (such as us-west-2)." % params["primary_region"])
    if params.get("description") is not None and len(params["description"]) > 255:
        errors.append("description: at most 255 characters, not %d." % len(params["description"]))
    return errors


def prerequisite_errors(where, node_type, engine, version, primary_region, regions):
    """What AWS refuses in a global datastore of this primary and these secondary `regions`, each message starting
    with `where` (the option or inventory path); [] when it can be one. version None: the engine's default (new)."""
    errors = []
    family = (node_type or "").split(".")[1] if (node_type or "").count(".") >= 2 else None
    if family not in NODE_FAMILIES:
        errors.append("%s.node_type: global datastores run on M5, M6g, M7g, R5, R6g, R6gd or R7g nodes, not %s."
                      % (where, node_type))
    minimum = MIN_VERSIONS.get(engine or "redis")
    if version and minimum and tuple(int(p) for p in version.split(".") if p.isdigit()) < minimum:
        errors.append("%s.engine_version: global datastores need %s %s or later, not %s."
                      % (where, engine or "redis", ".".join(str(p) for p in minimum), version))
    return errors + region_errors(where, primary_region, regions)


def region_errors(where, primary_region, regions):
    """What AWS refuses in the secondary `regions` of a global datastore whose primary is in `primary_region`, each
    message at `where`.global.regions; [] when they can be its secondaries."""
    if not isinstance(regions or [], list):
        return ["%s.global.regions: must be a list of AWS Region names (such as [us-west-2]), not %r."
                % (where, regions)]
    errors = []
    regions = list(regions or [])
    bad = [r for r in regions if not isinstance(r, str) or not _REGION.match(r)]
    if bad:
        errors.append("%s.global.regions: %s %s not an AWS Region name (such as us-west-2)."
                      % (where, ", ".join(map(str, bad)), "is" if len(bad) == 1 else "are"))
    if primary_region in regions:
        errors.append("%s.global.regions: %s is the primary's own Region; list the other Regions only."
                      % (where, primary_region))
    if len(set(regions)) != len(regions):
        errors.append("%s.global.regions: each Region may be listed once." % where)
    if len(set(regions)) > MAX_SECONDARY_REGIONS:
        errors.append("%s.global.regions: a global datastore has at most %d secondary Regions, not %d."
                      % (where, MAX_SECONDARY_REGIONS, len(set(regions))))
    return errors


def find_by_suffix(groups, suffix):
    """The global datastore whose id ends in -suffix (ElastiCache puts a Region's prefix before it), or None."""
    suffix = suffix.lower()
    found = [g for g in groups if g["GlobalReplicationGroupId"].split("-", 1)[-1] == suffix]
    return found[0] if found else None


def members(group):
    """(primary member or None, secondary members) of a described global datastore (ShowMemberInfo)."""
    found = group.get("Members") or []
    primary = [m for m in found if m.get("Role") == "PRIMARY"]
    return (primary[0] if primary else None), [m for m in found if m.get("Role") != "PRIMARY"]


def summary(group):
    """What the diff shows of a global datastore: description, primary region and the members' roles."""
    if group is None:
        return {"state": "absent"}
    primary, _secondaries = members(group)
    return {
        "state": "present",
        "description": group.get("GlobalReplicationGroupDescription", ""),
        "primary_region": primary["ReplicationGroupRegion"] if primary else None,
        "members": dict(("%s/%s" % (m["ReplicationGroupRegion"], m["ReplicationGroupId"]), m["Role"])
                        for m in group.get("Members") or []),
    }


def plan(params, group):
    """What a run with state=present does to an existing global datastore: {"errors", "description", "failover"}.

    description: the new description or None; failover: the secondary member {region, id} to promote, or None.
    """
    errors = []
    primary, secondaries = members(group)
    wanted_primary = params.get("primary_replication_group_id")
    member_ids = [m["ReplicationGroupId"] for m in group.get("Members") or []]
    if wanted_primary and wanted_primary.lower() not in member_ids:
        errors.append("primary_replication_group_id: global datastore %s exists with members %s, not %s."
                      % (group["GlobalReplicationGroupId"], ", ".join(sorted(member_ids)) or "none", wanted_primary))
    description = params.get("description")
    if description is None or description == group.get("GlobalReplicationGroupDescription", ""):
        description = None
    failover = None
    region = params.get("primary_region")
    if region and (primary is None or primary["ReplicationGroupRegion"] != region):
        chosen = [m for m in secondaries if m["ReplicationGroupRegion"] == region]
        if not chosen:
            errors.append("primary_region: global datastore %s has no member in %s (its members are in %s)."
                          % (group["GlobalReplicationGroupId"], region,
                             ", ".join(sorted(m["ReplicationGroupRegion"] for m in group.get("Members") or []))))
        else:
            failover = {"region": region, "id": chosen[0]["ReplicationGroupId"]}
    return {"errors": errors, "description": description, "failover": failover}


def planned(group, changes):
    """The summary() a check-mode run predicts once `changes` (from plan()) are made."""
    after = summary(group)
    if changes["description"] is not None:
        after["description"] = changes["description"]
    if changes["failover"]:
        after["primary_region"] = changes["failover"]["region"]
        chosen = "%s/%s" % (changes["failover"]["region"], changes["failover"]["id"])
        after["members"] = dict((k, "PRIMARY" if k == chosen else "SECONDARY") for k in after["members"])
    return after


def result(group):
    """The global datastore in snake_case, its members each with role, region and status; None when absent."""
    if group is None:
        return None
    return camel_dict_to_snake_dict(group)
