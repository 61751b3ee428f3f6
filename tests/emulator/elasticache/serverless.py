"""ElastiCache Serverless for Valkey and Redis OSS: caches and their snapshots, as the API reference documents them.

States: creating -> available (or create-failed, for a name in EmulatorConfig.fail_create), modifying -> available,
deleting -> gone, on the emulator's clock. CacheUsageLimits: DataStorage (Unit GB) 1 to 5,000 GB, ECPUPerSecond 1,000
to 15,000,000, each minimum at most its maximum (the limits the CDK's ServerlessCache documents). Engines: redis (major
version 7) and valkey (7 and 8); ModifyServerlessCache upgrades redis to valkey and a major version upward, never back.
TLS is always on. Access: the user group's users (a redis cache takes redis user groups only), or without a user group
the default user with no password. A customer KMS key is checked against moto's KMS, subnets and security groups
against moto's EC2 (one VPC; by default the default VPC's subnets and that VPC's default security group).

Endpoint `<name>-<hash>.serverless.<region code>.cache.amazonaws.com` port 6379, ReaderEndpoint the same name on port
6380 (a relay to the node behind the endpoint, redis_fixture.READER_PORT). Each cache is backed by a real Redis
Cluster (three primaries, no replicas, TLS, the user group's ACLs) that the emulator runs as it runs a cluster-mode
replication group; its nodes get names of their own
(`<name>-0001-001.<hash>.serverless-node...`) that only the hosts file knows. Snapshots (CreateServerlessCacheSnapshot,
a FinalSnapshotName, the automated ones of SnapshotRetentionLimit that the control API's automatic-snapshots takes)
carry every key with its TTL; SnapshotArnsToRestore with one serverless snapshot ARN, or one node-based group's
snapshot ARN (its keys, taken with the snapshot), starts a new cache with them.
A cache's automated snapshots go with it.
"""

from __future__ import annotations

import datetime
import re
import time

from .. import rules
from ..protocol import AWSError
from .common import ACCOUNT, error, now, page, region_code, request_tags

STORAGE_GB = (1, 5000)
ECPU_PER_SECOND = (1000, 15000000)
# Major version -> the full version AWS answers, for each engine; the newest is the default.
MAJOR_VERSIONS = {"redis": {"7": "7.1"}, "valkey": {"7": "7.2", "8": "8.0"}}
SHARDS = 3
ENDPOINT_PORT, READER_PORT = 6379, 6380
_DAILY_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ServerlessCache:  # pylint: disable=too-many-instance-attributes
    """One serverless cache: what DescribeServerlessCaches shows, and what the Redis fixture needs to serve it."""

    # What the emulator's Redis fixture reads of anything it serves (see app.Emulator.reconcile).
    tokens, token_allows_none, transit, disconnects, reboots, restore_from = (), False, True, 0, 0, None

    def __init__(self, **fields):
        self.restore_keys = None
        self.transition = None
        self.__dict__.update(fields)

    @property
    def server_key(self):
        return f"{self.region}-serverless-{self.id}"

    @property
    def user_group_ids(self):
        return [self.user_group_id] if self.user_group_id else []

    @property
    def parameter_group(self):
        family = f"{self.engine}{self.major_version}" if self.engine == "valkey" else "redis7"
        return f"default.{family}.cluster.on"

    def endpoint_name(self):
        return f"{self.id}-{self.hash}.serverless.{region_code(self.region)}.cache.amazonaws.com"

    def hostnames(self):
        """The endpoint (the reader endpoint has the same name) and the Redis Cluster's nodes, one per shard."""
        suffix = f"{self.hash}.serverless-node.{region_code(self.region)}.cache.amazonaws.com"
        return [self.endpoint_name()] + [f"{self.id}-{shard:04d}-001.{suffix}" for shard in range(1, SHARDS + 1)]

    def render(self):
        result = {
            "ServerlessCacheName": self.id, "Description": self.description, "CreateTime": self.created,
            "Status": self.status, "Engine": self.engine, "MajorEngineVersion": self.major_version,
            "FullEngineVersion": MAJOR_VERSIONS[self.engine][self.major_version],
            "SecurityGroupIds": list(self.security_group_ids), "SubnetIds": list(self.subnet_ids),
            "Endpoint": {"Address": self.endpoint_name(), "Port": ENDPOINT_PORT},
            "ReaderEndpoint": {"Address": self.endpoint_name(), "Port": READER_PORT},
            "ARN": self.arn, "SnapshotRetentionLimit": self.retention, "DailySnapshotTime": self.daily_snapshot_time,
            "NetworkType": "ipv4", "ConnectionType": "vpc",
        }
        if self.limits:
            result["CacheUsageLimits"] = {k: dict(v) for k, v in self.limits.items()}
        if self.kms_key_id:
            result["KmsKeyId"] = self.kms_key_id
        if self.user_group_id:
            result["UserGroupId"] = self.user_group_id
        return result


def check_limits(requested, current=None):
    """CacheUsageLimits as AWS checks them; a part not given keeps its current value."""
    limits = {k: dict(v) for k, v in (current or {}).items()}
    for part, (low, high), unit in (("DataStorage", STORAGE_GB, "GB"), ("ECPUPerSecond", ECPU_PER_SECOND, "")):
        if part not in (requested or {}):
            continue
        given = dict(requested[part])
        if unit and given.get("Unit") != unit:
            raise rules.invalid(f"CacheUsageLimits.{part}.Unit must be {unit}.")
        for bound in ("Minimum", "Maximum"):
            if bound in given and not low <= given[bound] <= high:
                raise rules.invalid(f"CacheUsageLimits.{part}.{bound} must be between {low} and {high}, "
                                    f"not {given[bound]}.")
        if "Minimum" in given and "Maximum" in given and given["Minimum"] > given["Maximum"]:
            raise rules.invalid(f"CacheUsageLimits.{part}.Minimum ({given['Minimum']}) is above its Maximum "
                                f"({given['Maximum']}).")
        if not {"Minimum", "Maximum"} & set(given):
            raise rules.invalid(f"CacheUsageLimits.{part} needs a Minimum or a Maximum.")
        limits[part] = given
    return limits


def _daily_time(value):
    if not _DAILY_TIME.match(value):
        raise rules.invalid(f"DailySnapshotTime {value} is not a time of day HH:MM.")
    return value


class Serverless:
    """The op_* handlers of serverless caches and their snapshots."""

    @staticmethod
    def _serverless(region):
        return region.__dict__.setdefault("serverless_caches", {})

    @staticmethod
    def _serverless_snapshots(region):
        return region.__dict__.setdefault("serverless_snapshots", {})

    def _cache(self, region, name):
        cache = self._serverless(region).get((name or "").lower())
        if cache is None:
            raise error("ServerlessCacheNotFoundFault", f"Serverless cache {name} not found.")
        return cache

    def _serverless_snapshot(self, region, name):
        snapshot = self._serverless_snapshots(region).get(name)
        if snapshot is None:
            raise error("ServerlessCacheSnapshotNotFoundFault", f"Serverless cache snapshot {name} not found.")
        return snapshot

    def _tagged(self, region, arn):
        kind, name = (arn.split(":")[5], ":".join(arn.split(":")[6:])) if arn.count(":") >= 6 else ("", "")
        if kind == "serverlesscache":
            if name not in self._serverless(region):
                raise error("ServerlessCacheNotFoundFault", f"The resource {arn} was not found.")
            return region.tags.setdefault(arn, [])
        if kind == "serverlesscachesnapshot":
            if name not in self._serverless_snapshots(region):
                raise error("ServerlessCacheSnapshotNotFoundFault", f"The resource {arn} was not found.")
            return region.tags.setdefault(arn, [])
        return super()._tagged(region, arn)

    # --- settings ----------------------------------------------------------------------------------

    @staticmethod
    def _engine_version(engine, major):
        engine = engine.lower()
        if engine == "memcached":
            raise AWSError("InvalidAction", "Serverless Memcached is not implemented by the funmagic emulator.")
        if engine not in MAJOR_VERSIONS:
            raise rules.invalid(f"Invalid Engine {engine}: the options are valkey, redis or memcached.")
        versions = MAJOR_VERSIONS[engine]
        major = major or max(versions, key=int)
        if major not in versions:
            raise rules.invalid(f"MajorEngineVersion {major} is not supported for {engine} serverless caches "
                                f"(supported: {', '.join(sorted(versions))}).")
        return engine, major

    def _network(self, region, subnet_ids, security_group_ids):
        """(subnet ids, security group ids): all in one VPC; by default the default VPC's subnets and its default
        security group."""
        view = self._ec2_view(ACCOUNT, region.name)
        subnet_ids = list(subnet_ids or view.default_subnets())
        if not subnet_ids:
            raise rules.invalid("SubnetIds are required: this account has no default VPC in the region.")
        vpcs = set()
        for subnet_id in subnet_ids:
            found = view.subnet(subnet_id)
            if found is None:
                raise rules.invalid(f"The subnet ID {subnet_id} does not exist.")
            vpcs.add(found[0])
        if len(vpcs) > 1:
            raise rules.invalid("All the SubnetIds must belong to the same VPC.")
        vpc_id = vpcs.pop()
        if not security_group_ids:
            default = view.default_security_group(vpc_id)
            return subnet_ids, [default] if default else []
        return subnet_ids, self._security_groups(region, security_group_ids, vpc_id)

    def _serverless_user_group(self, region, group_id, engine):
        if not group_id:
            return None
        group = self._user_group(region, group_id)
        if group["Status"] != "active":
            raise error("InvalidUserGroupState", f"User group {group_id} is {group['Status']}, not active.")
        if engine == "redis" and group["Engine"] != "redis":
            raise rules.combination(f"User group {group_id} is a {group['Engine']} user group: a Redis OSS "
                                    "serverless cache takes redis user groups only.")
        return group["UserGroupId"]

    def _attach_serverless(self, region, cache_name, before, after):
        for group_id, add in ((before, False), (after, True)):
            group = self._user_groups(region).get(group_id) if group_id and before != after else None
            if group is None:
                continue
            users = group.setdefault("_serverless_caches", [])
            if add and cache_name not in users:
                users.append(cache_name)
            elif not add and cache_name in users:
                users.remove(cache_name)

    def _restore_keys(self, region, arns, engine):
        """The key dump of the one serverless snapshot SnapshotArnsToRestore names."""
        if not arns:
            return None
        if len(arns) > 1:
            raise AWSError("InvalidAction", "Restoring from more than one snapshot is not implemented by the emulator.")
        parts = arns[0].split(":")
        if len(parts) >= 7 and parts[5] == "snapshot":
            return self._node_snapshot_keys(region, ":".join(parts[6:]), engine)
        if len(parts) < 7 or parts[5] != "serverlesscachesnapshot":
            raise AWSError("InvalidAction", "Restoring a serverless cache from anything but an ElastiCache snapshot "
                                            "(serverless or node-based) is not implemented by the emulator.")
        snapshot = self._serverless_snapshot(region, ":".join(parts[6:]))
        if snapshot["Status"] != "available":
            raise error("InvalidServerlessCacheSnapshotStateFault",
                        f"Snapshot {snapshot['ServerlessCacheSnapshotName']} is {snapshot['Status']}.")
        if snapshot["ServerlessCacheConfiguration"]["Engine"] == "valkey" and engine == "redis":
            raise rules.combination("A valkey snapshot cannot be restored into a Redis OSS serverless cache.")
        return snapshot["_keys"]

    @staticmethod
    def _node_snapshot_keys(region, name, engine):
        """The keys of a node-based group's snapshot: AWS restores those into a serverless cache directly
        ("Backups from Valkey or Redis OSS node-based clusters can be restored into a serverless configuration")."""
        snapshot = region.snapshots.get(name)
        if snapshot is None:
            raise error("SnapshotNotFoundFault", f"Snapshot {name} not found.")
        if snapshot["SnapshotStatus"] != "available":
            raise error("InvalidSnapshotState", f"Snapshot {name} is {snapshot['SnapshotStatus']}.")
        if snapshot["Engine"] == "valkey" and engine == "redis":
            raise rules.combination("A valkey snapshot cannot be restored into a Redis OSS serverless cache.")
        return snapshot.get("_keys")

    # --- caches ------------------------------------------------------------------------------------

    def op_CreateServerlessCache(self, region, p):  # pylint: disable=invalid-name
        caches = self._serverless(region)
        name = rules.identifier(p["ServerlessCacheName"], "ServerlessCacheName")
        if name in caches:
            raise error("ServerlessCacheAlreadyExistsFault", f"Serverless cache {name} already exists.")
        engine, major = self._engine_version(p["Engine"], p.get("MajorEngineVersion"))
        if len(p.get("Description", "")) > 255:
            raise rules.invalid("Description is at most 255 characters.")
        if p.get("NetworkType", "ipv4") != "ipv4" or p.get("ConnectionType", "vpc") != "vpc" or p.get("Integrations"):
            raise AWSError("InvalidAction", "NetworkType other than ipv4, ConnectionType public and Integrations are "
                                            "not implemented by the emulator.")
        limits = check_limits(p.get("CacheUsageLimits"))
        subnet_ids, security_group_ids = self._network(region, p.get("SubnetIds"), p.get("SecurityGroupIds"))
        user_group_id = self._serverless_user_group(region, p.get("UserGroupId"), engine)
        kms_key_id = self._kms_key(region, p["KmsKeyId"], True) if "KmsKeyId" in p else None
        restore_keys = self._restore_keys(region, p.get("SnapshotArnsToRestore"), engine)
        cache = ServerlessCache(
            id=name, region=region.name, hash=region.hash, description=p.get("Description", ""), engine=engine,
            major_version=major, limits=limits, subnet_ids=subnet_ids, security_group_ids=security_group_ids,
            user_group_id=user_group_id, kms_key_id=kms_key_id, restore_keys=restore_keys,
            retention=rules.retention(p.get("SnapshotRetentionLimit", 0)),
            daily_snapshot_time=_daily_time(p.get("DailySnapshotTime", "03:00")),
            arn=region.arn("serverlesscache", name), created=now(), status="creating")
        caches[name] = cache
        region.tags[cache.arn] = request_tags(p)
        self._attach_serverless(region, name, None, user_group_id)
        failed = name in self.config.fail_create

        def finish():
            cache.status = "create-failed" if failed else "available"
            region.event(name, "serverless-cache", f"Serverless cache {name} "
                         + ("creation failed" if failed else "created"))

        cache.transition = self._after(self.config.create_seconds, finish)
        return {"ServerlessCache": cache.render()}

    def op_DescribeServerlessCaches(self, region, p):  # pylint: disable=invalid-name
        if p.get("ServerlessCacheName"):
            found = [self._cache(region, p["ServerlessCacheName"])]
        else:
            found = sorted(self._serverless(region).values(), key=lambda c: c.id)
        return page([c.render() for c in found], p, "ServerlessCaches", "results")

    def op_ModifyServerlessCache(self, region, p):  # pylint: disable=invalid-name,too-many-branches
        cache = self._cache(region, p["ServerlessCacheName"])
        if cache.status != "available":
            raise error("InvalidServerlessCacheStateFault",
                        f"Serverless cache {cache.id} must be available to modify it; it is {cache.status}.")
        changes = {}
        engine, major = cache.engine, cache.major_version
        if "Engine" in p or "MajorEngineVersion" in p:
            engine, major = self._engine_version(p.get("Engine", cache.engine), p.get("MajorEngineVersion"))
            if engine == "redis" and cache.engine == "valkey":
                raise rules.combination("A valkey serverless cache cannot be changed to Redis OSS.")
            if engine == cache.engine and int(major) < int(cache.major_version):
                raise rules.combination(f"MajorEngineVersion cannot go down from {cache.major_version} to {major}.")
            if (engine, major) != (cache.engine, cache.major_version):
                changes.update(engine=engine, major_version=major)
        if "Description" in p and p["Description"] != cache.description:
            changes["description"] = p["Description"]
        if "CacheUsageLimits" in p:
            limits = check_limits(p["CacheUsageLimits"], cache.limits)
            if limits != cache.limits:
                changes["limits"] = limits
        if p.get("RemoveUserGroup") and p.get("UserGroupId"):
            raise rules.combination("RemoveUserGroup cannot be given with UserGroupId.")
        if p.get("RemoveUserGroup") and cache.user_group_id:
            changes["user_group_id"] = None
        elif p.get("UserGroupId"):
            group_id = self._serverless_user_group(region, p["UserGroupId"], engine)
            if group_id != cache.user_group_id:
                changes["user_group_id"] = group_id
        if "SecurityGroupIds" in p:
            vpc_id = self._ec2_view(ACCOUNT, region.name).subnet(cache.subnet_ids[0])[0]
            ids = self._security_groups(region, p["SecurityGroupIds"], vpc_id)
            if sorted(ids) != sorted(cache.security_group_ids):
                changes["security_group_ids"] = ids
        if "SnapshotRetentionLimit" in p and p["SnapshotRetentionLimit"] != cache.retention:
            changes["retention"] = rules.retention(p["SnapshotRetentionLimit"])
        if "DailySnapshotTime" in p and p["DailySnapshotTime"] != cache.daily_snapshot_time:
            changes["daily_snapshot_time"] = _daily_time(p["DailySnapshotTime"])
        if changes:
            if "user_group_id" in changes:
                self._attach_serverless(region, cache.id, cache.user_group_id, changes["user_group_id"])
            cache.status = "modifying"

            def finish():
                cache.__dict__.update(changes)
                cache.status = "available"

            cache.transition = self._after(self.config.modify_seconds, finish)
        return {"ServerlessCache": cache.render()}

    def op_DeleteServerlessCache(self, region, p):  # pylint: disable=invalid-name
        cache = self._cache(region, p["ServerlessCacheName"])
        if cache.status not in ("available", "create-failed"):
            raise error("InvalidServerlessCacheStateFault",
                        f"Serverless cache {cache.id} must be available to delete it; it is {cache.status}.")
        if p.get("FinalSnapshotName"):
            if cache.status != "available":
                raise error("InvalidServerlessCacheStateFault", f"Serverless cache {cache.id} is {cache.status}: "
                                                                "no final snapshot can be taken.")
            self._take_serverless_snapshot(region, cache, p["FinalSnapshotName"], None, [])
        self._attach_serverless(region, cache.id, cache.user_group_id, None)
        cache.status = "deleting"

        def finish():
            self._serverless(region).pop(cache.id, None)
            region.tags.pop(cache.arn, None)
            for name in self._automated(region, cache.id):  # "automatic backups are deleted with the cache"
                region.tags.pop(self._serverless_snapshots(region).pop(name)["ARN"], None)

        cache.transition = self._after(self.config.delete_seconds, finish)
        return {"ServerlessCache": cache.render()}

    # --- snapshots ---------------------------------------------------------------------------------

    def _take_serverless_snapshot(self, region, cache, name, kms_key_id, tags,  # pylint: disable=too-many-arguments
                                  snapshot_type="manual"):
        snapshots = self._serverless_snapshots(region)
        if snapshot_type == "manual":  # the automated ones are named by ElastiCache ("automatic.<cache>-<time>")
            rules.identifier(name, "ServerlessCacheSnapshotName", max_length=255)
        if name in snapshots:
            raise error("ServerlessCacheSnapshotAlreadyExistsFault", f"Snapshot {name} already exists.")
        keys = self._dumps.save_keys(cache.server_key, f"{region.name}-serverless-snapshot-{name}")
        snapshot = {
            "ServerlessCacheSnapshotName": name, "ARN": region.arn("serverlesscachesnapshot", name),
            "SnapshotType": snapshot_type, "Status": "creating", "CreateTime": now(), "BytesUsedForCache": "0",
            "ServerlessCacheConfiguration": {"ServerlessCacheName": cache.id, "Engine": cache.engine,
                                             "MajorEngineVersion": cache.major_version},
            "_ready": time.monotonic() + self.config.delete_seconds, "_keys": keys,
        }
        key = kms_key_id or cache.kms_key_id
        if key:
            snapshot["KmsKeyId"] = key
        if snapshot_type == "automated":
            snapshot["ExpiryTime"] = snapshot["CreateTime"] + datetime.timedelta(days=cache.retention)
        snapshots[name] = snapshot
        region.tags[snapshot["ARN"]] = tags
        return snapshot

    def op_CreateServerlessCacheSnapshot(self, region, p):  # pylint: disable=invalid-name
        cache = self._cache(region, p["ServerlessCacheName"])
        if cache.status != "available":
            raise error("InvalidServerlessCacheStateFault",
                        f"Serverless cache {cache.id} must be available to take a snapshot; it is {cache.status}.")
        kms_key_id = self._kms_key(region, p["KmsKeyId"], True) if "KmsKeyId" in p else None
        snapshot = self._take_serverless_snapshot(region, cache, p["ServerlessCacheSnapshotName"], kms_key_id,
                                                  request_tags(p))
        return {"ServerlessCacheSnapshot": _public(snapshot)}

    def op_DescribeServerlessCacheSnapshots(self, region, p):  # pylint: disable=invalid-name
        snapshots = sorted(self._serverless_snapshots(region).values(), key=lambda s: s["ServerlessCacheSnapshotName"])
        if p.get("ServerlessCacheSnapshotName"):
            snapshots = [self._serverless_snapshot(region, p["ServerlessCacheSnapshotName"])]
        if p.get("ServerlessCacheName"):
            wanted = p["ServerlessCacheName"].lower()
            if wanted not in self._serverless(region) and not any(
                    s["ServerlessCacheConfiguration"]["ServerlessCacheName"] == wanted for s in snapshots):
                raise error("ServerlessCacheNotFoundFault", f"Serverless cache {wanted} not found.")
            snapshots = [s for s in snapshots if s["ServerlessCacheConfiguration"]["ServerlessCacheName"] == wanted]
        if p.get("SnapshotType"):
            snapshots = [s for s in snapshots if s["SnapshotType"] == p["SnapshotType"]]
        return page([_public(s) for s in snapshots], p, "ServerlessCacheSnapshots", "results")

    def op_DeleteServerlessCacheSnapshot(self, region, p):  # pylint: disable=invalid-name
        snapshot = self._serverless_snapshot(region, p["ServerlessCacheSnapshotName"])
        if snapshot["Status"] != "available":
            raise error("InvalidServerlessCacheSnapshotStateFault",
                        f"Snapshot {snapshot['ServerlessCacheSnapshotName']} is {snapshot['Status']}.")
        del self._serverless_snapshots(region)[snapshot["ServerlessCacheSnapshotName"]]
        region.tags.pop(snapshot["ARN"], None)
        return {"ServerlessCacheSnapshot": {**_public(snapshot), "Status": "deleting"}}

    def _automated(self, region, cache_name):
        """The names of a cache's automated snapshots, oldest first."""
        return sorted(n for n, s in self._serverless_snapshots(region).items() if s["SnapshotType"] == "automated"
                      and s["ServerlessCacheConfiguration"]["ServerlessCacheName"] == cache_name)

    def take_automatic_serverless_snapshots(self):
        """What each cache's DailySnapshotTime does once a day: an automated snapshot where SnapshotRetentionLimit > 0,
        keeping the newest SnapshotRetentionLimit of them."""
        with self.lock:
            taken = []
            for region in self.regions.values():
                for cache in self._serverless(region).values():
                    if cache.retention == 0 or cache.status != "available":
                        continue
                    name = f"automatic.{cache.id}-{now().strftime('%Y-%m-%d-%H-%M-%S')}"
                    if name not in self._serverless_snapshots(region):
                        self._take_serverless_snapshot(region, cache, name, None, [], "automated")
                        taken.append(name)
                    for old in self._automated(region, cache.id)[:-cache.retention]:
                        region.tags.pop(self._serverless_snapshots(region).pop(old)["ARN"], None)
            return taken

    # --- the clock and the Redis fixture ----------------------------------------------------------------

    def tick_serverless(self, region, moment):
        """Finish the due transitions of the region's serverless caches and snapshots; True if any changed."""
        changed = False
        for cache in list(self._serverless(region).values()):
            if cache.transition and cache.transition[0] <= moment:
                finish, cache.transition = cache.transition[1], None
                finish()
                changed = True
        for snapshot in self._serverless_snapshots(region).values():
            if snapshot["Status"] == "creating" and snapshot["_ready"] <= moment:
                snapshot["Status"] = "available"
                changed = True
        return changed

    def serving_serverless(self, region):
        """The caches whose Redis Cluster runs: available or modifying."""
        return [c for c in self._serverless(region).values() if c.status in ("available", "modifying")]


def _public(snapshot):
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in snapshot.items() if not k.startswith("_")}
