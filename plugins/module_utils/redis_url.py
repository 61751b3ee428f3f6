# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection strings and env files for Redis clients (BullMQ/ioredis, redis-cli, redis-py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2 is not supported, this keeps the sanity import test quiet
    from urllib import quote  # type: ignore

REDACTED = "********"
PURPOSES = ("main", "queue", "pubsub")
ENV_NAMES = {"main": "REDIS_URL", "queue": "REDIS_QUEUE_URL", "pubsub": "REDIS_PUBSUB_URL"}
# Set to true only for an instance in cluster mode, whose URL is the configuration endpoint (use a cluster client).
CLUSTER_NAMES = {"main": "REDIS_CLUSTER", "queue": "REDIS_QUEUE_CLUSTER", "pubsub": "REDIS_PUBSUB_CLUSTER"}
# For the purposes a worker reads from replicas (read_from_replicas): the instance's reader endpoint.
READER_NAMES = {"main": "REDIS_READER_URL", "queue": "REDIS_QUEUE_READER_URL", "pubsub": "REDIS_PUBSUB_READER_URL"}
# BullMQ's own default prefix, hash-tagged when the queue instance is a cluster.
BULLMQ_PREFIX = "bull"


def redis_url(host, port=6379, tls=True, user=None, token=None, db=None, redact=False):
    """redis:// or rediss:// URL. The token is percent-encoded; with a token and no user the user is
    'default', because redis-cli sends an empty user name for rediss://:TOKEN@host and is refused."""
    if not host:
        raise ValueError("redis_url needs an endpoint host name")
    scheme = "rediss" if tls else "redis"
    auth = ""
    if token:
        secret = REDACTED if redact else quote(str(token), safe="")
        auth = "%s:%s@" % (quote(user or "default", safe=""), secret)
    elif user:
        auth = "%s@" % quote(user, safe="")
    url = "%s://%s%s:%d" % (scheme, auth, host, int(port))
    if db is not None:
        url += "/%d" % int(db)
    return url


def redact_url(url):
    """The same URL with the password replaced, for anything that is printed."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _sep, location = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return "%s://%s:%s@%s" % (scheme, user, REDACTED, location)


def queue_prefix(prefix, cluster=False):
    """A worker's QUEUE_PREFIX from its queue_prefix: as it is, or on a cluster queue instance in a hash tag (BullMQ's
    own `bull` when empty), so that all keys of a BullMQ queue land in one slot."""
    prefix = prefix or ""
    if cluster:
        prefix = "{%s}" % (prefix.strip("{}") or BULLMQ_PREFIX)
    return prefix


def instance_for(instances, worker, purpose):
    """(name, facts) of the instance a worker uses for a purpose."""
    wanted = (worker.get("instances") or {}).get(purpose)
    if wanted:
        if wanted not in instances:
            raise ValueError("worker %s maps %s to instance %s, which is not defined" %
                             (worker.get("name", "?"), purpose, wanted))
        return wanted, instances[wanted]
    ranked = sorted(instances, key=lambda name: (instances[name].get("order", 0), name))
    for fallback in (purpose, "main"):
        same = [name for name in ranked if instances[name].get("purpose", "main") == fallback]
        if same:
            return same[0], instances[same[0]]
    raise ValueError("no instance with purpose main to fall back on for %s" % purpose)


def _credentials(name, facts, worker, tokens, passwords):
    """(user, secret) of a worker's URL to an instance: its own user and password (access: rbac), else the token."""
    if facts.get("access", "token") != "rbac":
        return None, tokens.get(name) or None
    worker_name = worker.get("name")
    if not worker_name:
        raise ValueError("instance %s has access rbac: the worker needs a name, its user's" % name)
    password = (passwords.get(name) or {}).get(worker_name)
    if not password:
        raise ValueError("cache_user_passwords.%s.%s is not set: instance %s has access rbac, and worker %s connects "
                         "to it as its own user" % (name, worker_name, name, worker_name))
    return (worker.get("users") or {}).get(name) or worker_name, password


def writer_endpoint(facts, worker):
    """(host, port) a worker writes an instance through: its own Region's read-only secondary (local_endpoint, which
    host_connections sets for a host in a secondary Region) when the worker's global_writes is local, else the
    instance's endpoint (a global datastore's primary member)."""
    if worker.get("global_writes") == "local" and facts.get("local_endpoint"):
        return facts["local_endpoint"], facts.get("local_port") or facts.get("port", 6379)
    return facts["endpoint"], facts.get("port", 6379)


def reads_replicas(facts, worker, purpose):
    """Whether a worker's env file gets the purpose's reader URL: the purpose is in its read_from_replicas, or the
    instance has a secondary in the host's Region that the worker does not write to (reads stay in the Region)."""
    if purpose in (worker.get("read_from_replicas") or []):
        return True
    return bool(facts.get("local_endpoint")) and worker.get("global_writes") != "local"


def redis_env(instances, worker=None, tokens=None, passwords=None):
    """The KEY=value lines of a worker's env file.

    instances: name -> {"purpose": main|queue|pubsub, "endpoint": host, "port": 6379, "tls": bool, "cluster": bool,
                        "order": the instance's place in cache_instances, "access": token|rbac}
    worker: {"name": ..., "queue_prefix": "", "instances": {"main": name, "queue": name, "pubsub": name},
             "users": {instance: user name} (access rbac; the worker's name when absent)}
    tokens: name -> AUTH token (cache_auth_tokens); an instance without one gets a URL without credentials.
    passwords: name -> worker name -> password (cache_user_passwords): an instance with access rbac gets
               rediss://USER:PASSWORD@host:port, the worker's own user; a missing password is a ValueError naming
               cache_user_passwords.INSTANCE.WORKER.
    A purpose the worker does not map uses the first instance of that purpose (by order, then name), else the main one.
    A purpose in the worker's read_from_replicas adds REDIS_READER_URL (REDIS_QUEUE_READER_URL, ...) on the instance's
    reader_endpoint and reader_port, with the same credentials.
    A global datastore's instance, for a host in a secondary Region (local_endpoint): the URL is the primary member's
    and the reader URL the Region's own member's, or with the worker's global_writes local, the URL is the Region's
    read-only member (writer_endpoint, reads_replicas).
    An instance in cluster mode adds REDIS_CLUSTER (or REDIS_QUEUE_CLUSTER, REDIS_PUBSUB_CLUSTER)=true, and a
    cluster queue instance gets QUEUE_PREFIX in a hash tag ({prefix}, {bull} by default), so that all keys of a
    BullMQ queue land in one slot.
    """
    worker, tokens, passwords = worker or {}, tokens or {}, passwords or {}
    if not instances:
        raise ValueError("redis_env needs at least one instance")
    lines, chosen = [], {}
    for purpose in PURPOSES:
        name, facts = chosen[purpose] = instance_for(instances, worker, purpose)
        user, secret = _credentials(name, facts, worker, tokens, passwords)
        host, port = writer_endpoint(facts, worker)
        url = redis_url(host, port, facts.get("tls", True), user=user, token=secret)
        lines.append("%s=%s" % (ENV_NAMES[purpose], url))
    for purpose in PURPOSES:
        name, facts = chosen[purpose]
        if reads_replicas(facts, worker, purpose):
            if not facts.get("reader_endpoint"):
                raise ValueError("worker %s reads %s from replicas, but instance %s has no reader endpoint"
                                 % (worker.get("name", "?"), purpose, name))
            user, secret = _credentials(name, facts, worker, tokens, passwords)
            lines.append("%s=%s" % (READER_NAMES[purpose], redis_url(
                facts["reader_endpoint"], facts.get("reader_port") or facts.get("port", 6379), facts.get("tls", True),
                user=user, token=secret)))
    lines.extend("%s=true" % CLUSTER_NAMES[p] for p in PURPOSES if chosen[p][1].get("cluster"))
    lines.append("REDIS_TLS=%s" % ("true" if chosen["main"][1].get("tls") else "false"))
    lines.append("QUEUE_PREFIX=%s" % queue_prefix(worker.get("queue_prefix"), chosen["queue"][1].get("cluster")))
    return "\n".join(lines) + "\n"


def _variables(text):
    """KEY -> value of the KEY=value lines of an env file (comments and blank lines skipped)."""
    found = {}
    for line in (text or "").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, _sep, value = line.partition("=")
            found[key.strip()] = value
    return found


def _shown(value):
    if value is None:
        return "(absent)"
    return redact_url(value) if value.startswith(("redis://", "rediss://")) else value


def env_differences(expected, actual):
    """[(variable, as the inventory wants it, as the file has it)] for every variable that differs, secrets masked.

    A URL whose only difference is its secret shows as the same masked URL on both sides, marked "(another token)"
    for the default user's token, "(another password)" for an ACL user's; a missing file (actual None) differs in
    every variable.
    """
    wanted, found = _variables(expected), _variables(actual)
    rows = []
    for name in sorted(set(wanted) | set(found)):
        if wanted.get(name) == found.get(name):
            continue
        inventory, host = _shown(wanted.get(name)), _shown(found.get(name))
        if inventory == host:
            host += " (another token)" if "://default:" in host else " (another password)"
        rows.append((name, inventory, host))
    return rows
