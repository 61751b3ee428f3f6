"""Global datastores (global replication groups): CreateGlobalReplicationGroup, DescribeGlobalReplicationGroups,
FailoverGlobalReplicationGroup, DisassociateGlobalReplicationGroup, DeleteGlobalReplicationGroup, and the secondary
replication group that CreateReplicationGroup makes with GlobalReplicationGroupId.

A global group belongs to no region: every region's requests see it (its ARN has no region). Each member is a
replication group of its own region, backed by its own redis-server; a secondary's server replicates from the
primary member's (replicates_from, which the Redis fixture turns into REPLICAOF), so it answers reads and refuses
writes as a replica does.
"""

from __future__ import annotations

import time

from .. import rules
from ..protocol import AWSError
from .common import ACCOUNT, error, page

# "Using the AWS CLI with global datastores": the prefix each Region puts before the suffix of a global datastore's id.
ID_PREFIXES = {
    "us-east-1": "ldgnf", "us-east-2": "fpkhr", "us-west-1": "virxk", "us-west-2": "sgaui", "ca-central-1": "bxodz",
    "ap-south-1": "erpgt", "ap-northeast-1": "quwsw", "ap-northeast-2": "lfqnh", "ap-northeast-3": "nlapn",
    "ap-southeast-1": "vlqxn", "ap-southeast-2": "vbgxd", "eu-central-1": "iudkw", "eu-west-1": "gxeiz",
    "eu-west-2": "okuqm", "eu-west-3": "fgjhi", "sa-east-1": "juxlw", "ap-east-1": "knjmp",
}
# Node families a global datastore runs on ("Global datastores: prerequisites and limitations"): M5, R5 and later.
GLOBAL_NODE_FAMILIES = ("m5", "m6g", "m7g", "r5", "r6g", "r6gd", "r7g")
MAX_SECONDARIES = 2
# What a secondary takes from the primary; a request that names one of them must agree with the primary.
INHERITED = (("CacheNodeType", "node_type"), ("Engine", "engine"), ("EngineVersion", "engine_version"),
             ("TransitEncryptionEnabled", "transit"), ("AtRestEncryptionEnabled", "at_rest"), ("Port", "port"))


class GlobalGroup:  # pylint: disable=too-few-public-methods
    """One global datastore: its primary member and secondaries as (region, replication group id)."""

    def __init__(self, gid, description, primary):
        self.id = gid
        self.description = description
        self.primary = primary
        self.secondaries: list[tuple[str, str]] = []
        self.leaving: list[tuple[str, str]] = []  # disassociating
        self.transition = None  # (deadline, status meanwhile, finish)
        self.arn = f"arn:aws:elasticache::{ACCOUNT}:globalreplicationgroup:{gid}"


class GlobalReplicationGroups:
    """The op_* handlers of global datastores; state in self.global_groups (id -> GlobalGroup)."""

    def _global(self, gid) -> GlobalGroup:
        found = self.global_groups.get(gid or "")
        if found is None:
            raise error("GlobalReplicationGroupNotFoundFault", f"GlobalReplicationGroup {gid} not found.")
        return found

    def _member_group(self, member):
        region_name, group_id = member
        return self.region(region_name).groups.get(group_id)

    def _global_status(self, glob):
        if glob.transition:
            return glob.transition[1]
        members = [self._member_group(m) for m in [glob.primary] + glob.secondaries]
        if any(g is None or g.status != "available" for g in members):
            return "modifying"
        return "available" if glob.secondaries else "primary-only"

    def _render_global(self, glob, members=True):
        primary = self._member_group(glob.primary)
        result = {
            "GlobalReplicationGroupId": glob.id, "GlobalReplicationGroupDescription": glob.description,
            "Status": self._global_status(glob), "CacheNodeType": primary.node_type, "Engine": primary.engine,
            "EngineVersion": primary.engine_version, "ClusterEnabled": primary.cluster_mode,
            "AuthTokenEnabled": bool(primary.tokens), "TransitEncryptionEnabled": primary.transit,
            "AtRestEncryptionEnabled": primary.at_rest, "ARN": glob.arn,
        }
        if members:
            result["Members"] = [self._render_member(glob, m) for m in [glob.primary] + glob.secondaries + glob.leaving]
            result["GlobalNodeGroups"] = [{"GlobalNodeGroupId": f"{glob.id}-{n}", "Slots": "0-16383"}
                                          for n in primary.node_group_ids]
        return result

    def _render_member(self, glob, member):
        group = self._member_group(member)
        status = "associated"
        if member in glob.leaving:
            status = "disassociating"
        elif group is None or group.status == "creating":
            status = "associating"
        return {"ReplicationGroupId": member[1], "ReplicationGroupRegion": member[0],
                "Role": "PRIMARY" if member == glob.primary else "SECONDARY",
                "AutomaticFailover": "enabled" if group is not None and group.automatic_failover else "disabled",
                "Status": status}

    def _global_transition(self, glob, status, seconds, finish):
        glob.transition = (time.monotonic() + seconds, status, finish)

    def tick_global(self, now):
        """Finish the global datastores' transitions whose time has come (called by tick() under the lock)."""
        changed = False
        for glob in list(self.global_groups.values()):
            if glob.transition and glob.transition[0] <= now:
                finish = glob.transition[2]
                glob.transition = None
                finish()
                changed = True
        return changed

    @staticmethod
    def _set_role(group, glob, role, source=None):
        group.global_info = {"GlobalReplicationGroupId": glob.id, "GlobalReplicationGroupMemberRole": role}
        group.replicates_from = source

    def _require_global_state(self, glob, action, allowed=("available", "primary-only")):
        status = self._global_status(glob)
        if status not in allowed:
            raise error("InvalidGlobalReplicationGroupState",
                        f"Global replication group {glob.id} must be {' or '.join(allowed)} to {action}; "
                        f"it is {status}.")

    # --- the API ----------------------------------------------------------------------------------

    def op_CreateGlobalReplicationGroup(self, region, p):  # pylint: disable=invalid-name
        primary = self._group(region, p["PrimaryReplicationGroupId"])
        suffix = p["GlobalReplicationGroupIdSuffix"]
        if region.name not in ID_PREFIXES:
            raise AWSError("InvalidAction", f"The emulator knows no global datastore id prefix for {region.name}.")
        gid = f"{ID_PREFIXES[region.name]}-{suffix}"
        rules.identifier(gid, "GlobalReplicationGroupIdSuffix", max_length=40 + 6)
        if gid in self.global_groups:
            raise error("GlobalReplicationGroupAlreadyExistsFault", f"Global replication group {gid} already exists.")
        if primary.status != "available":
            raise error("InvalidReplicationGroupState",
                        f"Replication group {primary.id} must be available to become a global datastore's primary; "
                        f"it is {primary.status}.")
        if getattr(primary, "global_info", None):
            raise rules.invalid(f"Replication group {primary.id} is already a member of global datastore "
                                f"{primary.global_info['GlobalReplicationGroupId']}.")
        family = primary.node_type.split(".")[1]
        if family not in GLOBAL_NODE_FAMILIES:
            raise rules.invalid(f"Global datastores are not supported on node type {primary.node_type}: use an M5, "
                                "M6g, M7g, R5, R6g, R6gd or R7g node type.")
        minimum = (7, 2) if primary.engine == "valkey" else (5, 0, 6)
        if tuple(int(part) for part in primary.engine_version.split(".")) < minimum:
            raise rules.invalid(f"Global datastores need {primary.engine} {'.'.join(map(str, minimum))} or later, "
                                f"not {primary.engine_version}.")
        if primary.cluster_mode:
            raise AWSError("InvalidAction", "Global datastores in cluster mode are not implemented by the emulator.")
        glob = GlobalGroup(gid, p.get("GlobalReplicationGroupDescription", ""), (region.name, primary.id))
        self.global_groups[gid] = glob
        self._set_role(primary, glob, "PRIMARY")
        self._global_transition(glob, "creating", self.config.create_seconds, lambda: None)
        return {"GlobalReplicationGroup": self._render_global(glob)}

    def op_DescribeGlobalReplicationGroups(self, region, p):  # pylint: disable=invalid-name,unused-argument
        if "GlobalReplicationGroupId" in p:
            found = [self._global(p["GlobalReplicationGroupId"])]
        else:
            found = sorted(self.global_groups.values(), key=lambda g: g.id)
        return page([self._render_global(g, p.get("ShowMemberInfo", False)) for g in found], p,
                    "GlobalReplicationGroups")

    def op_ModifyGlobalReplicationGroup(self, region, p):  # pylint: disable=invalid-name,unused-argument
        """The description; node type, engine and parameter group changes are not implemented by the emulator."""
        glob = self._global(p["GlobalReplicationGroupId"])
        unsupported = {"CacheNodeType", "Engine", "EngineVersion", "CacheParameterGroupName",
                       "AutomaticFailoverEnabled"} & set(p)
        if unsupported:
            raise AWSError("InvalidAction", f"{sorted(unsupported)[0]} is not implemented by the emulator.")
        if not p["ApplyImmediately"]:
            raise rules.invalid("ApplyImmediately must be true to modify a global datastore.")
        self._require_global_state(glob, "modify it")
        if "GlobalReplicationGroupDescription" in p:
            glob.description = p["GlobalReplicationGroupDescription"]
        self._global_transition(glob, "modifying", self.config.modify_seconds, lambda: None)
        return {"GlobalReplicationGroup": self._render_global(glob)}

    def op_FailoverGlobalReplicationGroup(self, region, p):  # pylint: disable=invalid-name,unused-argument
        glob = self._global(p["GlobalReplicationGroupId"])
        wanted = (p["PrimaryRegion"], p["PrimaryReplicationGroupId"].lower())
        if wanted == glob.primary:
            raise rules.invalid(f"Replication group {wanted[1]} in {wanted[0]} is already the primary of {glob.id}.")
        if wanted not in glob.secondaries:
            raise rules.invalid(f"Replication group {wanted[1]} in {wanted[0]} is not a secondary member of "
                                f"{glob.id}.")
        self._require_global_state(glob, "fail over", allowed=("available",))

        def finish():
            old = glob.primary
            glob.secondaries = [old if m == wanted else m for m in glob.secondaries]
            glob.primary = wanted
            new_group = self._member_group(wanted)
            self._set_role(new_group, glob, "PRIMARY")
            new_group.disconnects += 1
            for member in glob.secondaries:
                self._set_role(self._member_group(member), glob, "SECONDARY", wanted)
                self._member_group(member).disconnects += 1

        self._global_transition(glob, "modifying", self.config.modify_seconds, finish)
        return {"GlobalReplicationGroup": self._render_global(glob)}

    def op_DisassociateGlobalReplicationGroup(self, region, p):  # pylint: disable=invalid-name,unused-argument
        glob = self._global(p["GlobalReplicationGroupId"])
        member = (p["ReplicationGroupRegion"], p["ReplicationGroupId"].lower())
        if member == glob.primary:
            raise rules.combination(f"Replication group {member[1]} is the primary of {glob.id}: fail over to a "
                                    "secondary first, or delete the global datastore.")
        if member not in glob.secondaries:
            raise rules.invalid(f"Replication group {member[1]} in {member[0]} is not a member of {glob.id}.")
        self._require_global_state(glob, "disassociate a member", allowed=("available",))
        glob.secondaries.remove(member)
        glob.leaving.append(member)

        def finish():
            glob.leaving.remove(member)
            group = self._member_group(member)
            if group is not None:
                # A standalone replication group now: its own primary, writable, with the data it had.
                group.global_info = None
                group.replicates_from = None

        self._global_transition(glob, "modifying", self.config.modify_seconds, finish)
        return {"GlobalReplicationGroup": self._render_global(glob)}

    def op_DeleteGlobalReplicationGroup(self, region, p):  # pylint: disable=invalid-name,unused-argument
        glob = self._global(p["GlobalReplicationGroupId"])
        if glob.secondaries or glob.leaving:
            raise error("InvalidGlobalReplicationGroupState",
                        f"Global replication group {glob.id} still has secondary members: disassociate them first.")
        self._require_global_state(glob, "delete it", allowed=("primary-only",))
        primary = self._member_group(glob.primary)
        result = {"GlobalReplicationGroup": self._render_global(glob)}

        def finish():
            # "The primary cluster is never deleted when deleting a Global Datastore" (DeleteGlobalReplicationGroup),
            # whatever RetainPrimaryReplicationGroup says: it stays as a standalone replication group.
            self.global_groups.pop(glob.id, None)
            primary.global_info = None

        self._global_transition(glob, "deleting", self.config.delete_seconds, finish)
        result["GlobalReplicationGroup"]["Status"] = "deleting"
        return result

    # --- CreateReplicationGroup with GlobalReplicationGroupId ---------------------------------------

    def secondary_request(self, region, p):
        """(the request with what the secondary inherits from the primary, the global datastore) or (p, None)."""
        if "GlobalReplicationGroupId" not in p:
            return p, None
        glob = self.global_groups.get(p["GlobalReplicationGroupId"])
        if glob is None:
            raise error("GlobalReplicationGroupNotFoundFault",
                        f"GlobalReplicationGroup {p['GlobalReplicationGroupId']} not found.")
        self._require_global_state(glob, "add a secondary")
        regions = [m[0] for m in [glob.primary] + glob.secondaries + glob.leaving]
        if region.name in regions:
            raise rules.invalid(f"Global datastore {glob.id} already has a member in {region.name}; each member "
                                "must be in a Region of its own.")
        if len(glob.secondaries) >= MAX_SECONDARIES:
            raise rules.invalid(f"Global datastore {glob.id} already has {MAX_SECONDARIES} secondary members.")
        primary = self._member_group(glob.primary)
        for field in ("AuthToken", "PrimaryClusterId", "SnapshotArns", "SnapshotName", "NumNodeGroups", "UserGroupIds"):
            if field in p:
                raise rules.combination(f"{field} cannot be given for a secondary of global datastore {glob.id}: "
                                        "the secondary takes it from the primary.")
        if primary.user_group_ids:
            raise AWSError("InvalidAction", "Secondaries of a primary with user groups are not implemented by the "
                                            "emulator.")
        inherited = {param: getattr(primary, attr) for param, attr in INHERITED}
        for param, value in inherited.items():
            given = p.get(param)
            if given is not None and (given.lower() if isinstance(given, str) else given) != value:
                raise rules.combination(f"{param} {given} differs from the primary's ({value}) in global datastore "
                                        f"{glob.id}: a secondary takes it from the primary.")
        if primary.transit:
            inherited["TransitEncryptionMode"] = primary.transit_mode
        return {**p, **inherited}, glob

    def join_secondary(self, region, group, glob):
        """Make the new replication group a secondary of `glob`, replicating from the primary's server."""
        primary = self._member_group(glob.primary)
        group.tokens, group.token_modified = list(primary.tokens), primary.token_modified
        glob.secondaries.append((region.name, group.id))
        self._set_role(group, glob, "SECONDARY", glob.primary)

    def replication_source(self, group):
        """The primary endpoint name of the group this group's server replicates from, or None."""
        source = getattr(group, "replicates_from", None)
        if not source:
            return None
        primary = self._member_group(source)
        return primary.hostnames()[0] if primary is not None else None

    def refuse_global_member(self, group, action):
        if getattr(group, "global_info", None):
            raise error("InvalidReplicationGroupState",
                        f"Replication group {group.id} is a member of global datastore "
                        f"{group.global_info['GlobalReplicationGroupId']}; disassociate it before you {action}.")
