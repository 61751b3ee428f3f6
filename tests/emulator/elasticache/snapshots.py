"""Snapshots that carry the Redis data: manual, final and automatic ones, and restoring from them."""

from __future__ import annotations

import time

from .. import rules
from ..protocol import AWSError
from .common import ACCOUNT, error, now, page, request_tags


def _s3_object(arn):
    """The bytes of an S3 object named by its ARN (arn:aws:s3:::bucket/key), from moto's S3 in this process."""
    from moto.s3.models import s3_backends  # pylint: disable=import-outside-toplevel

    bucket, key = (arn.partition(":::")[2].split("/", 1) + [""])[:2]
    try:
        return s3_backends[ACCOUNT]["aws"].get_object(bucket, key).value
    except Exception:  # pylint: disable=broad-except
        raise rules.invalid(f"The snapshot file {arn} cannot be read from Amazon S3.") from None


class Snapshots:
    """The op_* handlers of snapshots, and the restore source of a new group or cluster."""

    def _restore_source(self, region, p):
        """(defaults taken from the snapshot, path of its Redis dump) for SnapshotName or SnapshotArns."""
        if "SnapshotName" in p and p.get("SnapshotArns"):
            raise rules.combination("Give either SnapshotName or SnapshotArns, not both.")
        if "SnapshotName" in p:
            snapshot = region.snapshots.get(p["SnapshotName"])
            if snapshot is None:
                raise error("SnapshotNotFoundFault", f"Snapshot {p['SnapshotName']} not found.")
            if snapshot["SnapshotStatus"] != "available":
                raise error("InvalidSnapshotState", f"Snapshot {p['SnapshotName']} is {snapshot['SnapshotStatus']}.")
            return {k: snapshot[k] for k in ("CacheNodeType", "Engine", "EngineVersion")}, snapshot.get("_rdb")
        if p.get("SnapshotArns"):
            if len(p["SnapshotArns"]) > 1:
                raise AWSError("InvalidAction", "Seeding from more than one .rdb file is not implemented by the "
                                                "emulator.")
            return {}, self._dumps.store(f"s3-{len(region.snapshots)}-{time.monotonic_ns()}",
                                         _s3_object(p["SnapshotArns"][0]))
        return {}, None

    def _snapshot(self, region, group, name, source):
        """A snapshot of `group` that carries its Redis data (a copy of the dump SAVE writes)."""
        snapshot = {
            "SnapshotName": name, "SnapshotStatus": "creating", "SnapshotSource": source,
            "CacheNodeType": group.node_type, "Engine": group.engine, "EngineVersion": group.engine_version,
            "NumNodeGroups": group.num_node_groups, "CacheParameterGroupName": group.parameter_group,
            "CacheSubnetGroupName": group.subnet_group, "SnapshotRetentionLimit": group.retention,
            "SnapshotWindow": group.snapshot_window, "PreferredMaintenanceWindow": group.maintenance_window,
            "Port": group.port, "AutoMinorVersionUpgrade": group.auto_minor,
            "VpcId": region.subnet_groups[group.subnet_group]["VpcId"],
            "AutomaticFailover": "enabled" if group.automatic_failover else "disabled",
            "NodeSnapshots": [{"CacheClusterId": group.primary_id(), "NodeGroupId": "0001", "CacheNodeId": "0001",
                               "CacheNodeCreateTime": group.created, "SnapshotCreateTime": now()}],
            "ARN": region.arn("snapshot", name), "_ready": time.monotonic() + self.config.delete_seconds,
            "_rdb": self._dumps.save(group.server_key, f"{region.name}-snapshot-{name}"),
            # The same data key by key, for a serverless cache restored from this snapshot.
            "_keys": self._dumps.save_keys(group.server_key, f"{region.name}-snapshot-{name}"),
        }
        if group.standalone:
            snapshot.update(CacheClusterId=group.id, PreferredAvailabilityZone=group.azs[0],
                            CacheClusterCreateTime=group.created)
        else:
            snapshot.update(ReplicationGroupId=group.id, ReplicationGroupDescription=group.description)
        if group.kms_key_id:
            snapshot["KmsKeyId"] = group.kms_key_id
        return snapshot

    def _final_snapshot(self, region, group, name):
        if name is None:
            return
        rules.identifier(name, "FinalSnapshotIdentifier", max_length=255)
        if name in region.snapshots:
            raise error("SnapshotAlreadyExistsFault", f"Snapshot {name} already exists.")
        region.snapshots[name] = self._snapshot(region, group, name, "manual")

    def op_CreateSnapshot(self, region, p):  # pylint: disable=invalid-name
        name = rules.identifier(p["SnapshotName"], "SnapshotName", max_length=255)
        if ("ReplicationGroupId" in p) == ("CacheClusterId" in p):
            raise rules.combination("Give either ReplicationGroupId or CacheClusterId.")
        if "ReplicationGroupId" in p:
            group = self._group(region, p["ReplicationGroupId"])
            if group.cluster_mode:
                raise AWSError("InvalidAction", "Snapshots in cluster mode are not implemented by the emulator.")
        else:
            group = self._standalone_for(region, p["CacheClusterId"], "CreateSnapshot with ReplicationGroupId")
        if group.status != "available":
            raise error("InvalidReplicationGroupState" if "ReplicationGroupId" in p else "InvalidCacheClusterState",
                        f"{group.id} must be available to take a snapshot; it is {group.status}.")
        if name in region.snapshots:
            raise error("SnapshotAlreadyExistsFault", f"Snapshot {name} already exists.")
        snapshot = self._snapshot(region, group, name, "manual")
        region.snapshots[name] = snapshot
        region.tags[snapshot["ARN"]] = request_tags(p)
        return {"Snapshot": snapshot}

    def take_automatic_snapshots(self):
        """What each group's snapshot window does once a day: an automatic snapshot where retention > 0."""
        with self.lock:
            taken = []
            for region in self.regions.values():
                for group in region.all_groups():
                    if group.retention > 0 and group.status == "available" and not group.cluster_mode:
                        stamp = now().strftime("%Y-%m-%d-%H-%M-%S")
                        name = f"automatic.{group.id}-{stamp}"
                        if name not in region.snapshots:
                            region.snapshots[name] = self._snapshot(region, group, name, "automated")
                            taken.append(name)
                        self._expire_automatic(region, group)
            return taken

    @staticmethod
    def _expire_automatic(region, group):
        """Keep the newest SnapshotRetentionLimit automatic snapshots of a group (one is taken per day)."""
        owner = "CacheClusterId" if group.standalone else "ReplicationGroupId"
        automatic = sorted(n for n, s in region.snapshots.items()
                           if s["SnapshotSource"] == "automated" and s.get(owner) == group.id)
        for name in automatic[:-group.retention]:
            region.tags.pop(region.snapshots.pop(name)["ARN"], None)

    def op_DescribeSnapshots(self, region, p):  # pylint: disable=invalid-name
        snapshots = sorted(region.snapshots.values(), key=lambda s: s["SnapshotName"])
        if "SnapshotName" in p:
            snapshots = [s for s in snapshots if s["SnapshotName"] == p["SnapshotName"]]
            if not snapshots:
                raise error("SnapshotNotFoundFault", f"Snapshot {p['SnapshotName']} not found.")
        if "ReplicationGroupId" in p:
            snapshots = [s for s in snapshots if s.get("ReplicationGroupId") == p["ReplicationGroupId"].lower()]
        if "CacheClusterId" in p:
            wanted = p["CacheClusterId"].lower()
            snapshots = [s for s in snapshots
                         if s.get("CacheClusterId") == wanted or s["NodeSnapshots"][0]["CacheClusterId"] == wanted]
        if "SnapshotSource" in p:
            snapshots = [s for s in snapshots if s["SnapshotSource"] == p["SnapshotSource"]]
        return page(snapshots, {**p, "MaxRecords": p.get("MaxRecords", 50)}, "Snapshots")

    def op_DeleteSnapshot(self, region, p):  # pylint: disable=invalid-name
        snapshot = region.snapshots.get(p["SnapshotName"])
        if snapshot is None:
            raise error("SnapshotNotFoundFault", f"Snapshot {p['SnapshotName']} not found.")
        if snapshot["SnapshotStatus"] != "available":
            raise error("InvalidSnapshotState", f"Snapshot {p['SnapshotName']} is {snapshot['SnapshotStatus']}.")
        del region.snapshots[p["SnapshotName"]]
        region.tags.pop(snapshot["ARN"], None)
        return {"Snapshot": {**snapshot, "SnapshotStatus": "deleting"}}
