# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""redis_ping's targets: every instance (and every worker's user) of a host checked in one module execution."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import PURPOSES
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import instance_for
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import reads_replicas

# What each target may set; the rest comes from the module's own options.
TARGET_KEYS = ("host", "port", "tls", "cluster", "user", "password", "refused_key")


def target_params(params):
    """One parameter dict per target, in order: the target's own values over the module's options.

    Each gets a `name` (the target's, the instance name for the messages). A target without a host or a name is a
    ValueError naming the field (targets[i].host), before anything connects."""
    expanded = []
    for index, target in enumerate(params["targets"] or []):
        for field in ("name", "host"):
            if not target.get(field):
                raise ValueError("targets[%d].%s: required" % (index, field))
        p = dict(params, targets=None, name=target["name"])
        p.update((key, target[key]) for key in TARGET_KEYS if target.get(key) is not None)
        p["port"] = int(p["port"])
        expanded.append(p)
    return expanded


def missing_from_hosts(text, hosts):
    """The hosts (in order, once each) that no line of an /etc/hosts text maps: resolving them would query DNS."""
    missing = []
    for host in hosts:
        if host not in missing and not re.search(r"\s" + re.escape(host) + r"(\s|$)", text, re.MULTILINE):
            missing.append(host)
    return missing


def label(p):
    """How a target is named in messages: the instance, and the user when there is one."""
    return "%s as %s" % (p["name"], p["user"]) if p.get("user") else p["name"]


def message(p, failed, result):
    """What the role shows for one target: PONG with its latency and TLS version (and the NOPERM proof), or why not."""
    if failed or not result.get("pong") or (p.get("refused_key") and not result.get("refused")):
        return "%s: %s" % (label(p), result["msg"])
    if p.get("user"):
        return "%s: PONG in %s ms%s" % (label(p), result["latency_ms"], ", refused on %s (NOPERM)" % p["refused_key"]
                                        if p.get("refused_key") else "")
    return "%s: PONG in %s ms over %s" % (p["name"], result["latency_ms"], result.get("tls_version") or "plain TCP")


def summary(labels, outcomes):
    """(failed, msg) of every target's (failed, result): failed when any failed, the message naming each of them
    with its own reason, or counting the PONGs."""
    failures = ["%s: %s" % (name, result["msg"]) for name, (failed, result) in zip(labels, outcomes) if failed]
    if failures:
        return True, "; ".join(failures)
    return False, "PONG from %d of %d" % (sum(1 for _failed, r in outcomes if r.get("pong")), len(outcomes))


def with_readers(connections, workers):
    """connections, plus "<name> (reader)" for each instance some worker reads from replicas (read_from_replicas):
    the same facts on its reader endpoint and port, `reader_of` naming the instance (whose users and secrets it
    takes). Instances without a reader endpoint are left out (the preflight refuses reading from them). A global
    datastore's instance seen from a secondary Region (local_endpoint) adds "<name> (<Region>)" on that Region's
    member, and its reader endpoint for every worker that does not write there (reads_replicas)."""
    result = dict(connections)
    regional = False
    for name, facts in connections.items():
        if facts.get("local_endpoint"):
            regional = True
            local = "%s (%s)" % (name, facts["local_region"])
            result[local] = dict(facts, endpoint=facts["local_endpoint"], reader_of=name, port=facts["local_port"])
    for worker in workers or []:
        for purpose in PURPOSES if regional else worker.get("read_from_replicas") or []:
            name, facts = instance_for(connections, worker, purpose)
            if reads_replicas(facts, worker, purpose) and facts.get("reader_endpoint"):
                result["%s (reader)" % name] = dict(facts, endpoint=facts["reader_endpoint"], reader_of=name,
                                                    port=facts.get("reader_port") or facts.get("port", 6379))
    return result


def identities(connections, tokens, workers, passwords, rotating=(), rotating_users=None):
    """Who PINGs each instance of a host, in order: an instance with a token (access token) once, an rbac instance
    once per worker that has a user there, and the reader endpoint of each instance a worker reads from replicas
    (with_readers: "<name> (reader)", with the instance's users and secrets). Each: name, connection (endpoint, port,
    tls, cluster), worker, user, secret, where (the variable that holds the secret, for the messages) and refused_key
    (another worker's key the user must get NOPERM on)."""
    found = []
    connections = with_readers(connections, workers)
    for name in sorted(connections):
        base = connections[name].get("reader_of") or name  # a reader endpoint: its instance's users and secrets
        if connections[name].get("access", "token") != "rbac":
            variable = "cache_auth_tokens_next" if base in rotating else "cache_auth_tokens"
            found.append({"name": name, "connection": connections[name], "worker": None, "user": None,
                          "secret": (tokens or {}).get(base) or None,
                          "where": "%s.%s" % (variable, base), "refused_key": None})
            continue
        for worker in sorted(workers or [], key=lambda w: w["name"]):
            user = (worker.get("users") or {}).get(base)
            if user:
                rotated = worker["name"] in ((rotating_users or {}).get(base) or [])
                variable = "cache_user_passwords_next" if rotated else "cache_user_passwords"
                found.append({"name": name, "connection": connections[name], "worker": worker["name"], "user": user,
                              "secret": ((passwords or {}).get(base) or {}).get(worker["name"]),
                              "where": "%s.%s.%s" % (variable, base, worker["name"]),
                              "refused_key": (worker.get("refused_keys") or {}).get(base)})
    return found


def from_connections(connections, tokens, workers, passwords):
    """redis_ping's targets for the instances of `connections` (the inputs model's), as identities() finds them."""
    return [{"name": i["name"], "host": i["connection"]["endpoint"], "port": i["connection"]["port"],
             "tls": i["connection"]["tls"], "cluster": i["connection"].get("cluster", False),
             "user": i["user"], "password": i["secret"], "refused_key": i["refused_key"]}
            for i in identities(connections, tokens, workers, passwords)]
