"""Real redis-server processes standing in for ElastiCache endpoints.

One redis-server per replication group, bound to a 127.0.0.x address per endpoint name on port
6379: TLS only when the group has transit encryption (certificate signed by a throwaway CA, SAN =
the endpoint names), AUTH tokens as passwords of the default user, the parameter group's
settings that redis-server understands, and ElastiCache's restricted commands unknown to clients.
"""

from __future__ import annotations

import ctypes
import datetime
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from . import acl, key_dump, transit_front
from .redis_cluster_layout import SERVERLESS_ENDPOINT, cluster_layout
from .relay import Relay

# Parameters whose ElastiCache name and meaning are those of redis.conf.
REDIS_CONF_PARAMETERS = frozenset(
    {
        "activerehashing",
        "active-expire-effort",
        "hash-max-listpack-entries",
        "hash-max-listpack-value",
        "hll-sparse-max-bytes",
        "lazyfree-lazy-eviction",
        "lazyfree-lazy-expire",
        "lazyfree-lazy-server-del",
        "lazyfree-lazy-user-del",
        "lfu-decay-time",
        "lfu-log-factor",
        "list-compress-depth",
        "maxmemory-policy",
        "maxmemory-samples",
        "notify-keyspace-events",
        "set-max-intset-entries",
        "slowlog-log-slower-than",
        "slowlog-max-len",
        "tcp-keepalive",
        "timeout",
    }
)
# Not redis.conf names; folded into the pubsub client-output-buffer-limit line instead.
_PUBSUB_LIMIT = (
    "client-output-buffer-limit-pubsub-hard-limit",
    "client-output-buffer-limit-pubsub-soft-limit",
    "client-output-buffer-limit-pubsub-soft-seconds",
)
MAXMEMORY = "64mb"
# ElastiCache's "Restricted commands" (User Guide): no client may run them, and ElastiCache answers them as
# redis-server answers a command it does not know ("ERR unknown command 'config', with args beginning with: ..."),
# which is what rename-command gives. The emulator itself runs four of them under names only it knows.
RESTRICTED_COMMANDS = ("BGREWRITEAOF", "BGSAVE", "CONFIG", "DEBUG", "MIGRATE", "REPLICAOF", "SAVE", "SLAVEOF",
                       "SHUTDOWN", "SYNC")
_ADMIN_COMMANDS = ("CONFIG", "MIGRATE", "SAVE", "REPLICAOF")  # parameters, resharding, snapshots, global datastores
# A change of these restarts a redis-server; anything else is applied to the running one.
_RESTART_KEYS = ("names", "addresses", "tls", "reboots")
PORT = 6379
READER_PORT = 6380  # a serverless cache's reader endpoint: its endpoint's name on this port


class CertificateAuthority:
    """A throwaway CA under `directory`, made once and reused while the directory lives."""

    def __init__(self, directory: str):
        self.directory = directory
        self.cert_path = os.path.join(directory, "ca.crt")
        self.key_path = os.path.join(directory, "ca.key")
        if not (os.path.exists(self.cert_path) and os.path.exists(self.key_path)):
            self._create()
        with open(self.key_path, "rb") as handle:
            self._key = serialization.load_pem_private_key(handle.read(), password=None)
        with open(self.cert_path, "rb") as handle:
            self._cert = x509.load_pem_x509_certificate(handle.read())

    def _create(self):
        os.makedirs(self.directory, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "funmagic-elasticache test CA")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256())
        )
        _write(self.key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()), 0o600)
        _write(self.cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)

    def issue(self, names: list[str], addresses: list[str], cert_path: str, key_path: str,
              client: bool = False) -> None:
        """Write a server certificate for `names` (the first is the subject) and its key.

        `client`: the certificate may also authenticate its holder as a TLS client, as a Redis
        Cluster node must on the cluster bus and to its primary (tls-cluster, tls-replication).
        """
        usages = [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]
        if client:
            usages.append(x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH)
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        sans = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
        cert = (
            x509.CertificateBuilder()
            # A CommonName holds 64 characters at most; node names can be longer (the SAN carries them all).
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64])]))
            .issuer_name(self._cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        _write(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()), 0o600)
        _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


class AdminNames:
    """The secret names under which the emulator runs the restricted commands it needs: admin_names["CONFIG"]."""

    def __init__(self):
        self._suffix = secrets.token_hex(8)
        # The emulator's own ACL user: its connections (parameters, passwords, users, resharding, replication in
        # cluster mode) never depend on the default user, which a user group may turn off.
        self.user = f"emulator-{self._suffix}"
        self.password = secrets.token_hex(24)

    def __getitem__(self, command: str) -> str:
        return f"{command}-{self._suffix}"

    def config_lines(self) -> list[str]:
        """rename-command lines (secret names for the commands the emulator needs, none for the others); its user."""
        return [f"rename-command {c} {self[c]}" if c in _ADMIN_COMMANDS else f'rename-command {c} ""'
                for c in RESTRICTED_COMMANDS] + [f"user {self.user} on >{self.password} ~* &* +@all",
                                                 # a global datastore's secondary syncs from its primary as this user
                                                 f"masteruser {self.user}", f"masterauth {self.password}",
                                                 "repl-diskless-sync-delay 0"]


def acl_rules(spec: dict) -> dict[str, list[str]]:
    """user name -> its ACL SETUSER rules, for the clients of a group: with user groups (spec["users"], from
    ElastiCache users: name, passwords, access string) each user and the `default` one as the users say (a valkey user
    group needs no default user: the default user is then off, as ElastiCache turns it off); else the default user
    with the AUTH token's passwords (none: no password needed)."""
    users = spec.get("users") or []
    if not users:
        passwords = spec.get("passwords") or []
        return {"default": ["on", *([f">{p}" for p in passwords] or ["nopass"]), "~*", "&*", "+@all"]}
    rules = {"default": ["off", "-@all"]}
    for name, passwords, access in users:
        # No on/off in the access string: the user is off (ACL SETUSER's reset leaves it so).
        rules[name] = [*acl.rules(access), *([f">{p}" for p in passwords] or ["nopass"])]
    return rules


def acl_commands(old: dict | None, new: dict) -> list[list[str]]:
    """The ACL SETUSER / DELUSER commands that take a server from `old`'s users to `new`'s."""
    before, after = acl_rules(old) if old else {}, acl_rules(new)
    commands = [["ACL", "SETUSER", name, "reset", *rules] for name, rules in sorted(after.items())
                if before.get(name) != rules]
    return commands + [["ACL", "DELUSER", name] for name in sorted(set(before) - set(after))]


def _write(path: str, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _die_with_parent():
    """In the child: get SIGTERM when the thread that started it (the emulator's ticker) dies."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def render_config(spec: dict, directory: str, tls_files: tuple[str, str, str] | None,
                  admin_names: AdminNames) -> str:
    """redis.conf for one group. spec: addresses, tls, passwords, parameters."""
    lines = [
        f"bind {' '.join(spec['addresses'])}",
        "protected-mode no",
        "daemonize no",
        'save ""',
        "appendonly no",
        f"dir {directory}",
        f"logfile {os.path.join(directory, 'redis.log')}",
        f"maxmemory {MAXMEMORY}",
        *admin_names.config_lines(),
    ]
    if spec.get("replica_of"):
        lines.append(f"replicaof {spec['replica_of']} {PORT}")
    if tls_files and transit_front.mode(spec) == "preferred":  # both, behind the endpoint's front
        cert, key, ca = tls_files
        lines += [f"port {transit_front.PLAIN_PORT}", f"tls-port {transit_front.TLS_PORT}", f"tls-cert-file {cert}",
                  f"tls-key-file {key}", f"tls-ca-cert-file {ca}", "tls-auth-clients no"]
    elif tls_files:
        cert, key, ca = tls_files
        lines += ["port 0", f"tls-port {PORT}", f"tls-cert-file {cert}", f"tls-key-file {key}",
                  f"tls-ca-cert-file {ca}", "tls-auth-clients no", "tls-replication yes"]
    else:
        lines.append(f"port {PORT}")
    lines += [f"user {name} reset {' '.join(rules)}" for name, rules in sorted(acl_rules(spec).items())]
    params = spec.get("parameters", {})
    for name in sorted(REDIS_CONF_PARAMETERS & set(params)):
        value = params[name]
        lines.append(f'{name} "{value}"' if value == "" else f"{name} {value}")
    if any(name in params for name in _PUBSUB_LIMIT):
        hard, soft, seconds = (params.get(n, d) for n, d in zip(_PUBSUB_LIMIT, ("33554432", "8388608", "60")))
        lines.append(f"client-output-buffer-limit pubsub {hard} {soft} {seconds}")
    return "\n".join(lines) + "\n"


class RedisServers:
    """Starts, restarts and stops the redis-server of each replication group."""

    def __init__(self, directory: str, redis_server: str | None = None):
        self.directory = directory
        self.ca = CertificateAuthority(os.path.join(directory, "ca"))
        self.redis_server = redis_server or shutil.which("redis-server") or "/usr/bin/redis-server"
        self.admin_names = AdminNames()
        self._running: dict[str, tuple[dict, subprocess.Popen]] = {}
        self._clusters: dict[str, tuple[dict, object]] = {}  # key -> (spec, redis_cluster.RedisCluster)
        self._relays: dict[str, Relay] = {}  # key -> the reader endpoint of a serverless cache
        self._fronts: dict[str, transit_front.TransitFront] = {}  # key -> the endpoint's front (transit_front)

    def ensure(self, key: str, spec: dict) -> None:
        """Make the group's server match spec (names, addresses, tls, passwords, parameters, disconnects,
        reboots, restore_from).

        Parameter and password changes are applied to the running server, as ElastiCache applies
        them without dropping connections; a disconnect drops every client connection; a change of
        names, addresses or TLS restarts it with its data; a reboot restarts it without. A new
        server starts from the dump `restore_from` names, or empty. A group in cluster mode (its
        parameters say cluster-enabled yes) gets a Redis Cluster instead (ensure_cluster).
        """
        if spec["parameters"].get("cluster-enabled") == "yes":
            self.ensure_cluster(key, spec)
            return
        current = self._running.get(key)
        directory = os.path.join(self.directory, "redis", key)
        dump = os.path.join(directory, "dump.rdb")
        keep_data = False
        if current and current[1].poll() is None:
            if current[0] == spec:
                return
            if transit_front.moves_live(current[0], spec):
                self._move_transit(key, current[0], spec, current[1])
                current = self._running[key]
                if current[0] == spec:
                    return
            if all(current[0].get(k) == spec.get(k) for k in _RESTART_KEYS):
                self._reconfigure(key, current[0], spec)
                self._running[key] = (dict(spec), current[1])
                return
            keep_data = current[0].get("reboots") == spec.get("reboots") and self.dump(key, dump) is not None
        self.stop(key)
        os.makedirs(directory, exist_ok=True)
        if not keep_data:
            if spec.get("restore_from"):
                shutil.copyfile(spec["restore_from"], dump)
            elif os.path.exists(dump):
                os.remove(dump)
        tls_files = None
        if spec["tls"]:
            tls_files = self._tls_files(directory)
            self.ca.issue(spec["names"], spec["addresses"], tls_files[0], tls_files[1])
        conf = os.path.join(directory, "redis.conf")
        _write(conf, render_config(spec, directory, tls_files, self.admin_names).encode(), 0o600)
        process = subprocess.Popen(  # pylint: disable=consider-using-with,subprocess-popen-preexec-fn
            [self.redis_server, conf], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent,
        )
        self._running[key] = (dict(spec), process)
        if transit_front.mode(spec) == "preferred":
            self._fronts[key] = front = transit_front.TransitFront(spec["addresses"], PORT)
            front.bind()
            front.start()
            _wait_listening(spec["addresses"][0], process, os.path.join(directory, "redis.log"), transit_front.TLS_PORT)
            return
        _wait_listening(spec["addresses"][0], process, os.path.join(directory, "redis.log"))

    def _move_transit(self, key: str, old: dict, new: dict, process: subprocess.Popen) -> None:
        """No TLS to preferred, or preferred to required, on the running server: the endpoint keeps its address and
        port and never refuses a connection (transit_front)."""
        directory = os.path.join(self.directory, "redis", key)
        config = self.admin_names["CONFIG"]
        if transit_front.mode(new) == "preferred":
            cert, tls_key, ca = self._tls_files(directory)
            self.ca.issue(new["names"], new["addresses"], cert, tls_key)
            self._cli(old, directory, [config, "SET", "tls-cert-file", cert, "tls-key-file", tls_key,
                                       "tls-ca-cert-file", ca, "tls-auth-clients", "no",
                                       "tls-port", str(transit_front.TLS_PORT)])
            front = transit_front.TransitFront(new["addresses"], PORT)
            taken = front.take_over(process.pid)
            self._cli(old, directory, [config, "SET", "port", str(transit_front.PLAIN_PORT)])
            if not taken:
                front.bind()
            front.start()
            self._fronts[key] = front
        else:
            self._fronts[key].require_tls()
            self._cli(new, directory, [config, "SET", "port", "0"])
            # Plain connections accepted before the front took over, or by the plain listener: dropped too.
            for address in new["addresses"]:
                for port in (PORT, transit_front.PLAIN_PORT):
                    self._cli(new, directory, ["CLIENT", "KILL", "LADDR", f"{address}:{port}"], expect=None)
        moved = {**old, "tls": new["tls"], "transit_mode": new.get("transit_mode")}
        self._running[key] = (moved, process)

    def ensure_cluster(self, key: str, spec: dict) -> None:
        """Make the Redis Cluster of a cluster-mode group match spec: start it, add or remove shards online
        (slots move with their keys), set passwords and parameters on every node.

        Blocking: call it from the thread the nodes should die with. Node names carry the layout
        (redis_cluster_layout.cluster_layout). A failed change stops the cluster; the next call starts it again.
        """
        from .redis_cluster import RedisCluster  # pylint: disable=import-outside-toplevel

        configuration, shards = cluster_layout(spec["names"], spec["addresses"])
        current = self._clusters.get(key)
        if current is None:
            cluster = RedisCluster(self.directory, self.ca, {n: a for s in shards for n, a in s.items()},
                                   shards=len(shards), replicas=len(shards[0]) - 1, passwords=spec["passwords"],
                                   users=spec.get("users") or (),
                                   tls=spec["tls"], configuration_hostname=configuration[0],
                                   configuration_address=configuration[1], name=key, hosts_files=(),
                                   parameters=spec["parameters"], redis_server=self.redis_server,
                                   admin_names=self.admin_names)
            cluster.start()
            self._clusters[key] = (dict(spec), cluster)
            if SERVERLESS_ENDPOINT in configuration[0]:
                self._relays[key] = Relay((configuration[1], READER_PORT), (configuration[1], PORT))
            if spec.get("restore_keys"):
                cluster.import_keys(spec["restore_keys"])
            return
        old, cluster = current
        if old == spec:
            return
        try:
            running = [list(s) for s in cluster_layout(old["names"], old["addresses"])[1]]
            wanted = [list(s) for s in shards]
            for shard in running:
                if shard not in wanted:
                    cluster.remove_shard()  # the emulated API only removes the last shards
            for shard in shards:
                if list(shard) not in running:
                    cluster.add_shard(shard)
            if old["passwords"] != spec["passwords"] or old.get("users") != spec.get("users"):
                cluster.set_access(spec["passwords"], spec.get("users") or ())
            if old["parameters"] != spec["parameters"]:
                cluster.configure(spec["parameters"])
        except Exception:
            del self._clusters[key]
            cluster.stop()
            raise
        self._clusters[key] = (dict(spec), cluster)

    def _reconfigure(self, key: str, old: dict, new: dict) -> None:
        config = self.admin_names["CONFIG"]
        commands = [[config, "SET", name, value] for name, value in sorted(new["parameters"].items())
                    if name in REDIS_CONF_PARAMETERS and old["parameters"].get(name) != value]
        # The AUTH token (the default user's passwords) and the users of the user groups, changed in place: the
        # connections that are open stay, new ones get the new rules (as ElastiCache applies them).
        commands += acl_commands(old, new)
        if old.get("replica_of") != new.get("replica_of"):  # a global datastore's failover or disassociation
            source = [new["replica_of"], str(PORT)] if new.get("replica_of") else ["NO", "ONE"]
            commands.append([self.admin_names["REPLICAOF"], *source])
        directory = os.path.join(self.directory, "redis", key)
        for command in commands:
            self._cli(new, directory, command)
        if old.get("disconnects") != new.get("disconnects"):
            # A failover or a node reboot: every client sees its connection drop and reconnects.
            for client_type in ("normal", "pubsub"):
                self._cli(new, directory, ["CLIENT", "KILL", "TYPE", client_type], expect=None)
        _write(os.path.join(directory, "redis.conf"), render_config(
            new, directory, self._tls_files(directory) if new["tls"] else None, self.admin_names).encode(), 0o600)

    def dump(self, key: str, path: str) -> str | None:
        """SAVE the running server of `key` and copy its dump.rdb to `path`; None if it is not running."""
        current = self._running.get(key)
        if not current or current[1].poll() is not None:
            return None
        directory = os.path.join(self.directory, "redis", key)
        self._cli(current[0], directory, [self.admin_names["SAVE"]])
        source = os.path.join(directory, "dump.rdb")
        if os.path.abspath(source) != os.path.abspath(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            shutil.copyfile(source, path)
        return path

    def export_keys(self, key: str, path: str) -> str | None:
        """The keys of `key` (its Redis Cluster, or its one server) to `path` (key_dump); None if not running."""
        if key in self._clusters:
            return self._clusters[key][1].export_keys(path)
        spec, process = self._running.get(key, (None, None))
        return None if process is None or process.poll() is not None else key_dump.server_keys(spec, self, path)

    def _cli(self, spec, directory, command, expect="OK"):
        argv = ["redis-cli", "-h", spec["addresses"][0], "-p", str(PORT), "--user", self.admin_names.user]
        if spec["tls"]:
            argv += ["--tls", "--cacert", self.ca.cert_path]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REDISCLI_AUTH": self.admin_names.password}
        answer = subprocess.run(argv + command, env=env, capture_output=True, text=True, timeout=10, check=False)
        if expect is not None and answer.stdout.strip() != expect:
            raise RuntimeError(f"redis-server in {directory} refused {command[:3]}: {answer.stdout.strip()}")

    @staticmethod
    def _tls_files(directory):
        return (os.path.join(directory, "server.crt"), os.path.join(directory, "server.key"),
                os.path.join(os.path.dirname(os.path.dirname(directory)), "ca", "ca.crt"))

    def stop(self, key: str) -> None:
        front = self._fronts.pop(key, None)
        if front:
            front.stop()
        entry = self._running.pop(key, None)
        if entry:
            _terminate(entry[1])
        cluster = self._clusters.pop(key, None)
        if cluster:
            cluster[1].stop()
        relay = self._relays.pop(key, None)
        if relay:
            relay.close()

    def stop_all(self) -> None:
        for key in list(self._running) + list(self._clusters):
            self.stop(key)

    def pids(self) -> dict[str, int]:
        """{key: pid} of each running server; for a Redis Cluster, the node behind its configuration endpoint."""
        pids = {key: entry[1].pid for key, entry in self._running.items() if entry[1].poll() is None}
        for key, entry in self._clusters.items():
            nodes = entry[1].pids()
            if nodes:
                pids[key] = next(iter(nodes.values()))
        return pids


def _wait_listening(address: str, process: subprocess.Popen, log: str, port: int = PORT,
                    timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            detail = open(log, encoding="utf-8", errors="replace").read()[-2000:] if os.path.exists(log) else ""
            raise RuntimeError(f"redis-server exited with {process.returncode} on {address}: {detail}")
        try:
            with socket.create_connection((address, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"redis-server did not listen on {address}:{port} within {timeout}s")


def _terminate(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def used_memory(servers: RedisServers, key: str) -> int | None:
    """INFO memory's used_memory of the group's redis-server (cluster mode: not read), or None if it is not running."""
    current = servers._running.get(key)  # pylint: disable=protected-access
    if not current or current[1].poll() is not None:
        return None
    spec = current[0]
    argv = ["redis-cli", "-h", spec["addresses"][0], "-p", str(PORT), "--user", servers.admin_names.user]
    if spec["tls"]:
        argv += ["--tls", "--cacert", servers.ca.cert_path]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REDISCLI_AUTH": servers.admin_names.password}
    answer = subprocess.run(argv + ["INFO", "memory"], env=env, capture_output=True, text=True, timeout=10, check=False)
    found = [line.split(":", 1)[1] for line in answer.stdout.splitlines() if line.startswith("used_memory:")]
    return int(found[0]) if found else None
