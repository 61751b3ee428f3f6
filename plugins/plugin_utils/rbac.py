# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RBAC: the ElastiCache users and user groups that follow from the instances with `access: rbac` and the workers of
every application host, checked. Called by rules.check() when both the cache and the client inputs are known.

One user per (rbac instance, worker that uses it): id `<group id>-<worker>`, name the worker's, its access string
derived from what the worker does there (module_utils/access.py) unless the worker sets its own. Each instance has a
user group `<group id>` holding those users and a `default` user, turned off; while the instance still has an AUTH
token in cache_auth_tokens (a move from AUTH to RBAC), the default user takes the token as its password and full
access, so clients that send the token keep working until every host uses its own user.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.six import string_types

from ansible_collections.funmagic.elasticache.plugins.module_utils import access
from ansible_collections.funmagic.elasticache.plugins.module_utils import validation
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import PURPOSES
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import instance_for
from ansible_collections.funmagic.elasticache.plugins.module_utils.serverless import is_serverless

# What a worker's user depends on: the same worker on two hosts must say the same.
_WORKER_FIELDS = ("queue_prefix", "key_patterns", "channels", "access_strings", "instances")
# Redis OSS and Valkey gained ACLs with Redis 6.0.
_MIN_MAJOR = 6


def instance_errors(where, spec):
    """What an instance with access rbac needs (TLS, Redis 6+), as messages naming the field."""
    errors = []
    if not spec["transit_encryption"]:
        errors.append("%s.access: rbac needs transit_encryption: true; ElastiCache accepts user groups over TLS only"
                      % where)
    major = str(spec.get("engine_version") or "").split(".", maxsplit=1)[0]
    if spec["engine"] == "redis" and major.isdigit() and int(major) < _MIN_MAJOR:
        errors.append("%s.access: rbac needs Redis OSS 6.0 or later (engine_version is %s); upgrade, or keep access: "
                      "token" % (where, spec["engine_version"]))
    return errors


def model(instances, clients, values, errors, rotation=False):
    """(users, user_groups) of the model, and each client worker's `users` and `refused_keys` (set in place on the
    client settings, which rules.check() made for this purpose). Problems go to `errors`. rotation: whether this is
    playbooks/rotate_auth.yml (cache_user_passwords_next is refused elsewhere)."""
    rbac = [spec for spec in instances if spec.get("access") == "rbac"]
    passwords = values.get("cache_user_passwords") or {}
    # Generated into Secrets Manager (cache_secrets: secretsmanager), the maps are what exists so far: not checked.
    generated = values.get("cache_secrets") == "secretsmanager"
    if not generated:
        _check_password_names(passwords, "cache_user_passwords", rbac, clients, errors)
        _check_password_names(values.get("cache_user_passwords_next") or {}, "cache_user_passwords_next", rbac,
                              clients, errors, rotation)
    if not rbac:
        return [], []
    facts = dict((spec["name"], {"purpose": spec["purpose"], "order": order}) for order, spec in enumerate(instances))
    workers = _workers(clients, errors)
    uses = {}  # instance name -> worker name -> set of purposes
    for worker in workers.values():
        for purpose in PURPOSES:
            try:
                name = instance_for(facts, worker, purpose)[0]
            except ValueError:
                continue  # reported by the client rules
            uses.setdefault(name, {}).setdefault(worker["name"], set()).add(purpose)
    for spec in instances:  # a move's target (moved_from) takes over its source's workers: their users exist first
        if spec.get("moved_from") in uses:
            for worker_name, purposes in uses[spec["moved_from"]].items():
                uses.setdefault(spec["name"], {}).setdefault(worker_name, set()).update(purposes)
    users, groups = [], []
    production = bool(values.get("cache_production"))
    accepted = "broad_access_string" in (values.get("cache_production_accepted_risks") or [])
    tokens = values.get("cache_auth_tokens") or {}
    for spec in rbac:
        name, group_id = spec["name"], spec["replication_group_id"]
        members = []
        for worker_name in sorted(uses.get(name) or {}):
            worker = workers[worker_name]
            if worker_name.lower() == "default":
                errors.append("client_workers (%s).name: 'default' is the user group's default user of instance %s, "
                              "which stays off; give the worker another name" % (worker_name, name))
                continue
            user = _user(spec, worker, uses[name][worker_name], errors)
            if production and not accepted and access.risks(user["access_string"]):
                errors.append("client_workers (%s).access_strings.%s: %r grants %s in a production inventory; narrow "
                              "it, or accept the risk with cache_production_accepted_risks: [broad_access_string]"
                              % (worker_name, name, user["access_string"],
                                 " and ".join(access.risks(user["access_string"]))))
            if not generated:
                _check_password(passwords, name, worker_name, "cache_user_passwords", errors)
            members.append(user)
        migrating = bool(tokens.get(name))
        # A Valkey user group needs no default user (ElastiCache turns it off) and a Valkey user cannot be without a
        # password: unless it carries the token during a move, the group holds the workers' users only.
        if spec["engine"] != "valkey" or migrating:
            members.append({
                "user_id": "%s-default" % group_id, "user_name": "default", "engine": spec["engine"],
                "instance": name, "worker": None, "user_group_id": group_id, "key_patterns": [], "channels": [],
                "default": True, "access_string": access.MIGRATION_DEFAULT if migrating else access.DEFAULT_USER_OFF,
                "no_password": not migrating})
        for user in members:
            errors.extend(validation.identifier(user["user_id"], "client_workers (%s): the user id of instance %s "
                                                "(<cache_name_prefix>-<instance>-<worker>)" % (user["worker"], name)))
        _add(users, groups, spec, members)
    _annotate(clients, users)
    return users, groups


def _add(users, groups, spec, members):
    """The instance's users and its user group, into the model's lists."""
    users.extend(members)
    groups.append({"user_group_id": spec["replication_group_id"], "engine": spec["engine"], "instance": spec["name"],
                   "user_ids": sorted(u["user_id"] for u in members)})


def managed(instances):
    """The user groups of the instances with access rbac, and the pattern of their users' ids (the purge of users
    whose worker is gone, and destroy)."""
    ids = [spec["replication_group_id"] for spec in instances if spec.get("access") == "rbac"]
    return {"user_groups": [{"user_group_id": i} for i in ids],
            "user_purge": "^(%s)-" % "|".join(re.escape(i) for i in ids) if ids else ""}


def _workers(clients, errors):
    """Worker name -> its settings, once for the fleet; the same worker set differently on two hosts is an error."""
    found, where = {}, {}
    for host in sorted(clients):
        for worker in clients[host]["workers"]:
            settings = dict((key, worker.get(key)) for key in _WORKER_FIELDS)
            name = worker["name"]
            if name in found and dict((k, found[name].get(k)) for k in _WORKER_FIELDS) != settings:
                errors.append("host %s: client_workers (%s): is set differently on host %s; with RBAC a worker is one "
                              "user per instance, so its queue_prefix, key_patterns, channels, access_strings and "
                              "instances must be the same on every host" % (host, name, where[name]))
                continue
            found.setdefault(name, worker)
            where.setdefault(name, host)
    return found


def _user(spec, worker, purposes, errors):
    name, cluster = spec["name"], bool(spec.get("cluster_mode"))
    patterns, channels = [], []
    if "queue" in purposes:
        patterns.append(access.queue_key_pattern(worker.get("queue_prefix") or "", cluster))
    if "main" in purposes:
        patterns.extend(worker.get("key_patterns") or ["%s:*" % worker["name"]])
    if "pubsub" in purposes:
        channels.extend(worker.get("channels") or ["*"])
    override = (worker.get("access_strings") or {}).get(name)
    if override is not None and not isinstance(override, string_types):
        errors.append("client_workers (%s).access_strings.%s: must be a string" % (worker["name"], name))
        override = None
    string = override or access.access_string(sorted(purposes), dict(worker, key_patterns=worker.get(
        "key_patterns") or None, channels=worker.get("channels") or None), cluster=cluster)
    return {"user_id": "%s-%s" % (spec["replication_group_id"], worker["name"].lower()), "user_name": worker["name"],
            "engine": spec["engine"], "instance": name, "worker": worker["name"], "default": False,
            "user_group_id": spec["replication_group_id"], "key_patterns": patterns, "channels": channels,
            "access_string": string, "no_password": False}


def _check_password(passwords, instance, worker, variable, errors):
    path = "%s.%s.%s" % (variable, instance, worker)
    value = (passwords.get(instance) or {}).get(worker) if isinstance(passwords.get(instance), dict) else None
    if not value:
        errors.append("%s: is not set; the RBAC user of worker %s on instance %s needs a password (from vault)"
                      % (path, worker, instance))
    elif not isinstance(value, string_types):
        errors.append("%s: must be a string (quote it)" % path)
    else:
        errors.extend(validation.auth_token(value, path))


def _check_password_names(passwords, variable, rbac, clients, errors, rotation=False):
    """Every key of a password map names an rbac instance, then a worker of the inventory."""
    names = [spec["name"] for spec in rbac]
    workers = set(w["name"] for c in clients.values() for w in c["workers"])
    for instance in sorted(passwords):
        if instance not in names:
            errors.append("%s.%s: there is no instance with access: rbac named %r" % (variable, instance, instance))
        elif not isinstance(passwords[instance], dict):
            errors.append("%s.%s: must map worker names to passwords" % (variable, instance))
        else:
            for worker in sorted(set(passwords[instance]) - workers):
                errors.append("%s.%s.%s: there is no worker named %r in client_workers" % (variable, instance, worker,
                                                                                           worker))
    if variable.endswith("_next"):
        for instance in sorted(set(passwords) & set(names)):
            for worker, value in sorted((passwords[instance] or {}).items()):
                path = "%s.%s.%s" % (variable, instance, worker)
                if not isinstance(value, string_types) or not value:
                    errors.append("%s: must be a password (a string from vault)" % path)
                    continue
                errors.extend(validation.auth_token(value, path))
                if not rotation:
                    errors.append("%s: a password rotation is pending; finish it with playbooks/rotate_auth.yml, then "
                                  "move the new password to cache_user_passwords.%s.%s and remove it here"
                                  % (path, instance, worker))


def _annotate(clients, users):
    """Each worker learns its user name on every rbac instance it uses, and a key of another worker there that its
    user must be refused on (the client role proves NOPERM with it)."""
    by_instance = {}
    for user in users:
        if not user["default"]:
            by_instance.setdefault(user["instance"], []).append(user)
    for settings in clients.values():
        for worker in settings["workers"]:
            worker["users"], worker["refused_keys"] = {}, {}
            for instance, members in sorted(by_instance.items()):
                own = [u for u in members if u["worker"] == worker["name"]]
                if not own:
                    continue
                worker["users"][instance] = own[0]["user_name"]
                others = [p for u in members if u["worker"] != worker["name"] for p in u["key_patterns"]]
                key = access.refused_key(own[0]["key_patterns"], others) if others and own[0]["key_patterns"] \
                    else None
                if key:
                    worker["refused_keys"][instance] = key


def user_passwords(users, passwords, tokens=None, next_passwords=None):
    """user id -> the passwords to give that user (a list of 1 or 2), for funmagic.elasticache.users.

    users: the model's users. passwords / next_passwords: instance -> worker -> password (cache_user_passwords and,
    during a rotation, cache_user_passwords_next: both are valid until every host uses the new one). tokens: instance
    -> AUTH token (cache_auth_tokens): the default user of an instance that still has one takes it as its password.
    A user that needs no password is left out; one whose password is missing raises ValueError naming the variable.
    """
    result = {}
    for user in users:
        instance = user["instance"]
        if user.get("no_password"):
            continue
        if user.get("default"):
            token = (tokens or {}).get(instance)
            if not token:
                raise ValueError("the default user of instance %s needs cache_auth_tokens.%s while it moves from AUTH "
                                 "to RBAC" % (instance, instance))
            result[user["user_id"]] = [token]
            continue
        current = ((passwords or {}).get(instance) or {}).get(user["worker"])
        upcoming = ((next_passwords or {}).get(instance) or {}).get(user["worker"])
        if not current and not upcoming:
            raise ValueError("cache_user_passwords.%s.%s is not set" % (instance, user["worker"]))
        result[user["user_id"]] = [p for p in (current, upcoming) if p]
    return result


def moves(specs, groups):
    """The instances whose hosts move from the AUTH token to their users in this run: the inventory asks for
    `access: rbac` and the group exists without a user group (the cache role adds it, its default user holding the
    token). playbooks/configure_hosts.yml then moves the hosts a batch at a time, each batch proving PONG.

    Each: name, replication_group_id; in the order of cache_instances.
    """
    by_id = dict((g["replication_group_id"], g) for g in groups)
    return [{"name": spec["name"], "replication_group_id": spec["replication_group_id"]} for spec in specs
            if spec.get("access") == "rbac" and not is_serverless(spec)
            and spec["replication_group_id"] in by_id and not by_id[spec["replication_group_id"]].get("user_group_ids")]
