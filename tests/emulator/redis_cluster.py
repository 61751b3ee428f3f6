"""A real Redis Cluster on loopback, standing in for an ElastiCache replication group in cluster mode.

Shards x (1 + replicas) redis-server processes, each bound to its own 127.0.X.Y on port 6379 with its
cluster bus on 16379, announcing its own host name (so MOVED and ASK redirections and CLUSTER SLOTS
name hosts, which resolve only through the hosts file). With TLS, clients, the cluster bus and
replication all use TLS, and each node's certificate (from the test-bed CA) names the node and the
configuration endpoint. AUTH tokens are the passwords of the default user, and ElastiCache's restricted
commands (CONFIG, MIGRATE, SAVE...) are unknown to clients, as in ElastiCache.

Slots are laid out as ElastiCache lays them out (redis_cluster_layout: contiguous ranges as equal as
possible). Adding or removing a shard moves slots together with their keys (CLUSTER SETSLOT
IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE, the procedure of `redis-cli --cluster reshard`), online,
to the same even layout for the new shard count.

API (all blocking, every wait bounded)::

    ca = CertificateAuthority(os.path.join(state_dir, "ca"))          # tests.emulator.redis_fixture
    cluster = RedisCluster(state_dir, ca,
                           nodes={"0001-001.example": "127.0.15.10", "0001-002.example": "127.0.15.11",
                                  "0002-001.example": "127.0.15.12", "0002-002.example": "127.0.15.13"},
                           shards=2, replicas=1, passwords=["token"],
                           configuration_hostname="clustercfg.example", name="my-group")
    cluster.start()                  # maps the names, starts the nodes, assigns slots, waits for a healthy cluster
    cluster.slots()                  # [{"shard": 1, "slots": "0-8191", "primary": "0001-001.example",
                                     #   "replicas": ["0001-002.example"]}, ...] as the cluster sees it now
    cluster.add_shard({"0003-001.example": "127.0.15.14", "0003-002.example": "127.0.15.15"})
    cluster.remove_shard()           # the last shard: its slots and keys move away, its nodes stop
    cluster.set_passwords(["old", "new"])   # AUTH token ROTATE; ["new"] for SET; [] for none
    cluster.configure({"maxmemory-policy": "noeviction"})   # parameter-group settings, live on every node
    cluster.pids()                   # {hostname: pid} of the running nodes
    cluster.stop()                   # every process it started, and its hosts block

`nodes` is ordered: shard i takes the next 1 + replicas names, the first of them its primary. The
hosts block (tag "redis-cluster <name>") is written to each of `hosts_files` before any node starts
and removed by stop(); start() then asserts that every name maps to its loopback address in
/etc/hosts, so a caller that maps the names itself passes hosts_files=(). Names of removed shards
stay mapped until stop(), so a client holding a stale slot map never sends them to DNS.

Other arguments: tls=False (plain port 6379, no CA needed), parameters (the parameter-group
settings redis_fixture.render_config knows), timeout (seconds for each wait, default 30),
configuration_address (the configuration endpoint's own address, which the first shard's primary
then binds as well; default: that primary's address), admin_names (redis_fixture.AdminNames: the secret
names of the restricted commands the cluster runs itself; default: new ones). Files live
under <state_dir>/redis-cluster/<name>/<hostname>/ (redis.conf and certificates mode 0600/0644,
nodes.conf, redis.log). A wait that runs out or a cluster that does not converge raises ClusterError,
whose message names nodes and never a password; after a failed start() nothing is left running, after
a failed add_shard() or remove_shard() call stop(). One instance is not thread-safe: serialise calls.

The nodes get SIGTERM when the thread that started them ends (PR_SET_PDEATHSIG, as the single
servers of redis_fixture): call start() and add_shard() from a long-lived thread.

Clients: redis-py 8.1 cannot follow an ASK redirection to a primary it has not yet seen in CLUSTER
SLOTS (redis-py issue #4015): while a new shard takes its first slots, a read may fail with
AttributeError, as it would against ElastiCache (see tests/integration/test_redis_cluster.py).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field

import redis
from redis.crc import key_slot

from . import hosts, key_dump
from .redis_fixture import (PORT, REDIS_CONF_PARAMETERS, AdminNames, CertificateAuthority, _die_with_parent,
                            _terminate, _wait_listening, _write, acl_commands, render_config)
from .redis_cluster_layout import (BUS_PORT, SLOTS, aws_slot_ranges, cluster_conf_lines, format_ranges,
                                   parse_cluster_nodes, parse_slots, plan_moves)

MIGRATE_TIMEOUT_MS = 5000
KEYS_PER_MIGRATE = 100
SLOTS_PER_BATCH = 4096


@dataclass
class Node:
    hostname: str
    address: str
    directory: str
    process: subprocess.Popen | None = None
    node_id: str = ""
    client: redis.Redis | None = field(default=None, repr=False)


class ClusterError(RuntimeError):
    """The cluster did not reach the state asked for (the message says which and why; never a password)."""


class RedisCluster:  # pylint: disable=too-many-instance-attributes
    """Shards x (1 + replicas) redis-server processes in cluster mode; see the module docstring."""

    def __init__(self, state_dir: str, ca: CertificateAuthority | None, nodes: dict[str, str], shards: int,
                 replicas: int, passwords=(), tls: bool = True, configuration_hostname: str | None = None,
                 name: str = "cluster", hosts_files=("/etc/hosts",), parameters: dict | None = None,
                 redis_server: str = "/usr/bin/redis-server", timeout: float = 30.0,
                 configuration_address: str | None = None, admin_names: AdminNames | None = None, users=()):
        if shards < 1 or replicas < 0:
            raise ValueError("a cluster needs at least one shard and zero or more replicas per shard")
        if len(nodes) != shards * (1 + replicas):
            raise ValueError(f"{shards} shards x (1 + {replicas} replicas) need {shards * (1 + replicas)} nodes, "
                             f"{len(nodes)} given")
        if tls and ca is None:
            raise ValueError("TLS needs the test-bed CertificateAuthority")
        self.state_dir = os.path.join(state_dir, "redis-cluster", name)
        self.ca = ca
        self.tls = tls
        self.replicas = replicas
        self.passwords = list(passwords)
        self.users = list(users)  # the ACL users of user groups: (name, passwords, access string)
        self.configuration_hostname = configuration_hostname
        self.configuration_address = configuration_address
        self.name = name
        self.hosts_files = tuple(hosts_files)
        self.parameters = dict(parameters or {})
        self.redis_server = redis_server
        self.timeout = timeout
        self.admin_names = admin_names or AdminNames()
        names = list(nodes.items())
        size = 1 + replicas
        self._shards = [[self._node(h, a) for h, a in names[i * size:(i + 1) * size]] for i in range(shards)]
        self._retired: list[Node] = []

    # --- public API --------------------------------------------------------------------------------

    def start(self) -> None:
        """Map the names, start every node, assign the slots evenly, set up replication, wait until healthy.

        A start begins afresh: what an earlier cluster of the same name left (nodes.conf, a replica's
        dump.rdb) would make the nodes rejoin the old cluster with its data, so its files go first.
        """
        shutil.rmtree(self.state_dir, ignore_errors=True)
        self._map_hosts()
        try:
            nodes = self._nodes()
            self._launch(nodes)
            for index, (shard, (first, last)) in enumerate(zip(self._shards, aws_slot_ranges(len(self._shards)))):
                primary = self._admin(shard[0])
                primary.execute_command("CLUSTER", "SET-CONFIG-EPOCH", index + 1)
                primary.execute_command("CLUSTER", "ADDSLOTSRANGE", first, last)
            self._meet(nodes[1:], nodes[0])
            self._replicate(self._shards)
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def add_shard(self, nodes: dict[str, str]) -> None:
        """Add a shard of 1 + replicas nodes (hostname: address, the primary first), then rebalance online."""
        if len(nodes) != 1 + self.replicas:
            raise ValueError(f"a shard has 1 + {self.replicas} nodes, {len(nodes)} given")
        shard = [self._node(h, a) for h, a in nodes.items()]
        known = {n.hostname for n in self._nodes() + self._retired}
        if known & set(nodes):
            raise ValueError(f"node names already used in this cluster: {sorted(known & set(nodes))}")
        self._shards.append(shard)
        self._map_hosts()
        self._launch(shard)
        self._meet(shard, self._shards[0][0])
        self._replicate([shard])
        self._wait_healthy()
        self._rebalance()

    def remove_shard(self) -> None:
        """Move the last shard's slots and keys to the other shards (evenly), then forget and stop its nodes."""
        if len(self._shards) < 2:
            raise ClusterError("the last shard of a cluster cannot be removed")
        self._rebalance(len(self._shards) - 1)
        keys = self._admin(self._primaries()[-1]).dbsize()
        if keys:
            raise ClusterError(f"cluster {self.name}: the last shard still holds {keys} keys after resharding")
        shard = self._shards.pop()
        for remaining in self._nodes():
            for node in shard:
                self._admin(remaining).execute_command("CLUSTER", "FORGET", node.node_id)
        for node in shard:
            self._close(node)
            _terminate(node.process)
        self._retired.extend(shard)
        self._wait_healthy()

    def slots(self) -> list[dict]:
        """Each shard as the cluster serves it now: shard number, Slots string, primary and replica names."""
        view = parse_cluster_nodes(self._admin(self._shards[0][0]).execute_command("CLUSTER", "NODES"))
        result = []
        for index, shard in enumerate(self._shards):
            primary = next((n for n in shard if "master" in view.get(n.node_id, {}).get("flags", ())), None)
            if primary is None:
                raise ClusterError(f"shard {index + 1} of cluster {self.name} has no primary")
            result.append({
                "shard": index + 1,
                "slots": format_ranges(view[primary.node_id]["slots"]),
                "primary": primary.hostname,
                "replicas": [n.hostname for n in shard if n is not primary],
            })
        return result

    def set_passwords(self, passwords) -> None:
        """Make `passwords` the default user's passwords on every node (the last one is current)."""
        self.set_access(passwords, self.users)

    def set_access(self, passwords, users) -> None:
        """The default user's passwords (AUTH token) and the users of the user groups, on every node."""
        commands = acl_commands({"passwords": self.passwords, "users": self.users},
                                {"passwords": list(passwords), "users": list(users)})
        for node in self._nodes():
            admin = self._admin(node)
            for command in commands:
                admin.execute_command(*command)
        self.passwords, self.users = list(passwords), list(users)
        for node in self._nodes():
            self._write_config(node)

    def configure(self, parameters: dict) -> None:
        """Apply changed parameter-group settings (those redis.conf knows) to every running node."""
        changed = {k: v for k, v in parameters.items()
                   if k in REDIS_CONF_PARAMETERS and self.parameters.get(k) != v}
        for node in self._nodes():
            for name, value in sorted(changed.items()):
                self._admin(node).execute_command(self.admin_names["CONFIG"], "SET", name, value)
        self.parameters = dict(parameters)
        for node in self._nodes():
            self._write_config(node)

    def export_keys(self, path: str) -> str:
        """Write every key of every primary (DUMP, with its TTL) to `path` (key_dump.write_keys); return path."""
        readers = [self._admin(primary, raw=True) for primary in self._primaries()]
        try:
            return key_dump.write_keys(readers, path)
        finally:
            for reader in readers:
                reader.close()

    def import_keys(self, path: str) -> None:
        """RESTORE the keys export_keys wrote, each on the primary that serves its slot."""
        primaries = self._primaries()
        owners = self._owners(primaries)
        writers = [self._admin(p, raw=True) for p in primaries]
        try:
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    entry = json.loads(line)
                    key = bytes.fromhex(entry["key"])
                    writers[owners[key_slot(key)]].restore(key, entry["ttl"], bytes.fromhex(entry["value"]),
                                                           replace=True)
        finally:
            for writer in writers:
                writer.close()

    def pids(self) -> dict[str, int]:
        return {n.hostname: n.process.pid for n in self._nodes() if n.process and n.process.poll() is None}

    def stop(self) -> None:
        """Stop every process this cluster started and remove its hosts block."""
        for node in self._nodes() + self._retired:
            self._close(node)
            if node.process is not None:
                _terminate(node.process)
        for path in self.hosts_files:
            hosts.write(path, {}, self._tag)

    # --- internals ---------------------------------------------------------------------------------

    @property
    def _tag(self) -> str:
        return f"redis-cluster {self.name}"

    def _node(self, hostname: str, address: str) -> Node:
        return Node(hostname, address, os.path.join(self.state_dir, hostname))

    def _nodes(self) -> list[Node]:
        return [node for shard in self._shards for node in shard]

    def _map_hosts(self) -> None:
        mapping = {n.hostname: n.address for n in self._nodes() + self._retired}
        if self.configuration_hostname:
            mapping[self.configuration_hostname] = self.configuration_address or self._shards[0][0].address
        for path in self.hosts_files:
            hosts.write(path, mapping, self._tag)
        for hostname, address in mapping.items():
            if hosts.assert_mapped(hostname) != address:
                raise ClusterError(f"{hostname} is mapped to another address than {address} in /etc/hosts")

    def _write_config(self, node: Node) -> str:
        os.makedirs(node.directory, exist_ok=True)
        tls_files = None
        if self.tls:
            tls_files = (os.path.join(node.directory, "server.crt"), os.path.join(node.directory, "server.key"),
                         self.ca.cert_path)
            if not os.path.exists(tls_files[0]):
                names = [node.hostname] + ([self.configuration_hostname] if self.configuration_hostname else [])
                # The cluster bus asks the connecting node for a certificate it may use as a client.
                self.ca.issue(names, [node.address], tls_files[0], tls_files[1], client=True)
        addresses = [node.address]
        if node is self._shards[0][0] and self.configuration_address not in (None, node.address):
            addresses.append(self.configuration_address)  # the first primary also answers the configuration endpoint
        spec = {"addresses": addresses, "passwords": self.passwords, "users": self.users, "parameters": self.parameters}
        text = render_config(spec, node.directory, tls_files, self.admin_names) + "\n".join(cluster_conf_lines(
            node.hostname, node.address, node.directory, self.tls, self.admin_names.password, self.admin_names.user))
        conf = os.path.join(node.directory, "redis.conf")
        _write(conf, (text + "\n").encode(), 0o600)
        return conf

    def _launch(self, nodes: list[Node]) -> None:
        for node in nodes:
            if _listening(node.address):
                raise ClusterError(f"{node.address}:{PORT} is already in use; cannot start {node.hostname} there")
        for node in nodes:
            conf = self._write_config(node)
            node.process = subprocess.Popen(  # pylint: disable=consider-using-with,subprocess-popen-preexec-fn
                [self.redis_server, conf], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent,
            )
        for node in nodes:
            _wait_listening(node.address, node.process, os.path.join(node.directory, "redis.log"))
            node.node_id = self._admin(node).execute_command("CLUSTER", "MYID")

    def _admin(self, node: Node, raw: bool = False) -> redis.Redis:
        """The emulator's own connection to a node; `raw`: a new one answering bytes (the caller closes it)."""
        if node.client is None or raw:
            options = {"host": node.address, "port": PORT, "socket_timeout": 10, "decode_responses": not raw,
                       "username": self.admin_names.user, "password": self.admin_names.password}
            if self.tls:
                options.update(ssl=True, ssl_ca_certs=self.ca.cert_path)
            if raw:
                return redis.Redis(**options)
            node.client = redis.Redis(**options)
        return node.client

    @staticmethod
    def _close(node: Node) -> None:
        if node.client is not None:
            node.client.close()
            node.client = None

    def _meet(self, nodes: list[Node], known: Node) -> None:
        for node in nodes:
            self._admin(known).execute_command("CLUSTER", "MEET", node.address, PORT, BUS_PORT)

    def _replicate(self, shards: list[list[Node]]) -> None:
        for shard in shards:
            primary = shard[0]
            for replica in shard[1:]:
                # A replica can only follow a primary it already knows of: meet it directly, not by gossip.
                self._admin(replica).execute_command("CLUSTER", "MEET", primary.address, PORT, BUS_PORT)
                self._until(lambda r=replica, p=primary: p.node_id in self._admin(r).execute_command(
                    "CLUSTER", "NODES"), f"{replica.hostname} learning of {primary.hostname}")
                self._admin(replica).execute_command("CLUSTER", "REPLICATE", primary.node_id)

    def _until(self, check, what: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not check():
            if time.monotonic() > deadline:
                raise ClusterError(f"cluster {self.name}: no {what} within {self.timeout:.0f}s")
            time.sleep(0.05)

    def _problems(self) -> list[str]:
        """Why the cluster is not yet healthy: every node must see the same nodes and slot owners."""
        nodes = self._nodes()
        ids = {n.node_id for n in nodes}
        views, problems = [], []
        for node in nodes:
            admin = self._admin(node)
            view = parse_cluster_nodes(admin.execute_command("CLUSTER", "NODES"))
            if set(view) != ids:
                problems.append(f"{node.hostname} knows {len(view)} of {len(ids)} nodes")
            bad = {i for i, v in view.items() if v["flags"] & {"handshake", "noaddr", "fail", "fail?"}}
            if bad:
                problems.append(f"{node.hostname} sees {len(bad)} nodes failing or in handshake")
            info = admin.execute_command("CLUSTER", "INFO")
            if "cluster_state:ok" not in info:
                problems.append(f"{node.hostname} reports a cluster state other than ok")
            views.append(sorted((i, v["master"], tuple(v["slots"])) for i, v in view.items()))
        if any(v != views[0] for v in views):
            problems.append("nodes disagree on primaries, replicas or slot owners")
        for shard in self._shards:
            for replica in shard[1:]:
                info = self._admin(replica).info("replication")
                if info.get("role") == "slave" and info.get("master_link_status") != "up":
                    problems.append(f"{replica.hostname} is not in sync with its primary")
        return problems

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            problems = self._problems()
            if not problems:
                return
            if time.monotonic() > deadline:
                raise ClusterError(f"cluster {self.name} not healthy within {self.timeout:.0f}s: "
                                   + "; ".join(problems))
            time.sleep(0.1)

    def _primaries(self) -> list[Node]:
        view = parse_cluster_nodes(self._admin(self._shards[0][0]).execute_command("CLUSTER", "NODES"))
        return [next(n for n in shard if "master" in view[n.node_id]["flags"]) for shard in self._shards]

    def _owners(self, primaries: list[Node]) -> list[int | None]:
        view = parse_cluster_nodes(self._admin(primaries[0]).execute_command("CLUSTER", "NODES"))
        owners: list[int | None] = [None] * SLOTS
        for index, primary in enumerate(primaries):
            for first, last in view[primary.node_id]["slots"]:
                owners[first:last + 1] = [index] * (last - first + 1)
        return owners

    def _rebalance(self, count: int | None = None) -> None:
        """Move slots with their keys so the first `count` shards (default: all) hold the even layout."""
        primaries = self._primaries()
        targets = aws_slot_ranges(count or len(primaries))
        for source, destination, first, last in plan_moves(self._owners(primaries), targets):
            for start in range(first, last + 1, SLOTS_PER_BATCH):
                self._move(primaries[source], primaries[destination],
                           list(range(start, min(start + SLOTS_PER_BATCH, last + 1))), primaries)
        self._wait_healthy()
        if [parse_slots(s["slots"]) for s in self.slots()[:len(targets)]] != [[t] for t in targets]:
            raise ClusterError(f"cluster {self.name}: slots are not where they were moved to")

    def _move(self, source: Node, destination: Node, slots: list[int], primaries: list[Node]) -> None:
        """Move `slots` from source to destination with their keys (the procedure of redis-cli --cluster).

        The handover of a batch is one MULTI/EXEC per node, destination first, then the other
        primaries, then the source. Done slot by slot, the destination broadcasts its claims after
        every slot, and those half-way claims, read late by a node, set redis-server 7.0's
        "owner not claiming slot" mark, which only redis 7.4 clears when the slot is assigned again
        (redis #12564). Moving such a slot back then lets a stale claim of the former owner win
        against a newer epoch: here 1 run in 5 of 2 -> 3 -> 2 shards ended with nodes that never agree
        again on who serves the slots (and redis-server drops the keys of a slot it loses that way).
        """
        src, dst = self._admin(source), self._admin(destination)
        self._each(dst, [("CLUSTER", "SETSLOT", s, "IMPORTING", source.node_id) for s in slots])
        self._each(src, [("CLUSTER", "SETSLOT", s, "MIGRATING", destination.node_id) for s in slots])
        counts = self._each(src, [("CLUSTER", "COUNTKEYSINSLOT", s) for s in slots])
        auth = ("AUTH2", self.admin_names.user, self.admin_names.password)
        for slot in (s for s, c in zip(slots, counts) if c):
            while keys := src.execute_command("CLUSTER", "GETKEYSINSLOT", slot, KEYS_PER_MIGRATE):
                src.execute_command(self.admin_names["MIGRATE"], destination.address, PORT, "", 0, MIGRATE_TIMEOUT_MS,
                                    *auth, "KEYS", *keys)
        assign = [("CLUSTER", "SETSLOT", s, "NODE", destination.node_id) for s in slots]
        # STABLE ends the import without a broadcast per slot; BUMPEPOCH makes the new owner's claim win.
        self._each(dst, [("CLUSTER", "SETSLOT", s, "STABLE") for s in slots] + assign + [("CLUSTER", "BUMPEPOCH")],
                   atomic=True)
        for node in [p for p in primaries if p not in (source, destination)] + [source]:
            self._each(self._admin(node), assign, atomic=True)

    @staticmethod
    def _each(client: redis.Redis, commands, atomic: bool = False) -> list:
        pipe = client.pipeline(transaction=atomic)
        for command in commands:
            pipe.execute_command(*command)
        return pipe.execute()


def _listening(address: str) -> bool:
    try:
        with socket.create_connection((address, PORT), timeout=0.5):
            return True
    except OSError:
        return False
