"""The emulator process: moto server for EC2, CloudWatch, SNS and STS, our ElastiCache and Price List API in front.

Every signed AWS request is validated against botocore's model, written to the request log with
secrets masked, possibly answered by the fault switch, then served by ElastiCache (ours) or moto.
A control API under /_emulator/ resets state, sets the clock and faults, and reads the log.
"""

from __future__ import annotations

import io
import ipaddress
import json
import logging
import os
import random
import shutil
import threading
import time

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.test import Client
from werkzeug.wrappers import Request as WsgiRequest
from werkzeug.wrappers import Response

from . import hosts, metrics, moto_gaps, pricing, protocol
from .elasticache import ElastiCache, EmulatorConfig
from .redis_fixture import RedisServers, used_memory

LOG = logging.getLogger("funmagic.emulator")
moto_gaps.apply()
FAULT_ERRORS = {
    "Throttling": protocol.AWSError("Throttling", "Rate exceeded", 400),
    "ServiceUnavailable": protocol.AWSError("ServiceUnavailable", "Service is unavailable", 503, sender=False),
}


class AddressPool:
    """Stable loopback addresses for endpoint names: 127.0.<block>.10 upwards, one per name."""

    def __init__(self, block: int):
        self._free = [str(ipaddress.ip_address(f"127.0.{block}.0") + i) for i in range(10, 255)]
        self.assigned: dict[str, str] = {}
        self._lock = threading.Lock()

    def assign(self, names) -> dict[str, str]:
        with self._lock:
            wanted = set(names)
            for name in [n for n in self.assigned if n not in wanted]:
                self._free.insert(0, self.assigned.pop(name))
            for name in sorted(wanted - set(self.assigned)):
                if not self._free:
                    raise RuntimeError("no loopback address left for emulated endpoints")
                self.assigned[name] = self._free.pop(0)
            return dict(self.assigned)


class DumpStore:
    """Copies of Redis data for snapshots: a server's dump.rdb saved under a name, or bytes from S3."""

    def __init__(self, directory: str, servers: RedisServers):
        self.directory = directory
        self.servers = servers

    def save(self, server_key: str, name: str) -> str | None:
        return self.servers.dump(server_key, os.path.join(self.directory, f"{name}.rdb"))

    def save_keys(self, server_key: str, name: str) -> str | None:
        """The keys of a serverless cache's Redis Cluster or a group's server, one JSON line each."""
        return self.servers.export_keys(server_key, os.path.join(self.directory, f"{name}.keys"))

    def store(self, name: str, data: bytes) -> str:
        os.makedirs(self.directory, exist_ok=True)
        path = os.path.join(self.directory, f"{name}.rdb")
        with open(path, "wb") as handle:
            handle.write(data)
        return path


class Emulator:  # pylint: disable=too-many-instance-attributes
    def __init__(self, state_dir: str, port: int, address_block: int = 1, hosts_file: str = "/etc/hosts",
                 config: EmulatorConfig | None = None):
        self.state_dir = state_dir
        self.port = port
        self.hosts_file = hosts_file
        self.addresses = AddressPool(address_block)
        self.servers = RedisServers(state_dir)
        self.elasticache = ElastiCache(config, on_change=self.sync_hosts, hash_salt=str(port),
                                       dumps=DumpStore(os.path.join(state_dir, "dumps"), self.servers))
        self.price_list = pricing.PriceList()
        self.moto_app = DomainDispatcherApplication(create_backend_app)
        self.requests: list[dict] = []
        self.faults = {"rate": 0.0, "kinds": ["Throttling"], "services": ["elasticache"]}
        self._fault_counts: dict[str, int] = {}
        self._random = random.Random()
        self._log_lock = threading.Lock()
        self._mapping: dict[str, str] = {}
        self._stop = threading.Event()
        self.ticker = threading.Thread(target=self._run_ticker, name="ticker", daemon=True)

    # --- hosts and redis-servers ---------------------------------------------------------------

    def hosts_targets(self) -> list[str]:
        path = os.path.join(self.state_dir, "hosts-targets")
        extra = []
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                extra = [line.strip() for line in handle if line.strip()]
        return [self.hosts_file] + extra

    def sync_hosts(self, force: bool = False) -> None:
        """Map every emulated endpoint name, before any answer that names it is sent."""
        with self.elasticache.lock:
            names = [n for r in self.elasticache.regions.values() for g in self.elasticache.named(r)
                     for n in g.hostnames()]
            mapping = self.addresses.assign(names)
            if mapping != self._mapping or force:
                for path in self.hosts_targets():
                    hosts.write(path, mapping, tag=str(self.port))
                self._mapping = mapping

    def reconcile(self) -> None:
        """One tick: finish due transitions, then make the redis-servers match the groups."""
        with self.elasticache.lock:
            if self.elasticache.tick():
                self.sync_hosts()
            wanted = {}
            for region, group in self.elasticache.running_groups():
                names = group.hostnames()
                params = self.elasticache.effective_parameters(region, group.parameter_group)
                passwords = [] if group.token_allows_none else list(group.tokens)
                users = self.elasticache.acl_users(region, getattr(group, "user_group_ids", []))
                wanted[group.server_key] = {
                    "names": names, "addresses": [self._mapping[n] for n in names], "tls": group.transit,
                    "transit_mode": getattr(group, "transit_mode", "required") if group.transit else None,
                    "passwords": passwords, "users": users, "parameters": params, "disconnects": group.disconnects,
                    "reboots": group.reboots, "restore_from": group.restore_from,
                    "restore_keys": getattr(group, "restore_keys", None),
                    # A global datastore's secondary: its server replicates from the primary region's.
                    "replica_of": self._mapping.get(self.elasticache.replication_source(group)),
                }
            for key in set(self.servers.pids()) - set(wanted):
                self.servers.stop(key)
            # Primaries first: after a global failover the new primary stops replicating before the old one follows it.
            for key, spec in sorted(wanted.items(), key=lambda item: item[1]["replica_of"] is not None):
                self.servers.ensure(key, spec)

    def _run_ticker(self) -> None:
        # redis-servers are started from this thread only: they die with it (PR_SET_PDEATHSIG).
        while not self._stop.is_set():
            try:
                self.reconcile()
            except Exception:  # pylint: disable=broad-except
                LOG.exception("reconcile failed")
            self._stop.wait(0.05)
        self.servers.stop_all()

    def shutdown(self) -> None:
        self._stop.set()
        if self.ticker.is_alive():
            self.ticker.join(timeout=15)
        self.servers.stop_all()
        for path in self.hosts_targets():
            hosts.write(path, {}, tag=str(self.port))

    # --- WSGI ----------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = WsgiRequest(environ)
        if request.path.startswith("/_emulator/"):
            return self._control(request)(environ, start_response)
        body = request.get_data(cache=True)
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads the body again
        environ["CONTENT_LENGTH"] = str(len(body))
        identified = protocol.identify(request.headers, request.path, body)
        if identified is None or identified[2] is None:
            return self.moto_app(environ, start_response)
        service, region, operation = identified
        started = time.monotonic()
        entry = {"service": service, "region": region, "operation": operation, "params": None,
                 "mutating": protocol.is_mutating(service, operation), "error": None}
        request_id = "emulator"
        try:
            parsed = protocol.parse(service, region, operation, request.headers, request.path, body)
            request_id = parsed.request_id
            entry["params"] = protocol.mask(parsed.params)
            self._maybe_fault(service)
            if service == "pricing":
                status, headers, payload = pricing.serialize(self.price_list.handle(parsed), request_id)
            elif service != "elasticache":
                return self._moto(environ, start_response, entry, started)
            else:
                result = self.elasticache.handle(parsed)
                status, headers, payload = protocol.serialize_result(service, operation, result, request_id)
        except Exception as exc:  # pylint: disable=broad-except
            error = exc if isinstance(exc, protocol.AWSError) else _internal_failure(service, operation)
            entry["error"] = error.code
            status, headers, payload = protocol.serialize_error(
                service, error, request_id, protocol.wire_protocol(service, request.headers, request.path))
        self._record(entry, started)
        return Response(payload, status=status, headers=headers)(environ, start_response)

    def _moto(self, environ, start_response, entry, started):
        """Let moto answer, and log its answer's error code: moto refuses some calls itself."""
        answer, chunks = {}, []

        def capture(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        try:
            chunks.extend(self.moto_app(environ, capture))
        except Exception:
            entry["error"] = "InternalFailure"  # moto does not implement it; werkzeug answers 500
            raise
        finally:
            if answer.get("status", 200) >= 400 and entry["error"] is None:
                entry["error"] = protocol.error_code(b"".join(chunks)) or f"HTTP {answer['status']}"
            self._record(entry, started)
        return chunks

    def _maybe_fault(self, service: str) -> None:
        """`rate`: each call of the services fails at that probability. `every`: every Nth call of each service
        fails (the same share, but every service called N times or more is hit, whatever the order of calls)."""
        faults = self.faults
        if service not in faults["services"]:
            return
        if faults.get("every"):
            with self._log_lock:
                self._fault_counts[service] = count = self._fault_counts.get(service, 0) + 1
            if count % int(faults["every"]) == 0:
                raise FAULT_ERRORS[self._random.choice(faults["kinds"])]
        elif faults["rate"] > 0 and self._random.random() < faults["rate"]:
            raise FAULT_ERRORS[self._random.choice(faults["kinds"])]

    def _record(self, entry: dict, started: float) -> None:
        entry["seconds"] = round(time.monotonic() - started, 4)
        with self._log_lock:
            entry["seq"] = len(self.requests) + 1
            self.requests.append(entry)

    # --- control API ---------------------------------------------------------------------------

    def _control(self, request):  # pylint: disable=too-many-return-statements
        path, method = request.path[len("/_emulator/"):].strip("/"), request.method
        data = request.get_json(silent=True) or {}
        if path == "health":
            return _json({"ok": True, "port": self.port})
        if path == "reset" and method == "POST":
            self.reset()
            return _json({"reset": True})
        if path == "config":
            if method == "POST":
                for key, value in data.items():
                    if not hasattr(self.elasticache.config, key):
                        return _json({"error": f"unknown setting {key}"}, 400)
                    setattr(self.elasticache.config, key,
                            [str(v).lower() for v in value] if key == "fail_create" else float(value))
            return _json(self.elasticache.config.as_dict())
        if path == "faults":
            if method == "POST":
                unknown = set(data.get("kinds", [])) - set(FAULT_ERRORS)
                if unknown:
                    return _json({"error": f"unknown fault kinds {sorted(unknown)}"}, 400)
                self.faults = {**self.faults, **data}
                self._fault_counts = {}
                if "seed" in data:
                    self._random.seed(data["seed"])
            return _json(self.faults)
        if path == "requests":
            if method == "DELETE":
                with self._log_lock:
                    self.requests.clear()
            since = int(request.args.get("since", 0))
            return _json([r for r in self.requests if r["seq"] > since])
        if path == "metrics" and method == "POST":
            return _json({"published": metrics.publish(self.elasticache.running_groups(),
                                                       lambda key: used_memory(self.servers, key))})
        if path == "automatic-snapshots" and method == "POST":
            return _json({"taken": self.elasticache.take_automatic_snapshots()
                          + self.elasticache.take_automatic_serverless_snapshots()})
        if path == "hosts-targets" and method == "POST":
            self._register_hosts_target(data["path"])
            return _json({"targets": self.hosts_targets()})
        if path == "state":
            return _json({"redis_pids": self.servers.pids(), "hosts": self._mapping,
                          "ca_file": self.servers.ca.cert_path, "hosts_targets": self.hosts_targets()})
        return _json({"error": f"no control endpoint {method} {path}"}, 404)

    def _register_hosts_target(self, path: str) -> None:
        targets = self.hosts_targets()
        if path not in targets:
            with open(os.path.join(self.state_dir, "hosts-targets"), "a", encoding="utf-8") as handle:
                handle.write(path + "\n")
        self.sync_hosts(force=True)

    def reset(self) -> None:
        Client(self.moto_app).post("/moto-api/reset")
        self.elasticache.reset()
        self.elasticache.config.fail_create = []
        with self.elasticache.lock:
            for key in list(self.servers.pids()):
                self.servers.stop(key)
            shutil.rmtree(os.path.join(self.state_dir, "dumps"), ignore_errors=True)
        self.faults = {"rate": 0.0, "kinds": ["Throttling"], "services": ["elasticache"]}
        self._fault_counts = {}
        with self._log_lock:
            self.requests.clear()


def _internal_failure(service, operation) -> protocol.AWSError:
    """An emulator bug answered as AWS answers its own failures, with the traceback in the emulator's log."""
    LOG.exception("%s %s failed", service, operation)
    return protocol.AWSError("InternalFailure", f"The emulator failed on {operation}; see its log.", 500, sender=False)


def _json(payload, status: int = 200) -> Response:
    return Response(json.dumps(payload, default=str), status=status, mimetype="application/json")
