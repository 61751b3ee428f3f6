# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance controls a security team scores ElastiCache with, applied to described replication groups.
Controller only, no AWS calls.

Each control is scored as its owner documents it (docs/compliance.md cites the sources):
- AWS Security Hub ElastiCache.1 to .7 (the Foundational Security Best Practices controls, each backed by an AWS
  Config managed rule);
- AWS Config's managed rule elasticache-rbac-auth-enabled;
- Checkov CKV_AWS_191 (a customer managed KMS key for encryption at rest: Checkov passes a replication group whose
  kms_key_id is set to any value; on AWS that is the group's KmsKeyId, which a group encrypted with the AWS owned
  key does not have).

`score()` makes one row per control and managed group: PASS, FAIL, NOT_ENABLED (CKV_AWS_191 when the inventory
asks for no customer managed key: an option left off, which fails like FAIL), NOT_APPLICABLE (the control does
not score such a group, as its owner says) or ACCEPTED (a failing control that the inventory accepts, with its
reason). A failing row names the inventory field that fixes it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible.module_utils.six import string_types

from ansible_collections.funmagic.elasticache.plugins.module_utils.serverless import is_serverless

PASS = "PASS"
FAIL = "FAIL"
NOT_ENABLED = "NOT_ENABLED"
NOT_APPLICABLE = "NOT_APPLICABLE"
ACCEPTED = "ACCEPTED"
FAILING = (FAIL, NOT_ENABLED)

# (control id, who defines it, what it asks), in the order of the report.
CONTROLS = (
    ("ElastiCache.1", "AWS Security Hub", "automatic backups (a snapshot retention of at least N days, default 1)"),
    ("ElastiCache.2", "AWS Security Hub", "automatic minor version upgrades on every member cluster"),
    ("ElastiCache.3", "AWS Security Hub", "automatic failover"),
    ("ElastiCache.4", "AWS Security Hub", "encryption at rest"),
    ("ElastiCache.5", "AWS Security Hub", "encryption in transit"),
    ("ElastiCache.6", "AWS Security Hub", "Redis AUTH on Redis OSS before 6.0"),
    ("ElastiCache.7", "AWS Security Hub", "not the default subnet group, on every member cluster"),
    ("elasticache-rbac-auth-enabled", "AWS Config", "a user group (RBAC) on Redis OSS 6 and later"),
    ("CKV_AWS_191", "Checkov", "encryption at rest with a customer managed KMS key"),
)
CONTROL_IDS = tuple(control for control, source, title in CONTROLS)
# Security Hub's snapshotRetentionPeriod parameter of ElastiCache.1: allowed values and default.
RETENTION_RANGE = (1, 35)
HEADER = ("control", "instance", "result", "field to change", "detail")
ACCEPTED_HEADER = ("control", "instance", "field to change", "accepted because", "detail")
EXCEPTIONS_VARIABLE = "compliance_accepted_exceptions"


def version_tuple(version):
    """(7, 1, 0) of "7.1.0", (6,) of "6.x", () of nothing."""
    parts = []
    for part in str(version or "").split("."):
        digits = re.match(r"\d+", part)
        if not digits:
            break
        parts.append(int(digits.group()))
    return tuple(parts)


class _Group(object):
    """One managed group, its inventory spec and what the controls need to say about it."""

    def __init__(self, index, spec, group, kms_key, min_retention):
        self.spec, self.group, self.min_retention = spec, group, min_retention
        self.name = spec["name"]
        self.where = "cache_instances[%d] (%s)" % (index, self.name)
        self.kms_mode = (kms_key or {}).get("mode") or "none"
        self.engine = group.get("engine") or spec.get("engine") or "redis"
        members = group.get("members")
        versions = [group.get("engine_version")] + [m.get("engine_version") for m in members or []]
        self.version = next((v for v in versions if v), None) or spec.get("engine_version") or ""

    def field(self, key, wanted):
        return "%s.%s: %s" % (self.where, key, wanted)

    def rbac_capable(self):
        """Valkey, or Redis OSS 6.0 and later: the versions that have users and user groups."""
        return self.engine == "valkey" or version_tuple(self.version) >= (6,)

    def members(self, key, group_key):
        """[(cluster id, value of `key`)] of every member cluster; the first member's (group_key) when the members
        were not read one by one (replication_group_info without all_members); [] when there is no member yet."""
        members = self.group.get("members")
        if members is not None:
            return [(m.get("cache_cluster_id"), m.get(key)) for m in members]
        first = (self.group.get("member_clusters") or [None])[0]
        return [(first, self.group.get(group_key))] if first else []

    def inventory_says(self, key, fixes):
        """"; the inventory says X: ..." when the inventory already asks for what passes (AWS drifted)."""
        value = self.spec.get(key)
        if value is not None and fixes(value):
            return "; the inventory says %s: %s, so playbooks/redis.yml sets it back (drift.yml shows the difference)" \
                % (key, _yaml(value))
        return ""


def _yaml(value):
    return str(value).lower() if isinstance(value, bool) else str(value)


def _backups(g):
    limit = g.group.get("snapshot_retention_limit") or 0
    if limit >= g.min_retention:
        return PASS, None, "SnapshotRetentionLimit %d (at least %d)" % (limit, g.min_retention)
    return FAIL, g.field("snapshot_retention_limit", "%d or more" % g.min_retention), (
        "SnapshotRetentionLimit %d, less than %d: no automatic backup kept long enough%s"
        % (limit, g.min_retention, g.inventory_says("snapshot_retention_limit", lambda v: v >= g.min_retention)))


def _minor_upgrades(g):
    members = g.members("auto_minor_version_upgrade", "auto_minor_version_upgrade")
    if not members:
        return NOT_APPLICABLE, None, "no member cluster yet: the control scores cache clusters"
    off = [cluster for cluster, enabled in members if enabled is not True]
    if not off:
        return PASS, None, "AutoMinorVersionUpgrade true on %d member cluster(s)" % len(members)
    return FAIL, "auto_minor_version_upgrade: true (not an inventory setting: the cache role keeps AWS's default)", (
        "AutoMinorVersionUpgrade is off on %s; turn it back on: aws elasticache modify-replication-group "
        "--replication-group-id %s --auto-minor-version-upgrade --apply-immediately"
        % (", ".join(off), g.spec["replication_group_id"]))


def _failover(g):
    status = g.group.get("automatic_failover") or "disabled"
    if status == "enabled":
        return PASS, None, "AutomaticFailover enabled"
    replicas = g.spec.get("replicas") or 0
    if replicas >= 1:
        return FAIL, g.field("replicas", replicas), (
            "AutomaticFailover %s; the inventory has %d replica(s), with which playbooks/redis.yml turns automatic "
            "failover and Multi-AZ on" % (status, replicas))
    return FAIL, g.field("replicas", "1 or more"), (
        "AutomaticFailover %s: a group without a replica cannot fail over (automatic failover and Multi-AZ follow "
        "replicas)" % status)


def _at_rest(g):
    if g.group.get("at_rest_encryption_enabled"):
        return PASS, None, "AtRestEncryptionEnabled true"
    return FAIL, g.field("at_rest_encryption", "true"), (
        "AtRestEncryptionEnabled false; AWS sets it only when a group is created: make a new instance from a snapshot "
        "of this group (restore_from_snapshot) with at_rest_encryption: true and move the clients to it")


def _in_transit(g):
    if g.group.get("transit_encryption_enabled"):
        mode = g.group.get("transit_encryption_mode")
        return PASS, None, "TransitEncryptionEnabled true%s" % (
            " (mode preferred: clients without TLS are still accepted)" if mode == "preferred" else "")
    return FAIL, g.field("transit_encryption", "true"), "TransitEncryptionEnabled false%s" % (
        g.inventory_says("transit_encryption", bool))


def _auth_before_6(g):
    if g.rbac_capable():
        return NOT_APPLICABLE, None, ("%s %s: the control scores Redis OSS before 6.0 only (6.0 and later: "
                                      "elasticache-rbac-auth-enabled)" % (g.engine, g.version))
    if g.group.get("auth_token_enabled"):
        return PASS, None, "AuthTokenEnabled true on Redis OSS %s" % g.version
    return FAIL, "cache_auth_tokens.%s (with transit_encryption: true)" % g.name, (
        "Redis OSS %s without AUTH (AuthTokenEnabled false)" % g.version)


def _subnet_group(g):
    members = g.members("cache_subnet_group_name", "subnet_group")
    if not members:
        return NOT_APPLICABLE, None, "no member cluster yet: the control scores cache clusters"
    default = [cluster for cluster, name in members if (name or "default") == "default"]
    if not default:
        return PASS, None, "CacheSubnetGroupName %s" % ", ".join(sorted(set(name for cluster, name in members)))
    return FAIL, "network_subnet_group", (
        "%s in the default subnet group; AWS sets a group's subnet group only when it is created: make a new instance "
        "from a snapshot of this group (restore_from_snapshot), which the cache role puts in network_subnet_group"
        % ", ".join(default))


def _rbac(g):
    if not g.rbac_capable():
        return NOT_APPLICABLE, None, "Redis OSS %s: the rule scores Redis 6 and later (RBAC needs 6.0)" % g.version
    ids = g.group.get("user_group_ids") or []
    if ids:
        return PASS, None, "UserGroupIds %s" % ", ".join(ids)
    if g.spec.get("access") == "rbac":
        detail = "no user group (UserGroupIds empty); the inventory says access: rbac: playbooks/redis.yml adds it"
    else:
        detail = "no user group (UserGroupIds empty): %s opens every key and command" % (
            "one AUTH token" if g.group.get("auth_token_enabled") else "a connection without any password")
    return FAIL, g.field("access", "rbac"), detail


def _customer_managed_key(g):
    key = g.group.get("kms_key_id")
    if key:
        return PASS, None, "KmsKeyId %s" % key
    field = "cache_kms_key: create, or a key ARN"
    if not g.group.get("at_rest_encryption_enabled"):
        return FAIL, field, "no encryption at rest, so no KMS key (see ElastiCache.4)"
    if g.kms_mode == "none":
        return NOT_ENABLED, field, (
            "not enabled: encryption at rest uses the AWS owned key (no KmsKeyId); AWS takes a customer managed key "
            "only when a group is created")
    return FAIL, field, (
        "cache_kms_key is set (%s) but this group has no KmsKeyId: AWS takes the key only when a group is created; "
        "make a new instance from a snapshot of this group (restore_from_snapshot)" % g.kms_mode)


SCORERS = dict(zip(CONTROL_IDS, (_backups, _minor_upgrades, _failover, _at_rest, _in_transit, _auth_before_6,
                                 _subnet_group, _rbac, _customer_managed_key)))


# A serverless cache (AWS::ElastiCache::ServerlessCache) is a resource none of these controls' owners evaluates; the
# report asks it the same questions where they mean something, and says why not where AWS runs the thing itself.
def _serverless_fixed(result, detail):
    return lambda g: (result, None, "serverless cache: " + detail)


def _serverless_user_group(g):
    if g.group.get("user_group_id"):
        return PASS, None, "UserGroupId %s" % g.group["user_group_id"]
    return FAIL, g.field("access", "rbac"), "no user group (UserGroupId empty): any connection reaches every key"


def _serverless_key(g):
    if g.group.get("kms_key_id"):
        return PASS, None, "KmsKeyId %s" % g.group["kms_key_id"]
    if g.kms_mode == "none":
        return NOT_ENABLED, "cache_kms_key: create, or a key ARN", (
            "not enabled: encrypted at rest with the AWS owned key (no KmsKeyId)")
    return FAIL, "cache_kms_key: create, or a key ARN", (
        "cache_kms_key is set (%s) but this cache has no KmsKeyId: AWS takes the key only when a cache is created; "
        "make a new one from a snapshot of it" % g.kms_mode)


SERVERLESS_SCORERS = dict(zip(CONTROL_IDS, (
    _backups,
    _serverless_fixed(NOT_APPLICABLE, "AWS applies minor versions and patches itself"),
    _serverless_fixed(NOT_APPLICABLE, "AWS replicates it across Availability Zones and fails over itself"),
    _serverless_fixed(PASS, "always encrypted at rest"),
    _serverless_fixed(PASS, "TLS only"),
    _serverless_fixed(NOT_APPLICABLE, "Redis OSS 7 and later, or Valkey (the control scores Redis OSS before 6.0)"),
    _serverless_fixed(NOT_APPLICABLE, "it takes the VPC's subnets (SubnetIds), not a cache subnet group"),
    _serverless_user_group, _serverless_key)))


def _row(control, spec, result, field, detail, reason=None):
    return {"control": control, "instance": spec["name"], "replication_group_id": spec["replication_group_id"],
            "result": result, "field": field, "detail": detail, "reason": reason}


# What a purpose's documented defaults leave out on purpose (rules.PURPOSE_DEFAULTS), accepted with the runbook's
# reason while the instance keeps that default.
PURPOSE_EXCEPTIONS = {
    ("pubsub", "ElastiCache.1"): ("snapshot_retention_limit", 0,
                                  "purpose pubsub: nothing in it needs to survive a restart (the runbook's 11.9: no "
                                  "persistence); set snapshot_retention_limit on the instance to keep backups"),
}


def _accepting(exceptions, control, spec):
    found = next((e for e in exceptions
                  if e.get("control") == control and e.get("instance") in (None, "", spec["name"])), None)
    if found is None and (spec.get("purpose"), control) in PURPOSE_EXCEPTIONS:
        field, value, reason = PURPOSE_EXCEPTIONS[(spec["purpose"], control)]
        if spec.get(field) == value:
            found = {"reason": reason}
    return found


def score(groups, specs, exceptions=(), kms_key=None, min_retention=RETENTION_RANGE[0], caches=()):
    """One row per control and instance, in the inventory's order, then the controls' order.

    groups: described replication groups (replication_group_info, snake_case; with all_members the controls on
    cache clusters score every member). specs: the instances of the inputs model, in cache_instances order.
    exceptions: compliance_accepted_exceptions ({control, instance (omitted: every instance), reason}), checked by
    exception_errors(). kms_key: the model's cache.kms_key ({mode: none|create|arn}). min_retention: Security Hub's
    snapshotRetentionPeriod for ElastiCache.1.

    A failing control that an exception matches is ACCEPTED, with the exception's reason; the field and the detail
    stay. An instance whose group does not exist makes one FAIL row (control "(group)"), matched by no exception.
    caches: the described serverless caches (replication_group_info's serverless_caches), for the instances of kind
    serverless, scored by SERVERLESS_SCORERS.
    """
    by_id = dict((g["replication_group_id"], g) for g in groups)
    by_name = dict((c["serverless_cache_name"], c) for c in caches or [])
    exceptions = list(exceptions or [])
    rows = []
    for index, spec in enumerate(specs):
        serverless = is_serverless(spec)
        group = (by_name if serverless else by_id).get(spec["replication_group_id"])
        if group is None:
            what = "serverless cache" if serverless else "replication group"
            rows.append(_row("(group)", spec, FAIL, "cache_instances[%d] (%s)" % (index, spec["name"]),
                             "%s %s does not exist: run playbooks/redis.yml, or remove the instance"
                             % (what, spec["replication_group_id"])))
            continue
        scored = _Group(index, spec, group, kms_key, min_retention)
        for control in CONTROL_IDS:
            result, field, detail = (SERVERLESS_SCORERS if serverless else SCORERS)[control](scored)
            exception = _accepting(exceptions, control, spec) if result in FAILING else None
            rows.append(_row(control, spec, ACCEPTED if exception else result, field, detail,
                             exception["reason"] if exception else None))
    return rows


def failing(rows):
    return [r for r in rows if r["result"] in FAILING]


def accepted(rows):
    return [r for r in rows if r["result"] == ACCEPTED]


def unused_exceptions(rows, exceptions):
    """The exceptions that accept no failing control (the control passes or does not apply): remove them."""
    used = set((r["control"], r["instance"]) for r in accepted(rows))
    names = set(r["instance"] for r in rows)
    return [e for e in exceptions or []
            if not any((e.get("control"), n) in used for n in ([e["instance"]] if e.get("instance") else names))]


def exception_errors(exceptions, names):
    """Problems of compliance_accepted_exceptions, each naming its path: an unknown control, an instance that is not
    in cache_instances (names), no reason, the same control and instance twice. [] when it is right."""
    errors, seen = [], {}
    if not isinstance(exceptions, list):
        return ["%s: must be a list of {control, instance, reason}" % EXCEPTIONS_VARIABLE]
    for index, exception in enumerate(exceptions):
        where = "%s[%d]" % (EXCEPTIONS_VARIABLE, index)
        if not isinstance(exception, dict):
            errors.append("%s: must be a mapping with control, instance and reason" % where)
            continue
        control, instance = exception.get("control"), exception.get("instance")
        if control not in CONTROL_IDS:
            close = difflib.get_close_matches(str(control), CONTROL_IDS, n=1, cutoff=0.6)
            errors.append("%s.control: %r is not a control%s; one of %s" % (
                where, control, " (did you mean %s?)" % close[0] if close else "", ", ".join(CONTROL_IDS)))
        if instance not in (None, "") and instance not in names:
            errors.append("%s.instance: %r is not an instance of cache_instances (%s); omit it for every instance"
                          % (where, instance, ", ".join(names)))
        reason = exception.get("reason")
        if not isinstance(reason, string_types) or not reason.strip():
            errors.append("%s.reason: say why the control is accepted (the report prints it)" % where)
        key = (control, instance or None)
        if key in seen:
            errors.append("%s: accepts %s on %s again, as %s[%d] does" % (
                where, control, instance or "every instance", EXCEPTIONS_VARIABLE, seen[key]))
        seen.setdefault(key, index)
    return errors


def _aligned(header, lines):
    if not lines:
        return []
    lines = [header] + lines
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    return [" | ".join([cell.ljust(width) for cell, width in zip(line, widths)] + [line[-1]]).rstrip()
            for line in lines]


def table(rows):
    """The scored rows (accepted ones apart: accepted_table) as aligned text lines, a header first."""
    return _aligned(HEADER, [(r["control"], r["instance"], r["result"], r["field"] or "", r["detail"])
                             for r in rows if r["result"] != ACCEPTED])


def accepted_table(rows):
    """The accepted exceptions as aligned text lines, a header first; [] when there is none."""
    return _aligned(ACCEPTED_HEADER, [(r["control"], r["instance"], r["field"] or "", r["reason"], r["detail"])
                                      for r in accepted(rows)])


def summary(rows, unused=()):
    """One paragraph: how many controls fail (each with its field), how many are accepted, what to clean up."""
    failed, kept = failing(rows), accepted(rows)
    groups = len(set(r["replication_group_id"] for r in rows))
    head = "Compliance: %d failing control(s), %d accepted exception(s), on %d replication group(s)." % (
        len(failed), len(kept), groups)
    lines = [head] + ["- %s %s on %s (%s): change %s; %s" % (
        r["control"], r["result"], r["instance"], r["replication_group_id"], r["field"], r["detail"]) for r in failed]
    lines += ["Exception accepting nothing (the control passes or does not apply; remove it): %s on %s"
              % (e.get("control"), e.get("instance") or "every instance") for e in unused]
    return "\n".join(lines)


def report(rows, unused=()):
    """The text a person reads: the table, the accepted exceptions apart, the summary."""
    kept = accepted_table(rows)
    return "\n".join(table(rows) + [""] + (
        ["Accepted exceptions (compliance_accepted_exceptions):"] + kept if kept else ["No accepted exception."]) +
        ["", summary(rows, unused)])
