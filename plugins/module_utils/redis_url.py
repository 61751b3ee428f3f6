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


def _pick(instances, worker, purpose):
    wanted = (worker.get("instances") or {}).get(purpose)
    if wanted:
        if wanted not in instances:
            raise ValueError("worker %s maps %s to instance %s, which is not defined" %
                             (worker.get("name", "?"), purpose, wanted))
        return instances[wanted]
    same = [instances[name] for name in sorted(instances) if instances[name].get("purpose") == purpose]
    if same:
        return same[0]
    main = [instances[name] for name in sorted(instances) if instances[name].get("purpose", "main") == "main"]
    if not main:
        raise ValueError("no instance with purpose main to fall back on for %s" % purpose)
    return main[0]


def redis_env(instances, worker=None):
    """The KEY=value lines of a worker's env file.

    instances: name -> {"purpose": main|queue|pubsub, "url": ..., "tls": bool}
    worker: {"name": ..., "queue_prefix": "", "instances": {"main": name, "queue": name, "pubsub": name}}
    A purpose the worker does not map uses the first instance of that purpose, else the main one.
    """
    worker = worker or {}
    if not instances:
        raise ValueError("redis_env needs at least one instance")
    chosen = dict((purpose, _pick(instances, worker, purpose)) for purpose in PURPOSES)
    lines = ["%s=%s" % (ENV_NAMES[purpose], chosen[purpose]["url"]) for purpose in PURPOSES]
    lines.append("REDIS_TLS=%s" % ("true" if chosen["main"].get("tls") else "false"))
    lines.append("QUEUE_PREFIX=%s" % (worker.get("queue_prefix") or ""))
    return "\n".join(lines) + "\n"
