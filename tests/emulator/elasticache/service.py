"""The emulated ElastiCache: one class whose op_<Action> handlers come from one mixin per resource family.

State lives per region. Replication groups move through creating -> available, modifying ->
available and deleting -> gone on a clock (EmulatorConfig), driven by `tick()` from one thread.
EC2 facts (subnets, security groups, VPCs) come from moto's EC2 backend in the same process.
"""

from __future__ import annotations

import copy
import threading
import time

from ..protocol import AWSError
from .cache_clusters import CacheClusters
from .engine_versions import EngineVersions
from .events import Events
from .global_groups import GlobalReplicationGroups
from .lifecycle import Lifecycle
from .model import Region, Serving
from .parameter_groups import ParameterGroups
from .replication_groups import ReplicationGroups
from .serverless import Serverless
from .snapshots import Snapshots
from .subnet_groups import SubnetGroups
from .tags import Tags
from .user_groups import UserGroups
from .users import Users


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
    store(name, data) return the path of the copy, or None when there is no data; save_keys(server_key, name) the
    path of a serverless cache's keys.
    """

    def save(self, server_key, name):  # pylint: disable=unused-argument
        return None

    def store(self, name, data):  # pylint: disable=unused-argument
        return None

    def save_keys(self, server_key, name):  # pylint: disable=unused-argument
        return None


class EC2View:
    """Read-only EC2 facts from moto's EC2 backend."""

    def __init__(self, account, region):
        from moto.ec2.models import ec2_backends  # pylint: disable=import-outside-toplevel

        self._ec2 = ec2_backends[account][region]

    def subnet(self, subnet_id):
        found = [s for s in self._ec2.describe_subnets() if s.id == subnet_id]
        return (found[0].vpc_id, found[0].availability_zone) if found else None

    def subnet_network_types(self, subnet_id):
        """What ElastiCache says a subnet supports: ipv4; dual_stack with an IPv6 CIDR; ipv6 alone if IPv6-only."""
        found = [s for s in self._ec2.describe_subnets() if s.id == subnet_id]
        ipv6 = found and any((a.get("ipv6CidrBlockState") or {}).get("State") == "associated"
                             for a in found[0].ipv6_cidr_block_associations.values())
        if not ipv6:
            return ["ipv4"]
        return ["ipv4", "dual_stack"] if found[0].cidr_block else ["ipv6"]

    def security_group_vpc(self, group_id):
        found = [g for g in self._ec2.describe_security_groups() if g.id == group_id]
        return found[0].vpc_id if found else None

    def default_security_group(self, vpc_id):
        found = [g for g in self._ec2.describe_security_groups() if g.vpc_id == vpc_id and g.name == "default"]
        return found[0].id if found else None

    def default_subnets(self):
        vpcs = [v.id for v in self._ec2.describe_vpcs() if v.is_default]
        return [s.id for s in self._ec2.describe_subnets() if vpcs and s.vpc_id == vpcs[0]]


class KMSView:
    """Read-only KMS facts from moto's KMS backend: the key a KmsKeyId names (key id, key ARN, alias, alias ARN)."""

    def __init__(self, account, region):
        from moto.kms.models import kms_backends  # pylint: disable=import-outside-toplevel

        self._kms = kms_backends[account][region]

    def key(self, key_id):
        """(key ARN, key state) of the key, or None when there is no such key."""
        try:
            key = self._kms.describe_key(key_id)
        except Exception:  # pylint: disable=broad-except
            return None
        return key.arn, key.key_state


# A resource family is a mixin of op_<Action>(self, region, params) handlers in a module of its own;
# handle() finds them by name, so a new family is one more base class here.
class ElastiCache(ReplicationGroups, CacheClusters, Snapshots, SubnetGroups, ParameterGroups, EngineVersions, Events,
                  Serverless, Tags, Users, UserGroups, GlobalReplicationGroups,
                  Lifecycle):  # pylint: disable=too-many-ancestors
    """The emulated service. `handle(request)` answers one validated request with an output dict."""

    def __init__(self, config: EmulatorConfig | None = None, on_change=None, ec2_view=EC2View, hash_salt="",
                 dumps=None, kms_view=None):  # pylint: disable=too-many-arguments
        self.config = config or EmulatorConfig()
        self._dumps = dumps or NoDumps()
        self.hash_salt = hash_salt
        self.lock = threading.RLock()
        self.regions: dict[str, Region] = {}
        self.global_groups = {}  # global datastores belong to no region (global_groups.py)
        self._on_change = on_change or (lambda: None)
        self._ec2_view = ec2_view
        self._kms_view = kms_view or KMSView

    def reset(self):
        with self.lock:
            self.regions.clear()
            self.global_groups.clear()
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
            changed = self.tick_global(now)
            for region in self.regions.values():
                changed = self.tick_serverless(region, now) or changed
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
                    if g.status in ("available", "modifying", "snapshotting", "rebooting cache cluster nodes")] + [
                        (r, c) for r in self.regions.values() for c in self.serving_serverless(r)]

    def named(self, region):
        """Everything of a region whose names the hosts files map: groups, clusters and serverless caches."""
        return region.all_groups() + list(self._serverless(region).values())
