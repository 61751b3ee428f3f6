"""What a Redis Cluster standing in for an ElastiCache replication group looks like, without any process:
its slot layout, the node names it is built from, the moves that reshard it, CLUSTER NODES, node config.

Slots are laid out as ElastiCache lays them out: 16384 slots split into contiguous ranges as equal
as possible, the first shards taking one more slot each when the split is not exact (3 shards:
0-5461, 5462-10922, 10923-16383, as in the AWS CLI reference's describe output). AWS documents only
that online resharding distributes slots evenly; the exact ranges it chooses are not documented.
The processes are redis_cluster.RedisCluster's job.
"""

from __future__ import annotations

import os
import re

SLOTS = 16384
BUS_PORT = 16379
NODE_TIMEOUT_MS = 5000
CONFIGURATION_PREFIX = "clustercfg."
SERVERLESS_ENDPOINT = ".serverless."  # a serverless cache's endpoint plays the configuration endpoint's part
# A node's name starts with its member cluster id, <group>-<shard>-<node>: "fmc-0002-001.fmc.abc123.use1...".
_MEMBER = re.compile(r"^[a-z0-9-]+-(\d{4})-(\d{3})\.")


def aws_slot_ranges(count: int) -> list[tuple[int, int]]:
    """The contiguous (first, last) slot range of each of `count` shards, as ElastiCache assigns them."""
    if not 1 <= count <= SLOTS:
        raise ValueError(f"a cluster has 1 to {SLOTS} shards, not {count}")
    size, extra = divmod(SLOTS, count)
    ranges, first = [], 0
    for index in range(count):
        last = first + size + (1 if index < extra else 0) - 1
        ranges.append((first, last))
        first = last + 1
    return ranges


def format_ranges(ranges) -> str:
    """"0-5461" or "0-100,200-300": the way DescribeReplicationGroups writes a shard's Slots."""
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def parse_slots(text: str) -> list[tuple[int, int]]:
    """The inverse of format_ranges: "0-5461,6000" -> [(0, 5461), (6000, 6000)]."""
    ranges = []
    for part in filter(None, text.split(",")):
        bounds = part.split("-", 1)
        ranges.append((int(bounds[0]), int(bounds[-1])))
    return ranges


def cluster_layout(names, addresses) -> tuple[tuple[str, str] | None, list[dict[str, str]]]:
    """(configuration endpoint (name, address), shards) from a cluster-mode group's names and addresses.

    Each shard is {hostname: address}, its primary (node 001) first; shards in NodeGroupId order,
    which is also the order they were added in (ElastiCache does not reuse an id).
    """
    configuration, shards = None, {}
    for name, address in zip(names, addresses):
        if name.startswith(CONFIGURATION_PREFIX) or SERVERLESS_ENDPOINT in name:
            configuration = (name, address)
            continue
        match = _MEMBER.match(name)
        if match is None:
            raise ValueError(f"{name} is neither a configuration endpoint nor a cluster-mode node name")
        shards.setdefault(match.group(1), []).append((match.group(2), name, address))
    # Each entry is (node number, name, address): sorted by node number, kept as name: address.
    return configuration, [dict(entry[1:] for entry in sorted(shards[shard])) for shard in sorted(shards)]


def plan_moves(owners: list[int | None], targets: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """(source shard, destination shard, first slot, last slot) runs that turn `owners` into `targets`.

    owners[slot] is the index of the shard that serves the slot now (None: unassigned, which a
    healthy cluster never has); targets[i] is the range shard i must serve afterwards.
    """
    if len(owners) != SLOTS:
        raise ValueError(f"owners must list all {SLOTS} slots")
    wanted: list[int] = []
    for index, (first, last) in enumerate(targets):
        wanted += [index] * (last - first + 1)
    if len(wanted) != SLOTS:
        raise ValueError("target ranges must cover every slot exactly once")
    moves: list[tuple[int, int, int, int]] = []
    for slot, (source, destination) in enumerate(zip(owners, wanted)):
        if source == destination:
            continue
        if source is None:
            raise ValueError(f"slot {slot} is not served by any shard")
        if moves and moves[-1][:2] == (source, destination) and moves[-1][3] == slot - 1:
            moves[-1] = (source, destination, moves[-1][2], slot)
        else:
            moves.append((source, destination, slot, slot))
    return moves


def parse_cluster_nodes(text: str) -> dict[str, dict]:
    """CLUSTER NODES as {node id: {address, hostname, flags, master, link, slots: [(first, last)]}}.

    Slots being migrated or imported ("[5462->-id]") are left out: they still belong to their owner.
    """
    nodes = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 8:
            continue
        endpoint, hostname = (fields[1].split(",", 1) + [""])[:2]
        nodes[fields[0]] = {
            "address": endpoint.rsplit(":", 1)[0],
            "hostname": hostname,
            "flags": set(fields[2].split(",")),
            "master": None if fields[3] == "-" else fields[3],
            "link": fields[7],
            "slots": parse_slots(",".join(t for t in fields[8:] if not t.startswith("["))),
        }
    return nodes


def cluster_conf_lines(hostname: str, address: str, directory: str, tls: bool, password: str | None,
                       user: str = "default") -> list[str]:
    """The redis.conf lines that make a node a cluster node announcing `hostname` at `address`; a replica
    authenticates to its primary as `user` with `password`."""
    lines = [
        "cluster-enabled yes",
        f"cluster-config-file {os.path.join(directory, 'nodes.conf')}",
        f"cluster-port {BUS_PORT}",
        f"cluster-node-timeout {NODE_TIMEOUT_MS}",
        f"cluster-announce-ip {address}",
        f"cluster-announce-hostname {hostname}",
        "cluster-preferred-endpoint-type hostname",
        "cluster-require-full-coverage no",
        # A primary emptied by remove_shard must stay a primary until it is forgotten, not turn into
        # a replica of the shard that took its last slot.
        "cluster-allow-replica-migration no",
        # A new replica syncs at once instead of waiting 5 s for others to share the transfer.
        "repl-diskless-sync-delay 0",
    ]
    if tls:
        # The node's certificate (serverAuth and clientAuth) also serves its outgoing connections.
        lines += ["tls-cluster yes", "tls-replication yes"]
    if password:
        lines += [f"masteruser {user}", f"masterauth {password}"]
    return lines
