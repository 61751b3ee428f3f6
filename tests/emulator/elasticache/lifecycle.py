"""What replication groups and standalone cache clusters share: the settings they are created and modified
with, checked as AWS checks them, and the creating, modifying and deleting transitions.
"""

from __future__ import annotations

from .. import rules
from ..protocol import AWSError
from .common import ACCOUNT, now, version_tuple


class Lifecycle:
    """Settings and state transitions of groups and standalone clusters."""

    def _security_groups(self, region, ids, vpc_id):
        view = self._ec2_view(ACCOUNT, region.name)
        for group_id in ids:
            found_vpc = view.security_group_vpc(group_id)
            if found_vpc is None:
                raise rules.invalid(f"Some security group Id(s) are not valid: {group_id}")
            if vpc_id and found_vpc != vpc_id:
                raise rules.invalid(f"The security group {group_id} does not belong to the VPC {vpc_id} "
                                    "of the cache subnet group.")
        return list(ids)

    def _check_windows(self, snapshot_window, maintenance_window):
        if snapshot_window:
            rules.snapshot_window(snapshot_window)
        if maintenance_window:
            rules.maintenance_window(maintenance_window)
        if rules.windows_overlap(snapshot_window, maintenance_window):
            raise rules.combination("The snapshot window and the maintenance window must not overlap.")

    def _snapshot_window_for(self, p, maintenance_window):
        """The SnapshotWindow asked for, or one ElastiCache picks when none is given: a group always has one."""
        if "SnapshotWindow" in p:
            return p["SnapshotWindow"]
        hour = next(h for h in range(5, 29)
                    if not rules.windows_overlap(f"{h % 24:02d}:00-{(h + 1) % 24:02d}:00", maintenance_window))
        return f"{hour % 24:02d}:00-{(hour + 1) % 24:02d}:00"

    def _log_delivery(self, requested, engine, version, current=()):
        """LogDeliveryConfigurations after a create or modify request: one per LogType; Enabled=false removes it.

        The User Guide's "Log delivery": slow-log needs Redis OSS 6.0+, engine-log Redis OSS 6.2+ (Valkey: any).
        """
        configs = {c["LogType"]: c for c in current}
        seen = set()
        for request in requested:
            log_type = request.get("LogType")
            if log_type is None:
                raise AWSError("MissingParameter", "LogDeliveryConfigurations need a LogType.")
            if engine == "redis" and log_type == "engine-log" and version_tuple(version) < (6, 2):
                raise rules.combination(f"Engine log delivery needs Redis OSS 6.2 or later, not {version}.")
            if log_type in seen:
                raise rules.combination(f"LogType {log_type} is given more than once.")
            seen.add(log_type)
            if request.get("Enabled") is False:
                configs.pop(log_type, None)
                continue
            destination = request.get("DestinationType")
            details = request.get("DestinationDetails", {})
            wanted = {"cloudwatch-logs": ("CloudWatchLogsDetails", "LogGroup"),
                      "kinesis-firehose": ("KinesisFirehoseDetails", "DeliveryStream")}.get(destination)
            if wanted is None or not details.get(wanted[0], {}).get(wanted[1]):
                raise rules.invalid(f"LogDeliveryConfiguration {log_type} needs a DestinationType and the "
                                    "matching DestinationDetails (CloudWatchLogsDetails.LogGroup or "
                                    "KinesisFirehoseDetails.DeliveryStream).")
            if request.get("LogFormat") not in ("text", "json"):
                raise rules.invalid(f"LogDeliveryConfiguration {log_type} needs a LogFormat of text or json.")
            configs[log_type] = {"LogType": log_type, "DestinationType": destination,
                                 "DestinationDetails": {wanted[0]: {wanted[1]: details[wanted[0]][wanted[1]]}},
                                 "LogFormat": request["LogFormat"], "Status": "active"}
        return [configs[k] for k in sorted(configs)]

    def _log_delivery_change(self, group, p):
        if not p.get("ApplyImmediately"):
            raise rules.combination("ApplyImmediately must be true for a change of LogDeliveryConfigurations.")
        return self._log_delivery(p["LogDeliveryConfigurations"], group.engine, group.engine_version,
                                  group.log_delivery)

    def _settings(self, region, p, cluster_mode):  # pylint: disable=too-many-locals
        """The fields CreateReplicationGroup and CreateCacheCluster share, checked as AWS checks them."""
        defaults, restore_from = self._restore_source(region, p)
        p = {**defaults, **p}
        if "CacheNodeType" not in p:
            raise rules.invalid("The parameter CacheNodeType must be provided and must not be blank.")
        node_type = rules.node_type(p["CacheNodeType"])
        engine, version, family = self._engine(p.get("Engine"), p.get("EngineVersion"))
        transit = p.get("TransitEncryptionEnabled", False)
        if "TransitEncryptionMode" in p and not transit:
            raise rules.combination("TransitEncryptionMode requires TransitEncryptionEnabled.")
        tokens = []
        if "AuthToken" in p:
            if not transit:
                raise rules.invalid("The AUTH token is only supported when encryption-in-transit is enabled")
            tokens = [rules.auth_token(p["AuthToken"])]
        user_group_ids = list(p.get("UserGroupIds") or [])
        if user_group_ids:
            if not transit:
                raise rules.invalid("User groups are only supported when encryption-in-transit is enabled.")
            if tokens:
                raise rules.combination("AuthToken and UserGroupIds cannot both be given.")
            user_group_ids = self.check_user_groups(region, user_group_ids, engine, version)
        at_rest = p.get("AtRestEncryptionEnabled", False)
        kms_key_id = self._kms_key(region, p["KmsKeyId"], at_rest) if "KmsKeyId" in p else None
        retention = rules.retention(p.get("SnapshotRetentionLimit", 0))
        maintenance_window = p.get("PreferredMaintenanceWindow", "sun:23:00-mon:01:30")
        self._check_windows(p.get("SnapshotWindow"), maintenance_window)
        subnet_group = self._subnet_group_for_create(region, p.get("CacheSubnetGroupName"))
        azs = [s["SubnetAvailabilityZone"]["Name"] for s in subnet_group["Subnets"]]
        return {
            "region": region.name, "hash": region.hash, "engine": engine, "engine_version": version,
            "node_type": node_type, "port": p.get("Port", 6379), "transit": transit,
            "transit_mode": p.get("TransitEncryptionMode", "required"), "tokens": tokens, "token_allows_none": False,
            "token_modified": now(), "user_group_ids": user_group_ids, "at_rest": at_rest, "kms_key_id": kms_key_id,
            "retention": retention,
            "snapshot_window": self._snapshot_window_for(p, maintenance_window),
            "maintenance_window": maintenance_window, "auto_minor": p.get("AutoMinorVersionUpgrade", True),
            "notification_arn": p.get("NotificationTopicArn"), "notification_status": "active",
            "parameter_group": self._parameter_group_for(region, p.get("CacheParameterGroupName"), family,
                                                         cluster_mode),
            "subnet_group": subnet_group["CacheSubnetGroupName"],
            "security_group_ids": self._security_groups(region, p.get("SecurityGroupIds", []), subnet_group["VpcId"]),
            "azs": sorted(set(azs)) or ["us-east-1a"], "created": now(), "status": "creating",
            "restore_from": restore_from,
            "log_delivery": self._log_delivery(p.get("LogDeliveryConfigurations", []), engine, version),
        }

    def _kms_key(self, region, key_id, at_rest):
        """KmsKeyId: only with at-rest encryption, a key of this account and region that is enabled; its ARN."""
        if not at_rest:
            raise rules.combination("KmsKeyId requires AtRestEncryptionEnabled.")
        found = self._kms_view(ACCOUNT, region.name).key(key_id)
        if found is None:
            raise rules.invalid(f"KmsKeyId {key_id} is not a KMS key of this account in {region.name}.")
        if found[1] != "Enabled":
            raise rules.invalid(f"The KMS key {key_id} is {found[1]}, not Enabled.")
        return found[0]

    def _engine_and_node_type(self, region, group, p):
        """Engine (Redis OSS to Valkey only), EngineVersion and CacheNodeType of a modify request, checked.

        Returns (changes applied when modifying ends, PendingModifiedValues): ApplyImmediately decides.
        """
        changes, pending = {}, {}
        immediate = p.get("ApplyImmediately", False)
        engine = group.engine
        if "Engine" in p and p["Engine"].lower() != group.engine:
            if not (group.engine == "redis" and p["Engine"].lower() == "valkey"):
                raise rules.combination(f"Cannot change the engine from {group.engine} to {p['Engine']}.")
            engine = changes["engine"] = "valkey"
        if "EngineVersion" in p or "engine" in changes:
            version, family = self._engine(engine, p.get("EngineVersion"))[1:]
            if engine == group.engine and version_tuple(version) < version_tuple(group.engine_version):
                raise rules.combination(f"Cannot downgrade {group.engine} from {group.engine_version} to {version}.")
            if version != group.engine_version or "engine" in changes:
                if immediate:
                    changes["engine_version"] = version
                else:
                    pending["EngineVersion"] = version
            if family != region.parameter_groups[group.parameter_group]["family"] and \
                    "CacheParameterGroupName" not in p:
                raise rules.combination(f"Engine version {version} needs a parameter group of family {family}.")
        if "CacheNodeType" in p and p["CacheNodeType"] != group.node_type:
            node_type = rules.node_type(p["CacheNodeType"])
            if immediate:
                changes["node_type"] = node_type
            else:
                pending["CacheNodeType"] = node_type
        return changes, pending

    def _token_change(self, group, token, strategy, to_rbac=False):
        """to_rbac: the same request adds user groups (AWS's migration from AUTH to RBAC deletes the token so)."""
        transit = group.transit
        if not transit:
            raise rules.invalid("The AUTH token is only supported when encryption-in-transit is enabled")
        if strategy == "DELETE":
            if token is not None:
                raise rules.combination("AuthToken must not be given with AuthTokenUpdateStrategy DELETE.")
            if not group.tokens:
                raise rules.combination("The replication group has no AUTH token to delete.")
            if group.transit_mode != "preferred" and not to_rbac:
                raise rules.combination("An AUTH token can only be deleted when TransitEncryptionMode is preferred.")
            return {"tokens": [], "token_allows_none": False, "token_modified": now()}
        if token is None:
            raise AWSError("MissingParameter", f"AuthToken is required with AuthTokenUpdateStrategy {strategy}.")
        rules.auth_token(token)
        if strategy == "ROTATE":
            group.pending["AuthTokenStatus"] = "ROTATING"
            kept = group.tokens[-1:]
            return {"tokens": kept + [token], "token_allows_none": not group.tokens, "token_modified": now()}
        group.pending["AuthTokenStatus"] = "SETTING"
        return {"tokens": [token], "token_allows_none": False, "token_modified": now()}

    def _start(self, region, group, tags, created_message):
        """Register a new group or cluster: creating now, available after create_seconds."""
        (region.clusters if group.standalone else region.groups)[group.id] = group
        region.tags[group.arn] = tags

        def finish():
            if group.id in self.config.fail_create:
                group.status = "create-failed"
                region.event(group.id, group.kind, "Failed to create %s %s." % (group.kind.replace("-", " "), group.id))
                return
            group.status = "available"
            region.event(group.id, group.kind, created_message)

        group.transition = self._after(self.config.create_seconds, finish)

    def _modify(self, region, group, changes):
        """modifying now; the changes apply after modify_seconds."""
        group.status = "modifying"

        def finish():
            for key, value in changes.items():
                setattr(group, key, value)
            group.pending.clear()
            group.status = "available"
            region.event(group.id, group.kind,
                         "Cache cluster modified" if group.standalone else f"Replication group {group.id} modified")

        group.transition = self._after(self.config.modify_seconds, finish)

    def _delete(self, region, group, registry, message, retained=None):  # pylint: disable=too-many-arguments
        """deleting now, gone after delete_seconds; a `retained` cluster (RetainPrimaryCluster) stays."""
        group.status = "deleting"

        def finish():
            registry.pop(group.id, None)
            region.tags.pop(group.arn, None)
            for member in group.member_ids():
                if retained is None or member != retained.id:
                    region.tags.pop(region.arn("cluster", member), None)
            if retained is not None:
                region.clusters[retained.id] = retained
            region.event(group.id, group.kind, message)

        group.transition = self._after(self.config.delete_seconds, finish)
