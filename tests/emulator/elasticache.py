"""ElastiCache as the collection uses it, following AWS's API reference where moto falls short.

State lives per region. Replication groups move through creating -> available, modifying ->
available and deleting -> gone on a clock (EmulatorConfig), driven by `tick()` from one thread.
EC2 facts (subnets, security groups, VPCs) come from moto's EC2 backend in the same process.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import threading
import time

from . import rules
from .catalog import DEFAULT_ENGINE_VERSION, ENGINE_VERSIONS, FAMILIES, PARAMETERS, allows
from .protocol import AWSError, model_error
from .redis_cluster import aws_slot_ranges, format_ranges

ACCOUNT = "123456789012"
# What DescribeCacheClusters returns in CacheCluster.ClientDownloadLandingPage.
CLIENT_DOWNLOAD_LANDING_PAGE = "https://console.aws.amazon.com/elasticache/home#client-download:"
_DIRECTIONS = {"east": "e", "west": "w", "north": "n", "south": "s", "central": "c", "northeast": "ne",
               "southeast": "se", "northwest": "nw", "southwest": "sw"}


def region_code(region: str) -> str:
    """us-east-2 -> use2, eu-central-1 -> euc1: the short region in ElastiCache endpoint names."""
    parts = region.split("-")
    return parts[0] + "".join(_DIRECTIONS.get(p, p) for p in parts[1:-1]) + parts[-1]


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def _now_precise():
    return datetime.datetime.now(datetime.timezone.utc)


def _utc(moment):
    """A request's timestamp as an aware UTC datetime (the query parser gives naive UTC ones)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=datetime.timezone.utc)


def _error(code, message):
    return model_error("elasticache", code, message)


def _tags(params):
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in params.get("Tags", [])]


def _page(items, params, key):
    """One page of `items` by MaxRecords (20-100, default 100) and Marker, as AWS pages them."""
    size = params.get("MaxRecords", 100)
    if not 20 <= size <= 100:
        raise rules.invalid("The parameter MaxRecords must be between 20 and 100.")
    start = int(params.get("Marker") or 0)
    result = {key: items[start:start + size]}
    if start + size < len(items):
        result["Marker"] = str(start + size)
    return result


class EmulatorConfig:
    """Clock of state changes, in seconds. Tests shorten them; a benchmark lengthens them.

    fail_create: ids of replication groups (or clusters) whose creation ends in create-failed instead of available
    (on AWS, for example, when there is no capacity for the node type), for the tests of the wait.
    """

    def __init__(self, create_seconds=2.0, modify_seconds=1.0, delete_seconds=1.0):
        self.create_seconds = create_seconds
        self.modify_seconds = modify_seconds
        self.delete_seconds = delete_seconds
        self.fail_create = []

    def as_dict(self):
        return dict(vars(self))


class NoDumps:
    """Where Redis data goes when there are no redis-servers (unit tests): nowhere.

    The emulator's own store (app.DumpStore) copies a server's dump.rdb: save(server_key, name) and
    store(name, data) return the path of the copy, or None when there is no data.
    """

    def save(self, server_key, name):  # pylint: disable=unused-argument
        return None

    def store(self, name, data):  # pylint: disable=unused-argument
        return None


def _s3_object(arn):
    """The bytes of an S3 object named by its ARN (arn:aws:s3:::bucket/key), from moto's S3 in this process."""
    from moto.s3.models import s3_backends  # pylint: disable=import-outside-toplevel

    bucket, key = (arn.partition(":::")[2].split("/", 1) + [""])[:2]
    try:
        return s3_backends[ACCOUNT]["aws"].get_object(bucket, key).value
    except Exception:  # pylint: disable=broad-except
        raise rules.invalid(f"The snapshot file {arn} cannot be read from Amazon S3.") from None


class EC2View:
    """Read-only EC2 facts from moto's EC2 backend."""

    def __init__(self, account, region):
        from moto.ec2.models import ec2_backends  # pylint: disable=import-outside-toplevel

        self._ec2 = ec2_backends[account][region]

    def subnet(self, subnet_id):
        found = [s for s in self._ec2.describe_subnets() if s.id == subnet_id]
        return (found[0].vpc_id, found[0].availability_zone) if found else None

    def security_group_vpc(self, group_id):
        found = [g for g in self._ec2.describe_security_groups() if g.id == group_id]
        return found[0].vpc_id if found else None

    def default_subnets(self):
        vpcs = [v.id for v in self._ec2.describe_vpcs() if v.is_default]
        return [s.id for s in self._ec2.describe_subnets() if vpcs and s.vpc_id == vpcs[0]]


class Group:  # pylint: disable=too-many-instance-attributes
    """One replication group, or one standalone cache cluster (`standalone`): what AWS shows of it."""

    def __init__(self, **fields):
        self.standalone = False
        self.primary_cluster_id = None  # a cluster that became this group's primary (PrimaryClusterId)
        self.primary_index = 0  # which member is the primary; TestFailover moves it
        self.disconnects = 0  # each one drops every client connection (failover, reboot of one of several nodes)
        self.reboots = 0  # each one restarts redis-server empty
        self.restore_from = None  # a Redis dump to start from (snapshot, or the cluster it was made from)
        self.log_delivery = []
        self.node_group_ids = ["0001"]  # cluster mode: a removed shard's id is not used again
        self.retired_members = []  # members of removed shards: their names stay mapped while the group lives
        self.__dict__.update(fields)
        self.pending = {}
        self.node_pending = {}
        self.transition = None

    @property
    def kind(self):
        return "cache-cluster" if self.standalone else "replication-group"

    @property
    def server_key(self):
        """Name of this group's redis-server in the fixture (a cluster and a group may share an id)."""
        return f"{self.region}-{'cluster-' if self.standalone else ''}{self.id}"

    @property
    def num_node_groups(self):
        return len(self.node_group_ids)

    @property
    def node_count(self):
        return self.num_node_groups * (self.replicas + 1)

    def member_ids(self):
        if self.standalone:
            return [self.id]
        if self.cluster_mode:
            return [f"{self.id}-{g}-{n:03d}" for g in self.node_group_ids for n in range(1, self.replicas + 2)]
        members = [f"{self.id}-{n:03d}" for n in range(1, self.replicas + 2)]
        if self.primary_cluster_id:
            members[0] = self.primary_cluster_id
        return members

    def primary_id(self):
        return self.member_ids()[self.primary_index]

    def endpoint_names(self):
        """(primary, reader, configuration) host names, as ElastiCache forms them."""
        suffix = f"{self.hash}.{region_code(self.region)}.cache.amazonaws.com"
        if self.standalone:
            return None, None, None
        if self.cluster_mode:
            return None, None, f"clustercfg.{self.id}.{suffix}"
        if self.transit:
            return f"master.{self.id}.{suffix}", f"replica.{self.id}.{suffix}", None
        return f"{self.id}.{self.hash}.ng.0001.{region_code(self.region)}.cache.amazonaws.com", \
            f"{self.id}-ro.{self.hash}.ng.0001.{region_code(self.region)}.cache.amazonaws.com", None

    def node_name(self, member_id):
        suffix = f"{self.hash}.{region_code(self.region)}.cache.amazonaws.com"
        if self.transit and not self.standalone and member_id != self.primary_cluster_id:
            return f"{member_id}.{self.id}.{suffix}"
        # A node keeps its name when its cluster joins a replication group.
        return f"{member_id}.{self.hash}.0001.{region_code(self.region)}.cache.amazonaws.com"

    def hostnames(self, serving_only=False):
        """Every name to map in the hosts files; `serving_only`: without the nodes of removed shards.

        A removed shard's names stay mapped, so a client holding an old slot map never asks DNS.
        """
        primary, reader, config = self.endpoint_names()
        names = [n for n in (primary, config) if n]
        if reader and self.replicas > 0:
            names.append(reader)
        retired = [] if serving_only else self.retired_members
        return names + [self.node_name(m) for m in self.member_ids() + retired]

    def render_log_delivery(self):
        return [dict(c) for c in self.log_delivery]

    def render(self):
        primary, reader, config = self.endpoint_names()
        members = self.member_ids()
        node_groups = []
        slots = aws_slot_ranges(self.num_node_groups)
        for index, node_group_id in enumerate(self.node_group_ids):
            group_members = members[index * (self.replicas + 1):(index + 1) * (self.replicas + 1)]
            node_group = {
                "NodeGroupId": node_group_id,
                "Status": self.status,
                "NodeGroupMembers": [
                    {
                        "CacheClusterId": m,
                        "CacheNodeId": "0001",
                        "PreferredAvailabilityZone": self.azs[i % len(self.azs)],
                        **({} if self.cluster_mode else {
                            "ReadEndpoint": {"Address": self.node_name(m), "Port": self.port},
                            "CurrentRole": "primary" if i == self.primary_index else "replica",
                        }),
                    }
                    for i, m in enumerate(group_members)
                ],
            }
            if self.cluster_mode:
                node_group["Slots"] = format_ranges([slots[index]])
            else:
                node_group["PrimaryEndpoint"] = {"Address": primary, "Port": self.port}
                if self.replicas > 0:
                    node_group["ReaderEndpoint"] = {"Address": reader, "Port": self.port}
            node_groups.append(node_group)
        result = {
            "ReplicationGroupId": self.id,
            "Description": self.description,
            "Status": self.status,
            "PendingModifiedValues": dict(self.pending),
            "MemberClusters": members,
            "NodeGroups": node_groups,
            "AutomaticFailover": "enabled" if self.automatic_failover else "disabled",
            "MultiAZ": "enabled" if self.multi_az else "disabled",
            "SnapshotRetentionLimit": self.retention,
            "SnapshotWindow": self.snapshot_window,
            "ClusterEnabled": self.cluster_mode,
            "ClusterMode": "enabled" if self.cluster_mode else "disabled",
            "CacheNodeType": self.node_type,
            "Engine": self.engine,
            "AuthTokenEnabled": bool(self.tokens),
            "TransitEncryptionEnabled": self.transit,
            "AtRestEncryptionEnabled": self.at_rest,
            "ARN": self.arn,
            "ReplicationGroupCreateTime": self.created,
            "AutoMinorVersionUpgrade": self.auto_minor,
            "DataTiering": "disabled",
            "NetworkType": "ipv4",
            "IpDiscovery": "ipv4",
            "UserGroupIds": [],
            "LogDeliveryConfigurations": self.render_log_delivery(),
        }
        if self.retention > 0:
            replicas = [m for i, m in enumerate(members) if i != self.primary_index]
            result["SnapshottingClusterId"] = replicas[-1] if replicas else members[0]
        if self.transit:
            result["TransitEncryptionMode"] = self.transit_mode
        if self.tokens:
            result["AuthTokenLastModifiedDate"] = self.token_modified
        if self.kms_key_id:
            result["KmsKeyId"] = self.kms_key_id
        if config:
            result["ConfigurationEndpoint"] = {"Address": config, "Port": self.port}
        return result

    def render_cluster(self, member_id, show_nodes):
        index = self.member_ids().index(member_id)
        status = self.status
        cluster = {
            "CacheClusterId": member_id,
            "ClientDownloadLandingPage": CLIENT_DOWNLOAD_LANDING_PAGE,
            "CacheNodeType": self.node_type,
            "Engine": self.engine,
            "EngineVersion": self.engine_version,
            "CacheClusterStatus": status,
            "NumCacheNodes": 1,
            "PreferredAvailabilityZone": self.azs[index % len(self.azs)],
            "PreferredMaintenanceWindow": self.maintenance_window,
            "PendingModifiedValues": dict(self.node_pending),
            "CacheSecurityGroups": [],
            "CacheParameterGroup": {"CacheParameterGroupName": self.parameter_group,
                                    "ParameterApplyStatus": "in-sync", "CacheNodeIdsToReboot": []},
            "CacheSubnetGroupName": self.subnet_group,
            "AutoMinorVersionUpgrade": self.auto_minor,
            "SecurityGroups": [{"SecurityGroupId": g, "Status": "active"} for g in self.security_group_ids],
            "SnapshotRetentionLimit": self.retention,
            "SnapshotWindow": self.snapshot_window,
            "AuthTokenEnabled": bool(self.tokens),
            "TransitEncryptionEnabled": self.transit,
            "AtRestEncryptionEnabled": self.at_rest,
            "ARN": f"arn:aws:elasticache:{self.region}:{ACCOUNT}:cluster:{member_id}",
            "CacheClusterCreateTime": self.created,
            "NetworkType": "ipv4",
            "IpDiscovery": "ipv4",
        }
        if self.standalone:
            cluster["LogDeliveryConfigurations"] = self.render_log_delivery()
            if self.tokens:
                cluster["AuthTokenLastModifiedDate"] = self.token_modified
            if self.transit:
                cluster["TransitEncryptionMode"] = self.transit_mode
        else:
            cluster["ReplicationGroupId"] = self.id
            cluster["ReplicationGroupLogDeliveryEnabled"] = bool(self.log_delivery)
        if self.notification_arn:
            cluster["NotificationConfiguration"] = {"TopicArn": self.notification_arn,
                                                    "TopicStatus": self.notification_status}
        if show_nodes:
            cluster["CacheNodes"] = [{
                "CacheNodeId": "0001",
                "CacheNodeStatus": status,
                "CacheNodeCreateTime": self.created,
                "Endpoint": {"Address": self.node_name(member_id), "Port": self.port},
                "ParameterGroupStatus": "in-sync",
                "CustomerAvailabilityZone": self.azs[index % len(self.azs)],
            }]
        return cluster


class Serving:  # pylint: disable=too-few-public-methods
    """A group as the Redis fixture mirrors it: the same fields, but only the names of nodes that run."""

    def __init__(self, group: Group):
        self._group = group

    def __getattr__(self, name):
        return getattr(self._group, name)

    def hostnames(self):
        return self._group.hostnames(serving_only=True)


class Region:
    def __init__(self, name, hash_salt=""):
        self.name = name
        self.groups: dict[str, Group] = {}
        self.clusters: dict[str, Group] = {}  # standalone cache clusters
        self.events: list[dict] = []
        self.subnet_groups: dict[str, dict] = {}
        self.parameter_groups: dict[str, dict] = {}
        self.snapshots: dict[str, dict] = {}
        self.tags: dict[str, list] = {}
        for family in FAMILIES:
            for suffix, cluster in (("", "no"), (".cluster.on", "yes")):
                name_ = f"default.{family}{suffix}"
                self.parameter_groups[name_] = {
                    "name": name_, "family": family, "description": f"Default parameter group for {family}",
                    "values": {"cluster-enabled": cluster} if cluster == "yes" else {}, "default": True,
                }
        # Two emulators on one machine (demo and tests) hand out different names.
        self.hash = hashlib.sha1(f"{ACCOUNT}:{name}:{hash_salt}".encode()).hexdigest()[:6]

    def arn(self, kind, name):
        return f"arn:aws:elasticache:{self.name}:{ACCOUNT}:{kind}:{name}"

    def all_groups(self):
        """Replication groups and standalone clusters: everything that has redis endpoints."""
        return list(self.groups.values()) + list(self.clusters.values())

    def member_clusters(self):
        """cluster id -> the group (or standalone cluster) it belongs to."""
        return {m: g for g in self.all_groups() for m in g.member_ids()}

    def event(self, source_id, source_type, message):
        self.events.append({"SourceIdentifier": source_id, "SourceType": source_type, "Message": message,
                            "Date": _now_precise()})


class ElastiCache:
    """The emulated service. `handle(request)` answers one validated request with an output dict."""

    def __init__(self, config: EmulatorConfig | None = None, on_change=None, ec2_view=EC2View, hash_salt="",
                 dumps=None):  # pylint: disable=too-many-arguments
        self.config = config or EmulatorConfig()
        self._dumps = dumps or NoDumps()
        self.hash_salt = hash_salt
        self.lock = threading.RLock()
        self.regions: dict[str, Region] = {}
        self._on_change = on_change or (lambda: None)
        self._ec2_view = ec2_view

    def reset(self):
        with self.lock:
            self.regions.clear()
        self._on_change()

    def region(self, name) -> Region:
        if name not in self.regions:
            self.regions[name] = Region(name, self.hash_salt)
        return self.regions[name]

    def handle(self, request):
        method = getattr(self, "op_" + request.operation, None)
        if method is None:
            raise AWSError("InvalidAction", f"{request.operation} is not implemented by the funmagic emulator.")
        with self.lock:
            result = method(self.region(request.region), request.params)
        self._on_change()
        return copy.deepcopy(result)

    # --- the clock -----------------------------------------------------------------------------

    def tick(self):
        """Finish every transition whose time has come. Returns True if anything changed."""
        changed = False
        with self.lock:
            now = time.monotonic()
            for region in self.regions.values():
                for group in region.all_groups():
                    if group.transition and group.transition[0] <= now:
                        finish = group.transition[1]
                        group.transition = None
                        finish()
                        changed = True
                for snapshot in region.snapshots.values():
                    if snapshot["SnapshotStatus"] == "creating" and snapshot["_ready"] <= now:
                        snapshot["SnapshotStatus"] = "available"
                        source_id = snapshot.get("ReplicationGroupId") or snapshot["CacheClusterId"]
                        source_type = "replication-group" if "ReplicationGroupId" in snapshot else "cache-cluster"
                        region.event(source_id, source_type, f"Snapshot succeeded for snapshot with ID "
                                     f"'{snapshot['SnapshotName']}' of {source_type.replace('-', ' ')} with ID "
                                     f"'{source_id}'")
                        changed = True
        return changed

    def _after(self, seconds, finish):
        return (time.monotonic() + seconds, finish)

    def running_groups(self):
        """(region, group) of every group that has endpoints serving: what the Redis fixture mirrors.

        Each group is seen through Serving: its hostnames() are those of the nodes that serve now.
        """
        with self.lock:
            return [(r, Serving(g)) for r in self.regions.values() for g in r.all_groups()
                    if g.status in ("available", "modifying", "snapshotting", "rebooting cache cluster nodes")]

    def effective_parameters(self, region: Region, name: str) -> dict:
        group = region.parameter_groups[name]
        defaults = {k: v[0] for k, v in PARAMETERS[group["family"]].items()}
        return {**defaults, **group["values"]}

    # --- replication groups --------------------------------------------------------------------

    def _group(self, region, group_id) -> Group:
        group = region.groups.get((group_id or "").lower())
        if group is None:
            raise _error("ReplicationGroupNotFoundFault", f"ReplicationGroup {group_id} not found.")
        return group

    def _engine(self, engine, version):
        engine = (engine or "redis").lower()
        if engine not in ENGINE_VERSIONS:
            raise rules.invalid(f"Invalid Engine {engine}: must be redis or valkey.")
        version = version or DEFAULT_ENGINE_VERSION[engine]
        major_minor = ".".join(version.split(".")[:2])
        if major_minor not in ENGINE_VERSIONS[engine]:
            raise rules.invalid(f"Cannot find version {version} for {engine}")
        return engine, version, ENGINE_VERSIONS[engine][major_minor]

    def _parameter_group_for(self, region, name, family, cluster_mode):
        name = name or f"default.{family}{'.cluster.on' if cluster_mode else ''}"
        group = region.parameter_groups.get(name)
        if group is None:
            raise _error("CacheParameterGroupNotFound", f"CacheParameterGroup {name} not found.")
        if group["family"] != family:
            raise combination_family(name, group["family"], family)
        cluster_enabled = self.effective_parameters(region, name).get("cluster-enabled") == "yes"
        if cluster_enabled != cluster_mode:
            raise rules.combination(
                f"Parameter group {name} has cluster-enabled={'yes' if cluster_enabled else 'no'}, which does not "
                f"match ClusterMode {'enabled' if cluster_mode else 'disabled'}."
            )
        return name

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

    def _restore_source(self, region, p):
        """(defaults taken from the snapshot, path of its Redis dump) for SnapshotName or SnapshotArns."""
        if "SnapshotName" in p and p.get("SnapshotArns"):
            raise rules.combination("Give either SnapshotName or SnapshotArns, not both.")
        if "SnapshotName" in p:
            snapshot = region.snapshots.get(p["SnapshotName"])
            if snapshot is None:
                raise _error("SnapshotNotFoundFault", f"Snapshot {p['SnapshotName']} not found.")
            if snapshot["SnapshotStatus"] != "available":
                raise _error("InvalidSnapshotState", f"Snapshot {p['SnapshotName']} is {snapshot['SnapshotStatus']}.")
            return {k: snapshot[k] for k in ("CacheNodeType", "Engine", "EngineVersion")}, snapshot.get("_rdb")
        if p.get("SnapshotArns"):
            if len(p["SnapshotArns"]) > 1:
                raise AWSError("InvalidAction", "Seeding from more than one .rdb file is not implemented by the "
                                                "emulator.")
            return {}, self._dumps.store(f"s3-{len(region.snapshots)}-{time.monotonic_ns()}",
                                         _s3_object(p["SnapshotArns"][0]))
        return {}, None

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
            if engine == "redis" and log_type == "engine-log" and _version_tuple(version) < (6, 2):
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
        at_rest = p.get("AtRestEncryptionEnabled", False)
        if "KmsKeyId" in p and not at_rest:
            raise rules.combination("KmsKeyId requires AtRestEncryptionEnabled.")
        retention = rules.retention(p.get("SnapshotRetentionLimit", 0))
        maintenance_window = p.get("PreferredMaintenanceWindow", "sun:23:00-mon:01:30")
        self._check_windows(p.get("SnapshotWindow"), maintenance_window)
        subnet_group = self._subnet_group_for_create(region, p.get("CacheSubnetGroupName"))
        azs = [s["SubnetAvailabilityZone"]["Name"] for s in subnet_group["Subnets"]]
        return {
            "region": region.name, "hash": region.hash, "engine": engine, "engine_version": version,
            "node_type": node_type, "port": p.get("Port", 6379), "transit": transit,
            "transit_mode": p.get("TransitEncryptionMode", "required"), "tokens": tokens, "token_allows_none": False,
            "token_modified": _now(), "at_rest": at_rest, "kms_key_id": p.get("KmsKeyId"), "retention": retention,
            "snapshot_window": self._snapshot_window_for(p, maintenance_window),
            "maintenance_window": maintenance_window, "auto_minor": p.get("AutoMinorVersionUpgrade", True),
            "notification_arn": p.get("NotificationTopicArn"), "notification_status": "active",
            "parameter_group": self._parameter_group_for(region, p.get("CacheParameterGroupName"), family,
                                                         cluster_mode),
            "subnet_group": subnet_group["CacheSubnetGroupName"],
            "security_group_ids": self._security_groups(region, p.get("SecurityGroupIds", []), subnet_group["VpcId"]),
            "azs": sorted(set(azs)) or ["us-east-1a"], "created": _now(), "status": "creating",
            "restore_from": restore_from,
            "log_delivery": self._log_delivery(p.get("LogDeliveryConfigurations", []), engine, version),
        }

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

    def _cluster_settings(self, region, cluster_id):
        """CreateReplicationGroup's parameters that PrimaryClusterId takes from the cluster."""
        cluster = region.clusters.get((cluster_id or "").lower())
        if cluster is None:
            raise _error("CacheClusterNotFound", f"CacheCluster {cluster_id} not found.")
        if cluster.status != "available":
            raise _error("InvalidCacheClusterState",
                         f"Cache cluster {cluster.id} must be available to become a primary; it is {cluster.status}.")
        inherited = {"CacheNodeType": cluster.node_type, "Engine": cluster.engine,
                     "EngineVersion": cluster.engine_version, "CacheParameterGroupName": cluster.parameter_group,
                     "CacheSubnetGroupName": cluster.subnet_group, "SecurityGroupIds": cluster.security_group_ids,
                     "TransitEncryptionEnabled": cluster.transit, "AtRestEncryptionEnabled": cluster.at_rest,
                     "SnapshotRetentionLimit": cluster.retention, "SnapshotWindow": cluster.snapshot_window,
                     "PreferredMaintenanceWindow": cluster.maintenance_window, "Port": cluster.port}
        if cluster.transit:
            inherited["TransitEncryptionMode"] = cluster.transit_mode
        return cluster, inherited

    def op_CreateReplicationGroup(self, region, p):  # pylint: disable=invalid-name,too-many-locals,too-many-branches
        group_id = rules.identifier(p["ReplicationGroupId"], "ReplicationGroupId")
        if group_id in region.groups:
            raise _error("ReplicationGroupAlreadyExistsFault", f"Replication group {group_id} already exists.")
        primary = None
        if "PrimaryClusterId" in p:
            primary, inherited = self._cluster_settings(region, p["PrimaryClusterId"])
            p = {**inherited, **p}
        cluster_mode = p.get("ClusterMode") == "enabled" or p.get("NumNodeGroups", 1) > 1
        if p.get("ClusterMode") == "compatible":
            raise rules.invalid("ClusterMode compatible is only valid when modifying a replication group.")
        if primary is not None and cluster_mode:
            raise rules.combination("PrimaryClusterId cannot be used with ClusterMode enabled.")
        if "NumCacheClusters" in p and ("NumNodeGroups" in p or "ReplicasPerNodeGroup" in p):
            raise rules.combination("NumCacheClusters cannot be combined with NumNodeGroups or ReplicasPerNodeGroup.")
        if cluster_mode:
            num_node_groups, replicas = p.get("NumNodeGroups", 1), p.get("ReplicasPerNodeGroup", 1)
            if not 1 <= num_node_groups <= 500:
                raise rules.invalid("The parameter NumNodeGroups must be between 1 and 500.")
        else:
            num_node_groups = 1
            replicas = p["NumCacheClusters"] - 1 if "NumCacheClusters" in p else p.get("ReplicasPerNodeGroup", 0)
            if "NumCacheClusters" in p and not 1 <= p["NumCacheClusters"] <= 6:
                raise rules.invalid("The parameter NumCacheClusters must be between 1 and 6.")
        if not 0 <= replicas <= 5:
            raise rules.invalid("The parameter ReplicasPerNodeGroup must be between 0 and 5.")

        automatic_failover = p.get("AutomaticFailoverEnabled", cluster_mode)
        multi_az = p.get("MultiAZEnabled", False)
        if automatic_failover and replicas < 1:
            raise rules.combination("Automatic failover requires at least one replica (NumCacheClusters >= 2).")
        if cluster_mode and not automatic_failover:
            raise rules.combination("Automatic failover must be enabled when ClusterMode is enabled.")
        if multi_az and not automatic_failover:
            raise rules.combination("Multi-AZ requires automatic failover to be enabled.")

        settings = self._settings(region, p, cluster_mode)
        if primary is not None:
            settings.update(tokens=list(primary.tokens), token_modified=primary.token_modified,
                            restore_from=self._dumps.save(primary.server_key, f"{region.name}-{primary.id}-primary"),
                            primary_cluster_id=primary.id, azs=primary.azs)
            # The cluster now is the group's primary member; its tags stay with its ARN.
            del region.clusters[primary.id]
        group = Group(
            id=group_id, description=p["ReplicationGroupDescription"], cluster_mode=cluster_mode,
            node_group_ids=[f"{n:04d}" for n in range(1, num_node_groups + 1)], replicas=replicas,
            automatic_failover=automatic_failover, multi_az=multi_az, arn=region.arn("replicationgroup", group_id),
            **settings,
        )
        self._start(region, group, _tags(p), f"Replication group {group_id} created")
        return {"ReplicationGroup": group.render()}

    # --- standalone cache clusters ---------------------------------------------------------------

    def _cluster(self, region, cluster_id):
        cluster = region.clusters.get((cluster_id or "").lower())
        if cluster is None:
            raise _error("CacheClusterNotFound", f"CacheCluster {cluster_id} not found.")
        return cluster

    def op_CreateCacheCluster(self, region, p):  # pylint: disable=invalid-name
        cluster_id = rules.identifier(p["CacheClusterId"], "CacheClusterId", max_length=50)
        if cluster_id in region.member_clusters():
            raise _error("CacheClusterAlreadyExists", f"Cache cluster {cluster_id} already exists.")
        if "ReplicationGroupId" in p:
            raise AWSError("InvalidAction", "Adding a cluster to a replication group with CreateCacheCluster is not "
                                            "implemented by the emulator; use IncreaseReplicaCount.")
        if (p.get("Engine") or "redis").lower() == "memcached":
            raise AWSError("InvalidAction", "Memcached is not implemented by the emulator.")
        if p.get("NumCacheNodes", 1) != 1:
            raise rules.invalid("The parameter NumCacheNodes must be 1 for a Valkey or Redis OSS cluster.")
        settings = self._settings(region, p, cluster_mode=False)
        if "PreferredAvailabilityZone" in p:
            settings["azs"] = [p["PreferredAvailabilityZone"]]
        cluster = Group(
            id=cluster_id, standalone=True, description="", cluster_mode=False, replicas=0,
            automatic_failover=False, multi_az=False, arn=region.arn("cluster", cluster_id), **settings,
        )
        self._start(region, cluster, _tags(p), "Cache cluster created")
        return {"CacheCluster": cluster.render_cluster(cluster_id, False)}

    def op_DescribeCacheClusters(self, region, p):  # pylint: disable=invalid-name
        show = p.get("ShowCacheNodeInfo", False)
        members = sorted(region.member_clusters().items())
        if p.get("ShowCacheClustersNotInReplicationGroups"):
            members = [(m, g) for m, g in members if g.standalone]
        if "CacheClusterId" in p:
            members = [(m, g) for m, g in members if m == p["CacheClusterId"].lower()]
            if not members:
                raise _error("CacheClusterNotFound", f"CacheCluster {p['CacheClusterId']} not found.")
        return _page([g.render_cluster(m, show) for m, g in members], p, "CacheClusters")

    def op_ModifyCacheCluster(self, region, p):  # pylint: disable=invalid-name,too-many-branches
        cluster = self._standalone_for(region, p["CacheClusterId"], "ModifyReplicationGroup")
        if cluster.status != "available":
            raise _error("InvalidCacheClusterState",
                         f"Cache cluster {cluster.id} must be available to modify it; it is {cluster.status}.")
        unsupported = {"NewAvailabilityZones", "CacheNodeIdsToRemove", "AZMode", "CacheSecurityGroupNames",
                       "ScaleConfig"} & set(p)
        if unsupported:
            raise AWSError("InvalidAction", f"{sorted(unsupported)[0]} is not implemented by the emulator.")
        if p.get("NumCacheNodes", 1) != 1:
            raise rules.invalid("The parameter NumCacheNodes must be 1 for a Valkey or Redis OSS cluster.")
        changes, pending = self._engine_and_node_type(region, cluster, p)
        if "SecurityGroupIds" in p:
            vpc = region.subnet_groups[cluster.subnet_group]["VpcId"]
            changes["security_group_ids"] = self._security_groups(region, p["SecurityGroupIds"], vpc)
        if "CacheParameterGroupName" in p and p["CacheParameterGroupName"] != cluster.parameter_group:
            family = self._engine(changes.get("engine", cluster.engine), changes.get("engine_version")
                                  or pending.get("EngineVersion") or cluster.engine_version)[2]
            changes["parameter_group"] = self._parameter_group_for(region, p["CacheParameterGroupName"], family,
                                                                   False)
        if "SnapshotRetentionLimit" in p:
            changes["retention"] = rules.retention(p["SnapshotRetentionLimit"])
        snapshot_window = p.get("SnapshotWindow", cluster.snapshot_window)
        maintenance_window = p.get("PreferredMaintenanceWindow", cluster.maintenance_window)
        self._check_windows(snapshot_window, maintenance_window)
        changes.update(snapshot_window=snapshot_window, maintenance_window=maintenance_window)
        for param, field in (("AutoMinorVersionUpgrade", "auto_minor"), ("NotificationTopicArn", "notification_arn"),
                             ("NotificationTopicStatus", "notification_status")):
            if param in p:
                changes[field] = p[param]
        if "AuthToken" in p or "AuthTokenUpdateStrategy" in p:
            changes.update(self._token_change(cluster, p.get("AuthToken"), p.get("AuthTokenUpdateStrategy", "ROTATE")))
        if "LogDeliveryConfigurations" in p:
            changes["log_delivery"] = self._log_delivery_change(cluster, p)
        cluster.node_pending.update(pending)
        changes = {k: v for k, v in changes.items() if getattr(cluster, k) != v}
        if changes:
            self._modify(region, cluster, changes)
        return {"CacheCluster": cluster.render_cluster(cluster.id, False)}

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
            if engine == group.engine and _version_tuple(version) < _version_tuple(group.engine_version):
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

    def _standalone_for(self, region, cluster_id, group_operation):
        """A standalone cluster; a replication group's member is refused as AWS refuses it."""
        found = region.member_clusters().get((cluster_id or "").lower())
        if found is None:
            raise _error("CacheClusterNotFound", f"CacheCluster {cluster_id} not found.")
        if not found.standalone:
            raise rules.combination(f"Cache cluster {cluster_id} is a member of replication group {found.id}; "
                                    f"use {group_operation}.")
        return found

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

    def op_RebootCacheCluster(self, region, p):  # pylint: disable=invalid-name
        group = region.member_clusters().get(p["CacheClusterId"].lower())
        if group is None:
            raise _error("CacheClusterNotFound", f"CacheCluster {p['CacheClusterId']} not found.")
        if group.cluster_mode:
            raise AWSError("InvalidAction", "Rebooting a node in cluster mode is not implemented by the emulator.")
        if p["CacheNodeIdsToReboot"] != ["0001"]:
            raise rules.invalid(f"Cache cluster {p['CacheClusterId']} has one node, 0001.")
        if group.status != "available":
            raise _error("InvalidCacheClusterState",
                         f"Cache cluster {p['CacheClusterId']} must be available to reboot; it is {group.status}.")
        group.status = "rebooting cache cluster nodes"
        if group.replicas > 0:
            group.disconnects += 1  # the rebooted node resyncs from the others: data stays, its clients drop
        else:
            group.reboots += 1  # a node without a replica comes back empty

        def finish():
            group.status = "available"
            region.event(p["CacheClusterId"].lower(), "cache-cluster", "Cache node 0001 restarted")

        group.transition = self._after(self.config.modify_seconds, finish)
        return {"CacheCluster": group.render_cluster(p["CacheClusterId"].lower(), False)}

    def op_DeleteCacheCluster(self, region, p):  # pylint: disable=invalid-name
        cluster = self._standalone_for(region, p["CacheClusterId"], "DeleteReplicationGroup")
        if cluster.status not in ("available", "create-failed"):
            raise _error("InvalidCacheClusterState",
                         f"Cache cluster {cluster.id} must be available to delete it; it is {cluster.status}.")
        self._final_snapshot(region, cluster, p.get("FinalSnapshotIdentifier"))
        self._delete(region, cluster, region.clusters, "Cache cluster deleted")
        return {"CacheCluster": cluster.render_cluster(cluster.id, False)}

    def _final_snapshot(self, region, group, name):
        if name is None:
            return
        rules.identifier(name, "FinalSnapshotIdentifier", max_length=255)
        if name in region.snapshots:
            raise _error("SnapshotAlreadyExistsFault", f"Snapshot {name} already exists.")
        region.snapshots[name] = self._snapshot(region, group, name, "manual")

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

    def op_DescribeReplicationGroups(self, region, p):  # pylint: disable=invalid-name
        if "ReplicationGroupId" in p:
            groups = [self._group(region, p["ReplicationGroupId"])]
        else:
            groups = sorted(region.groups.values(), key=lambda g: g.id)
        return _page([g.render() for g in groups], p, "ReplicationGroups")

    def _require_available(self, group, action):
        if group.status != "available":
            raise _error("InvalidReplicationGroupState",
                         f"Replication group {group.id} must be in available state to {action}; it is {group.status}.")

    def op_ModifyReplicationGroup(self, region, p):  # pylint: disable=invalid-name,too-many-branches,too-many-statements
        group = self._group(region, p["ReplicationGroupId"])
        self._require_available(group, "modify it")
        unsupported = {"PrimaryClusterId", "NodeGroupId", "UserGroupIdsToAdd", "UserGroupIdsToRemove",
                       "RemoveUserGroups", "CacheSecurityGroupNames"} & set(p)
        if unsupported:
            raise AWSError("InvalidAction", f"{sorted(unsupported)[0]} is not implemented by the emulator.")
        changes, pending = self._engine_and_node_type(region, group, p)
        engine = changes.get("engine", group.engine)
        if "ReplicationGroupDescription" in p:
            changes["description"] = p["ReplicationGroupDescription"]

        failover = p.get("AutomaticFailoverEnabled", group.automatic_failover)
        multi_az = p.get("MultiAZEnabled", group.multi_az)
        if failover and group.replicas < 1:
            raise rules.combination("Automatic failover requires at least one replica.")
        if multi_az and not failover:
            raise rules.combination("Multi-AZ requires automatic failover to be enabled.")
        if group.cluster_mode and not failover:
            raise rules.combination("Automatic failover cannot be disabled when ClusterMode is enabled.")
        if failover != group.automatic_failover:
            changes["automatic_failover"] = failover
            group.pending["AutomaticFailoverStatus"] = "enabled" if failover else "disabled"
        if multi_az != group.multi_az:
            changes["multi_az"] = multi_az

        if "SecurityGroupIds" in p:
            vpc = region.subnet_groups[group.subnet_group]["VpcId"]
            ids = self._security_groups(region, p["SecurityGroupIds"], vpc)
            if sorted(ids) != sorted(group.security_group_ids):
                changes["security_group_ids"] = ids
        if "CacheParameterGroupName" in p and p["CacheParameterGroupName"] != group.parameter_group:
            family = self._engine(engine, changes.get("engine_version") or pending.get("EngineVersion")
                                  or group.engine_version)[2]
            changes["parameter_group"] = self._parameter_group_for(
                region, p["CacheParameterGroupName"], family, group.cluster_mode)
        if "SnapshotRetentionLimit" in p and p["SnapshotRetentionLimit"] != group.retention:
            changes["retention"] = rules.retention(p["SnapshotRetentionLimit"])
        snapshot_window = p.get("SnapshotWindow", group.snapshot_window)
        maintenance_window = p.get("PreferredMaintenanceWindow", group.maintenance_window)
        self._check_windows(snapshot_window, maintenance_window)
        if snapshot_window != group.snapshot_window:
            changes["snapshot_window"] = snapshot_window
        if maintenance_window != group.maintenance_window:
            changes["maintenance_window"] = maintenance_window
        if "AutoMinorVersionUpgrade" in p and p["AutoMinorVersionUpgrade"] != group.auto_minor:
            changes["auto_minor"] = p["AutoMinorVersionUpgrade"]
        if "NotificationTopicArn" in p and p["NotificationTopicArn"] != group.notification_arn:
            changes["notification_arn"] = p["NotificationTopicArn"]
        if "NotificationTopicStatus" in p:
            changes["notification_status"] = p["NotificationTopicStatus"]

        if "TransitEncryptionEnabled" in p or "TransitEncryptionMode" in p:
            transit = p.get("TransitEncryptionEnabled", group.transit)
            if transit != group.transit or p.get("TransitEncryptionMode", group.transit_mode) != group.transit_mode:
                if _version_tuple(group.engine_version) < (7, 0):
                    raise rules.combination("Changing in-transit encryption needs engine version 7.0 or later.")
                if not transit and group.tokens:
                    raise rules.combination("Delete the AUTH token before disabling in-transit encryption.")
                if group.cluster_mode:
                    raise AWSError("InvalidAction", "Changing in-transit encryption in cluster mode is not "
                                                    "implemented by the emulator.")
                changes["transit"] = transit
                changes["transit_mode"] = p.get("TransitEncryptionMode", "preferred" if transit else "required")

        strategy = p.get("AuthTokenUpdateStrategy")
        if "AuthToken" in p or strategy:
            changes.update(self._token_change(group, p.get("AuthToken"), strategy or "ROTATE"))
        if "LogDeliveryConfigurations" in p:
            log_delivery = self._log_delivery_change(group, p)
            if log_delivery != group.log_delivery:
                changes["log_delivery"] = log_delivery

        if pending:
            group.node_pending.update(pending)
        if changes:
            self._modify(region, group, changes)
        return {"ReplicationGroup": group.render()}

    def _token_change(self, group, token, strategy):
        transit = group.transit
        if not transit:
            raise rules.invalid("The AUTH token is only supported when encryption-in-transit is enabled")
        if strategy == "DELETE":
            if token is not None:
                raise rules.combination("AuthToken must not be given with AuthTokenUpdateStrategy DELETE.")
            if not group.tokens:
                raise rules.combination("The replication group has no AUTH token to delete.")
            if group.transit_mode != "preferred":
                raise rules.combination("An AUTH token can only be deleted when TransitEncryptionMode is preferred.")
            return {"tokens": [], "token_allows_none": False, "token_modified": _now()}
        if token is None:
            raise AWSError("MissingParameter", f"AuthToken is required with AuthTokenUpdateStrategy {strategy}.")
        rules.auth_token(token)
        if strategy == "ROTATE":
            group.pending["AuthTokenStatus"] = "ROTATING"
            kept = group.tokens[-1:]
            return {"tokens": kept + [token], "token_allows_none": not group.tokens, "token_modified": _now()}
        group.pending["AuthTokenStatus"] = "SETTING"
        return {"tokens": [token], "token_allows_none": False, "token_modified": _now()}

    def _replica_count(self, region, p, increase):
        group = self._group(region, p["ReplicationGroupId"])
        self._require_available(group, "change its replica count")
        if not p.get("ApplyImmediately"):
            raise rules.invalid("ApplyImmediately must be true to change the replica count.")
        if group.cluster_mode:
            raise AWSError("InvalidAction", "Changing the replica count in cluster mode is not implemented by the "
                                            "emulator.")
        if "NewReplicaCount" not in p:
            raise AWSError("MissingParameter", "NewReplicaCount is required.")
        count = p["NewReplicaCount"]
        if not 0 <= count <= 5:
            raise rules.invalid("The parameter NewReplicaCount must be between 0 and 5.")
        if increase and count <= group.replicas:
            raise rules.invalid(f"NewReplicaCount {count} must be greater than the current {group.replicas}.")
        if not increase and count >= group.replicas:
            raise rules.invalid(f"NewReplicaCount {count} must be less than the current {group.replicas}.")
        if count == 0 and group.automatic_failover:
            raise rules.combination("Disable automatic failover before removing the last replica.")
        group.status = "modifying"

        def finish():
            group.replicas = count
            group.status = "available"

        group.transition = self._after(self.config.modify_seconds, finish)
        return {"ReplicationGroup": group.render()}

    def op_ModifyReplicationGroupShardConfiguration(self, region, p):  # pylint: disable=invalid-name
        """Online resharding: modifying while slots move with their keys, then the new NodeGroups.

        Scaling in removes the shards NodeGroupsToRemove names (or all but NodeGroupsToRetain); the
        emulator's Redis Cluster can only remove the last shards, so other choices are refused.
        """
        group = self._group(region, p["ReplicationGroupId"])
        if not group.cluster_mode:
            raise rules.combination(f"Replication group {group.id} is not cluster mode enabled; its shard "
                                    "configuration cannot be modified.")
        if not p["ApplyImmediately"]:
            raise rules.invalid("ApplyImmediately must be true to modify the shard configuration.")
        self._require_available(group, "modify its shard configuration")
        count, current = p["NodeGroupCount"], list(group.node_group_ids)
        if not 1 <= count <= 500:
            raise rules.invalid("The parameter NodeGroupCount must be between 1 and 500.")
        if "ReshardingConfiguration" in p and count <= len(current):
            raise rules.combination("ReshardingConfiguration can only be given when NodeGroupCount adds shards.")
        removed = self._shards_to_remove(group, p, count)
        if removed != current[len(current) - len(removed):]:
            raise AWSError("InvalidAction", "Removing shards other than the last ones is not implemented by the "
                                            f"emulator: remove {', '.join(current[count:])}.")
        kept = current[:len(current) - len(removed)]
        used = [int(g) for g in current + [m.rsplit("-", 2)[1] for m in group.retired_members]]
        added = [f"{n:04d}" for n in range(max(used) + 1, max(used) + 1 + count - len(kept))]
        group.pending["Resharding"] = {"SlotMigration": {"ProgressPercentage": 0.0}}
        retired = [m for m in group.member_ids() if m.rsplit("-", 2)[1] in removed]
        self._modify(region, group, {"node_group_ids": kept + added,
                                     "retired_members": group.retired_members + retired})
        return {"ReplicationGroup": group.render()}

    @staticmethod
    def _shards_to_remove(group, p, count):
        current = group.node_group_ids
        to_remove, to_retain = p.get("NodeGroupsToRemove"), p.get("NodeGroupsToRetain")
        if count >= len(current):
            if to_remove or to_retain:
                raise rules.combination("NodeGroupsToRemove and NodeGroupsToRetain are only valid when "
                                        "NodeGroupCount removes shards.")
            return []
        if (to_remove is None) == (to_retain is None):
            raise rules.combination("Give either NodeGroupsToRemove or NodeGroupsToRetain when NodeGroupCount is "
                                    "less than the current number of node groups.")
        unknown = sorted(set(to_remove or to_retain) - set(current))
        if unknown:
            raise _error("NodeGroupNotFoundFault", f"Node group {unknown[0]} not found in {group.id}.")
        removed = [g for g in current if g in to_remove] if to_remove is not None else \
            [g for g in current if g not in to_retain]
        if len(current) - len(removed) != count:
            raise rules.combination(f"NodeGroupCount {count} does not match the {len(current)} node groups less the "
                                    f"{len(removed)} removed.")
        return removed

    def op_IncreaseReplicaCount(self, region, p):  # pylint: disable=invalid-name
        return self._replica_count(region, p, increase=True)

    def op_DecreaseReplicaCount(self, region, p):  # pylint: disable=invalid-name
        return self._replica_count(region, p, increase=False)

    def op_DeleteReplicationGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._group(region, p["ReplicationGroupId"])
        if group.status not in ("available", "create-failed"):
            raise _error("InvalidReplicationGroupState",
                         f"Replication group {group.id} must be available to delete it; it is {group.status}.")
        self._final_snapshot(region, group, p.get("FinalSnapshotIdentifier"))
        retained = None
        if p.get("RetainPrimaryCluster"):
            if group.cluster_mode:
                raise rules.combination("RetainPrimaryCluster is not valid for a cluster mode enabled group.")
            retained = self._retained_primary(region, group)
        self._delete(region, group, region.groups, f"Replication group {group.id} deleted", retained)
        return {"ReplicationGroup": group.render()}

    def _retained_primary(self, region, group):
        """The standalone cluster RetainPrimaryCluster leaves: the primary node, its settings and its data."""
        fields = {k: v for k, v in vars(group).items() if k not in ("pending", "node_pending", "transition")}
        primary = group.primary_id()
        fields.update(id=primary, standalone=True, description="", replicas=0, automatic_failover=False,
                      multi_az=False, primary_cluster_id=None, primary_index=0, disconnects=0, reboots=0,
                      arn=region.arn("cluster", primary), status="available",
                      restore_from=self._dumps.save(group.server_key, f"{region.name}-{primary}-retained"))
        return Group(**fields)

    def op_TestFailover(self, region, p):  # pylint: disable=invalid-name
        """Promote the next replica, as TestFailover does; the primary endpoint's name stays, clients reconnect."""
        group = self._group(region, p["ReplicationGroupId"])
        if group.cluster_mode:
            raise AWSError("InvalidAction", "TestFailover in cluster mode is not implemented by the emulator.")
        if p["NodeGroupId"] != "0001":
            raise _error("NodeGroupNotFoundFault", f"Node group {p['NodeGroupId']} not found in {group.id}.")
        self._require_available(group, "test a failover")
        if not group.automatic_failover:
            raise rules.combination(f"Automatic failover is not enabled on replication group {group.id}.")
        old = group.primary_id()
        new_index = (group.primary_index + 1) % len(group.member_ids())
        new = group.member_ids()[new_index]
        region.event(group.id, "replication-group", "Test Failover API called for node group 0001")
        group.status = "modifying"

        def finish():
            # The messages TestFailover's API reference lists, in its order.
            group.primary_index = new_index
            group.disconnects += 1
            message = f"Failover from primary node {old} to replica node {new} completed"
            region.event(old, "cache-cluster", message)
            region.event(group.id, "replication-group", message)
            region.event(old, "cache-cluster", "Recovering cache nodes 0001")
            region.event(old, "cache-cluster", "Finished recovery for cache nodes 0001")
            group.status = "available"

        group.transition = self._after(self.config.modify_seconds, finish)
        return {"ReplicationGroup": group.render()}

    def op_DescribeEvents(self, region, p):  # pylint: disable=invalid-name
        """Events of the last `Duration` minutes (default 60), or between StartTime and EndTime, oldest first."""
        end = _utc(p.get("EndTime")) or _now_precise()
        start = _utc(p.get("StartTime")) or end - datetime.timedelta(minutes=p.get("Duration", 60))
        events = [e for e in region.events if start <= e["Date"] <= end
                  and p.get("SourceType", e["SourceType"]) == e["SourceType"]
                  and p.get("SourceIdentifier", e["SourceIdentifier"]) == e["SourceIdentifier"]]
        return _page(events, p, "Events")

    def op_DescribeCacheEngineVersions(self, region, p):  # pylint: disable=invalid-name
        """The engine versions the catalog knows, filtered as AWS filters them (DefaultOnly: the default one)."""
        versions = []
        for engine, by_version in sorted(ENGINE_VERSIONS.items()):
            for version, family in sorted(by_version.items(), key=lambda item: _version_tuple(item[0])):
                if p.get("DefaultOnly") and version != DEFAULT_ENGINE_VERSION[engine]:
                    continue
                if p.get("Engine", engine).lower() != engine or p.get("EngineVersion", version) != version or \
                        p.get("CacheParameterGroupFamily", family) != family:
                    continue
                name = "Redis OSS" if engine == "redis" else "Valkey"
                versions.append({"Engine": engine, "EngineVersion": version, "CacheParameterGroupFamily": family,
                                 "CacheEngineDescription": name, "CacheEngineVersionDescription": f"{name} {version}"})
        return _page(versions, p, "CacheEngineVersions")

    # --- snapshots -----------------------------------------------------------------------------

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
                               "CacheNodeCreateTime": group.created, "SnapshotCreateTime": _now()}],
            "ARN": region.arn("snapshot", name), "_ready": time.monotonic() + self.config.delete_seconds,
            "_rdb": self._dumps.save(group.server_key, f"{region.name}-snapshot-{name}"),
        }
        if group.standalone:
            snapshot.update(CacheClusterId=group.id, PreferredAvailabilityZone=group.azs[0],
                            CacheClusterCreateTime=group.created)
        else:
            snapshot.update(ReplicationGroupId=group.id, ReplicationGroupDescription=group.description)
        if group.kms_key_id:
            snapshot["KmsKeyId"] = group.kms_key_id
        return snapshot

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
            raise _error("InvalidReplicationGroupState" if "ReplicationGroupId" in p else "InvalidCacheClusterState",
                         f"{group.id} must be available to take a snapshot; it is {group.status}.")
        if name in region.snapshots:
            raise _error("SnapshotAlreadyExistsFault", f"Snapshot {name} already exists.")
        snapshot = self._snapshot(region, group, name, "manual")
        region.snapshots[name] = snapshot
        region.tags[snapshot["ARN"]] = _tags(p)
        return {"Snapshot": snapshot}

    def take_automatic_snapshots(self):
        """What each group's snapshot window does once a day: an automatic snapshot where retention > 0."""
        with self.lock:
            taken = []
            for region in self.regions.values():
                for group in region.all_groups():
                    if group.retention > 0 and group.status == "available" and not group.cluster_mode:
                        stamp = _now().strftime("%Y-%m-%d-%H-%M-%S")
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
                raise _error("SnapshotNotFoundFault", f"Snapshot {p['SnapshotName']} not found.")
        if "ReplicationGroupId" in p:
            snapshots = [s for s in snapshots if s.get("ReplicationGroupId") == p["ReplicationGroupId"].lower()]
        if "CacheClusterId" in p:
            wanted = p["CacheClusterId"].lower()
            snapshots = [s for s in snapshots
                         if s.get("CacheClusterId") == wanted or s["NodeSnapshots"][0]["CacheClusterId"] == wanted]
        if "SnapshotSource" in p:
            snapshots = [s for s in snapshots if s["SnapshotSource"] == p["SnapshotSource"]]
        return _page(snapshots, {**p, "MaxRecords": p.get("MaxRecords", 50)}, "Snapshots")

    def op_DeleteSnapshot(self, region, p):  # pylint: disable=invalid-name
        snapshot = region.snapshots.get(p["SnapshotName"])
        if snapshot is None:
            raise _error("SnapshotNotFoundFault", f"Snapshot {p['SnapshotName']} not found.")
        if snapshot["SnapshotStatus"] != "available":
            raise _error("InvalidSnapshotState", f"Snapshot {p['SnapshotName']} is {snapshot['SnapshotStatus']}.")
        del region.snapshots[p["SnapshotName"]]
        region.tags.pop(snapshot["ARN"], None)
        return {"Snapshot": {**snapshot, "SnapshotStatus": "deleting"}}

    # --- subnet groups -------------------------------------------------------------------------

    def _subnets(self, region, subnet_ids):
        view = self._ec2_view(ACCOUNT, region.name)
        subnets, vpcs = [], set()
        for subnet_id in subnet_ids:
            found = view.subnet(subnet_id)
            if found is None:
                raise _error("InvalidSubnet", f"The subnet ID {subnet_id} does not exist")
            vpcs.add(found[0])
            subnets.append({"SubnetIdentifier": subnet_id, "SubnetAvailabilityZone": {"Name": found[1]},
                            "SupportedNetworkTypes": ["ipv4"]})
        if len(vpcs) > 1:
            raise rules.invalid("All subnets of a cache subnet group must belong to the same VPC.")
        return subnets, vpcs.pop()

    def _subnet_group(self, region, name):
        group = region.subnet_groups.get((name or "").lower())
        if group is None:
            raise _error("CacheSubnetGroupNotFoundFault", f"CacheSubnetGroup {name} not found.")
        return group

    def _subnet_group_for_create(self, region, name):
        if name is None:
            name = "default"
            if name not in region.subnet_groups:
                subnets, vpc = self._subnets(region, self._ec2_view(ACCOUNT, region.name).default_subnets())
                region.subnet_groups[name] = {"CacheSubnetGroupName": name, "CacheSubnetGroupDescription": "default",
                                              "VpcId": vpc, "Subnets": subnets, "ARN": region.arn("subnetgroup", name),
                                              "SupportedNetworkTypes": ["ipv4"]}
        return self._subnet_group(region, name)

    def op_CreateCacheSubnetGroup(self, region, p):  # pylint: disable=invalid-name
        name = rules.identifier(p["CacheSubnetGroupName"], "CacheSubnetGroupName", max_length=255)
        if name == "default":
            raise rules.invalid("CacheSubnetGroupName default is reserved.")
        if name in region.subnet_groups:
            raise _error("CacheSubnetGroupAlreadyExists", f"Cache subnet group {name} already exists.")
        subnets, vpc = self._subnets(region, p["SubnetIds"])
        group = {"CacheSubnetGroupName": name, "CacheSubnetGroupDescription": p["CacheSubnetGroupDescription"],
                 "VpcId": vpc, "Subnets": subnets, "ARN": region.arn("subnetgroup", name),
                 "SupportedNetworkTypes": ["ipv4"]}
        region.subnet_groups[name] = group
        region.tags[group["ARN"]] = _tags(p)
        return {"CacheSubnetGroup": group}

    def op_DescribeCacheSubnetGroups(self, region, p):  # pylint: disable=invalid-name
        if "CacheSubnetGroupName" in p:
            groups = [self._subnet_group(region, p["CacheSubnetGroupName"])]
        else:
            groups = [region.subnet_groups[k] for k in sorted(region.subnet_groups)]
        return _page(groups, p, "CacheSubnetGroups")

    def op_ModifyCacheSubnetGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._subnet_group(region, p["CacheSubnetGroupName"])
        if "SubnetIds" in p:
            subnets, vpc = self._subnets(region, p["SubnetIds"])
            if vpc != group["VpcId"] and self._subnet_group_users(region, group["CacheSubnetGroupName"]):
                raise _error("SubnetInUse", "The subnet group is in use; its subnets must stay in VPC "
                                            f"{group['VpcId']}.")
            group.update(Subnets=subnets, VpcId=vpc)
        if "CacheSubnetGroupDescription" in p:
            group["CacheSubnetGroupDescription"] = p["CacheSubnetGroupDescription"]
        return {"CacheSubnetGroup": group}

    def _subnet_group_users(self, region, name):
        return [g.id for g in region.all_groups() if g.subnet_group == name]

    def op_DeleteCacheSubnetGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._subnet_group(region, p["CacheSubnetGroupName"])
        users = self._subnet_group_users(region, group["CacheSubnetGroupName"])
        if users:
            raise _error("CacheSubnetGroupInUse", f"Cache subnet group {group['CacheSubnetGroupName']} is in use "
                                                  f"by {', '.join(users)}.")
        del region.subnet_groups[group["CacheSubnetGroupName"]]
        region.tags.pop(group["ARN"], None)
        return {}

    # --- parameter groups ----------------------------------------------------------------------

    def _parameter_group(self, region, name):
        group = region.parameter_groups.get(name)
        if group is None:
            raise _error("CacheParameterGroupNotFound", f"CacheParameterGroup {name} not found.")
        return group

    def _render_parameter_group(self, region, group):
        return {"CacheParameterGroupName": group["name"], "CacheParameterGroupFamily": group["family"],
                "Description": group["description"], "IsGlobal": False,
                "ARN": region.arn("parametergroup", group["name"])}

    def op_CreateCacheParameterGroup(self, region, p):  # pylint: disable=invalid-name
        name = rules.identifier(p["CacheParameterGroupName"], "CacheParameterGroupName", max_length=255)
        if p["CacheParameterGroupFamily"] not in FAMILIES:
            raise rules.invalid(f"The parameter CacheParameterGroupFamily {p['CacheParameterGroupFamily']} is not "
                                f"valid; valid families are {', '.join(FAMILIES)}.")
        if name in region.parameter_groups:
            raise _error("CacheParameterGroupAlreadyExists", f"Parameter group {name} already exists.")
        group = {"name": name, "family": p["CacheParameterGroupFamily"], "description": p["Description"],
                 "values": {}, "default": False}
        region.parameter_groups[name] = group
        rendered = self._render_parameter_group(region, group)
        region.tags[rendered["ARN"]] = _tags(p)
        return {"CacheParameterGroup": rendered}

    def op_DescribeCacheParameterGroups(self, region, p):  # pylint: disable=invalid-name
        if "CacheParameterGroupName" in p:
            groups = [self._parameter_group(region, p["CacheParameterGroupName"])]
        else:
            groups = [region.parameter_groups[k] for k in sorted(region.parameter_groups)]
        return _page([self._render_parameter_group(region, g) for g in groups], p, "CacheParameterGroups")

    def op_DescribeCacheParameters(self, region, p):  # pylint: disable=invalid-name
        group = self._parameter_group(region, p["CacheParameterGroupName"])
        parameters = []
        for name, (default, data_type, allowed, modifiable, change) in sorted(PARAMETERS[group["family"]].items()):
            source = "user" if name in group["values"] else "system"
            wanted = p.get("Source")
            if wanted and wanted != source and not (wanted == "engine-default" and source == "system"):
                continue
            entry = {"ParameterName": name, "ParameterValue": group["values"].get(name, default),
                     "Description": f"Redis {name}", "Source": source, "DataType": data_type,
                     "IsModifiable": modifiable, "MinimumEngineVersion": "6.0.0", "ChangeType": change}
            if allowed is not None:
                entry["AllowedValues"] = allowed
            parameters.append(entry)
        return _page(parameters, p, "Parameters")

    def _modifiable(self, group, action):
        if group["default"]:
            raise _error("InvalidCacheParameterGroupState",
                         f"Default parameter group {group['name']} cannot be {action}.")

    def op_ModifyCacheParameterGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._parameter_group(region, p["CacheParameterGroupName"])
        self._modifiable(group, "modified")
        if len(p["ParameterNameValues"]) > 20:
            raise rules.invalid("At most 20 parameters can be modified in one request.")
        known = PARAMETERS[group["family"]]
        updates = {}
        for item in p["ParameterNameValues"]:
            name, value = item.get("ParameterName"), item.get("ParameterValue")
            if name not in known:
                raise rules.invalid(f"Unknown parameter {name} for family {group['family']}.")
            data_type, allowed, modifiable = known[name][1:4]
            if not modifiable:
                raise rules.invalid(f"Parameter {name} is not modifiable.")
            if value is None or not allows(allowed, data_type, value):
                raise rules.invalid(f"Invalid value {value!r} for parameter {name}; allowed values are {allowed}.")
            updates[name] = value
        if "cluster-enabled" in updates and any(g.parameter_group == group["name"] for g in region.all_groups()):
            raise _error("InvalidCacheParameterGroupState",
                         "cluster-enabled cannot be changed on a parameter group that is in use.")
        group["values"].update(updates)
        return {"CacheParameterGroupName": group["name"]}

    def op_ResetCacheParameterGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._parameter_group(region, p["CacheParameterGroupName"])
        self._modifiable(group, "reset")
        names = [item.get("ParameterName") for item in p.get("ParameterNameValues", [])]
        if p.get("ResetAllParameters"):
            if names:
                raise rules.combination("Give either ResetAllParameters or ParameterNameValues, not both.")
            group["values"].clear()
        elif names:
            for name in names:
                if name not in PARAMETERS[group["family"]]:
                    raise rules.invalid(f"Unknown parameter {name} for family {group['family']}.")
                group["values"].pop(name, None)
        else:
            raise rules.combination("Give ResetAllParameters or ParameterNameValues.")
        return {"CacheParameterGroupName": group["name"]}

    def op_DeleteCacheParameterGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._parameter_group(region, p["CacheParameterGroupName"])
        self._modifiable(group, "deleted")
        users = [g.id for g in region.all_groups() if g.parameter_group == group["name"]]
        if users:
            raise _error("InvalidCacheParameterGroupState",
                         f"One or more cache clusters are still members of parameter group {group['name']}: "
                         f"{', '.join(users)}.")
        del region.parameter_groups[group["name"]]
        region.tags.pop(region.arn("parametergroup", group["name"]), None)
        return {}

    # --- tags ----------------------------------------------------------------------------------

    def _tagged(self, region, arn):
        """The tags of any taggable ARN the emulator hands out; a resource that does not exist is not found."""
        parts = arn.split(":")
        kind, name = (parts[5], ":".join(parts[6:])) if len(parts) >= 7 and parts[:3] == ["arn", "aws",
                                                                                          "elasticache"] else ("", "")
        exists = {
            "replicationgroup": lambda: name in region.groups,
            "cluster": lambda: name in region.member_clusters(),
            "subnetgroup": lambda: name in region.subnet_groups,
            "parametergroup": lambda: name in region.parameter_groups,
            "snapshot": lambda: name in region.snapshots,
        }.get(kind)
        if exists is None:
            raise _error("InvalidARN", f"The ARN {arn} is not valid.")
        if not exists():
            code = {"replicationgroup": "ReplicationGroupNotFoundFault", "subnetgroup": "CacheSubnetGroupNotFoundFault",
                    "parametergroup": "CacheParameterGroupNotFound", "snapshot": "SnapshotNotFoundFault",
                    "cluster": "CacheClusterNotFound"}[kind]
            raise _error(code, f"The resource {arn} was not found.")
        return region.tags.setdefault(arn, [])

    def op_ListTagsForResource(self, region, p):  # pylint: disable=invalid-name
        return {"TagList": list(self._tagged(region, p["ResourceName"]))}

    def op_AddTagsToResource(self, region, p):  # pylint: disable=invalid-name
        tags = {t["Key"]: t["Value"] for t in self._tagged(region, p["ResourceName"])}
        for tag in _tags(p):
            if tag["Key"].lower().startswith("aws:"):
                raise rules.invalid("Tag keys starting with aws: are reserved.")
            tags[tag["Key"]] = tag["Value"]
        if len(tags) > 50:
            raise _error("TagQuotaPerResourceExceeded", "A resource can have at most 50 tags.")
        region.tags[p["ResourceName"]] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return {"TagList": region.tags[p["ResourceName"]]}

    def op_RemoveTagsFromResource(self, region, p):  # pylint: disable=invalid-name
        tags = self._tagged(region, p["ResourceName"])
        region.tags[p["ResourceName"]] = [t for t in tags if t["Key"] not in p["TagKeys"]]
        return {"TagList": region.tags[p["ResourceName"]]}


def combination_family(name, actual, wanted):
    return rules.combination(f"Parameter group {name} is of family {actual}, but the engine version needs {wanted}.")


def _version_tuple(version):
    return tuple(int(part) for part in version.split(".")[:2])
