# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's input model, in plain Python: every input checked at once, then resolved.

`check()` takes the inventory's variables (role defaults already under them) and returns the model the
roles work from: derived names, instance specs, alarm settings and each host's client settings. It never
returns a secret: tokens are checked where they live (cache_auth_tokens) and only `auth: true` is kept.

`check_prerequisites()` adds what must already exist in AWS (VPC, subnets in two AZs, the application
security group, SNS topics), from read-only lookups. `connections()` and `alarms()` turn the specs plus the
described replication groups into what the client, monitoring, auth and destroy code use; the cost report prices
the specs with the node_prices module.

Types, choices and known keys come from the roles' meta/argument_specs.yml (the one place they are
declared); the rules AWS enforces come from module_utils/validation.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import os
import re

import yaml

from ansible.module_utils.common.validation import check_type_bool
from ansible.module_utils.common.validation import check_type_dict
from ansible.module_utils.common.validation import check_type_float
from ansible.module_utils.common.validation import check_type_int
from ansible.module_utils.common.validation import check_type_list
from ansible.module_utils.six import string_types

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost
from ansible_collections.funmagic.elasticache.plugins.module_utils import validation
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redact_url
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import redis_url

ROLES = ("network", "cache", "monitoring", "client", "destroy")
ROLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")
PURPOSES = ("main", "queue", "pubsub")
# BullMQ refuses to run on an instance that may evict keys.
PURPOSE_PARAMETERS = {"queue": {"maxmemory-policy": "noeviction"}}
RISKS = ("no_transit_encryption", "no_auth_token", "no_replica")
LOG_RETENTION_DAYS = validation.LOG_RETENTION_DAYS
LOG_TYPES = (("slow_log", "slow-log"), ("engine_log", "engine-log"))
# Default names, "<prefix>-<suffix>"; with the prefix funmagic they are the console runbook's names.
DEFAULT_NAMES = {
    "network_app_security_group": "ec2-sg",
    "network_redis_security_group": "redis-sg",
    "network_subnet_group": "redis-subnet",
}
# Directories anyone may write to: an env file there could be swapped or read by another user.
_SHARED_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
_SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
_SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_VPC_ID = re.compile(r"^vpc-[0-9a-f]{8,17}$")
_CHECKERS = {
    "int": check_type_int,
    "bool": check_type_bool,
    "float": check_type_float,
    "dict": check_type_dict,
    "list": check_type_list,
}


def role_declarations(roles_dir=ROLES_DIR):
    """(specs, defaults) of every role input, from the roles' meta/argument_specs.yml and defaults/main.yml."""
    specs, defaults = {}, {}
    for role in sorted(os.listdir(roles_dir)):
        spec_file = os.path.join(roles_dir, role, "meta", "argument_specs.yml")
        if not os.path.exists(spec_file):
            continue
        with open(spec_file, encoding="utf-8") as handle:
            specs.update(yaml.safe_load(handle)["argument_specs"]["main"]["options"])
        with open(os.path.join(roles_dir, role, "defaults", "main.yml"), encoding="utf-8") as handle:
            defaults.update(yaml.safe_load(handle) or {})
    return specs, defaults


class InputError(ValueError):
    """Every problem found, one message per line; each message starts with the variable path."""

    def __init__(self, errors):
        self.errors = list(errors)
        super(InputError, self).__init__("\n".join(self.errors))


def suggestion(word, candidates):
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return " (did you mean %s?)" % close[0] if close else ""


def _str(value):
    if not isinstance(value, string_types):
        raise TypeError("%r is not a string" % (value,))
    return value


def convert(value, spec, path, errors):
    """`value` converted and checked against an argument_specs entry; problems appended to errors.

    Unknown keys of dict options are refused with a suggestion. Suboption defaults are not applied: that
    is merge_defaults()'s job, for the one option that has them (cache_defaults).
    """
    kind = spec.get("type", "str")
    if value is None:
        return None
    try:
        if kind in ("str", "path"):
            value = _str(value)
        elif kind in _CHECKERS:
            value = _CHECKERS[kind](value)
    except (TypeError, ValueError) as e:
        shown = "a %s" % type(value).__name__ if spec.get("no_log") else "%r (%s)" % (value, e)
        errors.append("%s: must be %s, got %s" % (path, _KIND_NAMES.get(kind, kind), shown))
        return None
    if spec.get("choices") and kind != "list" and value not in spec["choices"]:
        choices = [str(c) for c in spec["choices"]]
        errors.append("%s: must be one of %s, got %r%s" % (path, ", ".join(choices), value, suggestion(value, choices)))
    if kind == "list":
        element = dict(spec, type=spec.get("elements", "raw"))
        element.pop("elements", None)
        return [convert(item, element, "%s[%d]%s" % (path, index, _label(item)), errors)
                for index, item in enumerate(value)]
    if kind == "dict" and spec.get("options"):
        return _convert_options(value, spec["options"], path, errors)
    return value


def _convert_options(value, options, path, errors):
    result = {}
    for key in sorted(value, key=str):
        if key not in options:
            known = ", ".join(sorted(options))
            errors.append("%s: unknown key %r%s; known keys: %s" % (path, key, suggestion(key, options), known))
            continue
        result[key] = convert(value[key], options[key], "%s.%s" % (path, key), errors)
    for key, spec in sorted(options.items()):
        if spec.get("required") and value.get(key) in (None, ""):
            errors.append("%s.%s: is required" % (path, key))
    return result


_KIND_NAMES = {"int": "a whole number", "bool": "true or false", "dict": "a mapping", "list": "a list",
               "str": "a string", "path": "a path", "float": "a number"}


def merge_defaults(options, value):
    """The user's mapping over the defaults its argument_specs declare (cache_defaults)."""
    merged = dict((key, spec["default"]) for key, spec in options.items() if "default" in spec)
    merged.update(dict((k, v) for k, v in (value or {}).items() if v is not None))
    return merged


def _label(item):
    name = item.get("name") if isinstance(item, dict) else None
    return " (%s)" % name if isinstance(name, string_types) and name else ""


def _instance_path(index, instance):
    return "cache_instances[%d]%s" % (index, _label(instance))


def family(engine, version):
    """Parameter group family of an engine version: redis 7.1 -> redis7, redis 6.2 -> redis6.x, valkey 8.0 -> valkey8."""
    major = str(version).split(".", 1)[0]
    if engine == "redis" and major == "6":
        return "redis6.x"
    if (engine, major) in (("redis", "7"), ("valkey", "7"), ("valkey", "8")):
        return "%s%s" % (engine, major)
    raise ValueError("engine %s %s has no supported parameter group family (redis 6/7, valkey 7/8)" % (engine, version))


def _node_type(value, path, allow_unknown):
    if value in cost.HOURLY_USD:
        return []
    if allow_unknown:
        try:
            cost.vcpus(value)
            return []
        except ValueError as e:
            return ["%s: %s" % (path, e)]
    return ["%s: %r is not an ElastiCache node type this collection knows%s. If it is newer than the catalog, "
            "set cache_allow_unknown_node_types: true." % (path, value, suggestion(value, cost.HOURLY_USD))]


def _window_errors(path, spec):
    return ["%s: %s" % (path, message) for message in
            validation.windows(spec.get("snapshot_window"), spec.get("maintenance_window"))]


def _instance_specs(variables, specs, errors, log_delivery):
    """The resolved instances: cache_defaults (merged over the role's) under each instance, checked."""
    prefix = variables["cache_name_prefix"]
    options = specs["cache_defaults"]["options"]
    defaults = merge_defaults(options, variables.get("cache_defaults"))
    tokens = variables.get("cache_auth_tokens") or {}
    risks = set(variables.get("cache_production_accepted_risks") or [])
    production = bool(variables.get("cache_production"))
    tags = variables.get("cache_tags") or {}
    if log_delivery["retention_days"] not in LOG_RETENTION_DAYS:
        errors.append("cache_log_delivery.retention_days: CloudWatch Logs keeps events for one of %s days, got %r"
                      % (", ".join(map(str, LOG_RETENTION_DAYS)), log_delivery["retention_days"]))
    resolved, names = [], []
    for index, instance in enumerate(variables.get("cache_instances") or []):
        where = _instance_path(index, instance)
        if not isinstance(instance, dict) or not instance.get("name"):
            continue  # reported by convert(): a mapping with a name is required
        name = instance["name"]
        if name in names:
            errors.append("%s.name: %r is used twice; instance names must be unique" % (where, name))
        names.append(name)
        spec = dict(defaults)
        spec.update(dict((k, v) for k, v in instance.items() if v is not None))
        spec["purpose"] = instance.get("purpose") or "main"
        spec["replication_group_id"] = ("%s-%s" % (prefix, name) if prefix else name).lower()
        spec["parameter_group"] = spec["replication_group_id"]
        spec["description"] = instance.get("description") or "%s Redis (%s)" % (name, spec["purpose"])
        spec["parameters"] = dict(spec.get("parameters") or {}, **PURPOSE_PARAMETERS.get(spec["purpose"], {}))
        if spec["cluster_mode"]:
            spec["parameters"]["cluster-enabled"] = "yes"  # AWS creates a cluster-mode group only with this
        errors.extend(_shard_errors(where, spec))
        spec["tags"] = dict(tags, **(spec.get("tags") or {}))
        spec["tags"].setdefault("Purpose", spec["purpose"])
        spec["auth"] = bool(tokens.get(name))
        if spec.get("restore_from_snapshot") and spec.get("primary_cluster_id"):
            errors.append("%s: restore_from_snapshot and primary_cluster_id both say where the data comes from; "
                          "choose one" % where)
        if spec.get("primary_cluster_id"):
            errors.extend(validation.identifier(spec["primary_cluster_id"], "%s.primary_cluster_id" % where))
            if spec["at_rest_encryption"]:
                errors.append("%s.at_rest_encryption: a group made around cache cluster %s takes the cluster's "
                              "settings, and cache clusters have no encryption at rest; set at_rest_encryption: "
                              "false for this instance, or restore_from_snapshot into a new encrypted group instead"
                              % (where, spec["primary_cluster_id"]))
        spec["log_delivery_configurations"] = _log_delivery(log_delivery, spec)
        try:
            spec["family"] = family(spec["engine"], spec["engine_version"])
        except ValueError as e:
            errors.append("%s.engine_version: %s" % (where, e))
        errors.extend(validation.identifier(spec["replication_group_id"],
                                            "%s: the replication group id (cache_name_prefix-name)" % where))
        errors.extend(_node_type(spec["node_type"], "%s.node_type" % where,
                                 variables.get("cache_allow_unknown_node_types")))
        errors.extend(validation.replicas(spec["replicas"], "%s.replicas" % where))
        errors.extend(validation.retention(spec["snapshot_retention_limit"], "%s.snapshot_retention_limit" % where))
        errors.extend(_window_errors(where, spec))
        if tokens.get(name) and not spec["transit_encryption"]:
            errors.append("%s.transit_encryption: is false, but cache_auth_tokens.%s is set; ElastiCache only "
                          "accepts an AUTH token over TLS" % (where, name))
        if production:
            for risk, present, fix in (("no_transit_encryption", not spec["transit_encryption"],
                                        "transit_encryption: true"),
                                       ("no_auth_token", not spec["auth"], "a token in cache_auth_tokens.%s" % name),
                                       ("no_replica", spec["replicas"] == 0, "replicas: 1")):
                if present and risk not in risks:
                    errors.append("%s: %s in a production inventory (cache_production: true); set %s, or accept "
                                  "the risk with cache_production_accepted_risks: [%s]" % (where, risk.replace(
                                      "_", " "), fix, risk))
        resolved.append(spec)
    for name in sorted(set(tokens) - set(names)):
        errors.append("cache_auth_tokens.%s: there is no instance named %r%s" % (name, name, suggestion(name, names)))
    _check_next_tokens(variables, names, tokens, errors)
    for name in sorted(tokens):
        if name in names and tokens[name] and not isinstance(tokens[name], string_types):
            errors.append("cache_auth_tokens.%s: must be a string (quote it)" % name)
        elif name in names and tokens[name]:
            errors.extend(validation.auth_token(tokens[name], "cache_auth_tokens.%s" % name))
    return resolved


def _shard_errors(where, spec):
    """Cluster mode: 1 to 500 shards and at most 500 nodes; shards alone mean nothing without it."""
    shards, replicas = spec.get("shards"), spec.get("replicas") or 0
    if shards is None:
        return []
    if not spec["cluster_mode"]:
        return ["%s.shards: %d shards need cluster_mode: true" % (where, shards)] if shards != 1 else []
    if not 1 <= shards <= 500:
        return ["%s.shards: must be between 1 and 500, got %d" % (where, shards)]
    if shards * (1 + replicas) > 500:
        return ["%s: %d shards with %d replicas each are %d nodes; ElastiCache allows 500 in one cluster"
                % (where, shards, replicas, shards * (1 + replicas))]
    return []


def _log_delivery(settings, spec):
    """The replication group's log delivery configurations: one per log type that is on, each in its own group."""
    return [{"log_type": log_type, "log_format": settings["log_format"], "destination_type": "cloudwatch-logs",
             "log_group": "/elasticache/%s/%s" % (spec["replication_group_id"], log_type)}
            for key, log_type in LOG_TYPES if settings[key]]


def parameter_groups(model):
    """Every instance's cache parameter group, for funmagic.elasticache.parameter_group's parameter_groups."""
    return [{"name": spec["parameter_group"], "family": spec.get("family"), "parameters": spec["parameters"],
             "description": "Parameters of %s (%s)" % (spec["name"], spec["purpose"]), "tags": spec["tags"]}
            for spec in model["instances"]]


def log_groups(model):
    """The CloudWatch Logs log groups of every instance's log delivery, with the retention to give them."""
    return [{"name": c["log_group"], "retention_days": model["cache"]["log_retention_days"]}
            for spec in model["instances"] for c in spec["log_delivery_configurations"]]


def _check_next_tokens(variables, names, tokens, errors):
    """cache_auth_tokens_next: the new tokens of a rotation (playbooks/rotate_auth.yml), checked like the others."""
    next_tokens = variables.get("cache_auth_tokens_next") or {}
    rotation = variables.get("_rotation")
    for name in sorted(next_tokens):
        path = "cache_auth_tokens_next.%s" % name
        token = next_tokens[name]
        if name not in names:
            errors.append("%s: there is no instance named %r%s" % (path, name, suggestion(name, names)))
        elif not isinstance(token, string_types) or not token:
            errors.append("%s: must be a non-empty string (quote it)" % path)
        elif token == tokens.get(name):
            if rotation:
                errors.append("%s: is the same as cache_auth_tokens.%s; a rotation needs a new token" % (path, name))
        else:
            errors.extend(validation.auth_token(token, path))
            if not rotation:
                errors.append("%s: a token rotation is pending; finish it with playbooks/rotate_auth.yml, then move "
                              "the new token to cache_auth_tokens.%s and remove cache_auth_tokens_next" % (path, name))
    if rotation and not next_tokens:
        errors.append("cache_auth_tokens_next: set the new token of each instance to rotate (from vault)")


def check_existing(specs, groups, port):
    """What AWS cannot change on the groups that exist, refused before anything changes, with the choices.

    Also marks each spec whose group exists without a token while the inventory has one: its token is added
    with ROTATE (clients without a token keep working) and made the only way in (SET) once the hosts use it.
    """
    by_id = dict((g["replication_group_id"], g) for g in groups)
    errors = []
    for index, spec in enumerate(specs):
        group = by_id.get(spec["replication_group_id"])
        if group is None or group.get("status") == "deleting":
            continue
        where = "cache_instances[%d] (%s)" % (index, spec["name"])
        migrate = ("or migrate: snapshot the group, create a new instance from the snapshot with the setting you "
                   "want, move the clients to it, then delete %s with a final snapshot" % spec["replication_group_id"])
        at_rest = bool(group.get("at_rest_encryption_enabled"))
        if at_rest != bool(spec["at_rest_encryption"]):
            errors.append("%s.at_rest_encryption: replication group %s has it %s and AWS cannot change that in place; "
                          "either keep it (set at_rest_encryption: %s for this instance) %s"
                          % (where, spec["replication_group_id"], "on" if at_rest else "off",
                             str(at_rest).lower(), migrate))
        if group.get("engine") == "valkey" and spec["engine"] == "redis":
            errors.append("%s.engine: replication group %s runs valkey, which cannot go back to redis; set engine: valkey"
                          % (where, spec["replication_group_id"]))
        if bool(group.get("cluster_enabled")) != bool(spec["cluster_mode"]):
            errors.append("%s.cluster_mode: replication group %s has cluster mode %s and AWS cannot change that in "
                          "place; either keep it (set cluster_mode: %s for this instance) %s"
                          % (where, spec["replication_group_id"], "enabled" if group.get("cluster_enabled") else
                             "disabled", str(bool(group.get("cluster_enabled"))).lower(), migrate))
        endpoint = group.get("primary_endpoint") or group.get("configuration_endpoint") or {}
        if port and endpoint.get("port") and endpoint["port"] != port:
            errors.append("cache_port: replication group %s listens on %s and AWS cannot change a port in place; "
                          "either set cache_port: %s %s" % (spec["replication_group_id"], endpoint["port"],
                                                            endpoint["port"], migrate))
        if spec["auth"] and not group.get("auth_token_enabled"):
            spec["auth_strategy"] = "rotate"
    if errors:
        raise InputError(errors)


def _network(variables, errors):
    prefix = variables["cache_name_prefix"]
    names = dict((key, variables.get(key) or "%s-%s" % (prefix, suffix)) for key, suffix in DEFAULT_NAMES.items())
    for key in ("network_redis_security_group", "network_subnet_group", "network_app_security_group"):
        if len(names[key]) > 255:
            errors.append("%s: %r is longer than 255 characters" % (key, names[key]))
    errors.extend(validation.identifier(names["network_subnet_group"], "network_subnet_group", 255))
    vpc_id = variables.get("network_vpc_id") or ""
    if vpc_id and not _VPC_ID.match(vpc_id):
        errors.append("network_vpc_id: %r is not a VPC id (vpc-0123abcd); leave it empty for the default VPC" % vpc_id)
    for index, subnet in enumerate(variables.get("network_subnet_ids") or []):
        if subnet and not _SUBNET_ID.match(subnet):
            errors.append("network_subnet_ids[%d]: %r is not a subnet id (subnet-0123abcd)" % (index, subnet))
    return {
        "vpc_id": vpc_id,
        "subnet_ids": list(variables.get("network_subnet_ids") or []),
        "app_security_group": names["network_app_security_group"],
        "redis_security_group": names["network_redis_security_group"],
        "subnet_group": names["network_subnet_group"],
        "tags": dict(variables.get("network_tags") or {}),
    }


def _monitoring(variables, errors):
    for index, arn in enumerate(variables.get("monitoring_alarm_actions") or []):
        if not _SNS_ARN.match(str(arn)):
            errors.append("monitoring_alarm_actions[%d]: %r is not an SNS topic ARN "
                          "(arn:aws:sns:REGION:ACCOUNT:NAME)" % (index, arn))
    for key in ("monitoring_connections_limit", "monitoring_period", "monitoring_evaluation_periods",
                "monitoring_replication_lag_seconds"):
        if variables.get(key) is not None and variables[key] <= 0:
            errors.append("%s: must be greater than 0, got %r" % (key, variables[key]))
    if variables.get("monitoring_period") and variables["monitoring_period"] % 60 and variables["monitoring_period"] \
            not in (10, 30):
        errors.append("monitoring_period: CloudWatch takes 10, 30 or a multiple of 60 seconds, got %r"
                      % variables["monitoring_period"])
    if (variables.get("monitoring_evictions_limit") or 0) < 0:
        errors.append("monitoring_evictions_limit: must be 0 or more, got %r" % variables["monitoring_evictions_limit"])
    return {
        "enabled": bool(variables.get("monitoring_enabled", True)),
        "prefix": variables.get("monitoring_alarm_prefix") or "",
        "actions": list(variables.get("monitoring_alarm_actions") or []),
        "connections_limit": variables.get("monitoring_connections_limit"),
        "evictions_limit": variables.get("monitoring_evictions_limit"),
        "replication_lag_seconds": variables.get("monitoring_replication_lag_seconds"),
        "period": variables.get("monitoring_period"),
        "evaluation_periods": variables.get("monitoring_evaluation_periods"),
    }


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


def _client(variables, instance_names, errors):
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
        workers.append(dict(worker, env_file=env_file, env_mode=worker_mode, service=worker.get("service") or "",
                            queue_prefix=worker.get("queue_prefix") or "", instances=worker.get("instances") or {}))
    if not workers and not any("client_workers" in e for e in errors):
        errors.append("client_workers: define at least one worker (name, queue_prefix)")
    if (variables.get("client_ping_timeout") or 0) <= 0:
        errors.append("client_ping_timeout: must be greater than 0")
    return {
        "workers": workers,
        "env_dir": env_dir,
        "owner": variables.get("client_env_owner"),
        "group": variables.get("client_env_group"),
        "mode": mode,
        "ca_bundle": variables.get("client_ca_bundle") or "",
        "verify": bool(variables.get("client_verify")),
        "ping_timeout": variables.get("client_ping_timeout"),
        "require_hosts_entries": bool(variables.get("client_require_hosts_entries")),
    }


def converted(variables, specs, names, errors):
    """The variables `names` converted by their argument specs (unknown nested keys refused)."""
    result = dict(variables)
    for name in names:
        if name in variables:
            result[name] = convert(variables[name], specs[name], name, errors)
    return result


def check(variables, specs, roles, client_variables=None):
    """The model of the inputs of `roles`, or InputError listing every problem.

    variables: name -> value for every role input (role defaults under the inventory's values).
    specs: name -> argument_specs entry, for every role input.
    client_variables: host -> its client_* variables, when the client role is checked.
    """
    errors = []
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise InputError(["roles: unknown role(s) %s; known: %s" % (", ".join(unknown), ", ".join(ROLES))])
    shared = [n for n in specs if not n.startswith("client_")]
    values = converted(variables, specs, shared, errors)
    prefix = values.get("cache_name_prefix") or ""
    errors.extend(validation.identifier(prefix, "cache_name_prefix", 30))
    if not values.get("cache_instances"):
        errors.append("cache_instances: define at least one instance (name, purpose)")
    port = values.get("cache_port")
    if port is not None and not 1024 <= port <= 65535:
        errors.append("cache_port: must be between 1024 and 65535, got %r" % port)
    model = {"prefix": prefix, "port": port, "region": variables.get("aws_region")}
    log_delivery = merge_defaults(specs["cache_log_delivery"]["options"], values.get("cache_log_delivery"))
    model["instances"] = _instance_specs(values, specs, errors, log_delivery) if prefix is not None else []
    model["tokens_defined"] = sorted(n for n, t in (values.get("cache_auth_tokens") or {}).items() if t)
    model["next_tokens_defined"] = sorted(n for n, t in (values.get("cache_auth_tokens_next") or {}).items() if t)
    for key in ("cache_wait_timeout", "cache_wait_delay"):
        if values.get(key) is not None and values[key] <= 0:
            errors.append("%s: must be greater than 0, got %r" % (key, values[key]))
    model["cache"] = dict((key[len("cache_"):], values.get(key)) for key in (
        "cache_apply_immediately", "cache_notification_topic_arn", "cache_wait_timeout", "cache_wait_delay"))
    model["cache"]["tags"] = dict(values.get("cache_tags") or {})
    model["cache"]["log_retention_days"] = log_delivery["retention_days"]
    model["log_groups"] = log_groups(model)
    model["parameter_groups"] = parameter_groups(model)
    model["network"] = _network(values, errors)
    if "monitoring" in roles:
        model["monitoring"] = _monitoring(values, errors)
        model["alarm_purge"] = alarm_purge(model)
    if "destroy" in roles:
        if values.get("destroy_confirm") != prefix:
            errors.append("destroy_confirm: this deletes every %s-* cache; confirm with -e destroy_confirm=%s"
                          % (prefix, prefix))
        model["destroy"] = {"skip_final_snapshot": bool(values.get("destroy_skip_final_snapshot"))}
    if "client" in roles:
        names = [spec["name"] for spec in model["instances"]]
        client_names = [n for n in specs if n.startswith("client_")]
        model["clients"] = {}
        for host in sorted(client_variables or {}):
            host_errors = []
            host_values = converted(client_variables[host], specs, client_names, host_errors)
            model["clients"][host] = _client(host_values, names, host_errors)
            errors.extend("host %s: %s" % (host, e) for e in host_errors)
    if errors:
        raise InputError(_unique(errors))
    return model


def _unique(items):
    seen, result = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result


def check_prerequisites(model, found):
    """Errors for what must already exist in AWS, from read-only lookups.

    found: vpcs (the chosen VPC, 0 or 1), subnets (of that VPC), app_security_groups and redis_security_groups
    (by name in that VPC), sns_topics (arn -> exists). Returns the network facts found (vpc_id, subnet_ids,
    availability zones, app_security_group_id, redis_security_group_id or None while it does not exist yet),
    or raises InputError.
    """
    errors, network = [], model["network"]
    vpcs = found.get("vpcs") or []
    if not vpcs:
        errors.append("network_vpc_id: VPC %s was not found in %s" % (network["vpc_id"], model.get("region"))
                      if network["vpc_id"] else
                      "network_vpc_id: this account has no default VPC in %s; set network_vpc_id" % model.get("region"))
        raise InputError(errors)
    vpc_id = vpcs[0]["vpc_id"]
    by_id = dict((s["subnet_id"], s) for s in found.get("subnets") or [])
    chosen = network["subnet_ids"] or sorted(by_id)
    for index, subnet in enumerate(network["subnet_ids"]):
        if subnet not in by_id:
            errors.append("network_subnet_ids[%d]: subnet %s is not in VPC %s" % (index, subnet, vpc_id))
    zones = sorted(set(by_id[s]["availability_zone"] for s in chosen if s in by_id))
    if len(zones) < 2:
        errors.append("%s: the subnets of VPC %s are in %s; ElastiCache needs subnets in at least two availability "
                      "zones for Multi-AZ and failover; add a subnet in another zone or list subnets of two zones"
                      % ("network_subnet_ids" if network["subnet_ids"] else "network_vpc_id", vpc_id,
                         "one availability zone (%s)" % zones[0] if zones else "no subnet"))
    groups = found.get("app_security_groups") or []
    if len(groups) != 1:
        errors.append("network_app_security_group: no security group named %r in VPC %s; create it (it is the group "
                      "of your EC2 application instances) or set network_app_security_group to its name"
                      % (network["app_security_group"], vpc_id))
    for index, arn in enumerate((model.get("monitoring") or {}).get("actions") or []):
        if not (found.get("sns_topics") or {}).get(arn):
            errors.append("monitoring_alarm_actions[%d]: SNS topic %s does not exist; create it or remove it" % (index, arn))
    if errors:
        raise InputError(errors)
    redis = found.get("redis_security_groups") or []
    return {"vpc_id": vpc_id, "subnet_ids": [s for s in chosen if s in by_id], "availability_zones": zones,
            "app_security_group_id": groups[0]["group_id"],
            "redis_security_group_id": redis[0]["group_id"] if redis else None}


def connections(specs, groups):
    """name -> connection facts from the specs and the described replication groups. No secret in them.

    Each: purpose, replication_group_id, endpoint, port, reader_endpoint, tls, auth, cluster, url_redacted, and
    order (the instance's place in cache_instances: a worker that maps no instance to a purpose gets the first).
    The URL with the token is built where it is written (redis_env with cache_auth_tokens).
    """
    by_id = dict((g["replication_group_id"], g) for g in groups)
    result = {}
    for order, spec in enumerate(specs):
        group = by_id.get(spec["replication_group_id"])
        if group is None:
            raise ValueError("cache_instances (%s): replication group %s does not exist; run provision.yml first"
                             % (spec["name"], spec["replication_group_id"]))
        endpoint = group.get("primary_endpoint") or group.get("configuration_endpoint")
        if not endpoint:
            raise ValueError("cache_instances (%s): replication group %s has no endpoint yet (status %s)"
                             % (spec["name"], spec["replication_group_id"], group.get("status")))
        tls = bool(group.get("transit_encryption_enabled"))
        result[spec["name"]] = {
            "purpose": spec["purpose"],
            "replication_group_id": spec["replication_group_id"],
            "endpoint": endpoint["address"],
            "port": endpoint["port"],
            "reader_endpoint": (group.get("reader_endpoint") or {}).get("address"),
            "tls": tls,
            "auth": spec["auth"],
            "cluster": bool(group.get("cluster_enabled")),
            "order": order,
            "url_redacted": redact_url(redis_url(endpoint["address"], endpoint["port"], tls,
                                                 token="x" if spec["auth"] else None)),
        }
    return result


ALARM_CHECKS = ("cpu", "engine-cpu", "memory", "connections", "evictions", "replication-lag")


def alarm_purge(model):
    """Which existing alarms are the collection's own, for metric_alarms' purge: the prefix they share and the
    pattern of their names (<alarm prefix><group id>-<node number>-<check>), so that alarms of nodes that are gone
    are removed, and nothing else is touched."""
    settings = model.get("monitoring") or {}
    alarm_prefix = settings.get("prefix") or ""
    ids = [spec["replication_group_id"] for spec in model["instances"]]
    shared = alarm_prefix + (model["prefix"] + "-" if model["prefix"] else "")
    groups = "|".join(re.escape(group_id) for group_id in ids)
    pattern = "%s(%s)-(\\d{3}|\\d{4}-\\d{3})-(%s)" % (re.escape(alarm_prefix), groups, "|".join(ALARM_CHECKS))
    return {"prefix": shared, "pattern": pattern}


def alarms(specs, groups, settings, missing_ok=False):
    """CloudWatch alarm definitions for every node of every instance (settings: the model's monitoring)."""
    by_id = dict((g["replication_group_id"], g) for g in groups)
    definitions = []
    for spec in sorted(specs, key=lambda s: s["name"]):
        group = by_id.get(spec["replication_group_id"])
        if group is None:
            if missing_ok:
                continue
            raise ValueError("cache_instances (%s): replication group %s does not exist"
                             % (spec["name"], spec["replication_group_id"]))
        nodes = group.get("member_clusters") or []
        try:
            vcpus = cost.vcpus(group["cache_node_type"])
        except ValueError:
            vcpus = 4  # a node type newer than the catalog: watch the engine's own CPU
        evictions = 0 if spec["purpose"] == "queue" else settings.get("evictions_limit") or 0
        checks = [("cpu", "CPUUtilization", "GreaterThanThreshold", round(90.0 / vcpus, 1)) if vcpus <= 2 else
                  ("engine-cpu", "EngineCPUUtilization", "GreaterThanOrEqualToThreshold", 90.0),
                  ("memory", "DatabaseMemoryUsagePercentage", "GreaterThanOrEqualToThreshold", 90.0),
                  ("connections", "CurrConnections", "GreaterThanOrEqualToThreshold",
                   float(settings.get("connections_limit") or 1000)),
                  ("evictions", "Evictions", "GreaterThanThreshold", float(evictions))]
        if len(nodes) > 1:
            checks.append(("replication-lag", "ReplicationLag", "GreaterThanOrEqualToThreshold",
                           float(settings.get("replication_lag_seconds") or 60)))
        for node in nodes:
            for short, metric, comparison, threshold in checks:
                definitions.append({
                    "name": "%s%s-%s" % (settings.get("prefix") or "", node, short),
                    "metric": metric,
                    "comparison": comparison,
                    "threshold": threshold,
                    "statistic": "Maximum" if metric in ("Evictions", "CurrConnections") else "Average",
                    "period": settings.get("period") or 300,
                    "evaluation_periods": settings.get("evaluation_periods") or 2,
                    "dimensions": {"CacheClusterId": node, "CacheNodeId": "0001"},
                    "description": "%s of %s (%s instance %s)" % (metric, node, spec["purpose"], spec["name"]),
                    "actions": list(settings.get("actions") or []),
                })
    return definitions
