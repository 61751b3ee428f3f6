"""Emulators side by side, each on its own address block, share one hosts file: every block must be there, whole,
with no NUL byte, after they all start and map their endpoints at once, and nothing of theirs after they all stop.

Four emulators started at about the same time used to leave a line of NUL bytes in /etc/hosts (in-place rewrites
without a lock). The emulators here write to a hosts file of the test's own, through the same code as /etc/hosts.
"""

from __future__ import annotations

import concurrent.futures
import socket
import subprocess
import sys

import boto3
import pytest

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT, environment

BLOCKS = (81, 82, 83, 84)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _emulator(command, block, port, state, hosts_file):
    subprocess.run([sys.executable, "-m", "tests.emulator", command, "--state-dir", str(state), "--port", str(port),
                    "--address-block", str(block), "--hosts-file", str(hosts_file), "--create-seconds", "0.2"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, timeout=120)


def _make_group(port):
    endpoint = "http://127.0.0.1:%d" % port
    client = boto3.client("elasticache", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id=environment(endpoint)["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=environment(endpoint)["AWS_SECRET_ACCESS_KEY"])
    client.create_replication_group(ReplicationGroupId="side-%d" % port, ReplicationGroupDescription="side by side",
                                    Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=2,
                                    TransitEncryptionEnabled=False)
    return client.get_waiter("replication_group_available").wait(
        ReplicationGroupId="side-%d" % port, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


@pytest.fixture
def hosts_file(tmp_path):
    path = tmp_path / "hosts"
    path.write_text("127.0.0.1 localhost\n127.0.1.1 controller\n", encoding="utf-8")
    return path


def _blocks(text):
    """tag -> the lines of its block."""
    found, tag = {}, None
    for line in text.splitlines():
        if line.startswith("# BEGIN funmagic-elasticache emulator "):
            tag = line.split()[4]
            found[tag] = []
        elif line.startswith("# END funmagic-elasticache emulator "):
            tag = None
        elif tag:
            found[tag].append(line)
    return found


def test_four_emulators_started_and_stopped_at_once_keep_every_block_whole(tmp_path, hosts_file):
    ports = dict((block, _free_port()) for block in BLOCKS)
    states = dict((block, tmp_path / ("state-%d" % block)) for block in BLOCKS)
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(BLOCKS)) as pool:
        list(pool.map(lambda b: _emulator("start", b, ports[b], states[b], hosts_file), BLOCKS))
        try:
            list(pool.map(lambda b: _make_group(ports[b]), BLOCKS))
            text = hosts_file.read_text(encoding="utf-8")
            assert "\x00" not in text
            blocks = _blocks(text)
            assert sorted(blocks) == sorted(str(p) for p in ports.values())
            for block, port in ports.items():
                addresses = set(line.split()[0] for line in blocks[str(port)])
                assert addresses and all(a.startswith("127.0.%d." % block) for a in addresses), blocks[str(port)]
                assert any(("side-%d" % port) in line for line in blocks[str(port)])
            assert text.startswith("127.0.0.1 localhost\n127.0.1.1 controller\n")
        finally:
            list(pool.map(lambda b: _emulator("stop", b, ports[b], states[b], hosts_file), BLOCKS))
    text = hosts_file.read_text(encoding="utf-8")
    assert "\x00" not in text and _blocks(text) == {}
    assert hosts.read_mapping(str(hosts_file)) == {"localhost": "127.0.0.1", "controller": "127.0.1.1"}
