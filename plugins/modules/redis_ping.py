#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: redis_ping
short_description: Check that a Redis endpoint answers PONG, and say why not
version_added: 0.1.0
description:
  - Runs on the host that will use Redis, with Python's standard library only.
  - Connects over TCP or TLS (certificate and host name verified, SNI set), authenticates if asked, sends PING.
  - On failure it names the cause (C(dns), C(tcp), C(timeout), C(tls), C(auth), C(noperm) or C(protocol)) with a
    hint; I(error) tells Redis's refusals apart (C(WRONGPASS), C(NOAUTH), C(NOPERM)).
  - With I(refused_key), it then proves that the user may not reach that key (another worker's, access rbac).
  - With I(duration), it keeps probing instead, as a client does, to measure an outage such as a failover
    (playbooks/failover_drill.yml runs it with C(async)).
    It holds one connection and sends PING every I(interval) seconds; when a PING fails, the connection is
    closed and the next PING connects again (resolving the name again).
    It reports the failed PINGs and each outage, the time from the last PONG before it to the first PONG after it.
  - With I(targets), it checks several endpoints (every instance of a host, and every worker's user) in one
    execution, returns a result per target and fails naming each target that failed, with its own reason.
author:
  - Funmagic Platform Team (@funmagic)
options:
  host:
    description:
      - The endpoint's host name, e.g. the primary endpoint address.
      - Required unless I(targets) is given.
    type: str
  targets:
    description:
      - Several endpoints checked in one execution, one after another. Each is a dict with I(name) (how messages
        name it, the instance) and I(host), and optionally I(port), I(tls), I(cluster), I(user), I(password) and
        I(refused_key); what a target leaves out comes from the options of the same name.
      - Not with I(host) nor I(duration).
    type: list
    elements: dict
    version_added: 0.4.0
  hosts_file:
    description:
      - With I(targets), before any connection, require every target's host in this file (C(/etc/hosts)) and fail
        naming the first missing one, so that nothing resolves it through DNS.
    type: path
    version_added: 0.4.0
  port:
    description: The port.
    type: int
    default: 6379
  tls:
    description: Use TLS (rediss://). Verification is always on.
    type: bool
    default: true
  ca_file:
    description: CA bundle to verify the server certificate with. The system trust store when omitted.
    type: path
  user:
    description:
      - ACL user name. C(default) when omitted, as in the env files' URLs (C(AUTH default TOKEN)).
      - With I(password), the module sends C(AUTH user password), as a worker does with its own user (access rbac).
    type: str
  password:
    description: The AUTH token, or the password of I(user). Never returned nor shown in a message.
    type: str
    aliases: [auth_token]
  refused_key:
    description:
      - After PONG, send C(EXISTS refused_key) as I(user) (a read that returns no value) and succeed only when Redis
        answers C(NOPERM); when Redis answers anything else, the user can reach another worker's keys and the task
        fails.
      - For an instance with access rbac, a key of another worker (the model's C(refused_keys)). Not with I(duration).
    type: str
    version_added: 0.3.0
  connections:
    description:
      - Instead of I(targets), every instance of a host as the inputs model gives them (C(connections)), checked as
        M(funmagic.elasticache.redis_cli_ping) checks them - an instance with a token once, with its token from
        I(tokens); an instance with access rbac once per worker of I(workers) that has a user there, with its password
        from I(passwords) and its C(refused_keys).
    type: dict
    version_added: 0.4.0
  tokens:
    description: With I(connections), instance name to its AUTH token. Never returned nor shown in a message.
    type: dict
    default: {}
    version_added: 0.4.0
  workers:
    description:
      - With I(connections), the host's workers (C(name), C(users), C(refused_keys), C(instances),
        C(read_from_replicas)).
      - For each purpose in a worker's C(read_from_replicas), the instance's reader endpoint is checked too, as
        C(<name> (reader)).
    type: list
    elements: dict
    default: []
    version_added: 0.4.0
  passwords:
    description: With I(connections), instance name to worker name to password. Never returned nor shown.
    type: dict
    default: {}
    version_added: 0.4.0
  timeout:
    description: Seconds to wait for the connection and for each answer.
    type: float
    default: 5
  fail_on_error:
    description:
      - Fail the task when there is no PONG. When false, return I(pong=false) with I(cause).
      - With I(duration), fail when the last PING of the series got no PONG.
    type: bool
    default: true
  cluster:
    description:
      - The host is a cluster-mode group's configuration endpoint. Check that C(CLUSTER INFO) says
        C(cluster_state:ok) with all 16384 slots assigned and ok, then PING every shard's primary, by the
        host name C(CLUSTER SHARDS) gives (Redis 7 or later), with the same TLS and AUTH settings.
      - Not with I(duration).
    type: bool
    default: false
    version_added: 0.2.0
  duration:
    description:
      - Seconds to keep probing. 0 sends one PING.
    type: float
    default: 0
    version_added: 0.2.0
  interval:
    description: With I(duration), seconds from one PING to the next.
    type: float
    default: 0.1
    version_added: 0.2.0
  stop_file:
    description: With I(duration), stop early once this file exists on the host.
    type: path
    version_added: 0.2.0
  write_key:
    description:
      - With I(duration), follow each PONG with C(SET write_key <n>), as a writer would, and report the writes
        refused (READONLY on a replica or a global datastore's secondary) the way PINGs are.
      - The key is written, so the module reports a change when a write succeeded. Not written in check mode.
    type: str
    version_added: 0.4.0
notes:
  - Supports check mode; it changes nothing.
  - The passwords of I(targets) are never returned nor shown in a message.
"""

EXAMPLES = r"""
- name: Every instance of this host answers PONG, in one execution (each failure named with its reason)
  funmagic.elasticache.redis_ping:
    hosts_file: /etc/hosts
    targets:
      - {name: main, host: master.app-main.abc123.use1.cache.amazonaws.com, password: "{{ vault_main_token }}"}
      - {name: queue, host: master.app-queue.abc123.use1.cache.amazonaws.com, user: web,
         password: "{{ vault_queue_web_password }}", refused_key: "admin:refused-proof"}

- name: The queue instance answers over TLS with its token
  funmagic.elasticache.redis_ping:
    host: master.app-queue.abc123.use1.cache.amazonaws.com
    password: "{{ vault_redis_token }}"

- name: The web worker's user answers PONG and is refused on the admin worker's keys (access rbac)
  funmagic.elasticache.redis_ping:
    host: master.app-queue.abc123.use1.cache.amazonaws.com
    user: web
    password: "{{ cache_user_passwords['queue']['web'] }}"
    refused_key: "admin:refused-proof"

- name: Probe the primary endpoint every 100 ms for up to 10 minutes, in the background
  funmagic.elasticache.redis_ping:
    host: master.app-queue.abc123.use1.cache.amazonaws.com
    password: "{{ vault_redis_token }}"
    duration: 600
    interval: 0.1
    timeout: 1
    stop_file: /tmp/stop-probing
  async: 660
  poll: 0
  register: prober
"""

RETURN = r"""
results:
  description:
    - With I(targets), the result of each target in order, the fields below (without the series') and its I(name),
      I(user), I(msg) and I(message) (what the role shows, PONG with the latency and TLS version, or the reason).
  returned: with I(targets)
  type: list
  elements: dict
  version_added: 0.4.0
pong:
  description: Whether PONG came back.
  returned: always
  type: bool
latency_ms:
  description: Milliseconds from connect to PONG.
  returned: when I(pong=true)
  type: float
tls_version:
  description: The negotiated TLS version.
  returned: when I(tls=true) and the handshake succeeded
  type: str
  sample: TLSv1.3
peer_subject:
  description: Subject of the server certificate.
  returned: when I(tls=true) and the handshake succeeded
  type: str
peer_not_after:
  description: Expiry of the server certificate.
  returned: when I(tls=true) and the handshake succeeded
  type: str
cause:
  description:
    - Why there was no PONG; one of dns, tcp, timeout, tls, auth, noperm, protocol (cluster with I(cluster)).
    - C(auth) is a refused or missing authentication (I(error) says which), C(noperm) a user that may not run PING.
  returned: when I(pong=false)
  type: str
error:
  description:
    - Redis's refusal, when there was one, C(WRONGPASS) (the user or password refused), C(NOAUTH) (no credentials
      sent, the server requires them) or C(NOPERM) (the user may not run PING); else null.
  returned: when I(pong=false)
  type: str
  version_added: 0.3.0
refused:
  description: Whether Redis answered C(NOPERM) to C(EXISTS refused_key), that is the user may not reach that key.
  returned: with I(refused_key) and PONG
  type: bool
  version_added: 0.3.0
refused_answer:
  description: Redis's answer to C(EXISTS refused_key), for example C(NOPERM this user has no permissions to access
    one of the keys used as arguments).
  returned: with I(refused_key) and PONG
  type: str
  version_added: 0.3.0
hint:
  description: What to check for that cause.
  returned: when I(pong=false)
  type: str
cluster_state:
  description: The cluster's state, C(ok).
  returned: with I(cluster=true) and PONG
  type: str
slots_ok:
  description: Slots assigned and ok, 16384.
  returned: with I(cluster=true) and PONG
  type: int
shards:
  description: Each shard's slots, its primary (host:port) and the PING latency of that primary.
  returned: with I(cluster=true) and PONG
  type: list
  elements: dict
  sample: [{slots: "0-8191", primary: "app-0001-001.app.abc123.use1.cache.amazonaws.com:6379", latency_ms: 2.1}]
pings:
  description: PINGs sent.
  returned: with I(duration)
  type: int
pings_failed:
  description: PINGs that got no PONG.
  returned: with I(duration)
  type: int
seconds:
  description: How long the probing lasted.
  returned: with I(duration)
  type: float
longest_outage_seconds:
  description: The longest time without a successful PING; 0 when none failed.
  returned: with I(duration)
  type: float
outages:
  description: Each outage, in order.
  returned: with I(duration)
  type: list
  elements: dict
  contains:
    started:
      description: Seconds from the start of the probing to the last PONG before the outage.
      type: float
    seconds:
      description: Time from the last PONG before the outage to the first PONG after it (or to the end).
      type: float
    failed_pings:
      description: PINGs that failed in it.
      type: int
    causes:
      description: The causes of those failures (dns, tcp, timeout, tls, auth, protocol).
      type: list
      elements: str
    ended:
      description: Whether a PONG came back before the end of the probing.
      type: bool
writes:
  description: Writes tried (one per PING).
  returned: with I(duration) and I(write_key)
  type: int
writes_failed:
  description: Writes refused or not answered (a PING without PONG counts as a failed write).
  returned: with I(duration) and I(write_key)
  type: int
longest_write_outage_seconds:
  description: The longest time without a successful write; 0 when none failed.
  returned: with I(duration) and I(write_key)
  type: float
write_outages:
  description: Each time without a successful write, as in RV(outages), with C(failed_writes) and causes such as
    C(readonly).
  returned: with I(duration) and I(write_key)
  type: list
  elements: dict
write_at_end:
  description: Whether the last write succeeded.
  returned: with I(duration) and I(write_key)
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import Connection
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ProbeError
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import cluster_ping
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ping
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import probe_series
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import refused
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import from_connections
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import label
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import message
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import missing_from_hosts
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import summary
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_targets import target_params


def _no_pong(p, e):
    message = "No PONG from %s:%d (%s): %s" % (p["host"], p["port"], e.cause, e.hint)
    return p["fail_on_error"], {"msg": message, "pong": False, "cause": e.cause, "hint": e.hint, "error": e.error}


def probe(p):
    """(failed, result) of one PING, and of the NOPERM proof on refused_key after PONG: failed only when there was no
    PONG, or the key was not refused, and fail_on_error is set."""
    try:
        result = (cluster_ping if p["cluster"] else ping)(p["host"], p["port"], p["tls"], p["ca_file"], p["user"],
                                                          p["password"], p["timeout"])
        if p["refused_key"] is None:
            return False, result
        result["refused"], result["refused_answer"] = refused(p["host"], p["refused_key"], p["port"], p["tls"],
                                                              p["ca_file"], p["user"], p["password"], p["timeout"])
    except ProbeError as e:
        return _no_pong(p, e)
    user = p["user"] or "default"
    if result["refused"]:
        result["msg"] = "PONG from %s:%d as %s, and %s is refused on %s (NOPERM)" % (
            p["host"], p["port"], user, user, p["refused_key"])
        return False, result
    result["msg"] = ("%s can reach %s on %s:%d, a key it should be refused (%s): the user can reach another worker's "
                     "keys. Check its access string (the worker's key_patterns and access_strings)." % (
                         user, p["refused_key"], p["host"], p["port"], result["refused_answer"]))
    return p["fail_on_error"], result


def probe_for_a_while(p):
    """(failed, result) of a series of PINGs on one connection: failed when the last one got no PONG."""
    connection = Connection(p["host"], p["port"], p["tls"], p["ca_file"], p["user"], p["password"], p["timeout"])
    try:
        writes = iter(range(1, 1 << 62))
        write_once = None if not p["write_key"] else (lambda: connection.write(p["write_key"], str(next(writes))))
        result = probe_series(connection.ping, p["duration"], p["interval"], p["stop_file"], write_once=write_once)
    finally:
        connection.close()
    result["pong"] = result.pop("pong_at_end")
    result["changed"] = result.get("writes", 0) > result.get("writes_failed", 0)
    if not result["pong"]:
        result["msg"] = "The last PING to %s:%d got no PONG (%d of %d failed)" % (
            p["host"], p["port"], result["pings_failed"], result["pings"])
    return p["fail_on_error"] and not result["pong"], result


def probe_targets(p):
    """(failed, result) of every target, one after another, after checking that /etc/hosts maps each of them."""
    try:
        targets = target_params(p)
    except ValueError as e:
        return True, {"msg": str(e), "pong": False}
    if p["hosts_file"]:
        with open(p["hosts_file"]) as handle:
            missing = missing_from_hosts(handle.read(), [t["host"] for t in targets])
        if missing:
            return True, {"msg": "%s is not in %s; resolving it would query DNS." % (missing[0], p["hosts_file"]),
                          "pong": False, "results": []}
    outcomes = []
    for t in targets:
        failed, result = probe(t)
        if "msg" not in result:
            result["msg"] = "PONG from %s:%d in %s ms" % (t["host"], t["port"], result.get("latency_ms"))
        result.update(name=t["name"], user=t["user"], message=message(t, failed, result))
        outcomes.append((failed, result))
    failed, msg = summary([label(t) for t in targets], outcomes)
    return failed, {"msg": msg, "pong": all(r["pong"] for _f, r in outcomes),
                    "results": [r for _f, r in outcomes]}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            host=dict(type="str"),
            targets=dict(type="list", elements="dict"),
            hosts_file=dict(type="path"),
            port=dict(type="int", default=6379),
            tls=dict(type="bool", default=True),
            ca_file=dict(type="path"),
            user=dict(type="str"),
            password=dict(type="str", no_log=True, aliases=["auth_token"]),
            timeout=dict(type="float", default=5),
            fail_on_error=dict(type="bool", default=True),
            cluster=dict(type="bool", default=False),
            duration=dict(type="float", default=0),
            interval=dict(type="float", default=0.1),
            stop_file=dict(type="path"),
            write_key=dict(type="str", no_log=False),
            refused_key=dict(type="str", no_log=False),
            connections=dict(type="dict"),
            tokens=dict(type="dict", default={}, no_log=True),
            workers=dict(type="list", elements="dict", default=[]),
            passwords=dict(type="dict", default={}, no_log=True),
        ),
        required_one_of=[("host", "targets", "connections")],
        mutually_exclusive=[("host", "targets", "connections")],
        supports_check_mode=True,
    )
    p = module.params
    if p["connections"] is not None:  # the same inputs as redis_cli_ping: targets built in module_utils
        p["targets"] = from_connections(p["connections"], p["tokens"], p["workers"], p["passwords"])
    if module.params["targets"] is not None and module.params["duration"] > 0:
        module.fail_json(msg="targets and duration cannot be used together: probe one endpoint for a while.")
    if module.params["targets"] is not None:
        for target in module.params["targets"]:
            if target.get("password"):
                module.no_log_values.add(target["password"])
        failed, result = probe_targets(module.params)
        if failed:
            module.fail_json(**result)
        module.exit_json(changed=False, **result)
    if module.params["cluster"] and module.params["duration"] > 0:
        module.fail_json(msg="cluster and duration cannot be used together: probe a shard's primary endpoint "
                             "for a while, or check the whole cluster once.")
    if module.params["refused_key"] is not None and module.params["duration"] > 0:
        module.fail_json(msg="refused_key and duration cannot be used together: prove the refusal once.")
    if module.params["write_key"] is not None and not module.params["duration"] > 0:
        module.fail_json(msg="write_key needs duration: it probes writes for a while; one PING writes nothing.")
    if module.check_mode:
        module.params["write_key"] = None
    failed, result = (probe_for_a_while if module.params["duration"] > 0 else probe)(module.params)
    if failed:
        module.fail_json(**result)
    result.setdefault("changed", False)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
