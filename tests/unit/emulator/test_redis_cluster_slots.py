"""The Redis Cluster emulator's pure logic: ElastiCache's slot layout, resharding plans, CLUSTER NODES."""

import pytest

from tests.emulator.redis_cluster import RedisCluster
from tests.emulator.redis_cluster_layout import (SLOTS, aws_slot_ranges, cluster_conf_lines, cluster_layout,
                                                 format_ranges, parse_cluster_nodes, parse_slots, plan_moves)


@pytest.mark.parametrize("count, ranges", [
    (1, [(0, 16383)]),
    (2, [(0, 8191), (8192, 16383)]),
    # The AWS CLI reference's describe-replication-groups output for three shards.
    (3, [(0, 5461), (5462, 10922), (10923, 16383)]),
    (5, [(0, 3276), (3277, 6553), (6554, 9830), (9831, 13107), (13108, 16383)]),
])
def test_slots_are_split_as_elasticache_splits_them(count, ranges):
    assert aws_slot_ranges(count) == ranges


@pytest.mark.parametrize("count", [1, 2, 3, 7, 90, 500, SLOTS])
def test_every_layout_covers_every_slot_once_in_order(count):
    ranges = aws_slot_ranges(count)
    assert ranges[0][0] == 0 and ranges[-1][1] == SLOTS - 1
    assert all(b[0] == a[1] + 1 for a, b in zip(ranges, ranges[1:]))
    assert max(b - a for a, b in ranges) - min(b - a for a, b in ranges) <= 1


@pytest.mark.parametrize("count", [0, -1, SLOTS + 1])
def test_impossible_shard_counts_are_refused(count):
    with pytest.raises(ValueError, match="1 to 16384 shards"):
        aws_slot_ranges(count)


def _owners(ranges):
    owners = []
    for index, (first, last) in enumerate(ranges):
        owners += [index] * (last - first + 1)
    return owners


def test_scaling_out_2_to_3_moves_only_what_changes_owner():
    moves = plan_moves(_owners(aws_slot_ranges(2)), aws_slot_ranges(3))
    assert moves == [(0, 1, 5462, 8191), (1, 2, 10923, 16383)]


def test_scaling_in_3_to_2_empties_the_last_shard():
    moves = plan_moves(_owners(aws_slot_ranges(3)), aws_slot_ranges(2))
    assert moves == [(1, 0, 5462, 8191), (2, 1, 10923, 16383)]
    assert not [m for m in moves if m[1] == 2]


def test_a_balanced_cluster_needs_no_move():
    assert plan_moves(_owners(aws_slot_ranges(3)), aws_slot_ranges(3)) == []


def test_unserved_slots_and_bad_targets_are_refused():
    owners = _owners(aws_slot_ranges(2))
    owners[42] = None
    with pytest.raises(ValueError, match="slot 42 is not served"):
        plan_moves(owners, aws_slot_ranges(2))
    with pytest.raises(ValueError, match="cover every slot"):
        plan_moves(_owners(aws_slot_ranges(2)), [(0, 100)])
    with pytest.raises(ValueError, match="all 16384 slots"):
        plan_moves([0] * 10, aws_slot_ranges(1))


def test_slot_strings_round_trip():
    assert format_ranges([(0, 5461)]) == "0-5461"
    assert format_ranges([(0, 10), (12, 12), (20, 30)]) == "0-10,12,20-30"
    assert parse_slots("0-10,12,20-30") == [(0, 10), (12, 12), (20, 30)]
    assert parse_slots("") == []


NODES = """\
1a 127.0.15.10:6379@16379,g-0001-001.example myself,master - 0 0 1 connected 0-5461 [5462->-2b]
2b 127.0.15.12:6379@16379,g-0002-001.example master - 0 1700000000000 2 connected 5462-10922 [5462-<-1a]
3c 127.0.15.11:6379@16379,g-0001-002.example slave 1a 0 1700000000000 1 connected
4d 127.0.15.14:6379@16379,g-0003-001.example master,fail? - 0 1700000000000 3 disconnected 10923-16383 16000
"""


def test_cluster_nodes_are_read_with_names_roles_and_owned_slots():
    nodes = parse_cluster_nodes(NODES)
    assert nodes["1a"]["hostname"] == "g-0001-001.example" and nodes["1a"]["address"] == "127.0.15.10"
    assert nodes["1a"]["slots"] == [(0, 5461)]  # a slot being migrated still belongs to its owner
    assert nodes["2b"]["slots"] == [(5462, 10922)]
    assert nodes["3c"]["master"] == "1a" and "slave" in nodes["3c"]["flags"]
    assert nodes["4d"]["flags"] == {"master", "fail?"} and nodes["4d"]["link"] == "disconnected"
    assert nodes["4d"]["slots"] == [(10923, 16383), (16000, 16000)]


def test_node_config_announces_name_and_address_and_uses_tls_everywhere():
    lines = cluster_conf_lines("g-0001-001.example", "127.0.15.10", "/state/n1", tls=True, password="s3cret")
    assert "cluster-announce-hostname g-0001-001.example" in lines
    assert "cluster-announce-ip 127.0.15.10" in lines
    assert "cluster-preferred-endpoint-type hostname" in lines
    assert "cluster-port 16379" in lines
    assert {"tls-cluster yes", "tls-replication yes"} <= set(lines)
    assert "masterauth s3cret" in lines and "masteruser default" in lines
    plain = cluster_conf_lines("n", "127.0.15.10", "/state/n1", tls=False, password=None)
    assert not [line for line in plain if line.startswith(("tls-", "master"))]


@pytest.mark.parametrize("nodes, shards, replicas, message", [
    ({"a": "127.0.15.1"}, 2, 0, "2 shards x .1 \\+ 0 replicas. need 2 nodes, 1 given"),
    ({"a": "127.0.15.1", "b": "127.0.15.2"}, 1, 0, "need 1 nodes, 2 given"),
    ({}, 0, 0, "at least one shard"),
])
def test_a_cluster_of_the_wrong_size_is_refused_before_anything_starts(tmp_path, nodes, shards, replicas, message):
    with pytest.raises(ValueError, match=message):
        RedisCluster(str(tmp_path), None, nodes, shards=shards, replicas=replicas, tls=False)
    assert not list(tmp_path.iterdir())


def test_cluster_layout_reads_shards_and_the_configuration_endpoint_from_node_names():
    suffix = "fmc.abc123.use1.cache.amazonaws.com"
    names = [f"clustercfg.{suffix}", f"fmc-0001-002.{suffix}", f"fmc-0001-001.{suffix}", f"fmc-0004-001.{suffix}",
             f"fmc-0004-002.{suffix}", f"fmc-0002-001.{suffix}", f"fmc-0002-002.{suffix}"]
    addresses = [f"127.0.9.{n}" for n in range(10, 17)]
    configuration, shards = cluster_layout(names, addresses)
    assert configuration == (f"clustercfg.{suffix}", "127.0.9.10")
    assert [list(s.items()) for s in shards] == [
        [(f"fmc-0001-001.{suffix}", "127.0.9.12"), (f"fmc-0001-002.{suffix}", "127.0.9.11")],
        [(f"fmc-0002-001.{suffix}", "127.0.9.15"), (f"fmc-0002-002.{suffix}", "127.0.9.16")],
        [(f"fmc-0004-001.{suffix}", "127.0.9.13"), (f"fmc-0004-002.{suffix}", "127.0.9.14")],
    ]
    with pytest.raises(ValueError, match="master.fmc"):
        cluster_layout([f"master.{suffix}"], ["127.0.9.10"])
