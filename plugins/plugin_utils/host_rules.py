# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The input rules of what runs on the application hosts: the client role's env files and workers (per host), and
the failover drill's probe. Called by rules.check(); each appends its problems to `errors`, naming the variable.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import PURPOSES
from ansible_collections.funmagic.elasticache.plugins.module_utils.serverless import is_serverless
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import instance_for
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import suggestion

# Directories anyone may write to: an env file there could be swapped or read by another user.
_SHARED_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
# An AWS Region name (us-west-2, us-gov-west-1).
REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


def failover_drill(variables, instance_names, inventory, errors):
    """The drill's settings; the probe host is an inventory host, or the first host of an inventory group.

    inventory: {"hosts": every host name, "groups": group name -> its hosts}.
    """
    instance = variables.get("failover_drill_instance")
    if not instance:
        errors.append("failover_drill_instance: is required; set it to the name of the instance to drill, one of %s "
                      "(-e failover_drill_instance=NAME)" % ", ".join(instance_names))
    elif instance not in instance_names:
        errors.append("failover_drill_instance: %r is not in cache_instances%s; set it to the name of the instance to "
                      "drill, one of %s" % (instance, suggestion(instance, instance_names), ", ".join(instance_names)))
    pattern = variables.get("failover_drill_host") or ""
    hosts = [pattern] if pattern in (inventory.get("hosts") or []) else (inventory.get("groups") or {}).get(pattern) or []
    if not hosts:
        errors.append("failover_drill_host: %r is neither a host nor a group with hosts in the inventory; set it to the "
                      "application host that probes, or a group whose first host does" % pattern)
    settings = dict((key, variables.get("failover_drill_" + key)) for key in (
        "interval", "probe_seconds", "settle_seconds", "max_outage_seconds", "wait_delay"))
    for key, value in sorted(settings.items()):
        if value is not None and value <= 0:
            errors.append("failover_drill_%s: must be greater than 0, got %r" % (key, value))
    interval, probe, outage = settings["interval"], settings["probe_seconds"], settings["max_outage_seconds"]
    if all(value is not None and value > 0 for value in (interval, probe, outage)) and not interval < outage < probe:
        errors.append("failover_drill_max_outage_seconds: must be longer than failover_drill_interval (%s s: a shorter "
                      "outage falls between two PINGs) and shorter than failover_drill_probe_seconds (%s s: the probe "
                      "stops before a longer one ends), got %s" % (interval, probe, outage))
    return dict(settings, instance=instance, probe_host=hosts[0] if hosts else None,
                ca_file=variables.get("failover_drill_ca_file") or "")


def drill_region(region, spec, home_region, errors):
    """failover_drill_region checked against the instance (spec, None when unknown): a Region of its global datastore,
    the inventory's aws_region (home_region) or one of its global.regions. Returns the Region, "" for a failover
    within the Region."""
    if not region or spec is None:
        return region or ""
    members = [home_region] + list((spec.get("global") or {}).get("regions") or [])
    if len(members) == 1:
        errors.append("failover_drill_region: instance %s has no global datastore (cache_instances[].global), so there "
                      "is no other Region to promote; leave failover_drill_region empty for a failover within %s"
                      % (spec["name"], home_region))
    elif region not in members:
        errors.append("failover_drill_region: %r is not a Region of instance %s's global datastore; choose one of %s"
                      % (region, spec["name"], ", ".join(members)))
    return region


# With no cache_rollout_batch in the inventory: one host first (a canary: a change that breaks every host stops
# there), then a quarter of the hosts at a time (at least one, so a small fleet still moves; never more than four
# batches after the canary, so a large one does not take an hour).
DEFAULT_ROLLOUT = [1, "25%"]


def rollout_batch(extra, inventory):
    """(serial, errors): the hosts a day-2 move (rotate_auth.yml, the TLS move) takes at a time, as its plays' serial.

    extra: redis_batch_size (an extra variable, -e redis_batch_size=4), which overrides inventory: cache_rollout_batch.
    Each is a whole number of hosts, 1 or more, or a share of them, 1% to 100%; None is not set. Neither set:
    DEFAULT_ROLLOUT. A bad value is an error naming its variable, and serial None.
    """
    field, value = ("redis_batch_size", extra) if extra is not None else ("cache_rollout_batch", inventory)
    if value is None:
        return list(DEFAULT_ROLLOUT), []
    text = str(value).strip()
    share = text.endswith("%")
    number = text[:-1] if share else text
    if isinstance(value, bool) or not number.isdigit() or not (1 <= int(number) <= 100 if share else int(number) >= 1):
        return None, ["%s: must be a number of hosts (1 or more) or a share of them (1%% to 100%%), got %r; "
                      "0 would not move the hosts in batches" % (field, value)]
    return [text if share else int(number)], []


def file_mode(value, path):
    """The mode as an int, or an error when it is not octal or lets "other" users in (the file holds a token)."""
    if isinstance(value, int) and not isinstance(value, bool):
        mode = value
    else:
        text = str(value)
        if not re.match(r"^0?[0-7]{3,4}$", text):
            return None, ["%s: %r is not an octal mode such as \"0640\"" % (path, value)]
        mode = int(text, 8)
    if mode & 0o007:
        return None, ["%s: %s lets every user on the host read or change the AUTH token in the env file; "
                      "use \"0640\" or \"0600\"" % (path, "0%o" % mode)]
    return "0%o" % mode, []


def no_reader(spec):
    """Why an instance of the inputs model has no reader endpoint to read replicas from, None when it has one."""
    if is_serverless(spec):
        return None  # its endpoint's name on port 6380
    if spec.get("cluster_mode"):
        return "it is in cluster mode, which has no reader endpoint (a cluster client reads replicas itself)"
    if not spec.get("replicas"):
        return "it has no replica (replicas: 0)"
    return None


def _reader_errors(path, worker, purposes, readers):
    """The problems of a worker's read_from_replicas: unknown purposes, instances without a reader endpoint."""
    errors = []
    instances = dict((name, {"purpose": purpose, "order": index})
                     for index, (name, purpose) in enumerate(purposes.items()))
    for purpose in worker.get("read_from_replicas") or []:
        if purpose not in PURPOSES:
            errors.append("%s.read_from_replicas: unknown purpose %r%s; known: %s"
                          % (path, purpose, suggestion(purpose, PURPOSES), ", ".join(PURPOSES)))
            continue
        try:
            name = instance_for(instances, worker, purpose)[0]
        except ValueError:
            continue  # reported with the worker's instances
        if (readers or {}).get(name):
            errors.append("%s.read_from_replicas: %s is read from instance %s, but %s; remove %s or read from an "
                          "instance with replicas" % (path, purpose, name, readers[name], purpose))
    return errors


def client(variables, purposes, errors, readers=None):
    """The host's client settings; purposes: instance name -> its purpose; readers: instance name -> why it has no
    reader endpoint (no_reader), for read_from_replicas."""
    instance_names = sorted(purposes)
    mode, problems = file_mode(variables.get("client_env_mode"), "client_env_mode")
    errors.extend(problems)
    env_dir = variables.get("client_env_dir") or ""
    if not env_dir.startswith("/"):
        errors.append("client_env_dir: %r must be an absolute path" % env_dir)
    workers, seen = [], set()
    for index, worker in enumerate(variables.get("client_workers") or []):
        if not isinstance(worker, dict) or not worker.get("name"):
            continue  # reported by convert()
        path = "client_workers[%d] (%s)" % (index, worker["name"])
        if worker["name"] in seen:
            errors.append("%s.name: %r is used twice" % (path, worker["name"]))
        seen.add(worker["name"])
        env_file = worker.get("env_file") or "%s/%s.env" % (env_dir.rstrip("/"), worker["name"])
        if not env_file.startswith("/"):
            errors.append("%s.env_file: %r must be an absolute path" % (path, env_file))
        elif any(env_file.startswith(shared + "/") for shared in _SHARED_DIRS):
            errors.append("%s.env_file: %r is in a directory every user can write to; the file holds the AUTH "
                          "token: put it under client_env_dir" % (path, env_file))
        worker_mode = mode
        if worker.get("env_mode") is not None:
            worker_mode, problems = file_mode(worker["env_mode"], "%s.env_mode" % path)
            errors.extend(problems)
        for purpose, name in sorted((worker.get("instances") or {}).items()):
            if purpose not in PURPOSES:
                errors.append("%s.instances: unknown purpose %r%s; known: %s"
                              % (path, purpose, suggestion(purpose, PURPOSES), ", ".join(PURPOSES)))
            elif name not in instance_names:
                errors.append("%s.instances.%s: there is no instance named %r%s"
                              % (path, purpose, name, suggestion(name, instance_names)))
        for purpose in PURPOSES:
            if not (worker.get("instances") or {}).get(purpose) and purpose not in purposes.values() \
                    and "main" not in purposes.values():
                errors.append("%s.instances.%s: no instance has purpose %s, nor main to fall back on; map one "
                              "(instances: {%s: NAME}) or add an instance with purpose main"
                              % (path, purpose, purpose, purpose))
        errors.extend(_reader_errors(path, worker, purposes, readers))
        workers.append(dict(worker, env_file=env_file, env_mode=worker_mode, service=worker.get("service") or "",
                            queue_prefix=worker.get("queue_prefix") or "", instances=worker.get("instances") or {}))
    if not workers and not any("client_workers" in e for e in errors):
        errors.append("client_workers: define at least one worker (name, queue_prefix)")
    region = variables.get("client_region") or ""
    if region and not REGION.match(region):
        errors.append("client_region: %r is not an AWS Region name (such as us-west-2)" % region)
    if (variables.get("client_env_backups") or 0) < 0:
        errors.append("client_env_backups: must be 0 or more, got %r" % variables["client_env_backups"])
    if (variables.get("client_ping_timeout") or 0) <= 0:
        errors.append("client_ping_timeout: must be greater than 0")
    return {
        "workers": workers,
        "env_dir": env_dir,
        "owner": variables.get("client_env_owner"),
        "group": variables.get("client_env_group"),
        "mode": mode,
        "ca_bundle": variables.get("client_ca_bundle") or "",
        "ping_timeout": variables.get("client_ping_timeout"),
        "require_hosts_entries": bool(variables.get("client_require_hosts_entries")),
        "region": region,
    }
