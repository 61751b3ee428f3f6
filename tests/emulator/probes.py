"""What the emulator's tests do through boto3 and redis-cli, shared by every test_emulator*.py module.

Every redis-cli call checks first that the emulated name is mapped to loopback in /etc/hosts, so a
name the emulator forgot to map fails the test instead of reaching DNS.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time

import redis as redis_py
from botocore.exceptions import ClientError

from . import hosts

TOKEN = "Sup3r-Secret-Token-123"


def network(aws, name="redis-sg"):
    """A security group and the subnet group redis-subnets in the default VPC: (group id, subnet ids)."""
    ec2 = aws.ec2
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    group = ec2.create_security_group(GroupName=name, Description="redis", VpcId=vpc)["GroupId"]
    aws.elasticache.create_cache_subnet_group(CacheSubnetGroupName="redis-subnets", CacheSubnetGroupDescription="d",
                                              SubnetIds=subnets[:2])
    return group, subnets


def create(aws, group_id="main", **overrides):
    params = {"ReplicationGroupId": group_id, "ReplicationGroupDescription": "test", "CacheNodeType": "cache.t3.micro",
              "CacheSubnetGroupName": "redis-subnets", **overrides}
    return aws.elasticache.create_replication_group(**params)["ReplicationGroup"]


def describe(aws, group_id="main"):
    return aws.elasticache.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]


def describe_cluster(aws, cluster_id):
    return aws.elasticache.describe_cache_clusters(CacheClusterId=cluster_id,
                                                   ShowCacheNodeInfo=True)["CacheClusters"][0]


def statuses_until(aws, wanted, group_id="main", timeout=15, cluster=False):
    """The statuses a replication group (or cache cluster) goes through until `wanted` ("gone": deleted)."""
    seen = []
    deadline = time.monotonic() + timeout
    missing = "CacheClusterNotFound" if cluster else "ReplicationGroupNotFoundFault"
    while time.monotonic() < deadline:
        try:
            status = describe_cluster(aws, group_id)["CacheClusterStatus"] if cluster else \
                describe(aws, group_id)["Status"]
        except ClientError as error:
            if error.response["Error"]["Code"] == missing and wanted == "gone":
                return seen + ["gone"]
            raise
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == wanted:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"{group_id} never reached {wanted}: saw {seen}")


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def ping(emulator, host, token=None, tls=True):
    """redis-cli PING's answer (PONG, an error text, or empty)."""
    hosts.assert_mapped(host)  # never let an emulated name reach DNS
    ca_file = emulator.state()["ca_file"]
    argv = ["redis-cli", "-h", host, "-p", "6379"] + (["--tls", "--cacert", ca_file] if tls else []) + ["PING"]
    env = {**os.environ, **({"REDISCLI_AUTH": token} if token else {})}
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=10, check=False).stdout.strip()


def redis(emulator, host, *command, token=TOKEN, tls=True):
    """redis-cli's answer to `command`, split into words."""
    hosts.assert_mapped(host)
    argv = ["redis-cli", "-h", host] + (["--tls", "--cacert", emulator.state()["ca_file"]] if tls else []) + \
        list(command)
    env = {**os.environ, **({"REDISCLI_AUTH": token} if token else {})}
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=10, check=True).stdout.split()


def client(emulator, host, token=TOKEN, tls=True) -> redis_py.Redis:
    """A redis-py client of one endpoint, as an application would hold it."""
    hosts.assert_mapped(host)
    options = {"ssl": True, "ssl_ca_certs": emulator.state()["ca_file"]} if tls else {}
    return redis_py.Redis(host=host, port=6379, password=token, socket_timeout=5, **options)


class KeyReader(threading.Thread):
    """Reads every key of `expected` ({key: value}) again and again through a redis-py cluster client;
    records each failed or wrong read (type and key, never a secret).

    redis-py 8.1 cannot follow an ASK redirection to a node it has not seen in CLUSTER SLOTS (a new
    shard's primary before it owns a slot): it raises AttributeError (redis-py issue #4015, fix in
    pull request #4214). Any application on redis-py can hit this while ElastiCache scales out. The
    reader counts those hits and, as an application would have to, refreshes its slot map and reads
    again for up to 5 s (until the new primary owns slots): the key must still be there.
    """

    def __init__(self, client, expected: dict):
        super().__init__(daemon=True)
        self.client = client
        self.expected = expected
        self.passes = 0
        self.failures: list[str] = []
        self.client_ask_bug = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            for key, value in self.expected.items():
                self._read(key, value)
            self.passes += 1

    def _read(self, key, expected):
        deadline = time.monotonic() + 5
        while True:
            try:
                value = self.client.get(key)
                break
            except AttributeError as error:
                if "redis_connection" not in str(error) or time.monotonic() > deadline:
                    self.failures.append(f"{key}: AttributeError: {error}")
                    return
                self.client_ask_bug += 1
                time.sleep(0.05)
                self.client.nodes_manager.initialize()
            except redis_py.exceptions.RedisError as error:
                self.failures.append(f"{key}: {type(error).__name__}: {error}")
                return
        if value != expected:
            self.failures.append(f"{key}: read {value!r}")

    def wait_for_passes(self, passes: int, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self.passes < passes:
            assert self.is_alive() and time.monotonic() < deadline, f"reader stuck at {self.passes} passes"
            time.sleep(0.05)
        return self.passes

    def stop(self):
        self._halt.set()
        self.join(timeout=30)
        self.client.close()

    def check(self, timings: dict) -> None:
        """After stop(): record the passes and the redis-py ASK bug hits in `timings`; fail on any bad read."""
        timings[f"reader passes over {len(self.expected):,} keys"] = self.passes
        timings["redis-py ASK bug hits (read again)"] = self.client_ask_bug
        assert self.failures == [], f"{len(self.failures)} failed reads, first ones: {self.failures[:5]}"
