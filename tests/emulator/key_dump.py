"""Redis data key by key: every key DUMPed with its TTL, one JSON line each, as a serverless restore reads it."""

from __future__ import annotations

import json
import os

import redis

PORT = 6379  # redis_fixture.PORT (which imports this module)


def write_keys(readers, path: str) -> str:
    """Write every key of each of `readers` (raw redis.Redis connections, primaries only) to `path`; return path."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for reader in readers:
            for key in reader.scan_iter(count=1000):
                value, ttl = reader.dump(key), reader.pttl(key)
                if value is not None:
                    handle.write(json.dumps({"key": key.hex(), "ttl": max(ttl, 0), "value": value.hex()}) + "\n")
    return path


def server_keys(spec: dict, servers, path: str) -> str:
    """The keys of one redis-server (a node-based group's, `spec` as RedisServers runs it), as the emulator's own
    user (servers.admin_names), over TLS with the emulator's CA when the group has TLS."""
    names = servers.admin_names
    options = {"host": spec["addresses"][0], "port": PORT, "socket_timeout": 10, "username": names.user,
               "password": names.password}
    if spec["tls"]:
        options.update(ssl=True, ssl_ca_certs=servers.ca.cert_path)
    with redis.Redis(**options) as reader:
        return write_keys([reader], path)
