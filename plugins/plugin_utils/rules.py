# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's input rules, in plain Python: every input checked at once, then resolved into the model.

`check()` takes the inventory's variables (role defaults already under them), converts them by the roles' argument
specs (plugin_utils/specs.py), applies each role's rules (ranges, windows, node types, names, tokens, production
safety; those of the client and failover drill roles, which run on the application hosts, are in host_rules.py) and
returns the model the roles work from: derived names, instance specs, alarm settings and each host's client
settings, plus the resources derived from them (plugin_utils/derived.py). It never returns a secret:
tokens are checked where they live (cache_auth_tokens) and only `auth: true` is kept. The rules ElastiCache itself
enforces come from module_utils/validation.py, shared with the modules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.six import string_types

from ansible_collections.funmagic.elasticache.plugins.module_utils import cost
from ansible_collections.funmagic.elasticache.plugins.module_utils import global_datastore
from ansible_collections.funmagic.elasticache.plugins.module_utils import node_placement
from ansible_collections.funmagic.elasticache.plugins.module_utils import validation
from ansible_collections.funmagic.elasticache.plugins.module_utils.inputs_options import ROLES
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import changes
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import compliance
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import derived
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import global_spec
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import host_rules
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import kind_move
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import rbac
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import secret_store
from ansible_collections.funmagic.elasticache.plugins.plugin_utils import serverless_spec
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import InputError
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import converted
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import label
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import merge_defaults
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import removed as removed_errors
from ansible_collections.funmagic.elasticache.plugins.plugin_utils.specs import suggestion

# BullMQ refuses to run on an instance that may evict keys.
PURPOSE_PARAMETERS = {"queue": {"maxmemory-policy": "noeviction"}}
# Each purpose's documented defaults, over cache_defaults and under the instance's own fields (the runbook's 11.9):
# pubsub keeps nothing that must survive a restart, so no automatic backups (the compliance report accepts it with
# that reason); queue keeps cache_defaults' backups (persistence) and gets noeviction above; main is as cache_defaults.
PURPOSE_DEFAULTS = {"pubsub": {"snapshot_retention_limit": 0}}
# Default names, "<prefix>-<suffix>"; with the prefix funmagic they are the console runbook's names.
DEFAULT_NAMES = {
    "network_app_security_group": "ec2-sg",
    "network_redis_security_group": "redis-sg",
    "network_subnet_group": "redis-subnet",
}
_SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
_KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]{1,64}$")
_SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_VPC_ID = re.compile(r"^vpc-[0-9a-f]{8,17}$")


def check(variables, specs, roles, client_variables=None, removed=()):
    """The model of the inputs of `roles`, or InputError listing every problem.

    variables: name -> value for every role input (role defaults under the inventory's values).
    specs: name -> argument_specs entry, for every role input.
    client_variables: host -> its client_* variables, when the client role is checked.
    removed: the names of removed variables that the inventory still sets (specs.REMOVED).
    """
    errors = removed_errors(removed)
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
    errors.extend(serverless_spec.port_errors(port, model["instances"]))
    errors.extend(kind_move.instance_errors(model["instances"]))
    model["tokens_defined"] = sorted(n for n, t in (values.get("cache_auth_tokens") or {}).items() if t)
    model["next_tokens_defined"] = sorted(n for n, t in (values.get("cache_auth_tokens_next") or {}).items() if t)
    for key in ("cache_wait_timeout", "cache_wait_delay"):
        if values.get(key) is not None and values[key] <= 0:
            errors.append("%s: must be greater than 0, got %r" % (key, values[key]))
    model["cache"] = dict((key[len("cache_"):], values.get(key)) for key in (
        "cache_apply_immediately", "cache_notification_topic_arn", "cache_wait_timeout", "cache_wait_delay"))
    model["cache"]["tags"] = dict(values.get("cache_tags") or {})
    topic = values.get("cache_notification_topic_arn")
    if topic and not _SNS_ARN.match(topic):
        errors.append("cache_notification_topic_arn: %r is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME); "
                      "leave it empty for no event notifications" % topic)
    model["named"] = _named(values, model["instances"])
    model["cache"]["kms_key"] = _kms_key(values, errors)
    model["cache"]["secrets"] = values.get("cache_secrets") or "vault"
    errors.extend(secret_store.pending_errors(values, variables.get("_rotation")))
    model["cache"]["log_retention_days"] = log_delivery["retention_days"]
    model["log_groups"] = derived.log_groups(model)
    model["parameter_groups"] = derived.parameter_groups(model)
    model["network"] = _network(values, errors)
    model["network"]["regions"] = global_spec.networks(dict(model["network"]), values.get("network_regions"),
                                                       model["instances"], errors)
    if "monitoring" in roles:
        model["monitoring"] = _monitoring(values, errors)
        model["alarm_purge"] = derived.alarm_purge(model)
    if "destroy" in roles:
        if values.get("destroy_confirm") != prefix:
            errors.append("destroy_confirm: this deletes every %s-* cache; confirm with -e destroy_confirm=%s"
                          % (prefix, prefix))
        model["destroy"] = dict(rbac.managed(model["instances"]),
                                skip_final_snapshot=bool(values.get("destroy_skip_final_snapshot")),
                                parameter_groups=[n for s in model["instances"] if s["kind"] == "node"
                                                  for n in changes.own_names(s["replication_group_id"])],
                                global_datastores=[s["replication_group_id"] for s in model["instances"]
                                                   if s.get("global")],
                                global_members=global_spec.members(model["instances"]),
                                regions=global_spec.regions(model["instances"]))
    if "failover_drill" in roles:
        names = [spec["name"] for spec in model["instances"]]
        model["failover_drill"] = host_rules.failover_drill(values, names, variables.get("_inventory") or {}, errors)
        drilled = [spec for spec in model["instances"] if spec["name"] == model["failover_drill"]["instance"]]
        model["failover_drill"]["region"] = host_rules.drill_region(
            values.get("failover_drill_region"), drilled[0] if drilled else None, model["region"], errors)
    if "compliance" in roles:
        model["compliance"] = _compliance(values, [spec["name"] for spec in model["instances"]], errors)
    if "client" in roles:
        model["rollout_batch"], problems = host_rules.rollout_batch(variables.get("_batch_size"),
                                                                    values.get("cache_rollout_batch"))
        errors.extend(problems)
        fleet_batch = values.get("cache_rollout_batch")
        for host, value in sorted((variables.get("_host_rollout_batches") or {}).items()):
            if value != fleet_batch:
                errors.append("host %s: cache_rollout_batch: %r differs from localhost's %r; one batch size moves the "
                              "whole fleet: set it once, in group_vars/all" % (host, value, fleet_batch))
        purposes = dict((spec["name"], spec["purpose"]) for spec in model["instances"])
        readers = dict((spec["name"], host_rules.no_reader(spec)) for spec in model["instances"])
        client_names = [n for n in specs if n.startswith("client_")]
        model["clients"] = {}
        for host in sorted(client_variables or {}):
            host_errors = []
            host_values = converted(client_variables[host], specs, client_names, host_errors)
            model["clients"][host] = host_rules.client(host_values, purposes, host_errors, readers)
            model["clients"][host]["region"] = model["clients"][host]["region"] or model["region"]
            errors.extend("host %s: %s" % (host, e) for e in host_errors)
        model["users"], model["user_groups"] = rbac.model(model["instances"], model["clients"], values, errors,
                                                          variables.get("_rotation"))
        model["user_purge"] = rbac.managed(model["instances"])["user_purge"]
        model["secrets"] = secret_store.model(values, prefix, model["instances"], model["users"])
    if errors:
        raise InputError(_unique(errors))
    return model


def _named(values, instances):
    """The AWS objects the inputs name, for the read-only lookups of the preflight (only well-formed names: the
    others are refused by the rules)."""
    topics = list(values.get("monitoring_alarm_actions") or []) + [values.get("cache_notification_topic_arn") or ""]
    return {
        "sns_topic_arns": sorted(set(t for t in topics if isinstance(t, string_types) and _SNS_ARN.match(t))),
        "snapshot_names": sorted(set(s["restore_from_snapshot"] for s in instances if s.get("restore_from_snapshot"))),
        "cache_cluster_ids": sorted(set(s["primary_cluster_id"] for s in instances if s.get("primary_cluster_id"))),
        "kms_key_ids": [values["cache_kms_key"]] if _KMS_KEY_ARN.match(values.get("cache_kms_key") or "") else [],
    }


def _kms_key(values, errors):
    """The KMS key: {mode: none|create|arn, arn (the given one, else null), alias (of the one the collection makes)}."""
    key = values.get("cache_kms_key") or ""
    alias = "alias/%s-elasticache" % (values.get("cache_name_prefix") or "")
    if key and key != "create" and not _KMS_KEY_ARN.match(key):
        errors.append("cache_kms_key: %r is neither create nor a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); leave it "
                      "empty for AWS-owned keys" % key)
    return {"mode": "create" if key == "create" else ("arn" if key else "none"),
            "arn": key if key not in ("", "create") else None, "alias": alias}


def _unique(items):
    seen, result = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result


def _instance_path(index, instance):
    return "cache_instances[%d]%s" % (index, label(instance))


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
    generated = secret_store.generated(variables)
    risks = set(variables.get("cache_production_accepted_risks") or [])
    production = bool(variables.get("cache_production"))
    tags = variables.get("cache_tags") or {}
    if log_delivery["retention_days"] not in validation.LOG_RETENTION_DAYS:
        errors.append("cache_log_delivery.retention_days: CloudWatch Logs keeps events for one of %s days, got %r"
                      % (", ".join(map(str, validation.LOG_RETENTION_DAYS)), log_delivery["retention_days"]))
    resolved, names = [], []
    for index, instance in enumerate(variables.get("cache_instances") or []):
        where = _instance_path(index, instance)
        if not isinstance(instance, dict) or not instance.get("name"):
            continue  # reported by convert(): a mapping with a name is required
        name = instance["name"]
        if name in names:
            errors.append("%s.name: %r is used twice; instance names must be unique" % (where, name))
        names.append(name)
        spec = dict(defaults, **PURPOSE_DEFAULTS.get(instance.get("purpose") or "main", {}))
        spec.update(dict((k, v) for k, v in instance.items() if v is not None))
        spec["purpose"] = instance.get("purpose") or "main"
        spec["replication_group_id"] = ("%s-%s" % (prefix, name) if prefix else name).lower()
        spec["description"] = instance.get("description") or "%s Redis (%s)" % (name, spec["purpose"])
        spec["parameters"] = dict(spec.get("parameters") or {}, **PURPOSE_PARAMETERS.get(spec["purpose"], {}))
        if spec["cluster_mode"]:
            spec["parameters"]["cluster-enabled"] = "yes"  # AWS creates a cluster-mode group only with this
        if spec["kind"] != "serverless":
            errors.extend(_shard_errors(where, spec))
        spec["tags"] = dict(tags, **(spec.get("tags") or {}))
        spec["tags"].setdefault("Purpose", spec["purpose"])
        spec["auth"] = bool(tokens.get(name)) or (generated and secret_store.gets_token(spec))
        spec["user_group_ids"] = [spec["replication_group_id"]] if spec["access"] == "rbac" else None
        if spec["access"] == "rbac":
            errors.extend(rbac.instance_errors(where, spec))
        if spec.get("restore_from_snapshot") and spec.get("primary_cluster_id"):
            errors.append("%s: restore_from_snapshot and primary_cluster_id both say where the data comes from; "
                          "choose one" % where)
        if spec.get("primary_cluster_id") and spec["kind"] != "serverless":
            errors.extend(validation.identifier(spec["primary_cluster_id"], "%s.primary_cluster_id" % where))
            if spec["at_rest_encryption"]:
                errors.append("%s.at_rest_encryption: a group made around cache cluster %s takes the cluster's "
                              "settings, and cache clusters have no encryption at rest; set at_rest_encryption: "
                              "false for this instance, or restore_from_snapshot into a new encrypted group instead"
                              % (where, spec["primary_cluster_id"]))
        errors.extend(validation.identifier(spec["replication_group_id"],
                                            "%s: the replication group id (cache_name_prefix-name)" % where))
        errors.extend(validation.retention(spec["snapshot_retention_limit"], "%s.snapshot_retention_limit" % where))
        if spec["kind"] == "serverless":
            user_defaults = variables.get("cache_defaults") or {}
            errors.extend(serverless_spec.explicit_errors(where, instance, "cache_defaults", user_defaults)
                          if user_defaults.get("kind") == "serverless" else serverless_spec.explicit_errors(
                              where, instance))
            errors.extend(serverless_spec.resolve(where, spec))
            errors.extend(_window_errors(where, spec))
            resolved.append(spec)
            continue
        spec["log_delivery_configurations"] = derived.log_delivery(log_delivery, spec)
        try:
            spec["family"] = family(spec["engine"], spec["engine_version"])
        except ValueError as e:
            errors.append("%s.engine_version: %s" % (where, e))
        # Named by family, so that an engine or major version change makes its group beside the old one; a group
        # that exists keeps the collection's group it uses while the family stays (plugin_utils/changes.py).
        spec["parameter_group"] = changes.parameter_group_name(spec["replication_group_id"], spec["family"]) \
            if spec.get("family") else spec["replication_group_id"]
        errors.extend(_node_type(spec["node_type"], "%s.node_type" % where,
                                 variables.get("cache_allow_unknown_node_types")))
        errors.extend(validation.replicas(spec["replicas"], "%s.replicas" % where))
        if spec.get("global"):
            errors.extend(global_datastore.prerequisite_errors(
                where, spec["node_type"], spec["engine"], spec["engine_version"], variables.get("aws_region"),
                (spec["global"] or {}).get("regions")))
        for option in node_placement.OPTIONS:
            spec.setdefault(option, None)
        errors.extend(node_placement.errors(dict(spec, nodes_per_shard=(spec["replicas"] or 0) + 1), where + "."))
        errors.extend(_window_errors(where, spec))
        if tokens.get(name) and not spec["transit_encryption"]:
            errors.append("%s.transit_encryption: is false, but cache_auth_tokens.%s is set; ElastiCache only "
                          "accepts an AUTH token over TLS" % (where, name))
        if production:
            for risk, present, fix in (("no_transit_encryption", not spec["transit_encryption"],
                                        "transit_encryption: true"),
                                       ("no_auth_token", not spec["auth"] and spec["access"] != "rbac",
                                        "access: rbac, or a token in cache_auth_tokens.%s" % name),
                                       ("no_replica", spec["replicas"] == 0, "replicas: 1")):
                if present and risk not in risks:
                    errors.append("%s: %s in a production inventory (cache_production: true); set %s, or accept "
                                  "the risk with cache_production_accepted_risks: [%s]" % (where, risk.replace(
                                      "_", " "), fix, risk))
        resolved.append(spec)
    for name in sorted(set(tokens) - set(names) if not generated else ()):
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


def _check_next_tokens(variables, names, tokens, errors):
    """cache_auth_tokens_next: the new tokens of a rotation (playbooks/rotate_auth.yml), checked like the others."""
    next_tokens = variables.get("cache_auth_tokens_next") or {}
    rotation = variables.get("_rotation")
    if secret_store.generated(variables):
        return  # the values of a rotation under way, in Secrets Manager: secret_store.pending_errors
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
    if rotation and not next_tokens and not variables.get("cache_user_passwords_next"):
        errors.append("cache_auth_tokens_next: set the new token of each instance to rotate (from vault), or "
                      "cache_user_passwords_next the new passwords of the users (access: rbac)")


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


def _compliance(variables, names, errors):
    """The compliance report's settings: the exceptions (controls and instances that exist, a reason each) and
    Security Hub's snapshotRetentionPeriod."""
    exceptions = variables.get("compliance_accepted_exceptions") or []
    errors.extend(compliance.exception_errors(exceptions, names))
    retention = variables.get("compliance_min_snapshot_retention")
    low, high = compliance.RETENTION_RANGE
    if retention is not None and not low <= retention <= high:
        errors.append("compliance_min_snapshot_retention: Security Hub takes %d to %d days, got %r"
                      % (low, high, retention))
    return {"accepted_exceptions": [dict((k, e.get(k) or None) for k in ("control", "instance", "reason"))
                                    for e in exceptions if isinstance(e, dict)],
            "min_snapshot_retention": retention}


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
